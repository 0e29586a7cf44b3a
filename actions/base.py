"""What an action is: a schema, the scope it needs, and a run function over a client.

Actions are plain functions of a :class:`Context`: the Esqase client, and the
attempt's journal, which remembers each finished step of a composite action
(a retry resumes instead of repeating) and what earlier attempts sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.esqase import EsqaseClient


@dataclass
class MemoryJournal:
    """An attempt's memory with nothing behind it: the job runner's journal persists the
    same things (see :mod:`app.jobs.journal`); this one serves scripts and tests."""

    steps: dict[str, Any] = field(default_factory=dict)
    # HTTP calls of this job's earlier attempts ({"method","path","status","sent"}).
    prior_calls: list[dict[str, Any]] = field(default_factory=list)

    def step(self, name: str, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` once per job: a finished step's value is replayed on retry."""
        if name in self.steps:
            return self.steps[name]
        value = fn()
        self.steps[name] = value
        self.saved(name)
        return value

    def saved(self, name: str) -> None:
        """Called after each new step; a persistent journal writes it down here."""

    def sent_without_answer(self, method: str, path: str) -> bool:
        """Did an earlier attempt send this call and never learn whether it worked?"""
        return any(
            c.get("method") == method and c.get("path") == path and unanswered(c)
            for c in self.prior_calls
        )


@dataclass
class Context:
    client: EsqaseClient
    journal: MemoryJournal = field(default_factory=MemoryJournal)

    def step(self, name: str, fn: Callable[[], Any]) -> Any:
        return self.journal.step(name, fn)

    def sent_without_answer(self, method: str, path: str) -> bool:
        return self.journal.sent_without_answer(method, path)


def unanswered(call: dict[str, Any]) -> bool:
    """A recorded call that left and got no answer that says what happened: no answer at
    all, or a 5xx. A call that never connected (``sent`` false) did nothing."""
    status = call.get("status")
    return bool(call.get("sent", True)) and (status is None or status >= 500)


class ActionFailed(Exception):
    """A permanent, explained failure inside an action (e.g. a name that resolves to nothing)."""

    def __init__(self, message: str, *, code: str = "action_failed", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


RunFn = Callable[[Context, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Action:
    name: str
    resource: str
    verb: str
    scopes: tuple[str, ...]
    # Safe to repeat blindly: a retry after "sent, no answer" cannot duplicate a record.
    idempotent: bool
    run: RunFn
    description: str
    schema: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def scope(self) -> str:
        return " ".join(self.scopes)
