"""``POST /hooks/<hook_id>``: validate at the edge, record, queue, answer at once."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from actions import get_action

from .. import metrics, ratelimit
from ..db import get_db
from ..errors import (
    BadRequest,
    Forbidden,
    NotFound,
    RateLimited,
    RelayError,
    Unauthorized,
    ValidationFailed,
)
from ..ids import looks_like_id
from ..jobs.events import done_key
from ..jobs.present import hook_url, public_view
from ..models import Hook, Job, JobStatus, utcnow
from ..queues import enqueue_job
from ..redis_conn import get_redis, key
from ..vault import get_vault
from .body import Body, read_body
from .prepare import MAX_KEY, HookRules, prepare
from .validators import validator_for_action

bp = Blueprint("ingest", __name__)

RECEIVED_LIMIT = 16 * 1024


def _hook(token: str) -> Hook:
    hook = None
    if looks_like_id(token):
        with get_db().session() as s:
            hook = s.scalar(select(Hook).where(Hook.token == token))
    if hook is None or hook.deleted_at is not None or not hook.enabled:
        raise NotFound(
            "No enabled hook has this URL. Copy the hook URL again from the relay, "
            "or ask an admin whether the hook was disabled or rotated.",
            code="hook_not_found",
        )
    return hook


def _check_origin(hook: Hook) -> str | None:
    origin = request.headers.get("Origin")
    if not origin or not hook.allowed_origins:
        return None
    if "*" in hook.allowed_origins or origin in hook.allowed_origins:
        return origin
    raise Forbidden(
        f"Browser origin {origin!r} may not post to this hook. Add it to the hook's "
        "allowed origins.",
        code="origin_not_allowed",
    )


def _verify_sender(hook: Hook) -> None:
    if hook.sender_secret_encrypted is None:
        return
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    secret = get_vault().decrypt(hook.sender_secret_encrypted)
    try:
        Webhook(secret).verify(request.get_data(cache=True), dict(request.headers))
    except WebhookVerificationError:
        raise Unauthorized(
            "The request signature is missing or wrong. Sign the body with the hook's "
            "sender secret (Standard Webhooks: webhook-id, webhook-timestamp, "
            "webhook-signature headers).",
            code="bad_signature",
        ) from None


def _rate_limit(hook: Hook) -> None:
    limit = int(current_app.config.get("INGEST_RATE_LIMIT", 600))
    if limit <= 0:
        return
    try:
        decision = ratelimit.hit(get_redis(), key("rl", "hook", hook.id), limit)
    except (RedisError, OSError):
        return  # fail open: a Redis outage must not turn away work we can keep in SQL
    if not decision.allowed:
        seconds = int(decision.retry_after + 0.999)
        raise RateLimited(
            f"This hook received more than {limit} requests in a minute. "
            f"Try again in {seconds} seconds.",
            headers={"Retry-After": str(seconds)},
        )


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


def _wait_seconds() -> float:
    raw = request.args.get("wait")
    if raw is None:
        return 0.0
    limit = float(current_app.config["MAX_WAIT_SECONDS"])
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= limit:
        raise BadRequest(
            f"wait must be a number of seconds from 0 to {limit:g} (got {raw!r}).",
            code="invalid_wait",
        )
    return value


def _received(body: Body | None) -> dict[str, Any]:
    if body is not None:
        snapshot: dict[str, Any] = {"kind": body.kind, "fields": body.fields}
        if body.files:
            snapshot["files_ignored"] = list(body.files)
        if len(json.dumps(snapshot, default=str)) <= RECEIVED_LIMIT:
            return snapshot
    raw = request.get_data(cache=True)[:RECEIVED_LIMIT]
    return {
        "kind": "raw",
        "content_type": request.content_type,
        "text": raw.decode(errors="replace"),
    }


def _record_rejected(hook: Hook, body: Body | None, error: RelayError) -> str:
    with get_db().session() as s:
        job = Job(
            hook_id=hook.id,
            connection_id=hook.connection_id,
            action=hook.action,
            status=JobStatus.REJECTED,
            received=_received(body),
            error=error.body()["error"],
            finished_at=utcnow(),
        )
        s.add(job)
    return job.id


def _replay(hook: Hook, idem_key: str) -> Response | None:
    with get_db().session() as s:
        job = s.scalar(select(Job).where(Job.hook_id == hook.id, Job.idempotency_key == idem_key))
    if job is None:
        return None
    response = jsonify(public_view(job, _base(hook)))
    response.status_code = 200
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _await(job_id: str, seconds: float) -> Job:
    if seconds > 0:
        try:
            get_redis().blpop([done_key(job_id)], timeout=seconds)
        except (RedisError, OSError):
            pass
    with get_db().session() as s:
        job = s.get(Job, job_id)
    assert job is not None
    return job


def _base(hook: Hook) -> str:
    return hook_url(current_app.config["PUBLIC_URL"], hook)


def _answer(hook: Hook, job: Job, waited: bool) -> Response:
    view = public_view(job, _base(hook))
    response = jsonify(view)
    response.status_code = 202
    if waited and job.status == JobStatus.SUCCEEDED:
        response.status_code = 200
    elif waited and job.status == JobStatus.FAILED:
        response.status_code = 422
    response.headers["Location"] = view["status_url"]
    return response


@bp.post("/hooks/<hook_id>", provide_automatic_options=False)
def ingest(hook_id: str) -> Response:
    hook = _hook(hook_id)
    allowed_origin = _check_origin(hook)
    _verify_sender(hook)
    _rate_limit(hook)
    action = get_action(hook.action)
    wait = _wait_seconds()

    header_key = _header_key()
    if header_key and (reply := _replay(hook, header_key)):
        metrics.ingested(hook.action, "replayed")
        return _cors(reply, allowed_origin)

    body: Body | None = None
    try:
        body = read_body(request)
        rules = HookRules(hook.preset, hook.mapping, hook.idempotency_field)
        prepared = prepare(body, rules, action.schema, validator_for_action(action.name))
        if not prepared.ok:
            raise ValidationFailed(
                f"{len(prepared.problems)} field(s) need fixing before this can be sent "
                f"to Esqase ({action.name}).",
                details=[p.to_dict() for p in prepared.problems],
            )
    except RelayError as exc:
        if exc.status in (400, 415, 422):
            job_id = _record_rejected(hook, body, exc)
            exc.extra["job_id"] = job_id
            metrics.ingested(hook.action, "rejected")
        raise

    idem_key = header_key or prepared.idempotency_key
    # A header key was looked up before the body was read; only a key found in the
    # payload still needs its lookup.
    if idem_key and not header_key and (reply := _replay(hook, idem_key)):
        metrics.ingested(hook.action, "replayed")
        return _cors(reply, allowed_origin)

    job = Job(
        hook_id=hook.id,
        connection_id=hook.connection_id,
        action=hook.action,
        status=JobStatus.QUEUED,
        input=prepared.input,
        idempotency_key=idem_key,
    )
    try:
        with get_db().session() as s:
            s.add(job)
    except IntegrityError:
        # The same key raced in from another request: theirs is the first job.
        if idem_key and (reply := _replay(hook, idem_key)):
            return _cors(reply, allowed_origin)
        raise
    enqueue_job(job.id)  # False = Redis down: the job is safe in SQL, the sweeper enqueues it
    metrics.ingested(hook.action, "accepted")
    if wait:
        job = _await(job.id, wait)
    return _cors(_answer(hook, job, waited=bool(wait)), allowed_origin)


@bp.route("/hooks/<hook_id>", methods=["OPTIONS"])
def preflight(hook_id: str) -> Response:
    hook = _hook(hook_id)
    origin = _check_origin(hook)
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
    hook = _hook(hook_id)
    job = None
    if looks_like_id(job_id):
        with get_db().session() as s:
            job = s.get(Job, job_id)
    if job is None or job.hook_id != hook.id:
        raise NotFound("This hook has no job with that id.", code="job_not_found")
    return jsonify(public_view(job, _base(hook)))


def _cors(response: Response, origin: str | None) -> Response:
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
        response.headers["Access-Control-Expose-Headers"] = "Idempotent-Replayed, Location"
    return response
