"""Which RQ worker class runs relay jobs: SimpleWorker (in process) or Worker (fork per job).

Each round ingests the same number of real jobs (practice-areas.create
against the sandbox over HTTP) and times a burst worker draining them. The
baseline is SimpleWorker in the same process; figures are ratios to it.
"""

from __future__ import annotations

import statistics
import time

from rq import SimpleWorker, Worker
from rq.serializers import JSONSerializer

from app.queues import CALLBACK_QUEUE, RELAY_QUEUE, queue
from app.redis_conn import get_redis

from .env import relay

JOBS = 150
ROUNDS = 3


def drain_seconds(bench, path: str, worker_class: type[Worker]) -> float:
    client = bench.app.test_client()
    for i in range(JOBS):
        assert client.post(path, json={"name": f"Area {i}"}).status_code == 202
    worker = worker_class(
        [queue(RELAY_QUEUE), queue(CALLBACK_QUEUE)],
        connection=get_redis(),
        serializer=JSONSerializer,
    )
    before = _succeeded()
    started = time.perf_counter()
    worker.work(burst=True, logging_level="ERROR")
    elapsed = time.perf_counter() - started
    done = _succeeded() - before
    if done != JOBS:  # a fast wrong answer is no answer
        raise SystemExit(f"{worker_class.__name__}: {done} of {JOBS} jobs succeeded")
    return elapsed


def _succeeded() -> int:
    from sqlalchemy import func, select

    from app.db import session
    from app.models import Job, JobStatus

    with session() as s:
        return int(s.scalar(select(func.count()).where(Job.status == JobStatus.SUCCEEDED)) or 0)


def main() -> None:
    with relay() as bench:
        path = bench.hook("practice-areas.create")
        drain_seconds(bench, path, SimpleWorker)  # warm-up: imports, pools, schema cache
        results: dict[str, list[float]] = {"SimpleWorker": [], "Worker": []}
        for _ in range(ROUNDS):
            results["SimpleWorker"].append(drain_seconds(bench, path, SimpleWorker))
            results["Worker"].append(drain_seconds(bench, path, Worker))
    base = statistics.median(results["SimpleWorker"])
    print(f"worker class: {JOBS} jobs per round, median of {ROUNDS} rounds")
    print("  baseline SimpleWorker = 1.00 (time to drain)")
    for name, times in results.items():
        ratio = statistics.median(times) / base
        print(f"  {name:<13} time x{ratio:5.2f}   throughput x{1 / ratio:5.2f}")
