"""Hooks: one URL, one action, one connection each."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from .base import F, cli, confirm, emit, fields, json_option, session, table, yes_option

EVENTS = "job.succeeded, job.failed, job.needs_review"


@cli.group("hooks")
def hooks_group() -> None:
    """Hook URLs: one action, one connection each."""


def show_hook(h: dict[str, Any]) -> None:
    fields(
        [
            ("id", h["id"]),
            ("name", h["name"]),
            ("url", h["url"]),
            ("action", h["action"]),
            ("connection", h["connection_id"]),
            ("enabled", h["enabled"]),
            ("callback url", h["callback_url"]),
            ("callback events", h["callback_events"]),
            ("idempotency field", h["idempotency_field"]),
            ("preset", h["preset"]),
            ("mapping", h["mapping"]),
            ("allowed origins", h["allowed_origins"]),
            ("verify sender", h["verify_sender"]),
            ("created", h["created_at"]),
            ("updated", h["updated_at"]),
        ]
    )
    for name in ("callback_secret", "sender_secret"):
        if h.get(name):
            click.echo(f"\n{name.replace('_', ' ')} (shown only this once): {h[name]}")


def _mapping(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """A JSON object, inline or from a file (``@mapping.json``); '' clears it."""
    if value is None or value == "":
        return value
    text = value
    if value.startswith("@"):
        try:
            with open(value[1:], encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise click.BadParameter(f"cannot read {value[1:]}: {exc.strerror}") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise click.BadParameter(f"not JSON ({exc})") from None


def _events(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    return None if value is None else [e.strip() for e in value.split(",") if e.strip()]


def _verify(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """on/off, or a scheme name passed through for the service to judge."""
    if value is None:
        return None
    return {"on": True, "off": False}.get(value.strip().lower(), value.strip())


def hook_options(*, creating: bool) -> Callable[[F], F]:
    """The options ``add`` and ``update`` share; each maps to one field of the admin API."""

    def apply(fn: F) -> F:
        options = [
            click.option("--name", required=creating, help="A name people recognise."),
            click.option(
                "--action",
                required=creating,
                help="What the hook does, e.g. leads.create (see 'esqase-relay actions list').",
            ),
            click.option(
                "--connection",
                "connection_id",
                required=creating,
                help="The connection (con_...) whose key it writes with.",
            ),
            click.option(
                "--callback-url",
                default=None,
                help="Where job outcomes are POSTed, signed ('' removes it).",
            ),
            click.option(
                "--callback-events",
                default=None,
                callback=_events,
                help=f"Comma-separated events to call back, of: {EVENTS}.",
            ),
            click.option(
                "--idempotency-field",
                default=None,
                help="A payload field whose value identifies a delivery, so a replay is "
                "not a second job ('' removes it).",
            ),
            click.option(
                "--preset",
                default=None,
                help="A form provider's format: typeform, jotform, tally, ... ('' removes it).",
            ),
            click.option(
                "--mapping",
                default=None,
                callback=_mapping,
                help="Field mapping as a JSON object, or @file.json ('' removes it).",
            ),
            click.option(
                "--allowed-origin",
                "allowed_origins",
                multiple=True,
                help="A browser origin allowed to post (CORS). Repeatable.",
            ),
            click.option(
                "--verify-sender",
                default=None,
                callback=_verify,
                help="on or off: require senders to sign deliveries (on makes a sender "
                "secret, shown once).",
            ),
        ]
        for option in reversed(options):
            fn = option(fn)
        return fn

    return apply


def _body(values: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in values.items() if v is not None and k != "allowed_origins"}
    if values.get("allowed_origins"):
        body["allowed_origins"] = list(values["allowed_origins"])
    return body


@hooks_group.command("add", short_help="Make a hook URL.")
@hook_options(creating=True)
@json_option
def hooks_add(as_json: bool, **values: Any) -> None:
    """Make a hook URL; its callback secret is shown this once."""
    from ..services import hooks as svc

    with session() as s:
        hook, secrets = svc.create(s, _body(values))
        data = svc.view(hook, secrets=secrets)
    emit(data, as_json, show_hook)


@hooks_group.command("list", short_help="List hooks and their URLs.")
@json_option
def hooks_list(as_json: bool) -> None:
    """Every hook: id, name, action, enabled, connection and URL."""
    from ..services import hooks as svc

    with session() as s:
        data = [svc.view(h) for h in svc.list_all(s)]
    emit(
        data,
        as_json,
        lambda rows: table(
            ["ID", "NAME", "ACTION", "ENABLED", "CONNECTION", "URL"],
            [
                [h["id"], h["name"], h["action"], h["enabled"], h["connection_id"], h["url"]]
                for h in rows
            ],
            empty="no hooks (make one with: esqase-relay hooks add ...)",
        ),
    )


@hooks_group.command("show", short_help="Show one hook.")
@click.argument("hook_id")
@json_option
def hooks_show(hook_id: str, as_json: bool) -> None:
    """One hook, HOOK_ID (hook_...), with its URL and settings (never its secrets)."""
    from ..services import hooks as svc

    with session() as s:
        data = svc.view(svc.get(s, hook_id))
    emit(data, as_json, show_hook)


def _update(hook_id: str, body: dict[str, Any], as_json: bool) -> None:
    from ..services import hooks as svc

    with session() as s:
        hook, secrets = svc.update(s, hook_id, body)
        s.flush()  # updated_at is set by the flush
        data = svc.view(hook, secrets=secrets)
    emit(data, as_json, show_hook)


@hooks_group.command("update", short_help="Change a hook's settings.")
@click.argument("hook_id")
@hook_options(creating=False)
@click.option("--any-origin", is_flag=True, help="Remove the allowed-origins list.")
@json_option
def hooks_update(hook_id: str, any_origin: bool, as_json: bool, **values: Any) -> None:
    """Change HOOK_ID's settings; what is not given stays as it is."""
    body = _body(values)
    if any_origin:
        if values.get("allowed_origins"):
            raise click.UsageError("give --allowed-origin or --any-origin, not both")
        body["allowed_origins"] = None
    if not body:
        raise click.UsageError("nothing to change; see esqase-relay hooks update --help")
    _update(hook_id, body, as_json)


