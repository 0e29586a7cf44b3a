"""The outcome table of DESIGN.md as one pure function.

==============================  =====================  ======================
what happened                   idempotent call        create (POST)
==============================  =====================  ======================
2xx                             succeeded              succeeded
2xx with an unreadable body     retry                  needs_review
3xx (wrong base URL)            failed                 failed
4xx (but 429)                   failed                 failed
429                             retry (Retry-After)    retry (Retry-After)
connect error (not sent)        retry                  retry
503                             retry                  retry
other 5xx, read timeout, drop   retry                  needs_review
retries exhausted               failed                 failed
==============================  =====================  ======================

The row is chosen by the HTTP method of the call that failed, not by the
action: inside a composite action a GET that times out is safe to repeat
while a POST is not. For a POST, only answers that prove nothing happened
(503 "unavailable", 429, a 4xx, a connection never made) allow a retry.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from rq.timeouts import JobTimeoutException

from actions import ActionFailed, unanswered
from app.esqase import ApiError, EsqaseError, NotSent, SentNoAnswer
from app.models import JobStatus


class Verdict(enum.StrEnum):
    SUCCEEDED = "succeeded"
    RETRY = "retry"
    FAILED = "failed"
    NEEDS_REVIEW = "needs_review"

    @property
    def status(self) -> JobStatus:
        """The job status this verdict moves a job to."""
        return JobStatus.RETRYING if self is Verdict.RETRY else JobStatus(self.value)


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    reason: str
    delay: float = 0.0
    # 401/403: the key itself is wrong; mark the connection so a person sees it.
    flag_connection: bool = False

    def landing(self, now: datetime) -> dict[str, Any]:
        """Where this outcome puts a job: due again after ``delay``, or finished now."""
        status = self.verdict.status
        if status == JobStatus.RETRYING:
            return {"status": status, "next_attempt_at": now + timedelta(seconds=self.delay)}
        return {"status": status, "finished_at": now}


def is_write(method: str) -> bool:
    """Only POST can duplicate a record; PATCH/DELETE/GET repeat harmlessly."""
    return method.upper() == "POST"


def classify(
    exc: BaseException | None,
    attempt: int,
    schedule: tuple[int, ...],
    *,
    create_unanswered: bool = False,
) -> Outcome:
    """``attempt`` is 1-based within the current retry budget; ``schedule[i]`` is the wait
    before retry i+1, so ``len(schedule)`` retries follow the first attempt.
    ``create_unanswered`` says whether this attempt sent a create that got no answer, which
    is what an error that is not Esqase's (RQ's job timeout, a bug of ours) is judged by."""
    if exc is None:
        return Outcome(Verdict.SUCCEEDED, "ok")
    if isinstance(exc, ActionFailed):
        return Outcome(Verdict.FAILED, exc.message)

    verdict, reason, retry_after = _judge(exc, create_unanswered)
    if verdict is not Verdict.RETRY:
        flag = isinstance(exc, ApiError) and exc.status in (401, 403)
        return Outcome(verdict, reason, flag_connection=flag)
    return retry_or_give_up(reason, attempt, schedule, retry_after)


def retry_or_give_up(
    reason: str, attempt: int, schedule: tuple[int, ...], retry_after: float | None = None
) -> Outcome:
    if attempt > len(schedule):
        return Outcome(Verdict.FAILED, f"{reason}; gave up after {attempt} attempts")
    delay = max(float(schedule[attempt - 1]), retry_after or 0.0)
    return Outcome(Verdict.RETRY, reason, delay=delay)


def judge_lost_attempt(
    calls: list[dict[str, Any]], why: str, attempt: int, schedule: tuple[int, ...]
) -> Outcome:
    """An attempt that will never report back is judged by what it had sent: a create sent
    without an answer may exist upstream, so a person decides; anything else is retried
    on the job's schedule, and a job that keeps losing its worker runs out of retries."""
    if any(is_write(c["method"]) and unanswered(c) for c in calls):
        return Outcome(
            Verdict.NEEDS_REVIEW,
            f"{why} after sending a create and before its answer; check Esqase for the "
            "record, then retry or cancel this job",
        )
    return retry_or_give_up(why, attempt, schedule)


def _judge(exc: BaseException, create_unanswered: bool) -> tuple[Verdict, str, float | None]:
    if isinstance(exc, NotSent):
        return Verdict.RETRY, f"could not reach Esqase: {exc}", None
    if isinstance(exc, SentNoAnswer):
        if is_write(exc.method):
            return (
                Verdict.NEEDS_REVIEW,
                f"no answer to a create ({exc}), so the record may exist: check Esqase "
                "before retrying",
                None,
            )
        return Verdict.RETRY, f"no answer from Esqase: {exc}", None
    if isinstance(exc, ApiError):
        return _judge_status(exc)
    if isinstance(exc, EsqaseError):
        return Verdict.RETRY, str(exc), None
    if isinstance(exc, JobTimeoutException):
        reason = "the attempt ran past RELAY_JOB_TIMEOUT"
    else:  # a bug of ours, mid-action
        reason = f"internal error in the relay: {type(exc).__name__}"
    if create_unanswered:
        return (
            Verdict.NEEDS_REVIEW,
            f"{reason} after sending a create and before its answer, so the record may "
            "exist: check Esqase before retrying",
            None,
        )
    return Verdict.RETRY, reason, None


def _judge_status(exc: ApiError) -> tuple[Verdict, str, float | None]:
    status, write = exc.status, is_write(exc.method)
    reason = f"Esqase answered {status}: {exc.message.rstrip('.')}"
    if status in (429, 503):
        return Verdict.RETRY, reason, exc.retry_after
    if 300 <= status < 500:
        hint = "; check the connection's base URL" if status < 400 else ""
        return Verdict.FAILED, reason + hint, None
    # 2xx we could not read, or a 5xx that does not say "nothing happened".
    if write:
        return (
            Verdict.NEEDS_REVIEW,
            f"{reason}; this was a create, so the record may exist: check Esqase before retrying",
            None,
        )
    return Verdict.RETRY, reason, exc.retry_after
