"""unflatten(): flat form names -> nested input, with ambiguity refused."""

from __future__ import annotations

import pytest

from app.payload import UnflattenError, unflatten


def test_double_underscore_nests() -> None:
    assert unflatten({"client__firstName": ["Jane"], "client__lastName": ["Doe"]}) == {
        "client": {"firstName": ["Jane"], "lastName": ["Doe"]}
    }


def test_brackets_nest() -> None:
    assert unflatten({"client[address][city]": ["Boston"]}) == {
        "client": {"address": {"city": ["Boston"]}}
    }


def test_both_spellings_meet_in_one_object() -> None:
    assert unflatten({"client__firstName": ["Jane"], "client[lastName]": ["Doe"]}) == {
        "client": {"firstName": ["Jane"], "lastName": ["Doe"]}
    }


def test_values_stay_lists_for_coercion_to_decide() -> None:
    assert unflatten({"title": ["Doe v. Acme"], "tags": ["a", "b"]}) == {
        "title": ["Doe v. Acme"],
        "tags": ["a", "b"],
    }


def test_empty_brackets_append_every_value() -> None:
    assert unflatten({"emails[]": ["a@example.com", "b@example.com"]}) == {
        "emails": ["a@example.com", "b@example.com"]
    }


def test_indices_order_entries_and_close_gaps() -> None:
    assert unflatten({"phones[5]": ["second"], "phones[1]": ["first"]}) == {
        "phones": [["first"], ["second"]]
    }


def test_indices_order_numerically_not_alphabetically() -> None:
    fields = {f"e[{i}]": [str(i)] for i in (10, 2, 1)}
    assert unflatten(fields) == {"e": [["1"], ["2"], ["10"]]}


def test_numeric_double_underscore_segments_are_indices() -> None:
    assert unflatten({"team__0__memberId": ["u1"], "team__1__memberId": ["u2"]}) == {
        "team": [{"memberId": ["u1"]}, {"memberId": ["u2"]}]
    }


def test_indexed_objects_collect_their_fields() -> None:
    fields = {"team[0][memberId]": ["u1"], "team[0][role]": ["Lead"], "team[1][memberId]": ["u2"]}
    assert unflatten(fields) == {
        "team": [{"memberId": ["u1"], "role": ["Lead"]}, {"memberId": ["u2"]}]
    }


def test_append_brackets_before_a_name_spread_values_over_entries() -> None:
    fields = {"team[][memberId]": ["u1", "u2"], "team[][role]": ["Lead", "Support"]}
    assert unflatten(fields) == {
        "team": [{"memberId": ["u1"], "role": ["Lead"]}, {"memberId": ["u2"], "role": ["Support"]}]
    }


def test_same_field_spelled_twice_merges_like_a_repeated_name() -> None:
    assert unflatten({"a__b": ["1"], "a[b]": ["2"]}) == {"a": {"b": ["1", "2"]}}


def test_unparseable_names_are_kept_literally() -> None:
    assert unflatten({"a[b": ["1"], "__x": ["2"], "y__": ["3"]}) == {
        "a[b": ["1"],
        "__x": ["2"],
        "y__": ["3"],
    }


def test_plain_values_are_accepted_as_they_are() -> None:
    assert unflatten({"client__age": 42, "flag": True}) == {"client": {"age": 42}, "flag": True}


def test_separator_can_be_changed() -> None:
    assert unflatten({"client.firstName": ["Jane"]}, sep=".") == {"client": {"firstName": ["Jane"]}}


def test_a_field_that_is_both_value_and_group_is_refused() -> None:
    with pytest.raises(UnflattenError) as caught:
        unflatten({"a": ["1"], "a__b": ["2"]})
    assert caught.value.fields == ("a", "a__b")
    assert "'a'" in str(caught.value)


def test_conflict_is_found_whichever_name_comes_first() -> None:
    with pytest.raises(UnflattenError) as caught:
        unflatten({"a__b": ["2"], "a": ["1"]})
    assert caught.value.fields == ("a", "a__b")


def test_a_field_that_is_both_list_and_group_is_refused() -> None:
    with pytest.raises(UnflattenError) as caught:
        unflatten({"team[0]": ["u1"], "team[lead]": ["u2"]})
    assert "a list" in str(caught.value) and "a group of fields" in str(caught.value)


def test_every_conflict_is_reported_at_once() -> None:
    with pytest.raises(UnflattenError) as caught:
        unflatten({"a": ["1"], "a__b": ["2"], "c__d": ["3"], "c__d__e": ["4"]})
    assert caught.value.fields == ("a", "a__b", "c__d", "c__d__e")


def test_conflicts_convert_to_validation_problems() -> None:
    with pytest.raises(UnflattenError) as caught:
        unflatten({"client": ["x"], "client__firstName": ["Jane"]})
    [problem] = caught.value.problems
    assert problem.path == "/client"
    assert "client, client__firstName" in problem.message


def test_input_is_not_changed() -> None:
    fields = {"a__b": ["1"], "a[b]": ["2"]}
    unflatten(fields)
    assert fields == {"a__b": ["1"], "a[b]": ["2"]}


# --- hostile names ------------------------------------------------------------


def test_a_unicode_digit_segment_is_a_name_not_an_index() -> None:
    # '²'.isdigit() is true, but int('²') raises: it must never reach int().
    assert unflatten({"team[²][memberId]": ["u1"]}) == {"team": {"²": {"memberId": ["u1"]}}}


def test_an_index_of_more_than_18_digits_is_refused_by_name() -> None:
    key = "team[" + "9" * 5000 + "][memberId]"
    with pytest.raises(UnflattenError) as caught:
        unflatten({key: ["u1"]})
    assert caught.value.fields == (key,)
    [problem] = caught.value.problems
    assert problem.path == "/team"
    assert "list index" in problem.message and "18 digits" in problem.message
    assert len(problem.message) < 200


def test_an_index_of_18_digits_is_still_an_index() -> None:
    assert unflatten({"e[" + "9" * 18 + "]": ["x"]}) == {"e": [["x"]]}


def test_a_name_nested_too_deeply_is_refused() -> None:
    key = "a" + "[b]" * 5000
    with pytest.raises(UnflattenError) as caught:
        unflatten({key: ["1"]})
    [problem] = caught.value.problems
    assert problem.path == "/a"
    assert "levels deep" in problem.message


def test_a_trailing_newline_is_part_of_the_name() -> None:
    assert unflatten({"a[b]\n": ["1"]}) == {"a[b]\n": ["1"]}
