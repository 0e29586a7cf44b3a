"""Injected failures, queued by tests through the control surface.

A fault names a method (one of :data:`METHODS`, any case, stored upper-case; ``*`` for
all), a path prefix and a kind; each matching request consumes one use of the OLDEST
matching fault (FIFO), so a test can script "first call 503, second call works" with two
faults or one fault with ``times=2``. Kinds:

- ``status``: answer ``status`` at once, nothing processed. ``Retry-After`` is sent when
  ``retry_after`` is given (0 included), and defaults to 1 on a 429.
- ``latency``: sleep ``seconds``, then process normally.
- ``process_then_status``: process fully (the write happens), then answer ``status``.
- ``process_then_drop``: process fully, then close the connection without an answer.
- ``drop``: close the connection without processing.

The last two are what make "did my create happen?" testable; see :mod:`sandbox.hooks`.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import asdict, dataclass
from typing import Any

from sandbox.checks import Check, is_int, is_number
from sandbox.errors import FieldError

METHODS = ("GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS", "*")
KINDS = ("status", "latency", "process_then_status", "process_then_drop", "drop")
STATUS_KINDS = ("status", "process_then_status")
DROP_KINDS = ("drop", "process_then_drop")
MAX_LATENCY_SECONDS = 60.0
_ALLOWED = {"method", "path", "kind", "times", "status", "retry_after", "seconds"}


@dataclass
class Fault:
    id: int
    method: str
    path: str
    kind: str
    times: int
    status: int | None = None
    retry_after: int | None = None
    seconds: float | None = None

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method.upper()) and path.startswith(self.path)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def parse_fault(body: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Validate a fault request; returns the normalised fields and every problem found.

    Fields the kind would ignore are refused: a silently ignored field makes a confusing test.
    """
    c = Check(body)
    c.unknown(_ALLOWED)
    method = body.get("method", "*")
    path = body.get("path", "/v1")
    kind = body.get("kind")
    times = body.get("times", 1)
    status, seconds = body.get("status"), body.get("seconds")
    if not isinstance(method, str) or not method.isascii() or method.upper() not in METHODS:
        c.fail("method", f"must be one of {', '.join(METHODS)} (got {method!r})")
    if not isinstance(path, str) or not path.startswith("/"):
        c.fail("path", "must be a path prefix starting with /")
    if kind not in KINDS:
        c.fail("kind", f"must be one of {', '.join(KINDS)} (got {kind!r})")
    if not is_int(times) or times < 1:
        c.fail("times", "must be an integer >= 1")
    if kind in STATUS_KINDS and (not is_int(status) or not 400 <= status <= 599):
        c.fail("status", f"{kind} needs an integer status from 400 to 599")
    if kind in KINDS and kind not in STATUS_KINDS:
        for name in ("status", "retry_after"):
            if c.given(name):
                c.fail(name, f"only used by kinds {', '.join(STATUS_KINDS)}")
    retry_after = body.get("retry_after")
    if retry_after is not None and (not is_int(retry_after) or retry_after < 0):
        c.fail("retry_after", "must be a whole number of seconds >= 0")
    if kind == "latency" and (not is_number(seconds) or not 0 <= seconds <= MAX_LATENCY_SECONDS):
        c.fail("seconds", f"latency needs seconds from 0 to {MAX_LATENCY_SECONDS:g}")
    elif kind in KINDS and kind != "latency" and seconds is not None:
        c.fail("seconds", "only used by kind latency")
    fields = {
        "method": method.upper() if isinstance(method, str) else method,
        "path": path,
        "kind": kind,
        "times": times,
        "status": status,
        "retry_after": retry_after,
        "seconds": float(seconds) if is_number(seconds) else None,
    }
    return fields, c.errors


class FaultQueue:
    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, fields: dict[str, Any]) -> Fault:
        with self._lock:
            fault = Fault(id=next(self._ids), **fields)
            self._faults.append(fault)
            return fault

    def take(self, method: str, path: str) -> Fault | None:
        """Consume one use of the oldest matching fault; returns a snapshot of it."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return Fault(**{**asdict(fault), "times": fault.times})
        return None

    def pending(self) -> list[Fault]:
        with self._lock:
            return [Fault(**asdict(fault)) for fault in self._faults]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
