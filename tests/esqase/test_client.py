"""EsqaseClient against the sandbox over real HTTP: verbs, paging, and the error tree."""

from __future__ import annotations

import logging
import socket

import httpx
import pytest

from app.esqase import ApiError, CallLog, EsqaseClient, NotSent, SentNoAnswer

PERSON = {"type": "PERSON", "firstName": "Jane", "lastName": "Doe", "emails": ["jane@example.com"]}


@pytest.fixture
def client(esqase):
    with EsqaseClient(esqase.url, esqase.key, timeout=5) as c:
        yield c


def _payload(client: EsqaseClient, resource: str) -> dict:
    if resource == "contacts":
        return dict(PERSON)
    if resource == "practice-areas":
        return {"name": "Family law"}
    area = client.create("practice-areas", {"name": "Family law"})
    if resource == "matters":
        return {"practiceAreaId": area["id"], "openDate": "2026-07-01", "title": "Doe v. Acme"}
    if resource == "leads":
        return {"type": "PERSON", "firstName": "Lee", "email": "lee@example.com"}
    return {"practiceAreaId": area["id"], "name": "Divorce"}


CHANGES = {
    "contacts": {"lastName": "Roe"},
    "matters": {"title": "Roe v. Acme"},
    "leads": {"value": "HIGH"},
    "practice-areas": {"name": "Family"},
    "matter-types": {"name": "Custody"},
}


@pytest.mark.parametrize("resource", list(CHANGES))
def test_every_verb_of_every_resource(client, resource):
    created = client.create(resource, _payload(client, resource))
    assert created["id"]

    assert client.get(resource, created["id"])["id"] == created["id"]

    params = {"practiceAreaId": created["practiceAreaId"]} if resource == "matter-types" else {}
    page = client.list(resource, **params)
    assert created["id"] in [r["id"] for r in page.data]

    field, value = next(iter(CHANGES[resource].items()))
    updated = client.update(resource, created["id"], CHANGES[resource])
    assert updated[field] == value

    client.delete(resource, created["id"])
    with pytest.raises(ApiError) as err:
        client.get(resource, created["id"])
    assert err.value.status == 404


def test_list_pages_and_iterate_reads_every_record(client):
    for i in range(60):
        client.create("practice-areas", {"name": f"Area {i:02d}"})
    first = client.list("practice-areas")
    assert (first.limit, first.offset, first.total, len(first.data)) == (25, 0, 60, 25)

    ceiling = client.list("practice-areas", limit=500)
    assert ceiling.limit == 100 and len(ceiling.data) == 60

    last = client.list("practice-areas", limit=25, offset=50)
    assert len(last.data) == 10 and last.offset == 50

    names = [a["name"] for a in client.iterate("practice-areas", page_size=7)]
    assert names == [f"Area {i:02d}" for i in range(60)]


def test_unknown_key_is_401(esqase):
    with EsqaseClient(esqase.url, "esq_not_a_key_at_all") as c:
        with pytest.raises(ApiError) as err:
            c.list("contacts")
    assert err.value.status == 401


def test_missing_scope_is_403_and_names_the_scope(esqase):
    with EsqaseClient(esqase.url, esqase.new_key("contacts:read")) as c:
        with pytest.raises(ApiError) as err:
            c.create("contacts", PERSON)
    assert err.value.status == 403
    assert "contacts:write" in err.value.message


def test_validation_error_is_422_with_field_details(client):
    with pytest.raises(ApiError) as err:
        client.create("matters", {"openDate": "July 1st"})
    assert err.value.status == 422
    fields = {d.get("field") for d in err.value.details}
    assert {"practiceAreaId", "openDate"} <= fields


def test_rate_limit_is_429_with_retry_after(esqase):
    key = esqase.new_key("*", rate_limit={"requests": 2, "per_seconds": 60})
    with EsqaseClient(esqase.url, key) as c:
        c.list("contacts")
        c.list("contacts")
        with pytest.raises(ApiError) as err:
            c.list("contacts")
    assert err.value.status == 429
    assert err.value.retry_after is not None and err.value.retry_after >= 1


def test_injected_status_surfaces_as_api_error_with_retry_after(client, esqase):
    esqase.fault("GET", "/v1/contacts", status=503, retry_after=7)
    with pytest.raises(ApiError) as err:
        client.list("contacts")
    assert (err.value.status, err.value.retry_after) == (503, 7.0)
    assert client.list("contacts").total == 0  # the fault was used up


