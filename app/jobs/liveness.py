"""Worker liveness: a Redis key per worker process that expires when the process dies.

The sweeper recovers a ``running`` job whose worker's key is gone, so a
killed worker's job resumes within ``WORKER_TTL`` + ``SWEEP_INTERVAL``
seconds rather than RQ's ten-minute maintenance pass.

A Redis that restarts forgets every worker's key at once, live or not (when
it comes back empty, or from a snapshot in which the keys have expired).
Until each live worker has beaten again, its running job would look orphaned,
and taking it back would send a create in flight to review. So the first beat
that meets a new Redis server (its ``run_id`` differs from the one recorded:
a restart, a failover, or a first start) opens a grace of one ``WORKER_TTL``
during which nobody is judged dead; the worker loop beats just before each
sweep, so no sweep can come before that first beat.
"""

from __future__ import annotations

import os
import socket
import time
import uuid

from redis import Redis
from redis.exceptions import RedisError

from ..redis_conn import key

_identity: tuple[int, str] | None = None
_last_beat: tuple[str, float] = ("", float("-inf"))  # (worker id, when)
BEAT_EVERY = 1.0  # seconds

# KEYS: this worker's key, the server marker, the grace key. ARGV: the TTL in seconds.
# One script, so no sweep can see the marker updated and the grace not yet opened.
_BEAT = """
local server = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)') or 'unknown'
if redis.call('GET', KEYS[2]) ~= server then
    redis.call('SET', KEYS[2], server)
    redis.call('SET', KEYS[3], '1', 'EX', ARGV[1])
end
redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
return 1
"""


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


def refresh(redis: Redis, ttl: int, who: str | None = None) -> None:
    """Renew this worker's key; raises when Redis is down (the heartbeat thread says so)."""
    keys = [_key(who or worker_id()), key("liveness", "server"), key("liveness", "grace")]
    redis.eval(_BEAT, len(keys), *keys, max(1, ttl))


def beat(redis: Redis, ttl: int, who: str | None = None) -> None:
    """:func:`refresh` where liveness is advisory (inside a job): the heartbeat thread
    tries again and reports the outage. At most once a second per process: a worker
    draining a backlog would otherwise add a Redis round trip to every job for a key
    that lives ``ttl`` seconds."""
    global _last_beat
    me, last = _last_beat
    if who is None and me == worker_id() and time.monotonic() - last < BEAT_EVERY:
        return
    try:
        refresh(redis, ttl, who)
    except RedisError:
        return
    if who is None:
        _last_beat = (worker_id(), time.monotonic())


def alive(redis: Redis, who: str) -> bool:
    with redis.pipeline(transaction=False) as pipe:
        pipe.exists(_key(who))
        pipe.exists(key("liveness", "grace"))
        mine, grace = pipe.execute()
    return bool(mine or grace)
