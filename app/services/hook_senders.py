"""A hook's sender fields, checked together and applied: the scheme, its secret, its spelling.

Apart from :mod:`app.services.hooks` because the three fields only make sense
together (a secret must fit its scheme; only ``hmac`` takes a spelling), and a
scheme change must mint a new secret: the old one was another sender's.
"""

from __future__ import annotations

from typing import Any

from ..ingest import senders
from ..models import Hook
from ..vault import get_vault
from . import bodies


def problems(data: dict[str, Any], hook: Hook | None) -> list[dict[str, Any]]:
    """What the sender fields say together: a secret that fits its scheme, a signature
    spelling exactly when the scheme is ``hmac``."""
    before = hook.sender_scheme if hook is not None else None
    scheme = senders.scheme_name(data["verify_sender"]) if "verify_sender" in data else before
    problems: list[dict[str, Any]] = []
    secret = data.get("sender_secret")
    if secret is not None and scheme is None:
        problems.append(
            bodies.problem(
                "/sender_secret",
                "sender_secret needs verify_sender (standard-webhooks, typeform, tally or "
                "hmac); this hook does not verify its senders",
            )
        )
    elif secret is not None and scheme is not None:
        said = senders.SCHEMES[scheme].secret_problem(secret)
        if said:
            problems.append(bodies.problem("/sender_secret", said))
    given = data.get("sender_signature")
    kept = hook.sender_signature if hook is not None and "sender_signature" not in data else None
    if scheme == "hmac" and not (given or kept):
        problems.append(
            bodies.problem(
                "/sender_signature",
                'verify_sender \'hmac\' needs sender_signature: {"header": "X-Signature", '
                '"algorithm": "sha256", "encoding": "hex", "prefix": ""}',
            )
        )
    elif given and scheme != "hmac":
        problems.append(
            bodies.problem(
                "/sender_signature",
                "sender_signature is only for verify_sender 'hmac'; "
                f"{scheme or 'no verification'} has its own",
            )
        )
    return problems


def apply(hook: Hook, data: dict[str, Any], secrets: dict[str, str]) -> None:
    """Set the sender fields from an already checked body. A new scheme without a secret
    given gets a new one (the old one was another sender's), shown once in ``secrets``."""
    before = hook.sender_scheme
    scheme = senders.scheme_name(data["verify_sender"]) if "verify_sender" in data else before
    if scheme is None:
        hook.sender_scheme = None
        hook.sender_secret_encrypted = None
        hook.sender_signature = None
        return
    hook.sender_scheme = scheme
    vault = get_vault()
    if data.get("sender_secret") is not None:
        hook.sender_secret_encrypted = vault.encrypt(data["sender_secret"])
    elif scheme != before or hook.sender_secret_encrypted is None:
        minted = senders.SCHEMES[scheme].new_secret()
        hook.sender_secret_encrypted = vault.encrypt(minted)
        secrets["sender_secret"] = minted
    if scheme != "hmac":
        hook.sender_signature = None
    elif data.get("sender_signature"):
        spelled = senders.Signature.of(data["sender_signature"])
        hook.sender_signature = spelled.to_dict() if spelled else None
