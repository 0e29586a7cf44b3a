"""Screenshots of the job side of the console for docs/screenshots/ (not part of the suite).

Run: ``.venv/bin/pytest -q tests/browser/screenshots_review.py`` (pytest collects a file
named on the command line even though it is not a ``test_*.py``). It fills a relay with
a few deliveries like a firm's morning (leads that went through, one refused by a
mapping mistake, one that failed, one whose create needs review) and shoots the jobs
list and the needs_review job page at desktop (1280) and phone (390) width.
"""

from __future__ import annotations

from pathlib import Path

import pytest

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LEAD = {"type": "PERSON", "firstName": "Jane", "lastName": "Doe", "email": "jane@example.com"}
OTHERS = [
    {"type": "PERSON", "firstName": "Omar", "lastName": "Haddad", "email": "omar@haddad.example"},
    {"type": "PERSON", "firstName": "Grace", "lastName": "Okafor", "email": "g.okafor@example.org"},
]


@pytest.fixture(autouse=True)
def no_waiting(app):
    app.config["RETRY_SCHEDULE"] = (0, 0, 0)


def _post(relay, hook, body, status=202) -> str:
    response = relay.client.post(hook["path"], json=body)
    assert response.status_code == status, response.get_json()
    answer = response.get_json()
    return str(answer.get("id") or answer["job_id"])


def _morning(relay) -> str:
    leads = relay.hook("leads.create", name="Website intake form")
    for body in OTHERS:
        relay.settle(_post(relay, leads, body))
    mapped = relay.hook(
        "contacts.create",
        name="Typeform: new client",
        mapping={"type": "knd", "firstName": "first", "emails": "mail"},  # a typo
    )
    _post(relay, mapped, {"kind": "PERSON", "first": "Ann", "mail": "ann@lee.example"}, 422)
    relay.esqase.fault("POST", "/v1/contacts", status=422)
    contacts = relay.hook("contacts.create", name="Zapier: Calendly booking")
    relay.settle(_post(relay, contacts, {"type": "PERSON", "firstName": "Li", "lastName": "Wei"}))
    relay.esqase.api().post("/v1/leads", json=LEAD)  # the look-alike made by hand
    relay.esqase.fault("POST", "/v1/leads", kind="process_then_status", status=500)
    job_id = _post(relay, leads, LEAD)
    assert relay.settle(job_id)["status"] == "needs_review"
    return job_id


def _shoot(page, path: str, name: str) -> None:
    page.goto(path)
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / name), full_page=True)


def test_screenshots(browser, served, relay):
    from tests.browser.conftest import DESKTOP, PHONE, sign_in

    job_id = _morning(relay)
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, base_url=served)
        page = context.new_page()
        sign_in(page, served)
        _shoot(page, "/dashboard/jobs", f"jobs-list-{size}.png")
        _shoot(page, f"/dashboard/jobs/{job_id}", f"job-needs-review-{size}.png")
        context.close()
