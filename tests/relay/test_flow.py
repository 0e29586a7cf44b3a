"""The product path: a hook URL takes a trigger and a record appears in Esqase."""

from __future__ import annotations

import json


def test_zapier_form_post_creates_a_lead(relay):
    hook = relay.hook("leads.create")
    response = relay.client.post(
        hook["path"],
        data={
            "type": "PERSON",
            "firstName": "Jane",
            "lastName": "Doe",
            "email": "jane@example.com",
            "value": "HIGH",
            "isPrivate": "no",
        },
    )
    assert response.status_code == 202, response.get_json()
    job = response.get_json()
    assert job["status"] == "queued"
    assert job["status_url"].endswith(f"/jobs/{job['id']}")

    done = relay.settle(job["id"])
    assert done["status"] == "succeeded", done
    leads = relay.esqase.records("leads")
    assert len(leads) == 1
    assert leads[0]["value"] == "HIGH"
    assert leads[0]["isPrivate"] is False
    assert done["result"]["publicId"] == leads[0]["publicId"]


def test_make_json_post_creates_a_lead(relay):
    hook = relay.hook("leads.create")
    body = {
        "type": "COMPANY",
        "companyName": "Acme Holdings",
        "email": "legal@acme.test",
        "phone": "+1-555-0100",
        "value": "LOWEST",
    }
    response = relay.client.post(
        hook["path"], data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 202, response.get_json()
    done = relay.settle(response.get_json()["id"])
    assert done["status"] == "succeeded", done
    contacts = relay.esqase.records("contacts")
    assert [c["companyName"] for c in contacts] == ["Acme Holdings"]
    assert contacts[0]["emails"] == ["legal@acme.test"]


def test_multipart_nested_fields_create_a_matter_for_a_new_client(relay):
    area = relay.esqase.api().post("/v1/practice-areas", json={"name": "Family law"}).json()
    hook = relay.hook("matters.create-for-client")
    response = relay.client.post(
        hook["path"],
        data={
            "client__type": "PERSON",
            "client__firstName": "Ann",
            "client__lastName": "Lee",
            "client__emails": "ann@example.com",
            "practiceAreaName": "family LAW",
            "openDate": "2026-07-01",
            "title": "Lee custody",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_json()
    done = relay.settle(response.get_json()["id"])
    assert done["status"] == "succeeded", done
    matter = done["result"]["matter"]
    assert matter["practiceArea"]["id"] == area["data"]["id"]
    assert matter["clients"][0]["name"] == "Ann Lee"


def test_matter_after_practice_area(relay):
    conn = relay.connection()
    areas = relay.hook("practice-areas.create", conn)
    matters = relay.hook("matters.create", conn)

    made = relay.client.post(areas["path"], json={"name": "Real estate"}).get_json()
    area = relay.settle(made["id"])["result"]
    assert [s["name"] for s in area["stages"]] == ["To do", "In progress", "Done"]

    made = relay.client.post(
        matters["path"], json={"practiceAreaId": area["id"], "openDate": "2026-07-01"}
    ).get_json()
    matter = relay.settle(made["id"])["result"]
    assert matter["publicId"] == "M-0001"
    assert matter["title"] == "Untitled matter"
    assert matter["stage"]["id"] == area["stages"][0]["id"]


def test_wait_returns_the_finished_job_inline(relay):
    hook = relay.hook("practice-areas.create")
    response = relay.post_waiting(hook["path"] + "?wait=10", json={"name": "Tax"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["result"]["name"] == "Tax"


def test_wait_on_a_failed_job_answers_422_with_the_error(relay):
    hook = relay.hook("contacts.get")
    response = relay.post_waiting(hook["path"] + "?wait=10", json={"id": "no-such-contact"})
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["status"] == "failed"
    assert body["error"]["status"] == 404


def test_wait_that_runs_out_answers_202(relay):
    hook = relay.hook("practice-areas.create")
    response = relay.client.post(hook["path"] + "?wait=0.5", json={"name": "Tax"})
    assert response.status_code == 202
    assert response.get_json()["status"] == "queued"


def test_public_job_view_is_reachable_from_the_hook_url_only(relay):
    hook = relay.hook("practice-areas.create")
    other = relay.hook("practice-areas.create")
    job = relay.client.post(hook["path"], json={"name": "Tax"}).get_json()
    assert relay.client.get(f"{hook['path']}/jobs/{job['id']}").status_code == 200
    assert relay.client.get(f"{other['path']}/jobs/{job['id']}").status_code == 404
    assert "input" not in relay.client.get(f"{hook['path']}/jobs/{job['id']}").get_json()


def test_wait_outlasts_redis_default_socket_timeout(relay):
    """redis-py times reads out after 5 s by default; a 6 s job must still come back inline."""
    relay.app.config["ESQASE_TIMEOUT"] = 10.0
    relay.app.extensions.pop("relay.http.esqase", None)
    hook = relay.hook("practice-areas.create")
    relay.esqase.fault("POST", "/v1/practice-areas", kind="latency", seconds=6)
    response = relay.post_waiting(hook["path"] + "?wait=12", json={"name": "Slow"})
    assert response.status_code == 200, response.get_json()


def test_a_typeform_webhook_with_a_mapping_creates_a_lead(relay):
    hook = relay.hook(
        "leads.create",
        preset="typeform",
        mapping={
            "type": "kind",
            "firstName": "first_name",
            "lastName": "last_name",
            "email": "email",
            "value": "budget",
        },
        idempotency_field="token",
    )
    body = {
        "event_id": "01HX",
        "form_response": {
            "token": "resp-77",
            "hidden": {"kind": "PERSON"},
            "answers": [
                {
                    "type": "text",
                    "text": "Jane",
                    "field": {"ref": "first_name", "type": "short_text"},
                },
                {
                    "type": "text",
                    "text": "Doe",
                    "field": {"ref": "last_name", "type": "short_text"},
                },
                {"type": "email", "email": "jane@example.com", "field": {"ref": "email"}},
                {"type": "choice", "choice": {"label": "high"}, "field": {"ref": "budget"}},
            ],
        },
    }
    response = relay.client.post(hook["path"], json=body)
    assert response.status_code == 202, response.get_json()
    job = relay.settle(response.get_json()["id"])
    assert job["status"] == "succeeded", job
    assert job["input"] == {
        "type": "PERSON",
        "firstName": "Jane",
        "lastName": "Doe",
        "email": "jane@example.com",
        "value": "HIGH",
    }


def test_colliding_mapping_targets_are_refused_when_saving_the_hook(relay):
    conn = relay.connection()
    response = relay.client.post(
        "/api/v1/hooks",
        headers=relay.headers,
        json={
            "name": "x",
            "action": "matters.create-for-client",
            "connection_id": conn,
            "mapping": {"client": "a", "client.firstName": "b"},
        },
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["path"] == "/mapping/client"


def test_a_jotform_submission_without_a_mapping_creates_a_lead_once(relay):
    """Jotform posts multipart with the answers in a JSON string; its submissionID is the
    delivery id (Jotform retries), not an action field."""
    hook = relay.hook("leads.create", preset="jotform", idempotency_field="submissionID")
    answers = {
        "q1_type": "PERSON",
        "q2_firstName": "Jane",
        "q3_lastName": "Doe",
        "q4_email": "jane@example.com",
    }
    form = {"rawRequest": json.dumps(answers), "submissionID": "5601", "formID": "2301"}
    first = relay.client.post(hook["path"], data=form, content_type="multipart/form-data")
    again = relay.client.post(hook["path"], data=form, content_type="multipart/form-data")
    assert first.status_code == 202, first.get_json()
    assert again.get_json()["id"] == first.get_json()["id"]
    job = relay.settle(first.get_json()["id"])
    assert job["status"] == "succeeded", job
    assert job["input"] == {
        "type": "PERSON",
        "firstName": "Jane",
        "lastName": "Doe",
        "email": "jane@example.com",
    }
