"""The harness itself: the served app answers over HTTP and the pages come signed in."""

from __future__ import annotations

import httpx

from tests.browser.conftest import no_sideways_scroll


def test_served_is_the_tests_own_app_over_http(served, relay):
    hook = relay.hook("contacts.create")
    response = httpx.post(
        f"{served}{hook['path']}",
        json={"type": "PERSON", "firstName": "Ada", "lastName": "Lovelace"},
        timeout=5,
    )
    assert response.status_code == 202, response.text
    assert relay.settle(response.json()["id"])["status"] == "succeeded"


def test_page_is_signed_in_on_the_jobs_page(page):
    page.goto("/dashboard/jobs")
    assert page.url.endswith("/dashboard/jobs")
    assert page.locator("h1").inner_text() == "Jobs"


def test_phone_is_signed_in_at_phone_width(phone):
    phone.goto("/dashboard/jobs")
    _, inner = no_sideways_scroll(phone)
    assert inner == 390
