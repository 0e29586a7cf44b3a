"""The sentence a no-code user reads for one jsonschema error.

jsonschema's own messages ("'ten' is not of type 'integer'", "{...} is not valid
under any of the given schemas") are written for programmers. The people who
read ours built a Zap or a web form: they need the field name as they typed it
(``client.firstName``), the value they sent, and what would have been accepted.
This module holds only words: it reads a schema and an error and returns text;
:mod:`.validation` decides which errors become which problems.

Our schemas add two keywords of their own, which validators ignore:

* ``x-message`` on a field's schema: the sentence for any error in that schema,
  e.g. ``{"not": {}, "x-message": "{field} is only for COMPANY contacts; …"}`` in
  the PERSON branch of a contact. ``{field}`` is the field's name as people write
  it (``client.companyName``); any other ``{name}`` is the sibling field ``name``
  (``{type}`` -> ``client.type``). See :func:`fill`.
* ``x-immutable`` on an object schema: ``{field: sentence}`` for fields the API
  knows but will not change (a contact's ``type`` on update), said instead of
  "unknown field".

A text field whose ``pattern`` is ``\\S`` must hold a non-space character
(``minLength: 1`` alone lets ``"   "`` through): both say "must not be blank".

Values are quoted through :mod:`.excerpt`: short, and never an exception.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._jsonschema import ValidationError
from ._schema import NOT_BLANK, Schema, display, types_of
from .excerpt import got, show

_KNOWN_FIELDS_SHOWN = 8
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

_FORMATS = {
    "email": "an email address like jane@example.com",
    "date": "a date written as YYYY-MM-DD, e.g. 2026-07-01",
}
_NOUNS = {
    "string": "text",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a group of fields",
    "null": "empty",
}


# --- one sentence per keyword ---------------------------------------------------


@dataclass(frozen=True)
class _Said:
    """What every keyword's sentence may draw on."""

    name: str  # the field, as people write it
    got: str  # "(got 'ten')"
    value: Any
    rule: Any  # the keyword's value in the schema (5 for maxLength: 5)
    schema: Schema


def _type(e: _Said) -> str:
    return f"{e.name} must be {_type_noun(e.schema)} {e.got}"


