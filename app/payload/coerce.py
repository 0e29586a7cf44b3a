"""Give trigger values the types the action schema declares, before validation.

A form can only send text, and no-code tools are loose with types, so a strict
validator alone would reject honest payloads ("limit must be an integer (got
'10')"). Coercion fixes what is unambiguous and leaves everything else alone,
so validation can still report the value exactly as the user sent it.

Form bodies (:func:`coerce`; also used after a form-provider preset), by the
type the schema declares at each field:

* integer: ``"42"`` -> 42, ``"4.0"`` -> 4 (``"4.5"`` is left as is). More than 18
  digits is left as is too (no field takes such a number, and Python's int()
  refuses more than 4300 digits), so validation quotes it.
* number: ``"12.5"`` -> 12.5, ``"60"`` -> 60; a whole number of more than 18
  digits is left as is, like an integer.
* boolean: true/false, yes/no, 1/0, on/off, in any case.
* string: a one-element list becomes its string; a number becomes its text.
  A value for a field with an ``enum`` matches case-insensitively (``"high"`` ->
  ``"HIGH"``), and values of fields with an enum, format or pattern (codes,
  dates, emails) lose surrounding spaces. The pattern ``\\S`` ("not blank", on
  names and ids) is no code: those values keep their spaces.
* array: repeated values (``emails=a&emails=b`` or ``emails[]``) as they are. One
  value is split into entries when they are plain values, by what they can
  contain:

  - on commas and newlines for numbers, email addresses (``items`` has
    ``format: email``: ``"a@x.com, b@x.com"``) and ids (the field's name ends in
    ``Ids``, like ``clientContactIds``: ``"c1, c2"``), which never hold a comma;
  - on newlines only for any other text, such as phone numbers
    (``"+1 555 0100, ext. 12"`` is one phone).

  Blank entries are dropped; a single object becomes a one-entry list. Each
  entry is then coerced by ``items``.
* object: coerced field by field.
* no declared type (or an unknown field): a one-element list becomes its value.

A blank value (empty or whitespace-only string, or null) of an optional field is
dropped, because forms send every field whether filled in or not. A blank
required field is kept, so validation says it is required rather than nothing.

JSON bodies (:func:`coerce_json`) already carry types, so only the gentle subset
tools need: blank optional fields are dropped, and numeric strings become
numbers where the schema says integer or number (Make sends some numbers as
text). Nothing is split, unwrapped or case-folded.

The schema is read shallowly: ``properties``, ``items`` and ``type`` declared
directly or in the top-level ``allOf``; ``$ref``, ``anyOf`` and ``if/then`` are
not followed. Fields required only by an ``if/then`` rule count as optional here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from ._schema import NOT_BLANK, Schema, items_of, properties_of, required_of, types_of

__all__ = ["coerce", "coerce_json"]


class _Fail:
    """Marker: this value can't be given this type."""


_FAIL = _Fail()

_INTEGER = re.compile(r"[+-]?(\d+)(?:\.0*)?")
_MAX_DIGITS = 18
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_TRUE = frozenset({"true", "yes", "1", "on"})
_FALSE = frozenset({"false", "no", "0", "off"})
_SPLIT_LINES_AND_COMMAS = re.compile(r"\r\n|[\r\n,]")
_SPLIT_LINES = re.compile(r"\r\n|[\r\n]")
_NUMERIC_ITEMS = frozenset({"integer", "number"})


def coerce(data: Mapping[str, Any], schema: Schema) -> dict[str, Any]:
    """Form values (strings, lists of strings) typed by the schema; see the module doc."""
    if not isinstance(data, Mapping):
        return data  # not an object: validation says so, quoting it
    return _object(data, schema, form=True)


def coerce_json(data: Mapping[str, Any], schema: Schema) -> dict[str, Any]:
    """A JSON body with blank optional fields dropped and numeric strings as numbers."""
    if not isinstance(data, Mapping):
        return data
    return _object(data, schema, form=False)


def _object(data: Mapping[str, Any], schema: Schema, form: bool) -> dict[str, Any]:
    fields = properties_of(schema)
    required = required_of(schema)
    out: dict[str, Any] = {}
    for name, raw in data.items():
        value = _unwrap(raw) if form else raw
        if _is_blank(value, form):
            if name in required:
                out[name] = "" if isinstance(value, list) else value
            continue
        sub = fields.get(name)
        out[name] = _value(raw, sub, form, str(name)) if sub is not None else value
    return out


def _value(raw: Any, schema: Schema, form: bool, name: str) -> Any:
    """``raw`` typed by ``schema``; ``name`` is the field it belongs to (for arrays)."""
    for kind in types_of(schema):
        coercer = _FORM.get(kind) if form else _JSON.get(kind)
        if coercer is None:
            continue
        result = coercer(raw, schema, name)
        if result is not _FAIL:
            return result
    # Left as sent (a lone form value unwrapped) so validation can quote it.
    return _unwrap(raw) if form else raw


