"""In a terminal, a destructive command asks first: 'n' leaves everything as it was,
'y' goes ahead. A real pseudo-terminal, since a pipe is rightly refused outright."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import RUN, TEST_FERNET

ROOT = Path(__file__).resolve().parents[2]


def _in_a_terminal(args: list[str], answer: str, env: dict[str, str]) -> tuple[int, str]:
    leader, follower = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        cwd=ROOT,
        close_fds=True,
    )
    os.close(follower)
    seen, answered = b"", False
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(leader, 4096)
                except OSError:  # the child closed its end
                    break
                if not chunk:
                    break
                seen += chunk
            if not answered and b"[y/N]" in seen:
                os.write(leader, answer.encode() + b"\n")
                answered = True
            if proc.poll() is not None and not ready:
                break
        return proc.wait(30), seen.decode(errors="replace")
    finally:
        os.close(leader)
        if proc.poll() is None:
            proc.kill()


@pytest.fixture
def env(migrated, redis_url, tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RELAY_")}
    return {
        **clean,
        "PYTHONPATH": str(ROOT),
        "RELAY_INSTANCE_PATH": str(tmp_path / "instance"),
        "RELAY_DATABASE_URL": migrated,
        "RELAY_REDIS_URL": redis_url,
        "RELAY_SECRET_KEY": TEST_FERNET,
        "RELAY_REDIS_PREFIX": RUN,
        "RELAY_QUEUE_PREFIX": f"{RUN}-",
        "RELAY_PUBLIC_URL": "http://relay.test",
    }


@pytest.mark.slow
def test_no_leaves_the_hook_and_yes_deletes_it(relay, env):
    hook = relay.hook("practice-areas.create")
    code, said = _in_a_terminal(["hooks", "delete", hook["id"]], "n", env)
    assert code == 1 and "Aborted" in said, said
    assert f"Delete hook {hook['id']}" in said
    assert relay.client.post(hook["path"], json={"name": "x"}).status_code == 202

    code, said = _in_a_terminal(["hooks", "delete", hook["id"]], "y", env)
    assert code == 0, said
    assert relay.client.post(hook["path"], json={"name": "x"}).status_code == 404
