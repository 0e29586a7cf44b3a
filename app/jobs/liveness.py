"""Worker liveness: a Redis key per worker process that expires when the process dies.

The sweeper recovers a ``running`` job whose worker's key is gone, so a
killed worker's job resumes within ``WORKER_TTL`` + ``SWEEP_INTERVAL``
seconds rather than RQ's ten-minute maintenance pass.
"""

from __future__ import annotations

import os
import socket
import uuid

from redis import Redis
from redis.exceptions import RedisError

from ..redis_conn import key

_identity: tuple[int, str] | None = None


def worker_id() -> str:
    """Host, pid and a per-process nonce: a restarted container reuses pids (often 1),
    and the new process must not vouch for the dead one's jobs."""
    global _identity
    pid = os.getpid()
    if _identity is None or _identity[0] != pid:
        _identity = (pid, f"{socket.gethostname()}:{pid}:{uuid.uuid4().hex[:8]}")
    return _identity[1]


def _key(who: str) -> str:
    return key("alive", who)


def beat(redis: Redis, ttl: int, who: str | None = None) -> None:
    try:
        redis.set(_key(who or worker_id()), "1", ex=max(1, ttl))
    except RedisError:
        pass  # the next beat tries again; liveness is advisory


def alive(redis: Redis, who: str) -> bool:
    return bool(redis.exists(_key(who)))
