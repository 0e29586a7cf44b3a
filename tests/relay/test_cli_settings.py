"""The CLI takes a running dev stack's settings as defaults, and only when they fit:
never over a RELAY_* variable, never into another stack, never from a dead dev."""

from __future__ import annotations

import json
import os
import stat
import subprocess

import pytest

from app import devsettings


@pytest.fixture
def instance(tmp_path, monkeypatch):
    monkeypatch.setenv("RELAY_INSTANCE_PATH", str(tmp_path))
    return tmp_path


DEV = {
    "RELAY_ESQASE_BASE_URL": "http://127.0.0.1:8100",
    "RELAY_ADMIN_TOKEN": "dev_token",
    "RELAY_ALLOW_PRIVATE_CALLBACKS": "true",
}


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_running_devs_settings_fill_what_is_not_set(instance):
    devsettings.write(instance, DEV)
    environ = {"RELAY_ADMIN_TOKEN": "mine"}
    taken = devsettings.use_dev_settings(environ)
    assert environ["RELAY_ESQASE_BASE_URL"] == "http://127.0.0.1:8100"
    assert environ["RELAY_ADMIN_TOKEN"] == "mine"
    assert "RELAY_ADMIN_TOKEN" not in taken and "RELAY_ALLOW_PRIVATE_CALLBACKS" in taken


@pytest.mark.parametrize("other", ["RELAY_DATABASE_URL", "RELAY_REDIS_URL"])
def test_another_stacks_database_or_redis_leaves_the_dev_file_alone(instance, other):
    devsettings.write(instance, DEV)
    environ = {other: "postgresql+psycopg://db.example/relay"}
    assert devsettings.use_dev_settings(environ) == {}
    assert set(environ) == {other}


def test_a_dead_devs_file_is_ignored(instance):
    path = devsettings.write(instance, DEV)
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "pid": _dead_pid()}))
    assert devsettings.use_dev_settings({}) == {}


def test_an_unreadable_file_is_ignored(instance):
    (instance / devsettings.SETTINGS_FILE).write_text("{not json")
    assert devsettings.use_dev_settings({}) == {}


def test_the_file_is_its_owners_alone_and_removed_only_by_its_writer(instance):
    path = devsettings.write(instance, DEV)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.write_text(json.dumps({"pid": os.getpid() + 1, "env": DEV}))  # another dev's now
    devsettings.remove(instance)
    assert path.exists()
    devsettings.write(instance, DEV)
    devsettings.remove(instance)
    assert not path.exists()


def test_one_dev_per_instance_folder(instance):
    held = devsettings.lock(instance)
    try:
        with pytest.raises(devsettings.AlreadyRunning) as refused:
            devsettings.lock(instance)
        assert refused.value.holder == f"pid {os.getpid()}"
    finally:
        held.close()
    devsettings.lock(instance).close()  # free again once the holder is gone
