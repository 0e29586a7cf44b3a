"""The job history: list with filters and cursor paging, detail, retry, cancel, bulk retry;
a person's decisions on a job (resolve, replay, redeliver); what needs attention."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from ..db import session
from ..errors import BadRequest, ValidationFailed
from ..services import attention, bodies, redeliver, replay, review
from ..services import jobs as svc
from . import bp
from .auth import actor
from .util import json_body, ok


@bp.get("/jobs")
def list_jobs() -> Response:
    filters = svc.JobFilter.parse(request.args)
    with session() as s:
        views, cursor = svc.page(
            s, filters, limit=request.args.get("limit"), cursor=request.args.get("cursor")
        )
    return ok(views, next_cursor=cursor)


@bp.get("/jobs/<job_id>")
def get_job(job_id: str) -> Response:
    with session() as s:
        return ok(svc.detail(s, job_id))


@bp.post("/jobs/<job_id>/retry")
def retry_job(job_id: str) -> Response:
    """``{"confirm_create": true}`` is required for a create waiting for review."""
    body = json_body()
    bodies.check("job.retry", body, "retry")
    with session() as s:
        job = svc.retry(s, job_id, confirm_create=body.get("confirm_create") is True, by=actor())
        return ok(svc.detail(s, job.id), 202)


@bp.post("/jobs/<job_id>/cancel")
def cancel_job(job_id: str) -> Response:
    with session() as s:
        job = svc.cancel(s, job_id, by=actor())
        return ok(svc.detail(s, job.id))


@bp.post("/jobs/<job_id>/resolve")
def resolve_job(job_id: str) -> Response:
    """``{"action": "link", "record_id": ...}`` | ``{"action": "discard"}`` |
    ``{"action": "recheck"}``, for a job waiting for review."""
    body = json_body()
    found = bodies.problems("job.resolve", body)
    fields = bodies.typed(body, found)
    if fields.get("action") == "link" and "record_id" not in body:
        found.append(bodies.problem("/record_id", "record_id is required to link a record"))
    if fields.get("action") in ("discard", "recheck") and "record_id" in body:
        found.append(bodies.problem("/record_id", "record_id is used only with action link"))
    bodies.raise_if(found, "resolution")
    with session() as s:
        if body["action"] == "link":
            job = review.link(s, job_id, body["record_id"], by=actor())
        elif body["action"] == "discard":
            job = review.discard(s, job_id, by=actor())
        else:
            job = review.recheck(s, job_id, by=actor())
        # 202 when it runs again: a recheck, or a composite action going on from a link.
        return ok(svc.detail(s, job.id), 202 if job.status == "queued" else 200)


@bp.post("/jobs/<job_id>/replay")
def replay_job(job_id: str) -> Response:
    """A new job from the stored body; the old one stays as it was."""
    with session() as s:
        job = replay.replay(s, job_id, by=actor())
        return ok(svc.detail(s, job.id), 200 if job.status == "ignored" else 202)


@bp.post("/jobs/<job_id>/redeliver")
def redeliver_job(job_id: str) -> Response:
    with session() as s:
        event_id = redeliver.redeliver(s, job_id, by=actor())
        return ok(svc.detail(s, job_id), 202, event_id=event_id)


@bp.post("/jobs/retry")
def retry_jobs() -> Response:
    filters = svc.JobFilter.parse(json_body())
    with session() as s:
        ids = svc.retry_many(s, filters, by=actor())
    return ok({"retried": len(ids), "ids": ids}, 202)


@bp.post("/jobs/replay")
def replay_jobs() -> Response:
    """Bulk replay by filter (``status`` rejected by default, or failed), up to ``limit``."""
    body = {k: v for k, v in json_body().items() if v is not None}
    limit = _bulk_limit(body.pop("limit", replay.BULK_LIMIT))
    filters = svc.JobFilter.parse(body)
    with session() as s:
        return ok(replay.replay_many(s, filters, by=actor(), limit=limit), 202)


def _bulk_limit(raw: Any) -> int:
    try:
        bodies.check("jobs.replay", {"limit": raw}, "replay filter")
    except ValidationFailed as exc:
        raise BadRequest(exc.message, code="invalid_filter", details=exc.details) from None
    return int(raw)


@bp.get("/attention")
def get_attention() -> Response:
    """What needs a person: the console's header count, item by item."""
    with session() as s:
        return ok(attention.summary(s).to_dict())
