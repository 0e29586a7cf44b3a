"""Hooks: one URL, one action, one connection (a leaked URL can do exactly one thing).

How a hook's sender proves itself is ``verify_sender`` (a scheme of
:mod:`app.ingest.senders`, or false) with its ``sender_secret``, which is write-only:
a provider's own secret is pasted in on create or update and never shown again; a
hook given none gets one minted and shown once, in that answer. ``sender_signature``
spells the header of the ``hmac`` scheme.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions import UnknownAction, get_action
from app.payload import PRESETS

from .. import hookcache
from ..callbacks import InvalidCallbackURL, check_url, new_secret
from ..errors import Conflict, NotFound, ValidationFailed
from ..ids import looks_like_id
from ..ingest import senders
from ..ingest.gate import reject_status
from ..jobs.present import hook_url, iso
from ..models import Hook, new_token, utcnow
from ..vault import get_vault
from . import bodies, connections, hook_senders

# Fields a PATCH copies as they are (secrets and verify_sender are handled apart).
PLAIN_FIELDS = (
    "name",
    "action",
    "connection_id",
    "callback_url",
    "callback_events",
    "idempotency_field",
    "mapping",
    "preset",
    "allowed_origins",
    "enabled",
    "reject_status",
)


def view(hook: Hook, *, secrets: dict[str, str] | None = None) -> dict[str, Any]:
    """Secrets appear only in the answer that created or rotated them."""
    data: dict[str, Any] = {
        "id": hook.id,
        "name": hook.name,
        "url": hook_url(current_app.config["PUBLIC_URL"], hook),
        "action": hook.action,
        "connection_id": hook.connection_id,
        "enabled": hook.enabled,
        "callback_url": hook.callback_url,
        "callback_events": hook.callback_events,
        "idempotency_field": hook.idempotency_field,
        "mapping": hook.mapping,
        "preset": hook.preset,
        "allowed_origins": hook.allowed_origins,
        "verify_sender": hook.sender_scheme or False,
        "sender_signature": hook.sender_signature,
        "reject_status": reject_status(hook),
        "created_at": iso(hook.created_at),
        "updated_at": iso(hook.updated_at),
    }
    data.update(secrets or {})
    return data


def _mapping_collisions(mapping: dict[str, str]) -> list[dict[str, Any]]:
    """``client`` and ``client.firstName`` cannot both be targets: one would overwrite the
    other at every delivery, so say so when the hook is saved."""
    parts = {t: [p for p in t.replace("/", ".").split(".") if p] for t in mapping}
    return [
        bodies.problem(
            f"/mapping/{a}", f"mapping target {a!r} contains target {b!r}; keep one of them"
        )
        for a in sorted(parts)
        for b in sorted(parts)
        if a != b and parts[b][: len(parts[a])] == parts[a]
    ]


MAPPING_SHAPES = (
    'a path ("answers.email"), {"value": <a constant>}, or {"from": "<path>", '
    '"map": {"<what the form sends>": <value>}, "default": <value>}'
)


def _mapping_sources(mapping: dict[str, Any]) -> list[dict[str, Any]]:
    """A source object is ``{"value"}`` alone or ``{"from"}`` with map and default."""
    problems = []
    for target, source in mapping.items():
        if not isinstance(source, dict):
            continue
        keys = set(source)
        if keys == {"value"} or ("from" in keys and "value" not in keys):
            continue
        problems.append(
            bodies.problem(f"/mapping/{target}", f"{target!r} must be {MAPPING_SHAPES}")
        )
    return problems


def _check(
    session: Session, data: dict[str, Any], *, hook: Hook | None = None
) -> list[dict[str, Any]]:
    """Every problem at once: types and sizes by schema, then what a schema cannot know.
    A field whose type is already wrong gets no second, semantic complaint. ``hook`` is
    the hook being changed (None while creating one)."""
    problems = bodies.problems("hook.create" if hook is None else "hook.update", data)
    typed = bodies.typed(data, problems)
    if isinstance(typed.get("name"), str) and not typed["name"].strip():
        problems.append(
            bodies.problem("/name", "name cannot be blank (e.g. 'Website intake form')")
        )
    if isinstance(typed.get("action"), str):
        try:
            get_action(typed["action"])
        except UnknownAction as exc:
            problems.append(bodies.problem("/action", exc.message))
    if isinstance(typed.get("connection_id"), str):
        try:
            connections.get(session, typed["connection_id"])
        except NotFound:
            problems.append(bodies.problem("/connection_id", "no connection has this id"))
    if isinstance(typed.get("callback_url"), str) and typed["callback_url"]:
        try:
            check_url(
                typed["callback_url"], allow_private=current_app.config["ALLOW_PRIVATE_CALLBACKS"]
            )
        except InvalidCallbackURL as exc:
            problems.append(bodies.problem("/callback_url", str(exc)))
    if isinstance(typed.get("mapping"), dict):
        problems += _mapping_collisions(typed["mapping"])
        problems += _mapping_sources(typed["mapping"])
    if isinstance(typed.get("preset"), str) and typed["preset"] not in PRESETS:
        problems.append(bodies.problem("/preset", f"one of: {', '.join(sorted(PRESETS))}"))
    if not {"/verify_sender", "/sender_secret", "/sender_signature"} & {
        p["path"] for p in problems
    }:
        problems += hook_senders.problems(data, hook)
    return problems


def create(session: Session, data: dict[str, Any]) -> tuple[Hook, dict[str, str]]:
    problems = _check(session, data)
    bodies.raise_if(problems, "hook")
    vault = get_vault()
    secret = new_secret()
    secrets = {"callback_secret": secret}
    hook = Hook(
        name=data["name"].strip(),
        action=data["action"],
        connection_id=data["connection_id"],
        enabled=bool(data.get("enabled", True)),
        callback_url=data.get("callback_url") or None,
        callback_secret_encrypted=vault.encrypt(secret),
        idempotency_field=data.get("idempotency_field") or None,
        mapping=data.get("mapping"),
        preset=data.get("preset") or None,
        allowed_origins=data.get("allowed_origins"),
        reject_status=data.get("reject_status"),
    )
    if data.get("callback_events") is not None:
        hook.callback_events = data["callback_events"]
    hook_senders.apply(hook, data, secrets)
    session.add(hook)
    session.flush()
    hookcache.changed(session)
    return hook, secrets


def get(session: Session, hook_id: str) -> Hook:
    hook = session.get(Hook, hook_id) if looks_like_id(hook_id) else None
    if hook is None or hook.deleted_at is not None:
        raise NotFound(f"No hook with id {hook_id!r}.")
    return hook


def list_all(session: Session) -> list[Hook]:
    return list(session.scalars(select(Hook).where(Hook.deleted_at.is_(None)).order_by(Hook.id)))


def update(session: Session, hook_id: str, data: dict[str, Any]) -> tuple[Hook, dict[str, str]]:
    hook = get(session, hook_id)
    problems = _check(session, data, hook=hook)
    bodies.raise_if(problems, "hook")
    secrets: dict[str, str] = {}
    for name in PLAIN_FIELDS:
        if name in data:
            value = data[name]
            if name == "name":
                value = value.strip()
            setattr(hook, name, None if value == "" else value)
    if {"verify_sender", "sender_secret", "sender_signature"} & set(data):
        hook_senders.apply(hook, data, secrets)
    hookcache.changed(session)
    return hook, secrets


def delete(session: Session, hook_id: str) -> None:
    hook = get(session, hook_id)
    hook.deleted_at = utcnow()
    hook.enabled = False
    hookcache.changed(session)


def rotate(session: Session, hook_id: str, what: Any) -> tuple[Hook, dict[str, str]]:
    """Exactly what is named (``url``, ``callback_secret``, ``sender_secret``); the old
    ones stop working at once. Rotation never switches sender verification on or off:
    that is ``verify_sender``'s alone, so a hook that does not verify has no sender
    secret to rotate."""
    hook = get(session, hook_id)
    if what is None:
        raise ValidationFailed(
            "Say what to rotate; nothing was changed.",
            details=[bodies.problem("/rotate", ROTATE_HINT)],
        )
    bodies.check("hook.rotate", {"rotate": what}, "rotation")
    if "sender_secret" in what and hook.sender_scheme is None:
        raise Conflict(
            "This hook does not verify senders, so it has no sender secret to rotate; "
            "nothing was changed. Turn verification on with verify_sender, which makes "
            "its first sender secret.",
            code="sender_verification_off",
        )
    secrets: dict[str, str] = {}
    if "url" in what:
        hook.token = new_token("hk", 24)
    if "callback_secret" in what:
        secret = new_secret()
        hook.callback_secret_encrypted = get_vault().encrypt(secret)
        secrets["callback_secret"] = secret
    if "sender_secret" in what and hook.sender_scheme is not None:
        sender = senders.SCHEMES[hook.sender_scheme].new_secret()
        hook.sender_secret_encrypted = get_vault().encrypt(sender)
        secrets["sender_secret"] = sender
    hook.updated_at = utcnow()  # set here, so the answer shows it before the flush
    hookcache.changed(session)
    return hook, secrets


ROTATE_HINT = 'rotate is required: a list of "url", "callback_secret" and/or "sender_secret"'
