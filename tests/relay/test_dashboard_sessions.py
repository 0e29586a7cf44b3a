"""Signing out ends the sign-in on the server: a copy of the cookie stops working too."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from app.db import get_db
from app.models_dashboard import DashboardSession
from tests.relay.test_dashboard import csrf_from, sign_in


def _cookie(app, client):
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def test_the_cookie_holds_a_session_id_whose_record_keeps_only_its_hash(app, client):
    assert sign_in(client, app.config["ADMIN_TOKEN"]).status_code == 302
    data = app.session_interface.get_signing_serializer(app).loads(_cookie(app, client))
    sid = data["dashboard_auth"]["sid"]
    with get_db().session() as s:
        rows = s.scalars(select(DashboardSession)).all()
    assert [r.id_hash for r in rows] == [hashlib.sha256(sid.encode()).hexdigest()]
    assert rows[0].credential.startswith("bootstrap:")
    assert app.config["ADMIN_TOKEN"] not in rows[0].credential


def test_a_copied_cookie_stops_working_after_sign_out(app, client):
    assert sign_in(client, app.config["ADMIN_TOKEN"]).status_code == 302
    copy = app.test_client()
    copy.set_cookie(app.config["SESSION_COOKIE_NAME"], _cookie(app, client))
    assert copy.get("/dashboard/jobs").status_code == 200

    page = client.get("/dashboard/jobs")
    assert client.post("/dashboard/logout", data={"csrf_token": csrf_from(page)}).status_code == 302

    assert client.get("/dashboard/jobs").status_code == 302
    assert copy.get("/dashboard/jobs").status_code == 302
    with get_db().session() as s:
        assert s.scalars(select(DashboardSession)).all() == []


def test_signing_out_one_browser_leaves_another_signed_in(app, client):
    other = app.test_client()
    assert sign_in(client, app.config["ADMIN_TOKEN"]).status_code == 302
    assert sign_in(other, app.config["ADMIN_TOKEN"]).status_code == 302
    page = client.get("/dashboard/jobs")
    client.post("/dashboard/logout", data={"csrf_token": csrf_from(page)})
    assert other.get("/dashboard/jobs").status_code == 200


def test_an_old_style_cookie_without_a_session_id_is_signed_out(app, client):
    with client.session_transaction() as state:
        state["dashboard_auth"] = {"credential": "bootstrap:x", "at": 2_000_000_000}
    assert client.get("/dashboard/jobs").status_code == 302
