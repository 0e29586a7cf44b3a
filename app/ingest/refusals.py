"""What a refused delivery leaves in the job history, so a person can see why it failed.

Kept for every refusal once the hook is known (bad framing, too large, bad
signature, wrong origin, wrong type, invalid fields), but never for 404 (no
hook to file it under) or 429 (recording a flood would be the flood). What is
kept is what arrived, up to a size: a body cut for the history says so.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Request

from .. import metrics
from ..errors import RelayError
from ..jobs import lifecycle
from ..models import Hook
from .body import Body
from .pipeline import snapshot

KEPT_BYTES = 16 * 1024
RECORDED = frozenset({400, 401, 403, 413, 415, 422})


def received(request: Request, body: Body | None) -> dict[str, Any]:
    """The parsed fields when they fit, else the start of the raw text, marked as cut."""
    if body is not None:
        kept = snapshot(body)
        if len(json.dumps(kept, default=str)) <= KEPT_BYTES:
            return kept
    try:
        raw = request.get_data(cache=True)
    except Exception:  # noqa: BLE001 - the body itself was the problem (size, framing)
        return {"kind": "none", "content_type": request.content_type, "note": "body not read"}
    raw_kept: dict[str, Any] = {
        "kind": "raw",
        "content_type": request.content_type,
        "text": raw[:KEPT_BYTES].decode(errors="replace"),
    }
    if len(raw) > KEPT_BYTES:
        raw_kept["cut_at_bytes"], raw_kept["size_bytes"] = KEPT_BYTES, len(raw)
    return raw_kept


def record(hook: Hook, request: Request, body: Body | None, exc: RelayError) -> None:
    """File ``exc`` under ``hook`` and put the job id beside the error in the answer."""
    if exc.status not in RECORDED:
        return
    snapshot = received(request, body)
    exc.extra["job_id"] = lifecycle.reject(hook, snapshot, exc.body()["error"])
    metrics.ingested(hook.action, "rejected")
