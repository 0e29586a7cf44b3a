"""SSRF protection for callback delivery.

Checking a callback URL's host with one DNS lookup and then letting the HTTP
client look it up again is not a guard: the second answer can differ (DNS
rebinding, short TTLs, round-robin). So the vetting happens inside the
connection itself. :class:`GuardedTransport` is an httpx transport over an
``httpcore`` connection pool with our network backend, whose ``connect_tcp``
resolves the host once, refuses the whole connection if *any* answer is not
public, and then dials those vetted IP literals itself. The original host name stays on the
request, so the Host header and TLS SNI / certificate checks are unchanged.

:func:`check_url` is the early, friendly check when a user saves a hook; it
never resolves names, and it is not the security boundary.
"""

from __future__ import annotations

import re
import socket
import ssl
from collections.abc import Callable, Iterable, Sequence
from ipaddress import IPv4Address, ip_address
from typing import Any

import httpcore
import httpx

from .addresses import IPAddress, describe_address, is_public_address
from .pooltransport import PoolTransport

Resolver = Callable[[str, int], Sequence[IPAddress]]
AddressPolicy = Callable[[IPAddress], bool]

_PUBLIC_HINT = "callbacks must go to a public address"


class BlockedAddress(Exception):
    """The callback host resolved to an address callbacks may not reach.

    Raised from inside the transport at connect time, before any byte is sent.
    It is a misconfiguration of the hook, so retrying will not help.
    """

    def __init__(self, host: str, address: IPAddress) -> None:
        self.host = host
        self.address = address
        kind = describe_address(address)
        if host == str(address):
            where = f"callback URL host {host} is a {kind} address"
        else:
            where = f"callback URL host {host!r} resolves to {address}, a {kind} address"
        super().__init__(f"{where}; {_PUBLIC_HINT}")


class InvalidCallbackURL(ValueError):
    """A callback URL that can never be delivered to, whatever the network does."""


def system_resolve(host: str, port: int) -> list[IPAddress]:
    """All addresses ``getaddrinfo`` gives for ``host``, in its preferred order."""
    seen: list[IPAddress] = []
    for family, _type, _proto, _name, sockaddr in socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM
    ):
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        ip = ip_address(sockaddr[0])
        if ip not in seen:
            seen.append(ip)
    return seen


class GuardedBackend(httpcore.NetworkBackend):
    """Resolve, vet, then dial the vetted literal: one lookup per connection."""

    def __init__(
        self,
        resolve: Resolver = system_resolve,
        is_allowed: AddressPolicy = is_public_address,
    ) -> None:
        self._resolve = resolve
        self._is_allowed = is_allowed
        self._dialer = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = list(self._resolve(host, port))
        except OSError as exc:
            raise httpcore.ConnectError(f"could not resolve host {host!r}: {exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"could not resolve host {host!r}: no addresses")
        # Vet every answer before dialling any: a name that mixes public and
        # private answers is hostile or broken either way.
        for address in addresses:
            if not self._is_allowed(address):
                raise BlockedAddress(host, address)

        options = list(socket_options or [])
        first_error: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:
            try:
                # An IP literal: getaddrinfo inside create_connection does no
                # DNS for it, so the socket goes exactly where we vetted.
                return self._dialer.connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                first_error = first_error or exc
        assert first_error is not None
        raise first_error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are never a callback destination")

    def sleep(self, seconds: float) -> None:
        self._dialer.sleep(seconds)


class GuardedTransport(PoolTransport):
    """An httpx transport whose every TCP connection goes through the guard.

    ``httpx.HTTPTransport`` takes no network backend, and swapping the pool it
    builds would mean writing to its private ``_pool``, which any httpx release
    may rename or stop using. So it is built from public API only: an
    ``httpcore.ConnectionPool`` (httpcore 1.x, semver) given our backend, under
    :class:`~.pooltransport.PoolTransport`.

    No ``proxy`` or ``uds`` options: with either, the address dialled is not
    the callback host's, and the guard would be checking the wrong thing.
    """

    def __init__(
        self,
        *,
        resolve: Resolver = system_resolve,
        is_allowed: AddressPolicy = is_public_address,
        verify: ssl.SSLContext | bool = True,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        limits: httpx.Limits | None = None,
        local_address: str | None = None,
        retries: int = 0,
        socket_options: Iterable[Any] | None = None,
    ) -> None:
        limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=trust_env),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=http1,
            http2=http2,
            local_address=local_address,
            retries=retries,
            socket_options=socket_options,
            network_backend=GuardedBackend(resolve, is_allowed),
        )
        super().__init__(pool)


def guarded_transport(allow_private: bool, **kw: Any) -> httpx.BaseTransport:
    """The transport for callback delivery; ``allow_private`` is for dev and tests only."""
    if allow_private:
        return httpx.HTTPTransport(**kw)
    return GuardedTransport(**kw)


_LEGACY_IPV4 = re.compile(r"[0-9a-fA-FxX.]+")


def _literal_ip(host: str) -> IPAddress | None:
    """The address a literal host denotes, including forms like ``2130706433``.

    ``getaddrinfo`` (via ``inet_aton``) accepts decimal, octal and hex IPv4
    spellings that ``ipaddress`` rejects; they must be caught here too.
    """
    try:
        return ip_address(host)
    except ValueError:
        pass
    if _LEGACY_IPV4.fullmatch(host) and host[0].isdigit():
        try:
            return IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def check_url(url: str, *, allow_private: bool = False) -> None:
    """Reject callback URLs that can never be delivered, with a message to act on.

    Only what the URL itself says is checked (no DNS). With
    ``allow_private=True`` the address checks are skipped but the shape checks
    still apply, which is how :func:`~app.callbacks.delivery.deliver` uses it.
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise InvalidCallbackURL(f"callback URL {url!r} is not a valid URL: {exc}") from exc
    if parsed.scheme not in ("http", "https"):
        shown = f"{parsed.scheme}://" if parsed.scheme else "no scheme"
        raise InvalidCallbackURL(
            f"callback URL must start with http:// or https:// (got {shown}): {url!r}"
        )
    host = parsed.host
    if not host:
        raise InvalidCallbackURL(f"callback URL has no host: {url!r}")
    if parsed.userinfo:
        raise InvalidCallbackURL(
            "callback URL must not contain a user name or password; "
            "the relay signs each callback (webhook-signature) so the receiver can verify it"
        )
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise InvalidCallbackURL(f"callback URL port {parsed.port} is out of range")
    if allow_private:
        return
    ip = _literal_ip(host)
    if ip is not None and not is_public_address(ip):
        raise InvalidCallbackURL(
            f"callback URL host {host} is a {describe_address(ip)} address; {_PUBLIC_HINT}"
        )
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        raise InvalidCallbackURL(
            f"callback URL host {host!r} is this machine (loopback); {_PUBLIC_HINT}"
        )
