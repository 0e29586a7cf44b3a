"""RQ's scheduler, riding out Redis outages instead of dying of the first one.

RQ runs its scheduler in a child forked by the worker that holds the scheduler
lock; the child's loop raises on any Redis error and the process ends, and the
worker looks for a dead scheduler only at its ten-minute maintenance pass.
Delayed retries would then wait that long (the sweeper moves overdue ones
sooner, but only as a backstop).
"""

from __future__ import annotations

import logging
import os
import time
from contextlib import suppress

from rq.scheduler import RQScheduler

from .outage import REDIS, REDIS_DOWN, Backoff, Outage

log = logging.getLogger(__name__)


class RelayScheduler(RQScheduler):
    """RQ's scheduler loop (in the worker's forked child), riding out outages in place
    instead of dying; a Redis back empty has lost the lock, which the next heartbeat
    takes again unless another worker's scheduler took it first. Since it no longer dies
    of an outage, it ends with its worker instead: one killed with SIGKILL leaves no
    orphan behind holding the lock."""

    def work(self) -> None:
        self._install_signal_handlers()
        outage, backoff = Outage(REDIS, log, "scheduler"), Backoff()
        born, parent = False, os.getppid()
        while not self._stop_requested:
            if os.getppid() != parent:  # the worker was killed outright: go with it
                log.warning("scheduler: its worker is gone; stopping")
                break
            try:
                if not born:
                    self.register_birth()
                    born = True
                if self.should_reacquire_locks:
                    self.acquire_locks()
                self.heartbeat()
                self.enqueue_scheduled_jobs()
            except REDIS_DOWN as exc:
                outage.failed(exc)
                self._nap(backoff.next())
                continue
            outage.recovered()
            backoff.reset()
            self._nap(self.interval)
        with suppress(*REDIS_DOWN):
            self.stop()

    def _nap(self, seconds: float) -> None:
        """Sleep, but notice a stop request (SIGTERM only sets a flag here) within 0.2 s."""
        deadline = time.monotonic() + seconds
        while not self._stop_requested and time.monotonic() < deadline:
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