@hooks_group.command("enable", short_help="Take a hook's deliveries again.")
@click.argument("hook_id")
@json_option
def hooks_enable(hook_id: str, as_json: bool) -> None:
    """Let HOOK_ID take deliveries again."""
    _update(hook_id, {"enabled": True}, as_json)


@hooks_group.command("disable", short_help="Refuse a hook's deliveries for now.")
@click.argument("hook_id")
@json_option
def hooks_disable(hook_id: str, as_json: bool) -> None:
    """Refuse HOOK_ID's deliveries (404) until it is enabled again; nothing is deleted."""
    _update(hook_id, {"enabled": False}, as_json)


@hooks_group.command("rotate", short_help="Replace a hook's URL or secrets.")
@click.argument("hook_id")
@click.option("--url", "url", is_flag=True, help="A new hook URL; the old one stops at once.")
@click.option("--callback-secret", is_flag=True, help="A new callback signing secret (shown once).")
@click.option(
    "--sender-secret",
    is_flag=True,
    help="A new sender secret (shown once); only for a hook that verifies senders.",
)
@yes_option
@json_option
def hooks_rotate(
    hook_id: str, url: bool, callback_secret: bool, sender_secret: bool, yes: bool, as_json: bool
) -> None:
    """Replace exactly what is named of HOOK_ID's URL and secrets, e.g. after a leak.

    Whatever uses the old ones (a Zap's URL, a receiver's secret) must be given the new
    ones: the old stop working at once.
    """
    from ..services import hooks as svc

    what = [
        name
        for name, wanted in (
            ("url", url),
            ("callback_secret", callback_secret),
            ("sender_secret", sender_secret),
        )
        if wanted
    ]
    if not what:
        raise click.UsageError(
            "say what to rotate: --url, --callback-secret and/or --sender-secret"
        )
    with session() as s:
        hook = svc.get(s, hook_id)
        named = " and ".join(w.replace("_", " ") for w in what)
        confirm(
            f"Replace the {named} of hook {hook.id} ({hook.name!r})? The old stops at once.", yes
        )
        hook, secrets = svc.rotate(s, hook_id, what)
        data = svc.view(hook, secrets=secrets)
    emit(data, as_json, show_hook)


@hooks_group.command("delete", short_help="Delete a hook; its URL stops at once.")
@click.argument("hook_id")
@yes_option
def hooks_delete(hook_id: str, yes: bool) -> None:
    """Delete HOOK_ID: its URL stops working at once; its job history stays."""
    from ..services import hooks as svc

    with session() as s:
        hook = svc.get(s, hook_id)
        confirm(f"Delete hook {hook.id} ({hook.name!r})? Its URL stops working at once.", yes)
        svc.delete(s, hook_id)
    click.echo(f"{hook_id} deleted")
