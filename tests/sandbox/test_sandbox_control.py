"""The /_sandbox control surface: keys, lead stages, request log, reset, state."""

from __future__ import annotations

import re

import httpx
import pytest

from sandbox import create_app

# Configured in conftest.py's session app (SANDBOX_KEYS); it must survive every reset.
CONFIGURED_KEY = "configured-contacts-reader-key-0001"


def test_generated_keys_look_like_test_keys(control: httpx.Client) -> None:
    response = control.post("/_sandbox/keys", json={"scopes": ["leads:write", "leads:read"]})
    assert response.status_code == 201
    data = response.json()["data"]
    assert re.fullmatch(r"esq_test_[A-Za-z0-9_-]{32}", data["key"])
    assert data["scopes"] == ["leads:write", "leads:read"]


def test_explicit_key_is_used(control: httpx.Client, http_client) -> None:
    control.post("/_sandbox/keys", json={"scopes": ["contacts:read"], "key": "my-explicit-key"})
    assert http_client("my-explicit-key").get("/v1/contacts").status_code == 200


def test_unknown_scope_is_refused(control: httpx.Client, expect_error) -> None:
    response = control.post("/_sandbox/keys", json={"scopes": ["contacts:read", "billing:read"]})
    expect_error(response, 422, "validation_error", ["scopes[1]"])


def test_duplicate_explicit_key_is_refused(control: httpx.Client, expect_error) -> None:
    body = {"scopes": ["*"], "key": CONFIGURED_KEY}
    expect_error(control.post("/_sandbox/keys", json=body), 422, "validation_error", ["key"])


def test_lead_stages_are_seeded_and_stable(control: httpx.Client) -> None:
    stages = control.get("/_sandbox/lead-stages").json()["data"]
    assert [(s["name"], s["order"]) for s in stages] == [
        ("New", 0),
        ("Contacted", 1),
        ("Qualified", 2),
    ]
    control.post("/_sandbox/reset")
    assert control.get("/_sandbox/lead-stages").json()["data"] == stages


def test_request_log_records_every_v1_request(
    api: httpx.Client, control: httpx.Client, anonymous: httpx.Client
) -> None:
    api.get("/v1/contacts", params={"limit": 5})
    api.post("/v1/contacts", json={"type": "PERSON"})
    anonymous.get("/v1/leads")
    control.get("/_sandbox/faults")  # control calls are not logged
    log = control.get("/_sandbox/requests").json()["data"]
    key = api.headers["Authorization"].removeprefix("Bearer ")
    assert [(e["method"], e["path"], e["query"], e["status"]) for e in log] == [
        ("GET", "/v1/contacts", {"limit": "5"}, 200),
        ("POST", "/v1/contacts", {}, 422),
        ("GET", "/v1/leads", {}, 401),
    ]
    assert [e["key_last4"] for e in log] == [key[-4:], key[-4:], None]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", e["at"]) for e in log)


def test_request_log_never_holds_the_full_key(api: httpx.Client, control: httpx.Client) -> None:
    api.get("/v1/contacts")
    key = api.headers["Authorization"].removeprefix("Bearer ")
    assert key not in control.get("/_sandbox/requests").text


def test_request_log_can_be_cleared(api: httpx.Client, control: httpx.Client) -> None:
    api.get("/v1/contacts")
    assert control.delete("/_sandbox/requests").status_code == 204
    assert control.get("/_sandbox/requests").json()["data"] == []


def test_reset_clears_records_faults_log_and_control_keys(
    api: httpx.Client, control: httpx.Client, make
) -> None:
    make.matter(make.practice_area())
    control.post("/_sandbox/faults", json={"kind": "status", "status": 503, "path": "/v1/x"})
    assert control.post("/_sandbox/reset").status_code == 204
    for resource in ("contacts", "matters", "leads", "practice-areas", "matter-types"):
        assert control.get(f"/_sandbox/state/{resource}").json()["data"] == []
    assert control.get("/_sandbox/faults").json()["data"] == []
    assert control.get("/_sandbox/requests").json()["data"] == []
    assert api.get("/v1/contacts").status_code == 401


