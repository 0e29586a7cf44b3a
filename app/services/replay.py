"""Replay: a refused or failed delivery's stored body, run again through the hook's
current rules (preset, mapping, coercion, validation) as a new job linked to the old.

What may be replayed, and why not the rest:

- ``rejected`` for its fields (``validation_failed``, ``idempotency_key_reused``), and
  ``failed`` jobs: fixing the hook's mapping (or the firm's data in Esqase) is what a
  replay is for. A delivery refused before its fields were read (bad signature, wrong
  origin, bad framing) is not replayed: that would skip the very check that refused it.
- only what was kept as fields (``received.kind`` json or form); a body kept as raw text
  (unreadable, or cut for size) cannot go through the rules again.
- once: ``jobs.replay_of`` is unique, so two clicks, or a bulk replay racing a person,
  make one new job. A replay refused again may itself be replayed; a bulk replay picks
  only jobs not replayed yet, so each chain yields at most one job that is sent.

The old job is never changed. A replay carries no idempotency key: it is a person's
deliberate second run, not a sender's repeat.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from ..db import get_db
from ..errors import BadRequest, Conflict, ValidationFailed
from ..ingest import pipeline
from ..ingest.body import Body
from ..jobs import lifecycle
from ..models import Hook, Job, JobStatus
from .jobs import JobFilter, get

log = logging.getLogger(__name__)

REPLAYABLE = (JobStatus.REJECTED, JobStatus.FAILED)
# Refusals of what a delivery said, not of who sent it or how.
CONTENT_REFUSALS = frozenset({"validation_failed", "idempotency_key_reused"})
BULK_LIMIT = 1000


def replay(session: Session, job_id: str, *, by: str) -> Job:
    """The new job (queued, or ignored); a body still invalid raises a 422 naming the new
    rejected job (``job_id``) beside every problem."""
    job = get(session, job_id)
    hook, body = _replayable(session, job)
    try:
        delivered = pipeline.deliver(hook, body, replay_of=job.id)
    except ValidationFailed as exc:
        try:
            new_id = lifecycle.reject(hook, pipeline.snapshot(body), exc.body()["error"], job.id)
        except IntegrityError:
            raise _already(job) from None
        log.info("job %s replayed by %s: still invalid, kept as %s", job.id, by, new_id)
        refused = ValidationFailed(
            f"Still refused by the hook's current rules: {exc.message} Kept as rejected "
            f"job {new_id}; fix the hook, then replay that job.",
            details=exc.details,
        )
        refused.extra.update(job_id=new_id, replay_of=job.id)
        raise refused from None
    except IntegrityError:
        raise _already(job) from None
    log.info("job %s replayed by %s as %s", job.id, by, delivered.job.id)
    return delivered.job


def _replayable(session: Session, job: Job) -> tuple[Hook, Body]:
    if job.status not in REPLAYABLE:
        hint = " Resolve it instead." if job.status == JobStatus.NEEDS_REVIEW else ""
        raise Conflict(
            f"A {job.status} job cannot be replayed; only rejected and failed jobs can "
            f"(their stored body runs again through the hook's current rules).{hint}",
            code="not_replayable",
        )
    code = (job.error or {}).get("code")
    if job.status == JobStatus.REJECTED and code not in CONTENT_REFUSALS:
        raise Conflict(
            f"This delivery was refused before its fields were checked ({code}); replaying "
            "it would skip that check. Ask the sender to send it again.",
            code="not_replayable",
        )
    received = job.received or {}
    if received.get("kind") not in ("json", "form") or not isinstance(received.get("fields"), dict):
        raise Conflict(_unkept(received), code="not_replayable")
    if _replay_of(session, job) is not None:
        raise _already(job)
    hook = session.get(Hook, job.hook_id)
    if hook is None or hook.deleted_at is not None:
        raise Conflict(
            "The hook this delivery came to was deleted; there are no rules to replay it through.",
            code="hook_deleted",
        )
    if not hook.enabled:
        raise Conflict(
            f"Hook {hook.name!r} is disabled; enable it to replay deliveries through it.",
            code="hook_disabled",
        )
    files = tuple(str(f) for f in received.get("files_ignored") or ())
    return hook, Body(received["kind"], received["fields"], files)


def _unkept(received: dict[str, Any]) -> str:
    if not received:
        return "This job kept no copy of what arrived, so there is nothing to replay."
    if received.get("cut_at_bytes"):
        why = f"only its first {received['cut_at_bytes']} bytes were kept"
    else:
        why = "it could not be read as JSON or form fields"
    return (
        f"What arrived was kept only as raw text ({why}), so it cannot run through the "
        "hook's rules again. Ask the sender to send it again."
    )


def _replay_of(session: Session, job: Job) -> Job | None:
    return session.scalar(select(Job).where(Job.replay_of == job.id))


def _already(job: Job) -> Conflict:
    with get_db().session() as fresh:  # not the caller's snapshot: it may be a moment old
        later = _replay_of(fresh, job)
    which = f" as job {later.id} ({later.status})" if later else ""
    again = " replay that job instead" if later is not None else " reload it"
    return Conflict(
        f"Job {job.id} was already replayed{which}; a delivery is replayed once:{again}.",
        code="already_replayed",
    )


def replay_many(
    session: Session, filters: JobFilter, *, by: str, limit: int = BULK_LIMIT
) -> dict[str, Any]:
    """Every matching job not replayed yet, oldest first, up to ``limit`` (``more`` says
    whether others remain: running it again goes on from there)."""
    query = select(Job.id).where(*_pending(filters)).order_by(Job.id)
    ids = list(session.scalars(query.limit(limit + 1)))
    more, ids = len(ids) > limit, ids[:limit]
    counts = {"accepted": 0, "ignored": 0, "still_rejected": 0, "skipped": 0}
    jobs: list[dict[str, Any]] = []
    for job_id in ids:
        try:
            new = replay(session, job_id, by=by)
        except ValidationFailed as exc:
            counts["still_rejected"] += 1
            kept = exc.extra.get("job_id")
            jobs.append({"id": job_id, "outcome": "still_rejected", "replay": kept})
            continue
        except Conflict as exc:
            counts["skipped"] += 1
            jobs.append({"id": job_id, "outcome": "skipped", "reason": exc.message})
            continue
        outcome = "ignored" if new.status == JobStatus.IGNORED else "accepted"
        counts[outcome] += 1
        jobs.append({"id": job_id, "outcome": outcome, "replay": new.id})
    return {**counts, "more": more, "jobs": jobs}


def count_pending(session: Session, filters: JobFilter) -> int:
    """How many jobs :func:`replay_many` would take (before its limit): what a person is
    asked to confirm before a bulk replay."""
    query = select(func.count()).select_from(Job).where(*_pending(filters))
    return int(session.scalar(query) or 0)


def _pending(filters: JobFilter) -> list[Any]:
    """Matching jobs of a replayable status not replayed yet (``status`` rejected by default)."""
    statuses = filters.statuses or (JobStatus.REJECTED,)
    if any(s not in REPLAYABLE for s in statuses):
        raise BadRequest(
            f"bulk replay works on {', '.join(REPLAYABLE)} jobs only", code="invalid_filter"
        )
    scoped = JobFilter(**{**filters.__dict__, "statuses": tuple(statuses)})
    later = aliased(Job)
    return [*scoped.where(), ~exists().where(later.replay_of == Job.id)]
