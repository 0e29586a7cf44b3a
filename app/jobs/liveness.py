"""Worker liveness: a Redis key per worker process that expires when the process dies.

The sweeper recovers a ``running`` job whose worker's key is gone, so a
killed worker's job resumes within ``WORKER_TTL`` + ``SWEEP_INTERVAL``
seconds rather than RQ's ten-minute maintenance pass.
"""

from __future__ import annotations

import os
import socket

from redis import Redis
from redis.exceptions import RedisError

from ..redis_conn import key


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _key(who: str) -> str:
    return key("alive", who)


def beat(redis: Redis, ttl: int, who: str | None = None) -> None:
    try:
        redis.set(_key(who or worker_id()), "1", ex=max(1, ttl))
    except RedisError:
        pass  # the next beat tries again; liveness is advisory


def alive(redis: Redis, who: str) -> bool:
    return bool(redis.exists(_key(who)))
