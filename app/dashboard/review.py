"""A job in review settled in the browser: check Esqase again, link the record, create it, discard.

Each button is one call of :mod:`app.services.review` (the admin API's and CLI's too),
recorded with who is signed in (:func:`.auth.actor`). Creating it again is the one
decision that can make a duplicate, so it is never one click: a page of its own shows
what would be sent and asks the person to tick that they looked in Esqase
(``confirm_create``, the admin API's field name); a plain Retry lands there too.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..db import session
from ..errors import RelayError
from ..services import jobs as svc
from ..services import review
from . import bp, fields, flow, people
from .auth import actor as by
from .jobs import review_noun

CHECKED = (
    "Esqase will be read again in a moment (nothing is sent). One match settles the job; "
    "otherwise it stays here for you."
)
LINKED = "Linked: the job succeeded with that record; nothing was created."
LINKED_RUNS_ON = "Linked: the job runs on from that record (its other steps are still to do)."
DISCARDED = "Discarded: nothing more is sent to Esqase. A record already there stays there."
CREATING = "Confirmed: the create is sent to Esqase again; the job will run in a moment."
PICK = (
    "Pick one of the records found, or type the record's id from Esqase, to link it. "
    "Nothing was changed."
)
TICK = (
    "Tick the box to confirm you checked Esqase and the record is not there; otherwise "
    "link it instead. Nothing was sent."
)


@bp.post("/jobs/<job_id>/recheck")
def recheck(job_id: str) -> ResponseReturnValue:
    return flow.act(job_id, lambda s: review.recheck(s, job_id, by=by()), flow.stay(CHECKED))


@bp.post("/jobs/<job_id>/link")
def link(job_id: str) -> ResponseReturnValue:
    record_id = (request.form.get("record_id") or "").strip()
    if not record_id:
        flash(PICK, "error")
        return redirect(url_for(".job", job_id=job_id))

    def done(job: Any) -> tuple[str, str]:
        return (LINKED if job.status == "succeeded" else LINKED_RUNS_ON), str(job.id)

    return flow.act(job_id, lambda s: review.link(s, job_id, record_id, by=by()), done)


@bp.post("/jobs/<job_id>/discard")
def discard(job_id: str) -> ResponseReturnValue:
    return flow.act(job_id, lambda s: review.discard(s, job_id, by=by()), flow.stay(DISCARDED))


@bp.get("/jobs/<job_id>/create")
def confirm_create(job_id: str) -> ResponseReturnValue:
    return _confirmation(job_id)


@bp.post("/jobs/<job_id>/create")
def confirm_create_post(job_id: str) -> ResponseReturnValue:
    if request.form.get("confirm_create") != "true":
        return _confirmation(job_id, problem=TICK, status=400)
    change = lambda s: review.confirm_create(s, job_id, by=by())  # noqa: E731
    return flow.act(job_id, change, flow.stay(CREATING))


def _confirmation(job_id: str, problem: str | None = None, status: int = 200) -> Any:
    """What would be sent, and the candidates that made the relay unsure, before the tick."""
    try:
        with session() as s:
            job = svc.get(s, job_id)
            if job.status != "needs_review":
                flash(
                    f"This job is {job.status}, not waiting for review: there is nothing to "
                    "confirm.",
                    "error",
                )
                return redirect(url_for(".job", job_id=job.id))
            found = review.candidates(job)
            resource = review_noun(review.resource_in_doubt(s, job))
            view = {"id": job.id, "action": job.action, "input": job.input}
    except RelayError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".jobs"))
    page = render_template(
        "dashboard/confirm_create.html",
        active="jobs",
        job=view,
        person=people.of_job(view),
        input_rows=fields.rows(view["input"]),
        candidates=len(found),
        resource=resource,
        problem=problem,
    )
    return page, status
