"""Names for ids: a form says "Family law", Esqase wants the practice area's id.

The Esqase API has no search, so a name is found by reading: the practice-area list
(names), one practice area (its stages, as the docs say to), or the contacts (emails).
A burst of 500 leads from one form would read the same list 500 times, so each
reading is kept for :data:`TTL_SECONDS` per connection, in this worker process
(:class:`Readings`). A kept reading that lacks the name may be stale (the area was
added a minute ago): it is read once more before the name is refused, and the refusal
lists the names that do exist. Names match ignoring case and surrounding spaces.

:func:`resolve` turns the name fields of an action input into the id fields Esqase
takes; the actions run it as one checkpointed step, so every attempt of a job sends
the same ids (a lost create is then recognised by its body, see ``actions.reconcile``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from .base import ActionFailed, Context

TTL_SECONDS = 60.0
MAX_KEPT = 1000
"""Readings kept at most (connections x areas); the oldest go first past it."""
CONTACT_SCAN_LIMIT = 10_000
"""Contacts read at most to find an email; a firm with more sends ``clientContactIds``."""
SHOWN_NAMES = 20
PAGE = 100


class Readings:
    """What was read from Esqase, by key, for a while. Thread-safe; one per process."""

    def __init__(
        self, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl, self.clock = ttl, clock
        self._kept: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def read(self, key: Hashable | None, load: Callable[[], Any]) -> tuple[Any, bool]:
        """``(value, fresh)``: the kept reading while it is young, else a new one. A
        ``None`` key (no connection to keep it under) always reads."""
        if key is not None:
            with self._lock:
                kept = self._kept.get(key)
            if kept is not None and self.clock() - kept[0] < self.ttl:
                return kept[1], False
        return self.reload(key, load), True

    def reload(self, key: Hashable | None, load: Callable[[], Any]) -> Any:
        started = self.clock()
        value = load()
        if key is not None:
            with self._lock:
                self._kept[key] = (started, value)
                while len(self._kept) > MAX_KEPT:
                    self._kept.pop(next(iter(self._kept)))
        return value

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


READINGS = Readings()


def _find(ctx: Context, what: Hashable, load: Callable[[], Any], pick: Callable[[Any], Any]) -> Any:
    """``pick`` over the reading of ``what``; a miss in a kept reading reads once more.
    Returns ``(picked or None, the reading it was picked from)``."""
    key = (ctx.names_scope, what) if ctx.names_scope else None
    reading, fresh = READINGS.read(key, load)
    found = pick(reading)
    if found is None and not fresh:
        reading = READINGS.reload(key, load)
        found = pick(reading)
    return found, reading


def _same(a: Any, b: Any) -> bool:
    return (
        isinstance(a, str) and isinstance(b, str) and a.strip().casefold() == b.strip().casefold()
    )


def _listed(names: list[str], noun: str) -> str:
    shown = ", ".join(repr(n) for n in names[:SHOWN_NAMES]) or f"none yet; create a {noun} first"
    if len(names) > SHOWN_NAMES:
        shown += f" and {len(names) - SHOWN_NAMES} more"
    return shown


# -- practice areas ----------------------------------------------------------------------


def _areas(ctx: Context) -> list[dict[str, Any]]:
    return [
        {"id": str(a.get("id")), "name": str(a.get("name", ""))}
        for a in ctx.client.iterate("practice-areas", page_size=PAGE)
        if isinstance(a, dict)
    ]


def practice_area_id(ctx: Context, name: str, field: str = "/practiceAreaName") -> str:
    """The id of the one practice area named ``name``."""

    def pick(areas: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        return [a for a in areas if _same(a["name"], name)] or None

    found, areas = _find(ctx, "practice-areas", lambda: _areas(ctx), pick)
    if found is None:
        raise ActionFailed(
            f"no practice area is named {name!r}; known practice areas: "
            f"{_listed([a['name'] for a in areas], 'practice area')}",
            code="practice_area_not_found",
            field=field,
        )
    if len(found) > 1:
        raise ActionFailed(
            f"{len(found)} practice areas are named {name!r} "
            f"({', '.join(a['id'] for a in found)}); send practiceAreaId to say which",
            code="practice_area_ambiguous",
            field=field,
        )
    return str(found[0]["id"])


def stage_id(ctx: Context, area_id: str, name: str) -> str:
    """The id of the stage named ``name`` in practice area ``area_id``."""

    def load() -> dict[str, Any]:
        area = ctx.client.get("practice-areas", area_id)
        stages = area.get("stages")
        listed = stages if isinstance(stages, list) else []
        kept = [
            {"id": str(s.get("id")), "name": str(s.get("name", ""))}
            for s in listed
            if isinstance(s, dict)
        ]
        return {"name": str(area.get("name", area_id)), "stages": kept}

    def pick(area: dict[str, Any]) -> str | None:
        return next((s["id"] for s in area["stages"] if _same(s["name"], name)), None)

    found, area = _find(ctx, ("stages", area_id), load, pick)
    if found is None:
        raise ActionFailed(
            f"practice area {area['name']!r} has no stage named {name!r}; its stages: "
            f"{_listed([s['name'] for s in area['stages']], 'stage')}",
            code="stage_not_found",
            field="/stageName",
        )
    return str(found)


# -- contacts by email -------------------------------------------------------------------


@dataclass(frozen=True)
class _EmailIndex:
    ids: dict[str, list[str]]  # email (folded) -> contact ids having it
    complete: bool


def _contacts(ctx: Context) -> _EmailIndex:
    ids: dict[str, list[str]] = {}
    for seen, contact in enumerate(ctx.client.iterate("contacts", page_size=PAGE)):
        if seen == CONTACT_SCAN_LIMIT:
            return _EmailIndex(ids, complete=False)
        for email in contact.get("emails") or []:
            owners = ids.setdefault(str(email).strip().casefold(), [])
            if str(contact.get("id")) not in owners:
                owners.append(str(contact.get("id")))
    return _EmailIndex(ids, complete=True)


def _owners(email: str) -> Callable[[_EmailIndex], list[str] | None]:
    wanted = email.strip().casefold()
    return lambda index: index.ids.get(wanted)


def contact_ids(ctx: Context, emails: list[str]) -> list[str]:
    """One existing contact per email, in order; none or several is a clear failure."""
    out: list[str] = []
    for i, email in enumerate(emails):
        found, index = _find(ctx, "contacts", lambda: _contacts(ctx), _owners(email))
        where = f"/clientEmails/{i}"
        if found is None and not index.complete:
            raise ActionFailed(
                f"no contact with the email {email!r} among the first {CONTACT_SCAN_LIMIT} "
                "contacts, and Esqase has more; send clientContactIds instead",
                code="contact_not_found",
                field=where,
            )
        if found is None:
            raise ActionFailed(
                f"no contact has the email {email!r}; create the contact first, or send "
                "clientContactIds",
                code="contact_not_found",
                field=where,
            )
        if len(found) > 1:
            raise ActionFailed(
                f"{len(found)} contacts have the email {email!r} ({', '.join(found)}); send "
                "clientContactIds to say which",
                code="contact_ambiguous",
                field=where,
            )
        if found[0] not in out:
            out.append(found[0])
    return out


# -- an action input's names -> ids ------------------------------------------------------

NAME_FIELDS = ("practiceAreaName", "stageName", "clientEmails")


def resolve(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """The id fields for the name fields of ``data`` (only those it has)."""
    ids: dict[str, Any] = {}
    if data.get("practiceAreaName") is not None:
        ids["practiceAreaId"] = practice_area_id(ctx, str(data["practiceAreaName"]))
    if data.get("stageName") is not None:
        area = ids.get("practiceAreaId") or data.get("practiceAreaId")
        ids["practiceAreaStageColumnId"] = stage_id(ctx, str(area), str(data["stageName"]))
    if data.get("clientEmails") is not None:
        ids["clientContactIds"] = contact_ids(ctx, [str(e) for e in data["clientEmails"]])
    return ids


def with_ids(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as Esqase takes it: names resolved (once per job, see the module doc)."""
    if not any(name in data for name in NAME_FIELDS):
        return data
    ids = ctx.step("resolve_names", lambda: resolve(ctx, data))
    return {**{k: v for k, v in data.items() if k not in NAME_FIELDS}, **ids}
