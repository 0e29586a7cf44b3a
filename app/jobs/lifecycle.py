"""Every transition of a job. Nothing else in the relay writes ``jobs.status``.

::

    ingest ─accept─▶ queued ─claim─▶ running ─finish─▶ succeeded | failed | needs_review
      │                ▲  ▲            │ │ └──finish──▶ retrying ─claim─▶ running
      ├─reject─▶ rejected              │ └─postpone──▶ retrying   (rate limit: no attempt spent)
      └─ignore─▶ ignored               └─release───▶ retrying | failed | needs_review

    a person:  retry    failed | needs_review | canceled ─▶ queued
                        (a create in needs_review only with confirm_create)
               cancel   queued | retrying | needs_review ─▶ canceled
               resolve  needs_review ─▶ succeeded | queued (link: a composite runs on) | canceled

Each transition is one conditional UPDATE (or the INSERT that creates the job)
returning the row it moved, or nothing when the job was not where the
transition starts: a lost race is an answer, not an error. What must follow a
move (a run, callback events, a wake-up) is collected in
:class:`~app.jobs.effects.Effects` and done once the transaction commits.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from actions import get_action

from ..callbacks import events
from ..db import get_db
from ..errors import Conflict
from ..models import (
    CANCELABLE_STATUSES,
    RETRYABLE_STATUSES,
    RUNNABLE_STATUSES,
    Attempt,
    AttemptOutcome,
    Hook,
    Job,
    JobStatus,
    new_id,
    utcnow,
)
from ..search import search_text
from ..services import connections
from .claims import Accepted, Arrival, Claim
from .effects import Effects, transaction
from .origin import origin
from .outcome import Outcome, judge_lost_attempt
from .preconditions import attempt_in_flight, current
from .resolutions import decision, ended

# Machines' clocks differ a little; RQ's scheduler rounds due times up to whole seconds.
CLOCK_SLACK = 1.0
REVIEW = (JobStatus.NEEDS_REVIEW,)
Fields = dict[str, Any]


def _move(s: Session, job_id: str, *where: Any, **values: Any) -> Job | None:
    """The one way a status changes: a conditional UPDATE returning the moved row."""
    stmt = update(Job).where(Job.id == job_id, *where).values(**values).returning(Job)
    options = {"synchronize_session": False, "populate_existing": True}
    return s.scalars(stmt.execution_options(**options)).one_or_none()


def _settled(s: Session, effects: Effects, job: Job) -> None:
    """Its callback event, and a wake-up for a ``?wait=`` unless the job will run again."""
    effects.events += events.record(s, job)
    effects.finished = job.status not in RUNNABLE_STATUSES


def _new(hook: Hook, status: JobStatus, **values: Any) -> Job:
    origin = {"hook_id": hook.id, "connection_id": hook.connection_id, "action": hook.action}
    return Job(id=new_id("job"), status=status, search=search_text(**values), **origin, **values)


# -- arrival ---------------------------------------------------------------------------


def accept(hook: Hook, arrival: Arrival) -> Accepted:
    """Record and queue a valid delivery. The unique index on (hook, key) decides a repeat,
    with no read first, so two copies racing in leave exactly one job."""
    job = _new(hook, JobStatus.QUEUED, **arrival.columns())
    key, digest = arrival.key, arrival.digest
    try:
        job.created_at = job.updated_at = utcnow()  # the answer shows them
        job.attempts_made = 0
        get_db().insert_alone(job)  # one statement, no transaction around it
    except IntegrityError:
        if key is None:
            raise
        with get_db().session() as s:
            first = s.scalar(select(Job).where(Job.hook_id == hook.id, Job.idempotency_key == key))
        if first is None:  # purged between our insert and this read
            raise
        return Accepted(first, replayed=True, same_body=first.input_hash in (None, digest))
    # once committed, as transaction() does; on its connection's shard
    Effects(job.id, run=(0, 0.0), connection_id=job.connection_id).apply()
    return Accepted(job, replayed=False, same_body=True)


def reject(hook: Hook, received: Fields, error: Fields, replay_of: str | None = None) -> str:
    """Keep a refused delivery in the history, so a person can see why a sender failed."""
    return _final(hook, JobStatus.REJECTED, received=received, error=error, replay_of=replay_of).id


def ignore(hook: Hook, received: dict[str, Any], reason: str) -> Job:
    """A provider event that is not a submission (a partial response, a test ping)."""
    return _final(hook, JobStatus.IGNORED, received=received, result={"ignored": reason})


def _final(hook: Hook, status: JobStatus, **values: Any) -> Job:
    with get_db().session() as s:
        s.add(job := _new(hook, status, finished_at=utcnow(), **values))
    return job


# -- one attempt -----------------------------------------------------------------------


def claim(job_id: str, worker: str, held: Session | None = None) -> Claim | None:
    """queued/retrying and due -> running. An early or extra copy of the RQ job (a
    sweeper's re-enqueue, a person's retry) finds nothing to claim and does nothing.
    ``held``: left uncommitted there, for the attempt's first note (see .journal)."""
    now = utcnow()
    due = or_(
        Job.next_attempt_at.is_(None), Job.next_attempt_at <= now + timedelta(seconds=CLOCK_SLACK)
    )
    with nullcontext(held) if held is not None else get_db().session() as s:
        job = _move(
            s,
            job_id,
            Job.status.in_(RUNNABLE_STATUSES),
            due,
            status=JobStatus.RUNNING,
            worker=worker,
            attempts_made=Job.attempts_made + 1,
            next_attempt_at=None,
        )
        if job is None:
            return None
        s.add(Attempt(job_id=job_id, number=job.attempts_made, worker=worker, calls=[]))
        s.flush()
        hook, conn = origin(s, job)
    return Claim.of(job, worker, conn, hook, started_at=now)


