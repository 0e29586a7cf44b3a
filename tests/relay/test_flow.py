"""The product path: a hook URL takes a trigger and a record appears in Esqase."""

from __future__ import annotations


def test_zapier_form_post_creates_a_lead(relay):
    hook = relay.hook("leads.create")
    response = relay.client.post(
        hook["path"],
        data={"type": "PERSON", "firstName": "Jane", "lastName": "Doe",
              "email": "jane@example.com", "value": "HIGH", "isPrivate": "no"},
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
