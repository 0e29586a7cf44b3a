"""The worker process: RQ on queues ``relay`` and ``callbacks``, with the scheduler,
plus two daemon threads: one keeps this process's liveness key fresh, one runs
the sweeper.

The worker class is :class:`rq.SimpleWorker` (jobs run in this process, no
fork per job), chosen by ``bench/worker_class.py``: draining the same real
jobs took RQ's forking ``Worker`` 3.3x to 3.9x as long (0.26x to 0.30x the throughput),
since each fork pays process start-up and throws away the pooled HTTP and SQL
connections. Our jobs are short HTTP calls bounded by httpx timeouts, so the
forking worker's one advantage, killing a stuck work horse, buys little; a
worker process that dies outright is covered by the liveness key and sweeper.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask import Flask
from rq import SimpleWorker
from rq.serializers import JSONSerializer

from .jobs import liveness
from .jobs.sweeper import sweep_once
from .queues import CALLBACK_QUEUE, RELAY_QUEUE, queue
from .redis_conn import get_redis

log = logging.getLogger(__name__)

WORKER_CLASS = SimpleWorker


class Periodic(threading.Thread):
    """Calls ``fn`` every ``every`` seconds inside the app; a daemon, so it dies with the
    process (which, for the heartbeat, is the point)."""

    def __init__(self, app: Flask, name: str, every: float, fn: Callable[[], object]) -> None:
        super().__init__(name=name, daemon=True)
        self.app, self.every, self.fn = app, max(0.5, every), fn
        self.stopped = threading.Event()

    def run(self) -> None:
        with self.app.app_context():
            while not self.stopped.is_set():
                try:
                    self.fn()
                except Exception:  # noqa: BLE001 - the next round tries again
                    log.exception("%s failed", self.name)
                self.stopped.wait(self.every)

    def stop(self) -> None:
        self.stopped.set()


def background(app: Flask) -> list[Periodic]:
    """Heartbeat and sweeper on separate threads: a slow sweep must never let this
    worker's own liveness key lapse while it is busy."""
    cfg = app.config
    return [
        Periodic(
            app,
            "relay-heartbeat",
            cfg["WORKER_TTL"] / 3,
            lambda: liveness.beat(get_redis(), cfg["WORKER_TTL"]),
        ),
        Periodic(app, "relay-sweeper", float(cfg["SWEEP_INTERVAL"]), sweep_once),
    ]


def build_worker(app: Flask, name: str | None = None) -> SimpleWorker:
    with app.app_context():
        queues = [queue(RELAY_QUEUE), queue(CALLBACK_QUEUE)]
        return WORKER_CLASS(
            queues,
            name=name,
            connection=get_redis(app),
            serializer=JSONSerializer,
        )


def run_worker(app: Flask, *, burst: bool = False, name: str | None = None) -> None:
    # The worker first: RQ raises the pool's socket timeout above its blocking
    # dequeue, which only reaches connections made after that.
    worker = build_worker(app, name=name)
    threads = background(app)
    for thread in threads:
        thread.start()
    try:
        with app.app_context():
            liveness.beat(get_redis(), app.config["WORKER_TTL"])
            worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
    finally:
        for thread in threads:
            thread.stop()
