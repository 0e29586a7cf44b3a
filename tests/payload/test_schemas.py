"""The action schemas: well-formed, self-describing, and encoding the API's rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from app.payload import validator_for

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
BASE_ID = "https://esqase-relay.dev/schemas/"
RESOURCES = ["contacts", "matters", "leads", "practice-areas", "matter-types"]
VERBS = ["create", "get", "list", "update", "delete"]
ACTIONS = [f"{r}.{v}" for r in RESOURCES for v in VERBS] + [
    "contacts.upsert",
    "matters.create-for-client",
]
FILES = sorted(SCHEMAS.glob("*.json"))
PA = "b2c3d4e5-1000-4a1b-9c2d-1234567890ab"


def load(action: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMAS / f"{action}.json").read_text())
    return schema


def is_valid(action: str, payload: Any) -> bool:
    return validator_for(load(action)).is_valid(payload)


def test_every_action_has_its_schema_file() -> None:
    missing = [a for a in ACTIONS if not (SCHEMAS / f"{a}.json").is_file()]
    assert missing == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_schema_is_valid_draft_2020_12(path: Path) -> None:
    schema = json.loads(path.read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == BASE_ID + path.name


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_schema_describes_itself_for_users(path: Path) -> None:
    schema = json.loads(path.read_text())
    assert schema["title"].strip()
    description = schema["description"]
    assert description.endswith(".") and description.count(". ") == 0, description
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) <= set(schema["properties"])
    undocumented = [n for n, p in schema["properties"].items() if not p.get("description")]
    assert undocumented == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_schema_examples_are_valid_payloads(path: Path) -> None:
    schema = json.loads(path.read_text())
    validator = validator_for(schema)
    assert schema["examples"], "needs at least one example payload"
    for example in schema["examples"]:
        assert list(validator.iter_errors(example)) == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_field_examples_fit_their_field(path: Path) -> None:
    schema = json.loads(path.read_text())
    for name, field in schema["properties"].items():
        validator = validator_for(field)
        for example in field.get("examples", []):
            assert validator.is_valid(example), (name, example)


def test_a_person_needs_a_first_or_last_name() -> None:
    assert is_valid("contacts.create", {"type": "PERSON", "lastName": "Doe"})
    assert not is_valid("contacts.create", {"type": "PERSON", "companyName": "Acme"})


def test_a_company_needs_a_company_name() -> None:
    assert is_valid("contacts.create", {"type": "COMPANY", "companyName": "Acme"})
    assert not is_valid("contacts.create", {"type": "COMPANY", "firstName": "Jane"})


def test_a_lead_follows_the_same_name_rule() -> None:
    assert not is_valid("leads.create", {"type": "COMPANY", "email": "a@example.com"})


def test_contact_type_must_be_known() -> None:
    assert not is_valid("contacts.create", {"type": "person", "firstName": "Jane"})


def test_contact_emails_must_be_email_addresses() -> None:
    assert not is_valid(
        "contacts.create", {"type": "PERSON", "firstName": "J", "emails": ["jane-at-example"]}
    )


def test_contact_type_cannot_be_updated() -> None:
    assert not is_valid("contacts.update", {"id": "c1", "type": "COMPANY"})


def test_an_update_must_change_something() -> None:
    assert is_valid("contacts.update", {"id": "c1", "nickname": "JD"})
    assert not is_valid("contacts.update", {"id": "c1"})


def test_lead_update_only_takes_pipeline_fields() -> None:
    assert is_valid("leads.update", {"id": "l1", "value": "LOW"})
    assert not is_valid("leads.update", {"id": "l1", "firstName": "Jane"})


def test_upsert_needs_an_email_to_match_on() -> None:
    person = {"type": "PERSON", "firstName": "Jane"}
    assert is_valid("contacts.upsert", {**person, "emails": ["jane@example.com"]})
    assert not is_valid("contacts.upsert", {**person, "emails": []})


def test_a_matter_needs_an_open_date() -> None:
    assert not is_valid("matters.create", {"practiceAreaId": PA})


@pytest.mark.parametrize("bad", ["07/01/2026", "2026-7-1", "20260701", "2026-02-30"])
def test_matter_dates_are_iso_calendar_dates(bad: str) -> None:
    assert not is_valid("matters.create", {"practiceAreaId": PA, "openDate": bad})


def test_archive_is_an_update_status_not_a_create_status() -> None:
    assert is_valid("matters.update", {"id": "m1", "status": "ARCHIVE"})
    assert not is_valid(
        "matters.create", {"practiceAreaId": PA, "openDate": "2026-07-01", "status": "ARCHIVE"}
    )


def test_team_allocation_is_a_percentage() -> None:
    matter = {"practiceAreaId": PA, "openDate": "2026-07-01"}
    member = {"memberId": "u1", "role": "Lead"}
    assert is_valid("matters.create", {**matter, "team": [{**member, "allocation": 100}]})
    assert not is_valid("matters.create", {**matter, "team": [{**member, "allocation": 101}]})


def test_team_members_need_an_id() -> None:
    payload = {"practiceAreaId": PA, "openDate": "2026-07-01", "team": [{"role": "Lead"}]}
    assert not is_valid("matters.create", payload)


def test_create_for_client_needs_exactly_one_practice_area_reference() -> None:
    base = {"client": {"type": "COMPANY", "companyName": "Acme"}, "openDate": "2026-07-01"}
    assert is_valid("matters.create-for-client", {**base, "practiceAreaName": "Family law"})
    assert not is_valid("matters.create-for-client", base)
    assert not is_valid(
        "matters.create-for-client", {**base, "practiceAreaId": PA, "practiceAreaName": "Family"}
    )


def test_create_for_client_checks_the_client_like_a_contact() -> None:
    payload = {"client": {"type": "PERSON"}, "practiceAreaId": PA, "openDate": "2026-07-01"}
    assert not is_valid("matters.create-for-client", payload)


def test_create_for_client_takes_no_client_ids() -> None:
    payload = {
        "client": {"type": "COMPANY", "companyName": "Acme"},
        "practiceAreaId": PA,
        "openDate": "2026-07-01",
        "clientContactIds": ["c1"],
    }
    assert not is_valid("matters.create-for-client", payload)


def test_matter_types_are_listed_per_practice_area() -> None:
    assert is_valid("contacts.list", {})
    assert not is_valid("matter-types.list", {"limit": 10})


@pytest.mark.parametrize("limit", [0, 101, 2.5])
def test_list_limit_is_a_page_size_from_1_to_100(limit: Any) -> None:
    assert not is_valid("leads.list", {"limit": limit})


def test_get_needs_a_non_empty_id() -> None:
    assert not is_valid("matters.get", {"id": ""})


def test_practice_area_rename_needs_a_name() -> None:
    assert not is_valid("practice-areas.update", {"id": PA})


CONTACT_LIKE = ["contacts.create", "contacts.upsert", "leads.create"]
EMAIL = {"emails": ["jane@example.com"], "email": "jane@example.com"}


def contact_payload(action: str, contact: dict[str, Any]) -> dict[str, Any]:
    """``contact`` as a valid payload of ``action`` would carry it."""
    if action == "matters.create-for-client":
        return {"client": contact, "practiceAreaId": PA, "openDate": "2026-07-01"}
    extra = {"emails": EMAIL["emails"]} if action == "contacts.upsert" else {}
    if action == "leads.create":
        extra = {"email": EMAIL["email"]}
    return {**contact, **extra}


@pytest.mark.parametrize("action", [*CONTACT_LIKE, "matters.create-for-client"])
@pytest.mark.parametrize("field", ["companyName", "tradeName", "companyType"])
def test_a_person_takes_no_company_fields(action: str, field: str) -> None:
    person = {"type": "PERSON", "lastName": "Doe"}
    assert is_valid(action, contact_payload(action, person))
    assert not is_valid(action, contact_payload(action, {**person, field: "Acme"}))


@pytest.mark.parametrize("action", [*CONTACT_LIKE, "matters.create-for-client"])
@pytest.mark.parametrize(
    "field", ["firstName", "lastName", "prefix", "middleName", "suffix", "nickname"]
)
def test_a_company_takes_no_person_name_fields(action: str, field: str) -> None:
    company = {"type": "COMPANY", "companyName": "Acme"}
    assert is_valid(action, contact_payload(action, company))
    assert not is_valid(action, contact_payload(action, {**company, field: "Jane"}))


def required_text_fields() -> list[tuple[str, str]]:
    """(action, field) for every always-required text field without a format or enum."""
    found = []
    for path in FILES:
        schema = json.loads(path.read_text())
        for name in schema["required"]:
            field = schema["properties"][name]
            if field.get("type") == "string" and "enum" not in field and "format" not in field:
                found.append((path.stem, name))
    return found


@pytest.mark.parametrize(("action", "field"), required_text_fields())
def test_required_text_of_only_spaces_is_refused(action: str, field: str) -> None:
    schema = load(action)
    assert schema["properties"][field].get("pattern") == "\\S"


@pytest.mark.parametrize(
    "field",
    ["firstName", "lastName", "prefix", "middleName", "suffix", "nickname", "companyName"],
)
def test_names_of_only_spaces_are_refused(field: str) -> None:
    assert not is_valid("contacts.update", {"id": "c1", field: "   "})


def test_ids_in_lists_of_only_spaces_are_refused() -> None:
    payload = {"practiceAreaId": PA, "openDate": "2026-07-01", "clientContactIds": [" "]}
    assert not is_valid("matters.create", payload)


def test_phones_of_only_spaces_are_refused() -> None:
    assert not is_valid("contacts.update", {"id": "c1", "phones": ["\t "]})


def test_free_text_keeps_its_blank_meaning() -> None:
    # Esqase fills in "Untitled matter" for a blank title: not a failed job.
    assert is_valid("matters.update", {"id": "m1", "title": "  "})


@pytest.mark.parametrize("action", ["matters.create", "matters.create-for-client"])
@pytest.mark.parametrize("missing", ["memberId", "role", "allocation"])
def test_team_members_need_id_role_and_allocation(action: str, missing: str) -> None:
    member = {"memberId": "u1", "role": "Lead", "allocation": 60}
    base: dict[str, Any] = {"practiceAreaId": PA, "openDate": "2026-07-01"}
    if action == "matters.create-for-client":
        base["client"] = {"type": "COMPANY", "companyName": "Acme"}
    assert is_valid(action, {**base, "team": [member]})
    del member[missing]
    assert not is_valid(action, {**base, "team": [member]})
