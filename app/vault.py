"""Encryption at rest for API keys and callback secrets (Fernet, with rotation).

``RELAY_SECRET_KEY`` holds one or more Fernet keys, comma-separated, newest
first: new ciphertexts use the first, old ones still decrypt, and
:meth:`Vault.rotate` re-encrypts a value under the newest key. Without the
setting (development), a key is generated once into the instance folder with
mode 0600.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app


class VaultError(Exception):
    """A ciphertext could not be decrypted with any configured key."""


class Vault:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one Fernet key is required")
        try:
            self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])
        except ValueError as exc:
            raise ValueError(
                "RELAY_SECRET_KEY must be Fernet keys (32 url-safe base64 bytes), comma-separated; "
                "make one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'"
            ) from exc

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
        return self._fernet.rotate(token)

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
    app.extensions["relay.vault"] = Vault(keys)
    # Flask's own signing (sessions) uses the newest key as well.
    app.config["SECRET_KEY"] = keys[0]


def get_vault(app: Flask | None = None) -> Vault:
    return (app or current_app).extensions["relay.vault"]
