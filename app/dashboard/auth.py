"""Signing in with an admin token: the cookie carries a session id, never the token.

The session (Flask's signed cookie) holds only ``{"sid"}``, the id of a server-side
sign-in (:mod:`.sessions`), which records the credential: ``token:<id>`` for a
stored admin token, re-checked on every request so revoking the token signs its
dashboards out, or ``bootstrap:<fingerprint>`` for RELAY_ADMIN_TOKEN, where the
fingerprint is an HMAC under a key derived for this alone from RELAY_SECRET_KEY (see
:mod:`app.vault`), so the table does not help anyone test guesses of a short
bootstrap token offline; changing RELAY_ADMIN_TOKEN (or the newest RELAY_SECRET_KEY)
signs those sessions out. Signing out deletes the record, so a copied cookie stops
working too. A sign-in also expires after :data:`MAX_AGE` whatever happens.
"""

from __future__ import annotations

import hashlib
import hmac
import posixpath
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import ratelimit
from ..db import session as db_session
from ..models import AdminToken
from ..redis_conn import get_redis, key
from ..services import tokens
from ..vault import get_vault
from . import bp, csrf, sessions

SESSION_KEY = "dashboard_auth"
MAX_AGE = 12 * 3600  # seconds a sign-in lasts
# Sign-in attempts allowed per client address and window: the bootstrap token
# may be a word a person chose, so guessing must be slow.
LOGIN_LIMIT = 10
LOGIN_WINDOW = 300


def _fingerprint(token: str) -> str:
    secret = get_vault().fingerprint_key
    mac = hmac.new(secret, b"dashboard-bootstrap\0" + token.encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def _credential(s: Session, presented: str) -> str | None:
    """Which credential ``presented`` is, or None when it is not a valid admin token."""
    bootstrap = current_app.config.get("ADMIN_TOKEN")
    if not tokens.verify(s, presented, bootstrap):
        return None
    if bootstrap and hmac.compare_digest(presented.encode(), str(bootstrap).encode()):
        return f"bootstrap:{_fingerprint(presented)}"
    row_id = s.scalar(
        select(AdminToken.id).where(AdminToken.token_hash == tokens.digest(presented))
    )
    return f"token:{row_id}" if row_id else None


def _still_valid(credential: str) -> bool:
    kind, _, ref = credential.partition(":")
    if kind == "bootstrap":
        bootstrap = current_app.config.get("ADMIN_TOKEN")
        return bool(bootstrap) and hmac.compare_digest(ref, _fingerprint(str(bootstrap)))
    if kind == "token":
        with db_session() as s:
            live = s.scalar(
                select(AdminToken.id).where(AdminToken.id == ref, AdminToken.revoked_at.is_(None))
            )
        return live is not None
    return False


def _session_id() -> str | None:
    state = session.get(SESSION_KEY)
    sid = state.get("sid") if isinstance(state, dict) else None
    return sid if isinstance(sid, str) and sid else None


def signed_in() -> bool:
    """A live server-side sign-in whose credential still holds; remembered for the request."""
    sid = _session_id()
    credential = sessions.credential_of(sid) if sid else None
    if credential is None or not _still_valid(credential):
        return False
    g.dashboard_credential = credential
    return True


def actor() -> str:
    """Who is signed in, as a person's decision on a job records it (like the API's)."""
    credential = str(g.get("dashboard_credential") or "")
    kind, _, ref = credential.partition(":")
    if kind == "bootstrap":
        return f"{tokens.BOOTSTRAP} via the dashboard"
    if kind == "token":
        with db_session() as s:
            name = s.scalar(select(AdminToken.name).where(AdminToken.id == ref))
        return f"{name} ({ref}) via the dashboard"
    return "unknown"


def _safe_next(raw: str | None) -> str:
    """Only a dashboard path on this site: ``next`` must never send the admin elsewhere."""
    fallback = url_for("dashboard.jobs")
    if not raw or any(ord(c) < 0x20 for c in raw) or "\\" in raw:
        return fallback
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or raw.startswith("//"):
        return fallback
    path = posixpath.normpath(parts.path)  # "/dashboard/../x" is not a dashboard path
    if path != "/dashboard" and not path.startswith("/dashboard/"):
        return fallback
    return path + (f"?{parts.query}" if parts.query else "")


def _form(error: str | None = None, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "dashboard/login.html", error=error, next=_safe_next(request.values.get("next"))
    )
    return page, status


def _failures_key() -> str:
    # remote_addr is the client's own address once RELAY_PROXY_HOPS trusts the proxies.
    return key("rl", "dashboard-login", request.remote_addr or "unknown")


def _throttled() -> int:
    """Seconds to wait before trying again, or 0. Only failed sign-ins count, so a
    right token always works until someone has guessed wrong too often from this
    address. A Redis outage must not lock the admin out."""
    try:
        failures = ratelimit.peek(get_redis(), _failures_key(), LOGIN_WINDOW)
    except (RedisError, OSError):
        return 0
    return failures.retry_after_if_over(LOGIN_LIMIT)


def _count_failure() -> None:
    try:
        ratelimit.hit(get_redis(), _failures_key(), LOGIN_LIMIT, LOGIN_WINDOW)
    except (RedisError, OSError):
        pass


@bp.get("/login")
def login() -> ResponseReturnValue:
    if signed_in():
        return redirect(_safe_next(request.args.get("next")))
    return _form()


@bp.post("/login")
def login_post() -> ResponseReturnValue:
    presented = (request.form.get("token") or "").strip()
    if not presented:
        return _form("Enter the admin token.", 400)
    wait = _throttled()
    if wait:
        page, status = _form(
            f"Too many sign-in attempts from this address. Try again in {wait} seconds.", 429
        )
        return page, status, {"Retry-After": str(wait)}
    with db_session() as s:
        credential = _credential(s, presented)
    if credential is None:
        _count_failure()
        return _form("That admin token is not valid (or it was revoked).", 401)
    session.clear()  # nothing from before sign-in carries over
    session[SESSION_KEY] = {"sid": sessions.open_session(credential, MAX_AGE)}
    csrf.renew()
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Ends the sign-in on the server: this cookie, and any copy of it, is worthless now."""
    sid = _session_id()
    if sid:
        sessions.close_session(sid)
    session.clear()
    flash("You are signed out.", "ok")
    return redirect(url_for("dashboard.login"))
