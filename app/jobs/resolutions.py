"""What a person's decision about a job leaves on it: who decided what, and when.

Pure values for :mod:`app.jobs.lifecycle`'s decisions (retry, cancel, resolve),
which alone write them.
"""

from __future__ import annotations

from typing import Any

from ..models import JobStatus, utcnow


def ended(status: JobStatus, kind: str, by: str | None, **extra: Any) -> dict[str, Any]:
    """The columns of a job a person ended (``status``), with their decision."""
    decided = {**decision(kind, by), **extra}
    return {"status": status, "finished_at": utcnow(), "resolution": decided}


def decision(kind: str, by: str | None) -> dict[str, Any]:
    return {"kind": kind, "by": by or "unknown", "at": utcnow().isoformat()}
