"""Taking a ``running`` job back from an attempt that will never finish.

Used by the sweeper (the worker died, or the job outlived ``JOB_TIMEOUT``)
and by the runner itself (its own bookkeeping failed after the claim). The
lost attempt is judged by what it had sent: a POST noted as sent without an
answer may have created a record, so a person decides; anything else is
retried on the job's schedule, and a job that keeps losing its worker runs
out of retries like any other.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from actions import unanswered

from ..db import get_db
from ..models import Attempt, Job, JobStatus, attempt_in_flight, utcnow
from ..queues import enqueue_job
from . import events
from .outcome import Verdict, is_write, retry_or_give_up


def release(
    job_id: str, worker: str | None, attempt: int, why: str, code: str = "worker_lost"
) -> JobStatus | None:
    """Move the job out of ``running``; ``None`` if someone else already did, or if the
    worker has moved on to a later attempt of it since ``attempt`` was read."""
    now = utcnow()
    with get_db().session() as s:
        row = s.scalar(select(Attempt).where(Attempt.job_id == job_id, Attempt.number == attempt))
        calls: list[dict[str, Any]] = (row.calls if row else None) or []
        job = s.get(Job, job_id)
        if job is None:
            return None
        values: dict[str, Any]
        if any(is_write(c["method"]) and unanswered(c) for c in calls):
            error = {
                "code": code,
                "message": f"{why} after sending a create and before its answer; check "
                "Esqase for the record, then retry or cancel this job",
                "details": [],
            }
            values = {"status": JobStatus.NEEDS_REVIEW, "error": error, "finished_at": now}
            delay = 0.0
        else:
            outcome = retry_or_give_up(
                why, attempt - job.budget_start, current_app.config["RETRY_SCHEDULE"]
            )
            error = {"code": code, "message": outcome.reason, "details": []}
            delay = outcome.delay
            if outcome.verdict is Verdict.RETRY:
                values = {
                    "status": JobStatus.RETRYING,
                    "error": error,
                    "next_attempt_at": now + timedelta(seconds=delay),
                }
            else:
                values = {"status": JobStatus.FAILED, "error": error, "finished_at": now}
        moved = s.execute(
            update(Job).where(*attempt_in_flight(job_id, worker, attempt)).values(**values)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            return None
        if row is not None and row.finished_at is None:
            row.finished_at, row.outcome, row.error = now, code, error
        s.flush()
        s.refresh(job)
        event_ids = events.record_for(s, job)
    status = JobStatus(values["status"])
    if status == JobStatus.RETRYING:
        enqueue_job(job_id, attempt=attempt, delay=delay)
    events.after_commit(job_id, event_ids, final=status != JobStatus.RETRYING)
    return status
