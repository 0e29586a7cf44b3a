"""A child process started again whenever it dies, as a process manager would do it in
production: what ``esqase-relay dev`` runs its worker under."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

import click


class Supervised(threading.Thread):
    """Restarted after 1 s, doubling to 30 s while it keeps dying young, so a crash loop
    does not spin; one that ran a minute or more is restarted after 1 s again."""

    def __init__(self, name: str, argv: list[str]) -> None:
        super().__init__(name=f"supervise-{name}", daemon=True)
        self.label, self.argv = name, argv
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.proc: subprocess.Popen[bytes] | None = None

    def _spawn(self) -> None:
        with self.lock:
            if not self.stopping.is_set():
                self.proc = subprocess.Popen(self.argv, env=os.environ.copy())

    def pid(self) -> int | None:
        """The pid of the child running now (a restart changes it)."""
        with self.lock:
            return self.proc.pid if self.proc is not None else None

    def start(self) -> None:
        self._spawn()  # at once, so the child is on its way before start() returns
        super().start()

    def run(self) -> None:
        delay = 1.0
        while self.proc is not None and not self.stopping.is_set():
            started = time.monotonic()
            code = self.proc.wait()
            # Ctrl-C reaches the whole process group: the child may exit a moment before
            # this process starts stopping it, and that is no crash to announce.
            if self.stopping.wait(0.5):
                return
            if time.monotonic() - started >= 60:
                delay = 1.0
            click.echo(f"{self.label} exited (code {code}); restarting in {delay:g}s", err=True)
            if self.stopping.wait(delay):
                return
            delay = min(30.0, delay * 2)
            self._spawn()

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM (RQ's warm shutdown), then SIGKILL if it is still there after ``timeout``."""
        with self.lock:
            self.stopping.set()
            proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
