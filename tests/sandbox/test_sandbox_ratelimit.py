"""Per-key rate limits: 429 with an integer Retry-After, checked after auth."""

from __future__ import annotations

import time

import httpx

TIGHT = {"requests": 3, "per_seconds": 60}


def test_exceeding_the_limit_is_429_with_retry_after(client_for, expect_error) -> None:
    tight = client_for("*", rate_limit=TIGHT)
    assert [tight.get("/v1/contacts").status_code for _ in range(3)] == [200, 200, 200]
    response = tight.get("/v1/contacts")
    expect_error(response, 429, "rate_limited")
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60


def test_limits_are_per_key(client_for) -> None:
    tight = client_for("*", rate_limit=TIGHT)
    other = client_for("*", rate_limit=TIGHT)
    for _ in range(3):
        tight.get("/v1/contacts")
    assert tight.get("/v1/contacts").status_code == 429
    assert other.get("/v1/contacts").status_code == 200


def test_forbidden_comes_before_rate_limited(client_for, expect_error) -> None:
    reader = client_for("contacts:read", rate_limit={"requests": 1, "per_seconds": 60})
    assert reader.get("/v1/contacts").status_code == 200
    expect_error(reader.post("/v1/contacts", json={}), 403, "forbidden")
    expect_error(reader.get("/v1/contacts"), 429, "rate_limited")


def test_window_slides(client_for) -> None:
    quick = client_for("*", rate_limit={"requests": 1, "per_seconds": 0.5})
    assert quick.get("/v1/contacts").status_code == 200
    assert quick.get("/v1/contacts").status_code == 429
    time.sleep(0.6)
    assert quick.get("/v1/contacts").status_code == 200


def test_reset_clears_the_counters(control: httpx.Client, http_client) -> None:
    key = "esq_test_reset_counter_key"
    body = {"scopes": ["*"], "key": key, "rate_limit": {"requests": 1, "per_seconds": 60}}
    control.post("/_sandbox/keys", json=body)
    client = http_client(key)
    client.get("/v1/contacts")
    assert client.get("/v1/contacts").status_code == 429
    control.post("/_sandbox/reset")
    control.post("/_sandbox/keys", json=body)  # same key again: its old count must be gone
    assert client.get("/v1/contacts").status_code == 200


def test_configured_default_limit_applies(other_sandbox, http_client, expect_error) -> None:
    url = other_sandbox({"SANDBOX_KEYS": {"k-default": ["*"]}, "SANDBOX_RATE_LIMIT": (2, 60)})
    client = http_client("k-default", base_url=url)
    assert [client.get("/v1/leads").status_code for _ in range(2)] == [200, 200]
    response = client.get("/v1/leads")
    expect_error(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) >= 1
