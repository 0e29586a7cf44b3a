"""deliver() over real HTTP to a loopback receiver."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import FrozenInstanceError
from datetime import datetime, timedelta, timezone
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from app.callbacks import (
    USER_AGENT,
    DeliveryResult,
    GuardedTransport,
    deliver,
    make_client,
    new_secret,
)
from app.callbacks.addresses import IPAddress

if TYPE_CHECKING:
    from .conftest import Receiver

SECRET = new_secret()
DATA = {"id": "job_1", "status": "succeeded", "result": {"contact_id": 42, "name": "Zoë"}}


@pytest.fixture
def dev_client() -> Iterator[httpx.Client]:
    with make_client(allow_private=True, timeout=5.0) as client:
        yield client


def send(client: httpx.Client, url: str, **overrides: Any) -> DeliveryResult:
    kwargs: dict[str, Any] = {
        "event_id": "evt_1",
        "event_type": "job.succeeded",
        "data": DATA,
        "timestamp": datetime.now(timezone.utc),
    }
    kwargs.update(overrides)
    return deliver(client, url, SECRET, **kwargs)


def test_delivery_arrives_signed_and_verifies(dev_client: httpx.Client, receiver: Receiver) -> None:
    result = send(dev_client, receiver.url())

    assert result.ok and result.status_code == 200 and result.error is None
    assert result.response_excerpt == "ok" and not result.retryable
    assert result.duration_ms >= 0
    (request,) = receiver.requests
    assert request.method == "POST" and request.path == "/hook"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("esqase-relay/")
    payload = Webhook(SECRET).verify(request.body, request.headers)
    assert payload["type"] == "job.succeeded"
    assert payload["data"] == DATA
    assert payload["timestamp"].endswith("Z")
    assert b" " not in request.body  # compact JSON


def test_webhook_id_is_stable_across_attempts(dev_client: httpx.Client, receiver: Receiver) -> None:
    first_attempt = datetime.now(timezone.utc) - timedelta(seconds=90)
    occurred = first_attempt - timedelta(seconds=5)
    send(dev_client, receiver.url(), timestamp=first_attempt, occurred_at=occurred)
    send(dev_client, receiver.url(), occurred_at=occurred)

    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == "evt_1"
    assert int(second.headers["webhook-timestamp"]) - int(first.headers["webhook-timestamp"]) >= 89
    assert first.headers["webhook-signature"] != second.headers["webhook-signature"]
    # The event's own time is the same in both bodies; only the attempt time moved.
    assert first.body == second.body
    for request in (first, second):
        Webhook(SECRET).verify(request.body, request.headers)


@pytest.mark.parametrize("status", [400, 410, 500, 503])
def test_non_2xx_is_retryable_failure(
    dev_client: httpx.Client, receiver: Receiver, status: int
) -> None:
    receiver.status = status
    receiver.response_body = b"x" * 2000

    result = send(dev_client, receiver.url())

    assert not result.ok and result.retryable
    assert result.status_code == status and result.error is None
    assert result.response_excerpt == "x" * 500


def test_redirect_is_not_followed(dev_client: httpx.Client, receiver: Receiver) -> None:
    receiver.status = 302
    receiver.response_headers = {"location": receiver.url(path="/elsewhere")}

    result = send(dev_client, receiver.url())

    assert not result.ok and result.retryable and result.status_code == 302
    assert [r.path for r in receiver.requests] == ["/hook"]


def test_connection_refused_is_reported_not_raised(
    dev_client: httpx.Client, refused_port: int
) -> None:
    result = send(dev_client, f"http://127.0.0.1:{refused_port}/hook")

    assert result == DeliveryResult(
        ok=False,
        status_code=None,
        error="connection refused",
        duration_ms=result.duration_ms,
        response_excerpt=None,
        retryable=True,
    )


def test_timeout_is_reported(receiver: Receiver) -> None:
    receiver.delay = 5.0
    with make_client(allow_private=True, timeout=0.3) as client:
        result = send(client, receiver.url())

    assert not result.ok and result.retryable and result.status_code is None
    assert result.error == "timed out after 0.3s waiting for the response"
    assert 250 <= result.duration_ms < 3000


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_private_destination_blocked_at_connect_time(receiver: Receiver, host: str) -> None:
    with make_client(allow_private=False) as client:
        result = send(client, receiver.url(host))

    assert not result.ok and not result.retryable and result.status_code is None
    assert result.error is not None
    assert result.error.startswith("blocked: callback URL host")
    assert "127.0.0.1" in result.error and "public address" in result.error
    assert receiver.requests == []


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_allow_private_delivers_to_loopback(receiver: Receiver, host: str) -> None:
    with make_client(allow_private=True) as client:
        result = send(client, receiver.url(host))

    assert result.ok
    assert len(receiver.requests) == 1


def test_public_name_is_delivered_to_the_vetted_address(receiver: Receiver) -> None:
    def resolve(host: str, port: int) -> list[IPAddress]:
        assert host == "public.test"
        return [IPv4Address("127.0.0.1")]

    transport = GuardedTransport(resolve=resolve, is_allowed=lambda ip: ip.is_loopback)
    with httpx.Client(transport=transport, follow_redirects=False) as client:
        result = send(client, receiver.url("public.test"))

    assert result.ok
    (request,) = receiver.requests
    assert request.headers["host"] == f"public.test:{receiver.port}"
    Webhook(SECRET).verify(request.body, request.headers)


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/hook", "http://user:pw@127.0.0.1/hook", "not a url", "http:///x"],
)
def test_invalid_url_is_not_retryable(dev_client: httpx.Client, url: str) -> None:
    result = send(dev_client, url)

    assert not result.ok and not result.retryable and result.status_code is None
    assert result.error is not None and result.error.startswith("invalid callback URL")


def test_unusable_secret_is_not_retryable(dev_client: httpx.Client, receiver: Receiver) -> None:
    result = deliver(
        dev_client,
        receiver.url(),
        "whsec_",
        event_id="evt_1",
        event_type="job.failed",
        data={},
        timestamp=datetime.now(timezone.utc),
    )

    assert not result.ok and not result.retryable
    assert receiver.requests == []


def test_result_is_frozen() -> None:
    result = DeliveryResult(True, 200, None, 1, "ok", False)
    with pytest.raises(FrozenInstanceError):
        result.ok = False  # type: ignore[misc]


def test_make_client_settings() -> None:
    with make_client(allow_private=False, timeout=7.0) as client:
        assert client.follow_redirects is False
        assert client.trust_env is False
        assert client.timeout == httpx.Timeout(7.0)


def test_body_is_json_with_utc_timestamp(dev_client: httpx.Client, receiver: Receiver) -> None:
    plus_two = timezone(timedelta(hours=2))
    occurred = datetime(2024, 1, 2, 5, 4, 5, 123456, tzinfo=plus_two)
    send(dev_client, receiver.url(), occurred_at=occurred, event_type="job.needs_review")

    body = json.loads(receiver.requests[0].body)
    assert body == {
        "type": "job.needs_review",
        "timestamp": "2024-01-02T03:04:05.123Z",
        "data": DATA,
    }
