"""The job side of the console in a real browser: a job in review settled each way, a
rejected delivery replayed after its hook's mapping is fixed, and the jobs list and a
job page at phone width with no sideways scroll."""

from __future__ import annotations

import pytest

from tests import review_cases
from tests.browser.conftest import no_sideways_scroll

SENT = {"kind": "PERSON", "first": "Jane", "mail": "jane@example.com"}
WRONG = {"type": "knd", "firstName": "first", "email": "mail"}
FIXED = {"type": "kind", "firstName": "first", "email": "mail"}
BY = "admin (RELAY_ADMIN_TOKEN) via the dashboard"


@pytest.fixture(autouse=True)
def no_waiting(app):
    """Retries due at once: these tests are about what a person decides, not the clock."""
    app.config["RETRY_SCHEDULE"] = (0, 0, 0)


def _post(relay, hook, body, status=202) -> str:
    response = relay.client.post(hook["path"], json=body)
    assert response.status_code == status, response.get_json()
    answer = response.get_json()
    return str(answer.get("id") or answer["job_id"])


@pytest.fixture
def look_alikes(relay):
    return review_cases.look_alikes(relay)


@pytest.fixture
def unreadable(relay):
    return review_cases.unreadable(relay)


def _badge(page) -> str:
    return page.locator("h1 .badge").inner_text()


def test_link_a_candidate(page, relay, look_alikes):
    page.goto(f"/dashboard/jobs/{look_alikes}")
    assert _badge(page) == "Needs review"
    assert page.locator("[data-attention]").inner_text() == "1"
    chosen = relay.esqase.records("leads")[1]["id"]
    page.click(f'[data-candidate="{chosen}"] button')
    page.wait_for_url(f"**/dashboard/jobs/{look_alikes}")
    assert "the job succeeded with that record" in page.locator(".flash-ok").inner_text()
    assert _badge(page) == "Succeeded"
    resolution = page.locator(".resolution").inner_text()
    assert f"Linked to record {chosen}" in resolution and BY in resolution
    assert page.locator("[data-attention]").inner_text() == "0"
    assert len(relay.esqase.records("leads")) == 2


def test_create_it_after_the_confirmation(page, relay, unreadable):
    job_id, _ = unreadable
    page.goto(f"/dashboard/jobs/{job_id}")
    page.click("text=It does not exist: create it…")
    page.wait_for_url(f"**/dashboard/jobs/{job_id}/create")
    page.click("button:has-text('Create it in Esqase')")  # the box is required: nothing sent
    assert page.url.endswith(f"/dashboard/jobs/{job_id}/create")
    assert relay.job(job_id)["status"] == "needs_review"
    page.check("input[name=confirm_create]")
    page.click("button:has-text('Create it in Esqase')")
    page.wait_for_url(f"**/dashboard/jobs/{job_id}")
    assert "the create is sent to Esqase again" in page.locator(".flash-ok").inner_text()
    assert relay.settle(job_id)["status"] == "succeeded"
    page.reload()
    assert _badge(page) == "Succeeded"
    assert "Confirmed it is not in Esqase" in page.locator(".resolution").inner_text()
    assert len(relay.esqase.records("leads")) == 2


def test_in_review_there_is_no_one_click_retry_or_cancel(page, relay, unreadable):
    """The four decisions stand in for them (a POST to retry lands on the confirmation:
    tests/relay/test_console_review.py)."""
    job_id, _ = unreadable
    page.goto(f"/dashboard/jobs/{job_id}")
    assert page.locator("button:text-is('Retry')").count() == 0
    assert page.locator("button:text-is('Cancel')").count() == 0
    assert page.locator(".choice h3").all_inner_texts() == [
        "It exists: link record",
        "It does not exist: create it",
        "Check Esqase again",
        "Discard",
    ]


def test_discard(page, relay, unreadable):
    job_id, _ = unreadable
    page.goto(f"/dashboard/jobs/{job_id}")
    page.click("button:has-text('Discard')")
    page.wait_for_url(f"**/dashboard/jobs/{job_id}")
    assert _badge(page) == "Canceled"
    resolution = page.locator(".resolution").inner_text()
    assert "Discarded" in resolution and BY in resolution
    assert relay.job(job_id)["resolution"]["kind"] == "discarded"


def test_check_esqase_again(page, relay, unreadable):
    job_id, conn = unreadable
    full = {"api_key": relay.esqase.new_key("*")}  # the key may read now
    relay.client.patch(f"/api/v1/connections/{conn}", json=full, headers=relay.headers)
    page.goto(f"/dashboard/jobs/{job_id}")
    page.click("button:has-text('Check Esqase again')")
    page.wait_for_url(f"**/dashboard/jobs/{job_id}")
    assert "Esqase will be read again" in page.locator(".flash-ok").inner_text()
    assert relay.settle(job_id)["status"] == "succeeded"
    page.reload()
    assert _badge(page) == "Succeeded"
    resolution = page.locator(".resolution").inner_text()
    assert "Found in Esqase by the relay" in resolution and BY in resolution
    assert len(relay.esqase.records("leads")) == 1


def test_replay_a_rejected_delivery_after_fixing_the_mapping(page, relay):
    hook = relay.hook("leads.create", mapping=WRONG)
    old_id = _post(relay, hook, SENT, status=422)
    fixed = relay.client.patch(
        f"/api/v1/hooks/{hook['id']}", json={"mapping": FIXED}, headers=relay.headers
    )
    assert fixed.status_code == 200
    page.goto(f"/dashboard/jobs/{old_id}")
    assert _badge(page) == "Rejected"
    page.click("button:has-text('Replay with the hook')")
    page.wait_for_url("**/dashboard/jobs/job_*")
    new_id = page.url.rsplit("/", 1)[1]
    assert new_id != old_id
    assert relay.settle(new_id)["status"] == "succeeded"
    page.reload()
    assert _badge(page) == "Succeeded"
    assert "Jane" in page.locator(".card.result").inner_text()
    page.click("[data-replay-of]")
    page.wait_for_url(f"**/dashboard/jobs/{old_id}")
    assert page.locator("[data-replayed-as]").inner_text() == new_id
    assert len(relay.esqase.records("leads")) == 1


def test_phone_width_jobs_list_and_job_page(phone, relay, look_alikes):
    hook = relay.hook("leads.create", mapping=WRONG)
    _post(relay, hook, {**SENT, "first": "A" * 80, "mail": "very.long." * 8 + "@example.com"}, 422)
    contact = {
        "type": "PERSON",
        "firstName": "Ann",
        "emails": ["ann.lee.at.a.long.firm@example.com"],
    }
    done = _post(relay, relay.hook("contacts.create"), contact)
    relay.settle(done)
    for path in (
        "/dashboard/jobs",
        f"/dashboard/jobs/{look_alikes}",
        f"/dashboard/jobs/{done}",
        "/dashboard/attention",
    ):
        phone.goto(path)
        scroll, inner = no_sideways_scroll(phone)
        assert inner == 390
        assert scroll <= inner, f"{path} scrolls sideways: {scroll} > {inner}"
    phone.goto("/dashboard/jobs")
    row = phone.locator("table.jobs tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"  # rows as cards
