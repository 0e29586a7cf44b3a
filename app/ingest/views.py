"""``POST /hooks/<hook_id>``: validate at the edge, record, queue, answer at once.

Read top-down, a delivery goes: gate (hook, origin, rate, signature) -> body
-> prepare (preset, mapping, coercion, validation) -> lifecycle.accept -> the
answer (202, or the finished job when the sender asked to ``?wait=``).
Anything refused once the hook is known is kept in the history
(:mod:`.refusals`), with its job id beside the error. A hook whose ``reject_status``
is 200 (the default with a form preset: a form provider retries a 4xx for hours and
then disables the webhook) answers a refused delivery's 422 as a 200 carrying the
same ``error`` and ``job_id``, so a person reading the provider's log still sees why.
"""

from __future__ import annotations

import math

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from .. import metrics
from ..db import get_db
from ..errors import BadRequest, NotFound, RelayError, body_too_large
from ..ids import looks_like_id
from ..jobs import waiters
from ..jobs.present import hook_url, public_view
from ..models import Hook, Job, JobStatus
from . import gate, pipeline, refusals
from .body import Body, read_body
from .prepare import MAX_KEY

bp = Blueprint("ingest", __name__)

# The answer to a ``?wait=`` that saw its job finish; anything still running is a 202.
WAITED_STATUS = {
    JobStatus.SUCCEEDED: 200,
    JobStatus.FAILED: 422,
    JobStatus.NEEDS_REVIEW: 409,
    JobStatus.CANCELED: 409,
}


@bp.post("/hooks/<hook_id>", provide_automatic_options=False)
def ingest(hook_id: str) -> Response:
    hook = gate.find_hook(hook_id)
    allowed_origin = gate.check_origin(hook, request.headers.get("Origin"))
    gate.rate_limit(hook)
    body: Body | None = None
    try:
        wait, clamped = _wait_seconds()
        header_key = _header_key()
        gate.verify_sender(hook, _raw_body(), request.headers.items())
        body = read_body(request)
        delivered = pipeline.deliver(hook, body, header_key=header_key)
    except RelayError as exc:
        refusals.record(hook, request, body, exc)
        if allowed_origin:  # a browser form must be able to read why it was refused
            exc.headers.update(_cors(Response(), allowed_origin).headers)
        if exc.status == 422 and gate.reject_status(hook) == 200:
            return _refused_with_200(exc)
        raise
    if delivered.ignored:
        metrics.ingested(hook.action, "ignored")
        return _cors(_answer(hook, delivered.job, status=200), allowed_origin)
    if delivered.replayed:
        metrics.ingested(hook.action, "replayed")
        reply = _answer(hook, delivered.job, status=200)
        reply.headers["Idempotent-Replayed"] = "true"
        return _cors(reply, allowed_origin)
    metrics.ingested(hook.action, "accepted")
    return _cors(_answer_after_wait(hook, delivered.job, wait, clamped), allowed_origin)


def _refused_with_200(exc: RelayError) -> Response:
    """The 422's body and headers under a 200: recorded as rejected all the same."""
    response = jsonify({**exc.body(), "status": JobStatus.REJECTED.value})
    for name, value in exc.headers.items():
        response.headers[name] = value
    return response


def _raw_body() -> bytes:
    """Werkzeug refuses a Content-Length over MAX_CONTENT_LENGTH before the body guard
    sees it; the same refusal, as ours, so it is kept in the history like any other."""
    try:
        return request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise body_too_large(current_app.config["MAX_BODY_BYTES"]) from None


def _header_key() -> str | None:
    raw = request.headers.get("Idempotency-Key", "").strip()
    if not raw:
        return None
    if len(raw) > MAX_KEY or not raw.isprintable():
        raise BadRequest(
            f"Idempotency-Key must be at most {MAX_KEY} printable characters, such as the "
            "trigger's id.",
            code="invalid_idempotency_key",
        )
    return raw


def _wait_seconds() -> tuple[float, bool]:
    """``?wait=`` in seconds, and whether it was cut to the maximum (said in a header)."""
    raw = request.args.get("wait")
    if raw is None:
        return 0.0, False
    limit = float(current_app.config["MAX_WAIT_SECONDS"])
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not value >= 0:  # also NaN
        raise BadRequest(
            f"wait must be a number of seconds from 0 to {limit:g} (got {raw!r}).",
            code="invalid_wait",
        )
    return min(value, limit), value > limit


def _answer_after_wait(hook: Hook, job: Job, wait: float, clamped: bool) -> Response:
    """Hold the request while the job runs, if a place to wait is free in this process."""
    if not wait:
        return _answer(hook, job)
    seats = waiters.seats()
    if not seats.take():
        reply = _answer(hook, job)
        reply.headers["Relay-Wait"] = "skipped: too many requests are waiting; poll status_url"
        return reply
    try:
        waiters.wait(job.id, wait)
    finally:
        seats.give_back()
    with get_db().session() as s:
        job = s.get(Job, job.id) or job
    reply = _answer(hook, job, status=WAITED_STATUS.get(JobStatus(job.status), 202))
    if clamped:
        reply.headers["Relay-Wait"] = f"clamped to {wait:g} seconds"
    return reply


def _answer(hook: Hook, job: Job, status: int = 202) -> Response:
    view = public_view(job, hook_url(current_app.config["PUBLIC_URL"], hook))
    response = jsonify(view)
    response.status_code = status
    response.headers["Location"] = view["status_url"]
    return response


@bp.route("/hooks/<hook_id>", methods=["OPTIONS"])
def preflight(hook_id: str) -> Response:
    hook = gate.find_hook(hook_id)
    origin = gate.check_origin(hook, request.headers.get("Origin"))
    response = Response(status=204)
    if origin:
        response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = (
            "Content-Type, Idempotency-Key, webhook-id, webhook-timestamp, webhook-signature"
        )
        response.headers["Access-Control-Max-Age"] = "600"
    return _cors(response, origin)


@bp.get("/hooks/<hook_id>/jobs/<job_id>")
def job_status(hook_id: str, job_id: str) -> Response:
    hook = gate.find_hook(hook_id)
    job = None
    if looks_like_id(job_id):
        with get_db().session() as s:
            job = s.get(Job, job_id)
    if job is None or job.hook_id != hook.id:
        raise NotFound("This hook has no job with that id.", code="job_not_found")
    return jsonify(public_view(job, hook_url(current_app.config["PUBLIC_URL"], hook)))


def _cors(response: Response, origin: str | None) -> Response:
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
        response.headers["Access-Control-Expose-Headers"] = (
            "Idempotent-Replayed, Location, Relay-Wait"
        )
    return response
