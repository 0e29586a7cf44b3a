"""The secret alerts are signed with: ``RELAY_ALERT_SECRET``, or one derived from the vault.

Set ``RELAY_ALERT_SECRET`` (a ``whsec_`` secret; ``esqase-relay alerts secret --new``
makes one) in production. Unset, it is derived (HKDF-SHA256) from the vault's newest
signing key, so every web and worker process agrees on it with nothing more configured;
but then it changes when a new key is put in front of ``RELAY_SECRET_KEY``, and receivers
must be given the new one (``esqase-relay alerts secret`` prints it).
"""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask

from ..callbacks.signing import SECRET_BYTES, SECRET_PREFIX
from ..vault import get_vault

ALERT_INFO = b"esqase-relay alert signing v1"


def check_secret(secret: str) -> None:
    """Raise ``ValueError`` unless ``secret`` is ``whsec_`` + base64 of 24 to 64 bytes."""
    body = secret.removeprefix(SECRET_PREFIX)
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if not secret.startswith(SECRET_PREFIX) or not 24 <= len(raw) <= 64:
        raise ValueError(
            "RELAY_ALERT_SECRET must be a Standard Webhooks secret: whsec_ and the base64 of "
            "24 to 64 random bytes (make one with: esqase-relay alerts secret --new)"
        )


def alert_secret(app: Flask) -> str:
    configured = app.config.get("ALERT_SECRET")
    if configured:
        return str(configured)
    hkdf = HKDF(algorithm=hashes.SHA256(), length=SECRET_BYTES, salt=None, info=ALERT_INFO)
    derived = hkdf.derive(get_vault(app).signing_key)
    return SECRET_PREFIX + base64.b64encode(derived).decode("ascii")
