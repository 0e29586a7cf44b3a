"""The job history: filter, page, read in full, retry, cancel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from .. import search
from ..errors import BadRequest, Conflict, NotFound, ValidationFailed
from ..ids import looks_like_id
from ..jobs import lifecycle
from ..jobs.present import admin_view, hook_url
from ..models import CANCELABLE_STATUSES, RETRYABLE_STATUSES, Hook, Job, JobStatus
from . import bodies

# What a person may do to a job in each status (the dashboard shows buttons by these).
RETRYABLE, CANCELABLE = RETRYABLE_STATUSES, CANCELABLE_STATUSES
MAX_LIMIT = 200


@dataclass(frozen=True)
class JobFilter:
    statuses: tuple[str, ...] = ()
    action: str | None = None
    hook_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    q: str | None = None

    @classmethod
    def parse(cls, args: Any) -> JobFilter:
        """From query args or a JSON body (bulk retry); every value is a string."""
        args = {
            k: v for k, v in dict(args).items() if k not in ("limit", "cursor") and v is not None
        }
        try:
            bodies.check("jobs.filter", args, "filter")
        except ValidationFailed as exc:
            raise BadRequest(exc.message, code="invalid_filter", details=exc.details) from None
        statuses = tuple(s for s in str(args.get("status") or "").split(",") if s)
        known = {s.value for s in JobStatus}
        bad = [s for s in statuses if s not in known]
        if bad:
            raise BadRequest(
                f"unknown status {bad[0]!r}; use one of {', '.join(sorted(known))}",
                code="invalid_filter",
            )
        return cls(
            statuses=statuses,
            action=args.get("action") or None,
            hook_id=args.get("hook_id") or None,
            since=_time(args.get("since"), "since"),
            until=_time(args.get("until"), "until"),
            q=(args.get("q") or "").strip() or None,
        )

    def where(self) -> list[Any]:
        clauses: list[Any] = []
        if self.statuses:
            clauses.append(Job.status.in_(self.statuses))
        if self.action:
            clauses.append(Job.action == self.action)
        if self.hook_id:
            clauses.append(Job.hook_id == self.hook_id)
        if self.since:
            clauses.append(Job.created_at >= self.since)
        if self.until:
            clauses.append(Job.created_at < self.until)
        if self.q:
            clauses.append(_matches(self.q))
        return clauses


def _matches(q: str) -> Any:
    """Every word of ``q`` within one word of the job's search line (:mod:`app.search`),
    or, for a query shaped like the start of a job id, that id range on the primary key."""
    words = search.query_words(q)
    found = and_(*(Job.search.like(search.like_pattern(w), escape="\\") for w in words))
    bounds = search.id_bounds(q) if len(words) == 1 else None
    if bounds is None:
        return found
    low, high = bounds
    by_id = Job.id >= low if high is None else and_(Job.id >= low, Job.id < high)
    return or_(by_id, found)


def _time(raw: str | None, name: str) -> datetime | None:
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(
            f"{name} must be an ISO 8601 time like 2026-07-01T00:00:00Z (got {raw!r})",
            code="invalid_filter",
        ) from None
    try:
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except OverflowError:
        raise BadRequest(f"{name} is out of range (got {raw!r})", code="invalid_filter") from None


def _limit(raw: Any) -> int:
    if raw in (None, ""):
        return 50
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= MAX_LIMIT:
        raise BadRequest(f"limit must be 1 to {MAX_LIMIT} (got {raw!r})", code="invalid_filter")
    return value


def _bases(session: Session, jobs: list[Job]) -> dict[str, str]:
    ids = {j.hook_id for j in jobs}
    hooks = list(session.scalars(select(Hook).where(Hook.id.in_(ids)))) if ids else []
    public = current_app.config["PUBLIC_URL"]
    return {h.id: hook_url(public, h) for h in hooks}


def page(
    session: Session, filters: JobFilter, *, limit: Any = None, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first. Ids sort by time, so the cursor is the last id seen."""
    size = _limit(limit)
    query = select(Job).where(*filters.where()).order_by(Job.id.desc()).limit(size + 1)
    if cursor:
        if not looks_like_id(cursor):
            raise BadRequest("cursor is not one this API gave out", code="invalid_cursor")
        query = query.where(Job.id < cursor)
    jobs = list(session.scalars(query))
    more = len(jobs) > size
    jobs = jobs[:size]
    bases = _bases(session, jobs)
    views = [admin_view(session, j, bases.get(j.hook_id, ""), detail=False) for j in jobs]
    return views, (jobs[-1].id if more and jobs else None)


def get(session: Session, job_id: str) -> Job:
    job = session.get(Job, job_id) if looks_like_id(job_id) else None
    if job is None:
        raise NotFound(f"No job with id {job_id!r}.", code="job_not_found")
    return job


def detail(session: Session, job_id: str) -> dict[str, Any]:
    job = get(session, job_id)
    return admin_view(session, job, _bases(session, [job]).get(job.hook_id, ""), detail=True)


def retry(
    session: Session, job_id: str, *, confirm_create: bool = False, by: str | None = None
) -> Job:
    """A person's retry: a fresh retry budget, composite checkpoints kept (resume, not repeat)."""
    return lifecycle.retry(job_id, confirm_create=confirm_create, by=by)


def retry_many(
    session: Session, filters: JobFilter, limit: int = 1000, *, by: str | None = None
) -> list[str]:
    statuses = filters.statuses or (JobStatus.FAILED,)
    if any(s not in RETRYABLE for s in statuses):
        raise BadRequest(
            f"bulk retry works on {', '.join(RETRYABLE)} jobs only", code="invalid_filter"
        )
    scoped = JobFilter(**{**filters.__dict__, "statuses": tuple(statuses)})
    ids = list(session.scalars(select(Job.id).where(*scoped.where()).order_by(Job.id).limit(limit)))
    done = []
    for job_id in ids:
        try:
            retry(session, job_id, by=by)
            done.append(job_id)
        except Conflict:
            continue
    return done


def cancel(session: Session, job_id: str, *, by: str | None = None) -> Job:
    return lifecycle.cancel(job_id, by=by)
