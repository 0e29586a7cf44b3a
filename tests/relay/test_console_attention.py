"""The "needs attention" count in every page's header, the page that spells it out, and
pages that keep working when the count cannot be taken; no secret on any console page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text, update

from app.db import get_db, session
from app.models import Connection, ConnectionStatus
from app.services import attention
from tests.relay.test_dashboard import csrf_from, html, post_job, signed_in

LEAD = {"type": "PERSON", "firstName": "Jane", "lastName": "Doe", "email": "jane@example.com"}
COUNT = re.compile(r"Needs attention: <strong data-attention>(\d+)</strong>")


@pytest.fixture(autouse=True)
def no_waiting(app):
    app.config["RETRY_SCHEDULE"] = (0, 0, 0)


def _header_count(response) -> int | None:
    match = COUNT.search(html(response))
    return int(match.group(1)) if match else None


def _all_four(relay) -> dict[str, str]:
    """One of each condition: a job in review, a failure, a refused key, a hook refusing."""
    relay.app.config["ALERT_REJECTIONS"] = 2
    unreadable = relay.connection(key=relay.esqase.new_key("leads:write"))
    relay.esqase.fault("POST", "/v1/leads", kind="process_then_status", status=502)
    review = post_job(relay, relay.hook("leads.create", unreadable), LEAD)
    assert relay.settle(review)["status"] == "needs_review"
    relay.esqase.fault("POST", "/v1/contacts", status=422)
    failed = post_job(relay, relay.hook("contacts.create"), {"type": "PERSON", "firstName": "A"})
    assert relay.settle(failed)["status"] == "failed"
    refusing = relay.hook("leads.create", name="Website form")
    for _ in range(2):
        post_job(relay, refusing, {"type": "nobody"}, status=422)
    with session() as s:
        s.execute(
            update(Connection)
            .where(Connection.id == unreadable)
            .values(status=ConnectionStatus.AUTH_FAILED, last_error="401: key revoked")
        )
    return {"review": review, "failed": failed, "hook": refusing["id"]}


def test_the_header_count_is_the_four_conditions_in_one_statement(relay):
    made = _all_four(relay)
    with session() as s:
        summary = attention.summary(s)
        assert (summary.needs_review, summary.failed_last_day) == (1, 1)
        assert summary.connections_auth_failed == 1
        assert [h.hook_id for h in summary.hooks_rising_rejections] == [made["hook"]]
        assert attention.count(s) == summary.total == 4

    client = signed_in(relay)
    for path in ("/dashboard/", f"/dashboard/jobs/{made['review']}", "/dashboard/hooks"):
        assert _header_count(client.get(path)) == 4, path


def test_the_attention_page_lists_each_condition_with_where_to_go(relay):
    made = _all_four(relay)
    page = html(signed_in(relay).get("/dashboard/attention"))
    assert '<a href="/dashboard/?status=needs_review"><strong>1</strong>' in page.replace("\n", "")
    assert "job failed in the last day" in page
    assert "Esqase refuses its key (401: key revoked)" in page
    assert f"/dashboard/?hook_id={made['hook']}&amp;status=rejected" in page
    assert "Website form" in page and "2 of its 2 deliveries" in page


def test_nothing_to_do_says_so_with_a_zero(relay):
    client = signed_in(relay)
    assert _header_count(client.get("/dashboard/")) == 0
    assert "Nothing needs you right now" in html(client.get("/dashboard/attention"))


def test_a_database_hiccup_drops_the_count_not_the_page(relay):
    """The connections table gone for a moment (a real failing query, not a stand-in):
    the jobs list still renders, without a count; the attention page says why."""
    post_job(relay, relay.hook("leads.create"), LEAD)
    client = signed_in(relay)
    engine = get_db().engine
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE connections RENAME TO connections_away"))
    try:
        page = client.get("/dashboard/jobs")
        assert page.status_code == 200
        assert _header_count(page) is None and "Jane Doe" in html(page)
        broken = client.get("/dashboard/attention")
        assert broken.status_code == 503
        assert "could not be read just now" in html(broken)
    finally:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE connections_away RENAME TO connections"))
    after = client.get("/dashboard/jobs")
    assert _header_count(after) == 0


def test_the_sign_in_page_has_no_count(client):
    assert "Needs attention" not in html(client.get("/dashboard/login"))


def test_no_secret_appears_on_any_console_page(relay, inbox):
    """The Esqase key, the hook's callback and sender secrets, the admin token: never shown."""
    hook = relay.hook("leads.create", callback_url=inbox.url, verify_sender=True)
    unreadable = relay.connection(key=relay.esqase.new_key("leads:write"))
    secrets = [relay.esqase.key, hook["callback_secret"], relay.app.config["ADMIN_TOKEN"]]
    secrets += [hook["sender_secret"]] if hook.get("sender_secret") else []
    done = post_job(relay, hook, LEAD, status=401) if hook.get("sender_secret") else None
    relay.esqase.fault("POST", "/v1/leads", kind="process_then_status", status=502)
    plain = relay.hook("leads.create", unreadable, callback_url=inbox.url)
    secrets.append(plain["callback_secret"])
    review = post_job(relay, plain, LEAD)
    relay.settle(review)
    rejected = post_job(relay, plain, {"type": "nobody"}, status=422)
    client = signed_in(relay)
    pages = [
        "/dashboard/",
        "/dashboard/attention",
        f"/dashboard/jobs/{review}",
        f"/dashboard/jobs/{review}/create",
        f"/dashboard/jobs/{rejected}",
        "/dashboard/jobs/replay?status=rejected",
        "/dashboard/hooks",
    ] + ([f"/dashboard/jobs/{done}"] if done else [])
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        for secret in secrets:
            assert secret not in html(response), path
    token = csrf_from(client.get("/dashboard/"))
    client.post(f"/dashboard/jobs/{review}/discard", data={"csrf_token": token})
    after = html(client.get(f"/dashboard/jobs/{review}"))
    assert all(secret not in after for secret in secrets)


def test_the_header_count_costs_one_statement(relay):
    """Every page pays for it, so it is one SELECT however many conditions hold."""
    from sqlalchemy import event

    _all_four(relay)
    engine = get_db().engine
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with session() as s:
            assert attention.count(s) == 4
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
