from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta, timezone

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from app.callbacks import InvalidSecret, new_secret, sign_headers

SECRET = "whsec_" + base64.b64encode(b"esqase-relay-test-key-24").decode()
BODY = b'{"type":"job.succeeded","timestamp":"2024-01-02T03:04:05.000Z","data":{"id":"j1"}}'


def expected_signature(secret: str, msg_id: str, ts: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{ts}.{body.decode()}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def test_known_answer_computed_by_hand() -> None:
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    headers = sign_headers(SECRET, "evt_1", when, BODY)
    assert headers == {
        "webhook-id": "evt_1",
        "webhook-timestamp": "1704164645",
        "webhook-signature": expected_signature(SECRET, "evt_1", 1704164645, BODY),
    }


def test_standard_webhooks_reference_vector() -> None:
    # The vector used by the Standard Webhooks / Svix reference test suites.
    headers = sign_headers(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        datetime.fromtimestamp(1614265330, tz=timezone.utc),
        b'{"test": 2432232314}',
    )
    assert headers["webhook-signature"] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_non_utc_timestamp_is_converted_not_relabelled() -> None:
    plus_two = timezone(timedelta(hours=2))
    when = datetime(2024, 1, 2, 5, 4, 5, tzinfo=plus_two)  # 03:04:05 UTC
    headers = sign_headers(SECRET, "evt_1", when, BODY)
    assert headers["webhook-timestamp"] == "1704164645"
    assert headers["webhook-signature"] == expected_signature(SECRET, "evt_1", 1704164645, BODY)


def test_naive_timestamp_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sign_headers(SECRET, "evt_1", datetime(2024, 1, 2), BODY)


def test_fresh_signature_verifies_with_standardwebhooks() -> None:
    headers = sign_headers(SECRET, "evt_1", datetime.now(timezone.utc), BODY)
    assert Webhook(SECRET).verify(BODY, headers)["data"] == {"id": "j1"}


@pytest.mark.parametrize(
    ("secret", "body", "age"),
    [
        pytest.param(SECRET, BODY.replace(b"j1", b"j2"), timedelta(0), id="tampered-body"),
        pytest.param(new_secret(), BODY, timedelta(0), id="wrong-secret"),
        pytest.param(SECRET, BODY, timedelta(minutes=10), id="stale-timestamp"),
    ],
)
def test_verification_fails(secret: str, body: bytes, age: timedelta) -> None:
    headers = sign_headers(SECRET, "evt_1", datetime.now(timezone.utc) - age, BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, headers)


def test_new_secret_shape() -> None:
    first, second = new_secret(), new_secret()
    assert first.startswith("whsec_") and first != second
    assert len(base64.b64decode(first.removeprefix("whsec_"), validate=True)) == 24
    headers = sign_headers(first, "evt_1", datetime.now(timezone.utc), BODY)
    Webhook(first).verify(BODY, headers)


def test_unusable_secret_is_a_value_error() -> None:
    with pytest.raises(InvalidSecret):
        sign_headers("whsec_", "evt_1", datetime.now(timezone.utc), BODY)
