"""What one attempt did, kept as it happens and written down where a crash would need it.

One object goes to both the Esqase client (which reports every call before
it leaves and after it ends) and the action (its finished steps, and what
earlier attempts sent). Two moments are persisted mid-attempt, each only
while this attempt still owns its job:

- before a create leaves, the call about to be made: an attempt the sweeper
  took back never sends, and a lost attempt is judged by what it had sent;
- after each finished step of a composite action: a retry resumes there.

Everything else (the full call list, the outcome) is written once, by
:func:`app.jobs.lifecycle.finish`.

The claim itself may be *held*: left uncommitted in a session of the
journal's (:func:`app.jobs.lifecycle.claim` with ``held``) until the first
moment it must be durable, which is before anything leaves the process. For
a create, the note of the call about to be made goes in the claim's own
transaction (one commit instead of two, and no ownership check: nobody can
take back a claim not yet committed); before any other call, or when the
action ends without a call, the claim is committed alone. Should the attempt
die before that, the claim rolls back: the job is still queued in SQL and
the sweeper enqueues it again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from actions import MemoryJournal, body_digest, unanswered
from app.esqase import Call

from ..db import get_db
from ..models import Attempt, Job, utcnow
from .claims import AttemptSuperseded, Claim
from .outcome import is_write
from .preconditions import attempt_in_flight


class AttemptJournal(MemoryJournal):
    def __init__(
        self, claim: Claim, prior_calls: list[dict[str, Any]], held: Session | None = None
    ) -> None:
        super().__init__(
            steps=dict(claim.checkpoint or {}), prior_calls=prior_calls, mode=claim.mode
        )
        self.claim = claim
        self._calls: list[dict[str, Any]] = []
        self._in_flight: dict[str, Any] | None = None
        self._held = held

    @classmethod
    def open(cls, claim: Claim, held: Session | None = None) -> AttemptJournal:
        """Earlier attempts' calls are read only when there were earlier attempts."""
        prior: list[dict[str, Any]] = []
        if claim.attempt > 1:
            query = select(Attempt.calls).where(
                Attempt.job_id == claim.job_id, Attempt.number < claim.attempt
            )
            if held is not None:
                rows = list(held.scalars(query))
            else:
                with get_db().session() as s:
                    rows = list(s.scalars(query))
            prior = [call for calls in rows for call in (calls or [])]
        journal = cls(claim, prior, held)
        if claim.mode == "linked":  # a person found the lost create's record: not in doubt
            for path, digest in journal._open_doubts():
                journal.settle(path, digest, (claim.resolution or {}).get("record_id"))
        return journal

    # -- the client's side -------------------------------------------------------------

    def before_send(self, method: str, path: str, body: Any) -> None:
        leaving: dict[str, Any] = {"method": method, "path": path, "status": None, "sent": True}
        if is_write(method):
            # Enough to recognise this create later (reconciliation), without keeping the body.
            leaving.update(body_sha256=body_digest(body), at=utcnow().isoformat())
            self._persist_send([*self._calls, leaving])
        else:
            self.commit_claim()
        self._in_flight = leaving

    def record(self, call: Call) -> None:
        leaving, self._in_flight = self._in_flight or {}, None
        entry = {
            "method": call.method,
            "path": call.path,
            "status": call.status,
            "duration_ms": call.duration_ms,
            "error": call.error,
            "sent": call.sent,
        }
        if (leaving.get("method"), leaving.get("path")) == (call.method, call.path):
            entry.update({k: leaving[k] for k in ("body_sha256", "at") if k in leaving})
        self._calls.append(entry)

    @property
    def calls(self) -> list[dict[str, Any]]:
        """Every call of this attempt, with the one cut off mid-flight (RQ's timeout) last."""
        return [*self._calls, *([self._in_flight] if self._in_flight else [])]

    def noted(self, entry: dict[str, Any]) -> None:
        self._calls.append({**entry, "status": None, "at": utcnow().isoformat()})

    def in_doubt(self) -> bool:
        """A create of this attempt, or of an earlier one still unaccounted for, may have
        made a record: then the job may not end ``failed``."""
        mine = any(is_write(c["method"]) and unanswered(c) for c in self.calls)
        return mine or super().in_doubt()

    # -- the action's side -------------------------------------------------------------

    def saved(self, name: str) -> None:
        self.commit_claim()
        with get_db().session() as s:
            owned = s.execute(
                update(Job).where(*attempt_in_flight(self.claim)).values(checkpoint=self.steps)
            )
            if owned.rowcount != 1:  # type: ignore[attr-defined]
                raise AttemptSuperseded(self.claim.job_id)

    # ----------------------------------------------------------------------------------

    def commit_claim(self) -> None:
        """Make a held claim durable (before a call leaves, or as the attempt ends)."""
        held, self._held = self._held, None
        if held is not None:
            try:
                held.commit()
            finally:
                held.close()

    def abandon_claim(self) -> None:
        """The attempt died before its claim was committed: the job stays queued."""
        held, self._held = self._held, None
        if held is not None:
            held.close()  # rolls back, and does not raise over the error that ended it

    def _persist_send(self, calls: list[dict[str, Any]]) -> None:
        """The ownership check and the note share one transaction, so the sweeper cannot
        take the job back between them and the send. A claim still held needs no check:
        the note joins the claim's own transaction."""
        if self._held is not None:
            self._held.execute(self._note(calls))
            self.commit_claim()
            return
        with get_db().session() as s:
            owned = s.execute(
                update(Job).where(*attempt_in_flight(self.claim)).values(updated_at=utcnow())
            )
            if owned.rowcount != 1:  # type: ignore[attr-defined]
                raise AttemptSuperseded(self.claim.job_id)
            s.execute(self._note(calls))

    def _note(self, calls: list[dict[str, Any]]) -> Any:
        where = (Attempt.job_id == self.claim.job_id, Attempt.number == self.claim.attempt)
        return update(Attempt).where(*where).values(calls=calls)
