"""The outcome table of DESIGN.md as one pure function.

==============================  =====================  ======================
what happened                   idempotent call        create (POST)
==============================  =====================  ======================
2xx                             succeeded              succeeded
400 401 403 404 422             failed                 failed
429                             retry (Retry-After)    retry (Retry-After)
connect error (not sent)        retry                  retry
503                             retry                  retry
500 502 504, read timeout       retry                  needs_review
retries exhausted               failed                 failed
==============================  =====================  ======================

The row is chosen by the HTTP method of the call that failed, not by the
action: inside a composite action a GET that times out is safe to repeat
while a POST is not.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from actions import ActionFailed
from app.esqase import ApiError, EsqaseError, NotSent, SentNoAnswer


class Verdict(enum.StrEnum):
    SUCCEEDED = "succeeded"
    RETRY = "retry"
    FAILED = "failed"
    NEEDS_REVIEW = "needs_review"


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    reason: str
    delay: float = 0.0
    # 401/403: the key itself is wrong; mark the connection so a person sees it.
    flag_connection: bool = False


PERMANENT = {400, 401, 403, 404, 409, 410, 422}
ALWAYS_RETRY = {429, 503}
MAYBE_APPLIED = {500, 502, 504}


def is_write(method: str) -> bool:
    """Only POST can duplicate a record; PATCH/DELETE/GET repeat harmlessly."""
    return method.upper() == "POST"


def classify(exc: BaseException | None, attempt: int, schedule: tuple[int, ...]) -> Outcome:
    """``attempt`` is 1-based; ``schedule[i]`` is the wait before retry i+1."""
    if exc is None:
        return Outcome(Verdict.SUCCEEDED, "ok")
    if isinstance(exc, ActionFailed):
        return Outcome(Verdict.FAILED, exc.message)

    retryable, review, reason, retry_after = _judge(exc)
    if review:
        return Outcome(Verdict.NEEDS_REVIEW, reason)
    if not retryable:
        flag = isinstance(exc, ApiError) and exc.status in (401, 403)
        return Outcome(Verdict.FAILED, reason, flag_connection=flag)
    if attempt > len(schedule):
        return Outcome(Verdict.FAILED, f"{reason}; gave up after {attempt} attempts")
    delay = max(float(schedule[attempt - 1]), retry_after or 0.0)
    return Outcome(Verdict.RETRY, reason, delay=delay)


def _judge(exc: BaseException) -> tuple[bool, bool, str, float | None]:
    """-> (retryable, needs_review, reason, retry_after)."""
    if isinstance(exc, NotSent):
        return True, False, f"could not reach Esqase: {exc}", None
    if isinstance(exc, SentNoAnswer):
        if is_write(exc.method):
            return False, True, f"no answer to a create, it may have happened: {exc}", None
        return True, False, f"no answer from Esqase: {exc}", None
    if isinstance(exc, ApiError):
        status = exc.status
        reason = f"Esqase answered {status}: {exc.message}"
        if status in ALWAYS_RETRY:
            return True, False, reason, exc.retry_after
        if status in MAYBE_APPLIED and is_write(exc.method):
            return False, True, f"{reason} to a create; it may have happened", None
        if status in PERMANENT or 400 <= status < 500:
            return False, False, reason, None
        return True, False, reason, exc.retry_after
    if isinstance(exc, EsqaseError):
        return True, False, str(exc), None
    # A bug of ours, mid-action: whether anything happened upstream is unknown.
    return False, True, f"internal error in the relay: {type(exc).__name__}", None
