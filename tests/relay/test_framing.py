"""A body arrives whole or is refused: broken chunks, half-closed bodies and bodies over
the limit, sent as raw bytes to the relay running under gunicorn as in production.

One change per case: each request is a well-formed delivery except for the one thing
its test names.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import LiveRelay

LIMIT = 256 * 1024
LEAD = {"type": "PERSON", "firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"}


@pytest.fixture(scope="module")
def hooks(live_relay: LiveRelay) -> dict[str, Any]:
    conn = live_relay.connection()
    return {
        "lead": live_relay.hook("leads.create", conn),
        "conn": conn,
    }


@pytest.fixture(autouse=True)
def quiet_log(live_relay: LiveRelay) -> Iterator[None]:
    """Whatever a test sends, the server logs no traceback and no worker error."""
    live_relay.new_log()
    yield
    alarms = live_relay.alarms()
    assert not alarms, alarms[-4000:]


def _head(path: str, *lines: str, content_type: str = "application/json") -> bytes:
    head = [f"POST {path} HTTP/1.1", "Host: relay.test", "Connection: close"]
    if content_type:
        head.append(f"Content-Type: {content_type}")
    return ("\r\n".join([*head, *lines]) + "\r\n\r\n").encode()


def _chunked(body: bytes, size: int = 1000) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


def _chunked_head(path: str, *lines: str, **kw: Any) -> bytes:
    return _head(path, "Transfer-Encoding: chunked", *lines, **kw)


def _sized(path: str, body: bytes, *lines: str, length: int | None = None, **kw: Any) -> bytes:
    size = len(body) if length is None else length
    return _head(path, f"Content-Length: {size}", *lines, **kw) + body


def _admin(live: LiveRelay) -> str:
    return f"Authorization: {live.headers['Authorization']}"


def _jobs(live: LiveRelay, hook_id: str) -> list[dict[str, Any]]:
    with live.api() as api:
        return list(api.get("/api/v1/jobs", params={"hook_id": hook_id}).json()["data"])


def _error(response: Any, status: int, code: str) -> str:
    assert response.status == status, response.body[:500]
    error = response.json()["error"]
    assert error["code"] == code, error
    return str(error["message"])


BODY = json.dumps(LEAD).encode()


def test_a_well_framed_chunked_delivery_is_accepted(live_relay, hooks):
    response = live_relay.raw(_chunked_head(hooks["lead"]["path"]) + _chunked(BODY, 7))
    assert response.status == 202, response.body


def test_a_chunked_delivery_with_trailers_is_accepted(live_relay, hooks):
    framed = _chunked(BODY)[: -len(b"\r\n")] + b"X-Checksum: 1\r\n\r\n"
    response = live_relay.raw(_chunked_head(hooks["lead"]["path"]) + framed)
    assert response.status == 202, response.body


def test_a_chunk_size_that_is_not_hex_is_400(live_relay, hooks):
    framed = b"zz\r\n" + BODY + b"\r\n0\r\n\r\n"
    response = live_relay.raw(_chunked_head(hooks["lead"]["path"]) + framed)
    message = _error(response, 400, "invalid_framing")
    assert message.startswith("The request body's chunked framing is broken;")


def test_a_chunk_without_its_terminator_is_400(live_relay, hooks):
    framed = b"%x\r\n%sXX0\r\n\r\n" % (len(BODY), BODY)
    response = live_relay.raw(_chunked_head(hooks["lead"]["path"]) + framed)
    _error(response, 400, "invalid_framing")


def test_a_malformed_chunk_extension_is_400(live_relay, hooks):
    framed = b"%x;=\r\n%s\r\n0\r\n\r\n" % (len(BODY), BODY)
    response = live_relay.raw(_chunked_head(hooks["lead"]["path"]) + framed)
    _error(response, 400, "invalid_framing")


def test_a_chunked_body_cut_off_mid_chunk_is_400_and_not_accepted(live_relay, hooks):
    framed = b"%x\r\n%s" % (len(BODY), BODY[:20])
    response = live_relay.raw(_chunked_head(hooks["lead"]["path"]) + framed, half_close=True)
    _error(response, 400, "body_incomplete")
    assert {j["status"] for j in _jobs(live_relay, hooks["lead"]["id"])} <= {"rejected", "queued"}


def test_a_chunked_body_without_its_last_chunk_is_400(live_relay, hooks):
    framed = _chunked(BODY)[: -len(b"0\r\n\r\n")]
    response = live_relay.raw(_chunked_head(hooks["lead"]["path"]) + framed, half_close=True)
    _error(response, 400, "body_incomplete")


def test_a_body_shorter_than_its_content_length_is_400_and_never_a_job(live_relay, hooks):
    conn = live_relay.connection()
    hook = live_relay.hook("leads.create", conn)
    # A whole JSON object, so only the count can tell it is not the body that was announced.
    request = _sized(hook["path"], BODY, length=len(BODY) + 40)
    message = _error(live_relay.raw(request, half_close=True), 400, "body_incomplete")
    assert f"after {len(BODY)} of the {len(BODY) + 40} bytes" in message
    assert "send it again" in message
    assert [j["status"] for j in _jobs(live_relay, hook["id"])] == ["rejected"]


def test_a_form_shorter_than_its_content_length_is_400(live_relay, hooks):
    form = b"type=PERSON&firstName=Ada&lastName=Lovelace&email=ada%40example.com"
    request = _sized(
        hooks["lead"]["path"],
        form[:30],
        length=len(form),
        content_type="application/x-www-form-urlencoded",
    )
    _error(live_relay.raw(request, half_close=True), 400, "body_incomplete")


def test_a_chunked_body_over_the_limit_is_413_and_only_a_refusal_in_the_history(live_relay, hooks):
    conn = live_relay.connection()
    hook = live_relay.hook("leads.create", conn)
    big = json.dumps({**LEAD, "lastName": "x" * (1 << 20)}).encode()
    response = live_relay.raw(_chunked_head(hook["path"]) + _chunked(big, 8192))
    assert response.status == 413, response.body[:300]
    assert "256 KiB" in response.json()["error"]["message"]
    [job] = _jobs(live_relay, hook["id"])
    assert job["status"] == "rejected"  # kept so a person sees why, never run
    assert "x" * 1000 not in json.dumps(job)  # and the oversized body is not kept


def test_a_chunked_body_one_byte_over_the_limit_is_413(live_relay, hooks):
    body = _exactly(LIMIT + 1)
    response = live_relay.raw(_chunked_head(hooks["lead"]["path"]) + _chunked(body, 8192))
    assert response.status == 413, response.body[:300]


def test_a_chunked_body_exactly_at_the_limit_is_read_whole(live_relay, hooks):
    body = _exactly(LIMIT)
    response = live_relay.raw(_chunked_head(hooks["lead"]["path"]) + _chunked(body, 8192))
    # Whole, it is valid JSON, so the answer is about its fields, never about its size
    # or its syntax (a body cut anywhere would not parse).
    assert response.status in (202, 422), response.body[:300]


def test_a_content_length_over_the_limit_is_413(live_relay, hooks):
    request = _head(hooks["lead"]["path"], f"Content-Length: {LIMIT + 1}")
    response = live_relay.raw(request + b"{" + b" " * 100, half_close=True)
    assert response.status == 413, response.body[:300]


def test_admin_bodies_share_the_guard_for_broken_chunks(live_relay, hooks):
    request = _chunked_head("/api/v1/hooks", _admin(live_relay))
    _error(live_relay.raw(request + b"zz\r\n{}\r\n0\r\n\r\n"), 400, "invalid_framing")


def test_admin_bodies_share_the_guard_for_short_bodies(live_relay, hooks):
    body = json.dumps({"name": "x", "action": "leads.create", "connection_id": hooks["conn"]})
    request = _sized("/api/v1/hooks", body.encode(), _admin(live_relay), length=len(body) + 10)
    _error(live_relay.raw(request, half_close=True), 400, "body_incomplete")


def test_a_dashboard_form_with_broken_chunks_is_a_400_page(live_relay):
    request = _chunked_head("/dashboard/login", content_type="application/x-www-form-urlencoded")
    response = live_relay.raw(request + b"zz\r\ntoken=x\r\n0\r\n\r\n")
    assert response.status == 400, response.body[:300]


def test_a_duplicated_content_length_is_400(live_relay, hooks):
    request = _head(hooks["lead"]["path"], f"Content-Length: {len(BODY)}", "Content-Length: 3")
    assert live_relay.raw(request + BODY).status == 400


def test_a_huge_header_is_refused(live_relay, hooks):
    request = _sized(hooks["lead"]["path"], BODY, "X-Big: " + "a" * 20_000)
    assert 400 <= live_relay.raw(request).status < 500


def test_content_length_and_chunked_together_are_400(live_relay, hooks):
    request = _chunked_head(hooks["lead"]["path"], f"Content-Length: {len(BODY)}")
    assert live_relay.raw(request + _chunked(BODY)).status == 400


def _exactly(size: int) -> bytes:
    """A valid JSON lead of exactly ``size`` bytes (the padding is one long field)."""
    base = json.dumps({**LEAD, "lastName": ""}).encode()
    body = json.dumps({**LEAD, "lastName": "x" * (size - len(base))}).encode()
    assert len(body) == size
    return body
