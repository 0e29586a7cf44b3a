"""What needs a person now: the count in every console page's header, and what alerts watch.

Four things, each a question a firm's admin would otherwise only answer by looking:

- jobs in ``needs_review`` (a create may or may not have reached Esqase; a person decides);
- jobs that ``failed`` in the last day (by when they finished, not when they arrived);
- connections whose key Esqase refused (401/403: ``auth_failed``);
- hooks with rising rejections: at least ``RELAY_ALERT_REJECTIONS`` refused deliveries in
  the last hour, and more than half of the hook's deliveries in that hour. Both parts
  matter: a busy hook with a few bad senders is not broken, and a quiet hook with two
  typos is not an emergency; a mapping mistake or a changed form is both.

:func:`count` is the header's number in one statement (every page shows it);
:func:`summary` is the item-by-item account behind it, for the attention page, the API
and alerts. Every query reads an index (``jobs(status, finished_at)``,
``jobs(hook_id, created_at)``) and the small connections and hooks tables, so the
header costs a few index range scans.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, aliased

from ..models import Connection, ConnectionStatus, Hook, Job, JobStatus, utcnow

FAILED_WINDOW = timedelta(days=1)
REJECTION_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class HookRejections:
    hook_id: str
    name: str
    rejected: int  # in the last hour
    deliveries: int  # every delivery to the hook in the last hour, rejected ones included


@dataclass(frozen=True)
class FailingConnection:
    connection_id: str
    name: str
    last_error: str | None


@dataclass(frozen=True)
class Attention:
    needs_review: int
    failed_last_day: int
    connections_auth_failed: int
    hooks_rising_rejections: list[HookRejections] = field(default_factory=list)
    failing_connections: list[FailingConnection] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            self.needs_review
            + self.failed_last_day
            + self.connections_auth_failed
            + len(self.hooks_rising_rejections)
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "total": self.total}


def summary(session: Session, *, now: datetime | None = None) -> Attention:
    now = now or utcnow()
    failing = [
        FailingConnection(*row)
        for row in session.execute(
            select(Connection.id, Connection.name, Connection.last_error)
            .where(Connection.status == ConnectionStatus.AUTH_FAILED)
            .where(Connection.deleted_at.is_(None))
            .order_by(Connection.name, Connection.id)
        )
    ]
    return Attention(
        needs_review=_jobs(session, Job.status == JobStatus.NEEDS_REVIEW),
        failed_last_day=_jobs(
            session, Job.status == JobStatus.FAILED, Job.finished_at >= now - FAILED_WINDOW
        ),
        connections_auth_failed=len(failing),
        hooks_rising_rejections=rising_rejections(session, now),
        failing_connections=failing,
    )


def _jobs(session: Session, *where: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(Job).where(*where)) or 0)


def _pairs(session: Session, query: Any) -> dict[Any, Any]:
    return {key: value for key, value in session.execute(query)}


def rising_rejections(session: Session, now: datetime) -> list[HookRejections]:
    """Rejected jobs finish as they arrive, so ``finished_at`` is their arrival time too."""
    since = now - REJECTION_WINDOW
    least = max(1, int(current_app.config["ALERT_REJECTIONS"]))
    rejected = _pairs(
        session,
        select(Job.hook_id, func.count())
        .where(Job.status == JobStatus.REJECTED, Job.finished_at >= since)
        .group_by(Job.hook_id)
        .having(func.count() >= least),
    )
    if not rejected:
        return []
    ids = list(rejected)
    totals = _pairs(
        session,
        select(Job.hook_id, func.count())
        .where(Job.hook_id.in_(ids), Job.created_at >= since)
        .group_by(Job.hook_id),
    )
    names = _pairs(
        session, select(Hook.id, Hook.name).where(Hook.id.in_(ids), Hook.deleted_at.is_(None))
    )
    found = []
    for hook_id in sorted(ids):
        count, total = rejected[hook_id], max(totals.get(hook_id, 0), rejected[hook_id])
        if hook_id in names and count * 2 > total:
            found.append(HookRejections(hook_id, names[hook_id], count, total))
    return found


def count(session: Session, *, now: datetime | None = None) -> int:
    """:attr:`Attention.total` in one round trip: four scalar subqueries in one SELECT.

    Rising rejections are read as :func:`rising_rejections` reads them: hooks with
    enough rejected jobs in the hour first (the ``jobs(status, finished_at)`` index),
    then each such hook's deliveries in the hour (``jobs(hook_id, created_at)``), so
    the statement never scans the hour's accepted jobs of every hook."""
    now = now or utcnow()
    values = {
        "day": now - FAILED_WINDOW,
        "hour": now - REJECTION_WINDOW,
        "least": max(1, int(current_app.config["ALERT_REJECTIONS"])),
    }
    row = session.execute(_count_statement(), values).one()
    return sum(int(value or 0) for value in row)


@cache
def _count_statement() -> Any:
    """Built once per process (an alias of ``jobs`` costs more to build than to run)."""
    hour = bindparam("hour", type_=Job.created_at.type)
    rejected = (
        select(Job.hook_id.label("hook_id"), func.count().label("rejected"))
        .where(Job.status == JobStatus.REJECTED, Job.finished_at >= hour)
        .group_by(Job.hook_id)
        .having(func.count() >= bindparam("least"))
        .subquery()
    )
    later = aliased(Job)
    deliveries = (
        select(func.count())
        .select_from(later)
        .where(later.hook_id == rejected.c.hook_id, later.created_at >= hour)
        .scalar_subquery()
    )
    rising = (
        select(func.count())
        .select_from(rejected.join(Hook, Hook.id == rejected.c.hook_id))
        .where(Hook.deleted_at.is_(None), rejected.c.rejected * 2 > deliveries)
        .scalar_subquery()
    )
    day = bindparam("day", type_=Job.finished_at.type)
    return select(
        _counted(Job, Job.status == JobStatus.NEEDS_REVIEW),
        _counted(Job, Job.status == JobStatus.FAILED, Job.finished_at >= day),
        _counted(
            Connection,
            Connection.status == ConnectionStatus.AUTH_FAILED,
            Connection.deleted_at.is_(None),
        ),
        rising,
    )


def _counted(table: Any, *where: Any) -> Any:
    return select(func.count()).select_from(table).where(*where).scalar_subquery()
