"""Helpers the templates call: readable times, pretty JSON, status words.

They return plain ``str`` on purpose: Jinja's autoescaping then escapes
whatever they carry, and job input and received fields are attacker-controlled.
(``|tojson`` would be safe too, but shows ``<`` as ``\\u003c`` to the reader.)
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ..models import JobStatus
from . import bp, csrf, fields

STATUS_LABELS: dict[str, str] = {
    JobStatus.REJECTED.value: "Rejected",
    JobStatus.IGNORED.value: "Ignored",
    JobStatus.QUEUED.value: "Queued",
    JobStatus.RUNNING.value: "Running",
    JobStatus.RETRYING.value: "Retrying",
    JobStatus.SUCCEEDED.value: "Succeeded",
    JobStatus.FAILED.value: "Failed",
    JobStatus.NEEDS_REVIEW.value: "Needs review",
    JobStatus.CANCELED.value: "Canceled",
}
# An attempt's outcome (app.jobs.outcome.Verdict); the other outcomes read like statuses.
OUTCOME_LABELS = {
    "retry": "Will be retried",
    "worker_lost": "Lost (the worker stopped)",
    "attempt_lost": "Lost (could not be recorded)",
}
# Statuses that want a person's attention; their counts are highlighted.
ATTENTION = (JobStatus.NEEDS_REVIEW, JobStatus.FAILED)


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def outcome_label(outcome: str | None) -> str:
    if not outcome:
        return "In progress"
    return OUTCOME_LABELS.get(outcome) or status_label(outcome)


def pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def when(value: str | None) -> str:
    """``2026-07-01T09:30:00.123456Z`` -> ``2026-07-01 09:30:00 UTC``; ``—`` for none."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "csrf_token": csrf.token,
        "csrf_field": csrf.FIELD,
        "pretty": pretty,
        "field_rows": fields.rows,
        "when": when,
        "status_label": status_label,
        "outcome_label": outcome_label,
        "attention": [s.value for s in ATTENTION],
    }
