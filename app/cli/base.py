"""The ``esqase-relay`` command group, and what its commands share.

A plain click group (Flask's :class:`~flask.cli.AppGroup`, not ``FlaskGroup``):
``--help`` builds no app and Flask's own ``--app``/``--env-file`` options do not
appear. A command that needs the app gets it on first use, from
:func:`app.create_app`, or from the test runner's ``ScriptInfo``.
"""

from __future__ import annotations

import json
import sys
from contextlib import AbstractContextManager
from typing import Any

import click
from flask.cli import AppGroup, ScriptInfo
from sqlalchemy.orm import Session

from .. import __version__


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def session() -> AbstractContextManager[Session]:
    from ..db import session as db_session

    return db_session()


@click.group(cls=AppGroup)
@click.version_option(__version__, prog_name="esqase-relay", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Esqase Relay: hook URLs for no-code tools, writing into Esqase."""
    if ctx.obj is None:
        from .. import create_app

        ctx.obj = ScriptInfo(create_app=lambda: create_app())


def main() -> None:
    from ..errors import RelayError

    try:
        cli(prog_name="esqase-relay")
    except RelayError as exc:
        # The same sentence and details the admin API would answer with, no traceback.
        click.echo(json.dumps(exc.body(), indent=2), err=True)
        sys.exit(1)
