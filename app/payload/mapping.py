"""Reshape a provider's payload into an action's input, declaratively.

Most senders can't be told what to send: a Typeform webhook is a Typeform
webhook. A hook therefore carries an optional *preset*, which flattens a known
provider's body into ``{field name: answer}``, and an optional *mapping*
``{target path in the action input: source path in the payload}`` which picks
and renames fields. Both are data, not code, so users can set them up in the
admin API and we can show them back.

Paths are dotted (``answers.first_name``, ``team.0.memberId``) or JSON-pointer
style (``/answers/0/text``, with ``~1`` for ``/`` and ``~0`` for ``~``). ASCII
digits (at most 18 of them) index lists; other digits (``²``) are names. A
dotted source path also matches keys that themselves contain dots
(``name.first`` as produced by the Jotform preset), longest key first.

The mapping result holds the mapped fields only; a source path that isn't in
the payload is skipped (so validation reports the target as missing, if it is
required), as is a source value of null. :func:`apply_mapping` raises only
``UnflattenError``, for targets that collide or can't be built (an index of more
than 18 digits).

Provider metadata. Each preset also copies the provider's delivery ids into its
output, so a hook's ``idempotency_field`` can name them; :data:`PRESET_META_KEYS`
lists them per preset:

* ``typeform``: ``event_id`` (the delivery) and ``token`` (``form_response.token``,
  the response);
* ``jotform``: ``submissionID`` and ``formID``;
* ``tally``: ``eventId`` (the delivery) and ``responseId`` (``data.responseId``).

They are not action fields. With a mapping they stay out unless mapped. Without
one, the caller reads the idempotency key from the preset's output and then
passes it through :func:`strip_meta` before coercion, so validation never sees
them (a Jotform hook without a mapping used to fail with "unknown field
'formID'"). These names are reserved in a preset's output: a form field with
the same name is shadowed by the metadata.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ._schema import is_digits, list_index
from .unflatten import Segment, assemble

__all__ = ["PRESETS", "PRESET_META_KEYS", "PresetError", "apply_mapping", "strip_meta"]


class _Absent:
    """Marker: nothing at this path."""


_ABSENT = _Absent()


def apply_mapping(data: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """A new dict (sharing nothing with ``data``) with each mapped target set from its source.

    Raises ``UnflattenError`` when two targets collide (``client`` and
    ``client.firstName``): that is a mistake in the hook's mapping.
    """
    entries: list[tuple[Sequence[Segment], Any, str]] = []
    for target, source in mapping.items():
        value = _get(data, _split(source))
        if isinstance(value, _Absent) or value is None:
            continue
        segments = _split(target)
        if not segments:
            continue
        nested: list[Segment] = [segments[0]]
        nested += [_index_or_name(s) for s in segments[1:]]
        entries.append((nested, _copy(value), target))
    return assemble(entries)


def _index_or_name(segment: str) -> Segment:
    index = list_index(segment)
    return segment if index is None else index


def _copy(value: Any) -> Any:
    """A deep copy of JSON-shaped data, without recursion (a body may nest ~1000 deep)."""
    if not isinstance(value, (Mapping, list)):
        return value
    root: Any = {} if isinstance(value, Mapping) else []
    pending: list[tuple[Any, Any]] = [(value, root)]
    while pending:
        source, target = pending.pop()
        pairs = source.items() if isinstance(source, Mapping) else enumerate(source)
        for key, item in pairs:
            if isinstance(item, (Mapping, list)):
                child: Any = {} if isinstance(item, Mapping) else []
                pending.append((item, child))
            else:
                child = item
            if isinstance(target, dict):
                target[key] = child
            else:
                target.append(child)
    return root


def lookup(data: Any, path: str) -> Any:
    """The value at a mapping-style path (dotted or JSON pointer), or ``None`` when absent.

    The same reading as a mapping source, so a hook's ``idempotency_field`` and its
    mapping name a place in the payload the same way.
    """
    found = _get(data, _split(path))
    return None if isinstance(found, _Absent) else found


def _split(path: str) -> list[str]:
    if path.startswith("/"):
        return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]
    return [p for p in path.split(".") if p != ""]


def _get(node: Any, segments: list[str]) -> Any:
    if not segments:
        return node
    if isinstance(node, Mapping):
        # Longest literal key first: "name.first" may be one key or two levels.
        for size in range(len(segments), 0, -1):
            key = ".".join(segments[:size])
            if key in node:
                found = _get(node[key], segments[size:])
                if not isinstance(found, _Absent):
                    return found
        return _ABSENT
    index = list_index(segments[0]) if isinstance(node, list) else None
    if isinstance(node, list) and index is not None and index < len(node):
        return _get(node[index], segments[1:])
    return _ABSENT


# --- presets ------------------------------------------------------------------


class PresetError(ValueError):
    """The body is not what the hook's form-provider preset expects."""


Preset = Callable[[dict[str, Any]], dict[str, Any]]

PRESET_META_KEYS: dict[str, tuple[str, ...]] = {
    "jotform": ("submissionID", "formID"),
    "typeform": ("event_id", "token"),
    "tally": ("eventId", "responseId"),
}
"""Per preset, the provider metadata keys it adds to its output (see the module doc)."""


