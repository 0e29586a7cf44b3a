"""Browser tests: Playwright (sync API) driving Debian's chromium against the per-test app.

Fixtures (other test modules code against these names):

- ``served``: the base URL (``http://127.0.0.1:<port>``) of the ``relay`` fixture's app,
  served by werkzeug on a thread (threaded), so a test can still call ``relay.work()``,
  ``relay.settle(id)`` and ``relay.esqase`` while the browser looks at the pages.
- ``page``: a Playwright Page, desktop size (1280x900), already signed in to /dashboard.
- ``phone``: the same at 390x844.
- ``browser``: one chromium for the session; every page gets a fresh context (cookies).

The browser is Debian's ``chromium`` (``RELAY_CHROMIUM`` names another); Playwright's
own download is never used. Without a chromium (or the playwright package) the tests
skip with the reason, repeated in the terminal summary, unless ``RELAY_REQUIRE_BROWSER=1``
(``.ci/run`` sets it): then they fail, so CI can never pass by skipping them.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ADMIN

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Short on purpose: a local page answers in milliseconds, and a wrong selector should
# fail in seconds with Playwright's own message, not hang the suite.
ACTION_TIMEOUT_MS = 5_000
NAVIGATION_TIMEOUT_MS = 10_000
HERE = Path(__file__).resolve().parent

_skip_reason: list[str] = []


def chromium_path() -> str | None:
    """Debian's chromium, or the one RELAY_CHROMIUM names; None when there is none."""
    named = os.environ.get("RELAY_CHROMIUM")
    if named:
        return named if Path(named).exists() else None
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    if chromium_path() is None:
        where = os.environ.get("RELAY_CHROMIUM") or "/usr/bin/chromium"
        return f"no chromium at {where} (apt-get install chromium, or set RELAY_CHROMIUM)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Any:
    """Keep each phase's report on the test, so a failed test's page can be kept."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skip_reason:
        terminalreporter.write_line(
            f"browser tests SKIPPED: {_skip_reason[0]}. They run when a chromium is present; "
            "CI (RELAY_REQUIRE_BROWSER=1) fails instead of skipping.",
            yellow=True,
            bold=True,
        )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason:
        if os.environ.get("RELAY_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required (RELAY_REQUIRE_BROWSER=1) but {reason}")
        if not _skip_reason:
            _skip_reason.append(reason)
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            # root in a container: chromium's own sandbox needs user namespaces.
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def served(relay: Any) -> Iterator[str]:
    """The test's own app over real HTTP; stopped before the app is cleaned."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, relay.app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    thread.join()
    server.server_close()


def sign_in(page: Any, base: str, token: str = ADMIN) -> None:
    """Through the real form, as a person would; lands on the jobs page."""
    page.goto(f"{base}/dashboard/login")
    page.fill("input[name=token]", token)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/dashboard/**")
    assert "/dashboard/login" not in page.url, "signing in did not leave the sign-in page"


def _page(
    request: pytest.FixtureRequest, browser: Any, base: str, viewport: dict[str, int]
) -> Iterator[Any]:
    context = browser.new_context(viewport=viewport, base_url=base)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    page = context.new_page()
    sign_in(page, base)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        _keep_failed_page(request, page)
    context.close()


def _keep_failed_page(request: pytest.FixtureRequest, page: Any) -> None:
    """A failed test's last page as HTML and PNG, under RELAY_BROWSER_ARTIFACTS (default
    /tmp/relay-browser-failures): what the browser showed is the quickest clue."""
    folder = Path(os.environ.get("RELAY_BROWSER_ARTIFACTS", "/tmp/relay-browser-failures"))
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / request.node.name.replace("/", "_")
    try:
        Path(f"{stem}.html").write_text(page.content())
        page.screenshot(path=f"{stem}.png", full_page=True)
    except Exception as exc:  # noqa: BLE001 - a closed page must not hide the real failure
        print(f"could not keep the failed page: {exc}")
        return
    print(f"failed page kept: {stem}.html, {stem}.png (at {page.url})")


@pytest.fixture
def page(request: pytest.FixtureRequest, browser: Any, served: str) -> Iterator[Any]:
    yield from _page(request, browser, served, DESKTOP)


@pytest.fixture
def phone(request: pytest.FixtureRequest, browser: Any, served: str) -> Iterator[Any]:
    yield from _page(request, browser, served, PHONE)


def no_sideways_scroll(page: Any) -> tuple[int, int]:
    """(scrollWidth, innerWidth) of the current page: the first must not exceed the second."""
    widths = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    return int(widths[0]), int(widths[1])
