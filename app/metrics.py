"""Prometheus metrics: what an operator watches first.

Two kinds, because the relay runs as many processes on many hosts:

- **Counters** of what one process did (deliveries received, job attempts, callback
  deliveries). Each process counts its own. Under gunicorn, several worker processes
  answer /metrics in turn, so ``serve`` runs prometheus-client's multiprocess mode when
  ``PROMETHEUS_MULTIPROC_DIR`` is set: each process writes its counters to files there,
  /metrics sums every file, and the gunicorn config (:mod:`app.gunicorn_config`) empties
  the folder at start and marks an exited worker dead. Job and callback counters grow
  in RQ worker processes, which serve them on their own ``--metrics-port``.
- **State** read from SQL and Redis at scrape time (:class:`StateCollector`): jobs
  waiting, running or needing review, queue depth, registered workers, the oldest job
  past due. These are the same from every web process on every host (take ``max``, not
  ``sum``, across them), and they are what an alert should watch: a counter cannot say
  that 40 jobs wait for a person.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from datetime import datetime

from flask import Flask, Response, current_app
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric

log = logging.getLogger(__name__)

INGESTED = Counter(
    "relay_ingest_total", "Deliveries received at hook URLs, by answer", ["action", "outcome"]
)
JOBS = Counter(
    "relay_job_attempts_total", "Job attempts, by resulting status", ["action", "status"]
)
CALLBACKS = Counter("relay_callback_deliveries_total", "Callback deliveries, by result", ["ok"])

# Statuses that are few at any moment and say whether the relay keeps up. Final statuses
# grow without end; counting them at every scrape would scan the whole history.
WATCHED = ("queued", "running", "retrying", "needs_review")


def ingested(action: str, outcome: str) -> None:
    INGESTED.labels(action=action, outcome=outcome).inc()


def job_outcome(action: str, status: str) -> None:
    JOBS.labels(action=action, status=status).inc()


def callback_delivered(ok: bool) -> None:
    CALLBACKS.labels(ok=str(ok).lower()).inc()


class StateCollector:
    """Gauges computed from SQL and Redis when scraped. A part that does not answer is
    reported as ``relay_state_up{part=...} 0`` and its gauges are left out, rather than
    failing the whole scrape (the counters still matter during an outage)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "relay_state_up", "Whether the state gauges could be read, by part", labels=["part"]
        )
        for part, read in (("database", self._database), ("redis", self._redis)):
            try:
                families = list(read())
            except Exception as exc:  # noqa: BLE001 - an outage is a value here, not an error
                log.warning("metrics: %s did not answer (%s)", part, type(exc).__name__)
                up.add_metric([part], 0)
                continue
            up.add_metric([part], 1)
            yield from families
        yield up

    def _database(self) -> Iterator[Metric]:
        from sqlalchemy import func, select

        from .db import session
        from .models import Job, JobStatus, utcnow

        with self.app.app_context(), session() as s:
            counts = dict(
                s.execute(
                    select(Job.status, func.count())
                    .where(Job.status.in_(WATCHED))
                    .group_by(Job.status)
                ).all()
            )
            due: datetime | None = s.scalar(
                select(func.min(Job.next_attempt_at)).where(
                    Job.status.in_((JobStatus.QUEUED, JobStatus.RETRYING)),
                    Job.next_attempt_at <= utcnow(),
                )
            )
            now = utcnow()
        jobs = GaugeMetricFamily(
            "relay_jobs", "Jobs now in each unfinished status", labels=["status"]
        )
        for status in WATCHED:
            jobs.add_metric([status], counts.get(status, 0))
        yield jobs
        if due is not None and due.tzinfo is None:
            due = due.replace(tzinfo=now.tzinfo)
        lag = (now - due).total_seconds() if due is not None else 0.0
        yield GaugeMetricFamily(
            "relay_oldest_due_job_seconds",
            "How long the oldest queued or retrying job has been due (0: none is waiting)",
            value=max(0.0, lag),
        )

    def _redis(self) -> Iterator[Metric]:
        from rq import Worker
        from rq.registry import ScheduledJobRegistry

        from .queues import CALLBACK_QUEUE, RELAY_QUEUE, queue, relay_queue_names

        with self.app.app_context():
            depth = GaugeMetricFamily(
                "relay_queue_depth", "RQ jobs waiting in each queue now", labels=["queue"]
            )
            scheduled = GaugeMetricFamily(
                "relay_queue_scheduled",
                "RQ jobs scheduled for later (retries, Retry-After) in each queue",
                labels=["queue"],
            )
            workers = 0
            # The relay's shards add up to one "relay" figure (app.queues).
            shards = {RELAY_QUEUE: relay_queue_names(), CALLBACK_QUEUE: [CALLBACK_QUEUE]}
            for name, names in shards.items():
                qs = [queue(n) for n in names]
                depth.add_metric([name], sum(q.count for q in qs))
                scheduled.add_metric([name], sum(ScheduledJobRegistry(queue=q).count for q in qs))
                if name == RELAY_QUEUE:
                    workers = Worker.count(queue=queue(RELAY_QUEUE))
        yield depth
        yield scheduled
        yield GaugeMetricFamily(
            "relay_workers", "Worker processes registered on the relay queue", value=workers
        )


def exposition(app: Flask) -> bytes:
    """This process's counters (or, in multiprocess mode, every process's), then state."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counters = CollectorRegistry()
        multiprocess.MultiProcessCollector(counters)
        text = generate_latest(counters)
    else:
        text = generate_latest()
    state = CollectorRegistry(auto_describe=False)
    state.register(StateCollector(app))
    return text + generate_latest(state)


def init_app(app: Flask) -> None:
    @app.get("/metrics")
    def metrics() -> Response:
        return Response(
            exposition(current_app._get_current_object()),  # type: ignore[attr-defined]
            mimetype=CONTENT_TYPE_LATEST,
        )
