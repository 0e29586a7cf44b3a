"""The hooks page: what each hook URL does and where it calls back. Read-only.

Changing hooks stays in the admin API and CLI, where the secrets they return
can be shown once; this page never shows a secret, only URLs.
"""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from ..db import session
from ..services import hooks as hook_svc
from . import bp, queries


@bp.get("/hooks")
def hooks() -> ResponseReturnValue:
    with session() as s:
        rows = [hook_svc.view(h) for h in hook_svc.list_all(s)]
        connections = queries.connection_names(s, (r["connection_id"] for r in rows))
    return render_template(
        "dashboard/hooks.html", active="hooks", hooks=rows, connections=connections
    )
