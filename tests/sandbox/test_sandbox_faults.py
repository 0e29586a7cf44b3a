"""Injected faults: each kind, FIFO consumption, matching, and what reached the store."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

LEAD = {"type": "PERSON", "firstName": "Jane", "lastName": "Doe"}


def add_fault(control: httpx.Client, **fault: Any) -> dict[str, Any]:
    response = control.post("/_sandbox/faults", json=fault)
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


def stored(control: httpx.Client, resource: str) -> list[dict[str, Any]]:
    return list(control.get(f"/_sandbox/state/{resource}").json()["data"])


def test_status_fault_answers_without_processing(
    api: httpx.Client, control: httpx.Client, expect_error
) -> None:
    add_fault(control, method="POST", path="/v1/leads", kind="status", status=503, retry_after=2)
    response = api.post("/v1/leads", json=LEAD)
    expect_error(response, 503, "service_unavailable")
    assert response.headers["Retry-After"] == "2"
    assert stored(control, "leads") == []
    assert api.post("/v1/leads", json=LEAD).status_code == 201  # the fault was used up


def test_status_503_without_retry_after_has_no_header(
    api: httpx.Client, control: httpx.Client
) -> None:
    add_fault(control, kind="status", status=503)
    response = api.get("/v1/contacts")
    assert response.status_code == 503
    assert "Retry-After" not in response.headers


def test_status_429_always_has_retry_after(
    api: httpx.Client, control: httpx.Client, expect_error
) -> None:
    add_fault(control, kind="status", status=429)
    response = api.get("/v1/contacts")
    expect_error(response, 429, "rate_limited")
    assert response.headers["Retry-After"] == "1"


def test_faults_apply_before_auth(anonymous: httpx.Client, control: httpx.Client) -> None:
    add_fault(control, kind="status", status=502)
    assert anonymous.get("/v1/contacts").status_code == 502
    assert anonymous.get("/v1/contacts").status_code == 401


def test_latency_fault_delays_then_processes(api: httpx.Client, control: httpx.Client) -> None:
    add_fault(control, method="POST", path="/v1/leads", kind="latency", seconds=0.3)
    started = time.monotonic()
    response = api.post("/v1/leads", json=LEAD)
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 201
    assert len(stored(control, "leads")) == 1


def test_process_then_status_writes_but_answers_the_error(
    api: httpx.Client, control: httpx.Client, expect_error
) -> None:
    add_fault(control, method="POST", path="/v1/leads", kind="process_then_status", status=500)
    expect_error(api.post("/v1/leads", json=LEAD), 500, "internal_error")
    assert len(stored(control, "leads")) == 1
    assert len(stored(control, "contacts")) == 1


def test_process_then_drop_writes_but_never_answers(
    api: httpx.Client, control: httpx.Client
) -> None:
    add_fault(control, method="POST", path="/v1/leads", kind="process_then_drop")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        api.post("/v1/leads", json=LEAD)
    assert [lead["publicId"] for lead in stored(control, "leads")] == ["L-0001"]


def test_drop_closes_without_processing(api: httpx.Client, control: httpx.Client) -> None:
    add_fault(control, method="POST", path="/v1/leads", kind="drop")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        api.post("/v1/leads", json=LEAD)
    assert stored(control, "leads") == []
    assert api.post("/v1/leads", json=LEAD).status_code == 201


def test_times_counts_uses(api: httpx.Client, control: httpx.Client) -> None:
    add_fault(control, kind="status", status=503, times=2)
    statuses = [api.get("/v1/contacts").status_code for _ in range(3)]
    assert statuses == [503, 503, 200]


def test_oldest_matching_fault_is_used_first(api: httpx.Client, control: httpx.Client) -> None:
    add_fault(control, kind="status", status=503)
    add_fault(control, kind="status", status=502)
    statuses = [api.get("/v1/contacts").status_code for _ in range(3)]
    assert statuses == [503, 502, 200]


def test_method_and_path_must_match(api: httpx.Client, control: httpx.Client) -> None:
    add_fault(control, method="POST", path="/v1/matters", kind="status", status=503)
    assert api.post("/v1/leads", json=LEAD).status_code == 201
    assert api.get("/v1/matters").status_code == 200
    assert api.post("/v1/matters", json={}).status_code == 503


def test_path_is_a_prefix(api: httpx.Client, control: httpx.Client, make) -> None:
    contact = make.contact()
    add_fault(control, method="GET", path="/v1/contacts", kind="status", status=504)
    assert api.get(f"/v1/contacts/{contact['id']}").status_code == 504


def test_pending_faults_are_listed_and_cleared(control: httpx.Client) -> None:
    fault = add_fault(control, method="post", path="/v1/leads", kind="status", status=503, times=2)
    assert fault["method"] == "POST" and fault["times"] == 2 and isinstance(fault["id"], int)
    assert control.get("/_sandbox/faults").json()["data"] == [fault]
    assert control.delete("/_sandbox/faults").status_code == 204
    assert control.get("/_sandbox/faults").json()["data"] == []


def test_used_up_faults_leave_the_list(api: httpx.Client, control: httpx.Client) -> None:
    add_fault(control, kind="status", status=503, times=2)
    api.get("/v1/contacts")
    assert control.get("/_sandbox/faults").json()["data"][0]["times"] == 1
    api.get("/v1/contacts")
    assert control.get("/_sandbox/faults").json()["data"] == []


def test_bad_fault_is_422_listing_each_problem(control: httpx.Client, expect_error) -> None:
    response = control.post(
        "/_sandbox/faults", json={"kind": "status", "times": 0, "path": "v1", "colour": 1}
    )
    expect_error(response, 422, "validation_error", ["colour", "path", "times", "status"])


def test_latency_fault_needs_seconds(control: httpx.Client, expect_error) -> None:
    response = control.post("/_sandbox/faults", json={"kind": "latency"})
    expect_error(response, 422, "validation_error", ["seconds"])


def test_faulted_requests_are_logged(api: httpx.Client, control: httpx.Client) -> None:
    add_fault(control, method="POST", path="/v1/leads", kind="status", status=503)
    add_fault(control, method="POST", path="/v1/leads", kind="drop")
    add_fault(control, method="POST", path="/v1/leads", kind="process_then_drop")
    api.post("/v1/leads", json=LEAD)
    for _ in range(2):
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            api.post("/v1/leads", json=LEAD)
    api.post("/v1/leads", json=LEAD)
    log = control.get("/_sandbox/requests").json()["data"]
    assert [(e["status"], e["fault"]) for e in log] == [
        (503, "status"),
        (None, "drop"),
        (None, "process_then_drop"),
        (201, None),
    ]


def test_fields_the_kind_would_ignore_are_refused(control: httpx.Client, expect_error) -> None:
    response = control.post("/_sandbox/faults", json={"kind": "drop", "status": 503, "seconds": 1})
    expect_error(response, 422, "validation_error", ["status", "seconds"])


def test_status_429_with_retry_after_0_says_0(api: httpx.Client, control: httpx.Client) -> None:
    add_fault(control, kind="status", status=429, retry_after=0)
    response = api.get("/v1/contacts")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "0"


def test_fault_method_must_be_an_http_method(control: httpx.Client, expect_error) -> None:
    response = control.post("/_sandbox/faults", json={"method": "FETCH", "kind": "drop"})
    expect_error(response, 422, "validation_error", ["method"])


def test_fault_method_is_case_insensitive(control: httpx.Client) -> None:
    assert add_fault(control, method="patch", kind="drop")["method"] == "PATCH"
