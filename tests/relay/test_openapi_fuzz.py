"""schemathesis holds the running relay (gunicorn) to its own /openapi.json: no 5xx, every
status code and content type one the document lists, every body the shape it says.

The document is built at collection time by the same function that serves it (the
server's port is only known later), and a test checks that the running relay serves
exactly that document. Requests carry the admin token, so generated cases reach the
admin routes rather than stopping at 401. Bounded and derandomized: a few examples
per operation, the same ones every run (``RELAY_FUZZ_SCALE`` multiplies them, as in
test_fuzz.py).
"""

from __future__ import annotations

import os
import re
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import settings
from schemathesis import Config

from app.admin.openapi import spec
from app.models import JobStatus
from app.services.bodies import SCHEMAS

from .conftest import LiveRelay

SCALE = float(os.environ.get("RELAY_FUZZ_SCALE", "1"))
EXAMPLES = max(1, int(12 * SCALE))
PLACEHOLDER = "http://relay.invalid"

CONFIG = Config.from_dict(
    {
        "generation": {"deterministic": True, "database": "none", "mode": "all"},
        "phases": {"stateful": {"enabled": False}},
        "operations": [
            {
                # GET /api/v1/jobs/retry is the job detail route asked for a job named
                # "retry" (a 404), so OPTIONS rightly lists GET beside POST; so for replay.
                "include-path": path,
                "checks": {"allow_header_conformance": {"enabled": False}},
            }
            for path in ("/api/v1/jobs/retry", "/api/v1/jobs/replay")
        ],
        "checks": {
            # Generated ids name nothing, so valid-looking requests are rightly 404 or 422
            # (an unknown connection): valid by the schema alone is not data the relay
            # must accept.
            "positive_data_acceptance": {"enabled": False},
        },
    }
)
schema = schemathesis.openapi.from_dict(spec(PLACEHOLDER), config=CONFIG).exclude(
    # /check calls Esqase at the connection's base URL: not something to fuzz.
    path="/api/v1/connections/{conn_id}/check"
)


def test_the_running_relay_serves_this_document(live_relay: LiveRelay) -> None:
    served = httpx.get(f"{live_relay.url}/openapi.json").json()
    assert served == {**spec(PLACEHOLDER), "servers": [{"url": live_relay.url}]}


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None)
def test_the_relay_keeps_to_its_openapi_document(case: Any, live_relay: LiveRelay) -> None:
    case.call_and_validate(base_url=live_relay.url, headers=dict(live_relay.headers))


# -- the document is generated from the code, not copied -----------------------------------


def test_job_statuses_come_from_the_enum():
    document = spec(PLACEHOLDER)
    statuses = [s.value for s in JobStatus]
    assert document["components"]["schemas"]["Job"]["properties"]["status"]["enum"] == statuses


def test_the_status_filter_takes_each_status_and_lists_of_them():
    filter_param = next(
        p
        for p in spec(PLACEHOLDER)["paths"]["/api/v1/jobs"]["get"]["parameters"]
        if p["name"] == "status"
    )
    pattern = re.compile(filter_param["schema"]["pattern"])
    for status in JobStatus:
        assert pattern.match(status.value)
    assert pattern.match("failed,needs_review")
    assert not pattern.match("done")


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_admin_request_bodies_come_from_the_body_schemas(name):
    properties, required = SCHEMAS[name]
    schema = spec(PLACEHOLDER)["components"]["schemas"][f"body.{name}"]
    assert set(schema["properties"]) == set(properties)
    assert schema.get("required", []) == list(required)


def test_every_admin_body_operation_points_at_its_schema():
    document = spec(PLACEHOLDER)
    for path, item in document["paths"].items():
        for op in item.values():
            if path.startswith("/api/v1") and isinstance(op, dict) and "requestBody" in op:
                ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                assert (
                    ref.removeprefix("#/components/schemas/") in document["components"]["schemas"]
                )


def test_one_route_serves_the_document(app):
    rules = [r.rule for r in app.url_map.iter_rules() if r.rule.endswith("openapi.json")]
    assert rules == ["/openapi.json"]
