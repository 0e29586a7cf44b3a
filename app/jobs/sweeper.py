"""The sweeper: nothing accepted is lost, and no job waits on a dead worker.

Every ``SWEEP_INTERVAL`` seconds one worker (a Redis lock elects it):

1. recovers ``running`` jobs whose worker's liveness key expired, or that
   have run past ``JOB_TIMEOUT`` (the worker lives but lost track of it):
   back to ``retrying`` unless the lost attempt had sent a POST that never
   got an answer, in which case a create may have happened and a person
   decides (``needs_review``);
2. enqueues ``queued``/``retrying`` jobs that are due but have no RQ job
   (Redis was down at ingest, or lost its data);
3. does the same for pending callback events.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from redis.exceptions import RedisError
from rq.exceptions import NoSuchJobError
from rq.job import Job as RQJob
from rq.serializers import JSONSerializer
from sqlalchemy import or_, select, update

from ..db import get_db
from ..models import Attempt, CallbackEvent, EventStatus, Job, JobStatus, utcnow
from ..queues import enqueue_event, enqueue_job, rq_job_id
from ..redis_conn import get_redis, key
from . import events, liveness
from .outcome import is_write

log = logging.getLogger(__name__)

BATCH = 500
LIVE_RQ_STATES = {"queued", "scheduled", "started", "deferred"}


@dataclass
class SweepReport:
    recovered: list[str] = field(default_factory=list)
    to_review: list[str] = field(default_factory=list)
    enqueued: list[str] = field(default_factory=list)
    events_enqueued: list[str] = field(default_factory=list)


def sweep_once(*, force: bool = False) -> SweepReport | None:
    """One pass; ``None`` when another worker holds the lock (or Redis is down)."""
    interval = current_app.config["SWEEP_INTERVAL"]
    redis = get_redis()
    try:
        lock = key("sweeper")
        if not force and not redis.set(lock, liveness.worker_id(), nx=True, ex=max(1, interval)):
            return None
    except RedisError as exc:
        log.warning("sweeper: Redis unavailable (%s)", exc)
        return None
    report = SweepReport()
    _recover_dead(report)
    _enqueue_stranded(report, grace=timedelta(seconds=interval))
    _enqueue_stranded_events(report, grace=timedelta(seconds=interval))
    if report.recovered or report.to_review or report.enqueued or report.events_enqueued:
        log.info("sweeper: %s", report)
    return report


def _rq_alive(rq_id: str) -> bool:
    try:
        job = RQJob.fetch(rq_id, connection=get_redis(), serializer=JSONSerializer)
    except NoSuchJobError:
        return False
    status = job.get_status(refresh=False)
    return status is not None and str(getattr(status, "value", status)) in LIVE_RQ_STATES


def _recover_dead(report: SweepReport) -> None:
    redis = get_redis()
    cfg = current_app.config
    overdue = utcnow() - timedelta(seconds=cfg["JOB_TIMEOUT"] + cfg["WORKER_TTL"])
    with get_db().session() as s:
        running = s.execute(
            select(Job.id, Job.worker, Job.attempts_made, Job.updated_at)
            .where(Job.status == JobStatus.RUNNING)
            .limit(BATCH)
        ).all()
    for job_id, worker, attempt, updated_at in running:
        if worker and liveness.alive(redis, worker) and updated_at > overdue:
            continue
        _recover(job_id, worker, attempt, report)


def _recover(job_id: str, worker: str | None, attempt: int, report: SweepReport) -> None:
    now = utcnow()
    with get_db().session() as s:
        row = s.scalar(select(Attempt).where(Attempt.job_id == job_id, Attempt.number == attempt))
        calls = (row.calls if row else None) or []
        unanswered_write = any(is_write(c["method"]) and c.get("status") is None for c in calls)
        if unanswered_write:
            status = JobStatus.NEEDS_REVIEW
            error = {
                "code": "worker_lost",
                "message": "the worker stopped after sending a create and before its answer; "
                "check Esqase for the record, then retry or cancel this job",
            }
            values = {"status": status, "error": error, "finished_at": now}
        else:
            status = JobStatus.RETRYING
            error = {"code": "worker_lost", "message": "the worker stopped mid-attempt; retrying"}
            values = {"status": status, "error": error, "next_attempt_at": now}
        moved = s.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.RUNNING, Job.worker == worker)
            .values(**values)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            return
        if row is not None and row.finished_at is None:
            row.finished_at, row.outcome, row.error = now, "worker_lost", error
        job = s.get(Job, job_id)
        assert job is not None
        event_ids = events.record_for(s, job)
    if status == JobStatus.RETRYING:
        report.recovered.append(job_id)
        enqueue_job(job_id, attempt=attempt)
    else:
        report.to_review.append(job_id)
        events.after_commit(job_id, event_ids, final=True)


def _enqueue_stranded(report: SweepReport, grace: timedelta) -> None:
    cutoff = utcnow() - grace
    with get_db().session() as s:
        rows = s.execute(
            select(Job.id, Job.attempts_made)
            .where(
                Job.status.in_([JobStatus.QUEUED, JobStatus.RETRYING]),
                Job.created_at <= cutoff,
                or_(Job.next_attempt_at.is_(None), Job.next_attempt_at <= cutoff),
            )
            .order_by(Job.id)
            .limit(BATCH)
        ).all()
    for job_id, attempts in rows:
        if not _rq_alive(rq_job_id(job_id, attempts)) and enqueue_job(job_id, attempt=attempts):
            report.enqueued.append(job_id)


def _enqueue_stranded_events(report: SweepReport, grace: timedelta) -> None:
    cutoff = utcnow() - grace
    with get_db().session() as s:
        rows = s.execute(
            select(CallbackEvent.id, CallbackEvent.attempts_made)
            .where(
                CallbackEvent.status == EventStatus.PENDING,
                CallbackEvent.created_at <= cutoff,
                or_(
                    CallbackEvent.next_attempt_at.is_(None),
                    CallbackEvent.next_attempt_at <= cutoff,
                ),
            )
            .limit(BATCH)
        ).all()
    for event_id, attempts in rows:
        if not _rq_alive(rq_job_id(event_id, attempts)) and enqueue_event(
            event_id, attempt=attempts
        ):
            report.events_enqueued.append(event_id)
