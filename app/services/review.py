"""A person's decisions on a job waiting for review, shared by the admin API, CLI and console.

A job is in ``needs_review`` when one of its creates left for Esqase, its answer was
lost, and reading Esqase could not say whether it happened (several look-alikes, or a
key that may not read). The person checks Esqase and says which it was:

=====================  ============================================================
link RECORD_ID         "it exists": the record is read from Esqase through the job's
                       connection (so a mistyped id is refused, never stored); the job
                       succeeds with it, or a composite action runs on from that step
confirm_create         "it does not exist": send the create again (``retry`` with
                       ``confirm_create``), the one way a create in doubt is re-sent
recheck                "check Esqase again": the next attempt only reads, never sends
discard                "it should not be there": canceled, nothing sent
=====================  ============================================================

Each is recorded in ``job.resolution`` with who made it (``by``).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions import get_action
from actions.crud import NOUNS
from app.esqase import ApiError, EsqaseClient, EsqaseError

from ..errors import Conflict, ValidationFailed
from ..http import esqase_http
from ..jobs import lifecycle
from ..jobs.preconditions import current
from ..models import Attempt, Connection, Job, JobStatus
from ..vault import VaultError, get_vault
from .linking import LinkNotPlaced, steps_after_link, unsettled_resource

REVIEW = (JobStatus.NEEDS_REVIEW,)


def candidates(job: Job) -> list[dict[str, Any]]:
    """The records the worker found matching what was sent (at most ten), for the page."""
    details = (job.error or {}).get("details") or []
    found = [d.get("record") for d in details if isinstance(d, dict)]
    return [record for record in found if isinstance(record, dict)]


def resource_in_doubt(session: Session, job: Job) -> str:
    """The resource of the create a person is asked about (a composite action has several)."""
    attempts = list(session.scalars(select(Attempt).where(Attempt.job_id == job.id)))
    return unsettled_resource(attempts, get_action(job.action).resource)


def link(session: Session, job_id: str, record_id: str, *, by: str) -> Job:
    job = current(session, job_id, REVIEW, "resolved", "not_resolvable")
    action = get_action(job.action)
    resource = resource_in_doubt(session, job)
    record = _read(session, job, resource, record_id.strip())
    try:
        steps = steps_after_link(job, action, resource, record)
    except LinkNotPlaced:
        raise Conflict(
            f"This {action.name} job cannot go on from a linked {_noun(resource)}. Check "
            "Esqase again, or create it (retry with confirm_create).",
            code="link_not_possible",
        ) from None
    return lifecycle.resolve(job.id, record, by=by, steps=steps)


def discard(session: Session, job_id: str, *, by: str) -> Job:
    return lifecycle.resolve(job_id, None, by=by)


def recheck(session: Session, job_id: str, *, by: str) -> Job:
    return lifecycle.retry(job_id, recheck=True, by=by)


def confirm_create(session: Session, job_id: str, *, by: str) -> Job:
    return lifecycle.retry(job_id, confirm_create=True, by=by)


def _noun(resource: str) -> str:
    return NOUNS.get(resource, (resource, resource))[0]


def _read(session: Session, job: Job, resource: str, record_id: str) -> dict[str, Any]:
    """The record as Esqase has it now, read with the job's own connection."""
    conn = session.get(Connection, job.connection_id) if job.connection_id else None
    if conn is None or conn.deleted_at is not None:
        raise Conflict(
            "The connection this job used was deleted, so Esqase cannot be read to check "
            "the record. Discard the job, or retry it once its hook has a connection.",
            code="connection_deleted",
        )
    try:
        key = get_vault().decrypt(conn.api_key_encrypted)
    except VaultError as exc:
        raise Conflict(
            f"{exc}; give connection {conn.name!r} its key again, then link the record.",
            code="connection_unreadable",
        ) from None
    http = esqase_http(current_app._get_current_object())  # type: ignore[attr-defined]
    noun = _noun(resource)
    try:
        return EsqaseClient(conn.base_url, key, http=http).get(resource, record_id)
    except ApiError as exc:
        if exc.status in (400, 404, 422):
            raise ValidationFailed(
                f"Esqase has no {noun} with id {record_id!r} (read through connection "
                f"{conn.name!r}). Pick one of the candidates, or copy the id from the "
                f"{noun}'s page in Esqase.",
                code="record_not_found",
                details=[{"path": "/record_id", "message": f"no {noun} with this id"}],
            ) from None
        if exc.status in (401, 403):
            raise Conflict(
                f"Esqase would not let connection {conn.name!r} read {noun}s ({exc.status}: "
                f"{exc.message}). Give its key read access to {resource}, then link again.",
                code="esqase_refused",
            ) from None
        raise _unavailable(noun, record_id, f"it answered {exc.status}") from None
    except EsqaseError as exc:
        why = str(getattr(exc, "reason", "") or "no answer")
        raise _unavailable(noun, record_id, why) from None


def _unavailable(noun: str, record_id: str, why: str) -> Conflict:
    return Conflict(
        f"Esqase could not be read to check {noun} {record_id!r} ({why}); nothing was "
        "changed. Try again in a moment.",
        code="esqase_unavailable",
    )
