"""Fuzzing the relay as production runs it (gunicorn, raw sockets): hook deliveries,
the admin API and the dashboard's form posts, with hostile bodies, framings and headers.

What must hold for every request:

- no 5xx;
- a body that did not arrive whole (shorter than its Content-Length, a chunked body
  cut off before its last chunk) is never answered 2xx;
- a body over the size limit is never answered 2xx;
- the server logs no traceback and no worker error.

Hypothesis draws the cases, derandomized (the same cases every run) and without an
example database. The default run is a few thousand requests; ``RELAY_FUZZ_SCALE``
multiplies every test's count (``RELAY_FUZZ_SCALE=10`` for a long run).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import LiveRelay, RawResponse

LIMIT = 256 * 1024
SCALE = float(os.environ.get("RELAY_FUZZ_SCALE", "1"))


def fuzz(examples: int) -> Any:
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        suppress_health_check=list(HealthCheck),
    )


@dataclass
class Sent:
    request: bytes
    half_close: bool = False
    truncated: bool = False  # what arrived is shorter than what was announced
    oversized: bool = False  # the body is over the limit


# -- bodies --------------------------------------------------------------------------------

TEXT = st.text(max_size=40)
HOSTILE_TEXT = st.one_of(
    TEXT,
    st.sampled_from(["\x00", "a\x00b", "\ufeff", "\u202e", "é" * 50, "𝔘", "\\", '"', "%", "+"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | HOSTILE_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
LEADS = st.fixed_dictionaries(
    {"type": st.sampled_from(["PERSON", "PERSON", "COMPANY", "person", ""])},
    optional={
        "firstName": HOSTILE_TEXT,
        "lastName": HOSTILE_TEXT,
        "email": st.emails() | HOSTILE_TEXT,
        "companyName": HOSTILE_TEXT,
        "value": st.sampled_from(["LOW", "HIGH", "HIGHEST", 5, None]),
        "extra": JSON_VALUES,
    },
)
NAME = st.text(st.characters(codec="utf-8", categories=["L", "N"]), min_size=1, max_size=30)
VALID_LEADS = st.fixed_dictionaries(
    {"type": st.just("PERSON"), "lastName": NAME},
    optional={"firstName": NAME, "email": st.sampled_from(["ada@example.com", "b@x.org"])},
)
CONSTANT_BODIES = [
    b'{"lastName": NaN}',
    b'{"lastName": Infinity}',
    b'{"lastName": -Infinity}',
    b'{"lastName": 1e400}',
    b'{"lastName": 1' + b"0" * 5000 + b"}",
    b'{"lastName": "\\ud800"}',
    b'{"lastName": "\\udc00x"}',
    b'{"\\ud83d": 1}',
    b'{"lastName": "a\\u0000b"}',
    b'{"a\\u0000": 1}',
    b"\xef\xbb\xbf{}",
    b"\xff\xfe{\x00}\x00",
    b'{"lastName": "caf\xe9"}',
    b"\xed\xa0\x80",
    b"[]",
    b"null",
    b'"text"',
    b"{",
    b"{}" * 1000,
]


@st.composite
def deep(draw: Any) -> bytes:
    opener = draw(st.sampled_from([b"[", b'{"a":', b'{"a":[']))
    depth = draw(st.integers(1, 20_000))
    body = opener * depth
    if draw(st.booleans()):
        closer = {b"[": b"]", b'{"a":': b"}", b'{"a":[': b"]}"}[opener]
        body += b"1" + closer * depth
    return body


def _dumps(value: Any, ascii_only: bool) -> bytes:
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


JSON_BODIES = st.one_of(
    st.builds(_dumps, VALID_LEADS, st.booleans()),
    st.builds(_dumps, VALID_LEADS, st.booleans()),
    st.builds(_dumps, LEADS, st.booleans()),
    st.builds(_dumps, JSON_VALUES, st.booleans()),
    deep(),
    st.sampled_from(CONSTANT_BODIES),
    st.builds(
        lambda lead, codec: json.dumps(lead).encode(codec),
        LEADS,
        st.sampled_from(["utf-16", "utf-32", "utf-16-be"]),
    ),
    st.builds(lambda lead, cut: _dumps(lead, True)[:cut], LEADS, st.integers(0, 60)),
    st.binary(max_size=200),
)


def _urlencode(pairs: list[tuple[str, str]]) -> bytes:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs).encode("ascii")


FORM_PAIRS = st.lists(
    st.tuples(
        st.sampled_from(["type", "firstName", "lastName", "email", "client__firstName", "x"])
        | st.text(alphabet=st.characters(codec="utf-8"), max_size=10),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    ),
    max_size=8,
)
FORM_BODIES = st.one_of(
    VALID_LEADS.map(lambda lead: _urlencode(list(lead.items()))),
    VALID_LEADS.map(lambda lead: _urlencode(list(lead.items()))),
    FORM_PAIRS.map(_urlencode),
    st.sampled_from([b"name=caf%E9", b"a=%00", b"a=%zz", b"a=%", b"=", b"&&&", b"a=\xff"]),
    st.builds(lambda n: "&".join(f"f{i}=x" for i in range(n)).encode(), st.integers(990, 1010)),
    st.binary(max_size=200),
)


@st.composite
def multipart(draw: Any) -> tuple[str, bytes]:
    boundary = draw(st.sampled_from(["XyZ", "----WebKitFormBoundary7MA4YWxk", "a b", "é"]))
    parts = []
    for name, value in draw(FORM_PAIRS):
        kind = draw(st.sampled_from(["plain", "file", "charset", "latin1", "noname", "binary"]))
        disposition = f'form-data; name="{name}"'
        headers = ""
        data = value.encode("utf-8", "surrogatepass")
        if kind == "file":
            disposition += '; filename="a.pdf"'
            data = draw(st.binary(max_size=50))
        elif kind == "charset":
            charset = draw(st.sampled_from(["utf-8", "klingon", "iso-8859-1", ""]))
            headers = f"Content-Type: text/plain; charset={charset}\r\n"
        elif kind == "latin1":
            data = value.encode("latin-1", "replace")
        elif kind == "noname":
            disposition = "form-data"
        elif kind == "binary":
            data = draw(st.binary(max_size=30))
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n{headers}\r\n"
        parts.append(head.encode("utf-8") + data + b"\r\n")
    body = b"".join(parts)
    ending = draw(st.sampled_from(["close", "close", "none", "garbage"]))
    if ending == "close":
        body += f"--{boundary}--\r\n".encode()
    elif ending == "garbage":
        body += draw(st.binary(max_size=30))
    content_type = draw(
        st.sampled_from(
            [
                f"multipart/form-data; boundary={boundary}",
                f'multipart/form-data; boundary="{boundary}"',
                "multipart/form-data",
                "multipart/form-data; boundary=",
                "multipart/form-data; boundary=other",
            ]
        )
    )
    return content_type, body


CONTENT_TYPES_JSON = [
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=klingon",
    'application/json; charset="utf-8',
    "application/json;;;",
    "application/vnd.api+json",
    "APPLICATION/JSON",
]
CONTENT_TYPES_FORM = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=utf-8",
    "application/x-www-form-urlencoded; charset=ISO-8859-1",
    "application/x-www-form-urlencoded; charset=klingon",
    "application/x-www-form-urlencoded; charset=",
]
CONTENT_TYPES_OTHER = [
    "",
    "text/plain",
    "text/xml",
    "application/octet-stream",
    "*/*",
    ";",
    "a/b/c",
]


@st.composite
def payloads(draw: Any) -> tuple[str, bytes]:
    """A Content-Type and a body, mostly hostile, sometimes over the limit."""
    kind = draw(
        st.sampled_from(["json"] * 4 + ["form"] * 2 + ["multipart"] * 2 + ["other", "huge"])
    )
    if kind == "json":
        return draw(st.sampled_from(CONTENT_TYPES_JSON)), draw(JSON_BODIES)
    if kind == "form":
        return draw(st.sampled_from(CONTENT_TYPES_FORM)), draw(FORM_BODIES)
    if kind == "multipart":
        return draw(multipart())
    if kind == "huge":
        size = draw(st.sampled_from([LIMIT - 1, LIMIT, LIMIT + 1, LIMIT + 5000, 3 * LIMIT]))
        padding = b"x" * max(0, size - 30)
        body = (b'{"type":"PERSON","lastName":"' + padding + b'"}')[:size]
        return "application/json", body.ljust(size, b" ")
    content_type = draw(
        st.sampled_from(CONTENT_TYPES_OTHER)
        | st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
    )
    return content_type, draw(st.binary(max_size=100) | JSON_BODIES)


# -- framing -------------------------------------------------------------------------------

FRAMINGS = [
    *["length"] * 6,
    "short",
    *["chunked"] * 3,
    "chunked-extension",
    "chunked-trailer",
    "chunked-badsize",
    "chunked-noterm",
    "chunked-cut",
    "chunked-nolast",
    "none",
    "length-twice-same",
    "length-twice-different",
    "length-and-chunked",
    "length-junk",
]


def _chunks(body: bytes, sizes: list[int]) -> list[bytes]:
    out, start = [], 0
    for size in sizes:
        if start >= len(body):
            break
        out.append(body[start : start + size])
        start += size
    if start < len(body):
        out.append(body[start:])
    return [c for c in out if c]


@st.composite
def framed(draw: Any, head: list[str], body: bytes) -> Sent:
    """``body`` framed one way or another below the request ``head`` lines."""
    how = draw(st.sampled_from(FRAMINGS))
    oversized = len(body) > LIMIT
    if len(body) > 64 * 1024 and how not in ("length", "chunked"):
        how = draw(st.sampled_from(["length", "chunked"]))  # big bodies: framing kept simple

    def request(*lines: str, payload: bytes = b"") -> bytes:
        return ("\r\n".join([*head, *lines]) + "\r\n\r\n").encode("latin-1") + payload

    if how == "length":
        return Sent(request(f"Content-Length: {len(body)}", payload=body), oversized=oversized)
    if how == "short":
        cut = draw(st.integers(0, max(0, len(body) - 1))) if body else 0
        declared = len(body) if body else draw(st.integers(1, 100))
        return Sent(
            request(f"Content-Length: {declared}", payload=body[:cut]),
            half_close=True,
            truncated=True,
        )
    if how == "none":
        return Sent(request(payload=b""), oversized=False)
    if how.startswith("length-"):
        lines = {
            "length-twice-same": [f"Content-Length: {len(body)}", f"Content-Length: {len(body)}"],
            "length-twice-different": [f"Content-Length: {len(body)}", "Content-Length: 1"],
            "length-and-chunked": [f"Content-Length: {len(body)}", "Transfer-Encoding: chunked"],
            "length-junk": [
                f"Content-Length: {draw(st.sampled_from(['+5', '-1', '0x10', '1e3', '', ' 5']))}"
            ],
        }[how]
        return Sent(request(*lines, payload=body), half_close=True)
    sizes = draw(st.lists(st.integers(1, 70_000), min_size=1, max_size=6))
    chunks = _chunks(body, sizes)
    extension = b";name=value" if how == "chunked-extension" else b""
    framed_body = b"".join(b"%x%s\r\n%s\r\n" % (len(c), extension, c) for c in chunks)
    last = b"0\r\n\r\n"
    truncated = False
    if how == "chunked-trailer":
        last = b"0\r\nX-Trailer: yes\r\n\r\n"
    elif how == "chunked-badsize":
        framed_body = (
            draw(st.sampled_from([b"zz", b"-1", b"", b"1 2", b"ffffffffffffffffff"]))
            + b"\r\n"
            + body
            + b"\r\n"
        )
    elif how == "chunked-noterm":
        framed_body = b"%x\r\n%sXX" % (len(body), body)
    elif how == "chunked-cut":
        framed_body = framed_body[: draw(st.integers(0, max(0, len(framed_body) - 1)))]
        last, truncated = b"", True
    elif how == "chunked-nolast":
        last, truncated = b"", True
    return Sent(
        request("Transfer-Encoding: chunked", payload=framed_body + last),
        half_close=truncated or how in ("chunked-badsize", "chunked-noterm"),
        truncated=truncated,
        oversized=oversized,
    )


HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=60)


@st.composite
def extra_headers(draw: Any) -> list[str]:
    """Mostly none: odd headers get their own share of cases, not every case."""
    if draw(st.integers(0, 3)):
        return []
    lines = []
    for name in draw(
        st.lists(
            st.sampled_from(["Idempotency-Key", "Origin", "X-Big", "Cookie", "Expect"]),
            max_size=3,
            unique=True,
        )
    ):
        if name == "X-Big":
            value = "a" * draw(st.sampled_from([100, 8000, 9000, 70_000]))
        elif name == "Expect":
            value = draw(st.sampled_from(["100-continue", "nonsense"]))
        else:
            value = draw(HEADER_TEXT)
        lines.append(f"{name}: {value}")
    return lines


# -- checking one request ------------------------------------------------------------------


def check(live: LiveRelay, sent: Sent) -> RawResponse:
    response = live.raw(sent.request, half_close=sent.half_close)
    alarms = live.alarms()  # read first, so a failing case leaves nothing for the next one
    assert response.status < 500, (response.status, response.body[:400])
    if sent.truncated:
        assert not 200 <= response.status < 300, ("a truncated body was accepted", response.body)
    if sent.oversized:
        assert not 200 <= response.status < 300, ("an oversized body was accepted", response.body)
    assert not alarms, alarms[-4000:]
    return response


def head(method: str, path: str, content_type: str, *lines: str) -> list[str]:
    out = [f"{method} {path} HTTP/1.1", "Host: relay.test", "Connection: close"]
    if content_type:
        out.append(f"Content-Type: {content_type}")
    return [*out, *lines]


# -- the relay under test ------------------------------------------------------------------


@pytest.fixture(scope="module")
def targets(live_relay: LiveRelay) -> dict[str, Any]:
    conn = live_relay.connection()
    spare_conn = live_relay.connection()
    typeform_mapping = {"type": "kind", "firstName": "first", "lastName": "last"}
    hooks = {
        "plain": live_relay.hook("leads.create", conn),
        "practice": live_relay.hook("practice-areas.create", conn, idempotency_field="id"),
        "typeform": live_relay.hook(
            "leads.create", conn, preset="typeform", mapping=typeform_mapping
        ),
        "mapped": live_relay.hook(
            "leads.create", conn, mapping={"type": "kind", "lastName": "who.last"}
        ),
        "signed": live_relay.hook("leads.create", conn, verify_sender=True),
        **{
            f"signed_{scheme}": live_relay.hook(
                "leads.create", conn, preset=preset, mapping=typeform_mapping, **sender
            )
            for scheme, preset, sender in PROVIDER_SIGNED
        },
        "spare": live_relay.hook("practice-areas.create", spare_conn),
    }
    with live_relay.api() as api:
        login = api.get("/dashboard/login")
    csrf = login.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    cookie = "; ".join(f"{k}={v}" for k, v in login.cookies.items())
    return {"conn": conn, "spare_conn": spare_conn, **hooks, "csrf": csrf, "cookie": cookie}


# Hooks signed the providers' ways (app/ingest/senders.py), each with its own secret.
PROVIDER_SIGNED = [
    ("typeform", "typeform", {"verify_sender": "typeform", "sender_secret": "fuzz-typeform"}),
    ("tally", "tally", {"verify_sender": "tally", "sender_secret": "fuzz-tally"}),
    (
        "hmac",
        None,
        {
            "verify_sender": "hmac",
            "sender_secret": "fuzz-hmac",
            "sender_signature": {
                "header": "X-Intake-Signature",
                "algorithm": "sha512",
                "encoding": "hex",
                "prefix": "sha512=",
            },
        },
    ),
]
INGEST = ["plain", "plain", "plain", "practice", "typeform", "mapped", "unknown"]
WAITS = [""] * 20 + ["?wait=0", "?wait=-1", "?wait=nan", "?wait=1e9"]


@fuzz(1000)
@given(data=st.data())
def test_fuzz_ingest(live_relay, targets, data):
    which = data.draw(st.sampled_from(INGEST))
    path = "/hooks/hk_unknown" if which == "unknown" else targets[which]["path"]
    path += data.draw(st.sampled_from(WAITS))
    content_type, body = data.draw(payloads())
    lines = head("POST", path, content_type, *data.draw(extra_headers()))
    check(live_relay, data.draw(framed(lines, body)))


ADMIN = [
    ("POST", "/api/v1/connections"),
    ("PATCH", "/api/v1/connections/{spare_conn}"),
    ("POST", "/api/v1/hooks"),
    ("PATCH", "/api/v1/hooks/{spare_id}"),
    ("POST", "/api/v1/hooks/{spare_id}/rotate"),
    ("POST", "/api/v1/jobs/retry"),
    ("POST", "/api/v1/jobs/job_01m8zzzzzzzzzzzzzzzzzzzzzz/retry"),
    ("POST", "/api/v1/jobs/job_01m8zzzzzzzzzzzzzzzzzzzzzz/cancel"),
    ("DELETE", "/api/v1/hooks/hook_01m8zzzzzzzzzzzzzzzzzzzzzz"),
    ("GET", "/api/v1/jobs?status=queued,nope&limit=-1"),
]


@st.composite
def admin_bodies(draw: Any, conn: str) -> tuple[str, bytes]:
    """Mostly bodies of the right shape with hostile values, and the hostile payloads."""
    shaped = st.fixed_dictionaries(
        {},
        optional={
            "name": HOSTILE_TEXT,
            "api_key": st.sampled_from(["esq_live_abcdefgh", "short", "esq\nlive"]) | HOSTILE_TEXT,
            "base_url": st.sampled_from(["http://127.0.0.1:9", "ftp://x", "http://[::1"]),
            "action": st.sampled_from(["leads.create", "nope", ""]) | HOSTILE_TEXT,
            "connection_id": st.sampled_from([conn, "con_x", ""]),
            "mapping": st.dictionaries(HOSTILE_TEXT, HOSTILE_TEXT, max_size=3) | JSON_VALUES,
            "preset": st.sampled_from(["typeform", "nope", None]),
            "allowed_origins": st.lists(HOSTILE_TEXT, max_size=3) | JSON_VALUES,
            "rotate": st.lists(st.sampled_from(["url", "callback_secret", "sender_secret", "x"]))
            | JSON_VALUES,
            "status": st.sampled_from(["rejected", "failed,queued", "nope"]) | HOSTILE_TEXT,
            "since": st.sampled_from(["2020-01-01", "9999-12-31T23:59:59-05:00", "x"]),
            "rate_limit_per_minute": st.integers() | st.floats(allow_nan=False),
            "verify_sender": st.sampled_from(
                [True, False, "typeform", "tally", "hmac", "standard-webhooks", "svix"]
            )
            | JSON_VALUES,
            "sender_secret": st.sampled_from(["whsec_" + "A" * 32, "s", " s", ""])
            | HOSTILE_TEXT
            | JSON_VALUES,
            "sender_signature": st.fixed_dictionaries(
                {"header": st.sampled_from(["X-Sig", "X Sig", ""]) | HOSTILE_TEXT},
                optional={
                    "algorithm": st.sampled_from(["sha256", "sha1", "sha512", "md5"]),
                    "encoding": st.sampled_from(["hex", "base64", "b32"]),
                    "prefix": HOSTILE_TEXT,
                },
            )
            | JSON_VALUES,
            "reject_status": st.sampled_from([200, 422, 500, None, "200"]) | JSON_VALUES,
            "mapping_values": st.dictionaries(
                st.sampled_from(["type", "value", "client.type"]),
                st.fixed_dictionaries({}, optional={"value": JSON_VALUES})
                | st.fixed_dictionaries(
                    {"from": HOSTILE_TEXT},
                    optional={
                        "map": st.dictionaries(HOSTILE_TEXT, JSON_VALUES, max_size=3) | JSON_VALUES,
                        "default": JSON_VALUES,
                    },
                ),
                max_size=3,
            ),
            "enabled": JSON_VALUES,
        },
    )
    if draw(st.booleans()):
        body = draw(shaped)
        if "mapping_values" in body:  # a mapping of constants and value maps
            body["mapping"] = body.pop("mapping_values")
        return "application/json", _dumps(body, draw(st.booleans()))
    return draw(payloads())


@fuzz(700)
@given(data=st.data())
def test_fuzz_admin_api(live_relay, targets, data):
    method, path = data.draw(st.sampled_from(ADMIN))
    path = path.format(spare_conn=targets["spare_conn"], spare_id=targets["spare"]["id"])
    auth = data.draw(st.sampled_from([live_relay.headers["Authorization"]] * 6 + ["Bearer x", ""]))
    lines = [f"Authorization: {auth}"] if auth else []
    content_type, body = data.draw(admin_bodies(targets["conn"]))
    sent = data.draw(framed(head(method, path, content_type, *lines), body))
    check(live_relay, sent)


@fuzz(300)
@given(data=st.data())
def test_fuzz_dashboard_forms(live_relay, targets, data):
    path = data.draw(st.sampled_from(["/dashboard/login", "/dashboard/logout"]))
    content_type, body = data.draw(payloads())
    if data.draw(st.booleans()):
        body = f"csrf_token={targets['csrf']}&".encode() + body
    lines = [f"Cookie: {targets['cookie']}"] if data.draw(st.booleans()) else []
    check(live_relay, data.draw(framed(head("POST", path, content_type, *lines), body)))


# -- signed hooks: Webhook.verify is called in app/ingest/views.py -------------------------


def _signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


@fuzz(150)
@given(data=st.data())
def test_fuzz_signed_hook_signature_headers(live_relay, targets, data):
    hook = targets["signed"]
    body = json.dumps({"type": "PERSON", "lastName": "Lovelace"}).encode()
    now = str(int(time.time()))
    good = _signature(hook["sender_secret"], "msg_1", now, body)
    signature = data.draw(
        st.sampled_from([good, "v1", "v1,", "nocomma", "v1,!!!", "v1,AAAA", "", " ", good + " x"])
        | HEADER_TEXT
    )
    timestamp = data.draw(st.sampled_from([now, "", "x", "1e30", "-1", "nan"]) | HEADER_TEXT)
    lines = [f"webhook-id: {data.draw(st.sampled_from(['msg_1', '']) | HEADER_TEXT)}"]
    lines += [f"webhook-timestamp: {timestamp}", f"webhook-signature: {signature}"]
    sent = data.draw(framed(head("POST", hook["path"], "application/json", *lines), body))
    check(live_relay, sent)


@fuzz(150)
@given(data=st.data())
def test_fuzz_signed_hook_bodies(live_relay, targets, data):
    hook = targets["signed"]
    content_type, body = data.draw(payloads())
    now = str(int(time.time()))
    signature = _signature(hook["sender_secret"], "msg_1", now, body)
    if data.draw(st.booleans()):
        signature = "v1,AAAA"  # well formed, wrong
    lines = ["webhook-id: msg_1", f"webhook-timestamp: {now}", f"webhook-signature: {signature}"]
    check(live_relay, data.draw(framed(head("POST", hook["path"], content_type, *lines), body)))


def _provider_signature(scheme: str, body: bytes) -> tuple[str, str]:
    """(header, value) as Typeform, Tally and the fuzz hook's own HMAC spelling sign."""
    if scheme == "typeform":
        digest = hmac.new(b"fuzz-typeform", body, hashlib.sha256).digest()
        return "Typeform-Signature", "sha256=" + base64.b64encode(digest).decode()
    if scheme == "tally":
        digest = hmac.new(b"fuzz-tally", body, hashlib.sha256).digest()
        return "Tally-Signature", base64.b64encode(digest).decode()
    return "X-Intake-Signature", "sha512=" + hmac.new(
        b"fuzz-hmac", body, hashlib.sha512
    ).hexdigest()


