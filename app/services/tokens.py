"""Admin tokens: shown once, stored as SHA-256 (they are random, so no slow hash is needed)."""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import AdminToken, new_token, utcnow


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(session: Session, name: str) -> tuple[AdminToken, str]:
    token = new_token("rly", 32)
    row = AdminToken(name=name, token_hash=digest(token))
    session.add(row)
    session.flush()
    return row, token


BOOTSTRAP = "admin (RELAY_ADMIN_TOKEN)"


def verify(session: Session, presented: str, bootstrap: str | None) -> bool:
    return identify(session, presented, bootstrap) is not None


def identify(session: Session, presented: str, bootstrap: str | None) -> str | None:
    """Who a valid token stands for, as job resolutions record it: the bootstrap token, or
    a stored token by its name and id (names may repeat); ``None`` for an invalid one."""
    if bootstrap and hmac.compare_digest(presented.encode(), bootstrap.encode()):
        return BOOTSTRAP
    row = session.scalar(
        select(AdminToken).where(
            AdminToken.token_hash == digest(presented), AdminToken.revoked_at.is_(None)
        )
    )
    if row is None:
        return None
    session.execute(update(AdminToken).where(AdminToken.id == row.id).values(last_used_at=utcnow()))
    return f"{row.name} ({row.id})"
