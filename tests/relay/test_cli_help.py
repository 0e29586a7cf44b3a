"""The CLI explains itself: every command and option has a sentence of help, --version is
the relay's, no framework option leaks in, and --help works without building an app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from app import __version__
from app.cli import cli

ROOT = Path(__file__).resolve().parents[2]
# What FlaskGroup would add: none of it means anything for this tool.
FRAMEWORK = {"-A", "--app", "-e", "--env-file", "--debug", "--no-debug"}


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


COMMANDS = list(_commands(cli))


def _ids():
    return [" ".join(path) for path, _ in COMMANDS]


def test_the_tree_has_the_commands_an_operator_needs():
    names = set(_ids())
    for wanted in (
        "jobs list",
        "jobs show",
        "jobs retry",
        "tokens create",
        "tokens list",
        "tokens revoke",
        "hooks update",
        "hooks disable",
        "hooks enable",
        "hooks delete",
        "hooks rotate",
        "connections update",
        "connections delete",
        "connections check",
    ):
        assert wanted in names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=_ids())
def test_every_command_and_option_has_a_sentence_of_help(path, command):
    assert len((command.help or "").split()) >= 3, f"{' '.join(path)} has no help"
    assert command.get_short_help_str().strip()
    for param in command.params:
        if isinstance(param, click.Option):
            assert (param.help or "").strip(), f"{' '.join(path)} {param.opts} has no help"
            assert not FRAMEWORK & set(param.opts + param.secondary_opts)


def _no_app() -> None:
    pytest.fail("--help built an app")


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=_ids())
def test_every_help_page_prints_and_names_no_framework_option(path, command):
    result = CliRunner().invoke(cli, [*path, "--help"], obj=ScriptInfo(create_app=_no_app))
    assert result.exit_code == 0, result.output
    words = set(result.output.replace(",", " ").split())
    assert not FRAMEWORK & words, FRAMEWORK & words


def test_commands_that_print_data_take_json():
    takes = {" ".join(p) for p, c in COMMANDS if any(o.name == "as_json" for o in c.params)}
    for path in (
        "actions list",
        "actions show",
        "config",
        "connections add",
        "connections check",
        "connections list",
        "connections show",
        "connections update",
        "hooks add",
        "hooks list",
        "hooks rotate",
        "hooks show",
        "hooks update",
        "jobs list",
        "jobs show",
        "tokens create",
        "tokens list",
        "tokens revoke",
    ):
        assert path in takes


def test_destructive_commands_take_yes():
    takes = {" ".join(p) for p, c in COMMANDS if any(o.name == "yes" for o in c.params)}
    assert {
        "hooks delete",
        "hooks rotate",
        "connections delete",
        "tokens revoke",
        "purge",
    } <= takes


def test_version_is_the_relays():
    result = CliRunner().invoke(cli, ["--version"], obj=ScriptInfo(create_app=_no_app))
    assert result.exit_code == 0
    assert result.output == f"esqase-relay {__version__}\n"


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RELAY_")}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_builds_no_app(tmp_path):
    """A setting the app cannot parse breaks every command that builds it, not --help."""
    broken = {"RELAY_MAX_BODY_BYTES": "lots", "RELAY_INSTANCE_PATH": str(tmp_path)}
    assert _run("hooks", "list", **broken).returncode != 0  # the app really cannot be built
    for args in (["--help"], ["hooks", "rotate", "--help"]):
        result = _run(*args, **broken)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
