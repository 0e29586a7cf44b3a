"""The guarded transport speaks httpx through public API only, errors included.

It no longer reaches into ``httpx.HTTPTransport``'s private pool, so what the
old guard checked (that ``_pool`` exists) has nothing left to check. What must
hold instead: every httpcore error reaches callers as the httpx error of the
same name (delivery catches ``httpx.TimeoutException``, ``httpx.RequestError``),
streamed bodies included. Real sockets on loopback only.
"""

from __future__ import annotations

import inspect
import socket
import threading
from collections.abc import Iterator
from ipaddress import IPv4Address

import httpcore
import httpx
import pytest

from app.callbacks import BlockedAddress, GuardedTransport
from app.callbacks.pooltransport import HTTPX_ERRORS

LOOPBACK = IPv4Address("127.0.0.1")


def _to_loopback() -> GuardedTransport:
    return GuardedTransport(resolve=lambda host, port: [LOOPBACK], is_allowed=LOOPBACK.__eq__)


def test_every_httpcore_error_maps_to_the_httpx_error_of_the_same_name() -> None:
    """A new httpcore release with a new error fails here, not as a 500 in delivery."""
    errors = {
        obj
        for name in httpcore.__all__
        if inspect.isclass(obj := getattr(httpcore, name)) and issubclass(obj, Exception)
    }
    # The pool's own "try another connection" signal; it never leaves handle_request.
    errors.discard(httpcore.ConnectionNotAvailable)
    assert errors == set(HTTPX_ERRORS)
    for core, mapped in HTTPX_ERRORS.items():
        assert mapped.__name__ == core.__name__
        assert issubclass(mapped, httpx.TransportError)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


@pytest.fixture
def short_body_port() -> Iterator[int]:
    """Promises 100 bytes of body, sends 5, and hangs up."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        stop = threading.Event()

        def serve() -> None:
            server.settimeout(0.05)
            while not stop.is_set():
                try:
                    conn, _ = server.accept()
                except OSError:
                    continue
                with conn:
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello")

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        yield server.getsockname()[1]
        stop.set()
        thread.join(5)


def test_a_refused_connection_is_an_httpx_connect_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with httpx.Client(transport=_to_loopback()) as client:
        with pytest.raises(httpx.ConnectError):
            client.get(f"http://public.test:{port}/")


def test_no_answer_is_an_httpx_read_timeout(silent_port: int) -> None:
    with httpx.Client(transport=_to_loopback(), timeout=httpx.Timeout(5, read=0.2)) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.get(f"http://public.test:{silent_port}/")


def test_a_body_cut_short_is_an_httpx_error_while_streaming(short_body_port: int) -> None:
    with httpx.Client(transport=_to_loopback()) as client:
        with client.stream("GET", f"http://public.test:{short_body_port}/") as response:
            assert response.status_code == 200  # headers arrived whole
            with pytest.raises(httpx.RemoteProtocolError):
                response.read()


def test_the_guard_error_passes_through_unchanged() -> None:
    transport = GuardedTransport(resolve=lambda host, port: [IPv4Address("10.0.0.1")])
    with httpx.Client(transport=transport) as client:
        with pytest.raises(BlockedAddress):
            client.get("http://private.test/")
