"""The RQ baselines the relay's worker is compared with, and the floor app's no-op job.

- ``noop``: what RQ itself costs per job (dequeue, run, record the result).
- ``one_call``: that plus the one HTTP call a relay job must make: one POST
  over a pooled ``httpx.Client`` to the same fake Esqase the relay calls.

``python -m bench.rqjobs REDIS_URL QUEUE`` drains ``QUEUE`` with a burst
``SimpleWorker``, the class and serializer the relay's worker uses.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import httpx

_http: httpx.Client | None = None


def noop() -> None:
    return None


def one_call(url: str, lead: dict[str, Any]) -> str:
    global _http
    if _http is None:
        _http = httpx.Client(timeout=httpx.Timeout(30.0, connect=5.0))
    response = _http.post(url, json=lead)
    response.raise_for_status()
    return str(response.json()["data"]["id"])


def enqueue(redis_url: str, queue: str, n: int, func: str, *args: Any) -> list[str]:
    """``n`` jobs in pipelined batches, so filling the queue takes no time worth noting."""
    from redis import Redis
    from rq import Queue
    from rq.serializers import JSONSerializer

    with Redis.from_url(redis_url) as redis:
        q = Queue(queue, connection=redis, serializer=JSONSerializer)
        ids: list[str] = []
        for start in range(0, n, 500):
            specs = [
                Queue.prepare_data(func, args=args, result_ttl=3600)
                for _ in range(start, min(n, start + 500))
            ]
            ids.extend(job.id for job in q.enqueue_many(specs))
        return ids


def ended_span(redis_url: str, ids: list[str]) -> tuple[int, float]:
    """(finished jobs, seconds from the first to the last one ending), from RQ's own records."""
    from redis import Redis
    from rq.job import Job, JobStatus
    from rq.serializers import JSONSerializer

    with Redis.from_url(redis_url) as redis:
        jobs = [j for j in Job.fetch_many(ids, connection=redis, serializer=JSONSerializer) if j]
        done = [j for j in jobs if j.get_status() == JobStatus.FINISHED and j.ended_at]
        if not done:
            return 0, 0.0
        ends = sorted(j.ended_at for j in done if j.ended_at)
        return len(done), (ends[-1] - ends[0]).total_seconds()


def main() -> None:
    from redis import Redis
    from rq import Queue, SimpleWorker
    from rq.serializers import JSONSerializer

    redis_url, queue = sys.argv[1], sys.argv[2]
    redis = Redis.from_url(redis_url)
    worker = SimpleWorker(
        [Queue(queue, connection=redis, serializer=JSONSerializer)],
        connection=redis,
        serializer=JSONSerializer,
    )
    started = time.monotonic()
    worker.work(burst=True, logging_level="INFO")  # as the relay's worker logs
    print(f"drained in {time.monotonic() - started:.2f} s")


if __name__ == "__main__":
    main()
