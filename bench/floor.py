"""The floor: the least a relay that validates and queues could do per delivery.

Flask, a Draft 2020-12 validator (with format checking) on the project's own
``schemas/leads.create.json``, and one RQ enqueue of a no-op job, JSON
serializer, the relay's TTLs. No SQL, no hook lookup, no history. The relay's
ingest is measured as a ratio to this app served by the very gunicorn command
line ``esqase-relay serve`` runs (``bench/ingest.py`` copies it from /proc).

``BENCH_REDIS_URL`` and ``BENCH_FLOOR_QUEUE`` say where the jobs go.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from flask import Flask, Response, jsonify, request
from jsonschema import Draft202012Validator
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "leads.create.json"


def create_app() -> Flask:
    app = Flask(__name__)
    schema = json.loads(SCHEMA.read_text())
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    redis = Redis.from_url(os.environ["BENCH_REDIS_URL"])
    queue = Queue(
        os.environ.get("BENCH_FLOOR_QUEUE", "floor"), connection=redis, serializer=JSONSerializer
    )

    @app.post("/hooks/<token>")
    def ingest(token: str) -> tuple[Response, int]:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return jsonify(error={"code": "invalid_json"}), 400
        problems = [
            {"path": "/" + "/".join(map(str, e.absolute_path)), "message": e.message}
            for e in validator.iter_errors(data)
        ]
        if problems:
            return jsonify(error={"code": "validation_failed", "details": problems}), 422
        job = queue.enqueue(
            "bench.rqjobs.noop",
            job_id=f"job_{uuid.uuid4().hex}",
            result_ttl=3600,
            failure_ttl=7 * 86400,
        )
        return jsonify(id=job.id, status="queued"), 202

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(ok=True)

    return app