def strip_meta(preset: str | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """A shallow copy of ``data`` without ``preset``'s metadata keys.

    For the no-mapping path: call it on the preset's output after reading the
    idempotency key and before coercion. No preset (or one without metadata):
    just the copy.
    """
    meta = PRESET_META_KEYS.get(preset, ()) if preset else ()
    return {k: v for k, v in data.items() if k not in meta}


def _add_meta(out: dict[str, Any], found: Mapping[str, Any]) -> None:
    """Set the metadata that is present; it wins over a form field of the same name."""
    for key, value in found.items():
        value = _one(value)
        if value not in (None, "", []):
            out[key] = value


def _one(value: Any) -> Any:
    """Form posts (Jotform) arrive unflattened: one value is a one-element list."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def typeform(body: dict[str, Any]) -> dict[str, Any]:
    """Typeform webhook -> ``{field ref: answer}``, plus hidden fields.

    Answers are keyed by the question's *ref* (editable in Typeform, stable
    across edits of the question text), falling back to its id. ``event_id``
    and ``token`` (``form_response.token``) are kept for idempotency; see
    :func:`strip_meta`.
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
            out[str(name)] = _typeform_value(answer)
    _add_meta(out, {"event_id": body.get("event_id"), "token": response.get("token")})
    return out


def _typeform_value(answer: Mapping[str, Any]) -> Any:
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


_JOTFORM_FIELD = re.compile(r"^q\d+_(.+)$")


def jotform(body: dict[str, Any]) -> dict[str, Any]:
    """Jotform webhook -> ``{unique name: answer}``; parts as ``name.first``.

    Jotform posts a form whose ``rawRequest`` field is the submission as a JSON
    string, keyed ``q<number>_<unique name>``. The ``q3_`` prefix is dropped
    (the unique name is what the Jotform builder shows), compound answers are
    flattened (``name.first``, ``address.city``), a date's month/day/year also
    becomes ``YYYY-MM-DD`` under the field's own name, and a phone's ``full``
    number the same. ``submissionID`` and ``formID`` are kept for idempotency;
    see :func:`strip_meta`.
    """
    raw = _one(body.get("rawRequest"))
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
        match = _JOTFORM_FIELD.match(head)
        if not match:
            continue
        name = match.group(1)
        if rest:
            name += "." + ".".join(p for p in rest.rstrip("]").split("][") if p)
        _flatten_into(out, name, _one(value))
    _add_meta(out, {"submissionID": body.get("submissionID"), "formID": body.get("formID")})
    return out


_JOTFORM_DEPTH = 8  # compound answers nest one level (name.first); deeper is kept whole


def _flatten_into(out: dict[str, Any], name: str, value: Any, depth: int = 0) -> None:
    if not isinstance(value, Mapping) or depth >= _JOTFORM_DEPTH:
        out[name] = value
        return
    parts = {k: _one(v) for k, v in value.items()}
    if {"year", "month", "day"} <= set(parts) and all(
        is_digits(str(parts[k])) and len(str(parts[k])) <= 4 for k in ("year", "month", "day")
    ):
        out[name] = f"{int(parts['year']):04d}-{int(parts['month']):02d}-{int(parts['day']):02d}"
    elif parts.get("full") not in (None, ""):
        out[name] = parts["full"]
    for sub, inner in parts.items():
        _flatten_into(out, f"{name}.{sub}", inner, depth + 1)


_TALLY_SINGLE = frozenset({"MULTIPLE_CHOICE", "DROPDOWN"})


def tally(body: dict[str, Any]) -> dict[str, Any]:
    """Tally webhook -> ``{field key: answer}`` and ``{field label: answer}``.

    Keys (``question_3EKz4n``) are stable; labels ("First name") are what
    people see, so both are offered; a label used twice keeps its first answer.
    Choice answers arrive as option ids and are turned into the option texts: a
    single choice as one text, checkboxes and multi-selects as a list.
    ``eventId`` and ``responseId`` (``data.responseId``) are kept for
    idempotency; see :func:`strip_meta`.
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
        value = _tally_value(field)
        if field.get("key"):
            out[str(field["key"])] = value
        label = field.get("label")
        if isinstance(label, str) and label.strip():
            labels.setdefault(label.strip(), value)
    for label, value in labels.items():
        out.setdefault(label, value)
    response_id = data.get("responseId") if isinstance(data, Mapping) else None
    _add_meta(out, {"eventId": body.get("eventId"), "responseId": response_id})
    return out


def _tally_value(field: Mapping[str, Any]) -> Any:
    value = field.get("value")
    options = field.get("options")
    if not isinstance(options, list):
        return value
    texts = {o.get("id"): o.get("text") for o in options if isinstance(o, Mapping)}
    if isinstance(value, list):
        chosen = [texts.get(v, v) for v in value]
        if field.get("type") in _TALLY_SINGLE and len(chosen) == 1:
            return chosen[0]
        return chosen
    return texts.get(value, value)


class _Presets(dict[str, Preset]):
    """A dict whose missing key error names the presets that do exist."""

    def __missing__(self, name: str) -> Preset:
        known = ", ".join(sorted(self))
        raise KeyError(f"unknown preset {name!r}; known presets: {known}")


PRESETS: dict[str, Preset] = _Presets(typeform=typeform, jotform=jotform, tally=tally)
