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
    hook = relay.hook("leads.create", preset="typeform", reject_status=422)
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


# -- admin bodies: the ingest's parser, on every endpoint that reads JSON ------------------

ADMIN_BODIES = [
    ("post", "/api/v1/connections"),
    ("patch", "/api/v1/connections/{conn}"),
    ("post", "/api/v1/hooks"),
    ("patch", "/api/v1/hooks/{hook}"),
    ("post", "/api/v1/hooks/{hook}/rotate"),
    ("post", "/api/v1/jobs/retry"),
]


@pytest.fixture
def admin_urls(relay):
    hook = relay.hook("practice-areas.create")
    return {"conn": hook["connection_id"], "hook": hook["id"]}


def _admin_send(relay, admin_urls, method, url, raw, content_type="application/json"):
    send = getattr(relay.client, method)
    return send(
        url.format(**admin_urls), data=raw, content_type=content_type, headers=relay.headers
    )


@pytest.mark.parametrize(("method", "url"), ADMIN_BODIES)
def test_deep_nesting_is_400_on_every_admin_body(relay, admin_urls, method, url):
    response = _admin_send(relay, admin_urls, method, url, "[" * 10_000)
    body = _status(response, 400, "invalid_json")
    assert "nested more than" in body["error"]["message"]


@pytest.mark.parametrize(("method", "url"), ADMIN_BODIES)
def test_deep_but_complete_nesting_is_400_on_every_admin_body(relay, admin_urls, method, url):
    response = _admin_send(relay, admin_urls, method, url, '{"a":' * 100 + "1" + "}" * 100)
    _status(response, 400, "invalid_json")


@pytest.mark.parametrize(("method", "url"), ADMIN_BODIES)
def test_nan_is_400_on_every_admin_body(relay, admin_urls, method, url):
    _status(_admin_send(relay, admin_urls, method, url, '{"name": NaN}'), 400, "invalid_json")


@pytest.mark.parametrize(("method", "url"), ADMIN_BODIES)
def test_non_utf8_is_400_on_every_admin_body(relay, admin_urls, method, url):
    response = _admin_send(relay, admin_urls, method, url, b'{"name": "caf\xe9"}')
    assert "UTF-8" in _status(response, 400, "invalid_json")["error"]["message"]


@pytest.mark.parametrize(("method", "url"), ADMIN_BODIES)
def test_a_nul_is_422_naming_the_field_on_every_admin_body(relay, admin_urls, method, url):
    response = _admin_send(relay, admin_urls, method, url, '{"name": "a\\u0000b"}')
    details = _status(response, 422)["error"]["details"]
    assert details[0]["path"] == "/name"


def test_infinity_in_an_admin_body_is_400(relay, admin_urls):
    response = _admin_send(relay, admin_urls, "post", "/api/v1/hooks", '{"name": -Infinity}')
    _status(response, 400, "invalid_json")


def test_a_huge_float_in_an_admin_body_is_400(relay, admin_urls):
    raw = '{"name": "x", "api_key": "esq_live_abcdefgh", "rate_limit_per_minute": 1e400}'
    _status(_admin_send(relay, admin_urls, "post", "/api/v1/connections", raw), 400)


def test_utf16_json_to_the_admin_api_is_400(relay, admin_urls):
    raw = '{"name": "x"}'.encode("utf-16")
    _status(_admin_send(relay, admin_urls, "post", "/api/v1/hooks", raw), 400, "invalid_json")


def test_a_json_array_to_the_admin_api_is_400(relay, admin_urls):
    _status(_admin_send(relay, admin_urls, "post", "/api/v1/hooks", "[]"), 400, "invalid_json")


def test_a_non_json_admin_body_is_415(relay, admin_urls):
    response = _admin_send(relay, admin_urls, "post", "/api/v1/hooks", "name=x", "text/plain")
    _status(response, 415, "unsupported_media_type")


def test_an_empty_admin_body_is_an_empty_object(relay, admin_urls):
    response = _admin_send(relay, admin_urls, "post", "/api/v1/hooks", "")
    _status(response, 422, "validation_failed")  # the fields are missing, the body is fine


def test_a_utf8_byte_order_mark_is_allowed(relay, admin_urls):
    raw = b"\xef\xbb\xbf" + b'{"rotate": ["url"]}'
    response = _admin_send(relay, admin_urls, "post", "/api/v1/hooks/{hook}/rotate", raw)
    _status(response, 200)


# -- ingest: form and JSON bodies read exactly as sent ----------------------------------------

FORM = "application/x-www-form-urlencoded"


def _ingest(relay, raw, content_type):
    hook = relay.hook("practice-areas.create")
    return relay.client.post(hook["path"], data=raw, content_type=content_type)


