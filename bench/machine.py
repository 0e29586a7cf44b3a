"""How busy the machine was apart from us while a section ran.

The 2-core machine is shared: another engineer's test run takes CPU the
servers under test would have had. All CPU time spent (``/proc/stat``) minus
our own and our reaped children's (``os.times``) is what others used; every
section stops its processes before it ends, so their time is counted as ours.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

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


@dataclass
class Meter:
    wall0: float = 0.0
    busy0: float = 0.0
    ours0: float = 0.0

    def start(self) -> Meter:
        self.wall0, self.busy0, self.ours0 = time.monotonic(), _busy(), _ours()
        return self

    def stop(self) -> tuple[float, float, float]:
        """(seconds, cores we used on average, cores others used on average)."""
        wall = time.monotonic() - self.wall0
        ours = _ours() - self.ours0
        others = max(0.0, _busy() - self.busy0 - ours)
        return wall, ours / wall, others / wall


def wait_quiet(max_wait: float, threshold: float = 0.2, window: float = 5.0) -> float:
    """Wait (at most ``max_wait`` s) for a ``window`` in which other processes used under
    ``threshold`` cores; returns what they used in the last window. Call it between
    sections, when none of ours are running."""
    deadline = time.monotonic() + max_wait
    while True:
        meter = Meter().start()
        time.sleep(window)
        _, _, others = meter.stop()
        if others < threshold or time.monotonic() >= deadline:
            return others
