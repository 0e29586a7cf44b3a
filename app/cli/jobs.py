"""The job history from a terminal: list, show, retry."""

from __future__ import annotations

import json
import shlex
from typing import Any

import click

from .base import cli, echo_json, emit, fields, json_option, session, shown, table


@cli.group("jobs", short_help="The job history.")
def jobs_group() -> None:
    """The job history: every delivery and what happened to it."""


@jobs_group.command("list", short_help="List jobs, newest first.")
@click.option(
    "--status",
    default=None,
    help="Only these statuses, comma-separated (e.g. failed,needs_review).",
)
@click.option("--action", default=None, help="Only jobs of this action (e.g. leads.create).")
@click.option("--hook", "hook_id", default=None, help="Only jobs of this hook (hook_...).")
@click.option(
    "--q",
    default=None,
    help="Search: a job id or its start, an idempotency key, an email, a name.",
)
@click.option(
    "--since", default=None, help="Created at or after this ISO time (2026-07-01T00:00Z)."
)
@click.option("--until", default=None, help="Created before this ISO time.")
@click.option(
    "--limit", default=20, show_default=True, type=click.IntRange(1, 200), help="Jobs per page."
)
@click.option("--cursor", default=None, help="Start after this job: the next page's cursor.")
@json_option
@click.pass_context
def jobs_list(
    ctx: click.Context,
    status: str | None,
    action: str | None,
    hook_id: str | None,
    q: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    cursor: str | None,
    as_json: bool,
) -> None:
    """Jobs, newest first, a page at a time."""
    from ..services import jobs as svc

    filters = svc.JobFilter.parse(
        {
            "status": status,
            "action": action,
            "hook_id": hook_id,
            "q": q,
            "since": since,
            "until": until,
        }
    )
    with session() as s:
        views, next_cursor = svc.page(s, filters, limit=limit, cursor=cursor)
    if as_json:
        echo_json({"data": views, "next_cursor": next_cursor})
        return
    table(
        ["ID", "STATUS", "ACTION", "CREATED", "ERROR"],
        [
            [
                v["id"],
                v["status"],
                v["action"],
                v["created_at"],
                (v.get("error") or {}).get("message"),
            ]
            for v in views
        ],
        empty="no jobs match",
    )
    if next_cursor:
        click.echo(f"\nmore: {_next_page(ctx, next_cursor)}")


def _next_page(ctx: click.Context, cursor: str) -> str:
    """The command line that prints the next page: the same filters, a new cursor."""
    argv = ["esqase-relay", "jobs", "list"]
    for name, value in ctx.params.items():
        if name in ("cursor", "as_json") or value is None:
            continue
        if name == "limit" and value == 20:
            continue
        option = "--hook" if name == "hook_id" else f"--{name}"
        argv += [option, str(value)]
    return shlex.join([*argv, "--cursor", cursor])


def show_job(job: dict[str, Any]) -> None:
    fields(
        [
            ("id", job["id"]),
            ("status", job["status"]),
            ("action", job["action"]),
            ("hook", job["hook_id"]),
            ("connection", job["connection_id"]),
            ("idempotency key", job["idempotency_key"]),
            ("created", job["created_at"]),
            ("finished", job["finished_at"]),
            ("attempts", job["attempt_count"]),
            ("next attempt", job["next_attempt_at"]),
            ("replay of", job.get("replay_of")),
            ("resolution", job.get("resolution")),
        ]
    )
    for name in ("input", "result", "error"):
        if job.get(name) is not None:
            click.echo(f"\n{name}:")
            click.echo("  " + json.dumps(job[name], indent=2, default=str).replace("\n", "\n  "))
    for attempt in job.get("attempts", []):
        span = f"{attempt['started_at']} .. {shown(attempt['finished_at'])}"
        click.echo(
            f"\nattempt {attempt['number']}: {shown(attempt['outcome'])}"
            f"  ({span}, {shown(attempt['worker'])})"
        )
        if attempt.get("error"):
            click.echo(f"  error: {attempt['error'].get('message', attempt['error'])}")
        for call in attempt["calls"]:
            status = call.get("status") or call.get("error") or "no answer"
            click.echo(
                f"  {call['method']:<6} {call['path']}  {status}  {call.get('duration_ms', '-')} ms"
            )
    for event in job.get("callbacks", []):
        click.echo(
            f"\ncallback {event['type']}: {event['status']} ({event['attempts']} attempt(s))"
        )
        for d in event["deliveries"]:
            answer = d["status_code"] or d["error"] or "no answer"
            click.echo(f"  #{d['number']} {d['at']}  {answer}  {d['url']}")


@jobs_group.command("show", short_help="Show a job: attempts, calls, callbacks.")
@click.argument("job_id")
@json_option
def jobs_show(job_id: str, as_json: bool) -> None:
    """One job, JOB_ID: its input, every attempt with the HTTP calls it made, and every
    callback delivery."""
    from ..services import jobs as svc

    with session() as s:
        data = svc.detail(s, job_id)
    emit(data, as_json, show_job)


@jobs_group.command("retry", short_help="Run a failed job again.")
@click.argument("job_id")
@click.option(
    "--confirm-create",
    is_flag=True,
    help="For a create waiting for review: you checked Esqase and it is not there; send it.",
)
def jobs_retry(job_id: str, confirm_create: bool) -> None:
    """Run JOB_ID (failed, needs_review or canceled) again, with a fresh retry budget."""
    from ..services import jobs as svc
    from .review import by

    with session() as s:
        job = svc.retry(s, job_id, confirm_create=confirm_create, by=by())
    click.echo(f"{job.id} queued again")
