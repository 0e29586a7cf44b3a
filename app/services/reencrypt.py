"""Key rotation: re-seal every stored secret under the newest RELAY_SECRET_KEY.

Run after putting a new key first in RELAY_SECRET_KEY; once it has run, the
old key can be removed without losing any connection or hook. It also moves
values sealed before keys were derived with HKDF (sealed under a configured key
itself, see :mod:`app.vault`) to the derived encryption key.

All or nothing: if any secret opens with no configured key, nothing is
re-sealed and the error names every such record, so a key is never dropped
while something still needs it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import hookcache
from ..errors import Conflict
from ..models import Connection, Hook
from ..vault import VaultError, get_vault


def reencrypt(session: Session) -> int:
    vault = get_vault()
    count = 0
    unreadable: list[str] = []

    def reseal(token: bytes, what: str) -> bytes:
        nonlocal count
        try:
            sealed = vault.rotate(token)
        except VaultError:
            unreadable.append(what)
            return token
        count += 1
        return sealed

    for conn in session.scalars(select(Connection)):
        conn.api_key_encrypted = reseal(conn.api_key_encrypted, f"connection {conn.id} (API key)")
    for hook in session.scalars(select(Hook)):
        hook.callback_secret_encrypted = reseal(
            hook.callback_secret_encrypted, f"hook {hook.id} (callback secret)"
        )
        if hook.sender_secret_encrypted is not None:
            hook.sender_secret_encrypted = reseal(
                hook.sender_secret_encrypted, f"hook {hook.id} (sender secret)"
            )
    if unreadable:
        raise Conflict(
            f"{len(unreadable)} stored secret(s) open with no key in RELAY_SECRET_KEY: "
            f"{', '.join(unreadable)}. Nothing was re-encrypted; add back the key that "
            "sealed them, or give those connections and hooks new secrets, then run again.",
            code="secret_unreadable",
        )
    hookcache.changed(session)  # web processes hold sender secrets sealed the old way
    return count
