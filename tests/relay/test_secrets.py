"""API keys are encrypted at rest and never in Redis, job rows, logs, errors or callbacks."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import inspect, text

from app.db import get_db
from app.redis_conn import get_redis


def _sql_bytes(app) -> bytes:
    """The whole database as bytes: the SQLite files themselves, or every row as text."""
    url = app.config["DATABASE_URL"]
    engine = get_db(app).engine
    if url.startswith("sqlite:///"):
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(FULL)")
        base = Path(url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in base.parent.glob(base.name + "*"))
    chunks = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                chunks.append(repr(tuple(row)).encode())
    return b"\n".join(chunks)


def _redis_bytes(app) -> bytes:
    redis = get_redis(app)
    return b"".join((redis.dump(k) or b"") + k for k in redis.scan_iter(count=1000))


def test_no_api_key_in_sql_redis_logs_errors_or_callbacks(relay, inbox, caplog):
    caplog.set_level(logging.DEBUG)
    key = relay.esqase.new_key("*")
    conn = relay.connection(key=key)
    hook = relay.hook("leads.create", conn, callback_url=inbox.url)
    ok = relay.client.post(hook["path"], json={"type": "PERSON", "lastName": "Doe"}).get_json()
    relay.work(until=lambda: len(inbox.received) == 1)
    relay.esqase.fault("POST", "/v1/leads", status=422)
    bad = relay.client.post(hook["path"], json={"type": "PERSON", "lastName": "Roe"}).get_json()
    relay.work(until=lambda: len(inbox.received) == 2)

    secret = key.encode()
    assert relay.job(ok["id"])["status"] == "succeeded"
    assert secret not in _sql_bytes(relay.app)
    assert secret not in _redis_bytes(relay.app)
    assert key not in caplog.text
    assert all(
        secret not in d["body"] and secret not in repr(d["headers"]).encode()
        for d in inbox.received
    )
    listed = relay.client.get("/api/v1/connections", headers=relay.headers).get_data()
    assert secret not in listed
    assert secret[-4:] in listed  # the last four are shown, on purpose
    assert (
        secret
        not in relay.client.get(f"/api/v1/jobs/{bad['id']}", headers=relay.headers).get_data()
    )


def test_key_is_readable_with_any_rotated_key_and_not_without(make_app):
    from cryptography.fernet import Fernet

    from app.vault import Vault, VaultError

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = Vault([old]).encrypt("esq_live_secret")
    rotated = Vault([new, old])
    assert rotated.decrypt(token) == "esq_live_secret"
    assert Vault([new]).decrypt(rotated.rotate(token)) == "esq_live_secret"
    try:
        Vault([new]).decrypt(token)
    except VaultError as exc:
        assert "esq_live_secret" not in str(exc)
    else:
        raise AssertionError("decrypted without the key")


def test_a_key_sealed_with_a_removed_secret_key_is_a_clear_error(relay, make_app):
    from cryptography.fernet import Fernet

    hook = relay.hook("practice-areas.create")
    other = make_app(SECRET_KEY=Fernet.generate_key().decode())
    check = other.test_client().post(
        f"/api/v1/connections/{hook['connection_id']}/check", headers=relay.headers
    )
    assert check.status_code == 409
    assert "RELAY_SECRET_KEY" in check.get_json()["error"]["message"]

    job_id = other.test_client().post(hook["path"], json={"name": "x"}).get_json()["id"]
    with other.app_context():  # a worker configured without the key that sealed it
        job = type(relay)(other, other.test_client(), relay.esqase).settle(job_id)
    assert job["status"] == "failed"  # nothing was sent; retrying cannot help
    assert "RELAY_SECRET_KEY" in job["error"]["message"]


def test_reencrypt_moves_every_secret_to_the_newest_key(relay, make_app):
    from cryptography.fernet import Fernet

    from app.cli import cli
    from tests.conftest import TEST_FERNET

    hook = relay.hook("leads.create", verify_sender=True)
    newest = Fernet.generate_key().decode()
    rotated = make_app(SECRET_KEY=f"{newest},{TEST_FERNET}")
    with rotated.app_context():  # the CLI uses the app whose context is active
        result = rotated.test_cli_runner().invoke(cli, ["reencrypt"])
    assert result.exit_code == 0, result.output
    assert "re-encrypted 3 secret(s)" in result.output  # API key, callback + sender secrets

    only_new = make_app(SECRET_KEY=newest)
    check = only_new.test_client().post(
        f"/api/v1/connections/{hook['connection_id']}/check", headers=relay.headers
    )
    assert check.status_code == 200, check.get_json()
    assert check.get_json()["data"]["ok"] is True
    with only_new.app_context():
        from app.db import session
        from app.models import Connection, Hook
        from app.vault import get_vault

        with session() as s:
            for conn in s.query(Connection):
                assert get_vault().decrypt(conn.api_key_encrypted)
            for hook in s.query(Hook):
                assert get_vault().decrypt(hook.callback_secret_encrypted).startswith("whsec_")
