"""Hooks: one URL, one action, one connection each."""

from __future__ import annotations

import click

from .base import cli, echo_json, session


@cli.group("hooks")
def hooks_group() -> None:
    """Hook URLs: one action, one connection each."""


@hooks_group.command("add")
@click.option("--name", required=True)
@click.option("--action", required=True, help="e.g. leads.create (see 'actions list').")
@click.option("--connection", "connection_id", required=True)
@click.option("--callback-url", default=None)
@click.option("--idempotency-field", default=None)
@click.option("--preset", default=None, help="typeform, tally, jotform or gravityforms")
def hooks_add(
    name: str,
    action: str,
    connection_id: str,
    callback_url: str | None,
    idempotency_field: str | None,
    preset: str | None,
) -> None:
    from ..services import hooks as svc

    body = {
        "name": name,
        "action": action,
        "connection_id": connection_id,
        "callback_url": callback_url,
        "idempotency_field": idempotency_field,
        "preset": preset,
    }
    with session() as s:
        hook, secrets = svc.create(s, {k: v for k, v in body.items() if v is not None})
        echo_json(svc.view(hook, secrets=secrets))


@hooks_group.command("list")
def hooks_list() -> None:
    from ..services import hooks as svc

    with session() as s:
        echo_json([svc.view(h) for h in svc.list_all(s)])


@hooks_group.command("rotate")
@click.argument("hook_id")
@click.option(
    "--what", multiple=True, type=click.Choice(["url", "callback_secret", "sender_secret"])
)
def hooks_rotate(hook_id: str, what: tuple[str, ...]) -> None:
    from ..services import hooks as svc

    with session() as s:
        hook, secrets = svc.rotate(s, hook_id, list(what) or None)
        echo_json(svc.view(hook, secrets=secrets))
