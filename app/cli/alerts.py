"""Alerts from a terminal: the secret receivers verify with, and one evaluation now."""

from __future__ import annotations

import click

from .base import cli, echo_json


@cli.group("alerts")
def alerts_group() -> None:
    """Signed alert.* events to RELAY_ALERT_URL."""


@alerts_group.command("secret")
@click.option("--new", "new", is_flag=True, help="Print a fresh secret for RELAY_ALERT_SECRET.")
def alerts_secret(new: bool) -> None:
    """Print the whsec_ secret alerts are signed with, for the receiver to verify them."""
    from flask import current_app

    from ..alerts import alert_secret
    from ..callbacks import new_secret

    if new:
        click.echo(new_secret())
        return
    click.echo(alert_secret(current_app))
    if not current_app.config["ALERT_SECRET"]:
        click.echo(
            "(derived from RELAY_SECRET_KEY: it changes when a new key is put in front; "
            "set RELAY_ALERT_SECRET to keep it fixed)",
            err=True,
        )


@alerts_group.command("check")
def alerts_check() -> None:
    """Evaluate the alert conditions now and send what opened (a worker does this every
    RELAY_ALERT_INTERVAL seconds)."""
    from ..alerts import check_once

    report = check_once(force=True)
    if report is None:
        raise click.ClickException("RELAY_ALERT_URL is not set: there is nowhere to send alerts.")
    echo_json(vars(report))
