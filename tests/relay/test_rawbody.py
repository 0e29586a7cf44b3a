"""The body guard on its own: a stand-in for the server's input stream, no HTTP.

The same cases over a real socket and a real gunicorn are in test_framing.py; these
pin down what the guard reads from the server and when it stops.
"""

from __future__ import annotations

import io

import pytest
from flask import Flask
from gunicorn.http.errors import ChunkMissingTerminator, InvalidChunkSize, NoMoreData
from werkzeug.exceptions import ClientDisconnected

from app import errors
from app.errors import BadRequest, PayloadTooLarge
from app.ingest.rawbody import GuardedInput


class ServerInput:
    """Hands out ``data`` (then ends, or raises ``error``), and counts what was asked."""

    def __init__(self, data: bytes, error: Exception | None = None) -> None:
        self.stream = io.BytesIO(data)
        self.error = error
        self.handed = 0

    def read(self, size: int) -> bytes:
        chunk = self.stream.read(size)
        if not chunk and self.error is not None:
            raise self.error
        self.handed += len(chunk)
        return chunk


def test_a_whole_body_is_read_as_sent():
    guard = GuardedInput(ServerInput(b"x" * 200_000), declared=200_000, limit=256 * 1024)
    assert guard.read() == b"x" * 200_000


def test_a_body_shorter_than_its_content_length_is_refused():
    with pytest.raises(BadRequest) as err:
        GuardedInput(ServerInput(b"abc"), declared=10, limit=1000).read()
    assert err.value.code == "body_incomplete"
    assert "after 3 of the 10 bytes" in err.value.message


def test_a_content_length_over_the_limit_is_refused_before_reading():
    server = ServerInput(b"x" * 2000)
    with pytest.raises(PayloadTooLarge):
        GuardedInput(server, declared=2000, limit=1000).read()
    assert server.handed == 0


def test_a_stream_over_the_limit_is_refused_after_one_byte_more():
    server = ServerInput(b"x" * 10_000)
    with pytest.raises(PayloadTooLarge):
        GuardedInput(server, declared=None, limit=1000).read()
    assert server.handed == 1001


def test_a_stream_exactly_at_the_limit_is_whole():
    assert GuardedInput(ServerInput(b"x" * 1000), declared=None, limit=1000).read() == b"x" * 1000


def test_a_broken_chunk_size_is_a_framing_error():
    server = ServerInput(b"", error=InvalidChunkSize(b"zz"))
    with pytest.raises(BadRequest) as err:
        GuardedInput(server, declared=None, limit=1000).read()
    assert err.value.code == "invalid_framing"
    assert "size line is not a hexadecimal number" in err.value.message


def test_a_missing_chunk_terminator_is_a_framing_error():
    server = ServerInput(b"abc", error=ChunkMissingTerminator(b"XX"))
    with pytest.raises(BadRequest) as err:
        GuardedInput(server, declared=None, limit=1000).read()
    assert err.value.code == "invalid_framing"


def test_a_stream_that_ends_mid_chunk_is_incomplete():
    server = ServerInput(b"abc", error=NoMoreData(b""))
    with pytest.raises(BadRequest) as err:
        GuardedInput(server, declared=None, limit=1000).read()
    assert err.value.code == "body_incomplete"


def test_a_reset_connection_is_incomplete():
    server = ServerInput(b"abc", error=ConnectionResetError())
    with pytest.raises(BadRequest) as err:
        GuardedInput(server, declared=None, limit=1000).read()
    assert err.value.code == "body_incomplete"


def test_after_a_refusal_the_body_reads_as_empty():
    guard = GuardedInput(ServerInput(b"abc"), declared=10, limit=1000)
    with pytest.raises(BadRequest):
        guard.read()
    assert guard.read() == b""


def test_a_stream_the_server_does_not_terminate_is_empty():
    server = ServerInput(b"never read")
    assert GuardedInput(server, declared=None, limit=1000, terminated=False).read() == b""
    assert server.handed == 0


def test_werkzeugs_client_disconnected_is_a_400_with_a_sentence():
    app = Flask(__name__)
    app.config["MAX_BODY_BYTES"] = 1024
    errors.init_app(app)

    @app.post("/gone")
    def gone() -> str:
        raise ClientDisconnected()

    response = app.test_client().post("/gone")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "body_incomplete"
