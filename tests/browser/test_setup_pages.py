"""Setting up in the browser: a connection, a hook, a delivery to it, the job succeeding."""

from __future__ import annotations

import httpx

from tests.browser.conftest import no_sideways_scroll

# The elements that reach past the right edge: what to fix when a page scrolls sideways.
WIDEST = """() => { const w = window.innerWidth; const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.right > w + 1) out.push(`${e.tagName}.${e.className} ${Math.round(r.right)}px`);
  }
  return out.slice(0, 10); }"""
LEAD = {"type": "PERSON", "firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"}


def add_connection(page, relay, name="Smith & Co", key=None):
    key = key or relay.esqase.key
    page.goto("/dashboard/connections")
    form = page.locator("form[action$='/dashboard/connections']")
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=api_key]").fill(key)
    form.locator("input[name=base_url]").fill(relay.esqase.url)
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/dashboard/connections/con_*")
    return key


def create_hook(page, action="leads.create", name="Website intake", **fields):
    page.goto(f"/dashboard/hooks/new?action={action}")
    form = page.locator("form[method=post][action$='/dashboard/hooks/new']")
    form.locator("input[name=name]").fill(name)
    form.locator("select[name=action]").select_option(action)
    form.locator("select[name=connection_id]").select_option(index=1)
    for field, value in fields.items():
        target = form.locator(f"[name='{field}']")
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/dashboard/hooks/hook_*")
    return page.locator("#hook-url").inner_text()


def test_a_connection_added_shows_its_key_only_as_the_last_four(page, relay):
    key = add_connection(page, relay)
    body = page.content()
    assert key not in body
    assert f"…{key[-4:]}" in page.locator("dl.facts").inner_text()
    page.goto("/dashboard/connections")
    assert key not in page.content()
    assert f"…{key[-4:]}" in page.locator("table").inner_text()


def test_a_hook_made_in_the_browser_takes_a_delivery_that_succeeds(page, relay, served):
    add_connection(page, relay)
    url = create_hook(page)
    secret = page.locator("#callback-secret").inner_text()
    assert secret.startswith("whsec_")
    page.reload()
    assert secret not in page.content(), "a secret is shown once only"

    path = "/hooks/" + url.rsplit("/hooks/", 1)[1]
    response = httpx.post(f"{served}{path}", json=LEAD, timeout=5)
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    relay.work()

    page.goto(f"/dashboard/jobs/{job_id}")
    assert "Succeeded" in page.locator("h1").inner_text()
    assert len(relay.esqase.records("leads")) == 1


def test_pages_at_phone_width_never_scroll_sideways(phone, relay):
    hook = relay.hook("leads.create", callback_url="https://hooks.zapier.com/hooks/catch/1/abc/")
    relay.client.post(hook["path"], json=LEAD)
    pages = [
        "/dashboard/jobs",
        "/dashboard/connections",
        "/dashboard/hooks",
        "/dashboard/hooks/new?action=leads.create",
        f"/dashboard/hooks/{hook['id']}",
        f"/dashboard/connections/{hook['connection_id']}",
    ]
    for path in pages:
        phone.goto(path)
        scroll, inner = no_sideways_scroll(phone)
        wide = [] if scroll <= inner else phone.evaluate(WIDEST)
        assert scroll <= inner, f"{path} scrolls sideways at 390px ({scroll} > {inner}): {wide}"


def test_the_test_delivery_button_links_to_a_job_that_succeeds(page, relay):
    hook = relay.hook("contacts.create")
    page.goto(f"/dashboard/hooks/{hook['id']}")
    page.click("button:text('Send a test delivery')")
    link = page.locator("#test-job")
    job_id = link.inner_text().removeprefix("job ").strip()
    relay.work()
    link.click()
    page.wait_for_url(f"**/dashboard/jobs/{job_id}")
    assert "Succeeded" in page.locator("h1").inner_text()
    assert [r["firstName"] for r in relay.esqase.records("contacts")] == ["Jane"]


def test_a_refused_hook_form_shows_the_sentence_beside_the_field(page, relay):
    relay.connection()
    page.goto("/dashboard/hooks/new?action=leads.create")
    form = page.locator("form[method=post][action$='/dashboard/hooks/new']")
    form.locator("input[name=name]").fill("Bad mapping")
    form.locator("select[name=connection_id]").select_option(index=1)
    form.locator("textarea[name=mapping]").fill('{"firstName": ')
    form.locator("button[type=submit]").click()
    problem = page.locator("label.has-error .field-error")
    assert "The mapping is not valid JSON" in problem.inner_text()
    assert page.locator("input[name=name]").first.input_value() == "Bad mapping"