# --- form coercers ------------------------------------------------------------


def _to_string(raw: Any, schema: Schema, name: str) -> Any:
    value = _unwrap(raw)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        return _FAIL
    if "enum" in schema or "format" in schema or schema.get("pattern", NOT_BLANK) != NOT_BLANK:
        value = value.strip()
    options = [e for e in schema.get("enum", ()) if isinstance(e, str)]
    if value not in options:
        folded = [e for e in options if e.lower() == value.lower()]
        if len(folded) == 1:
            return folded[0]
    return value


def _to_integer(raw: Any, schema: Schema, name: str) -> Any:
    value = _unwrap(raw)
    if isinstance(value, bool):
        return _FAIL
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else _FAIL
    if isinstance(value, str):
        return _whole(value.strip())
    return _FAIL


def _to_number(raw: Any, schema: Schema, name: str) -> Any:
    value = _unwrap(raw)
    if isinstance(value, bool):
        return _FAIL
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        if _INTEGER.fullmatch(value.strip()):
            return _whole(value.strip())
        number = float(value)
        return _FAIL if math.isinf(number) else number
    return _FAIL


def _whole(text: str) -> Any:
    """``"42"``, ``"-4.0"`` as an int; _FAIL for anything else or more than 18 digits."""
    match = _INTEGER.fullmatch(text)
    if not match or len(match.group(1)) > _MAX_DIGITS:
        return _FAIL
    return int(text.split(".")[0])


def _to_boolean(raw: Any, schema: Schema, name: str) -> Any:
    value = _unwrap(raw)
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    return _FAIL


def _to_array(raw: Any, schema: Schema, name: str) -> Any:
    items = items_of(schema)
    splitter = _splitter(items, name)
    if isinstance(raw, str):
        entries: list[Any] = _split(raw, splitter) if splitter else [raw]
    elif isinstance(raw, list):
        if len(raw) == 1 and isinstance(raw[0], str) and splitter:
            entries = _split(raw[0], splitter)
        else:
            entries = list(raw)
    elif isinstance(raw, Mapping):
        entries = [raw]
    else:
        entries = [raw]
    kept = [e for e in entries if not _is_blank(_unwrap(e), form=True)]
    return [_value(e, items, form=True, name=name) if items else _unwrap(e) for e in kept]


def _splitter(items: Schema, name: str) -> re.Pattern[str] | None:
    """How one text value of the array ``name`` splits into entries (see the module doc)."""
    types = set(types_of(items))
    if types & _NUMERIC_ITEMS:
        return _SPLIT_LINES_AND_COMMAS
    if "string" not in types:
        return None
    if items.get("format") == "email" or name == "ids" or name.endswith("Ids"):
        return _SPLIT_LINES_AND_COMMAS
    return _SPLIT_LINES


def _to_object(raw: Any, schema: Schema, name: str) -> Any:
    value = _unwrap(raw)
    if isinstance(value, Mapping):
        return _object(value, schema, form=True)
    return _FAIL


_Coercer = Callable[[Any, Schema, str], Any]

_FORM: dict[str, _Coercer] = {
    "string": _to_string,
    "integer": _to_integer,
    "number": _to_number,
    "boolean": _to_boolean,
    "array": _to_array,
    "object": _to_object,
}


# --- JSON coercers ------------------------------------------------------------


def _json_integer(raw: Any, schema: Schema, name: str) -> Any:
    return _to_integer(raw, schema, name) if isinstance(raw, str) else _FAIL


def _json_number(raw: Any, schema: Schema, name: str) -> Any:
    return _to_number(raw, schema, name) if isinstance(raw, str) else _FAIL


def _json_array(raw: Any, schema: Schema, name: str) -> Any:
    if not isinstance(raw, list):
        return _FAIL
    items = items_of(schema)
    return [_value(e, items, form=False, name=name) for e in raw] if items else raw


def _json_object(raw: Any, schema: Schema, name: str) -> Any:
    return _object(raw, schema, form=False) if isinstance(raw, Mapping) else _FAIL


_JSON: dict[str, _Coercer] = {
    "integer": _json_integer,
    "number": _json_number,
    "array": _json_array,
    "object": _json_object,
}


# --- helpers ------------------------------------------------------------------


def _unwrap(raw: Any) -> Any:
    return raw[0] if isinstance(raw, list) and len(raw) == 1 else raw


def _is_blank(value: Any, form: bool) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if form and isinstance(value, list) and value:
        return all(isinstance(v, str) and not v.strip() for v in value)
    return False


def _split(text: str, splitter: re.Pattern[str]) -> list[str]:
    return [part.strip() for part in splitter.split(text) if part.strip()]
