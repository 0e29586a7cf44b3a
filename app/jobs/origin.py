"""What a claim reads besides its job: where the job came from and where it goes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Connection, Hook, Job


def origin(s: Session, job: Job) -> tuple[Hook | None, Connection | None]:
    """The job's hook (its callback settings, for the event :func:`~app.jobs.lifecycle.finish`
    records) and the job's connection, in one SELECT. The job's own connection: its hook
    may have moved to another since."""
    query = select(Hook, Connection).outerjoin(Connection, Connection.id == job.connection_id)
    row = s.execute(query.where(Hook.id == job.hook_id)).one_or_none()
    if row is not None:
        return row[0], row[1]
    return None, s.get(Connection, job.connection_id) if job.connection_id else None
