"""Handing back the attempts a worker lost to a database outage, as soon as it can.

The sweeper takes back a live worker's job only after ``JOB_TIMEOUT``; the worker
itself knows sooner, between two jobs, that the attempts SQL still shows as its own
are attempts whose end it could not record.
"""

from __future__ import annotations

from sqlalchemy import select

from ..db import get_db
from ..models import AttemptOutcome, Job, JobStatus
from . import liveness
from .lifecycle import release


def hand_back_lost_attempts() -> list[str]:
    """Release the jobs SQL says this worker is running. Called between jobs, when it runs
    none: each is an attempt whose end could not be recorded (SQL was down, and so was the
    runner's own release). The sweeper would wait for ``JOB_TIMEOUT`` before taking back
    a job of a live worker; its owner knows sooner."""
    me = liveness.worker_id()
    with get_db().session() as s:
        lost = s.execute(
            select(Job.id, Job.attempts_made).where(
                Job.status == JobStatus.RUNNING, Job.worker == me
            )
        ).all()
    why = "the database was unreachable during the attempt"
    return [
        job_id
        for job_id, attempt in lost
        if release(job_id, me, attempt, why, code=AttemptOutcome.ATTEMPT_LOST) is not None
    ]
