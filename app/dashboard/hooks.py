"""Hooks in the console: the list, and making a new one for an action.

Creation goes through :mod:`app.services.hooks` with the admin API's field names
(see :mod:`.hook_form`), so the same checks speak the same sentences, each beside
its field. The new hook's URL secrets are shown once, on the hook's page after the
redirect (:mod:`.once`); the list never shows a secret, only URLs.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from actions import UnknownAction, get_action, registry
from app.payload import PRESETS

from ..db import session
from ..errors import RelayError
from ..services import connections as conn_svc
from ..services import hooks as hook_svc
from . import bp, forms, hook_form, once, queries


@bp.get("/hooks")
def hooks() -> ResponseReturnValue:
    with session() as s:
        rows = [hook_svc.view(h) for h in hook_svc.list_all(s)]
        connections = queries.connection_names(s, (r["connection_id"] for r in rows))
    return render_template(
        "dashboard/hooks.html", active="hooks", hooks=rows, connections=connections
    )


def choices() -> dict[str, Any]:
    """The select boxes of a hook form: actions, connections, presets, schemes, events."""
    with session() as s:
        connections = [(c.id, f"{c.name} (…{c.api_key_last4})") for c in conn_svc.list_all(s)]
    return {
        "actions": [(a.name, a.description) for a in registry().values()],
        "connections": connections,
        "presets": sorted(PRESETS),
        "schemes": hook_form.SCHEMES,
        "events": hook_form.EVENTS,
    }


def action_help(name: str) -> dict[str, Any] | None:
    """The chosen action's fields explained, or None before one is chosen."""
    try:
        action = get_action(name)
    except UnknownAction:
        return None
    return {
        "name": action.name,
        "description": action.description,
        "scopes": list(action.scopes),
        "fields": hook_form.field_guide(action),
        "one_of": hook_form.one_of_note(action),
        "example": hook_form.example(action),
    }


def _new_page(values: dict[str, Any], errors: dict[str, list[str]], status: int) -> Any:
    page = render_template(
        "dashboard/hook_new.html",
        active="hooks",
        values=values,
        errors=errors,
        help=action_help(str(values.get("action") or "")),
        **choices(),
    )
    return page, status


@bp.get("/hooks/new")
def hook_new() -> ResponseReturnValue:
    """``?action=`` (the form's "Show its fields" button, no script) explains that action."""
    values = {**hook_form.NEW_DEFAULTS, **{k: v for k, v in request.args.items() if k != "mapping"}}
    return _new_page(values, {}, 200)


@bp.post("/hooks/new")
def hook_create() -> ResponseReturnValue:
    body, problems = hook_form.body(request.form, creating=True)
    if problems:
        return _new_page(hook_form.values_from_form(request.form), problems, 422)
    try:
        with session() as s:
            hook, secrets = hook_svc.create(s, body)
            hook_id = hook.id
    except RelayError as exc:
        errors = forms.field_errors(exc)
        return _new_page(hook_form.values_from_form(request.form), errors, exc.status)
    once.keep(hook_id, secrets)
    flash("The hook is ready. Copy its secrets now: they are not shown again.", "ok")
    return redirect(url_for(".hook", hook_id=hook_id))
