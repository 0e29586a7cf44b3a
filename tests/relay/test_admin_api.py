"""The admin API: auth, connections, hooks, actions, job history."""

from __future__ import annotations

import time

from app.services import tokens


def test_admin_api_needs_a_token(client):
    response = client.get("/api/v1/hooks")
    assert response.status_code == 401
    assert "Bearer" in response.get_json()["error"]["message"]
    assert client.get("/api/v1/hooks", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_stored_token_works_and_is_kept_hashed(app, client):
    from app.db import session

    with session() as s:
        row, token = tokens.create(s, "ops")
    assert row.token_hash != token
    response = client.get("/api/v1/actions", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_actions_list_and_show_with_schema_and_valid_example(client, admin):
    names = [a["name"] for a in client.get("/api/v1/actions", headers=admin).get_json()["data"]]
    assert len(names) == 27 and "leads.create" in names
    shown = client.get("/api/v1/actions/leads.create", headers=admin).get_json()["data"]
    assert shown["scope"] == "leads:write"
    from app.payload import explain, validator_for

    assert explain(validator_for(shown["schema"]), shown["example"]) == []
    missing = client.get("/api/v1/actions/leads.creat", headers=admin)
    assert missing.status_code == 404
    assert "leads.create" in missing.get_json()["error"]["message"]


def test_connection_shows_only_last_four(relay):
    conn_id = relay.connection(key="esq_abcdefghijkl_WXYZ")
    data = relay.client.get(f"/api/v1/connections/{conn_id}", headers=relay.headers).get_json()
    assert data["data"]["api_key_last4"] == "WXYZ"
    assert "api_key" not in data["data"]


def test_connection_check_reports_a_working_key(relay):
    conn_id = relay.connection()
    result = relay.client.post(f"/api/v1/connections/{conn_id}/check", headers=relay.headers)
    assert result.get_json()["data"]["ok"] is True


def test_connection_in_use_cannot_be_deleted(relay):
    hook = relay.hook("leads.create")
    response = relay.client.delete(
        f"/api/v1/connections/{hook['connection_id']}", headers=relay.headers
    )
    assert response.status_code == 409


def test_hook_validation_names_every_problem(relay):
    response = relay.client.post(
        "/api/v1/hooks",
        headers=relay.headers,
        json={"action": "lead.create", "connection_id": "con_x"},
    )
    assert response.status_code == 422
    paths = {d["path"] for d in response.get_json()["error"]["details"]}
    assert paths == {"/name", "/action", "/connection_id"}


def test_rotating_the_url_retires_the_old_one(relay):
    hook = relay.hook("practice-areas.create")
    rotated = relay.client.post(
        f"/api/v1/hooks/{hook['id']}/rotate", headers=relay.headers, json={"rotate": ["url"]}
    ).get_json()["data"]
    assert rotated["url"] != hook["url"]
    assert relay.client.post(hook["path"], json={"name": "x"}).status_code == 404
    new_path = "/hooks/" + rotated["url"].rsplit("/hooks/", 1)[1]
    assert relay.client.post(new_path, json={"name": "x"}).status_code == 202


def test_secrets_appear_only_when_created(relay):
    hook = relay.hook("practice-areas.create")
    assert hook["callback_secret"].startswith("whsec_")
    again = relay.client.get(f"/api/v1/hooks/{hook['id']}", headers=relay.headers).get_json()
    assert "callback_secret" not in again["data"]


def test_job_history_filters_and_cursor_paging(relay):
    hook = relay.hook("practice-areas.create")
    ids = [
        relay.client.post(hook["path"], json={"name": f"A{i}"}).get_json()["id"] for i in range(5)
    ]
    relay.client.post(hook["path"], json={})  # one rejected
    seen, cursor = [], None
    while True:
        query = "/api/v1/jobs?status=queued&limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = relay.client.get(query, headers=relay.headers).get_json()
        seen += [j["id"] for j in body["data"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(ids))
    rejected = relay.client.get("/api/v1/jobs?status=rejected", headers=relay.headers).get_json()
    assert len(rejected["data"]) == 1
    found = relay.client.get("/api/v1/jobs?q=A3", headers=relay.headers).get_json()["data"]
    assert [j["id"] for j in found] == [ids[3]]
    bad = relay.client.get("/api/v1/jobs?status=done", headers=relay.headers)
    assert bad.status_code == 400


def test_since_and_until_filter_by_creation_time(relay):
    hook = relay.hook("practice-areas.create")
    first = relay.client.post(hook["path"], json={"name": "early"}).get_json()
    time.sleep(0.05)
    second = relay.client.post(hook["path"], json={"name": "late"}).get_json()
    since = second["created_at"]
    later = relay.client.get(f"/api/v1/jobs?since={since}", headers=relay.headers).get_json()
    assert [j["id"] for j in later["data"]] == [second["id"]]
    earlier = relay.client.get(f"/api/v1/jobs?until={since}", headers=relay.headers).get_json()
    assert [j["id"] for j in earlier["data"]] == [first["id"]]


def test_cancel_a_queued_job_and_it_never_runs(relay):
    hook = relay.hook("practice-areas.create")
    job_id = relay.client.post(hook["path"], json={"name": "x"}).get_json()["id"]
    response = relay.client.post(f"/api/v1/jobs/{job_id}/cancel", headers=relay.headers)
    assert response.get_json()["data"]["status"] == "canceled"
    relay.work()
    assert relay.esqase.records("practice-areas") == []
    again = relay.client.post(f"/api/v1/jobs/{job_id}/cancel", headers=relay.headers)
    assert again.status_code == 409


def test_bulk_retry_by_filter(relay):
    hook = relay.hook("contacts.get")
    ids = [
        relay.client.post(hook["path"], json={"id": f"missing-{i}"}).get_json()["id"]
        for i in range(3)
    ]
    relay.work()
    assert {relay.job(i)["status"] for i in ids} == {"failed"}
    response = relay.client.post(
        "/api/v1/jobs/retry",
        headers=relay.headers,
        json={"status": "failed", "hook_id": hook["id"]},
    )
    assert response.status_code == 202
    assert sorted(response.get_json()["data"]["ids"]) == sorted(ids)
    assert {relay.job(i)["status"] for i in ids} == {"queued"}


def test_openapi_lists_every_route(app, client):
    spec = client.get("/openapi.json").get_json()
    documented = set(spec["paths"])
    for rule in app.url_map.iter_rules():
        # The dashboard's HTML pages are for people, not part of the API contract.
        if rule.endpoint in {"static", "admin.openapi"} or rule.endpoint.startswith("dashboard."):
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        assert path in documented, f"{path} is not in /openapi.json"


def test_health_and_readiness(client):
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz").get_json()
    assert ready["checks"] == {"database": "ok", "redis": "ok"}
    assert b"relay_ingest_total" in client.get("/metrics").get_data()
