"""Jobs left in needs_review, made the way production meets them, for the review tests
of the API, the CLI, the console's routes and its pages alike."""

from __future__ import annotations

from typing import Any

LEAD = {"type": "PERSON", "firstName": "Jane", "lastName": "Doe", "email": "jane@example.com"}


def _post(relay: Any, hook: dict[str, Any], body: dict[str, Any]) -> str:
    response = relay.client.post(hook["path"], json=body)
    assert response.status_code == 202, response.get_json()
    return str(response.get_json()["id"])


def look_alikes(relay: Any) -> str:
    """A lost create with an identical lead made by hand meanwhile: two candidates."""
    hook = relay.hook("leads.create")
    relay.esqase.api().post("/v1/leads", json=LEAD)
    relay.esqase.fault("POST", "/v1/leads", kind="process_then_status", status=500)
    job_id = _post(relay, hook, LEAD)
    assert relay.settle(job_id)["status"] == "needs_review"
    return job_id


def unreadable(relay: Any) -> tuple[str, str]:
    """A lost create on a key that may not read contacts: Esqase cannot say."""
    conn = relay.connection(key=relay.esqase.new_key("leads:write"))
    hook = relay.hook("leads.create", conn)
    relay.esqase.fault("POST", "/v1/leads", kind="process_then_status", status=502)
    job_id = _post(relay, hook, LEAD)
    assert relay.settle(job_id)["status"] == "needs_review"
    return job_id, conn


# A delivery to replay: sent with fields a mapping renames, refused by a mistaken mapping.
SENT = {"kind": "PERSON", "first": "Jane", "mail": "jane@example.com"}
WRONG = {"type": "knd", "firstName": "first", "email": "mail"}
FIXED = {"type": "kind", "firstName": "first", "email": "mail"}


def rejected(relay: Any, hook: dict[str, Any], body: dict[str, Any] = SENT) -> str:
    """A delivery refused by a mapping mistake (WRONG); FIXED is the mapping that mends it."""
    response = relay.client.post(hook["path"], json=body)
    assert response.status_code == 422, response.get_json()
    return str(response.get_json()["job_id"])


def remap(relay: Any, hook: dict[str, Any], mapping: dict[str, Any]) -> None:
    response = relay.client.patch(
        f"/api/v1/hooks/{hook['id']}", json={"mapping": mapping}, headers=relay.headers
    )
    assert response.status_code == 200, response.get_json()
