"""The few reads the dashboard needs that the services do not offer (counts, names).

Only names are ever selected from connections: the key columns are never
loaded, so no template can show one by mistake.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Connection, Hook, Job, JobStatus


def status_counts(s: Session) -> dict[str, int]:
    """Jobs per status, every status present (0 when none), in JobStatus order."""
    counts = {status.value: 0 for status in JobStatus}
    for status, count in s.execute(select(Job.status, func.count()).group_by(Job.status)):
        counts[str(status)] = int(count)
    return counts


def hook_names(s: Session, ids: Iterable[str]) -> dict[str, str]:
    """Deleted hooks too: their jobs stay in the history and should still read well."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = s.execute(select(Hook.id, Hook.name, Hook.deleted_at).where(Hook.id.in_(wanted)))
    return {hid: f"{name} (deleted)" if deleted else name for hid, name, deleted in rows}


def connection_names(s: Session, ids: Iterable[str | None]) -> dict[str, str]:
    query = select(Connection.id, Connection.name).where(Connection.id.in_({i for i in ids if i}))
    return {cid: name for cid, name in s.execute(query)}


def replayed_as(s: Session, job_id: str) -> dict[str, str] | None:
    """The job a replay of ``job_id`` made (at most one: ``jobs.replay_of`` is unique)."""
    row = s.execute(select(Job.id, Job.status).where(Job.replay_of == job_id)).first()
    return {"id": row[0], "status": str(row[1])} if row else None


def hooks_by_connection(s: Session) -> dict[str, list[tuple[str, str]]]:
    """``{connection_id: [(hook_id, name), ...]}`` of the hooks not deleted."""
    found: dict[str, list[tuple[str, str]]] = {}
    query = select(Hook.connection_id, Hook.id, Hook.name).where(Hook.deleted_at.is_(None))
    for connection_id, hook_id, name in s.execute(query.order_by(Hook.id)):
        found.setdefault(connection_id, []).append((hook_id, name))
    return found
