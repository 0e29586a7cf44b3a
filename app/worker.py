"""The worker process: RQ on queues ``relay`` and ``callbacks``, with the scheduler,
plus a background thread that keeps this process's liveness key fresh and
runs the sweeper.

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

from flask import Flask
from rq import SimpleWorker
from rq.serializers import JSONSerializer

from .jobs import liveness
from .jobs.sweeper import sweep_once
from .queues import CALLBACK_QUEUE, RELAY_QUEUE, queue
from .redis_conn import get_redis

log = logging.getLogger(__name__)

WORKER_CLASS = SimpleWorker


class Background(threading.Thread):
    """Heartbeat + sweeper; a daemon, so it dies with the process (which is the point)."""

    def __init__(self, app: Flask) -> None:
        super().__init__(name="relay-background", daemon=True)
        self.app = app
        self.stopped = threading.Event()

    def run(self) -> None:
        cfg = self.app.config
        beat_every = max(0.5, cfg["WORKER_TTL"] / 3)
        sweep_every = max(0.5, float(cfg["SWEEP_INTERVAL"]))
        next_sweep = 0.0
        clock = 0.0
        with self.app.app_context():
            while not self.stopped.is_set():
                liveness.beat(get_redis(), cfg["WORKER_TTL"])
                if clock >= next_sweep:
                    try:
                        sweep_once()
                    except Exception:  # noqa: BLE001 - the next pass tries again
                        log.exception("sweeper pass failed")
                    next_sweep = clock + sweep_every
                step = min(beat_every, sweep_every)
                self.stopped.wait(step)
                clock += step

    def stop(self) -> None:
        self.stopped.set()


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
    background = Background(app)
    background.start()
    try:
        with app.app_context():
            liveness.beat(get_redis(), app.config["WORKER_TTL"])
            worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
    finally:
        background.stop()
