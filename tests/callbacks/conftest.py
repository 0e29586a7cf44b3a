"""A real HTTP receiver on 127.0.0.1 for callback delivery tests.

Deliveries go over real sockets so the transport guard, timeouts and
redirect handling are exercised as in production; only loopback is used.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Records every request and answers with whatever the test configured."""

    port: int = 0
    status: int = 200
    response_body: bytes = b"ok"
    response_headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)
    _release: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _in_flight: int = 0
    _idle: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self._idle = threading.Condition(self._lock)

    def url(self, host: str = "127.0.0.1", path: str = "/hook") -> str:
        return f"http://{host}:{self.port}{path}"

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self._lock:
            self._in_flight += 1
        try:
            request = Request(environ)
            received = Received(
                method=request.method,
                path=request.path,
                headers={k.lower(): v for k, v in request.headers.items()},
                body=request.get_data(),
            )
            with self._lock:
                self.requests.append(received)
            if self.delay:
                # Interruptible, so teardown never waits out a long sleep.
                self._release.wait(self.delay)
            response = Response(self.response_body, status=self.status)
            for name, value in self.response_headers.items():
                response.headers[name] = value
            return response(environ, start_response)
        finally:
            with self._lock:
                self._in_flight -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout: float = 5.0) -> None:
        self._release.set()
        with self._idle:
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=timeout)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    app = Receiver()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.port = server.server_port
    # A short poll interval: shutdown() otherwise waits up to 0.5 s per test.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="callback-receiver"
    )
    thread.start()
    try:
        yield app
    finally:
        app.wait_idle()
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A loopback port that is bound but not listening: connects are refused, no race."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
    finally:
        sock.close()
