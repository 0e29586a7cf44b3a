"""Connections: the Esqase API keys hooks write with (stored encrypted)."""

from __future__ import annotations

from typing import Any

import click

from .base import cli, confirm, emit, fields, json_option, session, table, yes_option

# ``--api-key`` given without a value: ask for it, hidden.
ASK = "\0ask"


@cli.group("connections", short_help="Esqase API keys that hooks write with.")
def connections_group() -> None:
    """Esqase API keys (stored encrypted; shown only as their last four characters)."""


def show_connection(c: dict[str, Any]) -> None:
    fields(
        [
            ("id", c["id"]),
            ("name", c["name"]),
            ("status", c["status"]),
            ("last error", c["last_error"]),
            ("base url", c["base_url"]),
            ("api key", f"...{c['api_key_last4']}"),
            (
                "rate limit",
                f"{c['rate_limit_per_minute']}/min" if c["rate_limit_per_minute"] else None,
            ),
            ("created", c["created_at"]),
            ("updated", c["updated_at"]),
        ]
    )


@connections_group.command("add", short_help="Store an Esqase API key.")
@click.option("--name", required=True, help="A name people recognise, e.g. 'Smith & Co'.")
@click.option(
    "--api-key",
    required=True,
    prompt="Esqase API key",
    hide_input=True,
    help="The Esqase API key; asked for (hidden) when left out, which keeps it out of "
    "your shell history.",
)
@click.option(
    "--base-url", default=None, help="The Esqase API address. Default: RELAY_ESQASE_BASE_URL."
)
@click.option(
    "--rate-limit",
    type=click.IntRange(min=1),
    default=None,
    help="At most this many calls per minute to Esqase with this key.",
)
@json_option
def connections_add(
    name: str, api_key: str, base_url: str | None, rate_limit: int | None, as_json: bool
) -> None:
    """Store an Esqase API key for hooks to use."""
    from ..services import connections as svc

    body: dict[str, Any] = {"name": name, "api_key": api_key}
    if base_url:
        body["base_url"] = base_url
    if rate_limit:
        body["rate_limit_per_minute"] = rate_limit
    with session() as s:
        data = svc.view(svc.create(s, body))
    emit(data, as_json, show_connection)
    if not as_json:
        click.echo(f"\nTry the key: esqase-relay connections check {data['id']}")


@connections_group.command("list", short_help="List connections.")
@json_option
def connections_list(as_json: bool) -> None:
    """Every connection: id, name, status, key's last four, base URL."""
    from ..services import connections as svc

    with session() as s:
        data = [svc.view(c) for c in svc.list_all(s)]
    emit(
        data,
        as_json,
        lambda rows: table(
            ["ID", "NAME", "STATUS", "KEY", "BASE URL"],
            [
                [c["id"], c["name"], c["status"], f"...{c['api_key_last4']}", c["base_url"]]
                for c in rows
            ],
            empty="no connections (add one with: esqase-relay connections add --name ...)",
        ),
    )


@connections_group.command("show", short_help="Show one connection.")
@click.argument("connection_id")
@json_option
def connections_show(connection_id: str, as_json: bool) -> None:
    """One connection, CONNECTION_ID (con_...)."""
    from ..services import connections as svc

    with session() as s:
        data = svc.view(svc.get(s, connection_id))
    emit(data, as_json, show_connection)


@connections_group.command("check", short_help="Test a key against what its hooks need.")
@click.argument("connection_id")
@json_option
def connections_check(connection_id: str, as_json: bool) -> None:
    """Ask Esqase whether CONNECTION_ID's key can do what its hooks need; writes nothing.

    Each hook's action needs scopes (leads.create: leads:write); creates also want to
    read what they make, to settle a create whose answer was lost. With no hooks yet,
    every scope is tried. Exits 1 when a needed scope is missing or the key is refused.
    """
    from ..services import connections as svc

    with session() as s:
        result = svc.check(s, connection_id)

    def human(r: dict[str, Any]) -> None:
        click.echo(r["message"])
        if r["needs"]:
            rows = [
                [
                    n["scope"],
                    "required" if n["required"] else "recommended",
                    n["result"],
                    n["hooks"],
                ]
                for n in r["needs"]
            ]
            table(["SCOPE", "NEED", "RESULT", "HOOKS"], rows, empty="")
        elif r["scopes"]:
            table(["SCOPE", "RESULT"], [[k, v] for k, v in r["scopes"].items()], empty="")

    emit(result, as_json, human)
    if not result["ok"]:
        raise SystemExit(1)


@connections_group.command("update", short_help="Change name, key, base URL or rate limit.")
@click.argument("connection_id")
@click.option("--name", default=None, help="A new name.")
@click.option(
    "--api-key",
    is_flag=False,
    flag_value=ASK,
    default=None,
    help="A new API key (give --api-key alone to be asked for it, hidden); the status "
    "goes back to active.",
)
@click.option("--base-url", default=None, help="A new Esqase API address.")
@click.option(
    "--rate-limit", type=click.IntRange(min=1), default=None, help="A new calls-per-minute limit."
)
@click.option("--no-rate-limit", is_flag=True, help="Remove the calls-per-minute limit.")
@json_option
def connections_update(
    connection_id: str,
    name: str | None,
    api_key: str | None,
    base_url: str | None,
    rate_limit: int | None,
    no_rate_limit: bool,
    as_json: bool,
) -> None:
    """Change CONNECTION_ID's name, key, base URL or rate limit; what is not given stays."""
    from ..services import connections as svc

    if rate_limit is not None and no_rate_limit:
        raise click.UsageError("give --rate-limit or --no-rate-limit, not both")
    if api_key == ASK:
        api_key = click.prompt("New Esqase API key", hide_input=True)
    body: dict[str, Any] = {
        k: v
        for k, v in {"name": name, "api_key": api_key, "base_url": base_url}.items()
        if v is not None
    }
    if rate_limit is not None or no_rate_limit:
        body["rate_limit_per_minute"] = rate_limit
    if not body:
        raise click.UsageError(
            "nothing to change: give --name, --api-key, --base-url or a rate limit"
        )
    with session() as s:
        conn = svc.update(s, connection_id, body)
        s.flush()
        data = svc.view(conn)
    emit(data, as_json, show_connection)


@connections_group.command("delete", short_help="Delete a connection no hook uses.")
@click.argument("connection_id")
@yes_option
def connections_delete(connection_id: str, yes: bool) -> None:
    """Delete CONNECTION_ID; refused while a hook uses it. Its jobs' history stays."""
    from sqlalchemy import select

    from ..models import Hook
    from ..services import connections as svc

    with session() as s:
        conn = svc.get(s, connection_id)
        in_use = s.scalar(
            select(Hook.id).where(Hook.connection_id == conn.id, Hook.deleted_at.is_(None))
        )
        if in_use is None:  # else the service refuses it below, and nobody need be asked
            confirm(f"Delete connection {conn.id} ({conn.name!r})?", yes)
        svc.delete(s, connection_id)
    click.echo(f"{connection_id} deleted")
