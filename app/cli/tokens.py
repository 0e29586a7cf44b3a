"""Admin API tokens beyond the bootstrap RELAY_ADMIN_TOKEN."""

from __future__ import annotations

from typing import Any

import click

from .base import cli, confirm, emit, fields, json_option, session, table, yes_option


@cli.group("tokens", short_help="Admin API and dashboard tokens.")
def tokens_group() -> None:
    """Admin API and dashboard tokens: create, list, revoke.

    The bootstrap RELAY_ADMIN_TOKEN is not listed here; change the variable to retire it.
    """


@tokens_group.command("create", short_help="Make an admin token (shown once).")
@click.option("--name", required=True, help="Who or what uses it, e.g. 'ops' or 'ci'.")
@json_option
def tokens_create(name: str, as_json: bool) -> None:
    """Make a new admin token; it is shown this once (only its digest is kept)."""
    from ..services import tokens as svc

    with session() as s:
        row, token = svc.create(s, name)
        data = {**svc.view(row), "token": token}

    def human(d: dict[str, Any]) -> None:
        click.echo(f"{d['token']}\n(shown once; id {d['id']}, name {d['name']!r})")

    emit(data, as_json, human)


@tokens_group.command("list", short_help="List admin tokens.")
@click.option("--all", "include_revoked", is_flag=True, help="Include revoked tokens.")
@json_option
def tokens_list(include_revoked: bool, as_json: bool) -> None:
    """Stored admin tokens: id, name, when made, last used and revoked."""
    from ..services import tokens as svc

    with session() as s:
        data = [svc.view(t) for t in svc.list_all(s, include_revoked=include_revoked)]
    emit(
        data,
        as_json,
        lambda rows: table(
            ["ID", "NAME", "CREATED", "LAST USED", "REVOKED"],
            [
                [t["id"], t["name"], t["created_at"], t["last_used_at"], t["revoked_at"]]
                for t in rows
            ],
            empty="no admin tokens (create one with: esqase-relay tokens create --name ops)",
        ),
    )


@tokens_group.command("revoke", short_help="Revoke an admin token.")
@click.argument("token_id")
@yes_option
@json_option
def tokens_revoke(token_id: str, yes: bool, as_json: bool) -> None:
    """Revoke the token TOKEN_ID (tok_...): the admin API refuses it at once and its
    dashboard sessions end."""
    from ..services import tokens as svc

    with session() as s:
        row = svc.get(s, token_id)
        if row.revoked_at is None:
            confirm(f"Revoke admin token {row.id} ({row.name!r})?", yes)
        row, changed = svc.revoke(s, token_id)
        data = svc.view(row)

    def human(d: dict[str, Any]) -> None:
        said = "revoked" if changed else "was already revoked"
        click.echo(f"{d['id']} ({d['name']!r}) {said}")
        fields([("revoked_at", d["revoked_at"])])

    emit(data, as_json, human)
