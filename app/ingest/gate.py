"""Who may deliver to a hook: the hook itself, the browser origin, the rate, the signature.

Checked cheapest first. The rate limit comes before any signature work, so a
flood of badly signed requests costs one Redis INCR each, not an HMAC over
each body.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import select

from .. import ratelimit
from ..db import get_db
from ..errors import Forbidden, NotFound, RateLimited, Unauthorized
from ..ids import looks_like_id
from ..models import Hook
from ..redis_conn import get_redis, key
from ..vault import get_vault


def find_hook(token: str) -> Hook:
    hook = None
    if looks_like_id(token):
        with get_db().session() as s:
            hook = s.scalar(select(Hook).where(Hook.token == token))
    if hook is None or hook.deleted_at is not None or not hook.enabled:
        raise NotFound(
            "No enabled hook has this URL. Copy the hook URL again from the relay, "
            "or ask an admin whether the hook was disabled or rotated.",
            code="hook_not_found",
        )
    return hook


def check_origin(hook: Hook, origin: str | None) -> str | None:
    """The origin to allow in CORS headers, or ``None`` for a server-to-server call."""
    if not origin or not hook.allowed_origins:
        return None
    if "*" in hook.allowed_origins or origin in hook.allowed_origins:
        return origin
    raise Forbidden(
        f"Browser origin {origin!r} may not post to this hook. Add it to the hook's "
        "allowed origins.",
        code="origin_not_allowed",
    )


def rate_limit(hook: Hook) -> None:
    limit = int(current_app.config.get("INGEST_RATE_LIMIT", 600))
    if limit <= 0:
        return
    try:
        decision = ratelimit.hit(get_redis(), key("rl", "hook", hook.id), limit)
    except (RedisError, OSError):
        return  # fail open: a Redis outage must not turn away work we can keep in SQL
    if not decision.allowed:
        seconds = int(decision.retry_after + 0.999)
        raise RateLimited(
            f"This hook received more than {limit} requests in a minute. "
            f"Try again in {seconds} seconds.",
            headers={"Retry-After": str(seconds)},
        )


def verify_sender(hook: Hook, raw: bytes, headers: Iterable[tuple[str, str]]) -> None:
    """Standard Webhooks signature over the raw bytes. Any malformed header or body is a
    wrong signature (401), whatever the verifying library raises about it."""
    if hook.sender_secret_encrypted is None:
        return
    from standardwebhooks.webhooks import Webhook

    secret = get_vault().decrypt(hook.sender_secret_encrypted)
    try:
        Webhook(secret).verify(raw, dict(headers), json_parse=False)
    except Exception:  # noqa: BLE001 - a header with no comma, a body that is not UTF-8, ...
        raise Unauthorized(
            "The request signature is missing or wrong. Sign the body with the hook's "
            "sender secret (Standard Webhooks: webhook-id, webhook-timestamp, "
            "webhook-signature headers).",
            code="bad_signature",
        ) from None
