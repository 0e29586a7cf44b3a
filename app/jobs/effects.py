"""What a committed transition sets going: a run, callback deliveries, a wake-up.

Collected during a transition and done only after its transaction commits:
a worker must not be handed a job whose row it cannot see yet. None of them
may fail the transition: an enqueue lost to a Redis outage is redone by the
sweeper from SQL, and a waiter that is never woken reads SQL at its timeout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from ..db import get_db
from ..models import Job
from ..queues import event_run, job_run, submit
from . import waiters


@dataclass
class Effects:
    job_id: str
    run: tuple[int, float] | None = None  # (attempts made so far, delay in seconds)
    rq_id: str | None = None
    connection_id: str | None = None  # which shard the run goes to (app.queues)
    events: list[str] = field(default_factory=list)
    finished: bool = False

    def rerun(self, job: Job, attempt: int, delay: float) -> None:
        """Run ``job`` again (on its connection's shard) once this commits."""
        self.run, self.connection_id = (attempt, delay), job.connection_id

    def apply(self) -> None:
        """The run and the callback deliveries in one Redis pipeline, then the wake-up."""
        runs = []
        if self.run is not None:
            attempt, delay = self.run
            runs.append(job_run(self.job_id, attempt, delay, self.rq_id, self.connection_id))
        submit(*runs, *(event_run(event_id) for event_id in self.events))
        if self.finished:
            waiters.wake(self.job_id)


@contextmanager
def transaction(job_id: str) -> Iterator[tuple[Session, Effects]]:
    """One unit of work for one job; its effects run only if it commits."""
    effects = Effects(job_id)
    with get_db().session() as s:
        yield s, effects
    effects.apply()
