"""Prometheus metrics at /metrics: what an operator watches first.

Counters live in the default registry of each process; with several
gunicorn workers, run prometheus-client's multiprocess mode
(``PROMETHEUS_MULTIPROC_DIR``) as its docs describe.
"""

from __future__ import annotations

from flask import Flask, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest

INGESTED = Counter(
    "relay_ingest_total", "Deliveries received at hook URLs, by answer", ["action", "outcome"]
)
JOBS = Counter(
    "relay_job_attempts_total", "Job attempts, by resulting status", ["action", "status"]
)
CALLBACKS = Counter("relay_callback_deliveries_total", "Callback deliveries, by result", ["ok"])


def ingested(action: str, outcome: str) -> None:
    INGESTED.labels(action=action, outcome=outcome).inc()


def job_outcome(action: str, status: str) -> None:
    JOBS.labels(action=action, status=status).inc()


def callback_delivered(ok: bool) -> None:
    CALLBACKS.labels(ok=str(ok).lower()).inc()


def init_app(app: Flask) -> None:
    @app.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)
