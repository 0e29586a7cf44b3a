"""Hooks: one URL, one action, one connection each."""

from __future__ import annotations

from typing import Any

import click

from .base import cli, confirm, emit, json_option, session, table, yes_option
from .hook_options import hook_body, hook_options, show_hook


@cli.group("hooks")
def hooks_group() -> None:
    """Hook URLs: one action, one connection each."""


@hooks_group.command("add", short_help="Make a hook URL.")
@hook_options(creating=True)
@json_option
def hooks_add(as_json: bool, **values: Any) -> None:
    """Make a hook URL; its callback secret is shown this once."""
    from ..services import hooks as svc

    with session() as s:
        hook, secrets = svc.create(s, hook_body(values))
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
    body = hook_body(values)
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
