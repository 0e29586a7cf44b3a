"""The states a job, an attempt, a connection and a callback event can be in.

``str`` Enums stored as plain strings (see :mod:`app.models`). Kept apart from the
tables so the pure parts (the outcome table, the API's schemas, the CLI's help) can
name a state without importing SQLAlchemy's declarative machinery.
"""

from __future__ import annotations

import enum


class JobStatus(enum.StrEnum):
    """Every status a job can have; only :mod:`app.jobs.lifecycle` moves a job between them."""

    REJECTED = "rejected"
    IGNORED = "ignored"
    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    NEEDS_REVIEW = "needs_review"
    CANCELED = "canceled"


# Nothing more will happen to these without a person (needs_review is not final:
# it waits for one).
FINAL_STATUSES = (
    JobStatus.REJECTED,
    JobStatus.IGNORED,
    JobStatus.SUCCEEDED,
    JobStatus.FAILED,
    JobStatus.CANCELED,
)
# A job a worker may pick up.
RUNNABLE_STATUSES = (JobStatus.QUEUED, JobStatus.RETRYING)
# What a person may retry, and what they may cancel.
RETRYABLE_STATUSES = (JobStatus.FAILED, JobStatus.NEEDS_REVIEW, JobStatus.CANCELED)
CANCELABLE_STATUSES = (JobStatus.QUEUED, JobStatus.RETRYING, JobStatus.NEEDS_REVIEW)


class AttemptOutcome(enum.StrEnum):
    """How one attempt ended: the worker's verdict, or why the attempt was taken from it."""

    SUCCEEDED = "succeeded"
    RETRY = "retry"
    FAILED = "failed"
    NEEDS_REVIEW = "needs_review"
    WORKER_LOST = "worker_lost"  # the sweeper took it back: the worker died or timed out
    ATTEMPT_LOST = "attempt_lost"  # the worker could not record its own attempt


class ConnectionStatus(enum.StrEnum):
    ACTIVE = "active"
    AUTH_FAILED = "auth_failed"  # Esqase answered 401/403: a person must fix the key


class EventStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