@fuzz(200)
@given(data=st.data())
def test_fuzz_provider_signature_headers(live_relay, targets, data):
    """Odd signature headers on hooks signed the providers' ways: never a 5xx, and
    anything but the one right header, sent once, is a 401 (or gunicorn's 400 for a
    header it cannot parse)."""
    scheme = data.draw(st.sampled_from([s for s, _, _ in PROVIDER_SIGNED]))
    hook = targets[f"signed_{scheme}"]
    body = json.dumps({"event_id": "e", "form_response": {"answers": []}}).encode()
    name, good = _provider_signature(scheme, body)
    value = data.draw(
        st.sampled_from(
            [good, good, "", "sha256=", "sha512=", "sha256=!!!", good[:-2], good + " x"]
            + [good.upper(), "sha256=" + "A" * 2000, good.rstrip("=")]
        )
        | HEADER_TEXT
    )
    spelled = data.draw(st.sampled_from([name, name.lower(), name.upper()]))
    times = data.draw(st.sampled_from([1, 1, 1, 2, 0]))
    lines = [f"{spelled}: {value}"] * times + [f"Content-Length: {len(body)}"]
    request = "\r\n".join(head("POST", hook["path"], "application/json", *lines))
    response = check(live_relay, Sent((request + "\r\n\r\n").encode("latin-1") + body))
    # Base64 without its padding is the same digest: accepted like the padded one.
    right = times == 1 and value.strip(" \t") in (good, good.rstrip("="))
    seen = (value, times, response.status, response.body[:300])
    if right:
        assert response.status != 401, seen
    else:  # refused by the signature, or before it by gunicorn (a header it cannot read)
        assert response.status == 401 or (response.status == 400 and b"<html" in response.body)
