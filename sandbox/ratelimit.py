"""Per-key request budget, a sliding window over the last ``per_seconds``.

A sliding log (one timestamp per admitted request) rather than a fixed window, so a client
can never burst twice the budget across a window edge, and ``Retry-After`` is exact: it is
the time until the oldest admitted request leaves the window. Refused requests are not
recorded; a client that backs off as told is admitted on its next try.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

Limit = tuple[int, float]


class RateLimiter:
    def __init__(
        self,
        lock: threading.RLock,
        default: Limit | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lock = lock
        self._default = default
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}

    def hit(self, key: str, override: Limit | None = None) -> int | None:
        """Admit one request for ``key``; None when admitted, else seconds to wait (>= 1)."""
        limit = override or self._default
        if limit is None:
            return None
        requests, per_seconds = limit
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - per_seconds:
                hits.popleft()
            if len(hits) < requests:
                hits.append(now)
                return None
            wait = hits[0] + per_seconds - now
        return max(1, math.ceil(wait))

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
