"""Mapping sources that are not paths: constants and value maps."""

from __future__ import annotations

import pytest

from app.payload import MappingError, apply_mapping

BUDGET = {"from": "budget", "map": {"Over $50k": "HIGH", "Under $10k": "LOW"}}


def test_a_constant_is_set_whatever_was_sent() -> None:
    out = apply_mapping({"type": "ROBOT"}, {"type": {"value": "PERSON"}, "tags": {"value": [1]}})
    assert out == {"type": "PERSON", "tags": [1]}


def test_a_constant_is_a_copy() -> None:
    mapping = {"team": {"value": [{"role": "x"}]}}
    apply_mapping({}, mapping)["team"][0]["role"] = "changed"
    assert mapping["team"]["value"][0]["role"] == "x"


def test_a_value_map_translates_exactly_then_ignoring_case_and_spaces() -> None:
    assert apply_mapping({"budget": "Over $50k"}, {"value": BUDGET}) == {"value": "HIGH"}
    assert apply_mapping({"budget": "  under $10K "}, {"value": BUDGET}) == {"value": "LOW"}


def test_a_value_map_translates_each_entry_of_a_list() -> None:
    """Form bodies arrive as lists of values; checkboxes as longer ones."""
    mapping = {"value": BUDGET}
    assert apply_mapping({"budget": ["Over $50k"]}, mapping) == {"value": ["HIGH"]}
    both = apply_mapping({"budget": ["Over $50k", "Under $10k"]}, mapping)
    assert both == {"value": ["HIGH", "LOW"]}


def test_numbers_and_booleans_are_looked_up_as_the_text_of_a_map_key() -> None:
    mapping = {"isPrivate": {"from": "private", "map": {"true": True, "false": False}}}
    assert apply_mapping({"private": True}, mapping) == {"isPrivate": True}
    ages = {"value": {"from": "age", "map": {"27": "HIGH"}}}
    assert apply_mapping({"age": 27}, ages) == {"value": "HIGH"}


def test_an_unknown_value_without_a_default_names_the_value_and_the_choices() -> None:
    with pytest.raises(MappingError) as caught:
        apply_mapping({"budget": "About $20k"}, {"value": BUDGET})
    [problem] = caught.value.problems
    assert problem.path == "/value"
    assert "'About $20k'" in problem.message and "'budget'" in problem.message
    assert "'Over $50k', 'Under $10k'" in problem.message
    assert problem.value == "About $20k"


def test_every_unknown_value_is_reported_at_once() -> None:
    mapping = {"value": BUDGET, "type": {"from": "kind", "map": {"Person": "PERSON"}}}
    with pytest.raises(MappingError) as caught:
        apply_mapping({"budget": "?", "kind": "Robot"}, mapping)
    assert sorted(p.path for p in caught.value.problems) == ["/type", "/value"]


def test_a_default_stands_in_for_unknown_and_absent_values() -> None:
    mapping = {"value": {**BUDGET, "default": "MEDIUM"}}
    assert apply_mapping({"budget": "About $20k"}, mapping) == {"value": "MEDIUM"}
    assert apply_mapping({}, mapping) == {"value": "MEDIUM"}
    assert apply_mapping({"budget": None}, mapping) == {"value": "MEDIUM"}
    assert apply_mapping({}, {"value": {"from": "budget", "default": "LOW"}}) == {"value": "LOW"}


def test_a_blank_answer_the_map_does_not_name_is_no_answer() -> None:
    """An optional dropdown left empty: the target stays out (validation decides)."""
    assert apply_mapping({"budget": ""}, {"value": BUDGET}) == {}
    assert apply_mapping({"budget": [""]}, {"value": BUDGET}) == {}
    blank_named = {"value": {"from": "budget", "map": {"": "LOWEST"}}}
    assert apply_mapping({"budget": ""}, blank_named) == {"value": "LOWEST"}


def test_without_map_a_from_is_a_path() -> None:
    assert apply_mapping({"a": {"b": "x"}}, {"t": {"from": "a.b"}}) == {"t": "x"}


def test_a_map_whose_keys_differ_only_in_case_matches_only_exactly() -> None:
    mapping = {"value": {"from": "v", "map": {"high": "HIGH", "HIGH": "HIGHEST"}}}
    assert apply_mapping({"v": "HIGH"}, mapping) == {"value": "HIGHEST"}
    with pytest.raises(MappingError):
        apply_mapping({"v": "High"}, mapping)


def test_constants_and_paths_nest_together() -> None:
    mapping = {"client.type": {"value": "PERSON"}, "client.lastName": "last"}
    assert apply_mapping({"last": "Doe"}, mapping) == {
        "client": {"type": "PERSON", "lastName": "Doe"}
    }
