"""Connections in the console: list, add, check, rotate the key, rate limit, delete.

Every change goes through :mod:`app.services.connections`, as the admin API's
does, so the checks and their sentences are the same; a refused form comes back
with each sentence beside its field (4xx, never a 500). The key is typed in,
stored encrypted and never shown again, not even back in a refused form: only
its last four characters appear anywhere.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..db import session
from ..errors import NotFound, RelayError
from ..services import connections as svc
from . import bp, forms, queries


def _body(form: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The admin API's body from the form: only the fields this form has."""
    body: dict[str, Any] = {}
    if "name" in fields:
        body["name"] = forms.text(form, "name")
    if "api_key" in fields:
        body["api_key"] = forms.text(form, "api_key")
    if "base_url" in fields and forms.text(form, "base_url"):
        body["base_url"] = forms.text(form, "base_url")
    if "rate_limit_per_minute" in fields:
        body["rate_limit_per_minute"] = forms.integer(form, "rate_limit_per_minute")
    return body


def _list_page(errors: dict[str, list[str]] | None = None, status: int = 200) -> Any:
    with session() as s:
        rows = [svc.view(c) for c in svc.list_all(s)]
        used = queries.hooks_by_connection(s)
    # A refused form keeps what was typed, except the key.
    typed = {k: request.form.get(k, "") for k in ("name", "base_url", "rate_limit_per_minute")}
    page = render_template(
        "dashboard/connections.html",
        active="connections",
        connections=rows,
        used=used,
        errors=errors or {},
        typed=typed if errors else {},
    )
    return page, status


def _page(
    conn_id: str,
    *,
    errors: dict[str, list[str]] | None = None,
    check: dict[str, Any] | None = None,
    status: int = 200,
) -> Any:
    with session() as s:
        view = svc.view(svc.get(s, conn_id))  # NotFound: the 404 page (see guard)
        used = queries.hooks_by_connection(s).get(conn_id, [])
    page = render_template(
        "dashboard/connection.html",
        active="connections",
        conn=view,
        used=used,
        hook_names=dict(used),
        errors=errors or {},
        check=check,
    )
    return page, status


@bp.get("/connections")
def connections() -> ResponseReturnValue:
    return _list_page()


@bp.post("/connections")
def connection_add() -> ResponseReturnValue:
    body = _body(request.form, ("name", "api_key", "base_url", "rate_limit_per_minute"))
    try:
        with session() as s:
            conn = svc.create(s, body)
            conn_id, last4 = conn.id, conn.api_key_last4
    except RelayError as exc:
        return _list_page(forms.field_errors(exc), exc.status)
    flash(
        f"Connection added. Its key is stored encrypted and will only ever show as …{last4}. "
        "Check it to see whether it can do what your hooks need.",
        "ok",
    )
    return redirect(url_for(".connection", conn_id=conn_id))


@bp.get("/connections/<conn_id>")
def connection(conn_id: str) -> ResponseReturnValue:
    return _page(conn_id)


@bp.post("/connections/<conn_id>")
def connection_update(conn_id: str) -> ResponseReturnValue:
    return _change(conn_id, ("name", "base_url", "rate_limit_per_minute"), "Saved.")


@bp.post("/connections/<conn_id>/key")
def connection_key(conn_id: str) -> ResponseReturnValue:
    return _change(
        conn_id,
        ("api_key",),
        "The new key is stored; the old one is no longer used. Check the connection "
        "to see what the new key may do.",
    )


def _change(conn_id: str, fields: tuple[str, ...], done: str) -> ResponseReturnValue:
    try:
        with session() as s:
            svc.update(s, conn_id, _body(request.form, fields))
    except NotFound:
        raise
    except RelayError as exc:
        return _page(conn_id, errors=forms.field_errors(exc), status=exc.status)
    flash(done, "ok")
    return redirect(url_for(".connection", conn_id=conn_id))


@bp.post("/connections/<conn_id>/check")
def connection_check(conn_id: str) -> ResponseReturnValue:
    """Asks Esqase now; the answer is shown on the page (it is not kept, only the
    connection's status follows it)."""
    with session() as s:
        result = svc.check(s, conn_id)
    return _page(conn_id, check=result)


@bp.post("/connections/<conn_id>/delete")
def connection_delete(conn_id: str) -> ResponseReturnValue:
    if not forms.confirmed(request.form):
        errors = {"delete": ["Confirm the deletion with the button under “Delete”."]}
        return _page(conn_id, errors=errors, status=400)
    try:
        with session() as s:
            name = svc.get(s, conn_id).name
            svc.delete(s, conn_id)
    except NotFound:
        raise
    except RelayError as exc:
        return _page(conn_id, errors={"delete": [exc.message]}, status=exc.status)
    flash(f"Connection {name!r} is deleted.", "ok")
    return redirect(url_for(".connections"))
