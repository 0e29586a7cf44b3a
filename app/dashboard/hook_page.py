"""One hook's page: its URL and setup steps, samples, a test delivery, and its changes.

Changes (edit, enable/disable, rotate, delete) go through :mod:`app.services.hooks`
like the admin API's; rotation and deletion take an explicit choice and a
confirming button. The test delivery sends the action's example through the same
path as a hook URL (:func:`app.ingest.pipeline.deliver`), so what it shows is what
a sender would get: a queued job, or a refusal kept as a rejected job.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..db import session
from ..errors import NotFound, RelayError, ValidationFailed
from ..ingest import pipeline
from ..ingest.body import Body
from ..jobs import lifecycle
from ..models import Job
from ..services import hooks as hook_svc
from ..services import samples as samples_svc
from . import bp, forms, hook_form, once, queries, setup_steps
from .hooks import action_help, choices

ROTATABLE = ("url", "callback_secret", "sender_secret")
SAID = {
    "url": "the URL",
    "callback_secret": "the callback secret",
    "sender_secret": "the sender secret",
}
CHOOSE = "Choose what to rotate: the URL, the callback secret or the sender secret."


def _page(
    hook_id: str,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> Any:
    with session() as s:
        view = hook_svc.view(hook_svc.get(s, hook_id))  # NotFound: the 404 page
        connection = queries.connection_names(s, [view["connection_id"]])
        samples = samples_svc.samples(s, hook_id)
        test_job = _test_job(s, hook_id, request.args.get("test"))
    help_ = action_help(view["action"])
    page = render_template(
        "dashboard/hook.html",
        active="hooks",
        hook=view,
        connection_name=connection.get(view["connection_id"], view["connection_id"]),
        secrets=once.take(hook_id) if request.method == "GET" else {},
        values=values or hook_form.values_from_view(view),
        errors=errors or {},
        help=help_,
        guides=setup_steps.guides(view, help_["fields"] if help_ else []),
        samples=samples["samples"],
        test_job=test_job,
        rotatable=[r for r in ROTATABLE if r != "sender_secret" or view["verify_sender"]],
        **choices(),
    )
    return page, status


def _test_job(s: Any, hook_id: str, job_id: str | None) -> dict[str, str] | None:
    job = s.get(Job, job_id) if job_id else None
    if job is None or job.hook_id != hook_id:
        return None
    return {"id": job.id, "status": str(job.status)}


@bp.get("/hooks/<hook_id>")
def hook(hook_id: str) -> ResponseReturnValue:
    return _page(hook_id)


@bp.post("/hooks/<hook_id>")
def hook_update(hook_id: str) -> ResponseReturnValue:
    body, problems = hook_form.body(request.form, creating=False)
    values = hook_form.values_from_form(request.form)
    if problems:
        return _page(hook_id, values=values, errors=problems, status=422)
    try:
        with session() as s:
            _, secrets = hook_svc.update(s, hook_id, body)
    except NotFound:
        raise
    except RelayError as exc:
        return _page(hook_id, values=values, errors=forms.field_errors(exc), status=exc.status)
    once.keep(hook_id, secrets)  # a new verification scheme mints its sender secret
    flash("Saved. New deliveries follow these settings.", "ok")
    return redirect(url_for(".hook", hook_id=hook_id))


@bp.post("/hooks/<hook_id>/enabled")
def hook_enabled(hook_id: str) -> ResponseReturnValue:
    enable = request.form.get("enabled") == "true"
    with session() as s:
        hook_svc.update(s, hook_id, {"enabled": enable})
    flash(
        "The hook is enabled: its URL accepts deliveries."
        if enable
        else "The hook is disabled: its URL answers 404 until you enable it.",
        "ok",
    )
    return redirect(url_for(".hook", hook_id=hook_id))


@bp.post("/hooks/<hook_id>/rotate")
def hook_rotate(hook_id: str) -> ResponseReturnValue:
    chosen = [r for r in request.form.getlist("rotate") if r]
    if not chosen:
        errors = {
            "rotate": ["Choose what to rotate: the URL, the callback secret or the sender secret."]
        }
        return _page(hook_id, errors=errors, status=400)
    if not forms.confirmed(request.form):
        errors = {"rotate": ["Confirm the rotation with its button; nothing was changed."]}
        return _page(hook_id, errors=errors, status=400)
    try:
        with session() as s:
            _, secrets = hook_svc.rotate(s, hook_id, chosen)
    except NotFound:
        raise
    except RelayError as exc:
        messages = [str(d.get("message")) for d in exc.details if isinstance(d, dict)]
        return _page(hook_id, errors={"rotate": messages or [exc.message]}, status=exc.status)
    once.keep(hook_id, secrets)
    said = {
        "url": "the URL",
        "callback_secret": "the callback secret",
        "sender_secret": "the sender secret",
    }
    flash(
        "Rotated "
        + " and ".join(said.get(c, c) for c in chosen)
        + ". The old one stops working now: "
        "update every sender and receiver.",
        "ok",
    )
    return redirect(url_for(".hook", hook_id=hook_id))


@bp.post("/hooks/<hook_id>/delete")
def hook_delete(hook_id: str) -> ResponseReturnValue:
    if not forms.confirmed(request.form):
        return _page(
            hook_id, errors={"delete": ["Confirm the deletion with its button."]}, status=400
        )
    with session() as s:
        name = hook_svc.get(s, hook_id).name
        hook_svc.delete(s, hook_id)
    flash(f"Hook {name!r} is deleted; its URL answers 404. Its jobs stay in the history.", "ok")
    return redirect(url_for(".hooks"))


@bp.post("/hooks/<hook_id>/test")
def hook_test(hook_id: str) -> ResponseReturnValue:
    """The action's example as a JSON delivery. A refusal is kept as a rejected job, as
    it would be for a sender, and linked the same way."""
    with session() as s:
        hook = hook_svc.get(s, hook_id)
        if not hook.enabled:
            flash("The hook is disabled; enable it to send a test delivery.", "error")
            return redirect(url_for(".hook", hook_id=hook_id))
        help_ = action_help(hook.action)
        body = Body("json", help_["example"] if help_ else {})
        try:
            delivered = pipeline.deliver(hook, body)
            job_id = delivered.job.id
            flash(f"Test delivery accepted as job {job_id}.", "ok")
        except ValidationFailed as exc:
            job_id = lifecycle.reject(hook, pipeline.snapshot(body), exc.body()["error"])
            flash(f"Test delivery refused: {exc.message} Kept as job {job_id}.", "error")
    return redirect(url_for(".hook", hook_id=hook_id, test=job_id))
