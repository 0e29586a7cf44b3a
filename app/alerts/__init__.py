"""Alerts: signed ``alert.*`` events to ``RELAY_ALERT_URL``, once per condition, not per job.

::

    every RELAY_ALERT_INTERVAL seconds, one worker (a Redis lock elects it, as for the sweeper):

    attention.summary ─conditions()─▶ what holds now          (pure: :mod:`.conditions`)
          │
    state.reconcile   a condition that holds and is not open opens: a new event id, pending;
          │           an open one that no longer holds closes (an alert still undelivered
          │           is dropped: it is no longer true)
    state.deliver_due each open, undelivered alert is POSTed: Standard Webhooks signed
                      (:mod:`.signing`), through the callbacks' SSRF-guarded client, retried
                      on RELAY_CALLBACK_RETRY_SCHEDULE with the same ``webhook-id``

Two jobs entering review while the condition is open make no second alert; once no job
needs review the condition closes, and the next one opens it again, with a new alert.
Each condition is keyed by what it is about (``needs_review``, ``failures``,
``connection_auth_failed:<id>``, ``hook_rejections:<id>``), so a second connection
failing is news even while the first still fails.

Condition state is kept in SQL (``alert_conditions``), not Redis: Redis is only transport
here and the relay is built to ride out Redis coming back empty; state kept there would
then alert every open condition again, and lose an alert waiting for its retry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app

from ..db import get_db
from ..jobs import liveness
from ..redis_conn import get_redis, key
from ..services import attention
from . import state
from .conditions import Condition, conditions
from .signing import alert_secret

__all__ = ["Condition", "Report", "alert_secret", "check_once", "conditions"]


@dataclass
class Report:
    opened: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def check_once(*, force: bool = False, now: datetime | None = None) -> Report | None:
    """One evaluation; ``None`` when no alert URL is set or another worker holds the lock."""
    app = current_app
    url = app.config["ALERT_URL"]
    if not url:
        return None
    interval = max(1, int(app.config["ALERT_INTERVAL"]))
    if not force and not get_redis().set(key("alerts"), liveness.worker_id(), nx=True, ex=interval):
        return None
    with get_db().session() as s:
        holding = conditions(attention.summary(s, now=now), app.config["PUBLIC_URL"])
    report = Report()
    report.opened, report.closed = state.reconcile(holding, now=now)
    report.delivered, report.failed = state.deliver_due(url, alert_secret(app))
    return report
