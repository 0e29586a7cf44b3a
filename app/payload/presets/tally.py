"""Tally: ``data.fields``, each with a stable key, a label and option ids."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import Preset, PresetError, add_meta

_SINGLE = frozenset({"MULTIPLE_CHOICE", "DROPDOWN"})


def flatten(body: dict[str, Any]) -> dict[str, Any]:
    """Tally webhook -> ``{field key: answer}`` and ``{field label: answer}``.

    Keys (``question_3EKz4n``) are stable; labels ("First name") are what
    people see, so both are offered; a label used twice keeps its first answer.
    Choice answers arrive as option ids and are turned into the option texts: a
    single choice as one text, checkboxes and multi-selects as a list.
    ``eventId`` (the delivery) and ``responseId`` (``data.responseId``) are kept
    for idempotency.
    """
    data = body.get("data")
    fields = data.get("fields") if isinstance(data, Mapping) else None
    if not isinstance(fields, list):
        raise PresetError("this is not a Tally webhook: data.fields is missing")
    out: dict[str, Any] = {}
    labels: dict[str, Any] = {}
    for field in fields:
        if not isinstance(field, Mapping):
            continue
        value = _value(field)
        if field.get("key"):
            out[str(field["key"])] = value
        label = field.get("label")
        if isinstance(label, str) and label.strip():
            labels.setdefault(label.strip(), value)
    for label, value in labels.items():
        out.setdefault(label, value)
    response_id = data.get("responseId") if isinstance(data, Mapping) else None
    add_meta(out, {"eventId": body.get("eventId"), "responseId": response_id})
    return out


def _value(field: Mapping[str, Any]) -> Any:
    value = field.get("value")
    options = field.get("options")
    if not isinstance(options, list):
        return value
    texts = {o.get("id"): o.get("text") for o in options if isinstance(o, Mapping)}
    if isinstance(value, list):
        chosen = [texts.get(v, v) for v in value]
        if field.get("type") in _SINGLE and len(chosen) == 1:
            return chosen[0]
        return chosen
    return texts.get(value, value)


PRESET = Preset(flatten, meta_keys=("eventId", "responseId"))
