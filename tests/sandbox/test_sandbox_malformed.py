"""Malformed requests answer 4xx in the usual error shape, never 500."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import httpx
import pytest

JSON = {"Content-Type": "application/json"}


def test_deeply_nested_json_is_400(api: httpx.Client, expect_error) -> None:
    response = api.post("/v1/contacts", content=b"[" * 100_000, headers=JSON)
    expect_error(response, 400, "bad_request")


def test_broken_chunked_body_is_400(api: httpx.Client, sandbox_url: str, expect_error) -> None:
    """A chunk header that is not hex: werkzeug fails while reading the body."""
    url = urlsplit(sandbox_url)
    assert url.hostname is not None and url.port is not None
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        headers = {
            "Authorization": api.headers["Authorization"],
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",  # set by hand, so http.client sends the body as is
        }
        connection.request("POST", "/v1/contacts", body=b"zz\r\n{}\r\n0\r\n\r\n", headers=headers)
        raw = connection.getresponse()
        response = httpx.Response(raw.status, headers=raw.getheaders(), content=raw.read())
    finally:
        connection.close()
    expect_error(response, 400, "bad_request")
    assert api.get("/v1/contacts").status_code == 200  # the server is none the worse


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"])
def test_numbers_json_cannot_carry_are_400(
    api: httpx.Client, make, expect_error, number: str
) -> None:
    area = make.practice_area()
    member = f'{{"memberId": "member-1", "role": "Associate", "allocation": {number}}}'
    body = f'{{"practiceAreaId": "{area["id"]}", "openDate": "2026-07-01", "team": [{member}]}}'
    expect_error(api.post("/v1/matters", content=body, headers=JSON), 400, "bad_request")


def test_non_finite_numbers_are_400_on_the_control_surface_too(
    control: httpx.Client, expect_error
) -> None:
    body = '{"scopes": ["*"], "rate_limit": {"requests": 1, "per_seconds": Infinity}}'
    expect_error(control.post("/_sandbox/keys", content=body, headers=JSON), 400, "bad_request")
