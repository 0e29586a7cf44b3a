"""The job history: list with filters and cursor paging, detail, retry, cancel, bulk retry."""

from __future__ import annotations

from flask import Response, request

from ..db import session
from ..services import jobs as svc
from . import bp
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
    confirm = json_body().get("confirm_create") is True
    with session() as s:
        job = svc.retry(s, job_id, confirm_create=confirm)
        return ok(svc.detail(s, job.id), 202)


@bp.post("/jobs/<job_id>/cancel")
def cancel_job(job_id: str) -> Response:
    with session() as s:
        job = svc.cancel(s, job_id)
        return ok(svc.detail(s, job.id))


@bp.post("/jobs/retry")
def retry_jobs() -> Response:
    filters = svc.JobFilter.parse(json_body())
    with session() as s:
        ids = svc.retry_many(s, filters)
    return ok({"retried": len(ids), "ids": ids}, 202)
