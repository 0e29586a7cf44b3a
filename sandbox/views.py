"""Reads: the JSON each resource answers with, field order as in the documentation.

References (a matter's practice area, stage and clients; a lead's contact) are resolved at
read time so a rename shows up everywhere, as it does in Esqase. Deleted targets still
resolve: a matter keeps naming the client it had.
"""

from __future__ import annotations

from typing import Any

from sandbox.rules import NAME_FIELDS
from sandbox.store import Record, Store

Json = dict[str, Any]


def contact_name(record: Record) -> str:
    if record["type"] == "COMPANY":
        return str(record.get("companyName") or "")
    parts = (record.get("firstName"), record.get("lastName"))
    return " ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())


def contact(store: Store, record: Record) -> Json:
    body: Json = {
        "id": record["id"],
        "type": record["type"],
        "status": record["status"],
        "name": contact_name(record),
    }
    body.update({name: record.get(name) for name in NAME_FIELDS})
    body["emails"] = list(record["emails"])
    body["phones"] = list(record["phones"])
    return _stamped(body, record)


def _stamped(body: Json, record: Record) -> Json:
    body["createdAt"] = record["createdAt"]
    body["updatedAt"] = record["updatedAt"]
    return body


def _ref(store: Store, resource: str, record_id: str | None) -> Json | None:
    if record_id is None:
        return None
    target = store.find(resource, record_id)
    if target is None:
        return {"id": record_id, "name": None}
    name = contact_name(target) if resource == "contacts" else target["name"]
    return {"id": record_id, "name": name}


def practice_area(store: Store, record: Record) -> Json:
    matter_types = [
        {"id": mt["id"], "name": mt["name"]}
        for mt in store.live("matter-types")
        if mt["practiceAreaId"] == record["id"]
    ]
    body: Json = {
        "id": record["id"],
        "name": record["name"],
        "status": record["status"],
        "stages": [dict(stage) for stage in sorted(record["stages"], key=lambda s: s["order"])],
        "matterTypes": matter_types,
    }
    return _stamped(body, record)


def matter_type(store: Store, record: Record) -> Json:
    body: Json = {
        "id": record["id"],
        "practiceAreaId": record["practiceAreaId"],
        "name": record["name"],
        "status": record["status"],
    }
    return _stamped(body, record)


def _stage(store: Store, record: Record) -> Json:
    area = store.find("practice-areas", record["practiceAreaId"])
    for stage in area["stages"] if area else []:
        if stage["id"] == record["stageId"]:
            return {"id": stage["id"], "name": stage["name"]}
    return {"id": record["stageId"], "name": None}


def matter(store: Store, record: Record) -> Json:
    body: Json = {
        "id": record["id"],
        "publicId": record["publicId"],
        "title": record["title"],
        "description": record["description"],
        "status": record["status"],
        "openDate": record["openDate"],
        "closeDate": record["closeDate"],
        "solDate": record["solDate"],
        "practiceArea": _ref(store, "practice-areas", record["practiceAreaId"]),
        "stage": _stage(store, record),
        "clients": [_ref(store, "contacts", cid) for cid in record["clientContactIds"]],
        "team": [dict(member) for member in record["team"]],
    }
    return _stamped(body, record)


def lead(store: Store, record: Record) -> Json:
    body: Json = {
        "id": record["id"],
        "publicId": record["publicId"],
        "status": record["status"],
        "value": record["value"],
        "isPrivate": record["isPrivate"],
        "leadStageColumnId": record["leadStageColumnId"],
        "contact": _ref(store, "contacts", record["contactId"]),
        "practiceArea": _ref(store, "practice-areas", record["practiceAreaId"]),
    }
    return _stamped(body, record)
