"""CSRF tokens for the dashboard's forms: one random token per session, in the signed cookie.

SameSite=Lax already keeps most cross-site POSTs from carrying the cookie; the
token covers the rest (older browsers, same-site subdomains) without a new
dependency. A form that lacks it is refused before any view runs.
"""

from __future__ import annotations

import hmac
import secrets

from flask import session

SESSION_KEY = "dashboard_csrf"
FIELD = "csrf_token"


def token() -> str:
    """The session's token, made on first use (rendering a form is first use)."""
    value = session.get(SESSION_KEY)
    if not isinstance(value, str) or not value:
        value = secrets.token_urlsafe(32)
        session[SESSION_KEY] = value
    return value


def renew() -> str:
    """A fresh token after signing in or out, so a token seen before sign-in is worthless."""
    session.pop(SESSION_KEY, None)
    return token()


def valid(presented: str | None) -> bool:
    expected = session.get(SESSION_KEY)
    if not isinstance(expected, str) or not expected or not presented:
        return False
    return hmac.compare_digest(presented.encode(), expected.encode())
