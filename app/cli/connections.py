"""Connections: the Esqase API keys hooks write with (stored encrypted)."""

from __future__ import annotations

import sys
from typing import Any

import click

from .base import cli, echo_json, session


@cli.group("connections")
def connections_group() -> None:
    """Esqase API keys (stored encrypted)."""


@connections_group.command("add")
@click.option("--name", required=True)
@click.option("--api-key", required=True, prompt=True, hide_input=True)
@click.option("--base-url", default=None, help="Default: RELAY_ESQASE_BASE_URL.")
@click.option("--rate-limit", type=int, default=None, help="Calls per minute to Esqase.")
def connections_add(name: str, api_key: str, base_url: str | None, rate_limit: int | None) -> None:
    from ..services import connections as svc

    body: dict[str, Any] = {"name": name, "api_key": api_key}
    if base_url:
        body["base_url"] = base_url
    if rate_limit:
        body["rate_limit_per_minute"] = rate_limit
    with session() as s:
        echo_json(svc.view(svc.create(s, body)))


@connections_group.command("list")
def connections_list() -> None:
    from ..services import connections as svc

    with session() as s:
        echo_json([svc.view(c) for c in svc.list_all(s)])


@connections_group.command("check")
@click.argument("connection_id")
def connections_check(connection_id: str) -> None:
    from ..services import connections as svc

    with session() as s:
        result = svc.check(s, connection_id)
    echo_json(result)
    if not result["ok"]:
        sys.exit(1)
