"""The sandbox under a threaded server: writes stay atomic, slow requests block no one."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from flask import Flask

from sandbox.state import EXTENSION


class _SlowCounters(dict[str, int]):
    """Public-id counters that pause right after each read, before the caller writes back.

    ``Store.next_public_id`` reads a counter with ``get`` and then stores the next number;
    the pause widens that read-then-write window so that, were the store lock missing,
    overlapping creates would read the same number and hand out duplicate public ids.
    """

    def get(self, key: str, default: Any = None) -> Any:
        value = super().get(key, default)
        time.sleep(0.001)
        return value


def test_concurrent_creates_get_distinct_sequential_public_ids(
    api: httpx.Client,
    make,
    new_key,
    http_client,
    sandbox_app: Flask,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sandbox_app.extensions[EXTENSION].store, "_sequences", _SlowCounters())
    area = make.practice_area()
    clients = [http_client(new_key("matters:write")) for _ in range(20)]
    barrier = threading.Barrier(20)

    body = {"practiceAreaId": area["id"], "openDate": "2026-07-01"}

    def create(client: httpx.Client) -> httpx.Response:
        barrier.wait()  # release all 20 at once so the creates really overlap
        return client.post("/v1/matters", json=body)

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(create, clients))
    assert [r.status_code for r in responses] == [201] * 20
    public_ids = sorted(r.json()["data"]["publicId"] for r in responses)
    assert public_ids == [f"M-{n:04d}" for n in range(1, 21)]
    assert len({r.json()["data"]["id"] for r in responses}) == 20
    assert api.get("/v1/matters").json()["pagination"]["total"] == 20


def test_a_slow_request_does_not_block_others(
    api: httpx.Client, control: httpx.Client, http_client
) -> None:
    control.post(
        "/_sandbox/faults",
        json={"method": "GET", "path": "/v1/leads", "kind": "latency", "seconds": 1},
    )
    other = http_client(api.headers["Authorization"].removeprefix("Bearer "))

    def slow() -> int:
        return other.get("/v1/leads").status_code

    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(slow)
        time.sleep(0.1)  # let the slow request reach its sleep
        started = time.monotonic()
        response = api.post("/v1/contacts", json={"type": "COMPANY", "companyName": "Acme"})
        assert time.monotonic() - started < 0.5
        assert response.status_code == 201
        assert pending.result() == 200
