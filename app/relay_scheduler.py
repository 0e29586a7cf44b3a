"""RQ's scheduler, riding out Redis outages instead of dying of the first one, on a thread.

RQ runs its scheduler in a child forked by the worker that holds the scheduler
lock; the child's loop raises on any Redis error and the process ends, and the
worker looks for a dead scheduler only at its ten-minute maintenance pass.
Delayed retries would then wait that long (the sweeper moves overdue ones
sooner, but only as a backstop).

Here it runs on a daemon thread of the worker instead of a fork: the fork
cost a second process's memory (83 MB of RSS, and copy-on-write made about 57
MB of it private within 10,000 jobs, see docs/performance.md) for a loop that
sleeps a second between two Redis calls. A thread dies with its worker, so a
worker killed outright leaves no orphan holding the lock.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import suppress

from rq.scheduler import RQScheduler

from .outage import REDIS, REDIS_DOWN, Backoff, Outage

log = logging.getLogger(__name__)


class RelayScheduler(RQScheduler):
    """RQ's scheduler loop (on a thread of the worker), riding out outages in place
    instead of dying; a Redis back empty has lost the lock, which the next heartbeat
    takes again unless another worker's scheduler took it first."""

    def start(self) -> threading.Thread:
        """RQ's ``start`` forks; this starts a thread. ``_process`` is where RQ's worker
        looks for it (``is_alive()``, ``join()``)."""
        self._status = self.Status.STARTED
        self._stop_requested = False
        self._connection = None  # its own pool: the worker's connections stay its own
        thread = threading.Thread(target=self._run, name="relay-scheduler", daemon=True)
        self._process = thread  # type: ignore[assignment]
        thread.start()
        return thread

    def request_stop(self, signum: object = None, frame: object = None) -> None:
        self._stop_requested = True

    def _run(self) -> None:
        try:
            self.work()
        except Exception:  # noqa: BLE001 - the worker's maintenance pass starts another
            log.exception("scheduler: stopped by an error")

    def work(self) -> None:
        """The loop; signals stay with the worker's main thread, which stops this one."""
        outage, backoff = Outage(REDIS, log, "scheduler"), Backoff()
        born = False
        while not self._stop_requested:
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