def _format(e: _Said) -> str:
    shaped = isinstance(e.value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", e.value)
    if e.schema.get("format") == "date" and shaped:
        return f"{e.name} is not a real calendar date {e.got}"
    return _must_be_expected(e)


def _must_be_expected(e: _Said) -> str:
    return f"{e.name} must be {expectation(e.schema)} {e.got}"


def _pattern(e: _Said) -> str:
    if e.schema.get("format"):
        return _must_be_expected(e)
    if e.rule == NOT_BLANK:
        return blank(e.name, e.value)
    return f"{e.name} must match the pattern {e.rule} {e.got}"


def _in_range(e: _Said) -> str:
    return f"{e.name} must be {_range(e.schema) or 'in range'} {e.got}"


def _min_length(e: _Said) -> str:
    if e.rule == 1:
        return blank(e.name, e.value)
    return f"{e.name} must be at least {e.rule} characters long {e.got}"


_SENTENCES: dict[str, Callable[[_Said], str]] = {
    "type": _type,
    "format": _format,
    "enum": _must_be_expected,
    "const": lambda e: f"{e.name} must be {show(e.rule)} {e.got}",
    "pattern": _pattern,
    "minimum": _in_range,
    "maximum": _in_range,
    "exclusiveMinimum": _in_range,
    "exclusiveMaximum": _in_range,
    "minLength": _min_length,
    "maxLength": lambda e: f"{e.name} must be at most {e.rule} characters long {e.got}",
    "minItems": lambda e: f"{e.name} needs at least {_entries(e.rule)} {e.got}",
    "maxItems": lambda e: f"{e.name} can have at most {_entries(e.rule)} {e.got}",
    "uniqueItems": lambda e: f"{e.name} lists the same value more than once {e.got}",
}


def sentence(error: ValidationError) -> tuple[str, str | None] | None:
    """``(sentence, expectation)`` for a keyword we have words for, else None."""
    phrase = _SENTENCES.get(str(error.validator))
    if phrase is None:
        return None
    path = list(error.absolute_path)
    schema: Schema = error.schema if isinstance(error.schema, Mapping) else {}
    value = error.instance
    said = _Said(field_name(path), got(value), value, error.validator_value, schema)
    if error.validator == "type" and not path:
        return f"the payload must be a JSON object of named fields {said.got}", "a JSON object"
    return phrase(said), expectation(schema)


def fallback(error: ValidationError) -> str:
    """A keyword we have no words for: the field's name and jsonschema's own message."""
    return f"{field_name(list(error.absolute_path))}: {error.message}"


# --- sentences for the rules validation walks itself ---------------------------


def blank(name: str, value: Any) -> str:
    if isinstance(value, str) and value and not value.strip():
        return f"{name} must not be blank (it only had spaces)"
    return f"{name} must not be blank"


def fill(template: str, path: Sequence[str | int]) -> str:
    """An ``x-message``: ``{field}`` is the field, any other ``{name}`` its sibling."""

    def named(match: re.Match[str]) -> str:
        word = match.group(1)
        return field_name(path) if word == "field" else field_name([*path[:-1], word])

    return _PLACEHOLDER.sub(named, template)


def too_few_fields(schema: Schema, minimum: Any, name: str) -> str:
    required = [r for r in schema.get("required", []) if isinstance(r, str)]
    if required and minimum == len(required) + 1:
        return f"nothing to change: send at least one field besides {', '.join(required)}"
    return f"{name} needs at least {minimum} field{'' if minimum == 1 else 's'}"


def unknown_field(
    field: str, path: Sequence[str | int], guess: str | None, known: Sequence[str]
) -> str:
    """A field the schema doesn't have: the close match if there is one, else the list."""
    where = f" in {field_name(path)}" if path else ""
    if guess is not None:
        return f"unknown field {field!r}{where}; did you mean {guess!r}?"
    shown = ", ".join(known[:_KNOWN_FIELDS_SHOWN])
    if len(known) > _KNOWN_FIELDS_SHOWN:
        shown += f" and {len(known) - _KNOWN_FIELDS_SHOWN} more"
    return f"unknown field {field!r}{where}; known fields: {shown or 'none'}"


def too_deep(path: Sequence[str | int], levels: int) -> str:
    return f"{field_name(path)} is nested too deeply (more than {levels} levels of lists or groups)"


def condition(root: Schema, schema_path: list[Any], path: list[str | int]) -> str:
    """ "when type is PERSON" for an error raised inside ``if/then``, else ""."""
    for i in range(len(schema_path) - 1, -1, -1):
        if schema_path[i] in ("then", "else"):
            owner = _resolve(root, schema_path[:i])
            test = owner.get("if") if isinstance(owner, Mapping) else None
            described = _describe_if(test, path)
            if not described:
                return ""
            return ("when " if schema_path[i] == "then" else "unless ") + described
    return ""


def _describe_if(test: Any, path: list[str | int]) -> str:
    if not isinstance(test, Mapping) or not isinstance(test.get("properties"), Mapping):
        return ""
    parts = []
    for field, rule in test["properties"].items():
        if isinstance(rule, Mapping) and "const" in rule:
            parts.append(f"{field_name([*path, field])} is {_plain(rule['const'])}")
        elif isinstance(rule, Mapping) and isinstance(rule.get("enum"), list):
            listed = ", ".join(_plain(v) for v in rule["enum"])
            parts.append(f"{field_name([*path, field])} is one of {listed}")
        else:
            return ""
    return " and ".join(parts)


def _resolve(root: Any, path: Iterable[Any]) -> Any:
    node = root
    for segment in path:
        try:
            node = node[segment]
        except (KeyError, IndexError, TypeError):
            return None
    return node


# --- what a valid value looks like ----------------------------------------------


def _type_noun(schema: Schema) -> str:
    types = types_of(schema)
    if types == ["string"] and (schema.get("enum") or schema.get("format") in _FORMATS):
        return expectation(schema) or "text"
    return " or ".join(_NOUNS.get(t, t) for t in types) or "something else"


def expectation(schema: Schema) -> str | None:
    """What a valid value looks like, in words (None when we can't say)."""
    if "enum" in schema:
        return "one of " + ", ".join(_plain(v) for v in schema["enum"])
    if "const" in schema:
        return f"exactly {_plain(schema['const'])}"
    if schema.get("format") in _FORMATS:
        return _FORMATS[schema["format"]]
    types = types_of(schema)
    if types in (["integer"], ["number"]):
        limits = _range(schema)
        return _NOUNS[types[0]] + (f" {limits}" if limits else "")
    if types == ["array"]:
        item = expectation(schema.get("items", {}))
        return f"a list where each entry is {item}" if item else "a list"
    if types == ["object"]:
        required = schema.get("required", [])
        return f"a group of fields with {', '.join(required)}" if required else "a group of fields"
    if types == ["string"]:
        examples = schema.get("examples")
        if isinstance(examples, list) and examples:
            return f"e.g. {show(examples[0])}"
        return "text"
    if types:
        return " or ".join(_NOUNS.get(t, t) for t in types)
    return None


def _range(schema: Schema) -> str | None:
    low, high = schema.get("minimum"), schema.get("maximum")
    xlow, xhigh = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if low is not None and high is not None:
        return f"between {_num(low)} and {_num(high)}"
    parts = []
    if low is not None:
        parts.append(f"at least {_num(low)}")
    if xlow is not None:
        parts.append(f"more than {_num(xlow)}")
    if high is not None:
        parts.append(f"at most {_num(high)}")
    if xhigh is not None:
        parts.append(f"less than {_num(xhigh)}")
    return " and ".join(parts) or None


# --- values and names, as people read them ---------------------------------------


def field_name(path: Sequence[str | int]) -> str:
    """``team[0].allocation``, or "the payload" for the whole body."""
    return display(path) if path else "the payload"


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _entries(n: Any) -> str:
    return f"{n} {'entry' if n == 1 else 'entries'}"
