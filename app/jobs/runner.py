"""One attempt of one job: claim it, call Esqase, record what happened, decide what's next.

The claim is a conditional UPDATE (``queued``/``retrying`` and due ->
``running``): RQ may deliver a job twice or early, and such a delivery does
nothing. Before a POST leaves, the attempt checks that it still owns the job
and notes the POST in its row, in one transaction: an attempt the sweeper
took back never sends, and if this process dies the sweeper knows whether a
create may have happened.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_, select, update

from actions import ActionFailed, Context, get_action
from app.esqase import ApiError, Call, EsqaseClient, EsqaseError

from .. import metrics, ratelimit
from ..db import get_db
from ..http import esqase_http
from ..models import (
    RUNNABLE_STATUSES,
    Attempt,
    Connection,
    ConnectionStatus,
    Job,
    JobStatus,
    attempt_in_flight,
    utcnow,
)
from ..queues import enqueue_job
from ..redis_conn import get_redis, key
from ..vault import VaultError, get_vault
from . import events, liveness
from .outcome import Outcome, Verdict, classify, is_write
from .recovery import release

log = logging.getLogger(__name__)

# Machines' clocks differ a little; RQ's scheduler rounds due times up to whole seconds.
CLOCK_SLACK = 1.0

VERDICT_STATUS = {
    Verdict.SUCCEEDED: JobStatus.SUCCEEDED,
    Verdict.RETRY: JobStatus.RETRYING,
    Verdict.FAILED: JobStatus.FAILED,
    Verdict.NEEDS_REVIEW: JobStatus.NEEDS_REVIEW,
}


@dataclass
class Claim:
    job_id: str
    attempt: int
    worker: str
    # 1-based position within the current retry budget (a manual retry starts a new one).
    budget_attempt: int = 1


def run_job(job_id: str) -> str:
    """RQ entry: returns the job's status after this attempt (or why nothing ran)."""
    db = get_db()
    with db.session() as s:
        job = s.get(Job, job_id)
        if job is None:
            return "missing"
        if job.status not in RUNNABLE_STATUSES:
            return f"skipped:{job.status}"
        if job.next_attempt_at and job.next_attempt_at > utcnow() + timedelta(seconds=CLOCK_SLACK):
            return "skipped:not_due"
        conn = s.get(Connection, job.connection_id) if job.connection_id else None

    delay = _rate_limited(conn)
    if delay:
        _postpone(job_id, delay)
        return "rate_limited"

    claim = _claim(job_id)
    if claim is None:
        return "skipped:claimed"
    liveness.beat(get_redis(), current_app.config["WORKER_TTL"])
    try:
        return _attempt(claim, job, conn)
    except BaseException:
        # Our own bookkeeping failed after the claim (SQL down, RQ's timeout mid-write):
        # hand the job back now rather than leave it "running" behind a live worker.
        log.exception("job %s: attempt %s could not be recorded", job_id, claim.attempt)
        try:
            release(
                job_id,
                claim.worker,
                claim.attempt,
                "the attempt could not be recorded",
                code="attempt_lost",
            )
        except Exception:  # noqa: BLE001 - the sweeper's overdue pass is the last resort
            log.exception("job %s: could not release it either", job_id)
        raise


def _rate_limited(conn: Connection | None) -> float:
    if conn is None or not conn.rate_limit_per_minute:
        return 0.0
    decision = ratelimit.hit(get_redis(), key("rl", "con", conn.id), conn.rate_limit_per_minute)
    return 0.0 if decision.allowed else decision.retry_after


def _postpone(job_id: str, delay: float) -> None:
    """Over the connection's own limit: wait, without spending one of the job's attempts."""
    with get_db().session() as s:
        s.execute(
            update(Job)
            .where(Job.id == job_id, Job.status.in_(RUNNABLE_STATUSES))
            .values(status=JobStatus.RETRYING, next_attempt_at=utcnow() + timedelta(seconds=delay))
        )
    # A distinct RQ id: the RQ job running now must not be overwritten.
    enqueue_job(job_id, delay=delay, rq_id=f"{job_id}-wait{time.time_ns()}")


