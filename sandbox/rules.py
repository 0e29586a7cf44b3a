"""What each resource accepts, as pure functions returning every problem found.

Rules read other records only through :class:`Lookup` (the store implements it), so they
stay side-effect free and the caller decides when to hold the lock. Update rules take the
current record or None: with None they check only what the body alone can show, which is
how "validation before not-found" falls out (the API answers 422 before 404).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from sandbox.checks import Check, is_blank, is_number
from sandbox.errors import FieldError, field_error

Record = dict[str, Any]

CONTACT_TYPES = ("PERSON", "COMPANY")
PERSON_FIELDS = ("firstName", "lastName", "middleName", "prefix", "suffix", "nickname")
COMPANY_FIELDS = ("companyName", "tradeName", "companyType")
NAME_FIELDS = PERSON_FIELDS + COMPANY_FIELDS
CONTACT_FIELDS = ("type", *NAME_FIELDS, "emails", "phones")

MATTER_UPDATE_FIELDS = (
    "practiceAreaId",
    "practiceAreaStageColumnId",
    "openDate",
    "title",
    "description",
    "closeDate",
    "solDate",
    "status",
)
# Clients and team are set when a matter is created; the documented update does not take them.
MATTER_CREATE_ONLY_FIELDS = ("clientContactIds", "team")
MATTER_FIELDS = MATTER_UPDATE_FIELDS + MATTER_CREATE_ONLY_FIELDS
MATTER_CREATE_STATUSES = ("ACTIVE", "DRAFT")
MATTER_STATUSES = ("ACTIVE", "DRAFT", "ARCHIVE")
TEAM_FIELDS = ("memberId", "role", "allocation")

LEAD_VALUES = ("LOWEST", "LOW", "MEDIUM", "HIGH", "HIGHEST")
LEAD_UPDATE_FIELDS = ("practiceAreaId", "leadStageColumnId", "value", "isPrivate")
LEAD_CREATE_FIELDS = ("type", *NAME_FIELDS, "email", "phone", *LEAD_UPDATE_FIELDS)


class Lookup(Protocol):
    def practice_area(self, record_id: str) -> Record | None: ...

    def practice_area_even_deleted(self, record_id: str) -> Record | None: ...

    def contact(self, record_id: str) -> Record | None: ...

    def lead_stage_ids(self) -> list[str]: ...


# -- contacts (and the contact half of a lead) ---------------------------------


def _name_rules(c: Check, contact_type: str | None, merged: Mapping[str, Any]) -> None:
    """Name fields must match the type; ``merged`` is the record as it would end up."""
    for name in NAME_FIELDS:
        c.string(name)
    if contact_type == "PERSON":
        for name in COMPANY_FIELDS:
            if c.given(name):
                c.fail(name, "is only allowed on a COMPANY contact")
        if is_blank(merged.get("firstName")) and is_blank(merged.get("lastName")):
            c.fail("firstName", "a PERSON contact needs a firstName or a lastName")
    elif contact_type == "COMPANY":
        for name in PERSON_FIELDS:
            if c.given(name):
                c.fail(name, "is only allowed on a PERSON contact")
        if is_blank(merged.get("companyName")):
            c.fail("companyName", "is required for a COMPANY contact")


def contact_create(body: Mapping[str, Any], lookup: Lookup) -> list[FieldError]:
    c = Check(body)
    c.unknown(CONTACT_FIELDS)
    typed = c.enum("type", CONTACT_TYPES, required=True)
    _name_rules(c, body["type"] if typed else None, body)
    c.string_list("emails", emails=True)
    c.string_list("phones")
    return c.errors


def contact_update(
    body: Mapping[str, Any], current: Record | None, lookup: Lookup
) -> list[FieldError]:
    c = Check(body)
    c.unknown(CONTACT_FIELDS)
    if c.enum("type", CONTACT_TYPES, nullable=False) and current is not None:
        if body["type"] != current["type"]:
            c.fail("type", f"type cannot be changed (this contact is a {current['type']})")
    _name_rules(c, current["type"] if current else None, {**(current or {}), **body})
    c.string_list("emails", emails=True, nullable=False)
    c.string_list("phones", nullable=False)
    return c.errors


# -- practice areas and matter types -------------------------------------------


def practice_area_create(body: Mapping[str, Any], lookup: Lookup) -> list[FieldError]:
    c = Check(body)
    c.unknown(("name",))
    c.name("name", required=True)
    return c.errors


def practice_area_update(
    body: Mapping[str, Any], current: Record | None, lookup: Lookup
) -> list[FieldError]:
    c = Check(body)
    c.unknown(("name",))
    c.name("name", nullable=False)
    return c.errors


def _practice_area(c: Check, lookup: Lookup, *, required: bool) -> Record | None:
    """The referenced live practice area, or None (with an error when one was named)."""
    if not c.string("practiceAreaId", required=required, nullable=not required):
        return None
    area_id = c.body["practiceAreaId"]
    area = lookup.practice_area(area_id)
    if area is None:
        c.fail("practiceAreaId", f"no practice area with id {area_id!r}")
    return area


def matter_type_create(body: Mapping[str, Any], lookup: Lookup) -> list[FieldError]:
    c = Check(body)
    c.unknown(("practiceAreaId", "name"))
    _practice_area(c, lookup, required=True)
    c.name("name", required=True)
    return c.errors


def matter_type_update(
    body: Mapping[str, Any], current: Record | None, lookup: Lookup
) -> list[FieldError]:
    c = Check(body)
    c.unknown(("name",), {"practiceAreaId": "cannot be changed; a matter type stays in its area"})
    c.name("name", nullable=False)
    return c.errors


def matter_types_filter(args: Mapping[str, str]) -> list[FieldError]:
    if is_blank(args.get("practiceAreaId")):
        return [field_error("practiceAreaId", "is required to list matter types")]
    return []


# -- matters -------------------------------------------------------------------


def _team(c: Check) -> None:
    team = c.body.get("team")
    if team is None:
        return
    if not isinstance(team, list):
        c.fail("team", "must be a list of {memberId, role, allocation} objects")
        return
    for index, member in enumerate(team):
        where = f"team[{index}]"
        if not isinstance(member, dict):
            c.fail(where, "must be an object with memberId, role and allocation")
            continue
        for name in member:
            if name not in TEAM_FIELDS:
                c.fail(f"{where}.{name}", "unknown field")
        if not isinstance(member.get("memberId"), str) or is_blank(member.get("memberId")):
            c.fail(f"{where}.memberId", "is required and must be a member id string")
        if not isinstance(member.get("role"), str) or is_blank(member.get("role")):
            c.fail(f"{where}.role", "is required and must be a string")
        allocation = member.get("allocation")
        if "allocation" not in member:
            c.fail(f"{where}.allocation", "is required: a percentage from 0 to 100")
        elif not is_number(allocation) or not 0 <= allocation <= 100:
            c.fail(f"{where}.allocation", f"must be a number from 0 to 100 (got {allocation!r})")


def _clients(c: Check, lookup: Lookup) -> None:
    c.string_list("clientContactIds")
    ids = c.body.get("clientContactIds")
    if not isinstance(ids, list):
        return
    for index, contact_id in enumerate(ids):
        if c.failed(f"clientContactIds[{index}]"):
            continue
        if lookup.contact(contact_id) is None:
            c.fail(f"clientContactIds[{index}]", f"no contact with id {contact_id!r}")


def _matter_rest(c: Check, area: Record | None, *, creating: bool) -> None:
    if c.string("practiceAreaStageColumnId", nullable=creating) and area is not None:
        stage_id = c.body["practiceAreaStageColumnId"]
        if stage_id not in {stage["id"] for stage in area["stages"]}:
            c.fail(
                "practiceAreaStageColumnId",
                f"{stage_id!r} is not a stage of practice area {area['id']!r}",
            )
    c.string("title")
    c.string("description")
    c.date("closeDate")
    c.date("solDate")
    if creating and c.body.get("status") == "ARCHIVE":
        c.fail("status", "ARCHIVE is only allowed when updating a matter")
    c.enum("status", MATTER_CREATE_STATUSES if creating else MATTER_STATUSES, nullable=creating)


def matter_create(body: Mapping[str, Any], lookup: Lookup) -> list[FieldError]:
    c = Check(body)
    c.unknown(MATTER_FIELDS)
    area = _practice_area(c, lookup, required=True)
    c.date("openDate", required=True)
    _matter_rest(c, area, creating=True)
    _clients(c, lookup)
    _team(c)
    return c.errors


def matter_update(
    body: Mapping[str, Any], current: Record | None, lookup: Lookup
) -> list[FieldError]:
    c = Check(body)
    refused = {
        name: "unknown field on update; set when the matter is created"
        for name in MATTER_CREATE_ONLY_FIELDS
    }
    c.unknown(MATTER_UPDATE_FIELDS, refused)
    if "practiceAreaId" in body:
        if body["practiceAreaId"] is None:
            c.fail("practiceAreaId", "must not be null; every matter sits in a practice area")
        area = _practice_area(c, lookup, required=False)
    elif current is not None:
        # Staying in its area, even one deleted since: the stage must still be one of its own.
        area = lookup.practice_area_even_deleted(current["practiceAreaId"])
    else:
        area = None
    c.date("openDate", nullable=False)
    _matter_rest(c, area, creating=False)
    return c.errors


# -- leads -----------------------------------------------------------------------


def _lead_fields(c: Check, lookup: Lookup, *, creating: bool) -> None:
    _practice_area(c, lookup, required=False)
    if c.string("leadStageColumnId", nullable=creating):
        stage_id = c.body["leadStageColumnId"]
        if stage_id not in lookup.lead_stage_ids():
            c.fail("leadStageColumnId", f"{stage_id!r} is not one of the firm's lead stages")
    c.enum("value", LEAD_VALUES)
    c.boolean("isPrivate", nullable=creating)


def lead_create(body: Mapping[str, Any], lookup: Lookup) -> list[FieldError]:
    c = Check(body)
    c.unknown(LEAD_CREATE_FIELDS)
    typed = c.enum("type", CONTACT_TYPES, required=True)
    _name_rules(c, body["type"] if typed else None, body)
    c.email("email")
    c.string("phone")
    _lead_fields(c, lookup, creating=True)
    return c.errors


def lead_update(
    body: Mapping[str, Any], current: Record | None, lookup: Lookup
) -> list[FieldError]:
    c = Check(body)
    contact_side = ("type", *NAME_FIELDS, "email", "phone")
    refused = {name: "cannot be changed on a lead; update its contact" for name in contact_side}
    c.unknown(LEAD_UPDATE_FIELDS, refused)
    _lead_fields(c, lookup, creating=False)
    return c.errors
