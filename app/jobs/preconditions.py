"""What must hold before a job moves: checked in the same statement or transaction.

An attempt's writes are conditional on it still owning its job; a person's
decision starts from the status the job was read in, and a job in any other
status gets a 409 that says which statuses the decision applies to.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..errors import Conflict, NotFound
from ..ids import looks_like_id
from ..models import Job, JobStatus
from .claims import Claim


def attempt_in_flight(claim: Claim) -> tuple[Any, ...]:
    """WHERE clauses for "this attempt still owns its job"."""
    return (
        Job.id == claim.job_id,
        Job.status == JobStatus.RUNNING,
        Job.worker == claim.worker,
        Job.attempts_made == claim.attempt,
    )


def current(s: Session, job_id: str, allowed: tuple[JobStatus, ...], verb: str, code: str) -> Job:
    """The job as it is now, if a decision that applies to ``allowed`` may be made on it."""
    job = s.get(Job, job_id) if looks_like_id(job_id) else None
    if job is None:
        raise NotFound(f"No job with id {job_id!r}.", code="job_not_found")
    if job.status not in allowed:
        hint = " Wait for this attempt to end." if job.status == JobStatus.RUNNING else ""
        only = ", ".join(allowed)
        raise Conflict(
            f"A {job.status} job cannot be {verb}; only {only} jobs can.{hint}", code=code
        )
    return job
