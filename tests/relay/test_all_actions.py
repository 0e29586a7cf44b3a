"""Every one of the 25 CRUD actions runs once against the sandbox through a hook."""

from __future__ import annotations

import pytest

from actions import registry

RESOURCES = ("contacts", "matters", "leads", "practice-areas", "matter-types")
VERBS = ("create", "get", "list", "update", "delete")


def _seed(api, resource: str) -> dict:
    area = api.post("/v1/practice-areas", json={"name": "Family law"}).json()["data"]
    bodies = {
        "contacts": {"type": "PERSON", "firstName": "Jane", "lastName": "Doe"},
        "matters": {"practiceAreaId": area["id"], "openDate": "2026-07-01"},
        "leads": {"type": "PERSON", "firstName": "Lee"},
        "practice-areas": {"name": "Real estate"},
        "matter-types": {"practiceAreaId": area["id"], "name": "Divorce"},
    }
    record = api.post(f"/v1/{resource}", json=bodies[resource]).json()["data"]
    return {"area": area, "record": record}


def _input(resource: str, verb: str, seed: dict) -> dict:
    rid = seed["record"]["id"]
    area_id = seed["area"]["id"]
    if verb in ("get", "delete"):
        return {"id": rid}
    if verb == "list":
        return {"practiceAreaId": area_id, "limit": 10} if resource == "matter-types" else {}
    if verb == "update":
        return {
            "contacts": {"id": rid, "emails": ["new@example.com"]},
            "matters": {"id": rid, "status": "ARCHIVE"},
            "leads": {"id": rid, "value": "HIGHEST"},
            "practice-areas": {"id": rid, "name": "Property"},
            "matter-types": {"id": rid, "name": "Custody"},
        }[resource]
    return {
        "contacts": {"type": "COMPANY", "companyName": "Acme"},
        "matters": {"practiceAreaId": area_id, "openDate": "2026-07-02", "title": "Doe v. Acme"},
        "leads": {"type": "PERSON", "lastName": "Roe", "value": "LOW"},
        "practice-areas": {"name": "Tax"},
        "matter-types": {"practiceAreaId": area_id, "name": "Adoption"},
    }[resource]


def test_the_registry_has_all_25_crud_actions():
    names = {f"{r}.{v}" for r in RESOURCES for v in VERBS}
    assert names <= set(registry())


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("resource", RESOURCES)
def test_action_runs_against_the_sandbox(relay, resource, verb):
    seed = _seed(relay.esqase.api(), resource)
    hook = relay.hook(f"{resource}.{verb}")
    response = relay.client.post(hook["path"], json=_input(resource, verb, seed))
    assert response.status_code == 202, response.get_json()
    job = relay.settle(response.get_json()["id"])
    assert job["status"] == "succeeded", job.get("error")

    result = job["result"]
    if verb == "list":
        assert seed["record"]["id"] in [r["id"] for r in result["data"]]
    elif verb == "delete":
        assert result == {"id": seed["record"]["id"], "deleted": True}
        upstream = {r["id"]: r for r in relay.esqase.records(resource)}
        assert upstream[seed["record"]["id"]]["status"] == "ARCHIVED"
    elif verb == "get":
        assert result["id"] == seed["record"]["id"]
    elif verb == "update":
        assert result["id"] == seed["record"]["id"]
        assert result["updatedAt"] >= seed["record"]["updatedAt"]
    else:
        assert result["id"] != seed["record"]["id"]
        assert result["id"] in {r["id"] for r in relay.esqase.records(resource)}
