"""One sandbox server per session over real HTTP, reset before every test.

Tests talk to it with plain ``httpx.Client``s: ``control`` (no key, /_sandbox), ``api`` (a
``*`` key with a generous rate limit) and ``client_for(*scopes)`` for anything narrower.
``make`` creates the records most tests need; ``expect_error`` checks the error shape.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from flask import Flask

from sandbox import create_app
from sandbox.serve import start_in_thread

CONFIGURED_KEY = "configured-contacts-reader-key-0001"
GENEROUS = {"requests": 100_000, "per_seconds": 60}
# The sandbox speaks plain HTTP, but every httpx.Client builds a TLS context (~30 ms) unless
# handed one; sharing one keeps hundreds of short-lived clients cheap.
_TLS = ssl.create_default_context()


@pytest.fixture(scope="session")
def sandbox_app() -> Flask:
    """The session's app itself, for the few tests that must reach inside (monkeypatching)."""
    return create_app(
        {"SANDBOX_CONTROL": True, "SANDBOX_KEYS": {CONFIGURED_KEY: ["contacts:read"]}}
    )


@pytest.fixture(scope="session")
def sandbox_url(sandbox_app: Flask) -> Iterator[str]:
    base_url, shutdown = start_in_thread(sandbox_app)
    yield base_url
    shutdown()


@pytest.fixture
def http_client(sandbox_url: str) -> Iterator[Callable[..., httpx.Client]]:
    """Factory for clients on the sandbox (thread-safe); all are closed after the test."""
    clients: list[httpx.Client] = []

    def make(key: str | None = None, base_url: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        client = httpx.Client(
            base_url=base_url or sandbox_url, headers=headers, timeout=10, verify=_TLS
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def control(http_client: Callable[..., httpx.Client]) -> httpx.Client:
    return http_client()


@pytest.fixture(autouse=True)
def _fresh_sandbox(control: httpx.Client) -> None:
    """Every test starts from an empty sandbox: no records, faults, log, counters or keys."""
    control.post("/_sandbox/reset").raise_for_status()


@pytest.fixture
def new_key(control: httpx.Client) -> Callable[..., str]:
    def make(*scopes: str, rate_limit: dict[str, Any] | None = None) -> str:
        body: dict[str, Any] = {"scopes": list(scopes)}
        if rate_limit is not None:
            body["rate_limit"] = rate_limit
        response = control.post("/_sandbox/keys", json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["data"]["key"])

    return make


@pytest.fixture
def client_for(
    http_client: Callable[..., httpx.Client], new_key: Callable[..., str]
) -> Callable[..., httpx.Client]:
    def make(*scopes: str, rate_limit: dict[str, Any] | None = GENEROUS) -> httpx.Client:
        return http_client(new_key(*scopes, rate_limit=rate_limit))

    return make


@pytest.fixture
def api(client_for: Callable[..., httpx.Client]) -> httpx.Client:
    return client_for("*")


@pytest.fixture
def anonymous(http_client: Callable[..., httpx.Client]) -> httpx.Client:
    return http_client()


class Maker:
    """Creates records through the API and returns their ``data``; fails loudly otherwise."""

    def __init__(self, api: httpx.Client) -> None:
        self.api = api

    def _create(self, resource: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.api.post(f"/v1/{resource}", json=body)
        assert response.status_code == 201, response.text
        return dict(response.json()["data"])

    def practice_area(self, name: str = "Family law") -> dict[str, Any]:
        return self._create("practice-areas", {"name": name})

    def contact(self, **fields: Any) -> dict[str, Any]:
        body = {"type": "PERSON", "firstName": "Jane", "lastName": "Doe", **fields}
        return self._create("contacts", body)

    def matter(self, area: dict[str, Any], **fields: Any) -> dict[str, Any]:
        body = {"practiceAreaId": area["id"], "openDate": "2026-07-01", **fields}
        return self._create("matters", body)

    def matter_type(self, area: dict[str, Any], name: str = "Divorce") -> dict[str, Any]:
        return self._create("matter-types", {"practiceAreaId": area["id"], "name": name})

    def lead(self, **fields: Any) -> dict[str, Any]:
        body = {"type": "PERSON", "firstName": "Jane", "lastName": "Doe", **fields}
        return self._create("leads", body)


@pytest.fixture
def make(api: httpx.Client) -> Maker:
    return Maker(api)


def _expect_error(
    response: httpx.Response, status: int, code: str, fields: list[str] | None = None
) -> dict[str, Any]:
    """Asserts the documented error shape; ``fields`` must match the details exactly."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)
    if fields is not None:
        assert [detail["field"] for detail in error["details"]] == fields, error["details"]
    return dict(error)


@pytest.fixture
def expect_error() -> Callable[..., dict[str, Any]]:
    return _expect_error


@pytest.fixture
def other_sandbox() -> Iterator[Callable[[dict[str, Any]], str]]:
    """A second, differently configured sandbox for config-level behaviour."""
    shutdowns: list[Callable[[], None]] = []

    def start(config: dict[str, Any]) -> str:
        base_url, shutdown = start_in_thread(create_app(config))
        shutdowns.append(shutdown)
        return base_url

    yield start
    for shutdown in shutdowns:
        shutdown()
