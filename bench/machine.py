"""How busy the machine was apart from us while a section ran.

The 2-core machine is shared: another engineer's test run takes CPU the
servers under test would have had. All CPU time spent (``/proc/stat``) minus
our own and our reaped children's (``os.times``) minus the PostgreSQL
server's is what others used. Every section stops its processes before it
ends, so their time is counted as ours. PostgreSQL is not our child: a
thread samples its processes' CPU every second and reports it apart (it
serves our queries and other people's alike).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1


def _busy() -> float:
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / TICK


def _ours() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _postgres_cpu() -> dict[int, float]:
    """CPU seconds so far of every process named postgres, by pid."""
    found: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, rest = stat.split("(", 1)[1].rsplit(")", 1)
        if name.startswith("postgres"):
            fields = rest.split()
            found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICK
    return found


@dataclass
class Meter:
    wall0: float = 0.0
    busy0: float = 0.0
    ours0: float = 0.0
    pg_first: dict[int, float] = field(default_factory=dict)
    pg_last: dict[int, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> Meter:
        self.pg_first = _postgres_cpu()
        self.pg_last = dict(self.pg_first)
        self.wall0, self.busy0, self.ours0 = time.monotonic(), _busy(), _ours()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(1.0):
            self.pg_last.update(_postgres_cpu())

    def stop(self) -> tuple[float, float, float, float]:
        """(seconds, and the cores used on average by us, by PostgreSQL, by the rest)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.pg_last.update(_postgres_cpu())
        wall = time.monotonic() - self.wall0
        ours = _ours() - self.ours0
        pg = sum(cpu - self.pg_first.get(pid, 0.0) for pid, cpu in self.pg_last.items())
        others = max(0.0, _busy() - self.busy0 - ours - pg)
        return wall, ours / wall, pg / wall, others / wall


def wait_quiet(max_wait: float, threshold: float = 0.2, window: float = 5.0) -> float:
    """Wait (at most ``max_wait`` s) for a ``window`` in which other processes used under
    ``threshold`` cores; returns what they used in the last window. Call it between
    sections, when none of ours are running."""
    deadline = time.monotonic() + max_wait
    while True:
        meter = Meter().start()
        time.sleep(window)
        _, _, pg, others = meter.stop()
        if pg + others < threshold or time.monotonic() >= deadline:
            return pg + others
