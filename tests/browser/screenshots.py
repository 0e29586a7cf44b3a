"""Screenshots of the console for docs/screenshots/: ``python -m tests.browser.screenshots``
(or ``make screenshots``).

Starts everything in this process on a scratch folder: SQLite, an embedded Redis, the
Esqase sandbox, the relay on a
free port, a worker run in bursts. Demo data goes in through the admin API as a person
would put it (a connection, hooks, deliveries: some succeed, one is refused), then
chromium (Debian's, or RELAY_CHROMIUM) signs in and photographs the main pages.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet

from tests.browser.review_shots import make_review, shoot_review

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
ADMIN = "demo-admin-token"
PUBLIC_URL = "https://relay.smith-law.example"
PEOPLE = [
    ("Jane", "Doe", "jane@example.com", "HIGH"),
    ("Omar", "Haddad", "omar.haddad@example.net", "MEDIUM"),
    ("Li", "Wei", "li.wei@example.org", "LOW"),
]


def _redis_url(folder: Path) -> str:
    """An embedded Redis of its own: nothing left from an earlier run, nothing left after."""
    from app.redis_conn import start_embedded

    return start_embedded(folder / "redis.rdb")


def _serve(app: Any) -> tuple[str, Any]:
    from werkzeug.serving import make_server

    from sandbox.serve import QuietRequestHandler

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.port}", server


def _demo(app: Any, sandbox_url: str) -> dict[str, Any]:
    """The data the pictures show, made through the admin API."""
    from app.worker import build_worker

    control = httpx.Client(base_url=sandbox_url, timeout=10)
    body = {"scopes": ["*"], "rate_limit": {"requests": 100_000, "per_seconds": 60}}
    key = control.post("/_sandbox/keys", json=body).json()["data"]["key"]
    esqase = httpx.Client(base_url=sandbox_url, headers={"Authorization": f"Bearer {key}"})
    esqase.post("/v1/practice-areas", json={"name": "Family law"}).raise_for_status()

    admin = app.test_client()
    headers = {"Authorization": f"Bearer {ADMIN}"}
    conn = {"name": "Smith & Co production", "api_key": key, "base_url": sandbox_url}
    conn_id = admin.post("/api/v1/connections", json=conn, headers=headers).get_json()["data"]["id"]
    second = {**conn, "name": "Smith & Co staging", "rate_limit_per_minute": 60}
    admin.post("/api/v1/connections", json=second, headers=headers)
    hook = {
        "name": "Zapier: new website lead",
        "action": "leads.create",
        "connection_id": conn_id,
    }
    zap = admin.post("/api/v1/hooks", json=hook, headers=headers).get_json()["data"]
    typeform = {
        "name": "Typeform intake",
        "action": "leads.create",
        "connection_id": conn_id,
        "preset": "typeform",
        "verify_sender": "typeform",
    }
    admin.post("/api/v1/hooks", json=typeform, headers=headers)
    path = "/hooks/" + zap["url"].rsplit("/hooks/", 1)[1]
    for first, last, email, value in PEOPLE:
        lead = {"type": "PERSON", "firstName": first, "lastName": last, "email": email}
        admin.post(path, json={**lead, "practiceAreaName": "Family law", "value": value})
    admin.post(path, json={"type": "PERSONN", "firstName": "Sam", "emial": "sam@example.com"})
    with app.app_context():
        build_worker(app).work(burst=True, logging_level="WARNING")
    review = make_review(app, admin, headers, path, sandbox_url, key)
    return {"connection_id": conn_id, "hook": zap, "key": key, "review": review}


def _shoot(base: str, demo: dict[str, Any]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import DESKTOP, PHONE, chromium_path, sign_in

    OUT.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"]
        )

        def shot(page: Any, name: str, url: str | None = None, full: bool = True) -> None:
            if url:
                page.goto(url)
            target = OUT / f"{name}.png"
            page.screenshot(path=str(target), full_page=full)
            written.append(target)

        desktop = browser.new_context(viewport=DESKTOP, base_url=base).new_page()
        sign_in(desktop, base, ADMIN)
        shot(desktop, "jobs", "/dashboard/jobs")
        shot(desktop, "connections", "/dashboard/connections")
        desktop.goto(f"/dashboard/connections/{demo['connection_id']}")
        desktop.click("button:text('Check')")
        desktop.wait_for_selector(".check-result")
        shot(desktop, "connection", full=False)
        shot(desktop, "hook-new", "/dashboard/hooks/new?action=leads.create")
        form = desktop.locator("form[method=post][action$='/dashboard/hooks/new']")
        form.locator("input[name=name]").fill("Website contact form")
        form.locator("select[name=connection_id]").select_option(index=1)
        form.locator("textarea[name=mapping]").fill(
            '{"type": {"value": "PERSON"}, "firstName": "first_name", "email": "email"}'
        )
        form.locator("button[type=submit]").click()
        desktop.wait_for_url("**/dashboard/hooks/hook_*")
        shot(desktop, "hook-created", full=False)
        phone = browser.new_context(viewport=PHONE, base_url=base).new_page()
        sign_in(phone, base, ADMIN)
        shot(phone, "jobs-phone", "/dashboard/jobs", full=False)
        shoot_review(browser, base, demo["review"], shot, sign_in, DESKTOP, PHONE, ADMIN)
        browser.close()
    return written


def main() -> int:
    from app import create_app
    from app.db import get_db
    from sandbox import create_app as sandbox_app
    from sandbox.serve import start_in_thread
    from tests.browser.conftest import chromium_path

    if chromium_path() is None:
        print("no chromium: apt-get install chromium (or set RELAY_CHROMIUM)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="relay-shots-") as scratch:
        folder = Path(scratch)
        sandbox_url, stop_sandbox = start_in_thread(sandbox_app({"SANDBOX_CONTROL": True}))
        app = create_app(
            {
                "INSTANCE_PATH": str(folder),
                "DATABASE_URL": f"sqlite:///{folder / 'relay.sqlite3'}",
                "REDIS_URL": _redis_url(folder),
                "REDIS_PREFIX": "shots",
                "QUEUE_PREFIX": "shots-",
                "SECRET_KEY": Fernet.generate_key().decode(),
                "ADMIN_TOKEN": ADMIN,
                "PUBLIC_URL": PUBLIC_URL,
                "ALLOW_PRIVATE_CALLBACKS": True,
                "RECONCILE_DELAY": 0,
                "RETRY_SCHEDULE": "0,0,0",  # the lost create is looked up at once
            }
        )
        with app.app_context():
            get_db().upgrade()
        demo = _demo(app, sandbox_url)
        base, server = _serve(app)
        try:
            for path in _shoot(base, demo):
                print(f"wrote {path.relative_to(ROOT)}")
        finally:
            server.shutdown()
            stop_sandbox()
    return 0


if __name__ == "__main__":
    sys.exit(main())
