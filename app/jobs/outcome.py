"""The outcome table of DESIGN.md as pure functions.

==============================  =====================  ==============================
what happened                   idempotent call        create (POST)
==============================  =====================  ==============================
2xx                             succeeded              succeeded
3xx (wrong base URL)            failed                 failed
4xx (but 429)                   failed                 failed
429                             retry (Retry-After)    retry (Retry-After)
connect error (not sent)        retry                  retry
503                             retry                  retry
other 5xx, timeout, drop,       retry                  reconcile: retry after a settle
2xx with an unreadable body                            delay; the next attempt reads
                                                       Esqase for the record before it
                                                       sends anything (actions.reconcile)
RQ's job timeout, a relay bug   retry                  as above when a create was in flight
retries exhausted               failed                 failed; needs_review while a
                                                       create is still in doubt
==============================  =====================  ==============================

The row is chosen by the HTTP method of the call that failed, not by the
action: inside a composite action a GET that times out is safe to repeat
while a POST is not. A job with a create in doubt (sent, answer lost, not yet
found or ruled out in Esqase) never ends ``failed``: a person decides.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from rq.timeouts import JobTimeoutException

from actions import ActionFailed, unanswered
from actions.reconcile import Unsettled
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
    in_doubt: bool = False,
    settle: float = 0.0,
) -> Outcome:
    """``attempt`` is 1-based within the current retry budget; ``schedule[i]`` is the wait
    before retry i+1, so ``len(schedule)`` retries follow the first attempt. ``in_doubt``:
    a create of this job may have made a record nobody has found yet. ``settle``: how long
    Esqase is given before it is read for a create whose answer was lost."""
    if exc is None:
        return Outcome(Verdict.SUCCEEDED, "ok")
    if isinstance(exc, Unsettled):
        return Outcome(Verdict.NEEDS_REVIEW, exc.message)
    if isinstance(exc, ActionFailed):
        outcome = Outcome(Verdict.FAILED, exc.message)
    else:
        verdict, reason, wait, lost_create = _judge(exc, in_doubt)
        if verdict is Verdict.RETRY:
            floor = max(wait or 0.0, settle if lost_create else 0.0)
            outcome = retry_or_give_up(reason, attempt, schedule, floor)
        else:
            flag = isinstance(exc, ApiError) and exc.status in (401, 403)
            outcome = Outcome(verdict, reason, flag_connection=flag)
    if in_doubt and outcome.verdict is Verdict.FAILED:
        return Outcome(
            Verdict.NEEDS_REVIEW,
            f"{outcome.reason}; a create this job sent may have made a record: check "
            "Esqase, then link the record, create it or discard the job",
            flag_connection=outcome.flag_connection,
        )
    return outcome


def retry_or_give_up(
    reason: str, attempt: int, schedule: tuple[int, ...], retry_after: float | None = None
) -> Outcome:
    if attempt > len(schedule):
        return Outcome(Verdict.FAILED, f"{reason}; gave up after {attempt} attempts")
    delay = max(float(schedule[attempt - 1]), retry_after or 0.0)
    return Outcome(Verdict.RETRY, reason, delay=delay)


def judge_lost_attempt(
    calls: list[dict[str, Any]], why: str, attempt: int, schedule: tuple[int, ...], settle: float
) -> Outcome:
    """An attempt that will never report back is judged by what it had sent: a create sent
    without an answer is reconciled by the next attempt (needs_review once no retry is
    left), anything else is retried on the job's schedule."""
    lost_create = any(is_write(c["method"]) and unanswered(c) for c in calls)
    if lost_create:
        why = f"{why} after sending a create and before its answer"
    outcome = retry_or_give_up(why, attempt, schedule, settle if lost_create else None)
    if lost_create and outcome.verdict is Verdict.FAILED:
        return Outcome(Verdict.NEEDS_REVIEW, f"{why}; check Esqase for the record")
    return outcome


def _judge(exc: BaseException, in_doubt: bool) -> tuple[Verdict, str, float | None, bool]:
    """(verdict, reason, Retry-After, whether a create's answer was lost)."""
    if isinstance(exc, NotSent):
        return Verdict.RETRY, f"could not reach Esqase: {exc}", None, False
    if isinstance(exc, SentNoAnswer):
        if is_write(exc.method):
            return Verdict.RETRY, f"no answer to a create ({exc}); {_WILL_READ}", None, True
        return Verdict.RETRY, f"no answer from Esqase: {exc}", None, False
    if isinstance(exc, ApiError):
        return _judge_status(exc)
    if isinstance(exc, EsqaseError):
        return Verdict.RETRY, str(exc), None, False
    if isinstance(exc, JobTimeoutException):
        reason = "the attempt ran past RELAY_JOB_TIMEOUT"
    else:  # a bug of ours, mid-action
        reason = f"internal error in the relay: {type(exc).__name__}"
    return Verdict.RETRY, reason, None, in_doubt


_WILL_READ = "the record may exist, so Esqase is read for it before anything is sent again"


def _judge_status(exc: ApiError) -> tuple[Verdict, str, float | None, bool]:
    status, write = exc.status, is_write(exc.method)
    reason = f"Esqase answered {status}: {exc.message.rstrip('.')}"
    if status in (429, 503):
        return Verdict.RETRY, reason, exc.retry_after, False
    if 300 <= status < 500:
        hint = "; check the connection's base URL" if status < 400 else ""
        return Verdict.FAILED, reason + hint, None, False
    # 2xx we could not read, or a 5xx that does not say "nothing happened".
    if write:
        return Verdict.RETRY, f"{reason}; {_WILL_READ}", None, True
    return Verdict.RETRY, reason, exc.retry_after, False
