"""Server-side sign-ins: open one, find it by the cookie's id, end it.

The cookie's value is a random id; the table keeps only its sha256, so whoever
reads the database cannot forge a cookie from it. Ending a sign-in deletes its
row, so every copy of the cookie stops working at once (a signed cookie alone
could not be taken back). Expired rows are swept whenever someone signs in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from ..db import session as db_session
from ..models import utcnow
from ..models_dashboard import DashboardSession


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def open_session(credential: str, max_age: int) -> str:
    """A new sign-in for ``credential``; returns the id the cookie carries."""
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    with db_session() as s:
        s.execute(delete(DashboardSession).where(DashboardSession.expires_at < now))
        s.add(
            DashboardSession(
                id_hash=_hash(session_id),
                credential=credential,
                created_at=now,
                expires_at=now + timedelta(seconds=max_age),
            )
        )
    return session_id


def credential_of(session_id: str) -> str | None:
    """The credential of a live sign-in, or None (unknown, ended or expired)."""
    with db_session() as s:
        return s.scalar(
            select(DashboardSession.credential).where(
                DashboardSession.id_hash == _hash(session_id),
                DashboardSession.expires_at > utcnow(),
            )
        )


def close_session(session_id: str) -> None:
    with db_session() as s:
        s.execute(delete(DashboardSession).where(DashboardSession.id_hash == _hash(session_id)))
