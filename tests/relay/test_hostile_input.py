"""Malformed and hostile requests get a clear 4xx, never a 500, and nothing half-accepted."""

from __future__ import annotations

import json

import pytest


def _status(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.get_json()
    if code:
        assert body["error"]["code"] == code
    return body


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 100_000,
        '{"name": NaN}',
        '{"name": Infinity}',
        '{"name": 1e400}',
        '{"name": ' + "9" * 5000 + "}",
        b'{"name": "\xff"}',
    ],
    ids=["deep", "nan", "infinity", "huge-float", "huge-int", "not-utf8"],
)
def test_unreadable_json_is_400(relay, raw):
    hook = relay.hook("practice-areas.create")
    _status(relay.client.post(hook["path"], data=raw, content_type="application/json"), 400)


@pytest.mark.parametrize("text", ["\\ud800", "a\\u0000b"], ids=["lone-surrogate", "nul"])
def test_strings_that_are_not_text_are_400(relay, text):
    hook = relay.hook("practice-areas.create")
    raw = '{"name": "' + text + '"}'
    _status(
        relay.client.post(hook["path"], data=raw, content_type="application/json"),
        400,
        "invalid_body",
    )
    assert relay.esqase.requests() == []


def test_a_nul_in_a_hook_url_is_just_not_found(client):
    _status(client.post("/hooks/hk_%00", json={}), 404, "hook_not_found")
    _status(client.get("/hooks/hk_x/jobs/job_%00"), 404)


def test_an_overlong_idempotency_key_is_400(relay):
    hook = relay.hook("practice-areas.create")
    response = relay.client.post(
        hook["path"], json={"name": "x"}, headers={"Idempotency-Key": "k" * 300}
    )
    _status(response, 400, "invalid_idempotency_key")


def test_long_keys_from_a_field_are_hashed_not_cut(relay):
    hook = relay.hook("practice-areas.create", idempotency_field="submission")
    shared = "s" * 300
    first = relay.client.post(hook["path"], json={"submission": shared + "1", "name": "a"})
    second = relay.client.post(hook["path"], json={"submission": shared + "2", "name": "b"})
    assert first.status_code == second.status_code == 202
    assert first.get_json()["id"] != second.get_json()["id"]


def test_a_body_that_does_not_fit_the_preset_is_422(relay):
    hook = relay.hook("leads.create", preset="typeform")
    body = _status(relay.client.post(hook["path"], json={"hello": "world"}), 422)
    assert "typeform" in body["error"]["details"][0]["message"]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"name": 5}, "/name"),
        ({"preset": ["x"]}, "/preset"),
        ({"enabled": "false"}, "/enabled"),
        ({"mapping": "x"}, "/mapping"),
        ({"name": "x" * 500}, "/name"),
        ({"name": "a\u0000b"}, "/name"),
    ],
)
def test_admin_hook_bodies_are_typed(relay, body, path):
    hook = relay.hook("practice-areas.create")
    response = relay.client.patch(f"/api/v1/hooks/{hook['id']}", json=body, headers=relay.headers)
    details = _status(response, 422)["error"]["details"]
    assert path in [d["path"] for d in details]


@pytest.mark.parametrize("rotate", [5, [["url"]], "url", ["nope"]])
def test_rotate_takes_a_list_of_known_names(relay, rotate):
    hook = relay.hook("practice-areas.create")
    response = relay.client.post(
        f"/api/v1/hooks/{hook['id']}/rotate", json={"rotate": rotate}, headers=relay.headers
    )
    _status(response, 422)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "api_key": "esq_live_abc\r\nX-Evil: 1"},
        {"name": "x", "api_key": "short"},
        {"name": "x", "api_key": "esq_live_abcdefgh", "base_url": "http://[::1"},
        {"name": "x", "api_key": "esq_live_abcdefgh", "rate_limit_per_minute": 1e30},
    ],
    ids=["newline-in-key", "short-key", "broken-url", "huge-rate"],
)
def test_connection_bodies_are_checked(client, admin, body):
    response = client.post("/api/v1/connections", json=body, headers=admin)
    _status(response, 422)
    assert "esq_live_abc" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    ["since=9999-12-31T23:59:59-05:00", "cursor=%00", "since=yesterday", "status=done"],
)
def test_job_filters_are_checked(client, admin, query):
    _status(client.get(f"/api/v1/jobs?{query}", headers=admin), 400)


@pytest.mark.parametrize("body", [{"since": 5}, {"q": 5}, {"action": ["x"]}, {"hook_id": {}}])
def test_bulk_retry_filters_are_checked(client, admin, body):
    _status(client.post("/api/v1/jobs/retry", json=body, headers=admin), 400, "invalid_filter")


def test_a_key_that_would_break_the_header_never_reaches_a_log(esqase, caplog):
    import traceback

    from app.esqase import EsqaseClient, NotSent

    key = "esq_secret_key\nInjected: yes"
    with EsqaseClient(esqase.url, key) as client:
        with pytest.raises(NotSent) as err:
            client.list("contacts")
    text = "".join(traceback.format_exception(err.value))
    assert "esq_secret_key" not in text
    assert json.dumps(str(err.value))


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/connections", {"name": "\ud800x", "api_key": "esq_live_abcdefgh"}),
        ("/api/v1/jobs/retry", {"q": "\ud800"}),
        (
            "/api/v1/hooks",
            {
                "name": "x",
                "action": "leads.create",
                "connection_id": "c",
                "mapping": {"\ud800": "a"},
            },
        ),
    ],
    ids=["connection-name", "bulk-retry-q", "mapping-key"],
)
def test_lone_surrogates_in_admin_bodies_are_refused(client, admin, url, body):
    response = client.post(
        url, data=json.dumps(body), content_type="application/json", headers=admin
    )
    assert response.status_code in (400, 422), response.get_data(as_text=True)[:300]
