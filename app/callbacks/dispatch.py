"""Delivering a recorded callback event: one attempt per RQ job on the callbacks queue.

Each attempt is claimed with a lease (so the sweeper leaves an attempt in flight
alone), recorded as a :class:`~app.models.Delivery`, and settles the event in
the same transaction: delivered, pending again with a backoff, or failed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update

from .. import metrics
from ..db import get_db
from ..http import callback_http
from ..models import CallbackEvent, Delivery, EventStatus, Hook, Job, utcnow
from ..queues import callback_job_timeout, enqueue_event
from ..vault import VaultError, get_vault
from .delivery import DeliveryResult, deliver

log = logging.getLogger(__name__)


def deliver_event(event_id: str) -> str:
    """RQ entry for the callbacks queue: one delivery attempt of one event."""
    app = current_app
    with get_db().session() as s:
        event = s.get(CallbackEvent, event_id)
        if event is None or event.status != EventStatus.PENDING:
            return "skipped"
        seen = event.attempts_made
        # A lease: the sweeper leaves the event alone while this delivery may be in flight,
        # which RQ's job timeout bounds.
        lease = utcnow() + timedelta(seconds=callback_job_timeout(app) + 30)
        claimed = s.execute(
            update(CallbackEvent)
            .where(
                CallbackEvent.id == event_id,
                CallbackEvent.status == EventStatus.PENDING,
                CallbackEvent.attempts_made == seen,
            )
            .values(attempts_made=seen + 1, next_attempt_at=lease)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return "skipped"
        job = s.get(Job, event.job_id)
        hook = s.get(Hook, job.hook_id) if job else None

    number = seen + 1
    url = hook.callback_url if hook and hook.deleted_at is None else None
    if not url or hook is None:
        gone = "the hook has no callback URL any more; nothing to deliver"
        return _conclude(event, number, "", DeliveryResult(False, None, gone, 0, None, False))
    try:
        secret = get_vault().decrypt(hook.callback_secret_encrypted)
        result = deliver(
            callback_http(app),
            url,
            secret,
            event_id=event_id,
            event_type=event.type,
            data=event.payload,
            timestamp=utcnow(),
            occurred_at=event.created_at,
        )
    except VaultError:
        unreadable = (
            "internal error: the hook's callback secret cannot be decrypted with "
            "RELAY_SECRET_KEY; rotate "
            "the hook's callback secret (esqase-relay hooks rotate HOOK_ID --what callback_secret)"
        )
        result = DeliveryResult(False, None, unreadable, 0, None, retryable=False)
    except Exception as exc:  # noqa: BLE001 - recorded and retried like any failed delivery
        log.exception("callback %s: delivery raised", event_id)
        internal = f"internal error: {type(exc).__name__}"
        result = DeliveryResult(False, None, internal, 0, None, retryable=True)
    metrics.callback_delivered(result.ok)
    return _conclude(event, number, url, result)


def _conclude(event: CallbackEvent, number: int, url: str, result: DeliveryResult) -> str:
    """Record the delivery and settle the event in one transaction: a crash between
    the two would otherwise redeliver an event already delivered."""
    schedule = current_app.config["CALLBACK_RETRY_SCHEDULE"]
    tries = number - (event.budget_start or 0)  # a redelivery starts the schedule again
    next_at: datetime | None = None
    delay = 0
    if result.ok:
        status, outcome = EventStatus.DELIVERED, "delivered"
    elif result.retryable and tries <= len(schedule):
        delay = schedule[tries - 1]
        status, outcome = EventStatus.PENDING, "retrying"
        next_at = utcnow() + timedelta(seconds=delay)
    else:
        status, outcome = EventStatus.FAILED, "failed"
    with get_db().session() as s:
        s.add(
            Delivery(
                event_id=event.id,
                job_id=event.job_id,
                number=number,
                url=url,
                ok=result.ok,
                status_code=result.status_code,
                error=result.error,
                duration_ms=result.duration_ms,
                response_excerpt=result.response_excerpt,
            )
        )
        s.execute(
            update(CallbackEvent)
            .where(CallbackEvent.id == event.id)
            .values(status=status, next_attempt_at=next_at)
        )
    if status == EventStatus.PENDING:
        enqueue_event(event.id, attempt=number, delay=delay)
    return outcome
