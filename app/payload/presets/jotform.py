"""Jotform: a form post whose ``rawRequest`` field is the submission as JSON.

Shapes from captured Jotform webhooks (Zulip's fixtures, see
tests/fixtures/providers/SOURCES.md and docs/providers-research.md): answers are keyed
``q<number>_<unique name>``; uploaded files sit, as full URLs, under the bare unique
name (``identityProof: [url, ...]``) while ``temp_upload`` holds temporary names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .._schema import is_digits
from .base import Answers, Preset, PresetError, add_meta, is_url, json_object, one

_FIELD = re.compile(r"^q\d+_(.+)$")
_DEPTH = 8  # compound answers nest one level (name.first); deeper is kept whole


def flatten(body: dict[str, Any]) -> dict[str, Any]:
    """Jotform webhook -> ``{unique name: answer}``; parts as ``name.first``.

    The ``q3_`` prefix is dropped (the unique name is what the Jotform builder
    shows), compound answers are flattened (``name.first``, ``address.city``), a
    date's month/day/year also becomes ``YYYY-MM-DD`` under the field's own name,
    and a phone's ``full`` number the same. File uploads are kept as their URLs
    (a list) under the field's unique name. ``submissionID`` and ``formID`` are
    kept for idempotency.
    """
    raw = json_object(one(body.get("rawRequest")), "Jotform rawRequest")
    if raw is None:
        raw = body  # fields posted directly, without rawRequest
    if not isinstance(raw, Mapping):
        raise PresetError("this is not a Jotform webhook: rawRequest is not a JSON object")
    uploads = _upload_names(raw.get("temp_upload"))
    out = Answers()
    for key, value in raw.items():
        # "q3_name[first]" (a flat form key) is the same as "q3_name": {"first": …}.
        head, _, rest = str(key).partition("[")
        match = _FIELD.match(head)
        if not match:
            if _is_upload(str(key), value, uploads):
                out[str(key)] = [v for v in value if is_url(v)]
            continue
        name = match.group(1)
        if rest:
            name += "." + ".".join(p for p in rest.rstrip("]").split("][") if p)
        _flatten_into(out, name, one(value))
    add_meta(out, {"submissionID": body.get("submissionID"), "formID": body.get("formID")})
    return out


def _upload_names(temp: Any) -> set[str]:
    """Unique names of upload fields: ``temp_upload`` is keyed ``q5_identityProof``."""
    if not isinstance(temp, Mapping):
        return set()
    return {m.group(1) for m in (_FIELD.match(str(k)) for k in temp) if m}


def _is_upload(key: str, value: Any, uploads: set[str]) -> bool:
    """A bare unique name holding file URLs (named in ``temp_upload``, or plainly URLs)."""
    if not isinstance(value, list) or not value or not any(is_url(v) for v in value):
        return False
    return key in uploads or all(is_url(v) for v in value)


def _flatten_into(out: dict[str, Any], name: str, value: Any, depth: int = 0) -> None:
    if not isinstance(value, Mapping) or depth >= _DEPTH:
        out[name] = value
        return
    parts = {k: one(v) for k, v in value.items()}
    if {"year", "month", "day"} <= set(parts) and all(
        is_digits(str(parts[k])) and len(str(parts[k])) <= 4 for k in ("year", "month", "day")
    ):
        out[name] = f"{int(parts['year']):04d}-{int(parts['month']):02d}-{int(parts['day']):02d}"
    elif parts.get("full") not in (None, ""):
        out[name] = parts["full"]
    for sub, inner in parts.items():
        _flatten_into(out, f"{name}.{sub}", inner, depth + 1)


PRESET = Preset(flatten, meta_keys=("submissionID", "formID"), idempotency="submissionID")
