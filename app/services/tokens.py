"""Admin tokens: shown once, stored as SHA-256 (they are random, so no slow hash is needed).

The bootstrap ``RELAY_ADMIN_TOKEN`` is not a row here: it is retired by changing the
variable. Stored tokens are listed and revoked by id, never by the token itself.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..ids import looks_like_id
from ..jobs.present import iso
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


def view(row: AdminToken) -> dict[str, Any]:
    """Never the token: only its digest is stored, and it was shown once."""
    return {
        "id": row.id,
        "name": row.name,
        "created_at": iso(row.created_at),
        "last_used_at": iso(row.last_used_at),
        "revoked_at": iso(row.revoked_at),
    }


def list_all(session: Session, *, include_revoked: bool = False) -> list[AdminToken]:
    query = select(AdminToken).order_by(AdminToken.id)
    if not include_revoked:
        query = query.where(AdminToken.revoked_at.is_(None))
    return list(session.scalars(query))


def get(session: Session, token_id: str) -> AdminToken:
    row = session.get(AdminToken, token_id) if looks_like_id(token_id) else None
    if row is None:
        raise NotFound(
            f"No admin token with id {token_id!r} (ids look like tok_...; "
            "see `esqase-relay tokens list`)."
        )
    return row


def revoke(session: Session, token_id: str) -> tuple[AdminToken, bool]:
    """Revoked at once for the admin API and every dashboard session signed in with it.
    Revoking twice changes nothing; the second answer says so (``False``)."""
    row = get(session, token_id)
    done = session.scalar(
        update(AdminToken)
        .where(AdminToken.id == row.id, AdminToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .returning(AdminToken.id)
    )
    session.refresh(row)
    return row, done is not None
