"""A delivery's way from a parsed body to a job, by the hook's current rules.

Shared by the hook URL and by a person's replay of a stored body, so a replay
after a mapping fix goes exactly the way a new delivery would: preset,
unflatten, mapping, coercion, validation, then accepted, ignored (a provider
event that is not a submission) or refused with every problem listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from actions import get_action

from ..errors import ValidationFailed
from ..jobs import lifecycle
from ..jobs.claims import Arrival
from ..models import Hook, Job
from .body import Body
from .prepare import HookRules, Prepared, prepare
from .validators import validator_for_action


@dataclass(frozen=True)
class Delivered:
    job: Job
    replayed: bool = False  # an earlier delivery with the same idempotency key and body
    ignored: bool = False


def snapshot(body: Body) -> dict[str, Any]:
    """What arrived, kept with the job: what a person reads, and what a replay re-runs."""
    kept: dict[str, Any] = {"kind": body.kind, "fields": body.fields}
    if body.files:
        kept["files_ignored"] = list(body.files)
    return kept


def deliver(
    hook: Hook, body: Body, *, header_key: str | None = None, replay_of: str | None = None
) -> Delivered:
    """Raises :class:`~app.errors.ValidationFailed` with every problem, or when the
    idempotency key was used before for another body. A replay carries no key: it is a
    person's deliberate second run of a delivery, not a sender's repeat."""
    prepared = _prepare(hook, body)
    received = snapshot(body)
    if prepared.ignored:
        return Delivered(lifecycle.ignore(hook, received, prepared.ignored), ignored=True)
    key = None if replay_of else header_key or prepared.idempotency_key
    arrival = Arrival(prepared.input, prepared.digest, key, received, replay_of)
    accepted = lifecycle.accept(hook, arrival)
    if not accepted.same_body:
        raise _key_reused(accepted.job, header_key is not None)
    return Delivered(accepted.job, replayed=accepted.replayed)


def _prepare(hook: Hook, body: Body) -> Prepared:
    action = get_action(hook.action)
    rules = HookRules(hook.preset, hook.mapping, hook.idempotency_field)
    prepared = prepare(body, rules, action.schema, validator_for_action(action.name))
    if not prepared.ok:
        raise ValidationFailed(
            f"{len(prepared.problems)} field(s) need fixing before this can be sent "
            f"to Esqase ({action.name}).",
            details=[p.to_dict() for p in prepared.problems],
        )
    return prepared


def _key_reused(first: Job, from_header: bool) -> ValidationFailed:
    """Stripe's rule: a key names one request. A constant or mis-mapped key would otherwise
    swallow every later submission as a 'replay' of the first."""
    where = "the Idempotency-Key header" if from_header else "the hook's idempotency field"
    error = ValidationFailed(
        f"This idempotency key was already used by job {first.id} with a different body. "
        f"Send a new key for a new submission: check {where} (a constant or wrongly mapped "
        "value makes every submission look like the first).",
        code="idempotency_key_reused",
    )
    error.extra["first_job_id"] = first.id
    return error
