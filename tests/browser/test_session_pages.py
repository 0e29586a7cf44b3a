"""Signing in and out in a real browser: sign-out ends the session for every copy of it."""

from __future__ import annotations

from tests.browser.conftest import DESKTOP, sign_in


def test_a_wrong_token_stays_on_the_sign_in_page(browser, served):
    context = browser.new_context(viewport=DESKTOP, base_url=served)
    page = context.new_page()
    page.goto("/dashboard/jobs")
    assert "/dashboard/login" in page.url
    page.fill("input[name=token]", "not-the-token")
    page.click("button[type=submit]")
    assert "not valid" in page.locator("[role=alert]").inner_text()
    context.close()


def test_sign_out_kills_a_copied_cookie(page, browser, served):
    cookies = page.context.cookies()
    assert cookies, "signing in set no cookie"
    thief = browser.new_context(viewport=DESKTOP, base_url=served)
    thief.add_cookies(cookies)
    other = thief.new_page()
    other.goto("/dashboard/jobs")
    assert other.url.endswith("/dashboard/jobs"), "the copied cookie should work before sign-out"

    page.goto("/dashboard/jobs")
    page.click("text=Sign out")
    page.wait_for_url("**/dashboard/login")

    other.goto("/dashboard/jobs")
    assert "/dashboard/login" in other.url, "the copied cookie still works after sign-out"
    thief.close()


def test_signing_in_again_after_sign_out_works(page, served):
    page.click("text=Sign out")
    page.wait_for_url("**/dashboard/login")
    sign_in(page, served)
    assert page.url.endswith("/dashboard/")
