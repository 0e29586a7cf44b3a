"""Who signed a delivery: one verification scheme per kind of sender, looked up by name.

::

    verify_sender      header(s)                             signed bytes       HMAC key
    standard-webhooks  webhook-id, webhook-timestamp,        id.timestamp.body  base64 after
                       webhook-signature: v1,<base64> ...                       whsec_
    typeform           Typeform-Signature: sha256=<base64>   body               secret (UTF-8)
    tally              Tally-Signature: <base64>             body               secret (UTF-8)
    hmac               <header>: <prefix><hex or base64>     body               secret (UTF-8)

Typeform and Tally are the generic HMAC with their published parameters; ``hmac`` lets a
website form's backend or a WordPress plugin name its own. The signed bytes are always
the raw body as it arrived (a sender signs bytes; a parsed and re-serialised body is
another text), digests are compared with :func:`hmac.compare_digest` after decoding, and
every way a header can be wrong (missing, repeated, not the encoding, not the prefix,
not text) is one answer, :class:`BadSignature`, which the gate turns into a 401. Only
Standard Webhooks signs a timestamp, so only it can refuse a replayed old delivery; for
the others the hook's idempotency key is what stops a replay from creating twice.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from ..callbacks import new_secret as new_whsec

ALGORITHMS: dict[str, Callable[..., Any]] = {
    "sha256": hashlib.sha256,
    "sha1": hashlib.sha1,
    "sha512": hashlib.sha512,
}
ENCODINGS = ("hex", "base64")
TOLERANCE_SECONDS = 5 * 60
"""How far a Standard Webhooks timestamp may be from our clock (the libraries' default)."""
SECRET_MAX = 500
WHSEC_BYTES = (24, 64)
"""The key sizes the Standard Webhooks spec asks for."""


class BadSignature(Exception):
    """The delivery is not signed the way its hook expects. Never says more: a reason
    would tell a forger which part to fix."""


@dataclass(frozen=True)
class Signature:
    """How an HMAC signature header is spelled: ``<header>: <prefix><digest>``."""

    header: str
    algorithm: str = "sha256"
    encoding: str = "hex"
    prefix: str = ""

    @classmethod
    def of(cls, stored: dict[str, Any] | None) -> Signature | None:
        if not stored or not stored.get("header"):
            return None
        return cls(
            header=str(stored["header"]),
            algorithm=str(stored.get("algorithm") or "sha256"),
            encoding=str(stored.get("encoding") or "hex"),
            prefix=str(stored.get("prefix") or ""),
        )

    def to_dict(self) -> dict[str, str]:
        return dict(asdict(self))


Headers = dict[str, list[str]]
Verify = Callable[[str, bytes, Headers, "Signature | None", float], None]


@dataclass(frozen=True)
class Scheme:
    """One way of signing: how to check it, how to mint a secret, what a secret looks like,
    and the sentence that tells a sender how to sign (the 401's message)."""

    name: str
    verify: Verify
    new_secret: Callable[[], str]
    secret_problem: Callable[[str], str | None]
    how: str
    # Typeform and Tally: the HMAC spelling their docs publish (the hook gives none).
    fixed: Signature | None = None


# -- reading headers -----------------------------------------------------------------------


def collect(headers: Iterable[tuple[str, str]]) -> Headers:
    """Header name (lowercased) -> every value it arrived with."""
    found: Headers = {}
    for name, value in headers:
        found.setdefault(name.lower(), []).append(value)
    return found


def _one(headers: Headers, name: str) -> str:
    """The single value of ``name``: absent, blank or repeated is not a signature."""
    values = headers.get(name.lower(), [])
    if len(values) != 1 or not values[0].strip():
        raise BadSignature
    return values[0].strip()


def _bytes(text: str) -> bytes:
    """Header text back to the bytes that were sent (WSGI decodes headers as latin-1)."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        raise BadSignature from None


def _unhex(text: str) -> bytes:
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise BadSignature from None


def _unbase64(text: str) -> bytes:
    """Standard or URL-safe alphabet, padded or not: the bytes must match either way."""
    raw = _bytes(text).replace(b"-", b"+").replace(b"_", b"/")
    raw += b"=" * (-len(raw) % 4)
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise BadSignature from None


DECODERS: dict[str, Callable[[str], bytes]] = {"hex": _unhex, "base64": _unbase64}


# -- the schemes ---------------------------------------------------------------------------


def _verify_hmac(
    secret: str, raw: bytes, headers: Headers, signature: Signature | None, now: float
) -> None:
    if signature is None or signature.algorithm not in ALGORITHMS:
        raise BadSignature
    value = _one(headers, signature.header)
    if not value.startswith(signature.prefix):
        raise BadSignature
    got = DECODERS[signature.encoding](value[len(signature.prefix) :].strip())
    expected = hmac.new(secret.encode("utf-8"), raw, ALGORITHMS[signature.algorithm]).digest()
    if not hmac.compare_digest(expected, got):
        raise BadSignature


def whsec_key(secret: str) -> bytes:
    """The HMAC key of a Standard Webhooks secret: the base64 after ``whsec_``."""
    return base64.b64decode(secret.removeprefix("whsec_"), validate=True)


def _verify_standard(
    secret: str, raw: bytes, headers: Headers, signature: Signature | None, now: float
) -> None:
    msg_id = _bytes(_one(headers, "webhook-id"))
    stamp = _one(headers, "webhook-timestamp")
    offered = _one(headers, "webhook-signature")
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
        raise BadSignature  # unix seconds; "1e30", "nan" and "-1" are not
    if abs(now - int(stamp)) > TOLERANCE_SECONDS:
        raise BadSignature
    try:
        key = whsec_key(secret)
    except (binascii.Error, ValueError):
        raise BadSignature from None
    signed = msg_id + b"." + stamp.encode("ascii") + b"." + raw
    expected = hmac.new(key, signed, hashlib.sha256).digest()
    for candidate in offered.split(" "):
        version, _, value = candidate.partition(",")
        if version != "v1" or not value:
            continue  # another version (v1a is ed25519), or a stray space
        try:
            got = _unbase64(value)
        except BadSignature:
            continue
        if hmac.compare_digest(expected, got):
            return
    raise BadSignature


def _new_shared() -> str:
    return secrets.token_urlsafe(32)


def _shared_problem(secret: str) -> str | None:
    if not secret or not secret.strip():
        return "sender_secret cannot be blank"
    if secret != secret.strip():
        return "sender_secret starts or ends with a space or line break; paste it without them"
    if len(secret) > SECRET_MAX or not secret.isprintable():
        return f"sender_secret must be 1 to {SECRET_MAX} printable characters"
    return None


def _whsec_problem(secret: str) -> str | None:
    shared = _shared_problem(secret)
    if shared:
        return shared
    try:
        size = len(whsec_key(secret))
    except (binascii.Error, ValueError):
        size = -1
    low, high = WHSEC_BYTES
    if not low <= size <= high:
        return (
            "a Standard Webhooks sender_secret is 'whsec_' followed by base64 of "
            f"{low} to {high} bytes, as the sending service shows it"
        )
    return None


TYPEFORM = Signature("Typeform-Signature", "sha256", "base64", "sha256=")
TALLY = Signature("Tally-Signature", "sha256", "base64", "")

SCHEMES: dict[str, Scheme] = {
    "standard-webhooks": Scheme(
        "standard-webhooks",
        _verify_standard,
        new_whsec,
        _whsec_problem,
        "Sign the body with the hook's sender secret (Standard Webhooks: webhook-id, "
        "webhook-timestamp, webhook-signature headers).",
    ),
    "typeform": Scheme(
        "typeform",
        _verify_hmac,
        _new_shared,
        _shared_problem,
        "Paste the hook's sender secret into the Typeform webhook's Secret setting; "
        "Typeform then sends a Typeform-Signature header.",
        fixed=TYPEFORM,
    ),
    "tally": Scheme(
        "tally",
        _verify_hmac,
        _new_shared,
        _shared_problem,
        "Paste the hook's sender secret into the Tally webhook's Signing secret; "
        "Tally then sends a Tally-Signature header.",
        fixed=TALLY,
    ),
    "hmac": Scheme(
        "hmac",
        _verify_hmac,
        _new_shared,
        _shared_problem,
        "Sign the raw body with HMAC and the hook's sender secret, in the header the "
        "hook's sender_signature names.",
    ),
}
"""The registry: ``verify_sender`` name -> scheme."""

TRUE_MEANS = "standard-webhooks"
"""``verify_sender: true`` predates the other schemes and keeps its meaning."""


def scheme_name(value: Any) -> str | None:
    """A ``verify_sender`` value as stored: a scheme name, or None for no verification."""
    if value is True:
        return TRUE_MEANS
    if value is False or value is None:
        return None
    return str(value)


def verify(
    name: str,
    secret: str,
    raw: bytes,
    headers: Iterable[tuple[str, str]],
    signature: Signature | None = None,
    *,
    now: float | None = None,
) -> None:
    """Raises :class:`BadSignature` unless ``raw`` is signed the way scheme ``name`` says.
    ``now`` (unix seconds) is for known-answer tests of timestamped vectors."""
    scheme = SCHEMES.get(name)
    if scheme is None:
        raise BadSignature
    spelled = scheme.fixed or signature
    when = time.time() if now is None else now
    scheme.verify(secret, raw, collect(headers), spelled, when)
