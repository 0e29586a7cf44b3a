"""Typeform: ``form_response.answers`` keyed by each question's ref."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import Preset, PresetError, add_meta


def flatten(body: dict[str, Any]) -> dict[str, Any]:
    """Typeform webhook -> ``{field ref: answer}``, plus hidden fields.

    Answers are keyed by the question's *ref* (editable in Typeform, stable
    across edits of the question text), falling back to its id. ``event_id``
    (the delivery) and ``token`` (``form_response.token``, the response) are
    kept for idempotency.
    """
    response = body.get("form_response")
    if not isinstance(response, Mapping):
        raise PresetError("this is not a Typeform webhook: form_response is missing")
    answers = response.get("answers") or []
    if not isinstance(answers, list):
        raise PresetError("this is not a Typeform webhook: form_response.answers is not a list")
    out: dict[str, Any] = {}
    hidden = response.get("hidden")
    if isinstance(hidden, Mapping):
        out.update({str(k): v for k, v in hidden.items()})
    for answer in answers:
        field = answer.get("field") if isinstance(answer, Mapping) else None
        if not isinstance(field, Mapping):
            continue
        name = field.get("ref") or field.get("id")
        if name:
            out[str(name)] = _value(answer)
    add_meta(out, {"event_id": body.get("event_id"), "token": response.get("token")})
    return out


def _value(answer: Mapping[str, Any]) -> Any:
    kind = answer.get("type")
    if kind == "choice":
        choice = answer.get("choice") or {}
        return choice.get("label", choice.get("other"))
    if kind == "choices":
        choices = answer.get("choices") or {}
        labels = list(choices.get("labels") or [])
        if choices.get("other"):
            labels.append(choices["other"])
        return labels
    # text, email, phone_number, number, boolean, date, url, file_url, payment, …:
    # the value sits under a key named like the answer type.
    return answer.get(str(kind))


PRESET = Preset(flatten, meta_keys=("event_id", "token"))
