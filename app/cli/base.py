"""The ``esqase-relay`` command group, and the conventions its commands share.

A plain click group (Flask's :class:`~flask.cli.AppGroup`, not ``FlaskGroup``):
``--help`` builds no app and Flask's own ``--app``/``--env-file`` options do not
appear. A command that needs the app gets it on first use, from
:func:`app.create_app`, or from the test runner's ``ScriptInfo``.

Conventions, so every command reads the same to a person and to a script:

- **Settings**: while ``esqase-relay dev`` runs, its settings are every command's
  defaults (see :mod:`app.devsettings`), so a second terminal talks to the same stack.
- **Output**: a person gets aligned columns (:func:`table`) or ``name  value`` lines
  (:func:`fields`); ``--json`` (:func:`json_option`) prints what the admin API's ``data``
  holds instead. Use :func:`emit` to do one or the other.
- **Destructive commands** take ``--yes`` (:func:`yes_option`) and call :func:`confirm`
  first: it asks in a terminal and refuses to guess anywhere else.
- **Every command and option has help**: a sentence a newcomer can act on
  (``tests/relay/test_cli_help.py`` walks the tree and fails on a missing one).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

import click
from flask.cli import AppGroup, ScriptInfo

from .. import __version__

if TYPE_CHECKING:  # --help must not pay for SQLAlchemy
    from sqlalchemy.orm import Session

F = TypeVar("F", bound=Callable[..., Any])


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def session() -> AbstractContextManager[Session]:
    from ..db import session as db_session

    return db_session()


def _remember_json(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    ctx.meta["relay.json"] = value  # meta is shared along the chain: errors print alike
    return value


def json_option(fn: F) -> F:
    """``--json``: the command's data as JSON (the admin API's shapes) instead of columns."""
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        callback=_remember_json,
        help="Print JSON for scripts instead of columns.",
    )(fn)


def yes_option(fn: F) -> F:
    return click.option(
        "--yes",
        "-y",
        is_flag=True,
        help="Do it without asking (required when not run from a terminal).",
    )(fn)


def confirm(question: str, yes: bool) -> None:
    """Ask before a change that cannot be undone. Without a terminal there is nobody to
    ask, and guessing either way is wrong: refuse and say how to mean it."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise click.UsageError(f"{question} Refusing without --yes: nobody is here to answer.")
    click.confirm(question, abort=True)


def shown(value: Any) -> str:
    """One cell: nothing is '-', a flag is yes/no, a list is comma-separated."""
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, empty: str) -> None:
    """Aligned columns; the last column is never padded (it may be long, e.g. a URL)."""
    if not rows:
        click.echo(empty)
        return
    cells = [list(headers)] + [[shown(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        padded = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        click.echo("  ".join(padded).rstrip())


def fields(pairs: Sequence[tuple[str, Any]]) -> None:
    """``name  value`` lines, names aligned."""
    width = max((len(name) for name, _ in pairs), default=0)
    for name, value in pairs:
        click.echo(f"{name.ljust(width)}  {shown(value)}")


def emit(data: Any, as_json: bool, human: Callable[[Any], None]) -> None:
    if as_json:
        echo_json(data)
    else:
        human(data)


class RelayGroup(AppGroup):
    """A relay error ends a command with its sentence and exit status 1, never a traceback:
    the same words the admin API would answer with (as JSON under ``--json``)."""

    def invoke(self, ctx: click.Context) -> Any:
        from ..errors import RelayError

        try:
            return super().invoke(ctx)
        except RelayError as exc:
            report(exc, as_json=bool(ctx.meta.get("relay.json")))
            ctx.exit(1)


@click.group(cls=RelayGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__,
    "--version",
    prog_name="esqase-relay",
    message="%(prog)s %(version)s",
    help="Print the relay's version and exit.",
)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Esqase Relay: hook URLs for no-code tools, writing into Esqase.

    Settings come from RELAY_* environment variables; while `esqase-relay dev` runs in
    this checkout, its settings are the defaults (see `esqase-relay config`).
    """
    if ctx.obj is None:
        from .. import create_app
        from ..devsettings import use_dev_settings

        if ctx.invoked_subcommand != "dev":  # dev writes them; it must not read old ones
            ctx.meta["relay.dev_settings"] = use_dev_settings()
        ctx.obj = ScriptInfo(create_app=lambda: create_app(web=False))


def main() -> None:
    cli(prog_name="esqase-relay")


def report(exc: Any, *, as_json: bool) -> None:
    """A relay error on stderr: its JSON body for scripts, else sentences for a person."""
    if as_json:
        click.echo(json.dumps(exc.body(), indent=2), err=True)
        return
    click.echo(f"Error: {exc.message}", err=True)
    for detail in exc.details:
        where = detail.get("path") or detail.get("field") or ""
        click.echo(f"  {where}: {detail.get('message')}" if where else f"  {detail}", err=True)
