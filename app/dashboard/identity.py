"""Who is signed in, as a job's resolution records it (``by``).

The admin API records the credential ("admin (RELAY_ADMIN_TOKEN)", or a stored token as
"name (tok_...)", :func:`app.services.tokens.identify`); the CLI records
``cli:<login>``. The console records the same credential with ``console:`` in front,
so a job's history says both who decided and where. Read from the sign-in
(:mod:`.auth` keeps the credential, never the token), so it costs at most one query.
"""

from __future__ import annotations

from flask import session
from sqlalchemy import select

from ..db import session as db_session
from ..models import AdminToken
from ..services import tokens
from . import auth

PREFIX = "console:"


def by() -> str:
    state = session.get(auth.SESSION_KEY)
    credential = state.get("credential") if isinstance(state, dict) else None
    return f"{PREFIX} {_holder(credential if isinstance(credential, str) else '')}"


def _holder(credential: str) -> str:
    kind, _, ref = credential.partition(":")
    if kind == "bootstrap":
        return tokens.BOOTSTRAP
    if kind == "token" and ref:
        with db_session() as s:
            name = s.scalar(select(AdminToken.name).where(AdminToken.id == ref))
        return f"{name} ({ref})" if name else ref
    return "unknown"
