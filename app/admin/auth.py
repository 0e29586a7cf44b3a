"""Bearer auth for every /api/v1 route: the bootstrap RELAY_ADMIN_TOKEN or a stored token.

The credential's holder is kept for the request (:func:`actor`): a person's decision on
a job (resolve, retry, replay, redeliver) records who made it.
"""

from __future__ import annotations

from flask import current_app, g, request

from ..db import session
from ..errors import Unauthorized
from ..services import tokens
from . import bp

OPEN = {"admin.openapi"}


@bp.before_request
def require_token() -> None:
    if request.endpoint in OPEN:
        return
    header = request.headers.get("Authorization", "")
    scheme, _, presented = header.partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise Unauthorized(
            "Send an admin token: 'Authorization: Bearer <token>' "
            "(RELAY_ADMIN_TOKEN, or one from 'esqase-relay tokens create')."
        )
    with session() as s:
        who = tokens.identify(s, presented.strip(), current_app.config.get("ADMIN_TOKEN"))
    if who is None:
        raise Unauthorized("That admin token is not valid (or was revoked).")
    g.admin_actor = who


def actor() -> str:
    """Who made this request: "admin (RELAY_ADMIN_TOKEN)", or a stored token's name and id."""
    return str(g.get("admin_actor") or "unknown")
