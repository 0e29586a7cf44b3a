"""Alert conditions in SQL: open, close, and deliver each opening's alert once.

One row per condition key. Opening writes a new ``event_id`` (the alert's
``webhook-id``) and marks it pending; the delivery of it is claimed with a lease
before it is sent and settled after, each a conditional UPDATE on that event id, as
callback deliveries are (:mod:`app.callbacks.dispatch`): two workers evaluating at
once (a slow round outliving the lock) still send an alert once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ..callbacks import deliver
from ..db import get_db
from ..http import callback_http
from ..models import AlertCondition, EventStatus, new_id, utcnow
from ..queues import callback_job_timeout
from .conditions import Condition

log = logging.getLogger(__name__)


def reconcile(holding: list[Condition], now: datetime | None = None) -> tuple[list[str], list[str]]:
    """Open what holds and is not open; close what is open and no longer holds."""
    now = now or utcnow()
    wanted = {c.key: c for c in holding}
    with get_db().session() as s:
        open_now = set(s.scalars(select(AlertCondition.key).where(AlertCondition.open.is_(True))))
        closing = sorted(open_now - set(wanted))
        if closing:
            s.execute(
                update(AlertCondition)
                .where(AlertCondition.key.in_(closing), AlertCondition.open.is_(True))
                .values(open=False, closed_at=now)
            )
    opened = [k for k, c in wanted.items() if k not in open_now and _open(c, now)]
    return opened, closing


def _open(condition: Condition, now: datetime) -> bool:
    values: dict[str, Any] = {
        "type": condition.type,
        "open": True,
        "opened_at": now,
        "closed_at": None,
        "event_id": new_id("msg"),
        "text": condition.text,
        "data": condition.data,
        "status": EventStatus.PENDING,
        "attempts_made": 0,
        "next_attempt_at": None,
        "last_error": None,
    }
    row = AlertCondition.key == condition.key
    try:
        with get_db().session() as s:
            reopened = s.execute(
                update(AlertCondition).where(row, AlertCondition.open.is_(False)).values(**values)
            )
            if reopened.rowcount == 1:  # type: ignore[attr-defined]
                return True
            if s.get(AlertCondition, condition.key) is not None:
                return False  # opened meanwhile by another round
            s.add(AlertCondition(key=condition.key, **values))
    except IntegrityError:
        return False
    return True


def deliver_due(url: str, secret: str) -> tuple[list[str], list[str]]:
    """Send every open alert that is due; (delivered, given up) event types."""
    now = utcnow()
    with get_db().session() as s:
        due = list(
            s.scalars(
                select(AlertCondition).where(
                    AlertCondition.open.is_(True),
                    AlertCondition.status == EventStatus.PENDING,
                    or_(
                        AlertCondition.next_attempt_at.is_(None),
                        AlertCondition.next_attempt_at <= now,
                    ),
                )
            )
        )
    delivered, failed = [], []
    for row in due:
        status = _deliver(row, url, secret)
        if status == EventStatus.DELIVERED:
            delivered.append(row.type)
        elif status == EventStatus.FAILED:
            failed.append(row.type)
    return delivered, failed


def _this(row: AlertCondition) -> tuple[Any, ...]:
    return (AlertCondition.key == row.key, AlertCondition.event_id == row.event_id)


def _deliver(row: AlertCondition, url: str, secret: str) -> str | None:
    app = current_app
    number = row.attempts_made + 1
    lease = utcnow() + timedelta(seconds=callback_job_timeout(app) + 30)
    with get_db().session() as s:
        claimed = s.execute(
            update(AlertCondition)
            .where(*_this(row), AlertCondition.status == EventStatus.PENDING)
            .where(AlertCondition.attempts_made == row.attempts_made)
            .values(attempts_made=number, next_attempt_at=lease)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
    result = deliver(
        callback_http(app),
        url,
        secret,
        event_id=row.event_id,
        event_type=row.type,
        data={"condition": row.key, **row.data},
        timestamp=utcnow(),
        occurred_at=row.opened_at,
        text=row.text,
    )
    schedule = app.config["CALLBACK_RETRY_SCHEDULE"]
    values: dict[str, Any] = {"last_error": result.error, "next_attempt_at": None}
    if result.ok:
        values.update(status=EventStatus.DELIVERED, last_error=None)
    elif result.retryable and number <= len(schedule):
        values["next_attempt_at"] = utcnow() + timedelta(seconds=schedule[number - 1])
    else:
        values["status"] = EventStatus.FAILED
        # The URL is a capability (a Slack webhook URL is one): never in the log.
        log.warning("alert %s could not be delivered: %s", row.type, result.error)
    with get_db().session() as s:
        s.execute(update(AlertCondition).where(*_this(row)).values(**values))
    return str(values.get("status", EventStatus.PENDING))
