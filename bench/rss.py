"""Worker memory: VmRSS of one ``esqase-relay worker`` (and its children: RQ's scheduler)
after its first job, after 1,000, and after ``BENCH_RSS_JOBS`` (10,000 in the goal).

A worker that holds on to something per job grows linearly here; a flat line
is the goal. Jobs are leads against the fake Esqase at 0 ms, so the count
is reached as fast as the worker can go.
"""

from __future__ import annotations

from .drains import relay_drain
from .harness import (
    DB_NAMES,
    available_dbs,
    private_redis,
    relay_on,
    upstream,
)
from .report import Table, section, show
from .settings import SETTINGS


def marks(total: int) -> tuple[int, ...]:
    steps = [m for m in (1, 1000, 2500, 5000, 10_000, 25_000, 50_000) if m < total]
    return (*steps, total)


def main() -> None:
    n = SETTINGS.rss_jobs
    section(f"worker RSS over {n:,} jobs")
    table = Table(
        f"worker memory after k of {n:,} jobs, one esqase-relay worker process",
        "database|after jobs|worker RSS|children RSS|children|private, all|private vs first poll",
    )
    with private_redis() as redis_url:
        for db in available_dbs(SETTINGS.rss_dbs):
            with relay_on(db, redis_url) as relay, upstream(0) as up:
                drain = relay_drain(relay, up, n, 0.0, memory_marks=marks(n))
            first = drain.memory[1].private_mb if 1 in drain.memory else 0.0
            for mark, m in sorted(drain.memory.items()):
                table.add(
                    DB_NAMES[db],
                    mark,
                    _mb(m.rss_mb),
                    _mb(m.children_rss_mb),
                    m.children,
                    _mb(m.private_mb),
                    f"{m.private_mb - first:+.1f} MB",
                )
            if not drain.complete:
                table.note(f"{db}: only {drain.jobs} of {n} jobs succeeded")
    table.note("children: RQ's scheduler, a fork of the worker (with_scheduler). private: USS")
    table.note("of worker and children (smaps_rollup Private_*), what a leak would grow.")
    table.note("Read at the first poll (0.25 s) past each count.")
    show(table)


def _mb(value: float) -> str:
    return f"{value:.1f} MB"