def postpone(claim: Claim, delay: float) -> bool:
    """Over the connection's own rate limit: give the attempt back unspent, and wait."""
    with transaction(claim.job_id) as (s, effects):
        later = utcnow() + timedelta(seconds=delay)
        values = {"status": JobStatus.RETRYING, "next_attempt_at": later, "worker": None}
        unspent = {"attempts_made": claim.attempt - 1}
        job = _move(s, claim.job_id, *attempt_in_flight(claim), **values, **unspent)
        if job is None:
            return False
        s.execute(delete(Attempt).where(*_attempt_of(claim)))
        effects.rerun(job, claim.attempt - 1, delay)
        # A distinct RQ id: the RQ job running now must not be overwritten.
        effects.rq_id = f"{claim.job_id}-wait{claim.attempt}-{later.timestamp():.6f}"
    return True


def finish(
    claim: Claim,
    outcome: Outcome,
    *,
    error: dict[str, Any] | None,
    result: dict[str, Any] | None,
    calls: list[dict[str, Any]],
    resolution: dict[str, Any] | None = None,
) -> str:
    """running -> the outcome's status, with the attempt's record and the connection's
    health in one transaction; ``"superseded"`` when the job was taken back meanwhile
    (theirs is the last word; this attempt only records what it did)."""
    now = utcnow()
    values = {**outcome.landing(now), "error": error, "worker": None}
    if outcome.verdict.status == JobStatus.SUCCEEDED:
        values["result"] = result
    if resolution is not None:
        values["resolution"] = resolution
    with transaction(claim.job_id) as (s, effects):
        done = {"finished_at": now, "outcome": AttemptOutcome(outcome.verdict), "error": error}
        s.execute(update(Attempt).where(*_attempt_of(claim)).values(**done, calls=calls))
        job = _move(s, claim.job_id, *attempt_in_flight(claim), **values)
        if job is None:
            return "superseded"
        if claim.connection is not None:
            connections.record_evidence(s, claim.connection, outcome)
        s.add_all([claim.hook] if claim.hook else [])  # read with the claim, not again
        if job.status == JobStatus.RETRYING:
            effects.rerun(job, claim.attempt, outcome.delay)
        _settled(s, effects, job)
    return job.status


def _attempt_of(claim: Claim) -> tuple[Any, ...]:
    return (Attempt.job_id == claim.job_id, Attempt.number == claim.attempt)


