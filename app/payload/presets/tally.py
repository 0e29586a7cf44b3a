"""Tally: ``data.fields``, each with a stable key, the label a person sees, and option ids.

Shapes from Tally's "Example webhook event" (https://tally.so/help/webhooks), which
"contains every type of field that Tally supports"; see docs/providers-research.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import Answers, NotASubmission, Preset, PresetError, add_alias, add_meta, is_url

SUBMISSION = "FORM_RESPONSE"
_SINGLE = frozenset({"MULTIPLE_CHOICE", "DROPDOWN"})
_FILES = frozenset({"FILE_UPLOAD", "SIGNATURE"})


def flatten(body: dict[str, Any]) -> dict[str, Any]:
    """Tally webhook -> ``{field key: answer}`` and ``{field label: answer}``.

    Keys (``question_3EKz4n``) are stable; labels ("First name") are what people
    see, so both are offered; a label used twice keeps its first answer. Choice
    answers arrive as option ids and become the option texts: a single choice as
    one text, checkboxes, multi-selects and rankings as a list; a matrix as
    ``{row text: [column texts]}``. File uploads and signatures become their URLs (a
    list). ``eventId`` (the delivery) and ``responseId`` (``data.responseId``) are kept
    for idempotency. An ``eventType`` other than ``FORM_RESPONSE`` is not a submission.
    """
    event = body.get("eventType")
    if event is not None and event != SUBMISSION:
        raise NotASubmission(f"Tally event {event!r} is not a form response")
    data = body.get("data")
    fields = data.get("fields") if isinstance(data, Mapping) else None
    if not isinstance(data, Mapping) or not isinstance(fields, list):
        raise PresetError("this is not a Tally webhook: data.fields is missing")
    out = Answers()
    labelled: list[tuple[Any, Any]] = []
    for field in fields:
        if not isinstance(field, Mapping):
            continue
        value = _value(field)
        if field.get("key"):
            out[str(field["key"])] = value
        labelled.append((field.get("label"), value))
    for label, value in labelled:
        add_alias(out, label, value)
    add_meta(out, {"eventId": body.get("eventId"), "responseId": data.get("responseId")})
    return out


def _value(field: Mapping[str, Any]) -> Any:
    value = field.get("value")
    kind = field.get("type")
    if kind in _FILES and isinstance(value, list):
        return [f["url"] for f in value if isinstance(f, Mapping) and is_url(f.get("url"))]
    if kind == "MATRIX" and isinstance(value, Mapping):
        return _matrix(field, value)
    options = field.get("options")
    if not isinstance(options, list):
        return value
    texts = _texts(options)
    if isinstance(value, list):
        chosen = [texts.get(v, v) if isinstance(v, str) else v for v in value]
        if kind in _SINGLE and len(chosen) == 1:
            return chosen[0]
        return chosen
    return texts.get(value, value) if isinstance(value, str) else value


def _texts(options: Any) -> dict[Any, Any]:
    if not isinstance(options, list):
        return {}
    return {o.get("id"): o.get("text") for o in options if isinstance(o, Mapping)}


def _matrix(field: Mapping[str, Any], value: Mapping[str, Any]) -> dict[str, Any]:
    rows, columns = _texts(field.get("rows")), _texts(field.get("columns"))
    out: dict[str, Any] = {}
    for row, chosen in value.items():
        picked = chosen if isinstance(chosen, list) else [chosen]
        out[str(rows.get(row) or row)] = [
            columns.get(c, c) if isinstance(c, str) else c for c in picked
        ]
    return out


PRESET = Preset(flatten, meta_keys=("eventId", "responseId"), idempotency="responseId")
