"""Validate an action input and explain every problem so a no-code user can fix it.

jsonschema's own messages ("'ten' is not of type 'integer'", "{...} is not valid
under any of the given schemas") are written for programmers. The people who
read ours built a Zap or a web form: they need the field name as they typed it,
the value they sent, and what would have been accepted. So each error is
turned into a :class:`Problem` with a JSON-pointer ``path`` (the shape of the
relay's 422 ``details``), a sentence, the offending value and the expectation.

All problems are reported at once, sorted by path: a user fixing a form should
not have to resubmit once per mistake. :func:`explain` raises nothing for any
JSON-shaped data: a field nested more than 32 levels deep is reported as such
rather than handed to the validator (whose messages repr() the value).

Our schemas add two keywords of their own, which validators ignore:

* ``x-message`` on a field's schema: the sentence for any error in that schema,
  e.g. ``{"not": {}, "x-message": "{field} is only for COMPANY contacts; …"}`` in
  the PERSON branch of a contact. ``{field}`` is the field's name as people write
  it (``client.companyName``); any other ``{name}`` is the sibling field ``name``
  (``{type}`` -> ``client.type``).
* ``x-immutable`` on an object schema: ``{field: sentence}`` for fields the API
  knows but will not change (a contact's ``type`` on update), said instead of
  "unknown field".

A text field whose ``pattern`` is ``\\S`` must hold a non-space character
(``minLength: 1`` alone lets ``"   "`` through): both say "must not be blank".
"""

from __future__ import annotations

import difflib
import enum
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from ._schema import (
    NOT_BLANK,
    Schema,
    display,
    list_index,
    pointer,
    properties_of,
    schema_at,
    types_of,
)

__all__ = ["MISSING", "Problem", "explain", "validator_for"]