def release(
    job_id: str,
    worker: str | None,
    attempt: int,
    why: str,
    code: AttemptOutcome = AttemptOutcome.WORKER_LOST,
) -> JobStatus | None:
    """Take a ``running`` job back from an attempt that will never finish: its worker died,
    it outlived JOB_TIMEOUT, or it could not record itself. ``None``: someone else moved it."""
    now = utcnow()
    owner = Claim.ref(job_id, worker, attempt)
    with transaction(job_id) as (s, effects):
        row = s.scalar(select(Attempt).where(*_attempt_of(owner)))
        budget_start = s.scalar(select(Job.budget_start).where(Job.id == job_id))
        if budget_start is None:
            return None
        cfg, calls = current_app.config, (row.calls if row else None) or []
        outcome = judge_lost_attempt(
            calls, why, attempt - budget_start, cfg["RETRY_SCHEDULE"], cfg["RECONCILE_DELAY"]
        )
        error: dict[str, Any] = {"code": code.value, "message": outcome.reason, "details": []}
        values = {**outcome.landing(now), "error": error, "worker": None}
        job = _move(s, job_id, *attempt_in_flight(owner), **values)
        if job is None:
            return None
        if row is not None and row.finished_at is None:
            row.finished_at, row.outcome, row.error = now, code, error
        if job.status == JobStatus.RETRYING:
            effects.rerun(job, attempt, outcome.delay)
        _settled(s, effects, job)
    return JobStatus(job.status)


# -- a person's decisions --------------------------------------------------------------


def retry(
    job_id: str, *, confirm_create: bool = False, recheck: bool = False, by: str | None = None
) -> Job:
    """Run it again with a fresh retry budget; composite checkpoints are kept, so it resumes.
    A create waiting for review may already exist upstream: only ``confirm_create`` (a
    person checked Esqase) sends it again, and ``recheck`` only reads Esqase for it."""
    with transaction(job_id) as (s, effects):
        verb, allowed = ("checked again", REVIEW) if recheck else ("retried", RETRYABLE_STATUSES)
        job = current(s, job_id, allowed, verb, "not_retryable")
        values: dict[str, Any] = {"status": JobStatus.QUEUED, "budget_start": Job.attempts_made}
        if recheck:
            values["resolution"] = decision("recheck", by)
        elif job.status == JobStatus.NEEDS_REVIEW and not get_action(job.action).idempotent:
            if not confirm_create:
                raise Conflict(
                    "This job may already have created its record in Esqase. Check Esqase "
                    "first: if the record is there, resolve the job by linking it; if not, "
                    "retry with confirm_create to create it.",
                    code="confirm_create_required",
                )
            values["resolution"] = decision("create_confirmed", by)
        job = _decide(s, job, error=None, finished_at=None, next_attempt_at=None, **values)
        effects.rerun(job, job.attempts_made, 0.0)
    return job


def cancel(job_id: str, *, by: str | None = None) -> Job:
    with transaction(job_id) as (s, effects):
        job = current(s, job_id, CANCELABLE_STATUSES, "canceled", "not_cancelable")
        job = _decide(s, job, next_attempt_at=None, **ended(JobStatus.CANCELED, "canceled", by))
        effects.finished = True
    return job


def resolve(job_id: str, record: Fields | None, *, by: str | None = None, steps: Any = None) -> Job:
    """A person settled a create in review: its record is in Esqase (succeeded with it, or a
    composite action runs on from ``steps``), or it should not reach Esqase (``None``)."""
    with transaction(job_id) as (s, effects):
        job = current(s, job_id, REVIEW, "resolved", "not_resolvable")
        if record is None:
            job = _decide(s, job, **ended(JobStatus.CANCELED, "discarded", by))
        else:
            values = ended(JobStatus.SUCCEEDED, "linked", by, record_id=record.get("id"))
            if steps is not None:  # it runs on from there, with a fresh retry budget
                values.update(status=JobStatus.QUEUED, finished_at=None, checkpoint=steps)
                values["budget_start"] = Job.attempts_made
                effects.rerun(job, job.attempts_made, 0.0)
            job = _decide(s, job, result=None if steps else record, error=None, **values)
        _settled(s, effects, job)
    return job


def _decide(s: Session, job: Job, **values: Any) -> Job:
    """Move ``job`` on from the status it was read in; a concurrent change is a 409."""
    moved = _move(s, job.id, Job.status == job.status, **values)
    if moved is None:
        raise Conflict("The job changed meanwhile; reload it and try again.", code="conflict")
    return moved
