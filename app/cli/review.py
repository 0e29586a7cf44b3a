"""A person's decisions on a job from a terminal: resolve, replay, redeliver.

Registered on the ``jobs`` group of :mod:`.jobs`. Each decision is recorded as made by
``cli:<user>`` (the account running the command).
"""

from __future__ import annotations

import getpass
from typing import Any

import click

from .base import echo_json, session
from .jobs import jobs_group


def by() -> str:
    """Who runs this command, as a job's resolution records it."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        return "cli:unknown"


@jobs_group.command("resolve")
@click.argument("job_id")
@click.option("--link", "record_id", metavar="RECORD_ID", help="It exists: link this record.")
@click.option("--discard", is_flag=True, help="It should not be in Esqase: cancel the job.")
@click.option("--recheck", is_flag=True, help="Check Esqase again (reads only, never sends).")
def jobs_resolve(job_id: str, record_id: str | None, discard: bool, recheck: bool) -> None:
    """Settle a job waiting for review: its create may or may not have reached Esqase.
    To create it after all, use 'jobs retry JOB_ID --confirm-create'."""
    from ..services import review

    chosen = [name for name, on in (("--link", record_id), ("--discard", discard)) if on]
    chosen += ["--recheck"] if recheck else []
    if len(chosen) != 1:
        raise click.UsageError("Give exactly one of --link RECORD_ID, --discard or --recheck.")
    with session() as s:
        if record_id:
            job = review.link(s, job_id, record_id, by=by())
        elif discard:
            job = review.discard(s, job_id, by=by())
        else:
            job = review.recheck(s, job_id, by=by())
    click.echo(f"{job.id} {job.status} ({(job.resolution or {}).get('kind')} by {by()})")


@jobs_group.command("replay")
@click.argument("job_id", required=False)
@click.option("--status", help="Bulk: rejected (the default) or failed, comma-separated.")
@click.option("--hook", "hook_id", help="Bulk: only this hook's jobs.")
@click.option("--action", help="Bulk: only jobs of this action.")
@click.option("--since", help="Bulk: created at or after this ISO 8601 time.")
@click.option("--until", help="Bulk: created before this ISO 8601 time.")
@click.option("--q", help="Bulk: search ids, idempotency keys, emails, names (as jobs list --q).")
@click.option("--limit", default=1000, show_default=True, help="Bulk: at most this many jobs.")
def jobs_replay(job_id: str | None, limit: int, **filters: Any) -> None:
    """Run a rejected or failed delivery's stored body through its hook's current rules,
    as a new job linked to the old one; or, with filters instead of JOB_ID, every
    matching job not replayed yet."""
    from ..services import jobs as svc
    from ..services import replay

    given = {k: v for k, v in filters.items() if v is not None}
    if bool(job_id) == bool(given):
        raise click.UsageError("Give a JOB_ID, or filters (--status, --hook, ...) for many.")
    with session() as s:
        if job_id:
            job = replay.replay(s, job_id, by=by())
            click.echo(f"{job_id} replayed as {job.id} ({job.status})")
            return
        report = replay.replay_many(s, svc.JobFilter.parse(given), by=by(), limit=limit)
    echo_json(report)


@jobs_group.command("redeliver")
@click.argument("job_id")
def jobs_redeliver(job_id: str) -> None:
    """Send the job's last callback again (same webhook-id: receivers drop a duplicate)."""
    from ..services import redeliver

    with session() as s:
        event_id = redeliver.redeliver(s, job_id, by=by())
    click.echo(f"{job_id}: callback {event_id} queued for delivery again")
