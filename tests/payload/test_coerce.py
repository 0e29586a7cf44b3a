"""coerce() / coerce_json(): give values the schema's types, leave the rest to validation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.payload import coerce, coerce_json, explain, validator_for

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def schema(action: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"{action}.json").read_text())
    return loaded


NUMBERS: dict[str, Any] = {
    "type": "object",
    "required": ["count"],
    "properties": {
        "count": {"type": "integer"},
        "share": {"type": "number"},
        "flag": {"type": "boolean"},
        "ids": {"type": "array", "items": {"type": "integer"}},
        "note": {"type": "string"},
        "anything": {},
    },
}


@pytest.mark.parametrize(
    ("sent", "typed"), [(["42"], 42), (["4.0"], 4), ([" 7 "], 7), (["-3"], -3)]
)
def test_integer_strings_become_integers(sent: list[str], typed: int) -> None:
    assert coerce({"count": sent}, NUMBERS)["count"] == typed


def test_fractional_string_is_left_for_validation() -> None:
    assert coerce({"count": ["4.5"]}, NUMBERS)["count"] == "4.5"


def test_number_strings_become_numbers() -> None:
    assert coerce({"count": ["1"], "share": ["12.5"]}, NUMBERS)["share"] == 12.5


@pytest.mark.parametrize("word", ["true", "TRUE", "yes", "Yes", "1", "on", "ON"])
def test_true_words_become_true(word: str) -> None:
    assert coerce({"count": ["1"], "flag": [word]}, NUMBERS)["flag"] is True


@pytest.mark.parametrize("word", ["false", "False", "no", "NO", "0", "off"])
def test_false_words_become_false(word: str) -> None:
    assert coerce({"count": ["1"], "flag": [word]}, NUMBERS)["flag"] is False


def test_unknown_boolean_word_is_left_as_sent() -> None:
    assert coerce({"count": ["1"], "flag": ["maybe"]}, NUMBERS)["flag"] == "maybe"


def test_single_form_value_becomes_a_string() -> None:
    assert coerce({"count": ["1"], "note": ["hello"]}, NUMBERS)["note"] == "hello"


def test_repeated_values_for_a_string_stay_a_list_for_validation_to_flag() -> None:
    assert coerce({"count": ["1"], "note": ["a", "b"]}, NUMBERS)["note"] == ["a", "b"]


def test_untyped_field_is_unwrapped_only() -> None:
    assert coerce({"count": ["1"], "anything": ["10"]}, NUMBERS)["anything"] == "10"


def test_one_value_is_split_on_commas_and_newlines() -> None:
    data = {"type": ["PERSON"], "lastName": ["Doe"], "emails": ["a@x.com, b@x.com\r\nc@x.com"]}
    assert coerce(data, schema("contacts.create"))["emails"] == ["a@x.com", "b@x.com", "c@x.com"]


def test_integer_lists_are_split_and_typed() -> None:
    assert coerce({"count": ["1"], "ids": ["1, 2,3"]}, NUMBERS)["ids"] == [1, 2, 3]


def test_repeated_values_are_the_list_and_are_not_split() -> None:
    data = {"type": ["PERSON"], "lastName": ["Doe"], "phones": ["+1 555 0100", "+1 555 0101"]}
    assert coerce(data, schema("contacts.create"))["phones"] == ["+1 555 0100", "+1 555 0101"]


def test_blank_list_entries_are_dropped() -> None:
    data = {"type": ["PERSON"], "lastName": ["Doe"], "emails": ["a@x.com", "", "  "]}
    assert coerce(data, schema("contacts.create"))["emails"] == ["a@x.com"]


def test_indexed_entries_from_unflatten_are_unwrapped() -> None:
    data = {"type": ["PERSON"], "lastName": ["Doe"], "phones": [["1"], ["2"]]}
    assert coerce(data, schema("contacts.create"))["phones"] == ["1", "2"]


def test_objects_are_coerced_field_by_field() -> None:
    data = {
        "practiceAreaId": ["p1"],
        "openDate": ["2026-07-01"],
        "team": [{"memberId": ["u1"], "allocation": ["60"], "role": ["Lead"]}],
    }
    assert coerce(data, schema("matters.create"))["team"] == [
        {"memberId": "u1", "allocation": 60, "role": "Lead"}
    ]


def test_nested_object_fields_are_coerced() -> None:
    data = {"client": {"type": ["company"], "companyName": ["Acme"]}, "openDate": ["2026-07-01"]}
    result = coerce(data, schema("matters.create-for-client"))
    assert result["client"] == {"type": "COMPANY", "companyName": "Acme"}


def test_enum_values_match_regardless_of_case() -> None:
    assert coerce({"id": ["l1"], "value": [" high "]}, schema("leads.update"))["value"] == "HIGH"


def test_unknown_enum_value_is_left_as_sent() -> None:
    assert coerce({"id": ["l1"], "value": ["huge"]}, schema("leads.update"))["value"] == "huge"


def test_codes_lose_surrounding_spaces_but_free_text_does_not() -> None:
    data = {"practiceAreaId": ["p1"], "openDate": [" 2026-07-01 "], "title": [" Doe "]}
    result = coerce(data, schema("matters.create"))
    assert (result["openDate"], result["title"]) == ("2026-07-01", " Doe ")


def test_blank_optional_fields_are_dropped() -> None:
    data = {"type": ["PERSON"], "lastName": ["Doe"], "firstName": [""], "nickname": ["  "]}
    assert coerce(data, schema("contacts.create")) == {"type": "PERSON", "lastName": "Doe"}


def test_blank_required_field_is_kept_so_validation_reports_it() -> None:
    result = coerce({"practiceAreaId": ["p1"], "openDate": [""]}, schema("matters.create"))
    assert result == {"practiceAreaId": "p1", "openDate": ""}


def test_top_level_all_of_properties_are_used() -> None:
    combined = {"allOf": [{"properties": {"n": {"type": "integer"}}}]}
    assert coerce({"n": ["5"]}, combined) == {"n": 5}


def test_unknown_fields_are_kept_for_validation_to_name() -> None:
    data = {"name": ["Family law"], "colour": ["red"]}
    assert coerce(data, schema("practice-areas.create")) == {"name": "Family law", "colour": "red"}


def test_uncoercible_value_reaches_validation_as_sent() -> None:
    listing = schema("contacts.list")
    [problem] = explain(validator_for(listing), coerce({"limit": ["ten"]}, listing))
    assert problem.message == "limit must be an integer (got 'ten')"


def test_coerce_does_not_change_its_input() -> None:
    data = {"count": ["1"], "ids": ["1,2"]}
    coerce(data, NUMBERS)
    assert data == {"count": ["1"], "ids": ["1,2"]}


def test_json_blank_and_null_optional_fields_are_dropped() -> None:
    data = {"id": "l1", "value": "", "leadStageColumnId": None, "isPrivate": False}
    assert coerce_json(data, schema("leads.update")) == {"id": "l1", "isPrivate": False}


def test_json_blank_required_field_is_kept() -> None:
    assert coerce_json({"name": ""}, schema("practice-areas.create")) == {"name": ""}


def test_json_numeric_strings_become_numbers_where_the_schema_says_so() -> None:
    data = {
        "practiceAreaId": "p1",
        "openDate": "2026-07-01",
        "team": [{"memberId": "u1", "allocation": "60"}],
    }
    result = coerce_json(data, schema("matters.create"))
    assert result["team"] == [{"memberId": "u1", "allocation": 60}]


def test_json_integer_strings_become_integers() -> None:
    assert coerce_json({"limit": "25", "offset": "0"}, schema("contacts.list")) == {
        "limit": 25,
        "offset": 0,
    }


def test_json_coercion_stays_gentle() -> None:
    data = {"type": "person", "lastName": "Doe", "emails": "a@x.com, b@x.com"}
    assert coerce_json(data, schema("contacts.create")) == data


def test_json_lists_of_blanks_are_kept_for_validation() -> None:
    assert coerce_json({"id": "c1", "phones": [""]}, schema("contacts.update")) == {
        "id": "c1",
        "phones": [""],
    }


def test_json_booleans_are_not_guessed() -> None:
    assert coerce_json({"all": "yes"}, schema("contacts.list")) == {"all": "yes"}


def test_a_body_that_is_not_an_object_is_left_for_validation() -> None:
    assert coerce_json(["c1"], schema("contacts.get")) == ["c1"]  # type: ignore[arg-type]


# --- hostile values -------------------------------------------------------------


def test_an_integer_string_past_18_digits_is_left_for_validation() -> None:
    # int() refuses strings of more than 4300 digits with ValueError.
    assert coerce({"count": ["9" * 5000]}, NUMBERS)["count"] == "9" * 5000


def test_a_number_string_past_18_digits_is_left_for_validation() -> None:
    assert coerce({"count": ["1"], "share": ["9" * 5000]}, NUMBERS)["share"] == "9" * 5000


def test_a_json_integer_string_past_18_digits_is_left_for_validation() -> None:
    assert coerce_json({"limit": "9" * 5000}, schema("contacts.list")) == {"limit": "9" * 5000}


def test_an_integer_string_of_18_digits_is_still_coerced() -> None:
    assert coerce({"count": ["9" * 18]}, NUMBERS)["count"] == 10**18 - 1


def test_an_oversized_integer_is_explained_not_crashed() -> None:
    listing = schema("contacts.list")
    [problem] = explain(validator_for(listing), coerce({"limit": ["9" * 5000]}, listing))
    assert problem.message.startswith("limit must be an integer (got '999")


# --- how lists are split ----------------------------------------------------------


def test_a_phone_is_not_split_on_its_comma() -> None:
    data = {"type": ["PERSON"], "lastName": ["Doe"], "phones": ["+1 555 0100, ext. 12"]}
    assert coerce(data, schema("contacts.create"))["phones"] == ["+1 555 0100, ext. 12"]


def test_phones_are_split_on_newlines() -> None:
    data = {"type": ["PERSON"], "lastName": ["Doe"], "phones": ["+1 555 0100\r\n+1 555 0101"]}
    assert coerce(data, schema("contacts.create"))["phones"] == ["+1 555 0100", "+1 555 0101"]


def test_id_lists_are_split_on_commas() -> None:
    data = {"practiceAreaId": ["p1"], "openDate": ["2026-07-01"], "clientContactIds": ["c1, c2"]}
    assert coerce(data, schema("matters.create"))["clientContactIds"] == ["c1", "c2"]


def test_other_text_lists_are_not_split_on_commas() -> None:
    texts = {
        "type": "object",
        "properties": {"notes": {"type": "array", "items": {"type": "string"}}},
    }
    assert coerce({"notes": ["Doe, Jane\nRoe, Rick"]}, texts)["notes"] == ["Doe, Jane", "Roe, Rick"]
