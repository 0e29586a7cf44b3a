"""The database schema, retention, and key rotation."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import click
from flask import current_app

from .base import cli, confirm, session, yes_option

if TYPE_CHECKING:
    from ..services.retention import Purged

PROGRESS_EVERY = 2.0  # seconds between progress lines of a long purge


@cli.group("db", short_help="The database schema.")
def db_group() -> None:
    """The database schema (Alembic migrations; the same for SQLite and PostgreSQL)."""


@db_group.command("upgrade", short_help="Apply every migration.")
def db_upgrade() -> None:
    """Apply every migration (SQLite or PostgreSQL, the same revisions)."""
    from ..db import get_db

    get_db().upgrade()
    click.echo("database is up to date")


@cli.command("purge", short_help="Delete finished jobs past retention.")
@click.option(
    "--days",
    type=int,
    default=None,
    help="Delete jobs that finished more than this many days ago (1 or more). "
    "Default: RELAY_RETENTION_DAYS.",
)
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10_000),
    default=1000,
    show_default=True,
    help="Jobs deleted per transaction; each batch is committed before the next.",
)
@yes_option
def purge(days: int | None, dry_run: bool, batch_size: int, yes: bool) -> None:
    """Delete finished jobs older than the retention period, with their history.

    Queued, running, retrying and needs_review jobs are never deleted. Jobs go in
    batches, each committed on its own, so deliveries and workers carry on while a
    large history is purged; a long purge reports its progress every few seconds
    (on stderr) and may be stopped and run again at any point.
    """
    from ..services.retention import purge as do_purge

    if days is None:
        days = current_app.config["RETENTION_DAYS"]
        if days < 1:
            raise click.UsageError(f"RELAY_RETENTION_DAYS must be 1 or more (it is {days})")
    elif days < 1:
        raise click.BadParameter(
            f"must be 1 or more (got {days}); purge keeps the last DAYS days of finished jobs",
            param_hint="'--days'",
        )
    if not dry_run:
        confirm(f"Delete every job that finished more than {days} day(s) ago, for good?", yes)
    with session() as s:
        n = do_purge(s, days, batch=batch_size, dry_run=dry_run, progress=_Progress(batch_size))
    said = f"{n.summary()} finished more than {days} day(s) ago"
    click.echo(f"would purge {said}; nothing deleted" if dry_run else f"purged {said}")


class _Progress:
    """A line on stderr at most every PROGRESS_EVERY seconds, and only while full batches
    go (more may follow): a purge that fits one batch prints only its summary."""

    def __init__(self, batch: int) -> None:
        self.batch = batch
        self.started = self.shown = time.monotonic()

    def __call__(self, total: Purged) -> None:
        now = time.monotonic()
        if total.jobs % self.batch or now - self.shown < PROGRESS_EVERY:
            return
        self.shown = now
        rate = total.jobs / max(now - self.started, 1e-9)
        click.echo(f"purging: {total.jobs:,} job(s) so far, {rate:,.0f} job(s)/s", err=True)


@cli.command("reencrypt", short_help="Re-seal secrets under the newest key.")
def reencrypt() -> None:
    """Re-seal every stored key and secret under the newest RELAY_SECRET_KEY.

    Run it after putting a new key in front of RELAY_SECRET_KEY; then the old key can go.
    """
    from ..services.reencrypt import reencrypt as do_reencrypt

    with session() as s:
        n = do_reencrypt(s)
    click.echo(f"re-encrypted {n} secret(s) under the newest key; older keys can go")
