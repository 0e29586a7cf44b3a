"""An ``all: true`` list is capped: past MAX_ALL_RECORDS the job fails and says how to page.

Against the sandbox over real HTTP; the cap is lowered for the paging tests so
they seed a dozen records, and one test seeds past the real cap of 1,000.
"""

from __future__ import annotations

from typing import Any

from actions import crud


def _seed(relay, n: int) -> None:
    """n contacts created through the sandbox's own API, then its request log cleared."""
    with relay.esqase.api() as api:
        for i in range(n):
            body = {"type": "PERSON", "firstName": "Seed", "lastName": f"No{i:04d}"}
            api.post("/v1/contacts", json=body).raise_for_status()
    relay.esqase.control.delete("/_sandbox/requests").raise_for_status()


def _pages_read(relay) -> list[dict[str, Any]]:
    return [
        r for r in relay.esqase.requests() if r["method"] == "GET" and r["path"] == "/v1/contacts"
    ]


def _run(relay, body: dict[str, Any]) -> dict[str, Any]:
    hook = relay.hook("contacts.list")
    job_id = relay.client.post(hook["path"], json=body).get_json()["id"]
    return relay.settle(job_id)


def test_past_the_cap_the_job_fails_and_says_to_page(relay, monkeypatch):
    monkeypatch.setattr(crud, "MAX_ALL_RECORDS", 5)
    _seed(relay, 12)
    job = _run(relay, {"all": True, "limit": 2})
    assert job["status"] == "failed"
    assert job["error"]["code"] == "too_many_records"
    assert job["error"]["message"] == ("more than 5 contacts match; use limit/offset pages instead")


def test_reading_stops_at_the_first_record_past_the_cap(relay, monkeypatch):
    monkeypatch.setattr(crud, "MAX_ALL_RECORDS", 5)
    _seed(relay, 12)
    _run(relay, {"all": True, "limit": 2})
    offsets = [r["query"].get("offset", "0") for r in _pages_read(relay)]
    assert offsets == ["0", "2", "4"]  # the 6th record is on the 3rd page; 6 pages exist


def test_exactly_the_cap_is_returned_whole(relay, monkeypatch):
    monkeypatch.setattr(crud, "MAX_ALL_RECORDS", 5)
    _seed(relay, 5)
    job = _run(relay, {"all": True, "limit": 2})
    assert job["status"] == "succeeded", job["error"]
    assert job["result"]["total"] == 5
    assert len(job["result"]["data"]) == 5


def test_a_single_page_is_not_capped(relay, monkeypatch):
    monkeypatch.setattr(crud, "MAX_ALL_RECORDS", 5)
    _seed(relay, 12)
    job = _run(relay, {"limit": 10})
    assert job["status"] == "succeeded", job["error"]
    assert len(job["result"]["data"]) == 10
    assert job["result"]["pagination"]["total"] == 12


def test_the_real_cap_is_one_thousand(relay):
    assert crud.MAX_ALL_RECORDS == 1000
    _seed(relay, 1001)
    job = _run(relay, {"all": True, "limit": 100})
    assert job["status"] == "failed"
    assert job["error"]["message"] == (
        "more than 1000 contacts match; use limit/offset pages instead"
    )
    assert len(_pages_read(relay)) == 11  # 10 full pages, then the one holding record 1001
