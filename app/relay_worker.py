"""RQ's worker, taught to outlive Redis and database outages.

Left alone, RQ 3's ``work()`` quits on the first Redis error outside its blocking
dequeue ("found an unhandled exception, quitting"), its dequeue retries log an
error per try, and a Redis back empty no longer lists the worker. Here:

- each Redis step of the work loop (suspension check, maintenance, heartbeat,
  dequeue, a job's RQ bookkeeping) rides an outage out in place: back off, say
  so once, register again, carry on;
- a heartbeat that finds the worker's hash gone (Redis lost its data, even in an
  outage too short to notice) registers again and revives the scheduler;
- a job failed by SQL being down pauses the worker until SQL answers (dequeuing
  on would only fail every queued job in turn), then hands back the attempts it
  lost; a job RQ marked failed is still queued in SQL and the sweeper enqueues it;
- SIGTERM/SIGINT keep RQ's meaning (warm, a second one cold), mid-outage too.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar

from rq import SimpleWorker, worker_registration
from rq.defaults import DEFAULT_LOGGING_DATE_FORMAT, DEFAULT_LOGGING_FORMAT
from rq.exceptions import DequeueTimeout
from rq.job import Job as RQJob
from rq.logutils import green
from rq.queue import Queue
from rq.utils import now
from rq.worker import DequeueStrategy, WorkerStatus

from .jobs.handback import hand_back_lost_attempts
from .outage import DATABASE, REDIS, REDIS_DOWN, Backoff, Outage, is_db_down
from .relay_scheduler import RelayScheduler

log = logging.getLogger(__name__)

T = TypeVar("T")


class RelayWorker(SimpleWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.redis_outage = Outage(REDIS, log, "worker")
        self.db_outage = Outage(DATABASE, log, "worker")
        self.stop_requested = False  # any stop signal, busy or idle
        self._wake = threading.Event()
        self._burst = False
        self._db_error: BaseException | None = None

    def work(self, burst: bool = False, *args: Any, **kwargs: Any) -> bool:
        self._burst = burst
        # From the first instant: RQ installs its handlers only after registering and
        # starting the scheduler, and a stop asked before that would go unheard.
        self._install_signal_handlers()
        # Round-robin over the shards (app.queues): one connection's backlog cannot hold
        # up another connection's jobs.
        kwargs.setdefault("dequeue_strategy", DequeueStrategy.ROUND_ROBIN)
        return bool(super().work(burst, *args, **kwargs))

    # -- signals: RQ's, plus a wake-up for a wait in an outage ----------------------

    def request_stop(self, signum: Any, frame: Any) -> None:
        self.stop_requested = True
        self._wake.set()
        if self.get_state() in (WorkerStatus.IDLE, WorkerStatus.BUSY, WorkerStatus.SUSPENDED):
            super().request_stop(signum, frame)  # raises when idle, a flag when busy
            return
        # Still starting: RQ's handler would raise in the middle of the registration; the
        # flag ends the loop before its first dequeue. A second signal is cold, as in RQ.
        self._shutdown_requested_date = now()
        signal.signal(signal.SIGINT, self.request_force_stop)
        signal.signal(signal.SIGTERM, self.request_force_stop)
        self.handle_warm_shutdown_request()
        self._stop_requested = True

    def set_shutdown_requested_date(self) -> None:
        # Called from the signal handler while busy: a Redis outage must not turn a warm
        # shutdown into an exception in the middle of the job.
        with suppress(*REDIS_DOWN):
            super().set_shutdown_requested_date()

    @property
    def _stopping(self) -> bool:
        return self._stop_requested or self.stop_requested

    # -- Redis -------------------------------------------------------------------------

    def ride_out(self, exc: BaseException) -> None:
        """Wait until Redis answers again (or a stop is asked), then register again."""
        self.redis_outage.failed(exc)
        backoff = Backoff()
        while not self._stopping:
            self._wake.wait(backoff.next())
            try:
                self.connection.ping()
                self.register_again()
            except REDIS_DOWN:
                continue
            self.redis_outage.recovered()
            return

    def _patiently(self, step: Callable[[], T]) -> T | None:
        while True:
            try:
                return step()
            except REDIS_DOWN as exc:
                self.ride_out(exc)
            if self._stopping:
                return None

    def register_again(self) -> None:
        """Put the worker back where RQ looks for it (its hash, the worker sets), and
        the scheduler back on its lock: a Redis back from an outage may be empty."""
        self.last_heartbeat = now()
        with self.connection.pipeline() as pipe:
            pipe.hset(self.key, mapping={**self.serialize(), "state": self.get_state()})
            worker_registration.register(self, pipe)
            pipe.expire(self.key, self.worker_ttl + 60)
            pipe.execute()
        self._revive_scheduler()

    def _revive_scheduler(self) -> None:
        scheduler = self.scheduler
        if scheduler is None or self._burst:
            return
        process = scheduler._process
        if process is None or not process.is_alive():
            # Takes the lock only if no other worker's scheduler holds it.
            scheduler.acquire_locks(auto_start=True)

    def heartbeat(self, timeout: int | None = None, pipeline: Any = None) -> None:
        if pipeline is not None:
            return super().heartbeat(timeout, pipeline=pipeline)

        def beat() -> None:
            with self.connection.pipeline() as pipe:
                super(RelayWorker, self).heartbeat(timeout, pipeline=pipe)
                created = pipe.execute()[0]
            if created:  # HSET made a new field: the hash was gone, Redis lost it
                log.info("worker %s: Redis had forgotten this worker; registering again", self.name)
                self.register_again()

        self._patiently(beat)

    def check_for_suspension(self, burst: bool) -> None:
        self._patiently(lambda: super(RelayWorker, self).check_for_suspension(burst))

    def run_maintenance_tasks(self) -> None:
        self._patiently(super().run_maintenance_tasks)

    def dequeue_job_and_maintain_ttl(
        self, timeout: int | None, max_idle_time: int | None = None
    ) -> tuple[RQJob, Queue] | None:
        """RQ's loop logs an error per retry and comes back unregistered; this one goes
        through :meth:`ride_out`. ``max_idle_time`` (unused here) keeps RQ's own loop."""
        if max_idle_time is not None:
            return super().dequeue_job_and_maintain_ttl(timeout, max_idle_time)
        self.procline("Listening on " + ",".join(self.queue_names()))
        while not self._stopping:
            self.heartbeat()
            if self.should_run_maintenance_tasks:
                self.run_maintenance_tasks()
            if self._stopping:  # asked while busy, then Redis went: RQ's flag, no exception
                break
            try:
                self.set_state(WorkerStatus.IDLE)
                result = self.queue_class.dequeue_any(
                    self._ordered_queues,
                    timeout,
                    connection=self.connection,
                    job_class=self.job_class,
                    serializer=self.serializer,
                    death_penalty_class=self.death_penalty_class,
                )
                if result is not None:
                    job, queue = result
                    self.reorder_queues(reference_queue=queue)
                    job.redis_server_version = self.get_redis_server_version()
                    self.log.info("Worker %s: %s: %s", self.name, green(queue.name), job.id)
                return result
            except DequeueTimeout:
                continue
            except REDIS_DOWN as exc:
                self.ride_out(exc)
        return None

    def execute_job(self, job: RQJob, queue: Queue) -> None:
        try:
            super().execute_job(job, queue)
        except REDIS_DOWN as exc:
            # Only RQ's record of the job is lost: SQL holds what the job did, and the
            # sweeper enqueues again whatever is still due.
            self.executions.clear()
            self.ride_out(exc)
        if self._db_error is not None:
            self._wait_for_database(self._db_error)

    def _pubsub_exception_handler(self, exc: Exception, pubsub: Any, pubsub_thread: Any) -> None:
        if isinstance(exc, REDIS_DOWN):
            time.sleep(2)  # quietly: the work loop reports the outage; redis-py resubscribes
            return
        super()._pubsub_exception_handler(exc, pubsub, pubsub_thread)

    def teardown(self) -> None:
        try:
            super().teardown()
        except REDIS_DOWN as exc:
            log.warning("worker %s: left without unregistering (%s)", self.name, exc)
            if self.pubsub_thread:
                self.pubsub_thread.stop()

    # -- SQL ---------------------------------------------------------------------------

    def handle_exception(self, job: RQJob, *exc_info: Any) -> None:
        if exc_info and exc_info[1] is not None and is_db_down(exc_info[1]):
            self._db_error = exc_info[1]
        super().handle_exception(job, *exc_info)

    def _wait_for_database(self, exc: BaseException) -> None:
        self.db_outage.failed(exc)
        backoff = Backoff()
        while not self._stopping:
            try:
                handed_back = hand_back_lost_attempts()
            except Exception as err:
                if not is_db_down(err):
                    raise
                self.heartbeat()  # stay listed in RQ through a long SQL outage
                self._wake.wait(backoff.next())
                continue
            self._db_error = None
            self.db_outage.recovered()
            if handed_back:
                log.info("worker %s: handed back %s", self.name, ", ".join(handed_back))
            return

    # -- the scheduler -----------------------------------------------------------------

    def stop_scheduler(self) -> None:
        """RQ's sends SIGTERM to the scheduler's process; ours is a thread (see
        :mod:`app.relay_scheduler`): ask it to stop and wait for its lock release."""
        scheduler = self.scheduler
        thread = scheduler._process if scheduler is not None else None
        if scheduler is None or thread is None:
            return
        scheduler.request_stop()
        if thread is not threading.current_thread():
            thread.join(timeout=5)

    def _start_scheduler(
        self,
        burst: bool = False,
        logging_level: str | None = "INFO",
        date_format: str = DEFAULT_LOGGING_DATE_FORMAT,
        log_format: str = DEFAULT_LOGGING_FORMAT,
    ) -> None:
        """RQ's own, with :class:`RelayScheduler` in place of RQ's scheduler."""
        self.scheduler = scheduler = RelayScheduler(
            self.queues,
            connection=self.connection,
            logging_level=logging_level if logging_level is not None else self.log.level,
            date_format=date_format,
            log_format=log_format,
            serializer=self.serializer,
        )
        try:
            scheduler.acquire_locks()
        except REDIS_DOWN:
            return  # the work loop rides the outage out, then revives the scheduler
        if not scheduler.acquired_locks:
            return
        if not burst:
            scheduler.start()
            return
        try:
            scheduler.register_birth()
            scheduler.enqueue_scheduled_jobs()
        finally:
            scheduler.release_locks()
            scheduler.register_death()
