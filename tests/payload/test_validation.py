"""explain(): every problem, named by field, in words a no-code user can act on."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema.exceptions import SchemaError

from app.payload import MISSING, Problem, explain, validator_for

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
PA = "b2c3d4e5-1000-4a1b-9c2d-1234567890ab"


def problems(action: str, payload: Any) -> list[Problem]:
    schema = json.loads((SCHEMAS / f"{action}.json").read_text())
    return explain(validator_for(schema), payload)


def only(action: str, payload: Any) -> Problem:
    found = problems(action, payload)
    assert len(found) == 1, found
    return found[0]


def test_a_valid_payload_has_no_problems() -> None:
    assert problems("matters.create", {"practiceAreaId": PA, "openDate": "2026-07-01"}) == []


def test_missing_required_field_names_it_and_its_format() -> None:
    problem = only("matters.create", {"practiceAreaId": PA})
    assert problem.path == "/openDate"
    assert problem.message == "openDate is required (a date written as YYYY-MM-DD, e.g. 2026-07-01)"
    assert problem.value is MISSING


def test_every_missing_field_is_its_own_problem() -> None:
    assert [p.path for p in problems("matters.create", {})] == ["/openDate", "/practiceAreaId"]


def test_enum_lists_the_choices_and_the_bad_value() -> None:
    problem = only("leads.update", {"id": "l1", "value": "huge"})
    assert problem.path == "/value"
    assert problem.message == "value must be one of LOWEST, LOW, MEDIUM, HIGH, HIGHEST (got 'huge')"
    assert problem.value == "huge"


def test_bad_email_shows_a_good_one() -> None:
    problem = only("leads.create", {"type": "PERSON", "lastName": "D", "email": "jane-at-example"})
    assert problem.path == "/email"
    assert problem.message == (
        "email must be an email address like jane@example.com (got 'jane-at-example')"
    )


def test_email_needs_a_domain_not_just_an_at_sign() -> None:
    problem = only("leads.create", {"type": "PERSON", "lastName": "D", "email": "jane@"})
    assert problem.path == "/email"


def test_bad_date_is_one_problem_despite_format_and_pattern() -> None:
    problem = only("matters.create", {"practiceAreaId": PA, "openDate": "07/01/2026"})
    assert problem.path == "/openDate"
    assert "YYYY-MM-DD" in problem.message and "'07/01/2026'" in problem.message


def test_impossible_date_is_called_out_as_such() -> None:
    problem = only("matters.create", {"practiceAreaId": PA, "openDate": "2026-02-30"})
    assert problem.message == "openDate is not a real calendar date (got '2026-02-30')"


def test_wrong_type_names_the_type() -> None:
    problem = only("contacts.list", {"limit": "ten"})
    assert problem.path == "/limit"
    assert problem.message == "limit must be an integer (got 'ten')"
    assert problem.expected == "an integer between 1 and 100"


def test_out_of_range_number_gives_the_range() -> None:
    problem = only("contacts.list", {"limit": 500})
    assert problem.message == "limit must be between 1 and 100 (got 500)"


def test_nested_problem_has_a_json_pointer_path() -> None:
    payload = {
        "practiceAreaId": PA,
        "openDate": "2026-07-01",
        "team": [
            {"memberId": "u1", "role": "Lead", "allocation": 50},
            {"memberId": "u2", "role": "Support", "allocation": 150},
        ],
    }
    problem = only("matters.create", payload)
    assert problem.path == "/team/1/allocation"
    assert problem.message.startswith("team[1].allocation must be between 0 and 100")


def test_unknown_field_suggests_the_close_name() -> None:
    problem = only("contacts.create", {"type": "PERSON", "lastName": "Doe", "frstName": "Jane"})
    assert problem.path == "/frstName"
    assert problem.message == "unknown field 'frstName'; did you mean 'firstName'?"
    assert problem.value == "Jane"


def test_unknown_field_matches_regardless_of_case() -> None:
    problem = only("contacts.create", {"type": "PERSON", "lastName": "Doe", "FIRSTNAME": "J"})
    assert problem.expected == "firstName"


def test_unknown_field_without_a_close_name_lists_known_fields() -> None:
    problem = only("practice-areas.create", {"name": "Family law", "colour": "red"})
    assert problem.message == "unknown field 'colour'; known fields: name"


def test_each_unknown_field_is_its_own_problem() -> None:
    found = problems("practice-areas.create", {"name": "Family law", "zz": 1, "yy": 2})
    assert [p.path for p in found] == ["/yy", "/zz"]


def test_person_without_names_points_at_first_name() -> None:
    problem = only("contacts.create", {"type": "PERSON", "emails": ["jane@example.com"]})
    assert problem.path == "/firstName"
    assert problem.message == "firstName or lastName is required when type is PERSON"


def test_company_without_name_says_when_it_is_required() -> None:
    problem = only("contacts.create", {"type": "COMPANY"})
    assert problem.path == "/companyName"
    assert problem.message.startswith("companyName is required when type is COMPANY")


def test_nested_condition_names_the_nested_fields() -> None:
    payload = {"client": {"type": "PERSON"}, "practiceAreaId": PA, "openDate": "2026-07-01"}
    problem = only("matters.create-for-client", payload)
    assert problem.path == "/client/firstName"
    assert problem.message == (
        "client.firstName or client.lastName is required when client.type is PERSON"
    )


def test_neither_of_two_alternatives_asks_for_one() -> None:
    payload = {"client": {"type": "COMPANY", "companyName": "Acme"}, "openDate": "2026-07-01"}
    problem = only("matters.create-for-client", payload)
    assert problem.path == "/practiceAreaId"
    assert problem.message == "practiceAreaId or practiceAreaName is required"


def test_both_alternatives_asks_for_only_one() -> None:
    payload = {
        "client": {"type": "COMPANY", "companyName": "Acme"},
        "openDate": "2026-07-01",
        "practiceAreaId": PA,
        "practiceAreaName": "Family law",
    }
    problem = only("matters.create-for-client", payload)
    assert problem.path == "/practiceAreaName"
    assert problem.message == "send only one of practiceAreaId or practiceAreaName, not both"


def test_update_with_only_an_id_says_nothing_would_change() -> None:
    problem = only("contacts.update", {"id": "c1"})
    assert problem.path == "/"
    assert problem.message == "nothing to change: send at least one field besides id"


def test_blank_value_is_called_blank() -> None:
    problem = only("matters.create", {"practiceAreaId": PA, "openDate": ""})
    assert problem.message.endswith("(it was blank)")


def test_long_values_are_cut_short_in_the_message() -> None:
    problem = only("leads.update", {"id": "l1", "value": "x" * 500})
    assert "x" * 59 + "…'" in problem.message
    assert "x" * 61 not in problem.message


def test_payload_that_is_not_an_object_is_a_root_problem() -> None:
    problem = only("contacts.get", ["c1"])
    assert problem.path == "/"
    assert "JSON object" in problem.message


def test_all_problems_are_listed_sorted_by_path() -> None:
    payload = {
        "type": "COMPANY",
        "companyName": "Acme",
        "emails": [f"bad{i}" for i in range(11)],
        "zz": 1,
        "companyType": 5,
    }
    paths = [p.path for p in problems("contacts.create", payload)]
    assert paths == ["/companyType"] + [f"/emails/{i}" for i in range(11)] + ["/zz"]


def test_to_dict_has_only_path_and_message_when_nothing_else_is_known() -> None:
    assert Problem("/a", "a is wrong").to_dict() == {"path": "/a", "message": "a is wrong"}


def test_to_dict_includes_value_and_expected_when_known() -> None:
    problem = Problem("/limit", "limit must be an integer", "ten", "an integer")
    assert problem.to_dict() == {
        "path": "/limit",
        "message": "limit must be an integer",
        "value": "ten",
        "expected": "an integer",
    }


def test_to_dict_keeps_a_null_value() -> None:
    assert Problem("/a", "m", None).to_dict()["value"] is None


def test_to_dict_is_always_json_serializable() -> None:
    dumped = json.dumps(Problem("/a", "m", {"x": object()}).to_dict())
    assert '"path": "/a"' in dumped


def test_to_dict_cuts_long_values() -> None:
    assert len(Problem("/a", "m", "y" * 10_000).to_dict()["value"]) <= 200


def test_problem_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Problem("/a", "m").path = "/b"  # type: ignore[misc]


def test_validator_for_rejects_a_broken_schema() -> None:
    with pytest.raises(SchemaError):
        validator_for({"type": "objekt"})


# --- hostile input --------------------------------------------------------------


def test_a_unicode_digit_field_name_is_reported_not_crashed() -> None:
    # '²'.isdigit() is true but int('²') raises: sorting by path must not call it.
    problem = only("contacts.create", {"type": "PERSON", "lastName": "Doe", "²": 1})
    assert problem.path == "/²"


def test_a_field_name_of_5000_digits_is_reported_not_crashed() -> None:
    problem = only("contacts.create", {"type": "PERSON", "lastName": "Doe", "9" * 5000: 1})
    assert problem.message.startswith("unknown field '999")


def test_a_deeply_nested_value_is_shown_without_crashing() -> None:
    deep: Any = "x"
    for _ in range(5000):
        deep = [deep]
    problem = only("contacts.create", {"type": "PERSON", "lastName": "Doe", "nickname": deep})
    assert problem.path == "/nickname"
    assert (
        problem.message == "nickname is nested too deeply (more than 32 levels of lists or groups)"
    )
    json.dumps(problem.to_dict())


# --- rules the API enforces -------------------------------------------------------


def test_an_email_with_a_trailing_newline_is_refused() -> None:
    problem = only("leads.create", {"type": "PERSON", "lastName": "D", "email": "jane@x.com\n"})
    assert problem.path == "/email"


def test_a_name_of_only_spaces_is_blank() -> None:
    problem = only("practice-areas.create", {"name": "   "})
    assert problem.path == "/name"
    assert problem.message == "name must not be blank (it only had spaces)"


def test_an_empty_name_is_one_problem_despite_min_length_and_pattern() -> None:
    problem = only("practice-areas.create", {"name": ""})
    assert problem.message == "name must not be blank"


def test_a_person_cannot_carry_a_company_name() -> None:
    problem = only("contacts.create", {"type": "PERSON", "lastName": "Doe", "companyName": "Acme"})
    assert problem.path == "/companyName"
    assert problem.message == (
        "companyName is only for COMPANY contacts; remove it or set type to COMPANY"
    )


def test_a_company_cannot_carry_a_first_name() -> None:
    problem = only("leads.create", {"type": "COMPANY", "companyName": "Acme", "firstName": "J"})
    assert problem.path == "/firstName"
    assert problem.message == (
        "firstName is only for PERSON contacts; remove it or set type to PERSON"
    )


def test_a_nested_client_names_its_own_type_field() -> None:
    payload = {
        "client": {"type": "PERSON", "lastName": "Doe", "tradeName": "Acme"},
        "practiceAreaId": PA,
        "openDate": "2026-07-01",
    }
    problem = only("matters.create-for-client", payload)
    assert problem.path == "/client/tradeName"
    assert problem.message == (
        "client.tradeName is only for COMPANY contacts; remove it or set client.type to COMPANY"
    )


def test_a_team_member_needs_a_role() -> None:
    payload = {
        "practiceAreaId": PA,
        "openDate": "2026-07-01",
        "team": [{"memberId": "u1", "allocation": 50}],
    }
    problem = only("matters.create", payload)
    assert problem.path == "/team/0/role"
    assert problem.message == "team[0].role is required (e.g. 'Lead attorney')"


def test_a_contact_type_change_says_it_is_not_allowed() -> None:
    problem = only("contacts.update", {"id": "c1", "lastName": "Doe", "type": "COMPANY"})
    assert problem.path == "/type"
    assert problem.message == "type cannot be changed after a contact is created"
    assert problem.value == "COMPANY"
