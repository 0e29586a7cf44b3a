"""What a connection's key must be allowed to do, and how to find out without writing.

**What it needs** comes from its hooks: each hook's action declares its scopes
(``leads.create`` needs ``leads:write``). A create also reads: when its answer is lost,
the next attempt looks the record up before sending again (``actions/reconcile.py``), so
a key that cannot read what it creates sends such a job to needs_review instead of
settling it. Those reads are reported as *recommended*, not required.

**How to find out** (the Esqase docs, ``docs/esqase-api.md``): a request is
authenticated and its scope checked before its body or parameters are looked at, so

- a read scope: ``GET /v1/<resource>?limit=1``. 200, or 422 (``matter-types`` wants a
  ``practiceAreaId``), means the scope is there; 403 means it is not.
- a write scope: ``POST /v1/<resource>`` with an empty body ``{}``. Every create has a
  required field (a contact's type, a practice area's name, a matter's practiceAreaId
  and openDate, ...), so Esqase answers 422 when the scope is there and 403 when it is
  not, and nothing is ever written. PATCH and DELETE need the same ``:write`` scope.

A 401 means the key itself is refused; nothing else is worth asking then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from actions import UnknownAction, get_action
from app.esqase import RESOURCES, ApiError, EsqaseClient

OK, DENIED = "ok", "denied"

# What a lost create's look-up reads, per created resource (see actions/reconcile.py:
# a lead is found through the contact its create makes).
RECONCILE_READS: dict[str, tuple[str, ...]] = {
    "contacts": ("contacts:read",),
    "leads": ("contacts:read", "leads:read"),
    "matters": ("matters:read",),
    "practice-areas": ("practice-areas:read",),
    "matter-types": ("matter-types:read",),
}
# Composite actions and the resources they create; a CRUD ``create`` creates its own.
COMPOSITE_CREATES: dict[str, tuple[str, ...]] = {
    "contacts.upsert": ("contacts",),
    "matters.create-for-client": ("contacts", "matters"),
}


@dataclass(frozen=True)
class Need:
    scope: str
    required: bool  # False: only the look-up of a create whose answer was lost uses it
    hooks: tuple[str, ...]  # ids of the hooks that need it


class KeyRefused(Exception):
    """Esqase answered 401: the key is unknown, revoked or malformed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def creates(action_name: str) -> tuple[str, ...]:
    """The resources an action may create (what a lost answer leaves in doubt)."""
    if action_name in COMPOSITE_CREATES:
        return COMPOSITE_CREATES[action_name]
    resource, _, verb = action_name.partition(".")
    return (resource,) if verb == "create" else ()


def needs(hooks: Iterable[tuple[str, str]]) -> list[Need]:
    """From ``(hook_id, action)`` pairs: every scope, required first, in a stable order.
    A hook with an action the registry no longer knows needs nothing it can name."""
    required: dict[str, list[str]] = {}
    recommended: dict[str, list[str]] = {}
    for hook_id, action_name in hooks:
        try:
            action = get_action(action_name)
        except UnknownAction:
            continue
        for scope in action.scopes:
            required.setdefault(scope, []).append(hook_id)
        for resource in creates(action.name):
            for scope in RECONCILE_READS.get(resource, ()):
                recommended.setdefault(scope, []).append(hook_id)
    found = [Need(s, True, tuple(ids)) for s, ids in sorted(required.items())]
    found += [
        Need(s, False, tuple(ids)) for s, ids in sorted(recommended.items()) if s not in required
    ]
    return found


def every_scope() -> list[str]:
    """What a key with no hooks yet is asked about: each resource, read and write."""
    return [f"{resource}:{verb}" for resource in RESOURCES for verb in ("read", "write")]


def probe(client: EsqaseClient, scope: str) -> str:
    """``ok``, ``denied`` or ``error <status>``; raises :class:`KeyRefused` on a 401 and
    lets a transport error (:class:`app.esqase.EsqaseError`) through."""
    resource, _, verb = scope.partition(":")
    try:
        if verb == "read":
            client.list(resource, limit=1)
        else:
            client.create(resource, {})  # refused after the scope check; never written
    except ApiError as exc:
        if exc.status == 422:
            return OK
        if exc.status == 403:
            return DENIED
        if exc.status == 401:
            raise KeyRefused(exc.message) from None
        return f"error {exc.status}"
    return OK
