"""Worker drain: one ``esqase-relay worker`` against RQ SimpleWorker baselines.

N leads are accepted through the served relay (so each is a real queued job
in SQL and Redis), then one worker process drains them against the fake
Esqase at 0 ms and at 100 ms latency. The baselines drain the same number of
RQ jobs on the same Redis: no-op jobs (RQ's own cost) and one-call jobs (one
pooled httpx POST to the same fake Esqase: the least a relay job must do).
At the slow latency, N worker processes (``--processes``) against one, when
the CLI offers that option.
"""

from __future__ import annotations

from .drains import Drain, one_call_args, relay_drain, rq_drain
from .harness import (
    DB_NAMES,
    RELAY,
    Relay,
    available_dbs,
    private_redis,
    relay_on,
    run,
    upstream,
)
from .report import Table, ratio, section, show
from .settings import SETTINGS

NOT_AVAILABLE = "not available"


def _rate(d: Drain) -> str:
    text = f"{d.rate:,.1f}"
    return text if d.complete else f"{text} ({d.jobs}/{d.wanted} ok)"


def main() -> None:
    section("worker drain: relay worker vs RQ SimpleWorker no-op and one-call jobs")
    drains = Table(
        "worker drain, one process, jobs/s from first to last completion",
        "database|latency|jobs|relay|RQ one-call|RQ no-op|relay/one-call|relay/no-op|relay wall",
    )
    drains.note("relay wall: from starting the worker process to its last job (start-up included)")
    scale = Table(
        f"worker processes at the slow latency: {SETTINGS.processes} vs 1",
        f"database|latency|jobs|1 process|{SETTINGS.processes} processes|ratio",
    )
    with private_redis() as redis_url:
        for db in available_dbs(SETTINGS.dbs):
            with relay_on(db, redis_url) as relay:
                for latency in SETTINGS.latencies_ms:
                    _at_latency(relay, redis_url, DB_NAMES[db], latency, drains, scale)
    show(drains)
    if scale.rows:
        if any(row[4] == NOT_AVAILABLE for row in scale.rows):
            scale.note("esqase-relay worker has no --processes option in this version")
        show(scale)


def _at_latency(
    relay: Relay,
    redis_url: str,
    db: str,
    latency: int,
    drains: Table,
    scale: Table,
) -> None:
    n = SETTINGS.drain_jobs if latency == 0 else SETTINGS.slow_jobs
    seconds = latency / 1000
    with upstream(latency) as up:
        one = relay_drain(relay, up, n, seconds)
        call = rq_drain(redis_url, n, "one_call", *one_call_args(up))
        noop = rq_drain(redis_url, n, "noop")
        drains.add(
            db,
            f"{latency} ms",
            n,
            _rate(one),
            _rate(call),
            _rate(noop),
            ratio(one.rate, call.rate),
            ratio(one.rate, noop.rate),
            f"{one.wall:.1f} s",
        )
        if latency == 0 or latency != max(SETTINGS.latencies_ms):
            return
        if "--processes" not in run([RELAY, "worker", "--help"], relay.env).stdout:
            scale.add(db, f"{latency} ms", n, _rate(one), NOT_AVAILABLE, "-")
            return
        many = relay_drain(relay, up, n, seconds, ("--processes", str(SETTINGS.processes)))
        scale.add(db, f"{latency} ms", n, _rate(one), _rate(many), ratio(many.rate, one.rate))
