"""The console's two files: its stylesheet and its icon (an SVG, no image pipeline).

Served by the blueprint itself, open to a signed-out visitor (the sign-in page uses
them), from ``'self'`` so the Content-Security-Policy stays as strict as it is.
"""

from __future__ import annotations

from pathlib import Path

from flask import Response
from flask.typing import ResponseReturnValue

from . import bp

STATIC = Path(__file__).parent / "static"
FILES = {"favicon.svg": "image/svg+xml", "console.css": "text/css"}


def _file(name: str) -> Response:
    return Response((STATIC / name).read_bytes(), mimetype=FILES[name])


@bp.get("/favicon.svg")
def favicon() -> ResponseReturnValue:
    return _file("favicon.svg")


@bp.get("/console.css")
def stylesheet() -> ResponseReturnValue:
    return _file("console.css")
