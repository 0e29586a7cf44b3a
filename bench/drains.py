"""One drain of N queued jobs, by the relay's worker or by a bare RQ SimpleWorker.

The rate is taken from the jobs' own completion times (SQL ``finished_at`` for
the relay, RQ's ``ended_at`` for the baselines): (N - 1) jobs over the span
from the first to the last completion, so a process's start-up time (several
seconds today, see the cli section) is not counted as draining time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field

from . import rqjobs
from .harness import LEAD, ROOT, WORK, Memory, Proc, Relay, post_leads

POLL = 0.25


@dataclass
class Drain:
    jobs: int  # jobs that succeeded
    wanted: int
    span: float  # seconds from first to last completion
    wall: float  # seconds from starting the worker to the last completion seen
    memory: dict[int, Memory] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return (self.jobs - 1) / self.span if self.jobs > 1 and self.span > 0 else 0.0

    @property
    def complete(self) -> bool:
        return self.jobs == self.wanted


def relay_drain(
    relay: Relay,
    upstream_url: str,
    n: int,
    latency_s: float,
    worker_args: tuple[str, ...] = (),
    memory_marks: tuple[int, ...] = (),
) -> Drain:
    """Queue ``n`` leads on a new hook, then start one ``esqase-relay worker`` and wait."""
    hook_id, hook_url = relay.hook(relay.connection(upstream_url))
    post_leads(hook_url, n)
    worker = relay.worker("relay-worker", *worker_args)
    memory: dict[int, Memory] = {}
    deadline = time.monotonic() + 120 + n * (0.1 + latency_s)
    done = 0
    try:
        while done < n and time.monotonic() < deadline:
            if not worker.alive():
                raise RuntimeError(f"the relay worker exited early:\n{worker.tail()}")
            time.sleep(POLL)
            done = relay.history.finished(hook_id)
            for mark in memory_marks:
                if done >= mark and mark not in memory:
                    memory[mark] = worker.memory()
        wall = time.monotonic() - worker.started
    finally:
        worker.stop()
    ok, span = relay.history.finish_span(hook_id)
    return Drain(ok, n, span, wall, memory)


def rq_drain(redis_url: str, n: int, func: str, *args: object) -> Drain:
    """``n`` jobs of ``bench.rqjobs.<func>`` drained by a burst SimpleWorker process."""
    queue = f"baseline-{func}-{uuid.uuid4().hex[:8]}"
    ids = rqjobs.enqueue(redis_url, queue, n, f"bench.rqjobs.{func}", *args)
    worker = Proc(
        f"rq-{func}",
        [sys.executable, "-m", "bench.rqjobs", redis_url, queue],
        {**os.environ, "PYTHONPATH": str(ROOT)},
        WORK.new(f"rq-{func}"),
    )
    try:
        worker.popen.wait(120 + n * 0.5)
    except subprocess.TimeoutExpired:
        pass  # what finished is counted below; the row shows how many did
    finally:
        wall = time.monotonic() - worker.started
        worker.stop()
    ok, span = rqjobs.ended_span(redis_url, ids)
    return Drain(ok, n, span, wall)


def one_call_args(upstream_url: str) -> tuple[object, ...]:
    return (f"{upstream_url}/v1/leads", LEAD)
