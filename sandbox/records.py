"""Writes: turning an already-validated body into stored records.

These run with ``store.lock`` held and after the rules passed, so they trust the body's
shapes and references. They hold the API's defaults (first stage, "Untitled matter",
ACTIVE, PENDING, sequential public ids) in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.checks import is_blank
from sandbox.rules import LEAD_UPDATE_FIELDS, NAME_FIELDS
from sandbox.store import Record, Store, new_id

UNTITLED = "Untitled matter"
PRACTICE_AREA_STAGES = (("To do", "TODO"), ("In progress", "IN_PROGRESS"), ("Done", "DONE"))


# -- contacts ------------------------------------------------------------------------


def _new_contact(
    store: Store, body: Mapping[str, Any], emails: list[str], phones: list[str]
) -> Record:
    fields: Record = {"type": body["type"], "status": "ACTIVE"}
    fields.update({name: body.get(name) for name in NAME_FIELDS})
    fields["emails"] = emails
    fields["phones"] = phones
    return store.insert("contacts", fields)


def create_contact(store: Store, body: Mapping[str, Any]) -> Record:
    return _new_contact(store, body, list(body.get("emails") or []), list(body.get("phones") or []))


def update_contact(store: Store, record: Record, body: Mapping[str, Any]) -> None:
    for name in NAME_FIELDS:
        if name in body:
            record[name] = body[name]
    for name in ("emails", "phones"):
        if name in body:
            record[name] = list(body[name])  # documented: the lists replace, never merge
    store.touch(record)


# -- practice areas and matter types -------------------------------------------------


def create_practice_area(store: Store, body: Mapping[str, Any]) -> Record:
    stages = [
        {"id": new_id(), "name": name, "type": kind, "order": order}
        for order, (name, kind) in enumerate(PRACTICE_AREA_STAGES)
    ]
    fields = {"name": body["name"], "status": "ACTIVE", "stages": stages}
    return store.insert("practice-areas", fields)


def rename(store: Store, record: Record, body: Mapping[str, Any]) -> None:
    if "name" in body:
        record["name"] = body["name"]
    store.touch(record)


def create_matter_type(store: Store, body: Mapping[str, Any]) -> Record:
    fields = {"practiceAreaId": body["practiceAreaId"], "name": body["name"], "status": "ACTIVE"}
    return store.insert("matter-types", fields)


# -- matters -------------------------------------------------------------------------


def first_stage_id(area: Record) -> str:
    return str(min(area["stages"], key=lambda stage: stage["order"])["id"])


def _title(value: Any) -> str:
    return UNTITLED if is_blank(value) else str(value)


def _unique(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def _team(members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"memberId": m["memberId"], "role": m["role"], "allocation": m["allocation"]}
        for m in members
    ]


def create_matter(store: Store, body: Mapping[str, Any]) -> Record:
    area = store.practice_area(body["practiceAreaId"])
    assert area is not None, "rules guarantee the practice area exists"
    fields: Record = {
        "publicId": store.next_public_id("M"),
        "title": _title(body.get("title")),
        "description": body.get("description"),
        "status": body.get("status") or "ACTIVE",
        "openDate": body["openDate"],
        "closeDate": body.get("closeDate"),
        "solDate": body.get("solDate"),
        "practiceAreaId": area["id"],
        "stageId": body.get("practiceAreaStageColumnId") or first_stage_id(area),
        "clientContactIds": _unique(body.get("clientContactIds") or []),
        "team": _team(body.get("team") or []),
    }
    return store.insert("matters", fields)


def update_matter(store: Store, record: Record, body: Mapping[str, Any]) -> None:
    new_area_id = body.get("practiceAreaId")
    if new_area_id is not None and new_area_id != record["practiceAreaId"]:
        area = store.practice_area(new_area_id)
        assert area is not None, "rules guarantee the practice area exists"
        record["practiceAreaId"] = new_area_id
        record["stageId"] = first_stage_id(area)  # a stage in the body overrides below
    if body.get("practiceAreaStageColumnId") is not None:
        record["stageId"] = body["practiceAreaStageColumnId"]
    if "title" in body:
        record["title"] = _title(body["title"])
    for name in ("description", "closeDate", "solDate", "openDate", "status"):
        if name in body:
            record[name] = body[name]
    store.touch(record)


# -- leads ---------------------------------------------------------------------------


def create_lead(store: Store, body: Mapping[str, Any]) -> Record:
    """The prospect's details become a brand-new contact, as the New lead dialog does."""
    email, phone = body.get("email"), body.get("phone")
    contact = _new_contact(store, body, [email] if email else [], [phone] if phone else [])
    fields: Record = {
        "publicId": store.next_public_id("L"),
        "status": "PENDING",
        "value": body.get("value"),
        "isPrivate": bool(body.get("isPrivate") or False),
        "leadStageColumnId": body.get("leadStageColumnId") or store.lead_stage_ids()[0],
        "contactId": contact["id"],
        "practiceAreaId": body.get("practiceAreaId"),
    }
    return store.insert("leads", fields)


def update_lead(store: Store, record: Record, body: Mapping[str, Any]) -> None:
    for name in LEAD_UPDATE_FIELDS:
        if name in body:
            record[name] = body[name]
    store.touch(record)
