"""The search line a job is found by, and how a query reads it (app/search.py, pure)."""

from __future__ import annotations

from app.models import new_id
from app.search import MAX_CHARS, id_bounds, like_pattern, query_words, search_text


def test_the_line_holds_the_key_and_the_values_casefolded_once_each():
    line = search_text(
        input={
            "email": "Ann@Firm.example",
            "name": {"first": "Ann", "last": "Lee Smith"},
            "tags": ["VIP", "ann"],
            "age": 41,
            "consent": True,
            "notes": None,
        },
        idempotency_key="Resp_01",
    )
    assert line.split() == ["resp_01", "ann@firm.example", "ann", "lee", "smith", "vip", "41"]


def test_a_refused_job_is_found_by_what_arrived_and_its_refusal_code():
    line = search_text(
        input=None,
        received={"kind": "form", "fields": {"mail": "x@y.example"}},
        error={"code": "validation_failed", "message": "1 field(s) need fixing"},
    )
    assert line.split() == ["validation_failed", "x@y.example"]


def test_long_values_are_left_out_and_the_line_is_bounded():
    assert search_text(input={"notes": "word " * 100, "email": "a@b.example"}) == "a@b.example"
    many = {f"f{i}": f"value{i:05d}" for i in range(1000)}
    line = search_text(input=many)
    assert len(line) <= MAX_CHARS and line.startswith("value00000 value00001")


def test_other_columns_do_not_matter():
    assert search_text(input={"a": "B"}, status="queued", replay_of="job_x") == "b"
    assert search_text() == ""


def test_query_words_and_like_patterns():
    assert query_words("  Ann   LEE ann ") == ["ann", "lee"]
    assert like_pattern("a_b%c\\") == "%a\\_b\\%c\\\\%"


def test_id_bounds_cover_exactly_the_ids_with_that_prefix():
    job_id = new_id("job")
    low, high = id_bounds(job_id[:12].upper()) or ("", "")
    assert low == job_id[:12] and high is not None and low <= job_id < high
    assert id_bounds("job_01z") == ("job_01z", "job_02")
    assert id_bounds("job_0zz") == ("job_0zz", "job_1")
    assert id_bounds("job_zz") == ("job_zz", None)
    assert id_bounds("ann") is None
    assert id_bounds("job_") is None
    assert id_bounds("job_01i") is None  # i is never in an id
