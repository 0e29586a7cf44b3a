"""What a running ``esqase-relay dev`` tells the other terminals of its checkout.

``make dev`` makes up most of its settings (an embedded Redis on a unix socket, the
sandbox's URL, a fresh admin token, loopback callbacks allowed). A CLI started in a
second terminal knows none of them, and would store ``https://api.esqase.com`` as a
new connection's base URL or refuse a loopback callback the dev web app accepts. So
the dev stack writes them to ``<instance>/dev-settings.json`` (mode 0600: it holds the
admin token) and every CLI command takes them as defaults:

- only while that dev process lives (the file names its pid; a file left by a killed
  dev is ignored), and the file is removed when dev stops;
- never over a ``RELAY_*`` variable that is set, and not at all when the environment
  names a database or Redis of its own: that is another stack, and half of one
  stack's settings over another's would write dev URLs into it.

``instance/dev.lock`` (held with ``flock`` for dev's lifetime) keeps a second dev off
the same instance folder: two would share the SQLite file and each rewrite the demo
connection to its own sandbox.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import IO, Any

SETTINGS_FILE = "dev-settings.json"
LOCK_FILE = "dev.lock"
# Set in the environment, these name another stack: the dev file is then left alone.
OTHER_STACK = ("RELAY_DATABASE_URL", "RELAY_REDIS_URL")


def instance_path() -> Path:
    """The folder :func:`app.create_app` uses, found without building an app."""
    configured = os.environ.get("RELAY_INSTANCE_PATH")
    if configured:
        return Path(configured)
    from flask import Flask

    return Path(Flask("app").instance_path)


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive, though not ours to signal
    return True


def read(instance: Path) -> dict[str, str] | None:
    """The running dev stack's settings, or None (no dev, a dead one, an unreadable file)."""
    try:
        data = json.loads((instance / SETTINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not _alive(data.get("pid")):
        return None
    env = data.get("env")
    if not isinstance(env, dict):
        return None
    return {str(k): str(v) for k, v in env.items() if str(k).startswith("RELAY_")}


def use_dev_settings(environ: Any = None) -> dict[str, str]:
    """Put the running dev stack's settings into ``environ`` where nothing is set;
    returns what was taken."""
    environ = os.environ if environ is None else environ
    if any(environ.get(name) for name in OTHER_STACK):
        return {}
    settings = read(instance_path()) or {}
    taken = {k: v for k, v in settings.items() if k not in environ}
    environ.update(taken)
    return taken


def write(instance: Path, env: dict[str, str]) -> Path:
    """Atomically, created 0600 (never readable by others, not even for an instant)."""
    path = instance / SETTINGS_FILE
    tmp = instance / f".{SETTINGS_FILE}.{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"pid": os.getpid(), "env": env}, out, indent=2)
    os.replace(tmp, path)
    return path


def remove(instance: Path) -> None:
    """Remove the file if it is still this process's."""
    path = instance / SETTINGS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(data, dict) and data.get("pid") == os.getpid():
        path.unlink(missing_ok=True)


class AlreadyRunning(Exception):
    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


def lock(instance: Path) -> IO[str]:
    """Hold ``dev.lock`` until the returned file is closed (or the process ends);
    raises :class:`AlreadyRunning` with what the holder wrote when another dev has it."""
    instance.mkdir(parents=True, exist_ok=True)
    handle = open(instance / LOCK_FILE, "a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        raise AlreadyRunning(holder) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}\n")
    handle.flush()
    return handle


def describe_holder(holder: str, instance: Path) -> str:
    """'pid 123, web http://127.0.0.1:8000' from the lock and the settings file."""
    settings = read(instance) or {}
    web = settings.get("RELAY_PUBLIC_URL")
    return ", ".join(p for p in (holder or "pid unknown", f"web {web}" if web else "") if p)
