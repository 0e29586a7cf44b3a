"""Every knob of ``make bench``, read once from ``BENCH_*`` environment variables.

The defaults keep a whole run to a few minutes on the 2-core machine; the same
names scale it up (``BENCH_HISTORY_ROWS=1000000``, ``BENCH_RSS_JOBS=10000``...).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _list(name: str, default: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in os.environ.get(name, default).split(",") if s.strip())


SECTIONS = ("cli", "ingest", "drain", "rss", "fairness", "history")


@dataclass(frozen=True)
class Settings:
    # Which sections run, in this order; worker-class (the old in-process one) is opt-in.
    only: tuple[str, ...] = field(default_factory=lambda: _list("BENCH_ONLY", ",".join(SECTIONS)))
    # sqlite, pg: the databases each section runs on (PostgreSQL is skipped if it won't answer).
    dbs: tuple[str, ...] = field(default_factory=lambda: _list("BENCH_DBS", "sqlite,pg"))
    pg_url: str = os.environ.get(
        "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    # ingest: rounds of (relay, floor) runs of this many seconds each, after one warm-up
    # run of each; medians are printed, so one burst of a neighbour's work moves little.
    rounds: int = _int("BENCH_ROUNDS", 3)
    duration: float = _float("BENCH_DURATION", 5)
    warmup: float = _float("BENCH_WARMUP", 2)
    concurrency: tuple[int, ...] = tuple(int(c) for c in _list("BENCH_CONCURRENCY", "4,16"))
    wrk_threads: int = _int("BENCH_WRK_THREADS", 2)
    # drain: jobs per run at 0 ms upstream latency, and at the slow latency.
    drain_jobs: int = _int("BENCH_DRAIN_JOBS", 2000)
    slow_jobs: int = _int("BENCH_SLOW_JOBS", 100)
    latencies_ms: tuple[int, ...] = tuple(int(x) for x in _list("BENCH_LATENCIES_MS", "0,100"))
    processes: int = _int("BENCH_PROCESSES", 4)
    # rss: one worker's memory after 1,000 and after this many jobs (the goal: 10,000).
    rss_jobs: int = _int("BENCH_RSS_JOBS", 3000)
    rss_dbs: tuple[str, ...] = field(default_factory=lambda: _list("BENCH_RSS_DBS", "sqlite"))
    # fairness: a backlog on connection A, then one job on connection B.
    backlog: int = _int("BENCH_BACKLOG", 5000)
    fairness_timeout: float = _float("BENCH_FAIRNESS_TIMEOUT", 30)
    fairness_dbs: tuple[str, ...] = field(default_factory=lambda: _list("BENCH_FAIRNESS_DBS", "pg"))
    # history: seeded rows in PostgreSQL, then searches and a purge of about 60% of them.
    history_rows: int = _int("BENCH_HISTORY_ROWS", 100_000)
    # cli: runs per command (the median is printed).
    cli_runs: int = _int("BENCH_CLI_RUNS", 5)
    # Before each section, wait up to this many seconds for other processes to go quiet.
    wait_quiet: float = _float("BENCH_WAIT_QUIET", 0)
    # Keep logs and temp files (printed path) instead of deleting them.
    keep: bool = os.environ.get("BENCH_KEEP", "") not in ("", "0")


SETTINGS = Settings()
