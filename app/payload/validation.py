"""Validate an action input and explain every problem so a no-code user can fix it.

Each jsonschema error becomes a :class:`Problem` with a JSON-pointer ``path``
(the shape of the relay's 422 ``details``), a sentence, the offending value
and the expectation. This module decides *which* problems an error makes (a
missing-fields error is one problem per missing field, an ``anyOf`` of
``required`` lists is one problem naming the choices, an unknown field gets a
close match); :mod:`.wording` holds the sentences themselves.

All problems are reported at once, sorted by path: a user fixing a form should
not have to resubmit once per mistake. :func:`explain` raises nothing for any
JSON-shaped data: a field nested more than 32 levels deep is reported as such
rather than handed to the validator (whose messages repr() the value).
"""

from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import wording
from ._jsonschema import Draft202012Validator, FormatChecker, ValidationError, best_match
from ._schema import Schema, list_index, pointer, properties_of, schema_at
from .excerpt import got, jsonable

__all__ = ["MISSING", "Problem", "explain", "validator_for"]


class _Missing(enum.Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing.MISSING
"""``Problem.value`` when there is no value to show (e.g. a required field)."""

MAX_NESTING = 32  # levels of lists and groups in one field; ours need 3


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
            out["value"] = jsonable(self.value)
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


FORMATS = ("date", "date-time", "email")
"""The formats the relay's schemas use, and all it checks: jsonschema would pass a
value whose format it has no checker for, so a schema that needs another format must
add it here (``tests/payload/test_formats.py`` says so)."""


def _format_checker() -> FormatChecker:
    known = Draft202012Validator.FORMAT_CHECKER.checkers
    checker = FormatChecker(formats=())
    checker.checkers = {name: known[name] for name in FORMATS if name in known}
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
                message = wording.too_deep(path, MAX_NESTING)
                problems.append(Problem(pointer(path), message, MISSING, None))
                break
            if isinstance(node, Mapping):
                pending.extend((child, depth + 1) for child in node.values())
            elif isinstance(node, list):
                pending.extend((child, depth + 1) for child in node)
    return sorted(problems, key=lambda p: _sort_key(p.path))


def _explain(error: ValidationError, root: Schema) -> list[Problem]:
    path = list(error.absolute_path)
    schema: Schema = error.schema if isinstance(error.schema, Mapping) else {}
    when = wording.condition(root, list(error.absolute_schema_path), path)

    custom = schema.get("x-message")
    if isinstance(custom, str):
        return [Problem(pointer(path), wording.fill(custom, path), error.instance, None)]
    shaped = _SHAPED.get(str(error.validator))
    if shaped is not None:
        return shaped(error, root, when)
    said = wording.sentence(error)
    if said is None and error.context:
        # Any other combinator: the most relevant branch says it best.
        return _explain(best_match(error.context), root)
    message, expected = said or (wording.fallback(error), wording.expectation(schema))
    if when:
        message = f"{message} {when}"
    return [Problem(pointer(path), message, error.instance, expected)]


# --- keywords whose problems are shaped here, not one sentence per error ---------


def _missing(error: ValidationError, root: Schema, when: str) -> list[Problem]:
    # jsonschema raises one error per missing field, but its only handle on the
    # name is the message text; recomputing the missing set is more robust and
    # the duplicates are dropped by explain().
    path, required, instance = list(error.absolute_path), error.validator_value, error.instance
    if not isinstance(instance, Mapping) or not isinstance(required, list):
        return []
    fields = properties_of(schema_at(root, path) or {})
    problems = []
    for field in required:
        if field in instance:
            continue
        expected = wording.expectation(fields.get(field, {}))
        message = f"{wording.field_name([*path, field])} is required"
        if when:
            message += f" {when}"
        if expected:
            message += f" ({expected})"
        problems.append(Problem(pointer([*path, field]), message, MISSING, expected))
    return problems


def _alternatives(error: ValidationError, root: Schema, when: str) -> list[Problem]:
    path, instance = list(error.absolute_path), error.instance
    options = _required_only(error.validator_value)
    if options is None or not isinstance(instance, Mapping):
        if error.context:
            return _explain(best_match(error.context), root)
        message = f"{wording.field_name(path)} does not match any allowed shape "
        message += got(instance)
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
    named = [spoken([wording.field_name([*path, n]) for n in o]) for o in options]
    message = " or ".join(named)
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


def _unknown_fields(error: ValidationError, root: Schema, when: str) -> list[Problem]:
    path, instance = list(error.absolute_path), error.instance
    schema: Schema = error.schema if isinstance(error.schema, Mapping) else {}
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
        guess = by_lower[close[0]] if close else None
        message = wording.unknown_field(field, path, guess, known)
        problems.append(Problem(pointer([*path, field]), message, instance[field], guess))
    return problems


def _too_few_fields(error: ValidationError, root: Schema, when: str) -> list[Problem]:
    schema: Schema = error.schema if isinstance(error.schema, Mapping) else {}
    path = list(error.absolute_path)
    name = wording.field_name(path)
    message = wording.too_few_fields(schema, error.validator_value, name)
    return [Problem(pointer(path), message, MISSING, None)]


_SHAPED: dict[str, Callable[[ValidationError, Schema, str], list[Problem]]] = {
    "required": _missing,
    "anyOf": _alternatives,
    "oneOf": _alternatives,
    "additionalProperties": _unknown_fields,
    "minProperties": _too_few_fields,
}


# --- ordering ----------------------------------------------------------------------


def _sort_key(pointer: str) -> tuple[tuple[int, int, str], ...]:
    if pointer == "/":
        return ()
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]
    keys = []
    for part in parts:
        index = list_index(part)  # not int(): '²'.isdigit(), and int() caps at 4300 digits
        keys.append((1, 0, part) if index is None else (0, index, ""))
    return tuple(keys)