class _Missing(enum.Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing.MISSING
"""``Problem.value`` when there is no value to show (e.g. a required field)."""

_SHOWN_CHARS = 60  # value excerpt inside a message
_KEPT_CHARS = 200  # value excerpt in Problem.to_dict()
_KNOWN_FIELDS_SHOWN = 8
MAX_NESTING = 32  # levels of lists and groups in one field; ours need 3
_TOO_DEEP = "a deeply nested value"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a payload, at one place in it."""

    path: str
    message: str
    value: Any = MISSING
    expected: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "message": self.message}
        if self.value is not MISSING:
            out["value"] = _jsonable(self.value)
        if self.expected is not None:
            out["expected"] = self.expected
        return out


# --- validators ---------------------------------------------------------------

_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


def _is_email(instance: object) -> bool:
    # jsonschema's built-in check is just `"@" in value`, so "jane@" would pass
    # and only fail later, upstream, after the tool was told 202. Still lenient
    # on purpose: a local part, an @, and a dotted domain.
    if not isinstance(instance, str):
        return True
    # fullmatch: "$" would also match before a final newline ("jane@example.com\n").
    return len(instance) <= 254 and bool(_EMAIL.fullmatch(instance))


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)
    checker.checks("email")(_is_email)
    return checker


_FORMAT_CHECKER = _format_checker()


def validator_for(schema: Mapping[str, Any]) -> Draft202012Validator:
    """A Draft 2020-12 validator that enforces ``format`` (email, date, ...).

    Build it once per action schema and keep it: construction checks the schema
    itself and raises ``jsonschema.SchemaError`` if the schema is broken.
    """
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=_FORMAT_CHECKER)


# --- explain ------------------------------------------------------------------


def explain(validator: Draft202012Validator, data: Any) -> list[Problem]:
    """Every problem with ``data``, one per field and rule, sorted by path."""
    root: Schema = validator.schema
    too_deep = _too_deep(data)
    if too_deep:
        return too_deep
    seen: set[tuple[str, str]] = set()
    problems: list[Problem] = []
    for error in validator.iter_errors(data):
        for problem in _explain(error, root):
            if (problem.path, problem.message) not in seen:
                seen.add((problem.path, problem.message))
                problems.append(problem)
    return sorted(problems, key=lambda p: _sort_key(p.path))


def _too_deep(data: Any) -> list[Problem]:
    """A problem per top-level field nested past MAX_NESTING (walked without recursion)."""
    fields = data.items() if isinstance(data, Mapping) else [(None, data)]
    problems = []
    for name, value in fields:
        pending = [(value, 0)]
        while pending:
            node, depth = pending.pop()
            if depth > MAX_NESTING:
                path = [] if name is None else [name]
                message = (
                    f"{_display(path)} is nested too deeply "
                    f"(more than {MAX_NESTING} levels of lists or groups)"
                )
                problems.append(Problem(pointer(path), message, MISSING, None))
                break
            if isinstance(node, Mapping):
                pending.extend((child, depth + 1) for child in node.values())
            elif isinstance(node, list):
                pending.extend((child, depth + 1) for child in node)
    return sorted(problems, key=lambda p: _sort_key(p.path))


def _explain(error: ValidationError, root: Schema) -> list[Problem]:
    path = list(error.absolute_path)
    keyword = error.validator
    schema: Schema = error.schema if isinstance(error.schema, Mapping) else {}
    value = error.instance
    name = _display(path)
    when = _condition(root, list(error.absolute_schema_path), path)

    custom = schema.get("x-message")
    if isinstance(custom, str):
        return [Problem(pointer(path), _fill(custom, path), value, None)]
    if keyword == "required":
        return _missing(root, path, error.validator_value, value, when)
    if keyword in ("anyOf", "oneOf"):
        return _alternatives(error, root, path, value, when)
    if keyword == "additionalProperties":
        return _unknown_fields(root, path, schema, value)

    expected = _expectation(schema)
    got = _got(value)
    if keyword == "type":
        if not path:
            message = f"the payload must be a JSON object of named fields {got}"
            expected = "a JSON object"
        else:
            message = f"{name} must be {_type_noun(schema)} {got}"
    elif keyword == "format" and schema.get("format") == "date" and _looks_like_date(value):
        message = f"{name} is not a real calendar date {got}"
    elif keyword in ("enum", "format") or (keyword == "pattern" and schema.get("format")):
        message = f"{name} must be {expected} {got}"
    elif keyword == "const":
        message = f"{name} must be {_show(error.validator_value)} {got}"
    elif keyword == "pattern" and error.validator_value == NOT_BLANK:
        message = _blank(name, value)
    elif keyword == "pattern":
        message = f"{name} must match the pattern {error.validator_value} {got}"
    elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        message = f"{name} must be {_range(schema) or 'in range'} {got}"
    elif keyword == "minLength":
        limit = error.validator_value
        message = (
            _blank(name, value)
            if limit == 1
            else f"{name} must be at least {limit} characters long {got}"
        )
    elif keyword == "maxLength":
        message = f"{name} must be at most {error.validator_value} characters long {got}"
    elif keyword == "minItems":
        message = f"{name} needs at least {_count(error.validator_value, 'entry')} {got}"
    elif keyword == "maxItems":
        message = f"{name} can have at most {_count(error.validator_value, 'entry')} {got}"
    elif keyword == "uniqueItems":
        message = f"{name} lists the same value more than once {got}"
    elif keyword == "minProperties":
        message = _too_few_fields(schema, error.validator_value, name)
        return [Problem(pointer(path), message, MISSING, None)]
    elif error.context:
        # Any other combinator: the most relevant branch says it best.
        return _explain(best_match(error.context), root)
    else:
        message = f"{name}: {error.message}"
    if when:
        message = f"{message} {when}"
    return [Problem(pointer(path), message, value, expected)]


def _missing(
    root: Schema, path: list[str | int], required: Any, instance: Any, when: str
) -> list[Problem]:
    # jsonschema raises one error per missing field, but its only handle on the
    # name is the message text; recomputing the missing set is more robust and
    # the duplicates are dropped by explain().
    if not isinstance(instance, Mapping) or not isinstance(required, list):
        return []
    fields = properties_of(schema_at(root, path) or {})
    problems = []
    for field in required:
        if field in instance:
            continue
        expected = _expectation(fields.get(field, {}))
        message = f"{_display([*path, field])} is required"
        if when:
            message += f" {when}"
        if expected:
            message += f" ({expected})"
        problems.append(Problem(pointer([*path, field]), message, MISSING, expected))
    return problems


def _alternatives(
    error: ValidationError, root: Schema, path: list[str | int], instance: Any, when: str
) -> list[Problem]:
    branches = error.validator_value
    options = _required_only(branches)
    if options is None or not isinstance(instance, Mapping):
        if error.context:
            return _explain(best_match(error.context), root)
        message = f"{_display(path)} does not match any allowed shape {_got(instance)}"
        return [Problem(pointer(path), message, instance, None)]

    def spoken(names: Sequence[str]) -> str:
        return " and ".join(names)

    listed = " or ".join(spoken(names) for names in options)
    matched = [names for names in options if all(n in instance for n in names)]
    if error.validator == "oneOf" and len(matched) > 1:
        extra = matched[1][0]
        both = "not both" if len(matched) == 2 else "not several"
        message = f"send only one of {listed}, {both}"
        if when:
            message += f" {when}"
        expected = f"only one of {listed}"
        return [Problem(pointer([*path, extra]), message, instance[extra], expected)]
    first = options[0][0]
    message = f"{' or '.join(spoken([_display([*path, n]) for n in o]) for o in options)}"
    message += " is required" if all(len(o) == 1 for o in options) else " are required"
    if when:
        message += f" {when}"
    return [Problem(pointer([*path, first]), message, MISSING, listed)]


def _required_only(branches: Any) -> list[list[str]] | None:
    """``[["firstName"], ["lastName"]]`` for ``anyOf: [{required: [...]}, ...]``."""
    if not isinstance(branches, list) or not branches:
        return None
    options: list[list[str]] = []
    for branch in branches:
        if not isinstance(branch, Mapping) or set(branch) != {"required"}:
            return None
        names = branch["required"]
        if not isinstance(names, list) or not names:
            return None
        options.append([str(n) for n in names])
    return options


def _unknown_fields(
    root: Schema, path: list[str | int], schema: Schema, instance: Any
) -> list[Problem]:
    if not isinstance(instance, Mapping):
        return []
    declared = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    immutable = schema.get("x-immutable")
    immutable = immutable if isinstance(immutable, Mapping) else {}
    known = sorted(properties_of(schema_at(root, path) or schema))
    by_lower = {k.lower(): k for k in known}
    problems = []
    for field in instance:
        if field in declared or any(re.search(p, field) for p in patterns):
            continue
        if isinstance(immutable.get(field), str):
            said = immutable[field]
            problems.append(Problem(pointer([*path, field]), said, instance[field], None))
            continue
        close = difflib.get_close_matches(str(field).lower(), list(by_lower), n=1, cutoff=0.6)
        where = f" in {_display(path)}" if path else ""
        if close:
            guess = by_lower[close[0]]
            message = f"unknown field {field!r}{where}; did you mean {guess!r}?"
            expected: str | None = guess
        else:
            shown = ", ".join(known[:_KNOWN_FIELDS_SHOWN])
            if len(known) > _KNOWN_FIELDS_SHOWN:
                shown += f" and {len(known) - _KNOWN_FIELDS_SHOWN} more"
            message = f"unknown field {field!r}{where}; known fields: {shown or 'none'}"
            expected = None
        problems.append(Problem(pointer([*path, field]), message, instance[field], expected))
    return problems


def _too_few_fields(schema: Schema, minimum: Any, name: str) -> str:
    required = [r for r in schema.get("required", []) if isinstance(r, str)]
    if required and minimum == len(required) + 1:
        return f"nothing to change: send at least one field besides {', '.join(required)}"
    return f"{name} needs at least {_count(minimum, 'field')}"


# --- wording ------------------------------------------------------------------

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


def _blank(name: str, value: Any) -> str:
    if isinstance(value, str) and value and not value.strip():
        return f"{name} must not be blank (it only had spaces)"
    return f"{name} must not be blank"


def _fill(template: str, path: Sequence[str | int]) -> str:
    """An ``x-message``: ``{field}`` is the field, any other ``{name}`` its sibling."""

    def named(match: re.Match[str]) -> str:
        word = match.group(1)
        return _display(path) if word == "field" else _display([*path[:-1], word])

    return _PLACEHOLDER.sub(named, template)


def _type_noun(schema: Schema) -> str:
    types = types_of(schema)
    if types == ["string"] and (schema.get("enum") or schema.get("format") in _FORMATS):
        return _expectation(schema) or "text"
    return " or ".join(_NOUNS.get(t, t) for t in types) or "something else"


def _expectation(schema: Schema) -> str | None:
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
        item = _expectation(schema.get("items", {}))
        return f"a list where each entry is {item}" if item else "a list"
    if types == ["object"]:
        required = schema.get("required", [])
        return f"a group of fields with {', '.join(required)}" if required else "a group of fields"
    if types == ["string"]:
        examples = schema.get("examples")
        if isinstance(examples, list) and examples:
            return f"e.g. {_show(examples[0])}"
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


def _condition(root: Schema, schema_path: list[Any], path: list[str | int]) -> str:
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
            parts.append(f"{_display([*path, field])} is {_plain(rule['const'])}")
        elif isinstance(rule, Mapping) and isinstance(rule.get("enum"), list):
            listed = ", ".join(_plain(v) for v in rule["enum"])
            parts.append(f"{_display([*path, field])} is one of {listed}")
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


def _display(path: Sequence[str | int]) -> str:
    return display(path) if path else "the payload"


def _sort_key(pointer: str) -> tuple[tuple[int, int, str], ...]:
    if pointer == "/":
        return ()
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]
    keys = []
    for part in parts:
        index = list_index(part)  # not int(): '²'.isdigit(), and int() caps at 4300 digits
        keys.append((1, 0, part) if index is None else (0, index, ""))
    return tuple(keys)


def _show(value: Any) -> str:
    if isinstance(value, str):
        text = value
        if len(text) > _SHOWN_CHARS:
            text = text[: _SHOWN_CHARS - 1] + "…"
        return f"'{text}'"
    text = _dumps(value)
    if len(text) > _SHOWN_CHARS:
        text = text[: _SHOWN_CHARS - 1] + "…"
    return text


def _dumps(value: Any) -> str:
    """JSON text for a message, else repr(), else a phrase: never raises."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except RecursionError:
        return _TOO_DEEP
    except (TypeError, ValueError):
        pass
    try:
        return repr(value)
    except (RecursionError, ValueError):
        return _TOO_DEEP


def _looks_like_date(value: Any) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def _got(value: Any) -> str:
    if isinstance(value, str) and not value.strip():
        return "(it was blank)"
    if value == [] or value == {}:
        return "(it was empty)"
    return f"(got {_show(value)})"


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _count(n: Any, noun: str) -> str:
    if noun == "entry":
        return f"{n} {'entry' if n == 1 else 'entries'}"
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _jsonable(value: Any) -> Any:
    """The value for a JSON error body: short strings, nothing unserializable."""
    if isinstance(value, str):
        return value if len(value) <= _KEPT_CHARS else value[: _KEPT_CHARS - 1] + "…"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return _jsonable(_dumps(value))
    if len(text) > _KEPT_CHARS:
        return text[: _KEPT_CHARS - 1] + "…"
    return value
