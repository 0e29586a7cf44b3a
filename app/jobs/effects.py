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
from ..queues import enqueue_event, enqueue_job
from . import waiters


@dataclass
class Effects:
    job_id: str
    run: tuple[int, float] | None = None  # (attempts made so far, delay in seconds)
    rq_id: str | None = None
    events: list[str] = field(default_factory=list)
    finished: bool = False

    def apply(self) -> None:
        if self.run is not None:
            attempt, delay = self.run
            enqueue_job(self.job_id, attempt=attempt, delay=delay, rq_id=self.rq_id)
        for event_id in self.events:
            enqueue_event(event_id)
        if self.finished:
            waiters.wake(self.job_id)


@contextmanager
def transaction(job_id: str) -> Iterator[tuple[Session, Effects]]:
    """One unit of work for one job; its effects run only if it commits."""
    effects = Effects(job_id)
    with get_db().session() as s:
        yield s, effects
    effects.apply()
