"""Did a create whose answer was lost happen? Read Esqase for the record that was sent.

A 5xx, a timeout or a dropped connection after a POST left leaves the relay
not knowing whether the record exists. Before sending that same body again,
the job reads the resource's list and looks for a record matching what was
sent. Only what the API docs promise is relied on:

- list order is not documented, so the whole list is scanned, newest or not,
  up to :data:`SCAN_LIMIT` records, and a scan that stops at the bound says so;
- only contacts carry ``createdAt``: a contact must have been created after the
  attempt began (less :data:`CLOCK_SLACK`), and a lead is dated by the brand-new
  contact its create makes. Practice areas, matter types and matters carry no
  creation time, so an identical older record cannot be told from a new one:
  such a match is reported with ``dated`` false.

One match: the create happened, and that is its record. No match in a full
scan: it did not, and sending it again creates it once. Several, or a scan that
could not finish: :class:`Unsettled`, a person decides, with the candidates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.esqase import ApiError, EsqaseClient

from .base import ActionFailed

SCAN_LIMIT = 2000
PAGE = 100
CLOCK_SLACK = timedelta(seconds=120)
PERSON_NAMES = ("prefix", "firstName", "middleName", "lastName", "suffix", "nickname")
COMPANY_NAMES = ("companyName", "tradeName", "companyType")


class Unsettled(ActionFailed):
    """Esqase could not say whether an earlier create happened: a person decides."""

    def __init__(self, message: str, candidates: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message, code="create_unsettled")
        self.candidates = candidates or []


@dataclass(frozen=True)
class Reading:
    matches: list[dict[str, Any]]
    complete: bool  # every record was seen (not stopped at SCAN_LIMIT)
    dated: bool  # records carry a creation time, so older look-alikes were left out


@dataclass(frozen=True)
class Found:
    record: dict[str, Any]
    dated: bool


def find(
    client: EsqaseClient, resource: str, body: dict[str, Any], since: datetime
) -> Found | None:
    """The record an earlier create of ``body`` made, or ``None`` when it made none. A read
    that may work later (429, 5xx, no connection) raises as it is, so the job retries; one
    that will not (the key may not read this resource) leaves the question to a person."""
    try:
        reading = READERS[resource](client, body, since)
    except ApiError as exc:
        if 400 <= exc.status < 500 and exc.status != 429:
            raise Unsettled(
                f"Esqase could not be read to check whether the lost create happened "
                f"(it answered {exc.status}: {exc.message}); check Esqase by hand"
            ) from None
        raise
    if len(reading.matches) == 1:
        return Found(reading.matches[0], reading.dated)
    what = resource.replace("-", " ")
    if len(reading.matches) > 1:
        raise Unsettled(
            f"Esqase has {len(reading.matches)} {what} matching what the lost create sent; "
            "link the right one, or discard this job",
            reading.matches[:10],
        )
    if not reading.complete:
        raise Unsettled(
            f"none of the first {SCAN_LIMIT} {what} match what the lost create sent, but "
            "Esqase has more and its list order is not documented; check Esqase by hand"
        )
    return None


# -- how each resource is read and matched -------------------------------------------------


def _scan(client: EsqaseClient, resource: str, **params: Any) -> tuple[list[dict[str, Any]], bool]:
    records: list[dict[str, Any]] = []
    for record in client.iterate(resource, page_size=PAGE, **params):
        if len(records) == SCAN_LIMIT:
            return records, False
        records.append(record)
    return records, True


def _same(sent: Any, seen: Any) -> bool:
    if isinstance(sent, str) and isinstance(seen, str):
        return sent.strip().casefold() == seen.strip().casefold()
    return bool(sent == seen)


def _fields_match(body: dict[str, Any], record: dict[str, Any], names: tuple[str, ...]) -> bool:
    return all(_same(body[n], record.get(n)) for n in names if body.get(n) not in (None, ""))


def _created_since(record: dict[str, Any], since: datetime) -> bool:
    raw = record.get("createdAt")
    try:
        created = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        return False
    return created >= since - CLOCK_SLACK


def _contact_like(body: dict[str, Any], emails: list[str]) -> Callable[[dict[str, Any]], bool]:
    """A contact made from ``body``: same type, names and (first) email."""

    def matches(record: dict[str, Any]) -> bool:
        if record.get("type") != body.get("type"):
            return False
        if not _fields_match(body, record, PERSON_NAMES + COMPANY_NAMES):
            return False
        seen = [str(e).strip().casefold() for e in record.get("emails") or []]
        return not emails or (bool(seen) and seen[0] == emails[0].strip().casefold())

    return matches


def _contacts(client: EsqaseClient, body: dict[str, Any], since: datetime) -> Reading:
    like = _contact_like(body, list(body.get("emails") or []))
    records, complete = _scan(client, "contacts")
    return Reading([r for r in records if like(r) and _created_since(r, since)], complete, True)


def _leads(client: EsqaseClient, body: dict[str, Any], since: datetime) -> Reading:
    """A lead is dated by the new contact its create makes from the prospect's details."""
    like = _contact_like(body, [body["email"]] if body.get("email") else [])
    contacts, contacts_complete = _scan(client, "contacts")
    fresh = {c.get("id") for c in contacts if like(c) and _created_since(c, since)}
    if not fresh:
        return Reading([], contacts_complete, True)
    leads, leads_complete = _scan(client, "leads")
    matches = [
        lead
        for lead in leads
        if (lead.get("contact") or {}).get("id") in fresh
        and _ref_is(lead.get("practiceArea"), body.get("practiceAreaId"))
        and _fields_match(body, lead, ("value", "leadStageColumnId", "isPrivate"))
    ]
    return Reading(matches, contacts_complete and leads_complete, True)


def _ref_is(ref: Any, wanted: Any) -> bool:
    return wanted is None or (isinstance(ref, dict) and ref.get("id") == wanted)


def _matters(client: EsqaseClient, body: dict[str, Any], since: datetime) -> Reading:
    title = (body.get("title") or "").strip() or "Untitled matter"
    clients = list(body.get("clientContactIds") or [])
    records, complete = _scan(client, "matters")
    matches = [
        m
        for m in records
        if _same(title, m.get("title"))
        and _ref_is(m.get("practiceArea"), body.get("practiceAreaId"))
        and _ref_is(m.get("stage"), body.get("practiceAreaStageColumnId"))
        and _fields_match(body, m, ("openDate", "closeDate", "solDate", "description"))
        and [c.get("id") for c in m.get("clients") or []] == clients
    ]
    return Reading(matches, complete, False)


def _named(resource: str, scoped_by: str | None = None) -> Callable[..., Reading]:
    def read(client: EsqaseClient, body: dict[str, Any], since: datetime) -> Reading:
        params = {scoped_by: body[scoped_by]} if scoped_by else {}
        records, complete = _scan(client, resource, **params)
        return Reading([r for r in records if _same(body["name"], r.get("name"))], complete, False)

    return read


READERS: dict[str, Callable[[EsqaseClient, dict[str, Any], datetime], Reading]] = {
    "contacts": _contacts,
    "leads": _leads,
    "matters": _matters,
    "practice-areas": _named("practice-areas"),
    "matter-types": _named("matter-types", scoped_by="practiceAreaId"),
}