def test_a_form_that_is_not_utf8_is_400(relay):
    _status(_ingest(relay, b"name=caf\xe9", FORM), 400, "invalid_form")


def test_a_percent_escape_that_is_not_utf8_is_400(relay):
    _status(_ingest(relay, "name=caf%E9", FORM), 400, "invalid_form")


def test_a_nul_in_a_form_field_is_400(relay):
    _status(_ingest(relay, "name=a%00b", FORM), 400, "invalid_body")


def test_a_form_in_an_unknown_charset_is_415(relay):
    _status(_ingest(relay, "name=x", FORM + "; charset=klingon"), 415, "unsupported_charset")


def test_a_latin1_form_that_says_so_is_read_in_latin1(relay):
    response = _ingest(relay, "name=Caf%E9", FORM + "; charset=ISO-8859-1")
    job = relay.job(_status(response, 202)["id"])
    assert job["input"]["name"] == "Café"


def test_a_form_with_too_many_fields_is_413(relay):
    raw = "&".join(f"f{i}=x" for i in range(1001))
    _status(_ingest(relay, raw, FORM), 413, "too_many_fields")


MULTI = "multipart/form-data; boundary=XyZ"


def _part(name: str, value: bytes, headers: str = "") -> bytes:
    head = f'--XyZ\r\nContent-Disposition: form-data; name="{name}"\r\n{headers}\r\n'
    return head.encode() + value + b"\r\n"


def test_a_multipart_form_is_read(relay):
    raw = _part("name", "Café".encode()) + b"--XyZ--\r\n"
    job = relay.job(_status(_ingest(relay, raw, MULTI), 202)["id"])
    assert job["input"]["name"] == "Café"


def test_a_multipart_form_without_a_boundary_is_400(relay):
    raw = _part("name", b"x") + b"--XyZ--\r\n"
    _status(_ingest(relay, raw, "multipart/form-data"), 400, "invalid_form")


def test_a_multipart_value_that_is_not_utf8_is_400(relay):
    raw = _part("name", b"caf\xe9") + b"--XyZ--\r\n"
    _status(_ingest(relay, raw, MULTI), 400, "invalid_form")


def test_a_multipart_part_in_an_unknown_charset_is_400(relay):
    raw = _part("name", b"x", "Content-Type: text/plain; charset=klingon\r\n") + b"--XyZ--\r\n"
    _status(_ingest(relay, raw, MULTI), 400, "invalid_form")


def test_a_multipart_form_without_its_closing_boundary_is_400(relay):
    _status(_ingest(relay, _part("name", b"x"), MULTI), 400, "invalid_form")


def test_a_multipart_part_without_a_name_is_400(relay):
    raw = b"--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--\r\n"
    _status(_ingest(relay, raw, MULTI), 400, "invalid_form")


def test_a_multipart_boundary_that_is_not_ascii_is_400(relay):
    raw = _part("name", b"x") + b"--XyZ--\r\n"
    _status(_ingest(relay, raw, "multipart/form-data; boundary=Xé"), 400, "invalid_form")


def test_a_json_body_in_utf16_is_400(relay):
    raw = '{"name": "x"}'.encode("utf-16")
    _status(_ingest(relay, raw, "application/json"), 400, "invalid_json")


def test_a_json_body_with_a_utf8_byte_order_mark_is_read(relay):
    _status(_ingest(relay, b'\xef\xbb\xbf{"name": "x"}', "application/json"), 202)


def test_a_json_body_with_an_unknown_charset_parameter_is_read_as_utf8(relay):
    # RFC 8259: JSON is UTF-8 and application/json has no charset parameter to obey.
    _status(_ingest(relay, '{"name": "x"}', "application/json; charset=klingon"), 202)


def test_a_json_content_type_with_a_broken_parameter_is_not_a_500(relay):
    _status(_ingest(relay, '{"name": "x"}', 'application/json; charset="utf-8'), 202)


def test_a_number_with_hundreds_of_digits_is_400_in_plain_words(relay):
    response = _ingest(relay, '{"name": ' + "9" * 200 + "}", "application/json")
    assert "more than 100 digits" in _status(response, 400, "invalid_json")["error"]["message"]


def test_a_method_a_url_does_not_take_is_405_with_allow(client):
    response = client.put("/api/v1/actions")
    _status(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_an_admin_json_body_with_an_unknown_charset_parameter_is_read_as_utf8(relay, admin_urls):
    raw = '{"rotate": ["url"]}'
    url = "/api/v1/hooks/{hook}/rotate"
    response = _admin_send(relay, admin_urls, "post", url, raw, "application/json; charset=klingon")
    _status(response, 200)
