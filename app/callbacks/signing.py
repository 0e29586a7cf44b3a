"""Standard Webhooks signatures for callbacks.

Signing goes through the ``standardwebhooks`` reference package rather than a
local HMAC so receivers using any Standard Webhooks library verify exactly
what we send. This module only fixes the two things that package leaves to the
caller: how secrets are minted, and turning an aware ``datetime`` into the
same integer seconds in both the header and the signed content.
"""

from __future__ import annotations

import base64
import binascii
import math
import secrets
from datetime import datetime, timezone

from standardwebhooks.webhooks import EmptyWebhookSecretError, Webhook

SECRET_PREFIX = "whsec_"
# 24 bytes = 192 bits: within the 24-64 bytes the Standard Webhooks spec asks for.
SECRET_BYTES = 24


class InvalidSecret(ValueError):
    """A stored callback secret that is not ``whsec_`` + base64; re-rotate it."""


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def _utc(timestamp: datetime) -> datetime:
    """Aware UTC, because ``Webhook.sign`` replaces tzinfo instead of converting.

    A ``+02:00`` timestamp handed to it as-is would be signed two hours off
    from the header value; a naive one has no defined instant at all.
    """
    if timestamp.tzinfo is None or timestamp.utcoffset() is None:
        raise ValueError("callback timestamps must be timezone-aware")
    return timestamp.astimezone(timezone.utc)


def sign_headers(secret: str, msg_id: str, timestamp: datetime, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for one delivery attempt of ``body``."""
    when = _utc(timestamp)
    try:
        webhook = Webhook(secret)
    except (binascii.Error, ValueError, EmptyWebhookSecretError) as exc:
        raise InvalidSecret(f"callback secret is not a valid whsec_ secret: {exc}") from exc
    signature = webhook.sign(msg_id=msg_id, timestamp=when, data=body.decode("utf-8"))
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(math.floor(when.timestamp())),
        "webhook-signature": signature,
    }
