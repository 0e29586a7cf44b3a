"""RQ queues and the enqueue helpers. Jobs carry ids only (JSON serializer).

``relay.<n>`` run jobs against Esqase, one shard per slice of connections;
``callbacks`` delivers signed callbacks. A worker listens on every queue and
dequeues them round-robin (RQ's ``round_robin`` strategy: after a job from
one queue it looks at the next one first), so a backlog of thousands of jobs
on one connection's shard delays another connection's new job by about one
job per busy shard, not by the whole backlog. Connections whose ids hash to
the same shard share its order: :data:`SHARDS` is large enough to make that
rare, and it is a constant, so a web process and a worker can never disagree
on where a connection's jobs go. The unsharded ``relay`` queue of earlier
versions is still listened on, so jobs queued before an upgrade run.

Every enqueue may fail when Redis is down: callers treat that as "the
sweeper will enqueue it later", never as a lost job. What one transition
sets going is enqueued in one Redis pipeline (one round trip).
"""

from __future__ import annotations

import logging
import math
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, current_app
from redis.exceptions import RedisError
from rq import Queue
from rq.serializers import JSONSerializer

from .redis_conn import get_redis

log = logging.getLogger(__name__)

RELAY_QUEUE = "relay"
CALLBACK_QUEUE = "callbacks"
RUN_JOB = "app.jobs.tasks.run_job"
DELIVER = "app.jobs.tasks.deliver_event"
SHARDS = 16
"""Relay queue shards. Changing it moves connections between shards: jobs already
queued stay where they are and still run (the worker listens on every shard)."""


def relay_queue_for(connection_id: str | None) -> str:
    """The shard of a connection's jobs: a stable hash (not ``hash()``, which differs
    per process). A job without a connection goes to the unsharded queue."""
    if connection_id is None:
        return RELAY_QUEUE
    return f"{RELAY_QUEUE}.{zlib.crc32(connection_id.encode()) % SHARDS}"


def relay_queue_names() -> list[str]:
    return [*(f"{RELAY_QUEUE}.{n}" for n in range(SHARDS)), RELAY_QUEUE]


def queue_names() -> list[str]:
    """Every queue a worker listens on, in its first round-robin order."""
    return [*relay_queue_names(), CALLBACK_QUEUE]


def queue(name: str, app: Flask | None = None) -> Queue:
    """``name`` is one of :func:`queue_names`; QUEUE_PREFIX namespaces it in a shared Redis."""
    app = app or current_app
    return Queue(
        app.config["QUEUE_PREFIX"] + name,
        connection=get_redis(app),
        serializer=JSONSerializer,
        default_timeout=app.config["JOB_TIMEOUT"],
    )


def origin_queue(full_name: str, app: Flask | None = None) -> Queue:
    """A queue by the name RQ keeps in a job's ``origin`` (prefix included)."""
    app = app or current_app
    prefix = app.config["QUEUE_PREFIX"]
    return queue(full_name[len(prefix) :] if full_name.startswith(prefix) else full_name, app)


def rq_job_id(job_id: str, attempt: int) -> str:
    """One RQ job per attempt: a retry must not overwrite the RQ job that schedules it."""
    return job_id if attempt == 0 else f"{job_id}-{attempt}"


@dataclass(frozen=True)
class Enqueue:
    """One RQ job to put on a queue: what :func:`submit` sends in one pipeline."""

    queue: str
    func: str
    arg: str
    rq_id: str
    delay: float = 0.0
    timeout: int | None = None


def job_run(
    job_id: str,
    attempt: int = 0,
    delay: float = 0,
    rq_id: str | None = None,
    connection_id: str | None = None,
) -> Enqueue:
    """A run of a job, on its connection's shard."""
    name = relay_queue_for(connection_id)
    return Enqueue(name, RUN_JOB, job_id, rq_id or rq_job_id(job_id, attempt), delay)


def event_run(event_id: str, attempt: int = 0, delay: float = 0) -> Enqueue:
    timeout = callback_job_timeout(current_app)
    return Enqueue(CALLBACK_QUEUE, DELIVER, event_id, rq_job_id(event_id, attempt), delay, timeout)


def enqueue_job(
    job_id: str,
    attempt: int = 0,
    delay: float = 0,
    rq_id: str | None = None,
    connection_id: str | None = None,
) -> bool:
    return submit(job_run(job_id, attempt, delay, rq_id, connection_id))


def enqueue_event(event_id: str, attempt: int = 0, delay: float = 0) -> bool:
    return submit(event_run(event_id, attempt, delay))


def callback_job_timeout(app: Flask) -> int:
    """A wall-clock bound on one delivery. httpx's timeouts are per read, so a receiver
    that drips one byte a second could hold a worker for ever; RQ's job timeout cannot
    be outwaited."""
    return int(float(app.config["CALLBACK_TIMEOUT"]) * 3 + 10)


def submit(*items: Enqueue) -> bool:
    """Enqueue ``items`` in one Redis pipeline (a MULTI: all or none of them)."""
    if not items:
        return True
    try:
        with get_redis().pipeline() as pipe:
            for item in items:
                _add(pipe, item)
            pipe.execute()
        return True
    except (RedisError, OSError) as exc:
        what = ", ".join(f"{item.arg} on {item.queue}" for item in items)
        log.warning("could not enqueue %s (%s); the sweeper will retry", what, exc)
        return False


def _add(pipe: object, item: Enqueue) -> None:
    q = queue(item.queue)
    kwargs: dict[str, object] = {
        "job_id": item.rq_id,
        "result_ttl": 3600,
        "failure_ttl": 7 * 86400,
        "pipeline": pipe,
    }
    if item.timeout is not None:
        kwargs["job_timeout"] = item.timeout
    if item.delay > 0:
        # RQ's scheduler keeps whole seconds and would round a time down: round up, so
        # a retry never runs sooner than the Retry-After it honours.
        when = datetime.fromtimestamp(math.ceil(time.time() + item.delay), UTC)
        q.enqueue_at(when, item.func, item.arg, **kwargs)
    else:
        q.enqueue(item.func, item.arg, **kwargs)
