"""What an action is: a schema, the scope it needs, and a run function over a client.

Actions are plain functions of a :class:`Context`: the Esqase client, and the
attempt's journal, which remembers each finished step of a composite action
(a retry resumes instead of repeating) and what earlier attempts sent.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from app.esqase import EsqaseClient

# How a create that an earlier attempt left in doubt is treated: read Esqase first
# ("auto"), send it because a person checked ("create"), only read ("recheck"), or take
# it as settled because a person linked its record ("linked").
Mode = Literal["auto", "create", "recheck", "linked"]
# The call-history entry of a lost create accounted for (not an HTTP call: never sent).
SETTLED = "SETTLED"


def body_digest(body: Any) -> str:
    """What identifies a create's body in the call history without keeping the body."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class MemoryJournal:
    """An attempt's memory with nothing behind it: the job runner's journal persists the
    same things (see :mod:`app.jobs.journal`); this one serves scripts and tests."""

    steps: dict[str, Any] = field(default_factory=dict)
    # HTTP calls of this job's earlier attempts ({"method","path","status","sent",...}).
    prior_calls: list[dict[str, Any]] = field(default_factory=list)
    mode: Mode = "auto"
    # Creates found in Esqase instead of being sent again: {"resource", "record_id", "dated"}.
    reconciled: list[dict[str, Any]] = field(default_factory=list)
    _settled: set[str] = field(default_factory=set)

    def doubt_about(self, path: str, digest: str) -> datetime | None:
        """When an earlier attempt sent this very create and never learned what happened
        (and no attempt since has accounted for it)."""
        lost = self._open_doubts().get((path, digest))
        return _when(lost) if lost is not None else None

    def settle(self, path: str, digest: str, found: str | None = None) -> None:
        """This attempt accounted for a lost create: Esqase was read for it (``found`` is
        the record's id, or ``None``), or a person said to send it again. Kept with the
        attempt's calls, so later attempts know it is no longer in doubt."""
        self._settled.add(f"{path} {digest}")
        self.noted(
            {"method": SETTLED, "path": path, "body_sha256": digest, "found": found, "sent": False}
        )

    def noted(self, entry: dict[str, Any]) -> None:
        """Called with each settlement; a persistent journal keeps it with its calls."""

    def in_doubt(self) -> bool:
        """Is a create of an earlier attempt still unaccounted for in this one?"""
        return any(f"{p} {d}" not in self._settled for p, d in self._open_doubts())

    def _open_doubts(self) -> dict[tuple[Any, Any], dict[str, Any]]:
        """Earlier attempts' creates sent without an answer, less those a later entry
        settled (a settlement, or the same create answered since)."""
        open_: dict[tuple[Any, Any], dict[str, Any]] = {}
        for call in self.prior_calls:
            key = (call.get("path"), call.get("body_sha256"))
            if call.get("method") == "POST" and unanswered(call):
                open_.setdefault(key, call)
            elif call.get("method") in ("POST", SETTLED):
                open_.pop(key, None)
        return open_

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


def _when(call: dict[str, Any]) -> datetime:
    try:
        return datetime.fromisoformat(str(call["at"]))
    except (KeyError, ValueError):
        return datetime.fromtimestamp(0, UTC)  # an old record: every contact is "since" it


class Connected(Protocol):
    """What a Context needs to know of the connection it runs for."""

    id: str
    base_url: str


@dataclass
class Context:
    client: EsqaseClient
    journal: MemoryJournal = field(default_factory=MemoryJournal)
    # Which Esqase this is, for what a job may reuse from another's reading (actions/names.py):
    # the connection and its base URL (a connection moved to another Esqase shares nothing).
    names_scope: str | None = None

    @classmethod
    def of(
        cls, client: EsqaseClient, journal: MemoryJournal, connection: Connected | None
    ) -> Context:
        scope = f"{connection.id} {connection.base_url}" if connection is not None else None
        return cls(client, journal, names_scope=scope)

    def step(self, name: str, fn: Callable[[], Any]) -> Any:
        return self.journal.step(name, fn)

    def sent_without_answer(self, method: str, path: str) -> bool:
        return self.journal.sent_without_answer(method, path)

    def create(self, resource: str, data: dict[str, Any]) -> dict[str, Any]:
        """A create that a lost answer cannot duplicate: when an earlier attempt sent this
        very body and never learned what happened, Esqase is read for it first."""
        from . import reconcile

        path, digest = f"/v1/{resource}", body_digest(data)
        since = self.journal.doubt_about(path, digest)
        if since is not None and self.journal.mode != "create":
            found = reconcile.find(self.client, resource, data, since)
            self.journal.settle(path, digest, found.record.get("id") if found else None)
            if found is not None:
                self.journal.reconciled.append(
                    {
                        "resource": resource,
                        "record_id": found.record.get("id"),
                        "dated": found.dated,
                    }
                )
                return found.record
            if self.journal.mode == "recheck":
                raise reconcile.Unsettled(
                    "Esqase was read again and has no record matching what was sent; if it "
                    "should exist, create it (retry with confirm_create), else discard the job"
                )
        elif since is not None:
            self.journal.settle(path, digest)  # a person checked Esqase and said "create it"
        return self.client.create(resource, data)


def unanswered(call: dict[str, Any]) -> bool:
    """A recorded call that left and got no answer that says what it did: no answer at
    all, a 5xx, or a 2xx whose body could not be read (it happened; its record is unknown).
    A call that never connected (``sent`` false) did nothing."""
    status = call.get("status")
    if not call.get("sent", True):
        return False
    return status is None or status >= 500 or (200 <= status < 300 and bool(call.get("error")))


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
