"""Replay and redeliver from the console: one job from its page, many from the jobs list.

A replay runs a delivery's stored body through its hook's *current* rules as a new job
(:mod:`app.services.replay`); the two job pages link to each other. A bulk replay takes
the jobs list's current filter and first shows how many deliveries it would replay, so
a person never sends a thousand leads by surprise. Redeliver sends the job's last
callback again (:mod:`app.services.redeliver`). Refusals are the services' sentences.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..db import session
from ..errors import RelayError
from ..services import jobs as svc
from ..services import redeliver as redeliver_svc
from ..services import replay as replay_svc
from . import bp, flow
from .auth import actor as by

FILTER_ARGS = ("status", "action", "hook_id", "q", "since", "until")


@bp.post("/jobs/<job_id>/replay")
def replay(job_id: str) -> ResponseReturnValue:
    def done(new: Any) -> tuple[str, str]:
        if new.status == "ignored":
            return f"Replayed as job {new.id}: the hook ignores this kind of event.", str(new.id)
        return f"Replayed as job {new.id}, which is queued to run.", str(new.id)

    return flow.act(job_id, lambda s: replay_svc.replay(s, job_id, by=by()), done)


@bp.post("/jobs/<job_id>/redeliver")
def redeliver(job_id: str) -> ResponseReturnValue:
    def done(event_id: str) -> tuple[str, str]:
        return (
            f"The last callback (webhook-id {event_id}) is queued to be sent again; receivers "
            "that already have it drop the copy.",
            job_id,
        )

    return flow.act(job_id, lambda s: redeliver_svc.redeliver(s, job_id, by=by()), done)


def _filters(source: Any) -> dict[str, Any]:
    return {name: source.get(name, "") for name in FILTER_ARGS if source.get(name)}


@bp.get("/jobs/replay")
def replay_many() -> ResponseReturnValue:
    """The confirmation: how many deliveries the current filter would replay."""
    chosen = _filters(request.args)
    try:
        with session() as s:
            count = replay_svc.count_pending(s, svc.JobFilter.parse(chosen))
    except RelayError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".jobs", **chosen))
    return render_template(
        "dashboard/replay_many.html",
        active="jobs",
        chosen=chosen,
        count=count,
        limit=replay_svc.BULK_LIMIT,
    )


@bp.post("/jobs/replay")
def replay_many_post() -> ResponseReturnValue:
    chosen = _filters(request.form)
    try:
        with session() as s:
            report = replay_svc.replay_many(s, svc.JobFilter.parse(chosen), by=by())
    except RelayError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".jobs", **chosen))
    flash(_summary(report), "ok")
    return redirect(url_for(".jobs", **chosen))


def _summary(report: dict[str, Any]) -> str:
    done = report["accepted"] + report["ignored"] + report["still_rejected"]
    parts = [f"{done} replayed: {report['accepted']} queued to run"]
    if report["ignored"]:
        parts.append(f"{report['ignored']} ignored by the hook")
    if report["still_rejected"]:
        parts.append(f"{report['still_rejected']} still refused (kept as new rejected jobs)")
    if report["skipped"]:
        parts.append(f"{report['skipped']} skipped")
    more = " More remain: replay again to go on." if report["more"] else ""
    return "; ".join(parts) + "." + more
