"""apply_mapping(): dotted and JSON-pointer paths, nested targets, hostile paths."""

from __future__ import annotations

from typing import Any

import pytest

from app.payload import UnflattenError, apply_mapping, lookup


def test_mapping_renames_dotted_paths() -> None:
    data = {"answers": {"first_name": "Jane"}}
    assert apply_mapping(data, {"firstName": "answers.first_name"}) == {"firstName": "Jane"}


def test_mapping_reads_json_pointers_into_lists() -> None:
    data = {"answers": [{"text": "Jane"}, {"text": "Doe"}]}
    assert apply_mapping(data, {"lastName": "/answers/1/text"}) == {"lastName": "Doe"}


def test_mapping_reads_dotted_list_indexes() -> None:
    assert apply_mapping({"a": [["x", "y"]]}, {"v": "a.0.1"}) == {"v": "y"}


def test_pointer_escapes_are_decoded() -> None:
    assert apply_mapping({"a/b": {"c~d": 1}}, {"v": "/a~1b/c~0d"}) == {"v": 1}


def test_mapping_builds_nested_targets() -> None:
    data = {"fn": "Jane", "ln": "Doe"}
    mapping = {"client.firstName": "fn", "/client/lastName": "ln"}
    assert apply_mapping(data, mapping) == {"client": {"firstName": "Jane", "lastName": "Doe"}}


def test_mapping_targets_with_indexes_build_lists() -> None:
    data = {"e2": "b@x.com", "e1": "a@x.com"}
    assert apply_mapping(data, {"emails.1": "e2", "emails.0": "e1"}) == {
        "emails": ["a@x.com", "b@x.com"]
    }


def test_mapping_keeps_only_mapped_fields() -> None:
    assert apply_mapping({"a": 1, "b": 2}, {"x": "a"}) == {"x": 1}


def test_missing_sources_are_skipped() -> None:
    assert apply_mapping({"a": {"b": 1}}, {"x": "a.c", "y": "/q/0", "z": "a.b.c"}) == {}


def test_null_sources_are_skipped() -> None:
    assert apply_mapping({"a": None}, {"x": "a"}) == {}


def test_dotted_source_matches_a_key_containing_dots() -> None:
    assert apply_mapping({"name.first": "Jane"}, {"firstName": "name.first"}) == {
        "firstName": "Jane"
    }


def test_colliding_targets_are_a_mapping_error() -> None:
    with pytest.raises(UnflattenError):
        apply_mapping({"a": 1, "b": 2}, {"client": "a", "client.firstName": "b"})


def test_mapping_result_does_not_share_values_with_the_payload() -> None:
    data = {"a": {"b": [1]}}
    apply_mapping(data, {"x": "a"})["x"]["b"].append(2)
    assert data == {"a": {"b": [1]}}


def test_a_literal_dotted_key_wins_over_nesting() -> None:
    data = {"name": {"first": "nested"}, "name.first": "literal"}
    assert apply_mapping(data, {"firstName": "name.first"}) == {"firstName": "literal"}


def test_a_unicode_digit_target_segment_is_a_name() -> None:
    assert apply_mapping({"a": 1}, {"x.²": "a"}) == {"x": {"²": 1}}


def test_a_unicode_digit_source_segment_does_not_index_a_list() -> None:
    assert apply_mapping({"a": ["x"]}, {"v": "a.²"}) == {}


def test_a_source_index_of_5000_digits_is_simply_absent() -> None:
    assert apply_mapping({"a": ["x"]}, {"v": "a." + "9" * 5000}) == {}


def test_a_target_index_of_5000_digits_is_a_mapping_error() -> None:
    with pytest.raises(UnflattenError, match="18 digits"):
        apply_mapping({"a": 1}, {"emails." + "9" * 5000: "a"})


def test_a_deeply_nested_source_value_is_copied_without_recursing() -> None:
    deep: Any = "x"
    for _ in range(5000):
        deep = [deep]
    copied = apply_mapping({"a": deep}, {"v": "a"})["v"]
    assert copied is not deep
    for _ in range(5000):
        copied = copied[0]
    assert copied == "x"


def test_lookup_reads_a_place_the_way_a_mapping_source_does() -> None:
    data = {"answers": [{"text": "Jane"}], "name.first": "literal", "a/b": {"c~d": 1}}
    assert lookup(data, "answers.0.text") == "Jane"
    assert lookup(data, "/answers/0/text") == "Jane"
    assert lookup(data, "name.first") == "literal"
    assert lookup(data, "/a~1b/c~0d") == 1


def test_lookup_of_an_absent_place_is_none() -> None:
    data = {"answers": [{"text": "Jane"}]}
    assert lookup(data, "answers.1.text") is None
    assert lookup(data, "answers.0.email") is None
    assert lookup(data, "answers.²") is None
