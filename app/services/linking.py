"""Where a record a person linked belongs: a create's result, or one step of a composite.

A job waits for review on one create whose answer was lost. For a plain create the
record a person found in Esqase *is* the job's result. A composite action may have
steps still to go after that create (``matters.create-for-client`` lost its contact:
the matter was never sent), so marking it succeeded with the contact would lose the
matter without a word.

Rather than teach this module each action's shape, the action itself is run "dry":
its finished steps replayed from the checkpoint, the linked record handed back by the
first create it reaches, and any other call to Esqase stopping the run. What the dry
run leaves in its journal is the checkpoint the job runs on from, so the worker makes
the result exactly as it would have, with the linked record in its place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn, cast

from actions import Action, Context, MemoryJournal, unanswered
from app.esqase import RESOURCES, EsqaseClient

from ..jobs.outcome import is_write
from ..models import Attempt, Job


class _Stop(Exception):
    """The dry run reached something only a real run can do."""


class _NoCalls:
    def __getattr__(self, name: str) -> NoReturn:
        raise _Stop(name)


@dataclass
class _Linking(Context):
    resource: str = ""
    record: dict[str, Any] = field(default_factory=dict)
    used: bool = False

    def create(self, resource: str, data: dict[str, Any]) -> dict[str, Any]:
        if self.used or resource != self.resource:
            raise _Stop(resource)
        self.used = True
        return self.record


def steps_after_link(job: Job, action: Action, resource: str, record: dict[str, Any]) -> Any:
    """The checkpoint to run on from, with ``record`` as the step its create made; ``None``
    when the record is the job's whole result (a plain create)."""
    before = dict(job.checkpoint or {})
    journal = MemoryJournal(steps=dict(before))
    ctx = _Linking(cast(EsqaseClient, _NoCalls()), journal, resource=resource, record=record)
    try:
        action.run(ctx, dict(job.input or {}))
    except _Stop:
        pass
    if ctx.used and set(journal.steps) - set(before):
        return journal.steps
    if action.verb == "create":
        return None
    raise LinkNotPlaced(resource)


class LinkNotPlaced(Exception):
    """A composite action whose steps cannot be resumed from the linked record."""

    def __init__(self, resource: str) -> None:
        super().__init__(resource)
        self.resource = resource


def unsettled_resource(attempts: list[Attempt], fallback: str) -> str:
    """The resource of the last create that left without an answer: the one in doubt."""
    for attempt in sorted(attempts, key=lambda a: a.number, reverse=True):
        for call in reversed(attempt.calls or []):
            if is_write(str(call.get("method", ""))) and unanswered(call):
                parts = str(call.get("path", "")).split("/")
                if len(parts) == 3 and parts[2] in RESOURCES:
                    return parts[2]
    return fallback
