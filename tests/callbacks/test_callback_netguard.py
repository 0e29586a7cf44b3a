"""The SSRF guard: address policy, URL checks, and the connect-time transport check.

Nothing here dials a non-loopback address: "public" destinations are either
judged by the pure policy function or simulated with an injected resolver and
policy that route a made-up name to 127.0.0.1.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from ipaddress import IPv4Address, ip_address
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from app.callbacks import (
    BlockedAddress,
    GuardedTransport,
    InvalidCallbackURL,
    check_url,
    guarded_transport,
    is_public_address,
)
from app.callbacks.addresses import IPAddress

if TYPE_CHECKING:
    from .conftest import Receiver

LOOPBACK = IPv4Address("127.0.0.1")


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # CGNAT
        "0.0.0.0",
        "224.0.0.1",  # multicast, which is_global calls global
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",  # TEST-NET-1
        "198.18.0.1",  # benchmarking
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "ff0e::1",  # global-scope multicast
        "2001:db8::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    ],
)
def test_non_public_addresses(address: str) -> None:
    assert not is_public_address(ip_address(address))


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "::ffff:8.8.8.8"],
)
def test_public_addresses(address: str) -> None:
    assert is_public_address(address)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/hook", "http:// or https://"),
        ("example.com/hook", "http:// or https://"),
        ("http:///hook", "no host"),
        ("http://user:pw@example.com/hook", "user name or password"),
        ("https://token@example.com/hook", "user name or password"),
        ("http://example.com:99999/", "out of range"),
        ("http://10.0.0.1/", "private"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://100.64.1.1/", "carrier-grade NAT"),
        ("http://2130706433/", "loopback"),  # 127.0.0.1 as one decimal number
        ("http://0x7f.1/", "loopback"),
        ("http://localhost:8000/", "loopback"),
        ("http://api.localhost./", "loopback"),
    ],
)
def test_check_url_rejects(url: str, message: str) -> None:
    with pytest.raises(InvalidCallbackURL, match=message):
        check_url(url)


@pytest.mark.parametrize(
    "url",
    ["https://example.com/hook", "http://example.com:8080/x?y=1", "https://8.8.8.8/hook"],
)
def test_check_url_accepts_public(url: str) -> None:
    check_url(url)


def test_check_url_allow_private_still_checks_shape() -> None:
    check_url("http://127.0.0.1:5000/hook", allow_private=True)
    check_url("http://localhost:5000/hook", allow_private=True)
    with pytest.raises(InvalidCallbackURL):
        check_url("ftp://127.0.0.1/", allow_private=True)
    with pytest.raises(InvalidCallbackURL):
        check_url("http://a:b@localhost/", allow_private=True)


def test_invalid_callback_url_is_a_value_error() -> None:
    assert issubclass(InvalidCallbackURL, ValueError)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "0x7f.1"])
def test_transport_blocks_loopback_at_connect_time(receiver: Receiver, host: str) -> None:
    with httpx.Client(transport=guarded_transport(allow_private=False)) as client:
        with pytest.raises(BlockedAddress) as caught:
            client.post(receiver.url(host), content=b"{}")
    assert caught.value.host == host
    assert caught.value.address.is_loopback
    assert "callbacks must go to a public address" in str(caught.value)
    assert receiver.requests == []


def test_blocked_message_names_host_and_address() -> None:
    exc = BlockedAddress("evil.example", LOOPBACK)
    assert str(exc) == (
        "callback URL host 'evil.example' resolves to 127.0.0.1, a loopback address; "
        "callbacks must go to a public address"
    )


def test_allow_private_is_a_plain_transport(receiver: Receiver) -> None:
    transport = guarded_transport(allow_private=True)
    assert type(transport) is httpx.HTTPTransport
    with httpx.Client(transport=transport) as client:
        assert client.post(receiver.url("localhost"), content=b"{}").status_code == 200
    assert len(receiver.requests) == 1


def test_transport_dials_the_address_it_vetted(receiver: Receiver) -> None:
    """'public.test' is in no DNS: reaching the receiver proves the vetted answer was dialled."""
    lookups: list[str] = []

    def resolve(host: str, port: int) -> list[IPAddress]:
        lookups.append(host)
        return [LOOPBACK] if host == "public.test" else []

    def policy(ip: IPAddress) -> bool:
        return ip == LOOPBACK or is_public_address(ip)

    transport = GuardedTransport(resolve=resolve, is_allowed=policy)
    with httpx.Client(transport=transport) as client:
        response = client.post(receiver.url("public.test"), content=b"{}")
    assert response.status_code == 200
    assert lookups == ["public.test"]  # one lookup, no second one to rebind
    assert receiver.requests[0].headers["host"] == f"public.test:{receiver.port}"


def test_any_non_public_answer_blocks_before_dialling(receiver: Receiver) -> None:
    # The allowed answer comes first and points at the live receiver: had the
    # transport dialled before vetting every answer, the receiver would see it.
    def resolve(host: str, port: int) -> list[IPAddress]:
        return [LOOPBACK, IPv4Address("10.0.0.1")]

    transport = GuardedTransport(resolve=resolve, is_allowed=lambda ip: ip == LOOPBACK)
    with httpx.Client(transport=transport) as client:
        with pytest.raises(BlockedAddress) as caught:
            client.post(receiver.url("mixed.test"), content=b"{}")
    assert caught.value.address == IPv4Address("10.0.0.1")
    assert "'mixed.test' resolves to 10.0.0.1, a private address" in str(caught.value)
    assert receiver.requests == []


def test_resolution_failure_is_a_connect_error() -> None:
    def resolve(host: str, port: int) -> list[IPAddress]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with httpx.Client(transport=GuardedTransport(resolve=resolve)) as client:
        with pytest.raises(httpx.ConnectError, match="could not resolve host 'nowhere.test'"):
            client.get("http://nowhere.test/")


def test_transport_refuses_proxy_and_uds_options() -> None:
    with pytest.raises(TypeError):
        GuardedTransport(proxy="http://127.0.0.1:3128")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        GuardedTransport(uds="/tmp/x.sock")  # type: ignore[call-arg]


@pytest.fixture
def tls_receiver(tmp_path: Path) -> Iterator[tuple[int, ssl.SSLContext, list[str | None]]]:
    """An HTTPS receiver on 127.0.0.1 whose certificate names only 'public.test'."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "public.test")])
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("public.test")]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    (tmp_path / "cert.pem").write_bytes(cert_pem)
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server_names: list[str | None] = []
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server_ctx.sni_callback = lambda _sock, sni, _ctx: server_names.append(sni)
    client_ctx = ssl.create_default_context(cadata=cert_pem.decode())

    app = Response("secure ok")
    server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=server_ctx)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="tls-receiver"
    )
    thread.start()
    try:
        yield server.server_port, client_ctx, server_names
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def test_tls_keeps_the_host_name_for_sni_and_certificate(
    tls_receiver: tuple[int, ssl.SSLContext, list[str | None]],
) -> None:
    """The socket goes to the vetted IP, but TLS still speaks to and verifies 'public.test'."""
    port, client_ctx, server_names = tls_receiver
    transport = GuardedTransport(
        resolve=lambda host, port: [LOOPBACK],
        is_allowed=lambda ip: ip == LOOPBACK,
        verify=client_ctx,
    )
    with httpx.Client(transport=transport) as client:
        response = client.get(f"https://public.test:{port}/")
    assert response.text == "secure ok"
    assert server_names == ["public.test"]
