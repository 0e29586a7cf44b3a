"""Callback events: recorded with the job's final state, delivered from the callbacks queue.

An event row is written in the same transaction as the status it reports, so
a crash between the two cannot lose a callback; the event id is the
``webhook-id`` and stays the same across every delivery attempt.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import update
from sqlalchemy.orm import Session

from .. import metrics
from ..callbacks import DeliveryResult, deliver
from ..db import get_db
from ..http import callback_http
from ..models import CallbackEvent, Delivery, EventStatus, Hook, Job, JobStatus, utcnow
from ..queues import callback_job_timeout, enqueue_event
from ..redis_conn import get_redis, key
from ..vault import VaultError, get_vault
from .present import hook_url, public_view

log = logging.getLogger(__name__)

EVENT_TYPES = {
    JobStatus.SUCCEEDED: "job.succeeded",
    JobStatus.FAILED: "job.failed",
    JobStatus.NEEDS_REVIEW: "job.needs_review",
}


def done_key(job_id: str) -> str:
    return key("done", job_id)


def record_for(session: Session, job: Job) -> list[str]:
    """Add the callback event for the job's new status, if its hook wants one."""
    event_type = EVENT_TYPES.get(JobStatus(job.status))
    if event_type is None:
        return []
    hook = session.get(Hook, job.hook_id)
    if hook is None or not hook.callback_url or event_type not in (hook.callback_events or []):
        return []
    payload = public_view(job, hook_url(current_app.config["PUBLIC_URL"], hook))
    event = CallbackEvent(job_id=job.id, type=event_type, payload=payload)
    session.add(event)
    session.flush()
    return [event.id]


def after_commit(job_id: str, event_ids: list[str], *, final: bool) -> None:
    for event_id in event_ids:
        enqueue_event(event_id)
    if final:
        notify_done(job_id)


def notify_done(job_id: str) -> None:
    """Wake an ingest request waiting on ``?wait=`` for this job."""
    try:
        redis = get_redis()
        pipe = redis.pipeline()
        pipe.rpush(done_key(job_id), "1")
        pipe.expire(done_key(job_id), 60)
        pipe.execute()
    except RedisError:
        pass  # waiters fall back to their timeout and read SQL


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
    next_at: datetime | None = None
    if result.ok:
        status, outcome = EventStatus.DELIVERED, "delivered"
    elif result.retryable and number <= len(schedule):
        delay = schedule[number - 1]
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
        enqueue_event(event.id, attempt=number, delay=schedule[number - 1])
    return outcome
