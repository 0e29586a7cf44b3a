"""``esqase-relay worker --processes N``: N worker processes under one supervisor.

Each child is a whole worker (:func:`app.worker.run_worker`: RQ's loop on
every shard, the scheduler thread, heartbeat and sweeper), forked from this
process once the app is built, so the children share its imported code
instead of each paying the start-up. The parent only watches:

- a child that ends while no stop was asked (killed, crashed, its loop gone)
  is started again after a backoff (reset once a child has lived a minute),
  so N processes keep running; its running job, if any, is recovered by the
  sweeper of a live one, as for any dead worker;
- the parent never touches Redis or SQL, so an outage is ridden out by each
  child as a single worker rides it out;
- SIGTERM/SIGINT is passed on to every child (RQ's warm shutdown: each ends
  its current job), a second one too (cold); the parent ends when they have.
  Each child is in a process group of its own, so a signal sent to the whole
  group (Ctrl-C, a supervisor's stop) reaches a child once, through the parent;
  on Linux a child is also told SIGTERM should the parent die outright.

RQ 3's :class:`rq.worker_pool.WorkerPool` does the same watching, but its
children run RQ's plain work loop, not :func:`~app.worker.run_worker`, and it
would give up the outage handling and threads above.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from .outage import Backoff

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
LIVED = 60.0  # a child that ran this long was not in a crash loop


class Slot:
    """One of the N places; ``pid`` is its running child, if any."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.pid: int | None = None
        self.started = 0.0
        self.due = 0.0  # when it may be started (again)
        self.done = False  # burst: its child emptied the queues and ended
        self.backoff = Backoff()


def run_pool(processes: int, child: Callable[[int], None], *, burst: bool = False) -> int:
    """Keep ``processes`` children running ``child(number)`` until stopped; in burst mode,
    until each has ended on its own. Returns the exit status for the command."""
    slots = [Slot(n) for n in range(processes)]
    signals = {"count": 0}

    def on_signal(signum: int, frame: Any) -> None:
        signals["count"] += 1
        for slot in slots:
            if slot.pid is not None:
                _kill(slot.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    failed = False
    while True:
        now = time.monotonic()
        if not signals["count"]:
            for slot in slots:
                if slot.pid is None and not slot.done and now >= slot.due:
                    _start(slot, child)
        if all(slot.pid is None for slot in slots) and (
            signals["count"] or all(slot.done for slot in slots)
        ):
            return 1 if failed else 0
        pid, status = _reap()
        if pid == 0:
            time.sleep(0.2)
            continue
        found = next((s for s in slots if s.pid == pid), None)
        if found is None:
            continue
        slot, slot.pid = found, None
        code = os.waitstatus_to_exitcode(status)
        if burst and code == 0:
            slot.done = True
            continue
        failed = failed or (burst and code != 0)
        if signals["count"]:
            continue
        if time.monotonic() - slot.started > LIVED:
            slot.backoff.reset()
        slot.due = time.monotonic() + slot.backoff.next()
        log.warning(
            "worker pool: process %s (pid %s) ended (%s); a new one in %.1f s",
            slot.number,
            pid,
            _ending(code),
            slot.due - time.monotonic(),
        )


def _start(slot: Slot, child: Callable[[int], None]) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the parent's loop
        code = 0
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.setpgid(0, 0)
            _die_with_parent()
            child(slot.number)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # noqa: BLE001 - said, then the parent starts another
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    slot.pid, slot.started = pid, time.monotonic()
    log.info("worker pool: process %s started (pid %s)", slot.number, pid)


def _reap() -> tuple[int, int]:
    try:
        return os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return 0, 0


def _kill(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _die_with_parent() -> None:
    """Linux: SIGTERM this child when the parent dies (a warm stop, as from the parent)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)


def _ending(code: int) -> str:
    return f"signal {-code}" if code < 0 else f"exit status {code}"
