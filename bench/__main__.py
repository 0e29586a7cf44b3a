"""``make bench``: the benchmarks of issue 10, as users feel them, printed as tables.

``BENCH_ONLY=ingest,drain`` picks sections (cli, ingest, drain, rss, fairness,
history, and the opt-in worker-class); ``bench/settings.py`` lists every knob.
"""

from __future__ import annotations

import importlib
import platform
import signal
import time

from .harness import WORK, loadavg
from .machine import CORES, Meter, wait_quiet
from .report import TABLES
from .settings import SETTINGS

MODULES = {
    "cli": "cli_start",
    "ingest": "ingest",
    "drain": "drain",
    "rss": "rss",
    "fairness": "fairness",
    "history": "history",
    "worker-class": "worker_class",
}


def _interrupted(signum: int, _frame: object) -> None:
    # Our servers and workers run in sessions of their own: a SIGTERM must unwind the
    # ``finally`` blocks that stop them, as Ctrl-C does.
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> None:
    signal.signal(signal.SIGTERM, _interrupted)
    started = time.monotonic()
    print(f"make bench: Python {platform.python_version()}, {CORES} cores, load {loadavg()}")
    unknown = [name for name in SETTINGS.only if name not in MODULES]
    if unknown:
        raise SystemExit(f"unknown section {unknown[0]!r}; use {', '.join(MODULES)}")
    busy: list[str] = []
    try:
        for name in SETTINGS.only:
            if SETTINGS.wait_quiet:
                others = wait_quiet(SETTINGS.wait_quiet)
                print(f"\n(other processes use {others:.2f} cores as {name} starts)")
            meter = Meter().start()
            importlib.import_module(f".{MODULES[name]}", __package__).main()
            wall, ours, pg, others = meter.stop()
            line = (
                f"{name}: {wall:.0f} s; cores used: bench {ours:.2f}, PostgreSQL server "
                f"{pg:.2f}, other processes {others:.2f} (of {CORES})"
            )
            busy.append(line + ("  <- disturbed: rerun when quiet" if others > 0.25 else ""))
            print(f"({line})", flush=True)
    finally:
        WORK.cleanup()
    print("\n\n==== summary " + "=" * 60)
    for table in TABLES:
        print("\n" + table.render())
    print("\nmachine, per section (/proc/stat; 'other' is everything but us and PostgreSQL):")
    for line in busy:
        print(f"  {line}")
    print(f"(all sections: {time.monotonic() - started:.0f} s, load average now {loadavg()})")


if __name__ == "__main__":
    main()
