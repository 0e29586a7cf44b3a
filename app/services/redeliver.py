"""Redeliver: send a job's last callback event again, as a new delivery of the same event.

The same event, so the same ``webhook-id`` and the same body (the job as it was when
the event happened), signed afresh with a new ``webhook-timestamp``. Standard Webhooks
receivers de-duplicate on ``webhook-id``: one that did process the event drops the
copy, and one that never got it (it was down, it answered 500, it was misconfigured)
processes it now. That is what "send it again" means to the person asking; an event
that should be acted on twice is a new job (replay), which has events of its own.

It goes through the callbacks queue like any delivery: recorded beside the others,
retried on RELAY_CALLBACK_RETRY_SCHEDULE afresh (``budget_start``), to the hook's
callback URL as it is now, and picked up by the sweeper if Redis was down.
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..db import get_db
from ..errors import Conflict
from ..jobs.present import iso
from ..models import CallbackEvent, EventStatus, Hook
from ..queues import enqueue_event
from .jobs import get

log = logging.getLogger(__name__)


def redeliver(session: Session, job_id: str, *, by: str) -> str:
    """The event id (its ``webhook-id``) queued for delivery again."""
    job = get(session, job_id)
    hook = session.get(Hook, job.hook_id)
    if hook is None or hook.deleted_at is not None or not hook.callback_url:
        name = f" {hook.name!r}" if hook is not None else ""
        raise Conflict(
            f"Hook{name} has no callback URL, so there is nowhere to send the callback. "
            "Set the hook's callback_url first.",
            code="no_callback_url",
        )
    event = session.scalar(
        select(CallbackEvent)
        .where(CallbackEvent.job_id == job.id)
        .order_by(CallbackEvent.created_at.desc(), CallbackEvent.id.desc())
        .limit(1)
    )
    if event is None:
        wanted = ", ".join(hook.callback_events or []) or "no events"
        raise Conflict(
            f"Job {job.id} ({job.status}) has sent no callback yet: one goes out when a job "
            f"succeeds, fails or needs review, and this hook asks for {wanted}.",
            code="no_callback_event",
        )
    with get_db().session() as s:
        attempts = s.scalar(
            update(CallbackEvent)
            .where(CallbackEvent.id == event.id, CallbackEvent.status != EventStatus.PENDING)
            .values(
                status=EventStatus.PENDING,
                next_attempt_at=None,
                budget_start=CallbackEvent.attempts_made,
            )
            .returning(CallbackEvent.attempts_made)
        )
    if attempts is None:
        raise Conflict(
            f"Job {job.id}'s {event.type} callback is still being delivered (attempt "
            f"{event.attempts_made}; next try {iso(event.next_attempt_at) or 'now'}). "
            "Redeliver once it was delivered or has failed.",
            code="callback_in_flight",
        )
    enqueue_event(event.id, attempt=attempts)  # a Redis outage: the sweeper sends it
    log.info("callback %s of job %s redelivered by %s", event.id, job.id, by)
    return event.id
