"""One attempt of one job, read top-down:

    run_job -> lifecycle.claim -> (over the rate limit: lifecycle.postpone)
            -> action.run(Context(client, journal)) -> outcome.classify -> lifecycle.finish

The claim comes first: RQ may deliver a job twice or early, and such a copy
finds nothing to claim, so it spends neither an attempt nor the connection's
rate budget. Everything the attempt does is told to its
:class:`~app.jobs.journal.AttemptJournal`, which the client and the action share.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app

from actions import ActionFailed, Context, get_action
from actions.reconcile import Unsettled
from app.esqase import ApiError, EsqaseClient, EsqaseError

from .. import metrics, ratelimit
from ..db import get_db
from ..http import esqase_http
from ..models import RUNNABLE_STATUSES, AttemptOutcome, Connection, Job
from ..redis_conn import get_redis, key
from ..vault import VaultError, get_vault
from . import lifecycle, liveness
from .claims import Claim
from .journal import AttemptJournal
from .outcome import Outcome, classify

log = logging.getLogger(__name__)


def run_job(job_id: str) -> str:
    """RQ entry: returns the job's status after this attempt (or why nothing ran). The
    claim is held uncommitted until the attempt's first note (see :mod:`.journal`)."""
    liveness.beat(get_redis(), current_app.config["WORKER_TTL"])
    held = get_db().sessions()
    try:
        claim = lifecycle.claim(job_id, liveness.worker_id(), held=held)
    except BaseException:
        held.close()  # rolls back; never raises over the claim's own error (SQL down)
        raise
    if claim is None:
        held.close()
        return _why_not(job_id)
    journal = AttemptJournal(claim, [], held)  # until open() has read the prior calls
    try:
        journal = AttemptJournal.open(claim, held=held)
        if claim.connection is not None and claim.connection.rate_limit_per_minute:
            journal.commit_claim()  # the rate limit is a Redis call: not with the claim held
            delay = _rate_limited(claim.connection)
            if delay:
                return "rate_limited" if lifecycle.postpone(claim, delay) else "superseded"
        return _attempt(claim, journal)
    except BaseException:
        journal.abandon_claim()
        # Our own bookkeeping failed after the claim (SQL down, RQ's timeout mid-write):
        # hand the job back now rather than leave it "running" behind a live worker.
        log.exception("job %s: attempt %s could not be recorded", job_id, claim.attempt)
        try:
            lifecycle.release(
                job_id,
                claim.worker,
                claim.attempt,
                "the attempt could not be recorded",
                code=AttemptOutcome.ATTEMPT_LOST,
            )
        except Exception:  # noqa: BLE001 - the sweeper's overdue pass is the last resort
            log.exception("job %s: could not release it either", job_id)
        raise


def _why_not(job_id: str) -> str:
    """Why there was nothing to claim; read only on this rare path."""
    with get_db().session() as s:
        job = s.get(Job, job_id)
    if job is None:
        return "missing"
    if job.status not in RUNNABLE_STATUSES:
        return f"skipped:{job.status}"
    return "skipped:not_due"


def _rate_limited(conn: Connection | None) -> float:
    if conn is None or not conn.rate_limit_per_minute:
        return 0.0
    decision = ratelimit.hit(get_redis(), key("rl", "con", conn.id), conn.rate_limit_per_minute)
    return 0.0 if decision.allowed else decision.retry_after


def _attempt(claim: Claim, journal: AttemptJournal | None = None) -> str:
    """``journal``: the one holding the claim (a committed claim needs none)."""
    journal = journal or AttemptJournal.open(claim)
    exc: BaseException | None = None
    result: dict[str, Any] | None = None
    try:
        action = get_action(claim.action)
        client = _client(claim.connection, journal)
        result = action.run(Context.of(client, journal, claim.connection), dict(claim.input or {}))
    except Exception as error:  # noqa: BLE001 - classified below, never lost
        exc = error
        if not isinstance(error, (EsqaseError, ActionFailed)):
            log.exception("job %s: unexpected error in action %s", claim.job_id, claim.action)

    journal.commit_claim()  # an action that ended before any call
    cfg = current_app.config
    outcome = classify(
        exc,
        claim.budget_attempt,
        cfg["RETRY_SCHEDULE"],
        in_doubt=journal.in_doubt(),
        settle=cfg["RECONCILE_DELAY"],
    )
    status = lifecycle.finish(
        claim,
        outcome,
        error=error_body(exc, outcome),
        result=result,
        calls=journal.calls,
        resolution=_reconciled(journal) if exc is None else None,
    )
    metrics.job_outcome(claim.action, status)
    return status


def _client(conn: Connection | None, journal: AttemptJournal) -> EsqaseClient:
    if conn is None or conn.deleted_at is not None:
        raise ActionFailed("the connection this hook uses was deleted", code="connection_deleted")
    try:
        api_key = get_vault().decrypt(conn.api_key_encrypted)
    except VaultError as unreadable:
        raise ActionFailed(
            f"{unreadable}; give the connection its key again", code="connection_unreadable"
        ) from None
    http = esqase_http(current_app._get_current_object())  # type: ignore[attr-defined]
    return EsqaseClient(conn.base_url, api_key, http=http, journal=journal)


def _reconciled(journal: AttemptJournal) -> dict[str, Any] | None:
    """How the relay settled a create whose answer was lost: found it in Esqase (``after``
    a person's decision, such as their "check again", which is kept with who made it)."""
    if not journal.reconciled:
        return None
    settled = {"kind": "reconciled", "by": "relay", "records": journal.reconciled}
    return {**settled, "after": journal.claim.resolution} if journal.claim.resolution else settled


def error_body(exc: BaseException | None, outcome: Outcome) -> dict[str, Any] | None:
    """The relay's error shape everywhere: code, message, details."""
    if exc is None:
        return None
    body: dict[str, Any] = {"code": outcome.verdict.value, "message": outcome.reason, "details": []}
    if isinstance(exc, ApiError):
        body.update(
            {
                "code": exc.code or f"esqase_{exc.status}",
                "status": exc.status,
                "details": exc.details,
            }
        )
    elif isinstance(getattr(exc, "code", None), str):
        body["code"] = exc.code  # type: ignore[attr-defined]
    if isinstance(exc, Unsettled) and exc.candidates:
        body["details"] = [
            {"path": "/", "message": "a record in Esqase that matches what was sent", "record": r}
            for r in exc.candidates
        ]
    return body
