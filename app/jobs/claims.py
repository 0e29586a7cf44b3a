"""What a delivery brings, what an attempt holds while it runs, and what they turn into.

A :class:`Claim` is the attempt's hold on its job: every write the attempt
makes after claiming is conditional on it
(:func:`app.jobs.preconditions.attempt_in_flight`), so an attempt the sweeper
took back can record what it did but can no longer move the job, nor send a
create.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from actions.base import Mode

from ..models import Connection, Hook, Job


class AttemptSuperseded(Exception):
    """This attempt no longer owns its job (the sweeper took it back): send nothing more."""


@dataclass(frozen=True)
class Claim:
    job_id: str
    attempt: int
    worker: str | None
    # 1-based position within the current retry budget (a person's retry starts a new one).
    budget_attempt: int = 1
    action: str = ""
    input: dict[str, Any] | None = None
    checkpoint: dict[str, Any] | None = None
    connection: Connection | None = None
    hook: Hook | None = None  # as it was at the claim, for the callback event
    started_at: datetime | None = None
    # The last decision a person made about the job (see lifecycle.retry).
    resolution: dict[str, Any] | None = None

    @property
    def mode(self) -> Mode:
        """The first attempt after a person's decision carries it out: "create" (they
        checked Esqase: send it), "recheck" (only read Esqase again) or "linked" (they found
        the lost create's record; a composite action runs on from it)."""
        kind = (self.resolution or {}).get("kind")
        if self.budget_attempt == 1 and kind == "create_confirmed":
            return "create"
        if self.budget_attempt == 1 and kind == "recheck":
            return "recheck"
        if self.budget_attempt == 1 and kind == "linked":
            return "linked"
        return "auto"

    @classmethod
    def of(
        cls,
        job: Job,
        worker: str,
        conn: Connection | None,
        hook: Hook | None = None,
        *,
        started_at: datetime,
    ) -> Claim:
        return cls(
            job_id=job.id,
            attempt=job.attempts_made,
            worker=worker,
            budget_attempt=job.attempts_made - job.budget_start,
            action=job.action,
            input=job.input,
            checkpoint=job.checkpoint,
            connection=conn,
            hook=hook,
            started_at=started_at,
            resolution=job.resolution,
        )

    @classmethod
    def ref(cls, job_id: str, worker: str | None, attempt: int) -> Claim:
        """A claim known only by its owner (the sweeper's view of someone else's attempt)."""
        return cls(job_id=job_id, attempt=attempt, worker=worker)


@dataclass(frozen=True)
class Arrival:
    """A valid delivery, as prepared at the edge: what the job will run with."""

    input: dict[str, Any]
    digest: str  # of the input: the same idempotency key must carry the same input
    key: str | None = None
    received: dict[str, Any] | None = None  # what arrived, for people and replays
    replay_of: str | None = None

    def columns(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "input_hash": self.digest,
            "idempotency_key": self.key,
            "received": self.received,
            "replay_of": self.replay_of,
        }


@dataclass(frozen=True)
class Accepted:
    """The job a valid delivery became; ``replayed`` when its idempotency key was seen
    before (``same_body`` says whether the earlier delivery carried the same input)."""

    job: Job
    replayed: bool
    same_body: bool
