"""Retention: jobs finished more than RELAY_RETENTION_DAYS ago are deleted with their history.

Only finished jobs go (rejected, succeeded, failed, canceled), judged by when
they *finished*: a job created long ago that a person retried yesterday is
recent history. Queued, running, retrying and needs_review jobs are never
touched: those await someone.

Deletion runs in batches of :data:`BATCH` jobs (with their attempts, callback
events and deliveries), committing after each, so on SQLite the single write
lock is never held for long while the web process and workers wait on it; there
the purge also pauses :data:`SQLITE_PAUSE` between batches, because SQLite's
busy handler polls: a writer that waits would otherwise keep missing the moment
between one batch's commit and the next batch's first DELETE. On PostgreSQL a
batch locks only its own rows (finished jobs nobody else writes), so it does not
pause. Each batch re-checks that its jobs are still finished and old inside the
deleting transaction (on PostgreSQL it also locks them), so a job retried while
a purge runs keeps its history.

Batches walk the primary key (ids sort by creation time) from where the last
one stopped, so no batch reads again what an earlier one deleted: with 600,000
jobs to purge, picking each batch anew from the start would read the dead rows
of every earlier batch before finding live ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Delete, delete, func, select
from sqlalchemy.orm import Session

from ..errors import BadRequest
from ..models import FINAL_STATUSES, Attempt, CallbackEvent, Delivery, Job, utcnow

BATCH = 1000
MAX_BATCH = 10_000
SQLITE_PAUSE = 0.05  # seconds between batches on SQLite, for writers waiting on the lock


@dataclass(frozen=True)
class Purged:
    """How many rows a purge deleted (or, in a dry run, would delete)."""

    jobs: int = 0
    attempts: int = 0
    callback_events: int = 0
    deliveries: int = 0

    def summary(self) -> str:
        return (
            f"{self.jobs} job(s), {self.attempts} attempt(s), "
            f"{self.callback_events} callback event(s) and {self.deliveries} delivery(ies)"
        )

    def __add__(self, other: Purged) -> Purged:
        return Purged(
            self.jobs + other.jobs,
            self.attempts + other.attempts,
            self.callback_events + other.callback_events,
            self.deliveries + other.deliveries,
        )


def purge(
    session: Session,
    days: int,
    *,
    batch: int = BATCH,
    dry_run: bool = False,
    progress: Callable[[Purged], None] | None = None,
    pause: float | None = None,
) -> Purged:
    """Delete (or with ``dry_run`` only count) jobs finished more than ``days`` days ago.

    ``progress`` is called with the running total after each committed batch;
    ``pause`` (seconds between batches) defaults to :data:`SQLITE_PAUSE` on SQLite
    and none elsewhere. Raises :class:`~app.errors.BadRequest` for ``days`` below 1
    ("0 days" would mean every finished job, which is never what retention means)
    and for a batch size outside 1 to :data:`MAX_BATCH`.
    """
    if days < 1:
        raise BadRequest(
            f"purge keeps the last days of history, so days must be 1 or more (got {days}); "
            "it deletes only jobs that finished longer ago than that",
            code="invalid_retention",
        )
    if not 1 <= batch <= MAX_BATCH:
        raise BadRequest(
            f"the batch size must be 1 to {MAX_BATCH:,} jobs (got {batch})",
            code="invalid_retention",
        )
    cutoff = utcnow() - timedelta(days=days)
    if dry_run:
        return _count(session, cutoff)
    if pause is None:
        pause = SQLITE_PAUSE if session.get_bind().dialect.name == "sqlite" else 0.0
    total, after = Purged(), ""
    while True:
        done = _delete_batch(session, cutoff, batch, after)
        if done is None:
            return total
        deleted, after = done
        total += deleted
        if progress is not None:
            progress(total)
        if pause:
            time.sleep(pause)


def _purgeable(cutoff: datetime) -> tuple[Any, ...]:
    return (Job.status.in_(FINAL_STATUSES), Job.finished_at < cutoff)


def _count(session: Session, cutoff: datetime) -> Purged:
    jobs = select(Job.id).where(*_purgeable(cutoff))
    events = select(CallbackEvent.id).where(CallbackEvent.job_id.in_(jobs))

    def rows(model: Any, *where: Any) -> int:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    return Purged(
        jobs=rows(Job, *_purgeable(cutoff)),
        attempts=rows(Attempt, Attempt.job_id.in_(jobs)),
        callback_events=rows(CallbackEvent, CallbackEvent.job_id.in_(jobs)),
        deliveries=rows(Delivery, Delivery.event_id.in_(events)),
    )


def _delete_batch(
    session: Session, cutoff: datetime, size: int, after: str
) -> tuple[Purged, str] | None:
    """One batch of the jobs after id ``after``, in one transaction, committed; with the
    last id it looked at. None when nothing is left to purge."""
    picked = list(
        session.scalars(
            select(Job.id)
            .where(Job.id > after, *_purgeable(cutoff))
            .order_by(Job.id)
            .limit(size)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has one writer anyway
        )
    )
    if not picked:
        return None
    # Re-checked in every statement: on SQLite the SELECT above ran outside the write
    # transaction, which only begins with the first DELETE. Children go first.
    jobs = select(Job.id).where(Job.id.in_(picked), *_purgeable(cutoff))
    events = select(CallbackEvent.id).where(CallbackEvent.job_id.in_(jobs))
    deliveries = _deleted(session, delete(Delivery).where(Delivery.event_id.in_(events)))
    callback_events = _deleted(session, delete(CallbackEvent).where(CallbackEvent.job_id.in_(jobs)))
    attempts = _deleted(session, delete(Attempt).where(Attempt.job_id.in_(jobs)))
    gone = _deleted(session, delete(Job).where(Job.id.in_(picked), *_purgeable(cutoff)))
    session.commit()
    return Purged(gone, attempts, callback_events, deliveries), picked[-1]


def _deleted(session: Session, statement: Delete) -> int:
    result = session.execute(statement)
    return int(result.rowcount)  # type: ignore[attr-defined]
