"""Connections: one encrypted Esqase API key, its base URL and an optional rate limit."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from app.esqase import EsqaseClient, EsqaseError

from .. import hookcache
from ..errors import Conflict, NotFound
from ..http import esqase_http
from ..ids import looks_like_id
from ..jobs.outcome import Outcome, Verdict
from ..jobs.present import iso
from ..models import Connection, ConnectionStatus, Hook, utcnow
from ..vault import VaultError, get_vault
from . import bodies, keycheck


def view(conn: Connection) -> dict[str, Any]:
    return {
        "id": conn.id,
        "name": conn.name,
        "base_url": conn.base_url,
        "api_key_last4": conn.api_key_last4,
        "rate_limit_per_minute": conn.rate_limit_per_minute,
        "status": conn.status,
        "last_error": conn.last_error,
        "created_at": iso(conn.created_at),
        "updated_at": iso(conn.updated_at),
    }


def _check_fields(data: dict[str, Any], *, creating: bool) -> None:
    """Every problem at once: types and sizes by schema, then what a schema cannot say."""
    found = bodies.problems("connection.create" if creating else "connection.update", data)
    fields = bodies.typed(data, found)
    if isinstance(fields.get("name"), str) and not fields["name"].strip():
        found.append(bodies.problem("/name", "name cannot be blank (e.g. 'Smith & Co production')"))
    if isinstance(fields.get("base_url"), str) and not _http_url(fields["base_url"]):
        found.append(
            bodies.problem(
                "/base_url", "base_url must be an http(s) URL like https://api.esqase.com"
            )
        )
    bodies.raise_if(found, "connection")


def _http_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def create(session: Session, data: dict[str, Any]) -> Connection:
    _check_fields(data, creating=True)
    key = data["api_key"]
    conn = Connection(
        name=data["name"].strip(),
        base_url=str(data.get("base_url") or current_app.config["ESQASE_BASE_URL"]).rstrip("/"),
        api_key_encrypted=get_vault().encrypt(key),
        api_key_last4=key[-4:],
        rate_limit_per_minute=data.get("rate_limit_per_minute"),
        status=ConnectionStatus.ACTIVE,
    )
    session.add(conn)
    session.flush()
    return conn


def get(session: Session, conn_id: str) -> Connection:
    conn = session.get(Connection, conn_id) if looks_like_id(conn_id) else None
    if conn is None or conn.deleted_at is not None:
        raise NotFound(f"No connection with id {conn_id!r}.")
    return conn


def list_all(session: Session) -> list[Connection]:
    query = select(Connection).where(Connection.deleted_at.is_(None)).order_by(Connection.id)
    return list(session.scalars(query))


def update(session: Session, conn_id: str, data: dict[str, Any]) -> Connection:
    conn = get(session, conn_id)
    _check_fields(data, creating=False)
    if "name" in data:
        conn.name = data["name"].strip()
    if "base_url" in data:
        conn.base_url = str(data["base_url"]).rstrip("/")
    if "rate_limit_per_minute" in data:
        conn.rate_limit_per_minute = data["rate_limit_per_minute"]
    if "api_key" in data:
        key = data["api_key"]
        conn.api_key_encrypted = get_vault().encrypt(key)
        conn.api_key_last4 = key[-4:]
        conn.status, conn.last_error = ConnectionStatus.ACTIVE, None
    hookcache.changed(session)
    return conn


def delete(session: Session, conn_id: str) -> None:
    conn = get(session, conn_id)
    in_use = session.scalar(
        select(Hook.id).where(Hook.connection_id == conn.id, Hook.deleted_at.is_(None)).limit(1)
    )
    if in_use:
        raise Conflict(
            "Hooks still use this connection; delete them or move them to another connection "
            "first.",
            code="connection_in_use",
        )
    conn.deleted_at = utcnow()
    hookcache.changed(session)


def record_evidence(session: Session, conn: Connection, outcome: Outcome) -> None:
    """A connection's status follows the latest evidence from its jobs: a 401/403 marks it,
    and a later success with the same key clears the mark."""
    if outcome.flag_connection:
        session.execute(
            sql_update(Connection)
            .where(Connection.id == conn.id)
            .values(status=ConnectionStatus.AUTH_FAILED, last_error=outcome.reason)
        )
    elif outcome.verdict is Verdict.SUCCEEDED and conn.status == ConnectionStatus.AUTH_FAILED:
        session.execute(
            sql_update(Connection)
            .where(Connection.id == conn.id, Connection.api_key_encrypted == conn.api_key_encrypted)
            .values(status=ConnectionStatus.ACTIVE, last_error=None)
        )


def check(session: Session, conn_id: str) -> dict[str, Any]:
    """Ask Esqase whether the key can do what this connection's hooks need (every scope,
    when no hook uses it yet), without writing anything: see :mod:`.keycheck`. The
    answer is evidence, so the connection's status follows it."""
    conn = get(session, conn_id)
    try:
        key = get_vault().decrypt(conn.api_key_encrypted)
    except VaultError as exc:
        raise Conflict(
            f"{exc}; add the old key back to RELAY_SECRET_KEY, or give this "
            "connection its key again (PATCH api_key).",
            code="connection_unreadable",
        ) from None
    client = EsqaseClient(
        conn.base_url,
        key,
        http=esqase_http(current_app._get_current_object()),  # type: ignore[attr-defined]
    )
    hooks = session.execute(
        select(Hook.id, Hook.name, Hook.action)
        .where(Hook.connection_id == conn.id, Hook.deleted_at.is_(None))
        .order_by(Hook.id)
    ).all()
    names = {h.id: h.name for h in hooks}
    needs = keycheck.needs((h.id, h.action) for h in hooks)
    wanted = [n.scope for n in needs] if hooks else keycheck.every_scope()
    scopes: dict[str, str] = {}
    try:
        for scope in wanted:
            scopes[scope] = keycheck.probe(client, scope)
    except keycheck.KeyRefused as exc:
        conn.status, conn.last_error = ConnectionStatus.AUTH_FAILED, exc.message
        return {"ok": False, "status": 401, "message": exc.message, "scopes": scopes, "needs": []}
    except EsqaseError as exc:
        message = f"Esqase could not be asked: {exc}"
        return {"ok": False, "status": None, "message": message, "scopes": scopes, "needs": []}
    report = [
        {"scope": n.scope, "required": n.required, "result": scopes[n.scope], "hooks": n.hooks}
        for n in needs
    ]
    missing = [n for n in needs if n.required and scopes[n.scope] != keycheck.OK]
    message = _verdict(needs, scopes, names, len(hooks))
    if missing:
        conn.status, conn.last_error = ConnectionStatus.AUTH_FAILED, message
    else:
        conn.status, conn.last_error = ConnectionStatus.ACTIVE, None
    return {
        "ok": not missing,
        "status": 200,
        "message": message,
        "scopes": scopes,
        "needs": report,
    }


def _verdict(
    needs: list[keycheck.Need], scopes: dict[str, str], names: dict[str, str], hooks: int
) -> str:
    """One paragraph a person can act on: what is missing and which hooks it stops."""
    if not hooks:
        can = [s for s, result in scopes.items() if result == keycheck.OK]
        return "The key works. No hook uses this connection yet; it may: " + (
            ", ".join(can) or "nothing (every scope was refused)"
        )

    def who(need: keycheck.Need) -> str:
        return ", ".join(f"{names[h]!r} ({h})" for h in need.hooks)

    missing = [n for n in needs if n.required and scopes[n.scope] != keycheck.OK]
    advised = [n for n in needs if not n.required and scopes[n.scope] != keycheck.OK]
    parts = [
        f"The key lacks {n.scope} ({scopes[n.scope]}), which hook(s) {who(n)} need."
        for n in missing
    ] or [f"The key has every scope its {hooks} hook(s) need."]
    parts += [
        f"Without {n.scope} ({scopes[n.scope]}), a create by {who(n)} whose answer is lost "
        "cannot be looked up and waits for a person (needs_review)."
        for n in advised
    ]
    return " ".join(parts)