def test_reset_keeps_configured_keys(control: httpx.Client, http_client) -> None:
    control.post("/_sandbox/reset")
    assert http_client(CONFIGURED_KEY).get("/v1/contacts").status_code == 200


def test_reset_restarts_public_ids(control: httpx.Client, make) -> None:
    area = make.practice_area()
    make.matter(area)
    control.post("/_sandbox/reset")
    # the api key went with the reset; a fresh one sees a fresh sequence
    key = control.post("/_sandbox/keys", json={"scopes": ["*"]}).json()["data"]["key"]
    make.api.headers["Authorization"] = f"Bearer {key}"
    assert make.matter(make.practice_area())["publicId"] == "M-0001"


def test_state_includes_deleted_records(api: httpx.Client, control: httpx.Client, make) -> None:
    live, gone = make.lead(), make.lead()
    api.delete(f"/v1/leads/{gone['id']}")
    state = control.get("/_sandbox/state/leads").json()["data"]
    assert [(lead["id"], lead["status"]) for lead in state] == [
        (live["id"], "PENDING"),
        (gone["id"], "ARCHIVED"),
    ]


def test_state_of_unknown_resource_is_404(control: httpx.Client, expect_error) -> None:
    expect_error(control.get("/_sandbox/state/widgets"), 404, "not_found")


def test_control_surface_is_off_by_default(other_sandbox, http_client, expect_error) -> None:
    client = http_client(base_url=other_sandbox({}))
    expect_error(client.post("/_sandbox/keys", json={"scopes": ["*"]}), 404, "not_found")
    expect_error(client.post("/_sandbox/reset"), 404, "not_found")


def test_a_key_with_a_lone_surrogate_is_refused(
    api: httpx.Client, control: httpx.Client, expect_error
) -> None:
    """Stored, it would break the key lookup of every /v1 request (it cannot be encoded)."""
    body = b'{"scopes": ["*"], "key": "\\ud800x"}'  # httpx will not encode it; send it raw
    response = control.post(
        "/_sandbox/keys", content=body, headers={"Content-Type": "application/json"}
    )
    expect_error(response, 422, "validation_error", ["key"])
    assert api.get("/v1/contacts").status_code == 200


@pytest.mark.parametrize("key", ["clé-secrète", "nul\x00key", "del\x7fkey"])
def test_a_key_must_be_printable_ascii(control: httpx.Client, expect_error, key: str) -> None:
    response = control.post("/_sandbox/keys", json={"scopes": ["*"], "key": key})
    expect_error(response, 422, "validation_error", ["key"])


@pytest.mark.parametrize(
    "rate_limit",
    [
        {"requests": 1, "per_seconds": 86_401},
        {"requests": 1_000_000_001, "per_seconds": 60},
    ],
    ids=["window-over-a-day", "over-a-billion-requests"],
)
def test_rate_limit_must_be_within_bounds(
    control: httpx.Client, expect_error, rate_limit: dict[str, int]
) -> None:
    response = control.post("/_sandbox/keys", json={"scopes": ["*"], "rate_limit": rate_limit})
    expect_error(response, 422, "validation_error", ["rate_limit"])


def test_rate_limit_bounds_are_inclusive(control: httpx.Client) -> None:
    rate_limit = {"requests": 1_000_000_000, "per_seconds": 86_400}
    response = control.post("/_sandbox/keys", json={"scopes": ["*"], "rate_limit": rate_limit})
    assert response.status_code == 201, response.text


def test_configured_rate_limit_must_be_finite() -> None:
    with pytest.raises(ValueError, match="SANDBOX_RATE_LIMIT"):
        create_app({"SANDBOX_RATE_LIMIT": (10, float("nan"))})


def test_configured_keys_must_be_printable_ascii() -> None:
    with pytest.raises(ValueError, match="printable ASCII"):
        create_app({"SANDBOX_KEYS": {"key with spaces": ["*"]}})
