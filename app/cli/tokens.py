"""Admin API tokens beyond the bootstrap RELAY_ADMIN_TOKEN."""

from __future__ import annotations

import click

from .base import cli, session


@cli.group("tokens")
def tokens_group() -> None:
    """Admin API tokens."""


@tokens_group.command("create")
@click.option("--name", required=True)
def tokens_create(name: str) -> None:
    from ..services import tokens as svc

    with session() as s:
        row, token = svc.create(s, name)
    click.echo(f"{token}\n(shown once; id {row.id})")
