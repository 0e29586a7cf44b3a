"""``esqase-relay config``: the settings a command would run with, and where each came from."""

from __future__ import annotations

import os
from typing import Any

import click
from flask import current_app

from .base import cli, emit, json_option, table

SECRET = ("ADMIN_TOKEN",)
URLS = ("DATABASE_URL", "REDIS_URL")
# Read with a default where they are used rather than in app/config.py's DEFAULTS.
ELSEWHERE = {"INGEST_RATE_LIMIT": 600}


def _shown(name: str, value: Any) -> Any:
    if name == "SECRET_KEY":  # the app holds a key derived from it by now, never the key
        raw = os.environ.get("RELAY_SECRET_KEY")
        if raw:
            return f"set ({len([k for k in raw.split(',') if k.strip()])} key(s))"
        return f"generated: {os.path.join(current_app.instance_path, 'secret.key')}"
    if value is None:
        return None
    if name in SECRET:
        return f"set (...{str(value)[-4:]})"
    if name in URLS:
        from sqlalchemy.engine import make_url

        try:
            return make_url(str(value)).render_as_string(hide_password=True)
        except Exception:  # noqa: BLE001 - a Redis URL is not always SQLAlchemy's idea of one
            return str(value)
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return value


def _source(name: str, dev: dict[str, str]) -> str:
    variable = f"RELAY_{name}"
    if variable in dev:
        return "make dev"
    if variable in os.environ:
        return "environment"
    return "default"


@cli.command("config", short_help="Show the settings in use, and their source.")
@json_option
@click.pass_context
def config_cmd(ctx: click.Context, as_json: bool) -> None:
    """Show each RELAY_* setting this checkout's commands use, and where it came from.

    "make dev" means taken from a running `esqase-relay dev` (instance/dev-settings.json),
    because no RELAY_* variable named a database or Redis of its own. Secrets show only
    their last four characters.
    """
    from ..config import DEFAULTS

    dev: dict[str, str] = ctx.meta.get("relay.dev_settings", {})
    cfg = current_app.config
    names = sorted({*DEFAULTS, *ELSEWHERE})
    rows = [
        {
            "name": f"RELAY_{name}",
            "value": _shown(name, cfg.get(name, ELSEWHERE.get(name))),
            "source": _source(name, dev),
        }
        for name in names
    ]
    rows.append(
        {
            "name": "RELAY_INSTANCE_PATH",
            "value": current_app.instance_path,
            "source": "environment" if "RELAY_INSTANCE_PATH" in os.environ else "default",
        }
    )
    emit(
        rows,
        as_json,
        lambda rs: table(
            ["SETTING", "FROM", "VALUE"],
            [[r["name"], r["source"], r["value"]] for r in rs],
            empty="no settings",
        ),
    )
