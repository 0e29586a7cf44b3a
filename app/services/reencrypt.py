"""Key rotation: re-seal every stored secret under the newest RELAY_SECRET_KEY.

Run after putting a new key first in RELAY_SECRET_KEY; once it has run, the
old key can be removed without losing any connection or hook.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Connection, Hook
from ..vault import get_vault


def reencrypt(session: Session) -> int:
    vault = get_vault()
    count = 0
    for conn in session.scalars(select(Connection)):
        conn.api_key_encrypted = vault.rotate(conn.api_key_encrypted)
        count += 1
    for hook in session.scalars(select(Hook)):
        hook.callback_secret_encrypted = vault.rotate(hook.callback_secret_encrypted)
        count += 1
        if hook.sender_secret_encrypted is not None:
            hook.sender_secret_encrypted = vault.rotate(hook.sender_secret_encrypted)
            count += 1
    return count
