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


def verify(session: Session, presented: str, bootstrap: str | None) -> bool:
    if bootstrap and hmac.compare_digest(presented.encode(), bootstrap.encode()):
        return True
    row = session.scalar(
        select(AdminToken).where(
            AdminToken.token_hash == digest(presented), AdminToken.revoked_at.is_(None)
        )
    )
    if row is None:
        return False
    session.execute(update(AdminToken).where(AdminToken.id == row.id).values(last_used_at=utcnow()))
    return True
