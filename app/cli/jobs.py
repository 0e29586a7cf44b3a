"""The job history from a terminal: list, show, retry."""

from __future__ import annotations

import click

from .base import cli, echo_json, session


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
    from ..services import jobs as svc

    filters = svc.JobFilter.parse({"status": status, "action": action, "hook_id": hook_id, "q": q})
    with session() as s:
        views, cursor = svc.page(s, filters, limit=limit)
    for v in views:
        err = (v.get("error") or {}).get("message", "")
        click.echo(f"{v['id']}  {v['status']:<12} {v['action']:<26} {v['created_at']}  {err}")
    if cursor:
        click.echo(f"(more: --cursor {cursor})")


@jobs_group.command("show")
@click.argument("job_id")
def jobs_show(job_id: str) -> None:
    from ..services import jobs as svc

    with session() as s:
        echo_json(svc.detail(s, job_id))


@jobs_group.command("retry")
@click.argument("job_id")
@click.option(
    "--confirm-create",
    is_flag=True,
    help="For a create waiting for review: you checked Esqase and it is not there; send it.",
)
def jobs_retry(job_id: str, confirm_create: bool) -> None:
    from ..services import jobs as svc
    from .review import by

    with session() as s:
        job = svc.retry(s, job_id, confirm_create=confirm_create, by=by())
    click.echo(f"{job.id} queued again")
