"""Signed job callbacks: Standard Webhooks signatures, SSRF-guarded delivery.

Modules: ``signing`` (secrets and headers), ``addresses`` (which IPs are
public), ``netguard`` (URL checks and the connect-time guard in the httpx
transport), ``pooltransport`` (an httpx transport over an httpcore pool, public
API only), ``delivery`` (one attempt -> :class:`DeliveryResult`).

Errors::

    Exception
    ├── BlockedAddress            netguard: the host resolved to a non-public
    │                             address; raised by the transport at connect
    │                             time, before a byte is sent
    └── ValueError
        ├── InvalidCallbackURL    netguard.check_url: not http(s), no host,
        │                         user:password@, bad port, or a non-public
        │                         literal IP / localhost
        └── InvalidSecret         signing: not a whsec_ secret

    httpx.TransportError          network failures from the client

:func:`deliver` raises none of these: it returns a :class:`DeliveryResult`
whose ``retryable`` is False only for ``BlockedAddress``,
``InvalidCallbackURL`` and ``InvalidSecret`` (a hook misconfiguration that
waiting will not fix), and True for network errors and non-2xx answers.
"""

from .addresses import describe_address, is_public_address
from .delivery import USER_AGENT, DeliveryResult, build_body, deliver, make_client
from .netguard import (
    BlockedAddress,
    GuardedTransport,
    InvalidCallbackURL,
    check_url,
    guarded_transport,
    system_resolve,
)
from .signing import InvalidSecret, new_secret, sign_headers

__all__ = [
    "USER_AGENT",
    "BlockedAddress",
    "DeliveryResult",
    "GuardedTransport",
    "InvalidCallbackURL",
    "InvalidSecret",
    "build_body",
    "check_url",
    "deliver",
    "describe_address",
    "guarded_transport",
    "is_public_address",
    "make_client",
    "new_secret",
    "sign_headers",
    "system_resolve",
]
