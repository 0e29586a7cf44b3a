"""``?wait=``: an ingest request waiting for its job to finish, and the signal that wakes it.

A finished job pushes to a Redis list named after it; the waiting request
BLPOPs that list, so any web process on any machine is woken by any worker.
Waiting holds a web thread, so each process lets only a few requests wait at
once (``RELAY_MAX_WAITERS``): past that a delivery is answered 202 at once, and
one sender cannot stall the web tier by asking everyone to wait.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app
from redis.exceptions import RedisError

from ..redis_conn import get_redis, key


def done_key(job_id: str) -> str:
    return key("done", job_id)


def wake(job_id: str) -> None:
    """Wake an ingest request waiting on ``?wait=`` for this job."""
    try:
        pipe = get_redis().pipeline()
        pipe.rpush(done_key(job_id), "1")
        pipe.expire(done_key(job_id), 60)
        pipe.execute()
    except (RedisError, OSError):
        pass  # waiters fall back to their timeout and read SQL


def wait(job_id: str, seconds: float) -> None:
    """Block up to ``seconds`` for :func:`wake`; a Redis outage just ends the wait."""
    try:
        get_redis().blpop([done_key(job_id)], timeout=seconds)
    except (RedisError, OSError):
        pass


class Seats:
    """A fixed number of places to wait in, taken without blocking."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._free = threading.BoundedSemaphore(size) if size > 0 else None

    def take(self) -> bool:
        return self._free is not None and self._free.acquire(blocking=False)

    def give_back(self) -> None:
        if self._free is not None:
            self._free.release()


def seats(app: Flask | None = None) -> Seats:
    app = app or current_app
    found: Seats | None = app.extensions.get("relay.waiters")
    if found is None:
        found = app.extensions.setdefault("relay.waiters", Seats(int(app.config["MAX_WAITERS"])))
    return found
