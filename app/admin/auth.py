"""Bearer auth for every /api/v1 route: the bootstrap RELAY_ADMIN_TOKEN or a stored token."""

from __future__ import annotations

from flask import current_app, request

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
        ok = tokens.verify(s, presented.strip(), current_app.config.get("ADMIN_TOKEN"))
    if not ok:
        raise Unauthorized("That admin token is not valid (or was revoked).")
