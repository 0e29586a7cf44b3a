"""Shallow reading of an action schema, shared by coercion and error messages.

Coercion and explanation only need to know what a field *is* (its type, its
items, its sub-fields). Following ``$ref``, ``if``/``then`` or ``anyOf`` would
make that answer ambiguous, so we deliberately look only at ``properties``,
``items`` and ``type`` declared directly on a schema or in its top-level
``allOf`` entries. Our action schemas are written to fit that rule.

It also holds the two ways we write a place in a payload: a JSON pointer for
machines (``/team/0/allocation``) and a dotted name for people (``team[0].allocation``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

Schema = Mapping[str, Any]

NOT_BLANK = "\\S"
"""The ``pattern`` a text field declares when it must hold a non-space character."""

MAX_INDEX_DIGITS = 18
"""Longest list index we read: int() refuses more than 4300 digits, and no list is that long."""


def is_digits(segment: str) -> bool:
    """ASCII digits only: ``str.isdigit()`` is also true for '²' and '①', which int() refuses."""
    return segment.isascii() and segment.isdigit()


def list_index(segment: str) -> int | None:
    """The list index ``segment`` spells (1 to 18 ASCII digits), else None."""
    if is_digits(segment) and len(segment) <= MAX_INDEX_DIGITS:
        return int(segment)
    return None


def _parts(schema: Schema) -> Iterator[Schema]:
    yield schema
    for sub in schema.get("allOf", ()):
        if isinstance(sub, Mapping):
            yield sub


def properties_of(schema: Schema) -> dict[str, Schema]:
    """Field name -> field schema, merged over the top-level ``allOf``."""
    merged: dict[str, Schema] = {}
    for part in _parts(schema):
        props = part.get("properties")
        if isinstance(props, Mapping):
            for name, sub in props.items():
                if isinstance(sub, Mapping):
                    merged.setdefault(name, sub)
    return merged


def required_of(schema: Schema) -> frozenset[str]:
    """Fields that are always required (conditional ``then`` rules excluded)."""
    names: set[str] = set()
    for part in _parts(schema):
        req = part.get("required")
        if isinstance(req, list):
            names.update(n for n in req if isinstance(n, str))
    return frozenset(names)


def items_of(schema: Schema) -> Schema:
    for part in _parts(schema):
        items = part.get("items")
        if isinstance(items, Mapping):
            return items
    return {}


def types_of(schema: Schema) -> list[str]:
    """Declared JSON types, in declaration order (``[]`` when none is declared)."""
    for part in _parts(schema):
        declared = part.get("type")
        if isinstance(declared, str):
            return [declared]
        if isinstance(declared, list):
            return [t for t in declared if isinstance(t, str)]
    return []


def schema_at(schema: Schema, path: Sequence[str | int]) -> Schema | None:
    """The schema describing the instance at ``path``, or None if we can't tell."""
    node: Schema | None = schema
    for segment in path:
        if node is None:
            return None
        if isinstance(segment, int):
            node = items_of(node) or None
        else:
            node = properties_of(node).get(segment)
    return node


def pointer(path: Sequence[str | int]) -> str:
    """JSON pointer for ``path``; the root is ``/`` (as the 422 contract shows it)."""
    if not path:
        return "/"
    return "".join("/" + str(s).replace("~", "~0").replace("/", "~1") for s in path)


def display(path: Sequence[str | int]) -> str:
    """``team[0].allocation``: how a person would name the field."""
    out = ""
    for segment in path:
        out += f"[{segment}]" if isinstance(segment, int) else (f".{segment}" if out else segment)
    return out
