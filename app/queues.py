"""RQ queues and the two enqueue helpers. Jobs carry ids only (JSON serializer).

``relay`` runs jobs against Esqase; ``callbacks`` delivers signed callbacks.
Every enqueue may fail when Redis is down: callers treat that as "the
sweeper will enqueue it later", never as a lost job.
"""

from __future__ import annotations

import logging
import math
import time
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


def queue(name: str, app: Flask | None = None) -> Queue:
    """``name`` is RELAY_QUEUE or CALLBACK_QUEUE; QUEUE_PREFIX namespaces it in a shared Redis."""
    app = app or current_app
    return Queue(
        app.config["QUEUE_PREFIX"] + name,
        connection=get_redis(app),
        serializer=JSONSerializer,
        default_timeout=app.config["JOB_TIMEOUT"],
    )


def rq_job_id(job_id: str, attempt: int) -> str:
    """One RQ job per attempt: a retry must not overwrite the RQ job that schedules it."""
    return job_id if attempt == 0 else f"{job_id}-{attempt}"


def enqueue_job(job_id: str, attempt: int = 0, delay: float = 0, rq_id: str | None = None) -> bool:
    return _enqueue(RELAY_QUEUE, RUN_JOB, job_id, rq_id or rq_job_id(job_id, attempt), delay)


def enqueue_event(event_id: str, attempt: int = 0, delay: float = 0) -> bool:
    return _enqueue(
        CALLBACK_QUEUE,
        DELIVER,
        event_id,
        rq_job_id(event_id, attempt),
        delay,
        timeout=callback_job_timeout(current_app),
    )


def callback_job_timeout(app: Flask) -> int:
    """A wall-clock bound on one delivery. httpx's timeouts are per read, so a receiver
    that drips one byte a second could hold a worker for ever; RQ's job timeout cannot
    be outwaited."""
    return int(float(app.config["CALLBACK_TIMEOUT"]) * 3 + 10)


def _enqueue(
    name: str, func: str, arg: str, rq_id: str, delay: float, timeout: int | None = None
) -> bool:
    try:
        q = queue(name)
        kwargs: dict[str, object] = {
            "job_id": rq_id,
            "result_ttl": 3600,
            "failure_ttl": 7 * 86400,
        }
        if timeout is not None:
            kwargs["job_timeout"] = timeout
        if delay > 0:
            # RQ's scheduler keeps whole seconds and would round a time down: round up, so
            # a retry never runs sooner than the Retry-After it honours.
            when = datetime.fromtimestamp(math.ceil(time.time() + delay), UTC)
            q.enqueue_at(when, func, arg, **kwargs)
        else:
            q.enqueue(func, arg, **kwargs)
        return True
    except (RedisError, OSError) as exc:
        log.warning("could not enqueue %s on %s (%s); the sweeper will retry", arg, name, exc)
        return False
