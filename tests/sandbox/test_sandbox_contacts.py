"""Contacts: PERSON/COMPANY name rules, contact methods, updates, soft delete."""

from __future__ import annotations

import re
import uuid

import httpx

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def test_create_person_answers_201_with_documented_fields(api: httpx.Client) -> None:
    body = {
        "type": "PERSON",
        "firstName": "Jane",
        "lastName": "Doe",
        "emails": ["jane@example.com"],
        "phones": ["+1-555-0100"],
    }
    response = api.post("/v1/contacts", json=body)
    assert response.status_code == 201
    data = response.json()["data"]
    assert uuid.UUID(data["id"]).version == 4
    assert data["type"] == "PERSON"
    assert data["status"] == "ACTIVE"
    assert data["name"] == "Jane Doe"
    assert data["companyName"] is None
    assert data["middleName"] is None
    assert data["emails"] == ["jane@example.com"]
    assert data["phones"] == ["+1-555-0100"]
    assert TIMESTAMP.match(data["createdAt"]) and TIMESTAMP.match(data["updatedAt"])


def test_create_company_is_named_by_company_name(api: httpx.Client) -> None:
    body = {"type": "COMPANY", "companyName": "Acme Holdings", "tradeName": "Acme"}
    data = api.post("/v1/contacts", json=body).json()["data"]
    assert data["name"] == "Acme Holdings"
    assert data["tradeName"] == "Acme"
    assert data["firstName"] is None
    assert data["emails"] == [] and data["phones"] == []


def test_person_with_only_a_last_name_is_fine(make) -> None:
    assert make.contact(firstName=None, lastName="Doe")["name"] == "Doe"


def test_person_needs_a_first_or_last_name(api: httpx.Client, expect_error) -> None:
    response = api.post("/v1/contacts", json={"type": "PERSON", "nickname": "JD"})
    expect_error(response, 422, "validation_error", ["firstName"])


def test_company_needs_company_name(api: httpx.Client, expect_error) -> None:
    response = api.post("/v1/contacts", json={"type": "COMPANY", "tradeName": "Acme"})
    expect_error(response, 422, "validation_error", ["companyName"])


def test_company_fields_on_a_person_are_refused(api: httpx.Client, expect_error) -> None:
    body = {"type": "PERSON", "firstName": "Jane", "companyName": "Acme"}
    expect_error(api.post("/v1/contacts", json=body), 422, "validation_error", ["companyName"])


def test_person_fields_on_a_company_are_refused(api: httpx.Client, expect_error) -> None:
    body = {"type": "COMPANY", "companyName": "Acme", "firstName": "Jane"}
    expect_error(api.post("/v1/contacts", json=body), 422, "validation_error", ["firstName"])


def test_type_is_required(api: httpx.Client, expect_error) -> None:
    response = api.post("/v1/contacts", json={"firstName": "Jane"})
    expect_error(response, 422, "validation_error", ["type"])


def test_type_must_be_person_or_company(api: httpx.Client, expect_error) -> None:
    response = api.post("/v1/contacts", json={"type": "person", "firstName": "Jane"})
    expect_error(response, 422, "validation_error", ["type"])


def test_emails_must_look_like_emails(api: httpx.Client, expect_error) -> None:
    body = {"type": "PERSON", "firstName": "Jane", "emails": ["jane@example.com", "not-an-email"]}
    expect_error(api.post("/v1/contacts", json=body), 422, "validation_error", ["emails[1]"])


def test_phones_must_be_strings(api: httpx.Client, expect_error) -> None:
    body = {"type": "PERSON", "firstName": "Jane", "phones": [5550100]}
    expect_error(api.post("/v1/contacts", json=body), 422, "validation_error", ["phones[0]"])


def test_name_fields_must_be_strings(api: httpx.Client, expect_error) -> None:
    body = {"type": "PERSON", "firstName": 42, "lastName": "Doe"}
    expect_error(api.post("/v1/contacts", json=body), 422, "validation_error", ["firstName"])


def test_unknown_field_is_named(api: httpx.Client, expect_error) -> None:
    body = {"type": "PERSON", "firstName": "Jane", "email": "jane@example.com"}
    error = expect_error(api.post("/v1/contacts", json=body), 422, "validation_error", ["email"])
    assert error["details"][0]["message"] == "unknown field"


def test_every_problem_is_listed_once(api: httpx.Client, expect_error) -> None:
    body = {"type": "PERSON", "companyName": "Acme", "emails": ["x"], "shoeSize": 9}
    expect_error(
        api.post("/v1/contacts", json=body),
        422,
        "validation_error",
        ["shoeSize", "companyName", "firstName", "emails[0]"],
    )


