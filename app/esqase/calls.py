"""What one call to Esqase leaves behind, and who is told about it.

A :class:`Call` is the job history's record of an HTTP call: method, path,
status and timing, never headers, body or key. A client reports each call to
its :class:`CallJournal` twice: before the request leaves (so the job can
persist "a create is about to go", or refuse it by raising) and once it ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

# Call.error of a 2xx whose body could not be read: the call happened, its record is unknown.
UNREADABLE = "the answer could not be read"


@dataclass(frozen=True)
class Call:
    """One HTTP call as the job history records it: no headers, no body, no key."""

    method: str
    path: str
    status: int | None
    duration_ms: int
    error: str | None = None
    # False only when the request provably never left (connect failed).
    sent: bool = True


class CallJournal(Protocol):
    """Where a client reports its calls: told before a request leaves (so a caller can
    persist "a create is about to go", or refuse it by raising), and after each call."""

    def before_send(self, method: str, path: str, body: Any) -> None: ...

    def record(self, call: Call) -> None: ...


class CallLog:
    """A journal that only keeps the calls, in order: for scripts and tests."""

    def __init__(self) -> None:
        self.calls: list[Call] = []

    def before_send(self, method: str, path: str, body: Any) -> None:
        return None

    def record(self, call: Call) -> None:
        self.calls.append(call)
