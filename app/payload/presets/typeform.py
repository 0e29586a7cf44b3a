"""Typeform: ``form_response.answers``, named through ``form_response.definition.fields``.

Typeform's own documented example payload
(https://www.typeform.com/developers/webhooks/example-payload/) carries answers with
``field.id`` and ``field.type`` only; the question's *ref* (the name set in the builder,
stable across edits of the wording) and its *title* (the wording) are in
``definition.fields``, joined by id. Other deliveries carry ``field.ref`` on every
answer. Both are read. See docs/providers-research.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import Answers, NotASubmission, Preset, PresetError, add_alias, add_meta

SUBMISSION = "form_response"


def flatten(body: dict[str, Any]) -> dict[str, Any]:
    """Typeform webhook -> ``{ref: answer}``, plus ``{title: answer}``, ``{id: answer}``
    and the hidden fields.

    A question without a ref is keyed by its id. Titles are offered too, when no ref or
    hidden field has that name; a title used twice keeps its first answer. A choice is
    its label, several choices a list of labels, a file upload its URL. ``event_id``
    (the delivery) and ``token`` (``form_response.token``, the response) are kept for
    idempotency. An event other than ``form_response`` (``form_response_partial``:
    someone is still filling the form in) is not a submission.
    """
    event = body.get("event_type")
    if event is not None and event != SUBMISSION:
        raise NotASubmission(f"Typeform event {event!r} is not a finished form response")
    response = body.get("form_response")
    if not isinstance(response, Mapping):
        raise PresetError("this is not a Typeform webhook: form_response is missing")
    answers = response.get("answers") or []
    if not isinstance(answers, list):
        raise PresetError("this is not a Typeform webhook: form_response.answers is not a list")
    questions = _questions(response.get("definition"))
    out = Answers()
    hidden = response.get("hidden")
    if isinstance(hidden, Mapping):
        out.update({str(k): v for k, v in hidden.items()})
    titled: list[tuple[Any, Any]] = []
    ids: list[tuple[str, Any]] = []
    for answer in answers:
        field = answer.get("field") if isinstance(answer, Mapping) else None
        if not isinstance(field, Mapping):
            continue
        question = questions.get(str(field.get("id")), {})
        value = _value(answer)
        name = field.get("ref") or question.get("ref") or field.get("id")
        if name:
            out[str(name)] = value
        if field.get("id"):
            ids.append((str(field["id"]), value))
        titled.append((question.get("title"), value))
    for title, value in titled:
        add_alias(out, title, value)
    for field_id, value in ids:
        add_alias(out, field_id, value)
    add_meta(out, {"event_id": body.get("event_id"), "token": response.get("token")})
    return out


def _questions(definition: Any) -> dict[str, Mapping[str, Any]]:
    """Question id -> its definition (ref, title, type)."""
    fields = definition.get("fields") if isinstance(definition, Mapping) else None
    if not isinstance(fields, list):
        return {}
    return {str(f["id"]): f for f in fields if isinstance(f, Mapping) and f.get("id")}


def _value(answer: Mapping[str, Any]) -> Any:
    kind = answer.get("type")
    if kind == "choice":
        choice = answer.get("choice") or {}
        return choice.get("label", choice.get("other")) if isinstance(choice, Mapping) else None
    if kind == "choices":
        choices = answer.get("choices") or {}
        if not isinstance(choices, Mapping):
            return None
        labels = list(choices.get("labels") or [])
        if choices.get("other"):
            labels.append(choices["other"])
        return labels
    # text, email, phone_number, number, boolean, date, url, file_url, payment, …:
    # the value sits under a key named like the answer type.
    return answer.get(str(kind))


PRESET = Preset(flatten, meta_keys=("event_id", "token"), idempotency="token")
