"""The sweeper: nothing accepted is lost, and no job waits on a dead worker.

Every ``SWEEP_INTERVAL`` seconds one worker (a Redis lock elects it):

1. recovers ``running`` jobs whose worker's liveness key expired, or that
   have run past ``JOB_TIMEOUT`` (the worker lives but lost track of it):
   see :func:`app.jobs.lifecycle.release` (retry on the job's schedule, ``failed``
   when its retries are spent, ``needs_review`` if a POST went unanswered);
2. enqueues ``queued``/``retrying`` jobs that are due but have no RQ job
   (Redis was down at ingest, or lost its data);
3. does the same for pending callback events;
4. moves delayed RQ jobs that are overdue onto their queues. RQ's scheduler
   normally does this, but its lock outlives a killed worker, and the other
   workers only try to take it over at RQ's ten-minute maintenance pass.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from rq.exceptions import NoSuchJobError
from rq.job import Job as RQJob
from rq.serializers import JSONSerializer
from sqlalchemy import or_, select

from ..db import get_db
from ..models import RUNNABLE_STATUSES, CallbackEvent, EventStatus, Job, JobStatus, utcnow
from ..queues import (
    enqueue_event,
    enqueue_job,
    origin_queue,
    queue,
    queue_names,
    rq_job_id,
)
from ..redis_conn import get_redis, key
from . import liveness
from .lifecycle import release

log = logging.getLogger(__name__)

BATCH = 500


@dataclass
class SweepReport:
    recovered: list[str] = field(default_factory=list)
    to_review: list[str] = field(default_factory=list)
    enqueued: list[str] = field(default_factory=list)
    events_enqueued: list[str] = field(default_factory=list)
    rescheduled: list[str] = field(default_factory=list)


def sweep_once(*, force: bool = False) -> SweepReport | None:
    """One pass; ``None`` when another worker holds the lock. Redis or SQL being down
    raises: the worker's sweeper thread says so once per outage, not once per round."""
    interval = current_app.config["SWEEP_INTERVAL"]
    redis = get_redis()
    lock = key("sweeper")
    if not force and not redis.set(lock, liveness.worker_id(), nx=True, ex=max(1, interval)):
        return None
    report = SweepReport()
    _move_overdue_scheduled(report, grace=interval * 2)
    _recover_dead(report)
    _enqueue_stranded(report, grace=timedelta(seconds=interval))
    _enqueue_stranded_events(report, grace=timedelta(seconds=interval))
    if any(vars(report).values()):
        log.info("sweeper: %s", report)
    return report


def _move_overdue_scheduled(report: SweepReport, grace: float) -> None:
    """Enqueue delayed RQ jobs more than ``grace`` seconds overdue. Enqueue and removal
    go in one transaction, so the job is never in neither place; a copy that RQ's own
    scheduler also enqueues finds its job claimed (the SQL claim lets one run)."""
    cutoff = int(time.time() - grace)
    redis = get_redis()
    for name in queue_names():
        q = queue(name)
        registry = q.scheduled_job_registry
        for rq_id in registry.get_jobs_to_schedule(cutoff):
            job = q.fetch_job(rq_id)
            with redis.pipeline() as pipe:
                if job is not None:
                    q.enqueue_job(job, pipeline=pipe)
                registry.remove(rq_id, pipeline=pipe)
                pipe.execute()
            if job is not None:
                report.rescheduled.append(rq_id)


def _rq_alive(rq_id: str) -> bool:
    """Will RQ run this job on its own? Its status alone can lie (a job hash says
    "scheduled" after it fell out of the registry), so look where the status says it is,
    in the queue it was put on (a shard, or the unsharded queue of an earlier version)."""
    try:
        job = RQJob.fetch(rq_id, connection=get_redis(), serializer=JSONSerializer)
    except NoSuchJobError:
        return False
    raw = job.get_status(refresh=False)
    status = str(getattr(raw, "value", raw))
    q = origin_queue(job.origin)
    if status == "scheduled":
        return get_redis().zscore(q.scheduled_job_registry.key, rq_id) is not None
    if status == "queued":
        return q.get_job_position(rq_id) is not None
    return status in ("started", "deferred")


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
        alive = worker is not None and liveness.alive(redis, worker)
        if alive and updated_at > overdue:
            continue
        why = "the attempt ran past JOB_TIMEOUT" if alive else "the worker stopped mid-attempt"
        _recover(job_id, worker, attempt, why, report)


def _recover(job_id: str, worker: str | None, attempt: int, why: str, report: SweepReport) -> None:
    status = release(job_id, worker, attempt, why)
    if status == JobStatus.NEEDS_REVIEW:
        report.to_review.append(job_id)
    elif status is not None:
        report.recovered.append(job_id)


def _enqueue_stranded(report: SweepReport, grace: timedelta) -> None:
    cutoff = utcnow() - grace
    with get_db().session() as s:
        rows = s.execute(
            select(Job.id, Job.attempts_made, Job.connection_id)
            .where(
                Job.status.in_(RUNNABLE_STATUSES),
                Job.created_at <= cutoff,
                or_(Job.next_attempt_at.is_(None), Job.next_attempt_at <= cutoff),
            )
            .order_by(Job.id)
            .limit(BATCH)
        ).all()
    for job_id, attempts, connection_id in rows:
        if not _rq_alive(rq_job_id(job_id, attempts)) and enqueue_job(
            job_id, attempt=attempts, connection_id=connection_id
        ):
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
