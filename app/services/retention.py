"""Retention: finished jobs older than RELAY_RETENTION_DAYS are deleted with their history."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import FINAL_STATUSES, Attempt, CallbackEvent, Delivery, Job, utcnow


def purge(session: Session, days: int, batch: int = 1000) -> int:
    """Never touches queued, running, retrying or needs_review jobs: those await someone."""
    cutoff = utcnow() - timedelta(days=days)
    total = 0
    while True:
        ids = list(
            session.scalars(
                select(Job.id)
                .where(Job.status.in_(FINAL_STATUSES), Job.created_at < cutoff)
                .limit(batch)
            )
        )
        if not ids:
            return total
        events = select(CallbackEvent.id).where(CallbackEvent.job_id.in_(ids))
        session.execute(delete(Delivery).where(Delivery.event_id.in_(events)))
        session.execute(delete(CallbackEvent).where(CallbackEvent.job_id.in_(ids)))
        session.execute(delete(Attempt).where(Attempt.job_id.in_(ids)))
        session.execute(delete(Job).where(Job.id.in_(ids)))
        session.commit()
        total += len(ids)
