"""RELAY_SECRET_KEY stands for three keys derived with HKDF; none is used for two jobs.

Values sealed before the derivation (under a configured key itself) still open,
and `esqase-relay reencrypt` moves them to the derived key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select, update

from app.cli import cli
from app.db import session
from app.models import Connection, Hook
from app.vault import (
    ENCRYPTION_INFO,
    FINGERPRINT_INFO,
    SIGNING_INFO,
    Vault,
    VaultError,
    derive,
    get_vault,
)
from tests.conftest import TEST_FERNET

KAT_KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()  # bytes 0..31


def _rfc5869_sha256(ikm: bytes, info: bytes) -> bytes:
    """HKDF-SHA256 with no salt and 32 bytes out, written from RFC 5869 with the stdlib."""
    prk = hmac.new(b"\0" * 32, ikm, hashlib.sha256).digest()  # extract: salt = HashLen zeros
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()  # expand: one block


def test_derivation_known_answers() -> None:
    keys = derive(KAT_KEY)
    assert keys.encryption == b"AQNesXOnGdcw33AXLClM-R5E-qO-43XAIMaEfDGEjQs="
    assert keys.signing.hex() == (
        "c7566617e861fd3344bf85726fbbcf6fb05e0c0defc15efcdaadf6fe376034d6"
    )
    assert keys.fingerprint.hex() == (
        "f1406910f9010ade48ea786b2d008979b0d92739e84776e8c6ad67fdf65f870a"
    )


def test_derivation_is_hkdf_sha256_over_the_key_bytes_with_one_label_per_use() -> None:
    material = bytes(range(32))
    keys = derive(KAT_KEY)
    assert base64.urlsafe_b64decode(keys.encryption) == _rfc5869_sha256(material, ENCRYPTION_INFO)
    assert keys.signing == _rfc5869_sha256(material, SIGNING_INFO)
    assert keys.fingerprint == _rfc5869_sha256(material, FINGERPRINT_INFO)
    assert ENCRYPTION_INFO == b"esqase-relay encryption v1"


def test_the_three_keys_differ_from_each_other_and_from_the_configured_key() -> None:
    keys = derive(TEST_FERNET)
    encryption = base64.urlsafe_b64decode(keys.encryption)
    configured = base64.urlsafe_b64decode(TEST_FERNET)
    assert len({encryption, keys.signing, keys.fingerprint, configured}) == 4


def test_each_configured_key_derives_its_own_keys() -> None:
    other = Fernet.generate_key().decode()
    assert derive(other).encryption != derive(TEST_FERNET).encryption
    assert derive(other).signing != derive(TEST_FERNET).signing


def test_new_values_are_sealed_under_the_derived_key_not_the_configured_one() -> None:
    token = Vault([TEST_FERNET]).encrypt("esq_live_secret")
    assert Fernet(derive(TEST_FERNET).encryption).decrypt(token) == b"esq_live_secret"
    with pytest.raises(InvalidToken):
        Fernet(TEST_FERNET.encode()).decrypt(token)


def test_a_value_sealed_the_old_way_still_opens() -> None:
    legacy = Fernet(TEST_FERNET.encode()).encrypt(b"esq_live_secret")  # before HKDF
    assert Vault([TEST_FERNET]).decrypt(legacy) == "esq_live_secret"
    newest = Fernet.generate_key().decode()
    assert Vault([newest, TEST_FERNET]).decrypt(legacy) == "esq_live_secret"


def test_rotate_moves_an_old_way_value_to_the_newest_derived_key() -> None:
    newest = Fernet.generate_key().decode()
    legacy = Fernet(TEST_FERNET.encode()).encrypt(b"esq_live_secret")
    rotated = Vault([newest, TEST_FERNET]).rotate(legacy)
    assert Fernet(derive(newest).encryption).decrypt(rotated) == b"esq_live_secret"
    assert Vault([newest]).decrypt(rotated) == "esq_live_secret"
    with pytest.raises(VaultError):
        Vault([newest]).decrypt(legacy)


def test_rotate_of_a_value_no_key_opens_is_a_vault_error() -> None:
    stranger = Fernet(Fernet.generate_key()).encrypt(b"x")
    with pytest.raises(VaultError):
        Vault([TEST_FERNET]).rotate(stranger)


def test_a_key_that_is_not_a_fernet_key_is_refused_with_how_to_make_one() -> None:
    with pytest.raises(ValueError, match="Fernet.generate_key"):
        Vault(["not-a-key"])
    short = base64.urlsafe_b64encode(b"x" * 16).decode()
    with pytest.raises(ValueError, match="RELAY_SECRET_KEY"):
        Vault([TEST_FERNET, short])


# --- in the app ------------------------------------------------------------------


def test_flask_signs_cookies_with_the_derived_signing_key(app) -> None:
    signing = app.config["SECRET_KEY"]
    assert signing == app.secret_key == derive(TEST_FERNET).signing
    assert signing != TEST_FERNET and signing != TEST_FERNET.encode()
    assert signing != derive(TEST_FERNET).encryption
    assert get_vault().signing_key == signing


def test_the_session_cookie_does_not_verify_under_the_configured_key(app, client) -> None:
    token = _csrf(client)
    response = client.post(
        "/dashboard/login", data={"csrf_token": token, "token": app.config["ADMIN_TOKEN"]}
    )
    assert response.status_code == 302
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert app.session_interface.get_signing_serializer(app).loads(cookie)["dashboard_auth"]

    app.secret_key = TEST_FERNET  # as the relay signed cookies before the derivation
    from itsdangerous import BadSignature

    with pytest.raises(BadSignature):
        app.session_interface.get_signing_serializer(app).loads(cookie)


def test_the_bootstrap_fingerprint_uses_the_derived_fingerprint_key(app, client) -> None:
    bootstrap = app.config["ADMIN_TOKEN"]
    client.post("/dashboard/login", data={"csrf_token": _csrf(client), "token": bootstrap})
    # The sign-in's record keeps the credential; the cookie holds only its id.
    from sqlalchemy import select

    from app.db import get_db
    from app.models_dashboard import DashboardSession

    with get_db().session() as s:
        credential = s.scalar(select(DashboardSession.credential))
    message = b"dashboard-bootstrap\0" + bootstrap.encode()

    def mac(key: bytes) -> str:
        return "bootstrap:" + hmac.new(key, message, hashlib.sha256).hexdigest()[:32]

    assert credential == mac(derive(TEST_FERNET).fingerprint)
    assert credential != mac(app.secret_key)  # not the cookie-signing key
    assert credential != mac(TEST_FERNET.encode())  # not the configured key


def _csrf(client) -> str:
    import re

    page = client.get("/dashboard/login").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    return match.group(1)


def _seal_the_old_way(conn_id: str, hook_id: str) -> None:
    """Rewrite the stored secrets as the relay sealed them before HKDF: under the key itself."""
    old = Fernet(TEST_FERNET.encode())
    vault = get_vault()
    with session() as s:
        conn = s.get(Connection, conn_id)
        hook = s.get(Hook, hook_id)
        assert conn is not None and hook is not None and hook.sender_secret_encrypted
        conn.api_key_encrypted = old.encrypt(vault.decrypt(conn.api_key_encrypted).encode())
        for column in ("callback_secret_encrypted", "sender_secret_encrypted"):
            plain = vault.decrypt(getattr(hook, column))
            setattr(hook, column, old.encrypt(plain.encode()))


def _stored(conn_id: str, hook_id: str) -> list[bytes]:
    with session() as s:
        conn = s.get(Connection, conn_id)
        hook = s.get(Hook, hook_id)
        assert conn is not None and hook is not None and hook.sender_secret_encrypted
        hook_secrets = [hook.callback_secret_encrypted, hook.sender_secret_encrypted]
        return [conn.api_key_encrypted, *hook_secrets]


def test_reencrypt_moves_old_way_secrets_to_the_derived_key(relay, runner) -> None:
    hook = relay.hook("practice-areas.create", verify_sender=True)
    _seal_the_old_way(hook["connection_id"], hook["id"])
    old, derived = Fernet(TEST_FERNET.encode()), Fernet(derive(TEST_FERNET).encryption)
    for token in _stored(hook["connection_id"], hook["id"]):
        old.decrypt(token)  # the set-up really is the old scheme
    check = relay.client.post(
        f"/api/v1/connections/{hook['connection_id']}/check", headers=relay.headers
    )
    assert check.status_code == 200 and check.get_json()["data"]["ok"] is True

    result = runner.invoke(cli, ["reencrypt"])
    assert result.exit_code == 0, result.output
    assert "re-encrypted 3 secret(s)" in result.output

    for token in _stored(hook["connection_id"], hook["id"]):
        assert derived.decrypt(token)
        with pytest.raises(InvalidToken):
            old.decrypt(token)
    check = relay.client.post(
        f"/api/v1/connections/{hook['connection_id']}/check", headers=relay.headers
    )
    assert check.status_code == 200 and check.get_json()["data"]["ok"] is True


def test_reencrypt_with_a_secret_no_key_opens_changes_nothing_and_names_it(relay, runner):
    first = relay.hook("practice-areas.create")
    second = relay.hook("leads.create")
    with session() as s:
        s.execute(
            update(Hook)
            .where(Hook.id == second["id"])
            .values(callback_secret_encrypted=Fernet(Fernet.generate_key()).encrypt(b"whsec_x"))
        )
        before = list(s.scalars(select(Connection.api_key_encrypted).order_by(Connection.id)))

    result = runner.invoke(cli, ["reencrypt"])
    assert result.exit_code == 1  # the relay's error, said as a sentence (no traceback)
    assert f"hook {second['id']} (callback secret)" in result.stderr
    assert first["id"] not in result.stderr
    with session() as s:
        after = list(s.scalars(select(Connection.api_key_encrypted).order_by(Connection.id)))
    assert after == before  # all or nothing: the readable ones were not re-sealed either
