"""The outcome table as a pure function: one row per test, no network."""

from __future__ import annotations

import pytest
from rq.timeouts import JobTimeoutException

from actions import ActionFailed
from app.esqase import ApiError, NotSent, SentNoAnswer
from app.esqase.client import MAX_RETRY_AFTER, _retry_after
from app.jobs.outcome import Verdict, classify

SCHEDULE = (10, 30, 60)


def api(status: int, method: str = "POST", retry_after: float | None = None) -> ApiError:
    return ApiError(status, "x", method=method, path="/v1/leads", retry_after=retry_after)


@pytest.mark.parametrize(
    ("exc", "verdict"),
    [
        (None, Verdict.SUCCEEDED),
        (api(400), Verdict.FAILED),
        (api(404, "PATCH"), Verdict.FAILED),
        (api(422), Verdict.FAILED),
        (api(301, "GET"), Verdict.FAILED),
        (api(429), Verdict.RETRY),
        (api(503), Verdict.RETRY),
        (NotSent("refused", method="POST"), Verdict.RETRY),
        (api(500), Verdict.NEEDS_REVIEW),
        (api(502), Verdict.NEEDS_REVIEW),
        (api(520), Verdict.NEEDS_REVIEW),
        (api(501), Verdict.NEEDS_REVIEW),
        (api(201), Verdict.NEEDS_REVIEW),  # a 2xx whose body could not be read
        (api(500, "PATCH"), Verdict.RETRY),
        (api(520, "DELETE"), Verdict.RETRY),
        (SentNoAnswer("timeout", method="POST"), Verdict.NEEDS_REVIEW),
        (SentNoAnswer("timeout", method="GET"), Verdict.RETRY),
        (ActionFailed("no such practice area"), Verdict.FAILED),
        (KeyError("bug"), Verdict.RETRY),
        (JobTimeoutException("past the job timeout"), Verdict.RETRY),
    ],
)
def test_row(exc, verdict):
    assert classify(exc, 1, SCHEDULE).verdict is verdict


@pytest.mark.parametrize(
    "exc", [KeyError("bug"), JobTimeoutException("past the job timeout")], ids=["bug", "timeout"]
)
def test_an_error_not_from_esqase_is_judged_by_what_was_sent(exc):
    """RQ's timeout or a bug of ours mid-action: safe to retry unless a create went
    unanswered, which may have made the record."""
    assert classify(exc, 1, SCHEDULE).verdict is Verdict.RETRY
    assert classify(exc, 1, SCHEDULE, create_unanswered=True).verdict is Verdict.NEEDS_REVIEW


def test_401_and_403_flag_the_connection():
    assert classify(api(401), 1, SCHEDULE).flag_connection
    assert classify(api(403, "GET"), 1, SCHEDULE).flag_connection
    assert not classify(api(404), 1, SCHEDULE).flag_connection


def test_retry_waits_the_schedule_or_retry_after_whichever_is_longer():
    assert classify(api(503), 2, SCHEDULE).delay == 30
    assert classify(api(429, retry_after=45), 2, SCHEDULE).delay == 45
    assert classify(api(429, retry_after=5), 2, SCHEDULE).delay == 30


def test_retries_run_out():
    outcome = classify(api(503), 4, SCHEDULE)
    assert outcome.verdict is Verdict.FAILED
    assert "gave up after 4 attempts" in outcome.reason


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("7", 7.0),
        ("1e12", MAX_RETRY_AFTER),
        ("Fri, 31 Dec 9999 23:59:59 GMT", MAX_RETRY_AFTER),
        ("-5", 0.0),
        ("nan", None),
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_is_read_and_capped(header, seconds):
    assert _retry_after(header) == seconds
