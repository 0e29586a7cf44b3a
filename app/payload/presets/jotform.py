"""Jotform: a form post whose ``rawRequest`` field is the submission as JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from .._schema import is_digits
from .base import Preset, PresetError, add_meta, one

_FIELD = re.compile(r"^q\d+_(.+)$")
_DEPTH = 8  # compound answers nest one level (name.first); deeper is kept whole


def flatten(body: dict[str, Any]) -> dict[str, Any]:
    """Jotform webhook -> ``{unique name: answer}``; parts as ``name.first``.

    ``rawRequest`` is keyed ``q<number>_<unique name>``. The ``q3_`` prefix is
    dropped (the unique name is what the Jotform builder shows), compound
    answers are flattened (``name.first``, ``address.city``), a date's
    month/day/year also becomes ``YYYY-MM-DD`` under the field's own name, and
    a phone's ``full`` number the same. ``submissionID`` and ``formID`` are kept
    for idempotency.
    """
    raw = one(body.get("rawRequest"))
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise PresetError(f"Jotform rawRequest is not valid JSON: {exc}") from exc
        except RecursionError as exc:
            raise PresetError("Jotform rawRequest is nested too deeply") from exc
    if raw is None:
        raw = body  # fields posted directly, without rawRequest
    if not isinstance(raw, Mapping):
        raise PresetError("this is not a Jotform webhook: rawRequest is not a JSON object")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        # "q3_name[first]" (a flat form key) is the same as "q3_name": {"first": …}.
        head, _, rest = str(key).partition("[")
        match = _FIELD.match(head)
        if not match:
            continue
        name = match.group(1)
        if rest:
            name += "." + ".".join(p for p in rest.rstrip("]").split("][") if p)
        _flatten_into(out, name, one(value))
    add_meta(out, {"submissionID": body.get("submissionID"), "formID": body.get("formID")})
    return out


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


PRESET = Preset(flatten, meta_keys=("submissionID", "formID"))
