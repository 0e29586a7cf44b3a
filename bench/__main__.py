"""``make bench``: the benchmarks of issue 10, as users feel them, printed as tables.

``BENCH_ONLY=ingest,drain`` picks sections (cli, ingest, drain, rss, fairness,
history, and the opt-in worker-class); ``bench/settings.py`` lists every knob.
"""

from __future__ import annotations

import importlib
import platform
import time

from .harness import WORK, loadavg
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


def main() -> None:
    started = time.monotonic()
    print(f"make bench: {platform.node()}, {platform.python_version()}, load {loadavg()}")
    try:
        for name in SETTINGS.only:
            if name not in MODULES:
                raise SystemExit(f"unknown section {name!r}; use {', '.join(MODULES)}")
            importlib.import_module(f".{MODULES[name]}", __package__).main()
    finally:
        WORK.cleanup()
    print("\n\n==== summary " + "=" * 60)
    for table in TABLES:
        print("\n" + table.render())
    print(f"\n(all sections: {time.monotonic() - started:.0f} s, load average now {loadavg()})")


if __name__ == "__main__":
    main()
