"""Which IP addresses a callback may be sent to.

A pure policy, kept apart from sockets so it can be tested exhaustively
without dialling anything. The question it answers is "could a stranger on the
internet legitimately own this address?": only then may a user-supplied URL
make the relay connect to it. Everything else (our own loopback, the cloud
metadata service on link-local, the VPC's private ranges, carrier-grade NAT,
multicast, documentation and reserved ranges) would let a hook owner use the
relay as a proxy into networks they cannot otherwise reach (SSRF).
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

IPAddress = IPv4Address | IPv6Address

# RFC 6598 shared address space. ``is_global`` already excludes it, but it is
# listed explicitly because providers use it for internal services and a
# future change in ``ipaddress`` must not silently open it.
_CGNAT = IPv4Network("100.64.0.0/10")
# RFC 6052 well-known NAT64 prefix: on a NAT64 network ``64:ff9b::a00:1``
# reaches 10.0.0.1, so the embedded IPv4 address is what gets judged.
_NAT64 = IPv6Network("64:ff9b::/96")


def embedded_ipv4(ip: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 address really routes to, if it wraps one.

    ``::ffff:127.0.0.1`` is loopback on a dual-stack socket, and 6to4 / NAT64
    addresses are translated to their IPv4 part by gateways; judging the IPv6
    form alone would let those through (and older Pythons, 3.11.7 among
    them, call ``::ffff:10.0.0.1`` neither private nor global consistently).
    """
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(ip: IPAddress | str) -> bool:
    """True only for globally routable unicast addresses.

    ``is_global`` is the base; the other flags are checked too because
    ``is_global`` is True for some multicast ranges (224.0.0.1, ff0e::/16) and
    its exact lists have changed between Python releases.
    """
    if isinstance(ip, str):
        ip = ip_address(ip)
    if isinstance(ip, IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            return is_public_address(inner)
    if isinstance(ip, IPv4Address) and ip in _CGNAT:
        return False
    return ip.is_global and not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def describe_address(ip: IPAddress) -> str:
    """A word a user can look up: why this address is refused."""
    if isinstance(ip, IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            return describe_address(inner)
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, IPv4Address) and ip in _CGNAT:
        return "shared (carrier-grade NAT)"
    if ip.is_private:
        return "private"
    if ip.is_reserved:
        return "reserved"
    return "non-public"
