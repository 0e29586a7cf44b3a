"""Sender signatures: the providers' published vectors as known-answer tests, and every
way a header can be wrong.

Vectors: tests/fixtures/providers/vectors.json, each entry naming its source (Typeform's
SDK tests `Typeform/js-api-client` tests/unit/verify-signature.test.ts and
express-middleware.test.ts; trigger.dev's Typeform integration test over Typeform's
documented example payload; Standard Webhooks' own library tests; Tally publishes none,
so its vectors are a third-party verifier's constructed ones and one computed over
Tally's documented example). See tests/fixtures/providers/SOURCES.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from app.ingest import senders
from app.ingest.senders import BadSignature, Signature, verify

PROVIDERS = Path(__file__).resolve().parents[1] / "fixtures" / "providers"
VECTORS: list[dict[str, Any]] = json.loads((PROVIDERS / "vectors.json").read_text())["vectors"]


def _body(vector: dict[str, Any]) -> bytes:
    if "body_file" in vector:
        return (PROVIDERS / vector["body_file"]).read_bytes()
    return str(vector["body"]).encode("utf-8")


def _headers(vector: dict[str, Any]) -> list[tuple[str, str]]:
    if "headers" in vector:
        return list(vector["headers"].items())
    return [(vector["header"], vector["expected_signature"])]


def _now(vector: dict[str, Any]) -> float | None:
    """Standard Webhooks vectors are years old: the clock is pinned to their timestamp."""
    stamp = (vector.get("headers") or {}).get("webhook-timestamp")
    return float(stamp) if stamp else None


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_published_vectors(vector: dict[str, Any]) -> None:
    def check() -> None:
        verify(
            vector["scheme"], vector["secret"], _body(vector), _headers(vector), now=_now(vector)
        )

    if vector["valid"]:
        check()
    else:
        with pytest.raises(BadSignature):
            check()


@pytest.mark.parametrize(
    "vector", [v for v in VECTORS if v["valid"]], ids=[v["name"] for v in VECTORS if v["valid"]]
)
def test_one_changed_byte_of_the_body_fails_every_vector(vector: dict[str, Any]) -> None:
    body = _body(vector) + b" "
    with pytest.raises(BadSignature):
        verify(vector["scheme"], vector["secret"], body, _headers(vector), now=_now(vector))


def test_the_signature_is_over_the_raw_bytes_not_a_reparsed_body() -> None:
    """Typeform signs the bytes it sent: the same JSON laid out differently is another text."""
    [vector] = [v for v in VECTORS if v["name"] == "typeform-docs-example-trigger-dev"]
    pretty = (PROVIDERS / "typeform" / "form_response_docs_2023.json").read_bytes()
    assert json.loads(pretty) == json.loads(_body(vector))
    with pytest.raises(BadSignature):
        verify("typeform", vector["secret"], pretty, _headers(vector))


def test_standard_webhooks_agrees_with_the_reference_package() -> None:
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    now = datetime.now(UTC)
    body = '{"type": "PERSON", "lastName": "Lovelace", "note": "héllo"}'
    signature = Webhook(secret).sign("msg_2", now, body)
    headers = [
        ("webhook-id", "msg_2"),
        ("webhook-timestamp", str(int(now.timestamp()))),
        ("webhook-signature", f"v1a,ignored {signature}"),  # several, one of them ours
    ]
    verify("standard-webhooks", secret, body.encode(), headers)


def _standard_headers(**changes: str) -> tuple[str, bytes, list[tuple[str, str]], float]:
    [vector] = [v for v in VECTORS if v["name"] == "standard-webhooks-sign-function"]
    headers = dict(vector["headers"])
    headers.update(changes)
    return vector["secret"], _body(vector), list(headers.items()), float(1614265330)


@pytest.mark.parametrize(
    "changes",
    [
        {"webhook-signature": "v1,"},
        {"webhook-signature": "v1"},
        {"webhook-signature": "nocomma"},
        {"webhook-signature": "v1,!!!"},
        {"webhook-signature": "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="},
        {"webhook-signature": " "},
        {"webhook-id": "msg_other"},
        {"webhook-id": ""},
        {"webhook-timestamp": "1614265331"},
        {"webhook-timestamp": "1e30"},
        {"webhook-timestamp": "-1"},
        {"webhook-timestamp": "nan"},
        {"webhook-timestamp": "9" * 40},
        {"webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek\u2603"},
    ],
)
def test_standard_webhooks_refuses_each_wrong_header(changes: dict[str, str]) -> None:
    secret, body, headers, now = _standard_headers(**changes)
    with pytest.raises(BadSignature):
        verify("standard-webhooks", secret, body, headers, now=now)


def test_standard_webhooks_refuses_an_old_timestamp_with_a_right_signature() -> None:
    secret, body, headers, now = _standard_headers()
    verify("standard-webhooks", secret, body, headers, now=now + senders.TOLERANCE_SECONDS)
    with pytest.raises(BadSignature):
        verify("standard-webhooks", secret, body, headers, now=now + senders.TOLERANCE_SECONDS + 1)


def test_a_header_sent_twice_is_not_a_signature() -> None:
    [vector] = [v for v in VECTORS if v["name"] == "typeform-sdk-verify-signature"]
    twice = [("Typeform-Signature", vector["expected_signature"])] * 2
    with pytest.raises(BadSignature):
        verify("typeform", vector["secret"], _body(vector), twice)


def test_header_names_are_case_insensitive() -> None:
    [vector] = [v for v in VECTORS if v["name"] == "tally-third-party-constructed"]
    verify(
        "tally",
        vector["secret"],
        _body(vector),
        [("tally-signature", vector["expected_signature"])],
    )


@pytest.mark.parametrize(
    "header",
    [
        "",
        "X2b3nUhiGjaWHxmPO/YQzUvHXBNac4gPjZ5/bjXrhQY=",  # no sha256= prefix
        "sha1=X2b3nUhiGjaWHxmPO/YQzUvHXBNac4gPjZ5/bjXrhQY=",
        "sha256=",
        "sha256=not base64!",
        "sha256=X2b3nUhiGjaWHxmPO/YQzUvHXBNac4gPjZ5/bjXrhQ",  # one character short
        "sha256=\u00e9\u00e9",
    ],
)
def test_typeform_refuses_each_malformed_header(header: str) -> None:
    with pytest.raises(BadSignature):
        verify("typeform", "my-webook-secret", b'{"foo":"bar"}', [("Typeform-Signature", header)])


def test_a_missing_header_is_not_a_signature() -> None:
    with pytest.raises(BadSignature):
        verify("tally", "tally_test_signing_secret", b"", [])


def _reference_hmac(secret: str, body: bytes, algorithm: str, encoding: str) -> str:
    digest = hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).digest()
    return digest.hex() if encoding == "hex" else base64.b64encode(digest).decode()


@pytest.mark.parametrize("algorithm", ["sha256", "sha1", "sha512"])
@pytest.mark.parametrize("encoding", ["hex", "base64"])
def test_hmac_scheme_in_each_spelling(algorithm: str, encoding: str) -> None:
    body = "first_name=Ada&last_name=Lovelace&note=caf%C3%A9".encode()
    spelled = Signature("X-Form-Signature", algorithm, encoding, f"{algorithm}=")
    good = f"{algorithm}=" + _reference_hmac("s3cret", body, algorithm, encoding)
    verify("hmac", "s3cret", body, [("X-Form-Signature", good)], spelled)
    with pytest.raises(BadSignature):
        verify("hmac", "other", body, [("X-Form-Signature", good)], spelled)
    with pytest.raises(BadSignature):
        verify("hmac", "s3cret", body, [("X-Other", good)], spelled)


def test_hmac_hex_ignores_case_and_base64_takes_the_url_safe_alphabet() -> None:
    body = b'{"a":1}'
    hexed = _reference_hmac("k", body, "sha256", "hex").upper()
    verify("hmac", "k", body, [("X-Sig", hexed)], Signature("X-Sig", "sha256", "hex", ""))
    b64 = _reference_hmac("k", body, "sha256", "base64")
    url_safe = b64.replace("+", "-").replace("/", "_").rstrip("=")
    verify("hmac", "k", body, [("X-Sig", url_safe)], Signature("X-Sig", "sha256", "base64", ""))


def test_hmac_without_a_spelling_or_with_an_unknown_scheme_verifies_nothing() -> None:
    with pytest.raises(BadSignature):
        verify("hmac", "k", b"", [("X-Sig", "")])
    with pytest.raises(BadSignature):
        verify("nope", "k", b"", [])


@pytest.mark.parametrize(
    ("scheme", "secret", "problem"),
    [
        ("typeform", "", "blank"),
        ("typeform", " hunter2", "starts or ends"),
        ("tally", "a\nb", "printable"),
        ("standard-webhooks", "whsec_short", "whsec_"),
        ("standard-webhooks", "not-base64!", "whsec_"),
    ],
)
def test_secret_problems_say_what_is_wrong_without_repeating_the_secret(
    scheme: str, secret: str, problem: str
) -> None:
    said = senders.SCHEMES[scheme].secret_problem(secret)
    assert said is not None and problem in said
    assert secret.strip() == "" or secret.strip() not in said


def test_minted_secrets_fit_their_own_scheme() -> None:
    for scheme in senders.SCHEMES.values():
        assert scheme.secret_problem(scheme.new_secret()) is None
    assert senders.SCHEMES["standard-webhooks"].new_secret().startswith("whsec_")
