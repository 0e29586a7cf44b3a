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
        f"worker RSS (VmRSS, MB) after k of {n:,} jobs, one process",
        "database|after jobs|worker MB|children MB|children|total MB|total vs first job",
    )
    with private_redis() as redis_url:
        for db in available_dbs(SETTINGS.rss_dbs):
            with relay_on(db, redis_url) as relay, upstream(0) as up:
                drain = relay_drain(relay, up, n, 0.0, rss_marks=marks(n))
            first = sum(drain.rss[1][:2]) if 1 in drain.rss else 0.0
            for mark, (own, kids, count) in sorted(drain.rss.items()):
                total = own + kids
                table.add(DB_NAMES[db], mark, own, kids, count, total, f"{total - first:+.1f} MB")
            if not drain.complete:
                table.note(f"{db}: only {drain.jobs} of {n} jobs succeeded")
    table.note("children: RQ's scheduler process, started by the worker (with_scheduler)")
    table.note("marks are read at the first poll (every 0.25 s) after the count is reached")
    show(table)
