"""The deployment files say what the code does: every command line in the Procfile, the
systemd units and the compose file is one the CLI accepts, the compose file is valid YAML
with the services docs/deployment.md describes, and systemd accepts the units. (Docker
cannot run here, so the compose file is checked as YAML, not started.)"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from app.cli import cli

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def _accepted(argv: list[str]) -> None:
    """``esqase-relay ARGV --help`` parses: every option named exists for that command."""
    assert argv[0].endswith("esqase-relay"), argv
    result = CliRunner().invoke(
        cli, [*argv[1:], "--help"], obj=ScriptInfo(create_app=lambda: pytest.fail("built"))
    )
    assert result.exit_code == 0, (argv, result.output)


def _exec_start(unit: Path) -> list[str]:
    [line] = [ln for ln in unit.read_text().splitlines() if ln.startswith("ExecStart=")]
    return shlex.split(line.removeprefix("ExecStart=").replace("%i", "1"))


def test_procfile_runs_serve_and_worker():
    lines = dict(
        line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert set(lines) == {"release", "web", "worker"}
    for command in lines.values():
        argv = shlex.split(command.replace("${PORT:-8000}", "8000"))
        _accepted(argv)
    assert shlex.split(lines["web"])[1] == "serve" and shlex.split(lines["worker"])[1] == "worker"


@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_each_units_command_is_one_the_cli_accepts(unit):
    _accepted(_exec_start(unit))


def test_systemd_accepts_the_units(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("no systemd-analyze here")
    binary = str(Path(sys.executable).parent / "esqase-relay")
    for unit in (DEPLOY / "systemd").iterdir():
        text = unit.read_text().replace("/opt/esqase-relay/venv/bin/esqase-relay", binary)
        (tmp_path / unit.name).write_text(text)
    checked = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr


def test_the_compose_file_has_the_guides_shape():
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", "web1", "web2", "worker", "lb"}
    relay = {name: s for name, s in services.items() if s.get("image") == "esqase-relay:local"}
    assert set(relay) == {"migrate", "web1", "web2", "worker"}
    for service in relay.values():
        _accepted(service["command"])
        env = service["environment"]
        assert env["RELAY_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert env["RELAY_REDIS_URL"] == "redis://redis:6379/0"
    assert services["worker"]["deploy"]["replicas"] == 2
    for web in ("web1", "web2"):
        assert services[web]["command"][1] == "serve"
        assert services[web]["environment"]["PROMETHEUS_MULTIPROC_DIR"]
    upstreams = re.findall(r"web\d:8000", " ".join(services["lb"]["command"]))
    assert upstreams == ["web1:8000", "web2:8000"]
    assert "noeviction" in services["redis"]["command"]
