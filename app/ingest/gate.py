"""Who may deliver to a hook: the hook itself, the browser origin, the rate, the signature.

Checked cheapest first. The rate limit comes before any signature work, so a
flood of badly signed requests costs one Redis INCR each, not an HMAC over
each body.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from redis.exceptions import RedisError

from .. import hookcache, ratelimit
from ..errors import Forbidden, NotFound, RateLimited, Unauthorized
from ..ids import looks_like_id
from ..models import Hook
from ..redis_conn import get_redis, key
from ..vault import get_vault
from . import senders

FORM_REJECT_STATUS = 200
"""A form provider retries a 4xx for hours and may then disable the webhook."""
PLAIN_REJECT_STATUS = 422


def reject_status(hook: Hook) -> int:
    """The status a refused (422) delivery is answered with: the hook's own, else 200
    for a form preset and 422 for everything else (Zapier and Make show a 422 to the
    person who can fix the mapping)."""
    if hook.reject_status:
        return int(hook.reject_status)
    return FORM_REJECT_STATUS if hook.preset else PLAIN_REJECT_STATUS


def find_hook(token: str) -> Hook:
    """The enabled hook with this URL token, from this process's cache when it is
    current (:mod:`app.hookcache`). The hook is shared between requests: read it only."""
    hook = hookcache.lookup(token) if looks_like_id(token) else None
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
    """The hook's sender scheme over the raw bytes (:mod:`.senders`). Any malformed header
    or body is a wrong signature (401), whatever the reason, and the reason is not said."""
    if hook.sender_scheme is None:
        return
    scheme = senders.SCHEMES.get(hook.sender_scheme)
    how = scheme.how if scheme else "Check the hook's verify_sender setting."
    signature = senders.Signature.of(hook.sender_signature)
    try:
        if hook.sender_secret_encrypted is None:
            raise senders.BadSignature  # a scheme without a secret verifies nothing: refuse
        secret = get_vault().decrypt(hook.sender_secret_encrypted)
        senders.verify(hook.sender_scheme, secret, raw, headers, signature)
    except senders.BadSignature:
        raise Unauthorized(
            f"The request signature is missing or wrong. {how}", code="bad_signature"
        ) from None
