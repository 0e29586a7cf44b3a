"""Per-key request budget, a sliding window over the last ``per_seconds``.

A sliding log (one timestamp per admitted request) rather than a fixed window, so a client
can never burst twice the budget across a window edge, and ``Retry-After`` is exact: it is
the time until the oldest admitted request leaves the window. Refused requests are not
recorded; a client that backs off as told is admitted on its next try.

A limit is ``(requests, per_seconds)``: a whole number of requests from 1 to
``MAX_RATE_REQUESTS`` per a finite window above 0 and at most ``MAX_RATE_SECONDS`` (a day).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from sandbox.checks import is_int, is_number

Limit = tuple[int, float]

MAX_RATE_REQUESTS = 10**9
MAX_RATE_SECONDS = 86_400


def valid_limit(requests: object, per_seconds: object) -> bool:
    return (
        is_int(requests)
        and 1 <= requests <= MAX_RATE_REQUESTS
        and is_number(per_seconds)
        and math.isfinite(per_seconds)
        and 0 < per_seconds <= MAX_RATE_SECONDS
    )


def valid_rate_limit(value: object) -> bool:
    """A ``{"requests": ..., "per_seconds": ...}`` object as the control surface takes it."""
    return (
        isinstance(value, dict)
        and set(value) <= {"requests", "per_seconds"}
        and valid_limit(value.get("requests"), value.get("per_seconds"))
    )


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
