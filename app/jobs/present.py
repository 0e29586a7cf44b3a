"""How a job looks from outside: the public view (hook URL, callbacks) and the admin view.

The public view leaves out the input: a hook URL is a capability to write,
and should not also be one to read back what others sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Attempt, CallbackEvent, Delivery, Hook, Job


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def hook_url(public_url: str, hook: Hook) -> str:
    return f"{public_url}/hooks/{hook.token}"


def public_view(job: Job, hook_base: str) -> dict[str, Any]:
    """``hook_base`` is the hook's URL; the job's status URL hangs below it."""
    view: dict[str, Any] = {
        "id": job.id,
        "status": job.status,
        "action": job.action,
        "created_at": iso(job.created_at),
        "updated_at": iso(job.updated_at),
        "finished_at": iso(job.finished_at),
        "attempt_count": job.attempts_made,
        "next_attempt_at": iso(job.next_attempt_at),
        "status_url": f"{hook_base}/jobs/{job.id}",
    }
    if job.result is not None:
        view["result"] = job.result
    if job.error is not None:
        view["error"] = job.error
    if (job.resolution or {}).get("kind") == "reconciled":
        view["reconciled"] = True  # found in Esqase after its create's answer was lost
    return view


def attempt_view(attempt: Attempt) -> dict[str, Any]:
    return {
        "number": attempt.number,
        "worker": attempt.worker,
        "started_at": iso(attempt.started_at),
        "finished_at": iso(attempt.finished_at),
        "outcome": attempt.outcome,
        "error": attempt.error,
        "calls": attempt.calls or [],
    }


def delivery_view(delivery: Delivery) -> dict[str, Any]:
    return {
        "number": delivery.number,
        "url": delivery.url,
        "ok": delivery.ok,
        "status_code": delivery.status_code,
        "error": delivery.error,
        "duration_ms": delivery.duration_ms,
        "response_excerpt": delivery.response_excerpt,
        "at": iso(delivery.created_at),
    }


def admin_view(session: Session, job: Job, hook_base: str, *, detail: bool) -> dict[str, Any]:
    view = public_view(job, hook_base)
    view.update(
        {
            "hook_id": job.hook_id,
            "connection_id": job.connection_id,
            "idempotency_key": job.idempotency_key,
            "input": job.input,
            "resolution": job.resolution,
            "replay_of": job.replay_of,
        }
    )
    if job.received is not None:
        view["received"] = job.received
    if not detail:
        return view
    attempts = session.scalars(
        select(Attempt).where(Attempt.job_id == job.id).order_by(Attempt.number)
    )
    view["attempts"] = [attempt_view(a) for a in attempts]
    view["checkpoint"] = job.checkpoint
    events = session.scalars(
        select(CallbackEvent).where(CallbackEvent.job_id == job.id).order_by(CallbackEvent.id)
    ).all()
    deliveries = session.scalars(
        select(Delivery).where(Delivery.job_id == job.id).order_by(Delivery.id)
    ).all()
    view["callbacks"] = [
        {
            "id": e.id,
            "type": e.type,
            "status": e.status,
            "attempts": e.attempts_made,
            "next_attempt_at": iso(e.next_attempt_at),
            "deliveries": [delivery_view(d) for d in deliveries if d.event_id == e.id],
        }
        for e in events
    ]
    return view