def test_connection_refused_is_not_sent():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before use: nothing listens
    with EsqaseClient(f"http://127.0.0.1:{port}", "esq_key") as c:
        with pytest.raises(NotSent):
            c.create("contacts", PERSON)


def test_timeout_after_sending_is_sent_no_answer(esqase):
    esqase.fault("POST", "/v1/contacts", kind="latency", seconds=1.5)
    with EsqaseClient(esqase.url, esqase.key, timeout=httpx.Timeout(0.5)) as c:
        with pytest.raises(SentNoAnswer) as err:
            c.create("contacts", PERSON)
    assert err.value.method == "POST"


@pytest.mark.parametrize("kind", ["process_then_drop", "drop"])
def test_dropped_connection_is_sent_no_answer(client, esqase, kind):
    esqase.fault("POST", "/v1/contacts", kind=kind)
    with pytest.raises(SentNoAnswer):
        client.create("contacts", PERSON)
    created = len(esqase.records("contacts"))
    assert created == (1 if kind == "process_then_drop" else 0)


def test_process_then_500_happened_upstream(client, esqase):
    esqase.fault("POST", "/v1/contacts", kind="process_then_status", status=500)
    with pytest.raises(ApiError) as err:
        client.create("contacts", PERSON)
    assert err.value.status == 500
    assert len(esqase.records("contacts")) == 1


def test_calls_are_observed_without_secrets(esqase, caplog):
    log = CallLog()
    calls = log.calls
    key = esqase.key
    caplog.set_level(logging.DEBUG)
    with EsqaseClient(esqase.url, key, journal=log) as c:
        c.create("contacts", PERSON)
        with pytest.raises(ApiError) as err:
            c.get("contacts", "missing-id")
    assert [(x.method, x.path, x.status) for x in calls] == [
        ("POST", "/v1/contacts", 201),
        ("GET", "/v1/contacts/missing-id", 404),
    ]
    for text in (str(err.value), repr(err.value), repr(c), caplog.text, repr(calls)):
        assert key not in text


def _mock(handler):
    return EsqaseClient(
        "http://esqase.test", "esq_secret_key_1234", transport=httpx.MockTransport(handler)
    )


def test_a_create_answered_with_an_undecodable_body_is_not_not_sent():
    """The POST reached the server: never report it as safe to repeat."""

    def handler(request):
        return httpx.Response(201, headers={"Content-Encoding": "gzip"}, content=b"not gzip")

    with _mock(handler) as c:
        with pytest.raises((SentNoAnswer, ApiError)) as err:
            c.create("contacts", PERSON)
    assert not isinstance(err.value, NotSent)


@pytest.mark.parametrize(
    "body",
    [{"openDate": __import__("datetime").date(2026, 7, 1)}, {"allocation": float("nan")}],
    ids=["date", "nan"],
)
def test_a_body_that_cannot_be_encoded_is_not_sent(body):
    log = CallLog()
    calls = log.calls

    def handler(request):  # pragma: no cover - must not be reached
        raise AssertionError("sent")

    with _mock(handler) as c:
        c.journal = log
        with pytest.raises(NotSent):
            c.create("contacts", body)
    assert calls and calls[0].sent is False


def test_a_non_ascii_key_is_not_sent_and_not_quoted():
    import traceback

    def handler(request):  # pragma: no cover - must not be reached
        raise AssertionError("sent")

    with EsqaseClient(
        "http://esqase.test", "sécret-ключ", transport=httpx.MockTransport(handler)
    ) as c:
        with pytest.raises(NotSent) as err:
            c.list("contacts")
    text = "".join(traceback.format_exception(err.value)) + repr(err.value.__context__)
    assert "ключ" not in text and "sécret" not in text


@pytest.mark.parametrize(
    "payload",
    [b"", b"[]", b'{"data": null}', b'{"data": [], "pagination": {"limit": null, "total": "x"}}'],
)
def test_answers_without_the_documented_shape_are_api_errors(payload):
    def handler(request):
        return httpx.Response(200, content=payload, headers={"Content-Type": "application/json"})

    with _mock(handler) as c:
        with pytest.raises(ApiError) as err:
            if b"pagination" in payload:
                c.list("contacts")
            else:
                c.get("contacts", "c1")
    assert err.value.code == "invalid_response"
