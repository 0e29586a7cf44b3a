"""The outcome table as a pure function: one row per test, no network."""

from __future__ import annotations

import pytest
from rq.timeouts import JobTimeoutException

from actions import ActionFailed
from actions.reconcile import Unsettled
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
        (api(500), Verdict.RETRY),  # a lost create: reconciled by the next attempt
        (api(502), Verdict.RETRY),
        (api(520), Verdict.RETRY),
        (api(501), Verdict.RETRY),
        (api(201), Verdict.RETRY),  # a 2xx whose body could not be read
        (api(500, "PATCH"), Verdict.RETRY),
        (api(520, "DELETE"), Verdict.RETRY),
        (SentNoAnswer("timeout", method="POST"), Verdict.RETRY),
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
    """RQ's timeout or a bug of ours mid-action: a plain retry, unless a create went
    unanswered: then the retry waits the settle delay and reads Esqase first, and with no
    retry left a person decides."""
    assert classify(exc, 1, SCHEDULE, settle=45).delay == 10
    assert classify(exc, 1, SCHEDULE, in_doubt=True, settle=45).delay == 45
    assert classify(exc, 4, SCHEDULE).verdict is Verdict.FAILED
    assert classify(exc, 4, SCHEDULE, in_doubt=True).verdict is Verdict.NEEDS_REVIEW


@pytest.mark.parametrize(
    "exc", [api(502), api(201), SentNoAnswer("timeout", method="POST")], ids=["502", "201", "drop"]
)
def test_a_lost_create_waits_the_settle_delay_before_esqase_is_read(exc):
    assert classify(exc, 1, SCHEDULE, in_doubt=True, settle=45).delay == 45
    assert classify(exc, 1, SCHEDULE, in_doubt=True, settle=5).delay == 10  # the schedule's


def test_a_lost_create_with_no_retry_left_goes_to_a_person_not_failed():
    outcome = classify(api(502), 4, SCHEDULE, in_doubt=True)
    assert outcome.verdict is Verdict.NEEDS_REVIEW
    assert "gave up after 4 attempts" in outcome.reason


def test_a_job_with_a_create_in_doubt_never_ends_failed():
    outcome = classify(ActionFailed("no such practice area"), 2, SCHEDULE, in_doubt=True)
    assert outcome.verdict is Verdict.NEEDS_REVIEW
    assert classify(api(422), 2, SCHEDULE, in_doubt=True).verdict is Verdict.NEEDS_REVIEW


def test_an_unsettled_reading_of_esqase_goes_to_a_person():
    outcome = classify(Unsettled("two leads match"), 1, SCHEDULE)
    assert (outcome.verdict, outcome.reason) == (Verdict.NEEDS_REVIEW, "two leads match")


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
