"""Leads: each creates its own contact; only pipeline fields are updatable."""

from __future__ import annotations

import uuid

import httpx


def test_create_lead_with_the_documented_example(
    api: httpx.Client, control: httpx.Client, make
) -> None:
    area = make.practice_area()
    body = {
        "type": "PERSON",
        "firstName": "Jane",
        "lastName": "Doe",
        "email": "jane@example.com",
        "phone": "+1-555-0100",
        "practiceAreaId": area["id"],
        "value": "HIGH",
    }
    response = api.post("/v1/leads", json=body)
    assert response.status_code == 201
    data = response.json()["data"]
    first_stage = control.get("/_sandbox/lead-stages").json()["data"][0]
    assert data["publicId"] == "L-0001"
    assert data["status"] == "PENDING"
    assert data["value"] == "HIGH"
    assert data["isPrivate"] is False
    assert data["leadStageColumnId"] == first_stage["id"]
    assert data["contact"]["name"] == "Jane Doe"
    assert data["practiceArea"] == {"id": area["id"], "name": "Family law"}
    assert uuid.UUID(data["id"]).version == 4


def test_lead_creates_a_contact(api: httpx.Client, make) -> None:
    lead = make.lead(email="jane@example.com", phone="+1-555-0100")
    contacts = api.get("/v1/contacts").json()["data"]
    assert len(contacts) == 1
    contact = contacts[0]
    assert contact["id"] == lead["contact"]["id"]
    assert contact["emails"] == ["jane@example.com"]
    assert contact["phones"] == ["+1-555-0100"]
    assert contact["type"] == "PERSON"


def test_company_lead_creates_a_company_contact(api: httpx.Client, make) -> None:
    lead = make.lead(type="COMPANY", firstName=None, lastName=None, companyName="Acme")
    contact = api.get(f"/v1/contacts/{lead['contact']['id']}").json()["data"]
    assert (contact["type"], contact["name"], contact["emails"]) == ("COMPANY", "Acme", [])


def test_lead_defaults(make) -> None:
    lead = make.lead()
    assert lead["value"] is None
    assert lead["isPrivate"] is False
    assert lead["practiceArea"] is None


def test_lead_public_ids_are_sequential(make) -> None:
    assert [make.lead()["publicId"] for _ in range(3)] == ["L-0001", "L-0002", "L-0003"]


def test_value_must_be_in_the_enum(api: httpx.Client, expect_error) -> None:
    body = {"type": "PERSON", "firstName": "Jane", "value": "ENORMOUS"}
    error = expect_error(api.post("/v1/leads", json=body), 422, "validation_error", ["value"])
    assert "LOWEST" in error["details"][0]["message"]


def test_email_must_look_like_an_email(api: httpx.Client, expect_error) -> None:
    body = {"type": "PERSON", "firstName": "Jane", "email": "jane.example.com"}
    expect_error(api.post("/v1/leads", json=body), 422, "validation_error", ["email"])


def test_lead_follows_the_contact_name_rules(api: httpx.Client, expect_error) -> None:
    body = {"type": "COMPANY", "firstName": "Jane", "companyName": "Acme"}
    expect_error(api.post("/v1/leads", json=body), 422, "validation_error", ["firstName"])


def test_emails_list_is_not_a_lead_field(api: httpx.Client, expect_error) -> None:
    body = {"type": "PERSON", "firstName": "Jane", "emails": ["jane@example.com"]}
    expect_error(api.post("/v1/leads", json=body), 422, "validation_error", ["emails"])


def test_lead_stage_must_be_a_lead_stage(api: httpx.Client, expect_error) -> None:
    body = {"type": "PERSON", "firstName": "Jane", "leadStageColumnId": str(uuid.uuid4())}
    expect_error(api.post("/v1/leads", json=body), 422, "validation_error", ["leadStageColumnId"])


def test_practice_area_must_exist(api: httpx.Client, expect_error) -> None:
    body = {"type": "PERSON", "firstName": "Jane", "practiceAreaId": str(uuid.uuid4())}
    expect_error(api.post("/v1/leads", json=body), 422, "validation_error", ["practiceAreaId"])


def test_is_private_must_be_a_boolean(api: httpx.Client, expect_error) -> None:
    body = {"type": "PERSON", "firstName": "Jane", "isPrivate": "yes"}
    expect_error(api.post("/v1/leads", json=body), 422, "validation_error", ["isPrivate"])


def test_chosen_stage_and_privacy(control: httpx.Client, make) -> None:
    qualified = control.get("/_sandbox/lead-stages").json()["data"][2]
    lead = make.lead(leadStageColumnId=qualified["id"], isPrivate=True)
    assert lead["leadStageColumnId"] == qualified["id"]
    assert lead["isPrivate"] is True


def test_update_pipeline_fields(api: httpx.Client, control: httpx.Client, make) -> None:
    lead = make.lead()
    area = make.practice_area()
    contacted = control.get("/_sandbox/lead-stages").json()["data"][1]
    changes = {
        "practiceAreaId": area["id"],
        "leadStageColumnId": contacted["id"],
        "value": "LOWEST",
        "isPrivate": True,
    }
    response = api.patch(f"/v1/leads/{lead['id']}", json=changes)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["practiceArea"] == {"id": area["id"], "name": "Family law"}
    assert data["leadStageColumnId"] == contacted["id"]
    assert (data["value"], data["isPrivate"]) == ("LOWEST", True)
    assert data["contact"] == lead["contact"]


def test_update_refuses_contact_fields(api: httpx.Client, make, expect_error) -> None:
    lead = make.lead()
    response = api.patch(f"/v1/leads/{lead['id']}", json={"firstName": "Janet"})
    error = expect_error(response, 422, "validation_error", ["firstName"])
    assert error["details"][0]["message"] != "unknown field"


def test_delete_lead_keeps_its_contact(api: httpx.Client, make, expect_error) -> None:
    lead = make.lead()
    assert api.delete(f"/v1/leads/{lead['id']}").status_code == 204
    assert api.get("/v1/leads").json()["pagination"]["total"] == 0
    expect_error(api.get(f"/v1/leads/{lead['id']}"), 404, "not_found")
    assert api.get(f"/v1/contacts/{lead['contact']['id']}").status_code == 200
