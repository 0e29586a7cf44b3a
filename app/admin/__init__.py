"""The admin API under /api/v1: actions, connections, hooks, jobs. Bearer-token protected."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/api/v1")

from . import actions, auth, connections, hooks, jobs, openapi  # noqa: E402, F401

__all__ = ["bp"]
