"""Gunicorn settings that ``esqase-relay serve`` loads (``-c python:app.gunicorn_config``).

Only prometheus-client's multiprocess bookkeeping lives here (see :mod:`app.metrics`);
every other setting is on ``serve``'s command line, and ``GUNICORN_CMD_ARGS`` adds more.
When ``PROMETHEUS_MULTIPROC_DIR`` is unset these hooks do nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def _folder() -> Path | None:
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(path) if path else None


def on_starting(server: Any) -> None:
    """Before the first fork: a fresh folder, as prometheus-client requires. Counts from
    an earlier run would be summed into this one's (it must be this server's own folder)."""
    folder = _folder()
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """A worker that exited (recycled, crashed) hands back its live gauges."""
    if _folder() is None:
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
