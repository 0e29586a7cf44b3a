"""The job history as pages: a filtered, paged list with counts, one job in full, retry, cancel.

Every read and every change goes through :mod:`app.services.jobs`, the same
code as the admin API, so the rules (what may be retried, what a retry resets)
live in one place. A refused action becomes a flash message, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from actions import registry

from ..db import session
from ..errors import NotFound, RelayError
from ..models import JobStatus
from ..services import hooks as hook_svc
from ..services import jobs as svc
from . import bp, queries

PAGE_SIZE = 50
FILTER_ARGS = ("status", "action", "hook_id", "q", "since", "until")


@bp.get("/jobs")
@bp.get("/")
def jobs() -> ResponseReturnValue:
    """Newest first. A bad filter (say, an unreadable date) is explained above an empty list."""
    chosen = {name: request.args.get(name, "") for name in FILTER_ARGS}
    cursor = request.args.get("cursor") or None
    views: list[dict[str, Any]] = []
    next_cursor: str | None = None
    problem: str | None = None
    with session() as s:
        counts = queries.status_counts(s)
        try:
            filters = svc.JobFilter.parse(request.args)
            views, next_cursor = svc.page(s, filters, limit=PAGE_SIZE, cursor=cursor)
        except RelayError as exc:
            problem = exc.message
        names = queries.hook_names(s, (v["hook_id"] for v in views))
        hook_choices = [(h.id, h.name) for h in hook_svc.list_all(s)]
    kept: dict[str, Any] = {name: value for name, value in chosen.items() if value}
    page = render_template(
        "dashboard/jobs.html",
        active="jobs",
        jobs=views,
        counts=counts,
        chosen=chosen,
        problem=problem,
        hook_names=names,
        statuses=[status.value for status in JobStatus],
        actions=list(registry()),
        hooks=hook_choices,
        next_url=url_for(".jobs", **kept, cursor=next_cursor) if next_cursor else None,
        first_url=url_for(".jobs", **kept) if cursor else None,
    )
    return page, 400 if problem else 200


@bp.get("/jobs/<job_id>")
def job(job_id: str) -> ResponseReturnValue:
    with session() as s:
        view = svc.detail(s, job_id)  # NotFound becomes the 404 page (see guard)
        hook_name = queries.hook_names(s, [view["hook_id"]]).get(view["hook_id"], "")
        connection = queries.connection_names(s, [view.get("connection_id")])
    return render_template(
        "dashboard/job.html",
        active="jobs",
        job=view,
        hook_name=hook_name,
        connection_name=connection.get(view.get("connection_id") or "", ""),
        can_retry=view["status"] in svc.RETRYABLE,
        can_cancel=view["status"] in svc.CANCELABLE,
    )


@bp.post("/jobs/<job_id>/retry")
def retry(job_id: str) -> ResponseReturnValue:
    return _act(job_id, svc.retry, "The job is queued again; it will run in a moment.")


@bp.post("/jobs/<job_id>/cancel")
def cancel(job_id: str) -> ResponseReturnValue:
    return _act(job_id, svc.cancel, "The job is canceled; it will not run again.")


def _act(job_id: str, change: Callable[[Session, str], object], done: str) -> ResponseReturnValue:
    """Post/redirect/get: the outcome is a flash message on the job's own page."""
    try:
        with session() as s:
            change(s, job_id)
    except NotFound as exc:
        flash(exc.message, "error")
        return redirect(url_for(".jobs"))
    except RelayError as exc:
        flash(exc.message, "error")
    else:
        flash(done, "ok")
    return redirect(url_for(".job", job_id=job_id))
