"""CLI start-up: what every ``esqase-relay`` command, worker and web process pays first.

Wall time of ``esqase-relay --help`` and ``esqase-relay jobs list`` (on a
migrated, empty SQLite database), median of ``BENCH_CLI_RUNS``, beside bare
Python and ``import flask`` as floors; then ``python -X importtime`` of
``jobs list``: the imports that cost most, whole (cumulative, top-level
imports) and by themselves (self).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from .harness import RELAY, ROOT, database, relay_env
from .report import Table, section, show
from .settings import SETTINGS

TOP = 8


def _timed(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{result.stderr[-2000:]}")
    return elapsed


def importtime(argv: list[str], env: dict[str, str]) -> list[tuple[int, int, int, str]]:
    """[(self us, cumulative us, depth, module)] from ``-X importtime``'s report."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative, name = line[len("import time:") :].split("|", 2)
        depth = (len(name) - len(name.lstrip(" "))) // 2
        rows.append((int(self_us), int(cumulative), depth, name.strip()))
    return rows


def main() -> None:
    section(f"CLI start-up, median of {SETTINGS.cli_runs}")
    table = Table(
        f"CLI start-up (wall, median of {SETTINGS.cli_runs}; min-max)",
        "command|median|min|max",
    )
    with database("sqlite") as db_url:
        env = relay_env(db_url, "redis://127.0.0.1:1/0")
        commands = {
            "python -c pass (floor)": [sys.executable, "-c", "pass"],
            "python -c 'import flask' (floor)": [sys.executable, "-c", "import flask"],
            "esqase-relay --help": [RELAY, "--help"],
            "esqase-relay jobs list": [RELAY, "jobs", "list"],
        }
        for name, argv in commands.items():
            _timed(argv, env)  # warm the page cache and .pyc files
            times = [_timed(argv, env) for _ in range(SETTINGS.cli_runs)]
            table.add(name, _s(statistics.median(times)), _s(min(times)), _s(max(times)))
        show(table)
        for args in (["--help"], ["jobs", "list"]):
            show(_importtime_table(args, importtime([RELAY, *args], env)))


def _importtime_table(args: list[str], rows: list[tuple[int, int, int, str]]) -> Table:
    total = sum(r[0] for r in rows)
    by_package: dict[str, int] = {}
    for self_us, _, _, name in rows:
        root = name.split(".")[0]
        by_package[root] = by_package.get(root, 0) + self_us
    table = Table(
        f"python -X importtime esqase-relay {' '.join(args)}: {total / 1e6:.2f} s importing; "
        f"top {TOP} packages (own modules' self time summed) and modules (self)",
        "package|self||module|self",
    )
    packages = sorted(by_package.items(), key=lambda kv: -kv[1])[:TOP]
    modules = sorted(rows, key=lambda r: -r[0])[:TOP]
    for (package, us), module in zip(packages, modules, strict=False):
        table.add(package, _s(us / 1e6), "", module[3], _s(module[0] / 1e6))
    return table


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s"
