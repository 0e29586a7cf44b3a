"""The dashboard: server-rendered pages at /dashboard for the firm's admin (not a developer).

It reads and acts through the same services as the admin API (``app.services``),
so the two can never disagree about what a job is or who may retry it. Sign-in
is a server-side record whose id is in Flask's signed session cookie; every POST
carries a CSRF token.
The pages use no JavaScript, so the Content-Security-Policy can forbid scripts
outright: job input is attacker-controlled and must only ever be shown as text.
"""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard", template_folder="templates")

from . import (  # noqa: E402, F401
    assets,
    attention,
    auth,
    connections,
    guard,
    hook_page,
    hooks,
    jobs,
    render,
    replay,
    review,
)

__all__ = ["bp"]
