"""A web process keeps the hooks it looked up (app/hookcache.py); a change made anywhere
else through the relay's services reaches it at its next delivery.

Two kinds of "anywhere else": a second app in this process (its own cache, sharing only
SQL and Redis, as two gunicorn workers do) and a served relay (``esqase-relay serve``,
two gunicorn worker processes) changed by this test process.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import func, select, update

from app.cli import cli
from app.db import get_db
from app.models import Hook, Job
from tests.relay.conftest import LiveRelay

LEAD = {"type": "PERSON", "firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"}
HOLD = {"HOOK_CACHE_SECONDS": 3600}  # no expiry within a test: only a change signal counts


def _hook(client, admin) -> tuple[str, str]:
    conn = client.post(
        "/api/v1/connections",
        json={"name": "Firm", "api_key": "esq_test_cachekey0001", "base_url": "http://127.0.0.1:9"},
        headers=admin,
    ).get_json()["data"]["id"]
    data = client.post(
        "/api/v1/hooks",
        json={"name": "Leads", "action": "leads.create", "connection_id": conn},
        headers=admin,
    ).get_json()["data"]
    return data["id"], "/hooks/" + data["url"].rsplit("/hooks/", 1)[1]


def test_a_web_process_keeps_a_hook_it_looked_up(app, make_app, admin):
    """Shown by a change made behind the services' back (raw SQL): it is not seen."""
    web = make_app(**HOLD).test_client()
    hook_id, path = _hook(app.test_client(), admin)
    assert web.post(path, json=LEAD).status_code == 202
    with get_db(app).engine.begin() as conn:
        conn.execute(update(Hook).where(Hook.id == hook_id).values(enabled=False))
    assert web.post(path, json=LEAD).status_code == 202


def test_a_hook_disabled_in_another_process_stops_accepting_at_once(app, make_app, admin):
    web = make_app(**HOLD).test_client()
    other = app.test_client()
    hook_id, path = _hook(other, admin)
    assert web.post(path, json=LEAD).status_code == 202

    other.patch(f"/api/v1/hooks/{hook_id}", json={"enabled": False}, headers=admin)
    refused = web.post(path, json=LEAD)
    assert refused.status_code == 404
    assert refused.get_json()["error"]["code"] == "hook_not_found"

    other.patch(f"/api/v1/hooks/{hook_id}", json={"enabled": True}, headers=admin)
    assert web.post(path, json=LEAD).status_code == 202


def test_rules_changed_in_another_process_apply_to_the_next_delivery(app, make_app, admin):
    web = make_app(**HOLD).test_client()
    other = app.test_client()
    hook_id, path = _hook(other, admin)
    assert web.post(path, json={"first": "Ada", **LEAD}).status_code == 422  # unknown field

    mapping = {"type": "type", "firstName": "first", "lastName": "lastName", "email": "email"}
    other.patch(f"/api/v1/hooks/{hook_id}", json={"mapping": mapping}, headers=admin)
    form = {"type": "PERSON", "first": "Ada", "lastName": "L", "email": "a@b.co"}
    assert web.post(path, json=form).status_code == 202


def test_a_rotated_or_deleted_hook_url_stops_working_in_another_process(app, make_app, admin):
    web = make_app(**HOLD).test_client()
    other = app.test_client()
    hook_id, old = _hook(other, admin)
    assert web.post(old, json=LEAD).status_code == 202

    rotated = other.post(
        f"/api/v1/hooks/{hook_id}/rotate", json={"rotate": ["url"]}, headers=admin
    ).get_json()["data"]
    new = "/hooks/" + rotated["url"].rsplit("/hooks/", 1)[1]
    assert web.post(old, json=LEAD).status_code == 404
    assert web.post(new, json=LEAD).status_code == 202

    other.delete(f"/api/v1/hooks/{hook_id}", headers=admin)
    assert web.post(new, json=LEAD).status_code == 404


def test_a_change_made_from_the_cli_reaches_a_web_process(app, make_app, admin, runner):
    web = make_app(**HOLD).test_client()
    hook_id, path = _hook(app.test_client(), admin)
    assert web.post(path, json=LEAD).status_code == 202
    result = runner.invoke(cli, ["hooks", "disable", hook_id])
    assert result.exit_code == 0, result.output
    assert web.post(path, json=LEAD).status_code == 404


def test_without_redis_every_delivery_reads_its_hook_from_sql(app, make_app, admin):
    """No version to compare with: nothing cached is trusted (the deliveries are still
    accepted; the sweeper enqueues them once Redis is back)."""
    cut_off = make_app(**HOLD, REDIS_URL="redis://127.0.0.1:1/0").test_client()
    hook_id, path = _hook(app.test_client(), admin)
    assert cut_off.post(path, json=LEAD).status_code == 202
    with get_db(app).engine.begin() as conn:
        conn.execute(update(Hook).where(Hook.id == hook_id).values(enabled=False))
    assert cut_off.post(path, json=LEAD).status_code == 404


# -- over real HTTP: a served relay, two gunicorn worker processes ------------------------


def _post_many(url: str, n: int, **kwargs) -> list[httpx.Response]:
    """Each on a new TCP connection, so gunicorn's two workers both take some."""
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(lambda _: httpx.post(url, timeout=20, **kwargs), range(n)))


def test_every_gunicorn_worker_sees_a_hook_disabled_elsewhere(live_relay: LiveRelay, client, admin):
    hook = live_relay.hook("leads.create", live_relay.connection())
    url = live_relay.url + hook["path"]
    assert {r.status_code for r in _post_many(url, 24, json=LEAD)} == {202}

    # This test process is not one of the served relay's: the change reaches it via Redis.
    client.patch(f"/api/v1/hooks/{hook['id']}", json={"enabled": False}, headers=admin)
    assert {r.status_code for r in _post_many(url, 24, json=LEAD)} == {404}

    client.patch(f"/api/v1/hooks/{hook['id']}", json={"enabled": True}, headers=admin)
    assert {r.status_code for r in _post_many(url, 24, json=LEAD)} == {202}


def test_one_idempotency_key_sent_at_once_many_times_makes_one_job(live_relay: LiveRelay, app):
    hook = live_relay.hook("leads.create", live_relay.connection())
    url = live_relay.url + hook["path"]
    answers = _post_many(url, 32, json=LEAD, headers={"Idempotency-Key": "form-entry-77"})

    assert {r.status_code for r in answers} <= {200, 202}
    assert [r.status_code for r in answers].count(202) == 1
    assert len({r.json()["id"] for r in answers}) == 1
    replayed = [r for r in answers if r.status_code == 200]
    assert all(r.headers["Idempotent-Replayed"] == "true" for r in replayed)
    with get_db(app).session() as s:
        count = s.scalar(select(func.count()).select_from(Job).where(Job.hook_id == hook["id"]))
    assert count == 1
