"""The job history as pages: a filtered, paged list with counts, one job in full, retry, cancel.

Every read and every change goes through :mod:`app.services.jobs`, the same
code as the admin API, so the rules (what may be retried, what a retry resets)
live in one place. A refused action becomes a flash message, never a 500.
The decisions on a job in review are in :mod:`.review`; replay and redeliver in
:mod:`.replay`.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from actions import registry
from actions.crud import NOUNS

from ..db import session
from ..errors import Conflict, RelayError
from ..models import JobStatus
from ..services import hooks as hook_svc
from ..services import jobs as svc
from ..services import replay as replay_svc
from ..services import review as review_svc
from . import bp, flow, people, queries
from .auth import actor as by

PAGE_SIZE = 50
FILTER_ARGS = ("status", "action", "hook_id", "q", "since", "until")
REVIEW = JobStatus.NEEDS_REVIEW.value


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
        people={v["id"]: people.of_job(v) for v in views},
        counts=counts,
        chosen=chosen,
        problem=problem,
        hook_names=names,
        statuses=[status.value for status in JobStatus],
        actions=list(registry()),
        hooks=hook_choices,
        replayable=not problem and _replayable_filter(chosen["status"]),
        kept=kept,
        next_url=url_for(".jobs", **kept, cursor=next_cursor) if next_cursor else None,
        first_url=url_for(".jobs", **kept) if cursor else None,
    )
    return page, 400 if problem else 200


def _replayable_filter(status: str) -> bool:
    """Bulk replay is offered when the list shows only jobs a replay can take."""
    chosen = [s for s in status.split(",") if s]
    return bool(chosen) and all(s in replay_svc.REPLAYABLE for s in chosen)


@bp.get("/jobs/<job_id>")
def job(job_id: str) -> ResponseReturnValue:
    with session() as s:
        view = svc.detail(s, job_id)  # NotFound becomes the 404 page (see guard)
        hook_name = queries.hook_names(s, [view["hook_id"]]).get(view["hook_id"], "")
        connection = queries.connection_names(s, [view.get("connection_id")])
        replayed_as = queries.replayed_as(s, view["id"])
        review: dict[str, Any] | None = None
        if view["status"] == REVIEW:
            row = svc.get(s, job_id)
            review = {
                "candidates": [
                    {"record": c, "person": people.person(c)} for c in review_svc.candidates(row)
                ],
                "noun": review_noun(review_svc.resource_in_doubt(s, row)),
            }
    return render_template(
        "dashboard/job.html",
        active="jobs",
        job=view,
        person=people.of_job(view),
        hook_name=hook_name,
        connection_name=connection.get(view.get("connection_id") or "", ""),
        replayed_as=replayed_as,
        review=review,
        can_retry=view["status"] in svc.RETRYABLE and view["status"] != REVIEW,
        can_cancel=view["status"] in svc.CANCELABLE and view["status"] != REVIEW,
        can_replay=view["status"] in replay_svc.REPLAYABLE and replayed_as is None,
        can_redeliver=bool(view.get("callbacks")),
    )


def review_noun(resource: str) -> str:
    """``leads`` -> ``lead``: what the person is asked to look for in Esqase."""
    return NOUNS.get(resource, (resource, resource))[0]


@bp.post("/jobs/<job_id>/retry")
def retry(job_id: str) -> ResponseReturnValue:
    """A create in review may already exist: the service refuses a plain retry of it
    (``confirm_create_required``) and the person is taken to the confirmation step."""
    try:
        with session() as s:
            svc.retry(s, job_id, by=by())
    except Conflict as exc:
        flash(exc.message, "error")
        if exc.code == "confirm_create_required":
            return redirect(url_for(".confirm_create", job_id=job_id))
        return redirect(url_for(".job", job_id=job_id))
    except RelayError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".jobs"))
    flash("The job is queued again; it will run in a moment.", "ok")
    return redirect(url_for(".job", job_id=job_id))


@bp.post("/jobs/<job_id>/cancel")
def cancel(job_id: str) -> ResponseReturnValue:
    """Not for a job in review: "canceled" would say nothing of a record that may be in
    Esqase. The person settles it instead (link, create, check again, or discard)."""

    def change(s: Any) -> Any:
        if svc.get(s, job_id).status == REVIEW:
            raise Conflict(CANCEL_IN_REVIEW, code="resolve_instead")
        return svc.cancel(s, job_id, by=by())

    return flow.act(job_id, change, flow.stay("The job is canceled; it will not run again."))


CANCEL_IN_REVIEW = (
    "This job waits for review: its record may already be in Esqase, so it is not "
    "simply canceled. Check Esqase, then link the record, create it, check again, or "
    "discard the job (below)."
)