def test_read_one(api: httpx.Client, make) -> None:
    contact = make.contact()
    response = api.get(f"/v1/contacts/{contact['id']}")
    assert response.status_code == 200
    assert response.json()["data"] == contact


def test_read_unknown_id_is_404(api: httpx.Client, expect_error) -> None:
    expect_error(api.get(f"/v1/contacts/{uuid.uuid4()}"), 404, "not_found")


def test_update_replaces_emails_and_keeps_phones(api: httpx.Client, make) -> None:
    contact = make.contact(emails=["a@example.com", "b@example.com"], phones=["+1-555-0100"])
    response = api.patch(f"/v1/contacts/{contact['id']}", json={"emails": ["c@example.com"]})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["emails"] == ["c@example.com"]
    assert data["phones"] == ["+1-555-0100"]


def test_update_replaces_phones_with_an_empty_list(api: httpx.Client, make) -> None:
    contact = make.contact(phones=["+1-555-0100"])
    data = api.patch(f"/v1/contacts/{contact['id']}", json={"phones": []}).json()["data"]
    assert data["phones"] == []


def test_update_recomputes_the_name(api: httpx.Client, make) -> None:
    contact = make.contact()
    data = api.patch(f"/v1/contacts/{contact['id']}", json={"firstName": "Janet"}).json()["data"]
    assert data["name"] == "Janet Doe"
    assert api.get(f"/v1/contacts/{contact['id']}").json()["data"]["name"] == "Janet Doe"


def test_type_cannot_be_changed(api: httpx.Client, make, expect_error) -> None:
    contact = make.contact()
    response = api.patch(
        f"/v1/contacts/{contact['id']}", json={"type": "COMPANY", "companyName": "Acme"}
    )
    error = expect_error(response, 422, "validation_error")
    assert error["details"][0] == {
        "field": "type",
        "message": "type cannot be changed (this contact is a PERSON)",
    }


def test_sending_the_same_type_on_update_is_fine(api: httpx.Client, make) -> None:
    contact = make.contact()
    response = api.patch(f"/v1/contacts/{contact['id']}", json={"type": "PERSON"})
    assert response.status_code == 200


def test_update_cannot_leave_a_person_nameless(api: httpx.Client, make, expect_error) -> None:
    contact = make.contact(firstName=None, lastName="Doe")
    response = api.patch(f"/v1/contacts/{contact['id']}", json={"lastName": None})
    expect_error(response, 422, "validation_error", ["firstName"])


def test_update_refuses_company_fields_on_a_person(api: httpx.Client, make, expect_error) -> None:
    contact = make.contact()
    response = api.patch(f"/v1/contacts/{contact['id']}", json={"tradeName": "Acme"})
    expect_error(response, 422, "validation_error", ["tradeName"])


def test_validation_comes_before_not_found(api: httpx.Client, expect_error) -> None:
    response = api.patch(f"/v1/contacts/{uuid.uuid4()}", json={"bogus": True})
    expect_error(response, 422, "validation_error", ["bogus"])


def test_update_unknown_id_is_404(api: httpx.Client, expect_error) -> None:
    response = api.patch(f"/v1/contacts/{uuid.uuid4()}", json={"firstName": "Jane"})
    expect_error(response, 404, "not_found")


def test_delete_is_soft(api: httpx.Client, control: httpx.Client, make, expect_error) -> None:
    kept = make.contact(firstName="Kept")
    gone = make.contact(firstName="Gone")
    response = api.delete(f"/v1/contacts/{gone['id']}")
    assert response.status_code == 204
    assert response.content == b""
    listed = api.get("/v1/contacts").json()
    assert [c["id"] for c in listed["data"]] == [kept["id"]]
    assert listed["pagination"]["total"] == 1
    expect_error(api.get(f"/v1/contacts/{gone['id']}"), 404, "not_found")
    expect_error(api.patch(f"/v1/contacts/{gone['id']}", json={}), 404, "not_found")
    expect_error(api.delete(f"/v1/contacts/{gone['id']}"), 404, "not_found")
    state = {c["id"]: c for c in control.get("/_sandbox/state/contacts").json()["data"]}
    assert state[gone["id"]]["status"] == "ARCHIVED"
    assert state[gone["id"]]["deletedAt"] is not None
    assert state[kept["id"]]["status"] == "ACTIVE"
