"""The dashboard as the firm's admin uses it: sign in, read the job history, retry, cancel."""

from __future__ import annotations

import re

from sqlalchemy import update

from app.db import get_db
from app.models import AdminToken, utcnow
from app.services import tokens

LEAD = {"type": "PERSON", "firstName": "Jane", "email": "jane@example.com"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(response):
    match = CSRF.search(response.get_data(as_text=True))
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def sign_in(client, token, **extra):
    token_field = csrf_from(client.get("/dashboard/login"))
    return client.post(
        "/dashboard/login", data={"csrf_token": token_field, "token": token, **extra}
    )


def signed_in(relay):
    response = sign_in(relay.client, relay.app.config["ADMIN_TOKEN"])
    assert response.status_code == 302, response.get_data(as_text=True)
    return relay.client


def post_job(relay, hook, body, status=202):
    response = relay.client.post(hook["path"], json=body)
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    return body.get("id") or body["job_id"]  # a rejected delivery answers with job_id


def html(response):
    return response.get_data(as_text=True)


def test_pages_redirect_to_sign_in_when_signed_out(client):
    for path in ("/dashboard/", "/dashboard/jobs", "/dashboard/hooks", "/dashboard/jobs/job_x"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/dashboard/login?next=")


def test_a_wrong_token_is_refused(client):
    response = sign_in(client, "not-the-admin-token")
    assert response.status_code == 401
    assert "not valid" in html(response)
    assert client.get("/dashboard/").status_code == 302


def test_sign_in_keeps_a_flag_not_the_token_in_a_strict_cookie(app, client):
    response = sign_in(client, app.config["ADMIN_TOKEN"])
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # PUBLIC_URL is http:// in tests
    value = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    data = app.session_interface.get_signing_serializer(app).loads(value)
    assert app.config["ADMIN_TOKEN"] not in str(data)
    assert client.get("/dashboard/").status_code == 200


def test_https_public_url_makes_the_cookie_secure(make_app):
    assert make_app(PUBLIC_URL="https://relay.example-firm.com").config["SESSION_COOKIE_SECURE"]


def test_jobs_page_lists_a_job_created_through_a_hook(relay):
    hook = relay.hook("leads.create")
    job_id = post_job(relay, hook, LEAD)
    relay.settle(job_id)
    page = html(signed_in(relay).get("/dashboard/"))
    assert f'href="/dashboard/jobs/{job_id}"' in page
    assert "leads.create hook" in page
    assert "Succeeded" in page


def test_status_filter_shows_only_that_status(relay):
    hook = relay.hook("leads.create")
    queued = post_job(relay, hook, LEAD)
    rejected = post_job(relay, hook, {"type": "ROBOT"}, status=422)
    client = signed_in(relay)
    page = html(client.get("/dashboard/jobs?status=rejected"))
    assert rejected in page
    assert queued not in page
    counts = html(client.get("/dashboard/"))
    assert re.search(r'status=rejected">\s*<strong>1</strong>', counts)


def test_an_unknown_status_filter_is_explained_not_a_500(relay):
    response = signed_in(relay).get("/dashboard/jobs?status=lost")
    assert response.status_code == 400
    assert "unknown status" in html(response)


def test_a_plain_retry_of_a_create_in_review_asks_to_check_esqase_first(relay):
    conn = relay.connection(key=relay.esqase.new_key("leads:write"))  # cannot read contacts
    hook = relay.hook("leads.create", conn)
    relay.esqase.fault("POST", "/v1/leads", kind="process_then_status", status=502)
    job_id = post_job(relay, hook, LEAD)
    assert relay.settle(job_id)["status"] == "needs_review"
    client = signed_in(relay)
    page = client.get(f"/dashboard/jobs/{job_id}")

    response = client.post(f"/dashboard/jobs/{job_id}/retry", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert "may already have created its record" in html(client.get(f"/dashboard/jobs/{job_id}"))
    assert relay.job(job_id)["status"] == "needs_review"
    assert len(relay.esqase.records("leads")) == 1  # the one the first attempt made


def test_a_failed_job_can_be_retried_from_its_page(relay):
    hook = relay.hook("leads.update")
    relay.esqase.fault("PATCH", "/v1/leads", status=502)
    lead = relay.esqase.api().post("/v1/leads", json=LEAD).json()["data"]
    relay.app.config["RETRY_SCHEDULE"] = ()
    job_id = post_job(relay, hook, {"id": lead["id"], "value": "HIGH"})
    assert relay.settle(job_id)["status"] == "failed"
    client = signed_in(relay)
    page = client.get(f"/dashboard/jobs/{job_id}")
    assert "Failed" in html(page) and "Retry" in html(page)

    response = client.post(f"/dashboard/jobs/{job_id}/retry", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/dashboard/jobs/{job_id}"
    assert "queued again" in html(client.get(f"/dashboard/jobs/{job_id}"))
    assert relay.settle(job_id)["status"] == "succeeded"
    assert relay.esqase.records("leads")[0]["value"] == "HIGH"
    done = html(client.get(f"/dashboard/jobs/{job_id}"))
    assert "Attempt 2" in done and "502" in done


def test_a_post_without_the_csrf_token_is_refused(relay):
    job_id = post_job(relay, relay.hook("leads.create"), LEAD)
    client = signed_in(relay)
    response = client.post(f"/dashboard/jobs/{job_id}/cancel")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert relay.job(job_id)["status"] == "queued"


def test_a_queued_job_can_be_canceled(relay):
    job_id = post_job(relay, relay.hook("leads.create"), LEAD)
    client = signed_in(relay)
    page = client.get(f"/dashboard/jobs/{job_id}")
    client.post(f"/dashboard/jobs/{job_id}/cancel", data={"csrf_token": csrf_from(page)})
    assert relay.job(job_id)["status"] == "canceled"
    assert "Canceled" in html(client.get(f"/dashboard/jobs/{job_id}"))


def test_a_refused_retry_is_a_flash_message_not_a_500(relay):
    job_id = post_job(relay, relay.hook("leads.create"), LEAD)
    client = signed_in(relay)
    page = client.get(f"/dashboard/jobs/{job_id}")
    response = client.post(f"/dashboard/jobs/{job_id}/retry", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert "cannot be retried" in html(client.get(f"/dashboard/jobs/{job_id}"))
    assert relay.job(job_id)["status"] == "queued"


def test_script_in_the_input_renders_as_text(relay):
    job_id = post_job(
        relay, relay.hook("leads.create"), {**LEAD, "firstName": "<script>alert(1)</script>"}
    )
    page = html(signed_in(relay).get(f"/dashboard/jobs/{job_id}"))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_what_a_rejected_job_received_renders_as_text(relay):
    job_id = post_job(
        relay, relay.hook("leads.create"), {"type": "<script>alert(1)</script>"}, status=422
    )
    page = html(signed_in(relay).get(f"/dashboard/jobs/{job_id}"))
    assert "What was received" in page
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_the_connection_api_key_never_appears(relay, inbox):
    hook = relay.hook("leads.create", callback_url=inbox.url)
    job_id = post_job(relay, hook, LEAD)
    relay.settle(job_id)
    client = signed_in(relay)
    pages = ["/dashboard/login", "/dashboard/", "/dashboard/hooks", f"/dashboard/jobs/{job_id}"]
    for path in pages:
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        assert relay.esqase.key not in html(response), path


def test_hooks_page_shows_the_url_and_links_to_its_jobs(relay):
    hook = relay.hook("leads.create")
    page = html(signed_in(relay).get("/dashboard/hooks"))
    assert hook["url"] in page
    assert f'href="/dashboard/?hook_id={hook["id"]}"' in page
    assert hook["callback_secret"] not in page


def test_an_unknown_job_is_a_404_page(relay):
    response = signed_in(relay).get("/dashboard/jobs/job_nope")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_pages_forbid_framing_and_scripts(client):
    response = client.get("/dashboard/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Content-Security-Policy"].startswith(
        "default-src 'self'; style-src 'self' 'unsafe-inline'"
    )


def test_sign_out_ends_the_session(relay):
    client = signed_in(relay)
    page = client.get("/dashboard/")
    client.post("/dashboard/logout", data={"csrf_token": csrf_from(page)})
    assert client.get("/dashboard/").status_code == 302


def test_a_revoked_token_signs_its_dashboard_out(relay):
    with get_db().session() as s:
        row, token = tokens.create(s, "paralegal")
    assert sign_in(relay.client, token).status_code == 302
    assert relay.client.get("/dashboard/").status_code == 200
    with get_db().session() as s:
        s.execute(update(AdminToken).where(AdminToken.id == row.id).values(revoked_at=utcnow()))
    assert relay.client.get("/dashboard/").status_code == 302


def test_sign_in_never_redirects_off_the_dashboard(app, client):
    response = sign_in(client, app.config["ADMIN_TOKEN"], next="https://evil.example/")
    assert response.headers["Location"] == "/dashboard/"


def test_repeated_wrong_tokens_are_slowed_down(client):
    statuses = [sign_in(client, "guess").status_code for _ in range(21)]
    assert 429 in statuses  # 10 a window; 21 tries span at most two windows


def test_next_cannot_climb_out_of_the_dashboard(client):
    from app.dashboard.auth import _safe_next

    with client.application.test_request_context():
        fallback = _safe_next(None)
        assert _safe_next("/dashboard/../../evil") == fallback
        assert _safe_next("/dashboard/jobs?status=failed") == "/dashboard/jobs?status=failed"


def test_dashboard_404s_carry_the_security_headers(client):
    response = client.get("/dashboard/no-such-page")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_right_sign_ins_do_not_count_toward_the_throttle(app):
    """Behind one load balancer every admin shares an address: only guesses may lock it."""
    for _ in range(12):
        client = app.test_client()
        assert sign_in(client, app.config["ADMIN_TOKEN"]).status_code == 302
