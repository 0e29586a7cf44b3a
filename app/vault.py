"""Key material from ``RELAY_SECRET_KEY``: encryption at rest, and the app's other secrets.

``RELAY_SECRET_KEY`` holds one or more Fernet keys, comma-separated, newest
first. No configured key is used as it is. HKDF-SHA256 derives three
independent keys from each, one per job, so that no key does two:

* **encryption** (``info`` :data:`ENCRYPTION_INFO`): the Fernet key that seals
  API keys and callback/sender secrets;
* **signing** (:data:`SIGNING_INFO`): Flask's ``SECRET_KEY``, which signs the
  dashboard's session cookie;
* **fingerprint** (:data:`FINGERPRINT_INFO`): the HMAC key of the dashboard's
  bootstrap-token fingerprint (:mod:`app.dashboard.auth`).

Why: ``app.config["SECRET_KEY"]`` is read by any code that holds the app (Flask
extensions, a debugging session printing the config), and its MACs are handed
to every browser; when it was also the encryption key, each of those was a way
to the sealed API keys. Now knowing the signing key says nothing about the
others. The labels carry a version, so a change of derivation is a new label.

Rotation: new ciphertexts use the newest key's encryption key; every
configured key's encryption key decrypts, and so does each configured key
*itself*, because before this derivation the configured key was the Fernet key
and values sealed then must still open. :meth:`Vault.rotate` (``esqase-relay
reencrypt``) re-seals a value under the newest derived key, whichever key
sealed it. Changing the newest key also changes the signing key: dashboard
sign-ins from before end, and people sign in again. Without the setting
(development), a key is generated once into the instance folder with mode 0600.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app

ENCRYPTION_INFO = b"esqase-relay encryption v1"
SIGNING_INFO = b"esqase-relay cookie signing v1"
FINGERPRINT_INFO = b"esqase-relay fingerprint v1"


class VaultError(Exception):
    """A ciphertext could not be decrypted with any configured key."""


@dataclass(frozen=True, repr=False)
class DerivedKeys:
    """The three keys one configured key stands for."""

    encryption: bytes  # a Fernet key (url-safe base64 of 32 bytes)
    signing: bytes
    fingerprint: bytes


def derive(key: str) -> DerivedKeys:
    """HKDF-SHA256 over the 32 bytes a Fernet key encodes, no salt, one ``info`` per use.

    No salt: the input is already a uniformly random key, which is the case
    RFC 5869 (section 3.1) allows it for. Raises ``ValueError`` for a string that
    is not a Fernet key.
    """
    material = _key_bytes(key)
    return DerivedKeys(
        encryption=base64.urlsafe_b64encode(_hkdf(material, ENCRYPTION_INFO)),
        signing=_hkdf(material, SIGNING_INFO),
        fingerprint=_hkdf(material, FINGERPRINT_INFO),
    )


def _hkdf(material: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(material)


def _key_bytes(key: str) -> bytes:
    try:
        material = base64.urlsafe_b64decode(key.encode())
    except (ValueError, TypeError) as exc:  # binascii.Error is a ValueError
        raise ValueError("not a Fernet key") from exc
    if len(material) != 32:
        raise ValueError("not a Fernet key")
    return material


class Vault:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one Fernet key is required")
        try:
            derived = [derive(k) for k in keys]
            legacy = [Fernet(k.encode()) for k in keys]
        except ValueError as exc:
            raise ValueError(
                "RELAY_SECRET_KEY must be Fernet keys (32 url-safe base64 bytes), comma-separated; "
                "make one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'"
            ) from exc
        self._newest = derived[0]
        # MultiFernet encrypts (and rotates) with the first and tries all in order.
        self._fernet = MultiFernet([Fernet(d.encryption) for d in derived] + legacy)

    def encrypt(self, plaintext: str) -> bytes:
        return self._fernet.encrypt(plaintext.encode())

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken:
            # No chaining: the token is not a secret, but keep tracebacks short and plain.
            raise VaultError(
                "stored secret cannot be decrypted with the configured RELAY_SECRET_KEY"
            ) from None

    def rotate(self, token: bytes) -> bytes:
        """``token`` re-sealed under the newest derived key (it may have been sealed under
        any configured key, derived or, from before the derivation, the key itself)."""
        try:
            return self._fernet.rotate(token)
        except InvalidToken:
            raise VaultError(
                "stored secret cannot be decrypted with the configured RELAY_SECRET_KEY"
            ) from None

    @property
    def signing_key(self) -> bytes:
        """Flask's ``SECRET_KEY``: cookie signing only."""
        return self._newest.signing

    @property
    def fingerprint_key(self) -> bytes:
        """The HMAC key for fingerprints of secrets kept in cookies."""
        return self._newest.fingerprint

    def __repr__(self) -> str:
        return "Vault(<keys hidden>)"


def _dev_key(instance: Path) -> str:
    path = instance / "secret.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(Fernet.generate_key().decode())
    return path.read_text().strip()


def init_app(app: Flask) -> None:
    raw = app.config.get("SECRET_KEY") or _dev_key(Path(app.instance_path))
    keys = [k.strip() for k in str(raw).split(",") if k.strip()]
    vault = Vault(keys)
    app.extensions["relay.vault"] = vault
    # From here on SECRET_KEY is the derived signing key, never a configured key.
    app.config["SECRET_KEY"] = vault.signing_key


def get_vault(app: Flask | None = None) -> Vault:
    return (app or current_app).extensions["relay.vault"]
