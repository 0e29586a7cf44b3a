"""Secrets shown once, across the redirect after the form that made them.

Creating or rotating a hook answers with a redirect (a reload must not make a
second hook), so the new URL's secrets ride to the next page in the session
cookie, encrypted with the relay's key (the cookie is signed, not secret), and
are dropped the first time that page is shown. Nothing secret is ever stored in
Redis or the database for this.
"""

from __future__ import annotations

import json

from flask import session

from ..vault import VaultError, get_vault

SESSION_KEY = "dashboard_once"


def keep(hook_id: str, secrets: dict[str, str]) -> None:
    if secrets:
        sealed = get_vault().encrypt(json.dumps({"hook_id": hook_id, "secrets": secrets}))
        session[SESSION_KEY] = sealed.decode()


def take(hook_id: str) -> dict[str, str]:
    """The secrets kept for ``hook_id``, once; {} when there are none (or they were for
    another hook, or the relay's key changed since)."""
    sealed = session.get(SESSION_KEY)
    if not isinstance(sealed, str):
        return {}
    try:
        kept = json.loads(get_vault().decrypt(sealed.encode()))
    except (VaultError, ValueError):
        session.pop(SESSION_KEY, None)
        return {}
    if kept.get("hook_id") != hook_id:
        return {}
    session.pop(SESSION_KEY, None)
    return {str(k): str(v) for k, v in dict(kept.get("secrets") or {}).items()}
