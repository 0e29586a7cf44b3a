"""Fixed-window counters in Redis: per connection (outbound) and per hook (inbound).

A window is coarse but cheap (one INCR), and shared by every web process and
worker on every machine, which a per-process bucket would not be.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from redis import Redis


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: float = 0.0


@dataclass(frozen=True)
class Count:
    count: int
    retry_after: float

    def retry_after_if_over(self, limit: int) -> int:
        """Whole seconds to wait when ``count`` has reached ``limit``, else 0."""
        return int(self.retry_after + 0.999) if self.count >= limit else 0


def peek(redis: Redis, key: str, window: int = 60) -> Count:
    """The current window's count, without adding to it."""
    now = time.time()
    bucket = int(now // window)
    count = int(redis.get(f"{key}:{bucket}") or 0)
    return Count(count, max(1.0, (bucket + 1) * window - now))


def hit(redis: Redis, key: str, limit: int, window: int = 60) -> Decision:
    """``key`` is already namespaced by the caller (see :func:`app.redis_conn.key`)."""
    now = time.time()
    bucket = int(now // window)
    name = f"{key}:{bucket}"
    pipe = redis.pipeline()
    pipe.incr(name)
    pipe.expire(name, window + 1)
    count, _ = pipe.execute()
    if int(count) <= limit:
        return Decision(True)
    return Decision(False, retry_after=max(1.0, (bucket + 1) * window - now))
