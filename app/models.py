"""Tables: connections, hooks, jobs, attempts, callback events, deliveries, tokens, alerts.

States are ``str`` Enums stored as plain strings so the history stays
readable in any SQL client and migrations don't fight native enum types.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from .states import (  # noqa: F401  (re-exported: models is where callers look)
    CANCELABLE_STATUSES,
    FINAL_STATUSES,
    RETRYABLE_STATUSES,
    RUNNABLE_STATUSES,
    AttemptOutcome,
    ConnectionStatus,
    EventStatus,
    JobStatus,
)

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id(prefix: str) -> str:
    """Time-ordered ids (like ULID): newest sorts last, so a cursor is just an id."""
    ms = int(time.time() * 1000)
    stamp = ""
    for _ in range(10):
        stamp = _CROCKFORD[ms & 31] + stamp
        ms >>= 5
    rand = "".join(secrets.choice(_CROCKFORD) for _ in range(16))
    return f"{prefix}_{stamp}{rand}"


def new_token(prefix: str, nbytes: int = 24) -> str:
    return f"{prefix}_{secrets.token_urlsafe(nbytes)}"


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (naive storage) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime}


def _ts() -> Mapped[datetime]:
    return mapped_column(UTCDateTime, default=utcnow)


class Connection(Base):
    __tablename__ = "connections"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("con"))
    name: Mapped[str] = mapped_column(String(200))
    base_url: Mapped[str] = mapped_column(String(500))
    api_key_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    api_key_last4: Mapped[str] = mapped_column(String(4))
    rate_limit_per_minute: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=ConnectionStatus.ACTIVE)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = _ts()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Hook(Base):
    __tablename__ = "hooks"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("hook"))
    # The unguessable part of the hook URL; rotating it retires a leaked URL.
    token: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: new_token("hk", 24))
    name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80))
    connection_id: Mapped[str] = mapped_column(ForeignKey("connections.id"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    callback_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    callback_secret_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    callback_events: Mapped[list[Any]] = mapped_column(
        JSON, default=lambda: ["job.succeeded", "job.failed", "job.needs_review"]
    )
    idempotency_field: Mapped[str | None] = mapped_column(String(200), nullable=True)
    mapping: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    preset: Mapped[str | None] = mapped_column(String(40), nullable=True)
    allowed_origins: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    # How the sender signs (app/ingest/senders.py: standard-webhooks, typeform, tally,
    # hmac); None = no verification. The secret it signs with, encrypted.
    sender_scheme: Mapped[str | None] = mapped_column(String(40), nullable=True)
    sender_secret_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # For "hmac": {"header", "algorithm", "encoding", "prefix"}.
    sender_signature: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # The status a refused (422) delivery is answered with: 422, or 200 for senders that
    # retry and then disable a webhook on errors. None = by preset (200 with one).
    reject_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = _ts()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("hook_id", "idempotency_key", name="uq_jobs_hook_idempotency"),
        Index("ix_jobs_status_next", "status", "next_attempt_at"),
        Index("ix_jobs_hook_created", "hook_id", "created_at"),
        # The attention counts: failed in the last day, rejected in the last hour.
        Index("ix_jobs_status_finished", "status", "finished_at"),
        # Substring search over `search` (app/search.py); PostgreSQL only (pg_trgm, 0006).
        Index(
            "ix_jobs_search_trgm",
            "search",
            postgresql_using="gin",
            postgresql_ops={"search": "gin_trgm_ops"},
            info={"dialects": ("postgresql",)},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("job"))
    hook_id: Mapped[str] = mapped_column(ForeignKey("hooks.id"))
    connection_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    action: Mapped[str] = mapped_column(String(80), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    input: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # What arrived, for rejected deliveries: the raw fields, so a person sees why.
    received: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # SHA-256 of the prepared input: the same key with a different body is refused.
    input_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The job whose stored body this one replayed through the hook's current rules. Unique:
    # a delivery is replayed once (a second click must not make a second record).
    replay_of: Mapped[str | None] = mapped_column(
        String(40), nullable=True, index=True, unique=True
    )
    # How a person settled it: {"kind", "by", "at", ...} (link, discard, confirm_create).
    resolution: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    attempts_made: Mapped[int] = mapped_column(Integer, default=0)
    # attempts_made when a person last retried: each manual retry gets a fresh schedule.
    budget_start: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # Finished steps of a composite action, so a retry resumes instead of repeating.
    checkpoint: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    search: Mapped[str | None] = mapped_column(Text, nullable=True)  # what q= finds it by
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Attempt(Base):
    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    started_at: Mapped[datetime] = _ts()
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # [{"method","path","status","duration_ms","error"}]; a write call is noted
    # before it is sent, so a dead worker's attempt shows whether it got that far.
    calls: Mapped[list[Any]] = mapped_column(JSON, default=list)


class CallbackEvent(Base):
    __tablename__ = "callback_events"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("msg"))
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.PENDING)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    attempts_made: Mapped[int] = mapped_column(Integer, default=0)
    # attempts_made when a person last asked to redeliver: each redelivery gets the schedule.
    budget_start: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = _ts()


class Delivery(Base):
    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(
        ForeignKey("callback_events.id", ondelete="CASCADE"), index=True
    )
    job_id: Mapped[str] = mapped_column(String(40), index=True)
    number: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(String(2000))
    ok: Mapped[bool] = mapped_column(Boolean)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    duration_ms: Mapped[int] = mapped_column(Integer)
    response_excerpt: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = _ts()


class AdminToken(Base):
    __tablename__ = "admin_tokens"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("tok"))
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = _ts()
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AlertCondition(Base):
    """One condition worth a person's attention (:mod:`app.alerts`), keyed by what it is
    about; ``event_id`` names the alert of its current opening, delivered once."""

    __tablename__ = "alert_conditions"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    type: Mapped[str] = mapped_column(String(60))
    open: Mapped[bool] = mapped_column(Boolean)
    opened_at: Mapped[datetime] = _ts()
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    event_id: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.PENDING)
    attempts_made: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