def _claim(job_id: str) -> Claim | None:
    """Only a runnable job whose time has come: an extra or early copy of its RQ job
    (a sweeper's re-enqueue, a manual retry's) must not skip the backoff."""
    worker = liveness.worker_id()
    due = utcnow() + timedelta(seconds=CLOCK_SLACK)
    with get_db().session() as s:
        result = s.execute(
            update(Job)
            .where(
                Job.id == job_id,
                Job.status.in_(RUNNABLE_STATUSES),
                or_(Job.next_attempt_at.is_(None), Job.next_attempt_at <= due),
            )
            .values(
                status=JobStatus.RUNNING,
                worker=worker,
                attempts_made=Job.attempts_made + 1,
                next_attempt_at=None,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        number, start = s.execute(
            select(Job.attempts_made, Job.budget_start).where(Job.id == job_id)
        ).one()
        s.add(Attempt(job_id=job_id, number=number, worker=worker, calls=[]))
    return Claim(job_id, number, worker, budget_attempt=number - start)


def _prior_calls(claim: Claim) -> list[dict[str, Any]]:
    if claim.attempt == 1:
        return []
    with get_db().session() as s:
        prior = s.scalars(
            select(Attempt.calls).where(
                Attempt.job_id == claim.job_id, Attempt.number < claim.attempt
            )
        )
        return [call for calls in prior for call in (calls or [])]


def _attempt(claim: Claim, job: Job, conn: Connection | None) -> str:
    """``job`` and ``conn`` are the rows read just before the claim: the claim changes
    neither the input, the checkpoint nor the connection, so they are not read again."""
    app = current_app
    data = dict(job.input or {})
    steps = dict(job.checkpoint or {})
    action_name = job.action
    prior_calls = _prior_calls(claim)

    calls: list[dict[str, Any]] = []
    exc: BaseException | None = None
    result: dict[str, Any] | None = None
    try:
        if conn is None or conn.deleted_at is not None:
            raise ActionFailed(
                "the connection this hook uses was deleted", code="connection_deleted"
            )
        action = get_action(action_name)
        try:
            key = get_vault().decrypt(conn.api_key_encrypted)
        except VaultError as unreadable:
            raise ActionFailed(
                f"{unreadable}; give the connection its key again", code="connection_unreadable"
            ) from None
        client = EsqaseClient(
            conn.base_url,
            key,
            http=esqase_http(app),
            on_call=lambda call: calls.append(_call_dict(call)),
            on_send=lambda method, path: _note_send(claim, calls, method, path),
        )
        del key
        ctx = Context(
            client=client,
            attempt=claim.attempt,
            steps=steps,
            save_step=lambda name, value: _save_step(claim.job_id, name, value),
            prior_calls=prior_calls,
        )
        result = action.run(ctx, data)
    except Exception as error:  # noqa: BLE001 - classified below, never lost
        exc = error
        if not isinstance(error, (EsqaseError, ActionFailed)):
            log.exception("job %s: unexpected error in action %s", claim.job_id, action_name)

    outcome = _classify(exc, claim.budget_attempt)
    status = _finish(claim, outcome, exc, result, calls)
    metrics.job_outcome(action_name, status)
    return status


def _classify(exc: BaseException | None, attempt: int) -> Outcome:
    return classify(exc, attempt, current_app.config["RETRY_SCHEDULE"])


def _call_dict(call: Call) -> dict[str, Any]:
    return {
        "method": call.method,
        "path": call.path,
        "status": call.status,
        "duration_ms": call.duration_ms,
        "error": call.error,
        "sent": call.sent,
    }


class AttemptSuperseded(Exception):
    """This attempt no longer owns its job (the sweeper took it back): send nothing more."""


def _note_send(claim: Claim, calls: list[dict[str, Any]], method: str, path: str) -> None:
    """Before a POST leaves: check this attempt still owns the job, and persist "a POST
    is about to leave" so a lost attempt can be judged. Both in one transaction, so a
    sweeper cannot take the job back between the check and the send."""
    if not is_write(method):
        return
    pending = [*calls, {"method": method, "path": path, "status": None, "sent": True}]
    with get_db().session() as s:
        owned = s.execute(
            update(Job)
            .where(*attempt_in_flight(claim.job_id, claim.worker, claim.attempt))
            .values(updated_at=utcnow())
        )
        if owned.rowcount != 1:  # type: ignore[attr-defined]
            raise AttemptSuperseded(claim.job_id)
        s.execute(
            update(Attempt)
            .where(Attempt.job_id == claim.job_id, Attempt.number == claim.attempt)
            .values(calls=pending)
        )


def _save_step(job_id: str, name: str, value: Any) -> None:
    with get_db().session() as s:
        job = s.get(Job, job_id)
        if job is not None:
            job.checkpoint = {**(job.checkpoint or {}), name: value}


def error_body(exc: BaseException | None, outcome: Outcome) -> dict[str, Any] | None:
    if exc is None:
        return None
    # The relay's error shape everywhere: code, message, details.
    body: dict[str, Any] = {"code": outcome.verdict.value, "message": outcome.reason, "details": []}
    if isinstance(exc, ApiError):
        body.update(
            {
                "code": exc.code or f"esqase_{exc.status}",
                "status": exc.status,
                "details": exc.details,
            }
        )
    elif hasattr(exc, "code") and isinstance(exc.code, str):
        body["code"] = exc.code
    return body


def _finish(
    claim: Claim,
    outcome: Outcome,
    exc: BaseException | None,
    result: dict[str, Any] | None,
    calls: list[dict[str, Any]],
) -> str:
    status = VERDICT_STATUS[outcome.verdict]
    now = utcnow()
    values: dict[str, Any] = {"status": status, "error": error_body(exc, outcome)}
    if status == JobStatus.SUCCEEDED:
        values["result"] = result
    if status == JobStatus.RETRYING:
        values["next_attempt_at"] = now + timedelta(seconds=outcome.delay)
    else:
        values["finished_at"] = now
    with get_db().session() as s:
        done = s.execute(
            update(Job)
            .where(*attempt_in_flight(claim.job_id, claim.worker, claim.attempt))
            .values(**values)
        )
        s.execute(
            update(Attempt)
            .where(Attempt.job_id == claim.job_id, Attempt.number == claim.attempt)
            .values(
                finished_at=now,
                outcome=outcome.verdict.value,
                error=values["error"],
                calls=calls,
            )
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            # Canceled, or recovered by the sweeper meanwhile: theirs is the last word.
            return "superseded"
        job = s.get(Job, claim.job_id)
        assert job is not None
        if outcome.flag_connection and job.connection_id:
            s.execute(
                update(Connection)
                .where(Connection.id == job.connection_id)
                .values(status=ConnectionStatus.AUTH_FAILED, last_error=outcome.reason)
            )
        event_ids = events.record_for(s, job)

    if status == JobStatus.RETRYING:
        enqueue_job(claim.job_id, attempt=claim.attempt, delay=outcome.delay)
    events.after_commit(claim.job_id, event_ids, final=status != JobStatus.RETRYING)
    return status.value
