"""What every dashboard request passes through: cookie settings, CSRF, sign-in, headers.

Kept in one place so a new page is protected by being in the blueprint, not by
remembering a decorator.
"""

from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue

from ..errors import RelayError
from . import auth, bp, csrf

# Pages a signed-out visitor may see (signing out always works, signed in or not), and
# the stylesheet and icon the sign-in page uses.
OPEN = {
    "dashboard.login",
    "dashboard.login_post",
    "dashboard.logout",
    "dashboard.favicon",
    "dashboard.stylesheet",
}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# The pages use no JavaScript at all, so scripts are refused outright; inline
# style is allowed for the one <style> block of the base template.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # Job input is client data (names, emails): no copy in shared or browser caches.
    "Cache-Control": "no-store",
}
CSRF_MESSAGE = (
    "This form is out of date or did not come from this dashboard. "
    "Go back, reload the page and try again.\n"
)


@bp.record_once
def _cookie_settings(state: BlueprintSetupState) -> None:
    """The session cookie only matters to the dashboard (the API uses bearer tokens)."""
    config = state.app.config
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["SESSION_COOKIE_SECURE"] = str(config.get("PUBLIC_URL", "")).startswith("https://")


@bp.before_request
def _guard() -> ResponseReturnValue | None:
    """CSRF first, so a forged POST is refused even when the victim is signed in."""
    if request.method not in SAFE_METHODS and not csrf.valid(request.form.get(csrf.FIELD)):
        return Response(CSRF_MESSAGE, status=400, mimetype="text/plain")
    if request.endpoint in OPEN or auth.signed_in():
        return None
    target = request.full_path.rstrip("?") if request.method in SAFE_METHODS else None
    return redirect(url_for("dashboard.login", next=target))


@bp.after_app_request
def _headers(response: Response) -> Response:
    """App-wide hook, path-scoped: a 404 or 405 under /dashboard never reaches the
    blueprint's own hooks, and must carry the same headers."""
    if request.path == "/dashboard" or request.path.startswith("/dashboard/"):
        for name, value in HEADERS.items():
            response.headers[name] = value
    return response


@bp.errorhandler(RelayError)
def _relay_error(exc: RelayError) -> ResponseReturnValue:
    """A page, not the API's JSON: the reader is a person in a browser."""
    return render_template("dashboard/error.html", error=exc), exc.status
