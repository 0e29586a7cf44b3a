"""The worker process: RQ on the relay shards and ``callbacks`` (round-robin, see
:mod:`app.queues`), with the scheduler (a thread, see :mod:`app.relay_scheduler`),
plus daemon threads: one keeps this process's liveness key fresh, one runs the
sweeper, and (with RELAY_ALERT_URL) one evaluates alerts.

It ends only on SIGTERM/SIGINT (RQ's warm shutdown; a second signal is cold).
Redis or the database going away for any length of time is ridden out: see
:mod:`app.relay_worker` for the work loop; the two threads keep their period
through an outage (a beat must be back within one period of Redis's return)
and report it once. Should RQ's loop end for any other reason, a new worker
takes its place after a backoff.

The worker class is a :class:`rq.SimpleWorker` (jobs run in this process, no
fork per job), chosen by ``bench/worker_class.py``: draining the same real
jobs took RQ's forking ``Worker`` 3.3x to 3.9x as long (0.26x to 0.30x the throughput),
since each fork pays process start-up and throws away the pooled HTTP and SQL
connections. Our jobs are short HTTP calls bounded by httpx timeouts, so the
forking worker's one advantage, killing a stuck work horse, buys little; a
worker process that dies outright is covered by the liveness key and sweeper.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from rq.exceptions import StopRequested
from rq.serializers import JSONSerializer

from .alerts import check_once
from .jobs import liveness
from .jobs.sweeper import sweep_once
from .outage import DATABASE, REDIS, REDIS_DOWN, Backoff, Outage, describe, outage_of
from .queues import queue, queue_names
from .redis_conn import get_redis
from .relay_worker import RelayWorker

log = logging.getLogger(__name__)

WORKER_CLASS = RelayWorker


class Periodic(threading.Thread):
    """Calls ``fn`` every ``every`` seconds inside the app; a daemon, so it dies with the
    process (which, for the heartbeat, is the point)."""

    def __init__(self, app: Flask, name: str, every: float, fn: Callable[[], object]) -> None:
        super().__init__(name=name, daemon=True)
        self.app, self.every, self.fn = app, max(0.5, every), fn
        self.stopped = threading.Event()
        self.outages = {what: Outage(what, log, name) for what in (REDIS, DATABASE)}

    def run(self) -> None:
        with self.app.app_context():
            while not self.stopped.is_set():
                self.once()
                self.stopped.wait(self.every)

    def once(self) -> None:
        try:
            self.fn()
        except Exception as exc:  # noqa: BLE001 - the next round tries again
            what = outage_of(exc)
            if what is None:
                log.exception("%s failed", self.name)
            else:
                self.outages[what].failed(exc)
            return
        for outage in self.outages.values():
            outage.recovered()

    def stop(self) -> None:
        self.stopped.set()


def _beat() -> None:
    liveness.refresh(get_redis(), current_app.config["WORKER_TTL"])


def _sweep() -> None:
    """Beat first: after Redis comes back empty, that opens the liveness grace before this
    sweep can judge any worker dead (see :mod:`app.jobs.liveness`)."""
    _beat()
    sweep_once()


def background(app: Flask) -> list[Periodic]:
    """Heartbeat and sweeper on separate threads: a slow sweep must never let this
    worker's own liveness key lapse while it is busy."""
    cfg = app.config
    threads = [
        Periodic(app, "relay-heartbeat", cfg["WORKER_TTL"] / 3, _beat),
        Periodic(app, "relay-sweeper", float(cfg["SWEEP_INTERVAL"]), _sweep),
    ]
    if cfg["ALERT_URL"]:  # one worker per round sends them (app.alerts, a Redis lock)
        threads.append(Periodic(app, "relay-alerts", float(cfg["ALERT_INTERVAL"]), check_once))
    return threads


def build_worker(app: Flask, name: str | None = None) -> RelayWorker:
    with app.app_context():
        queues = [queue(name) for name in queue_names()]
        return WORKER_CLASS(
            queues,
            name=name,
            connection=get_redis(app),
            serializer=JSONSerializer,
        )


def run_worker(app: Flask, *, burst: bool = False, name: str | None = None) -> None:
    log_to_stderr()
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:  # between two RQ loops only
        stop.set()

    threads: list[Periodic] = []
    backoff = Backoff()
    try:
        with app.app_context():
            while not stop.is_set():
                signal.signal(signal.SIGTERM, on_signal)
                signal.signal(signal.SIGINT, on_signal)
                _wait_for_redis(app, stop)
                if stop.is_set():
                    break
                # The worker before the threads: RQ raises the pool's socket timeout above its
                # blocking dequeue, which only reaches connections made after that.
                worker = build_worker(app, name=name)
                if stop.is_set():
                    break
                if not threads:
                    threads = background(app)
                    for thread in threads:
                        thread.start()
                began = time.monotonic()
                try:
                    worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
                except REDIS_DOWN as exc:  # lost in RQ's start-up, before its loop
                    log.warning("worker: Redis went away while starting (%s)", describe(exc))
                    worker.teardown()
                    continue
                except StopRequested:  # RQ's handler, in the instant after its loop ended
                    break
                if burst or worker.stop_requested:
                    break
                if time.monotonic() - began > 60:
                    backoff.reset()  # not a crash loop
                pause = backoff.next()
                log.warning("worker: RQ's loop ended unasked; a new worker in %.1f s", pause)
                stop.wait(pause)
    finally:
        for thread in threads:
            thread.stop()


def _wait_for_redis(app: Flask, stop: threading.Event) -> None:
    """Before RQ registers the worker: a worker started while Redis is down waits for it."""
    outage, backoff = Outage(REDIS, log, "worker"), Backoff()
    while not stop.is_set():
        try:
            get_redis(app).ping()
        except REDIS_DOWN as exc:
            outage.failed(exc)
            stop.wait(backoff.next())
            continue
        outage.recovered()
        return


def log_to_stderr() -> None:
    """The relay's own lines (outages, hand-backs) at INFO, beside RQ's, unless the
    deployment configured logging itself. Other libraries stay at WARNING: httpx would
    log every request's URL at INFO, callback URLs included."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S")
    )
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("app").setLevel(logging.INFO)
