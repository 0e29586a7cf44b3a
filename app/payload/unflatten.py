"""Turn flat form field names into the nested shape an action expects.

Forms and no-code tools can only send flat ``name=value`` pairs, so nesting is
spelled in the names. We accept the spellings people actually meet:

* Zapier's "unflatten" separator: ``client__firstName`` -> ``{"client": {"firstName": …}}``
* PHP/Make bracket style: ``client[firstName]``, ``emails[]``, ``emails[0]``,
  ``team[0][memberId]``; both styles may be mixed in one name.

A segment made only of ASCII digits after the first one is a list index
(``team__0__memberId`` and ``team[0][memberId]`` are the same field). Indices
only order the entries: gaps are closed, so ``team[3]`` alone is ``team[0]``.
Other digits (``team[²]``, ``team[١]``) make an ordinary name.

Values are kept as they arrive, a form's list of strings per name (a single
value is still a one-element list): only coercion, which knows the schema, can
tell whether ``["a"]`` is a string or a list. ``name[]`` appends each value as
one entry; ``team[][memberId]`` spreads its values over successive entries, so
``team[][memberId]=a&team[][memberId]=b&team[][role]=x&team[][role]=y`` gives two
members. A name that cannot be parsed (``a[b``, ``__a``) is kept literally.

A name used both as a value and as a group (``a=1`` and ``a__b=2``), or as both
a list and a group, is ambiguous: we refuse it with :class:`UnflattenError`
listing every such field rather than silently dropping data. The same error
refuses names we will not build: a list index of more than 18 digits
(``team[99999999999999999999]``; no list is that long) and a name nested more
than 32 levels deep. :class:`UnflattenError` is the only exception
:func:`unflatten` raises.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from ._schema import MAX_INDEX_DIGITS, display, is_digits, list_index, pointer
from .validation import MISSING, Problem

__all__ = ["UnflattenError", "unflatten"]

Segment: TypeAlias = str | int | None
"""A name, a list index, or None for ``[]`` (append)."""

MAX_DEPTH = 32
"""Most segments in one name; our deepest action field is three (``team[0].memberId``)."""

_BRACKETED = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")
_SHOWN_KEY_CHARS = 40
_BRACKET = re.compile(r"\[([^\[\]]*)\]")


@dataclass(frozen=True)
class Conflict:
    """One ambiguous field: where it is, which names collided, and as what."""

    path: tuple[str | int, ...]
    keys: tuple[str, ...]
    shapes: tuple[str, str]


@dataclass(frozen=True)
class Refused:
    """One name we will not build (index too long, nesting too deep), and why."""

    path: tuple[str | int, ...]
    key: str
    message: str
    expected: str


class UnflattenError(ValueError):
    """Some field names describe the same place in incompatible ways, or can't be built."""

    def __init__(self, conflicts: Sequence[Conflict], refused: Sequence[Refused] = ()) -> None:
        self.conflicts = tuple(conflicts)
        self.refused = tuple(refused)
        keys = {k for c in self.conflicts for k in c.keys} | {r.key for r in self.refused}
        self.fields = tuple(sorted(keys))
        parts = []
        if self.conflicts:
            parts.append("conflicting field names: " + "; ".join(map(_describe, self.conflicts)))
        if self.refused:
            parts.append("unusable field names: " + "; ".join(r.message for r in self.refused))
        super().__init__(" / ".join(parts))

    @property
    def problems(self) -> list[Problem]:
        """The conflicts in the shape of validation problems (for a 422 body)."""
        problems = [
            Problem(pointer(c.path), _describe(c), MISSING, "one spelling per field")
            for c in self.conflicts
        ]
        problems += [Problem(pointer(r.path), r.message, MISSING, r.expected) for r in self.refused]
        return problems


def unflatten(
    fields: Mapping[str, list[str]] | Mapping[str, Any], sep: str = "__"
) -> dict[str, Any]:
    """Nest flat field names; raise :class:`UnflattenError` on ambiguity."""
    entries = [(_parse(str(key), sep), value, str(key)) for key, value in fields.items()]
    return assemble(entries)


def assemble(entries: Sequence[tuple[Sequence[Segment], Any, str]]) -> dict[str, Any]:
    """Build nested data from ``(segments, value, original key)`` triples.

    Shared with field mapping, whose target paths are nested the same way.
    """
    root = _Group("")
    conflicts: list[Conflict] = []
    refused: list[Refused] = []
    for segments, value, key in entries:
        problem = _refuse(segments, key)
        if problem is not None:
            refused.append(problem)
            continue
        _insert(root, list(segments), value, key, (), conflicts)
    if conflicts or refused:
        raise UnflattenError(conflicts, refused)
    result = _build(root)
    assert isinstance(result, dict)
    return result


# --- parsing ------------------------------------------------------------------


def _parse(key: str, sep: str) -> list[Segment]:
    parts = key.split(sep) if sep else [key]
    segments: list[Segment] = []
    for part in parts:
        match = _BRACKETED.fullmatch(part)
        if not match:
            return [key]
        segments.append(match.group(1))
        segments.extend(
            None if inner == "" else inner for inner in _BRACKET.findall(match.group(2))
        )
    # After the first name, all-digit segments index lists; ones too long to be
    # an index stay text for assemble() to refuse.
    return [segments[0]] + [_index_or_name(s) for s in segments[1:]]


def _index_or_name(segment: Segment) -> Segment:
    if not isinstance(segment, str):
        return segment
    index = list_index(segment)
    return segment if index is None else index


def _refuse(segments: Sequence[Segment], key: str) -> Refused | None:
    """Why a parsed name can't be built, or None when it can."""
    if not segments:
        return None
    shown = _shorten(key)
    if len(segments) > MAX_DEPTH:
        first = segments[0] if segments[0] is not None else ""
        message = f"'{shown}' is nested more than {MAX_DEPTH} levels deep"
        return Refused((first,), key, message, f"at most {MAX_DEPTH} levels")
    for i, segment in enumerate(segments[1:], start=1):
        if isinstance(segment, str) and is_digits(segment) and len(segment) > MAX_INDEX_DIGITS:
            at = tuple(s for s in segments[:i] if s is not None)
            message = (
                f"'{shown}' uses a list index longer than {MAX_INDEX_DIGITS} digits; "
                "number the entries 0, 1, 2, …"
            )
            return Refused(at, key, message, f"a list index of at most {MAX_INDEX_DIGITS} digits")
    return None


# --- the tree -----------------------------------------------------------------


@dataclass
class _Leaf:
    value: Any
    key: str


@dataclass
class _Group:
    key: str
    children: dict[str, _Node] = field(default_factory=dict)


@dataclass
class _Seq:
    key: str
    indexed: dict[int, _Node] = field(default_factory=dict)
    spread: dict[int, _Node] = field(default_factory=dict)
    appended: list[_Node] = field(default_factory=list)


_Node: TypeAlias = _Leaf | _Group | _Seq


def _container_for(segment: Segment, key: str) -> _Group | _Seq:
    return _Group(key) if isinstance(segment, str) else _Seq(key)


def _shape(node: _Node | None, segment: Segment = "") -> str:
    if node is None:
        return "a group of fields" if isinstance(segment, str) else "a list"
    if isinstance(node, _Leaf):
        return "a single value"
    return "a group of fields" if isinstance(node, _Group) else "a list"


def _fits(node: _Node, next_segment: Segment) -> bool:
    """Can ``node`` hold a child addressed by ``next_segment``?"""
    if isinstance(next_segment, str):
        return isinstance(node, _Group)
    return isinstance(node, _Seq)


def _insert(
    node: _Group | _Seq,
    segments: list[Segment],
    value: Any,
    key: str,
    at: tuple[str | int, ...],
    conflicts: list[Conflict],
) -> None:
    segment, rest = segments[0], segments[1:]
    if not _fits(node, segment):
        shapes = (_shape(node), _shape(None, segment))
        conflicts.append(Conflict(at, (node.key, key), shapes))
        return

    if segment is None:
        assert isinstance(node, _Seq)
        values = value if isinstance(value, list) else [value]
        if not rest:
            node.appended.extend(_Leaf(v, key) for v in values)
            return
        for i, item in enumerate(values):
            slot = node.spread.setdefault(i, _container_for(rest[0], key))
            assert not isinstance(slot, _Leaf)
            _insert(slot, rest, [item], key, (*at, i), conflicts)
        return

    children: dict[Any, _Node] = node.children if isinstance(node, _Group) else node.indexed
    here = (*at, segment)
    existing = children.get(segment)

    if not rest:
        if existing is None:
            children[segment] = _Leaf(list(value) if isinstance(value, list) else value, key)
        elif isinstance(existing, _Leaf):
            # The same field spelled twice (`a__b` and `a[b]`): like a repeated name.
            before = existing.value if isinstance(existing.value, list) else [existing.value]
            extra = value if isinstance(value, list) else [value]
            existing.value = [*before, *extra]
        else:
            shapes = (_shape(existing), "a single value")
            conflicts.append(Conflict(here, (existing.key, key), shapes))
        return

    if existing is None:
        existing = children[segment] = _container_for(rest[0], key)
    elif isinstance(existing, _Leaf):
        shapes = ("a single value", _shape(None, rest[0]))
        conflicts.append(Conflict(here, (existing.key, key), shapes))
        return
    _insert(existing, rest, value, key, here, conflicts)


def _build(node: _Node) -> Any:
    if isinstance(node, _Leaf):
        return node.value
    if isinstance(node, _Group):
        return {name: _build(child) for name, child in node.children.items()}
    ordered = [node.indexed[i] for i in sorted(node.indexed)]
    ordered += [node.spread[i] for i in sorted(node.spread)]
    ordered += node.appended
    return [_build(child) for child in ordered]


# --- wording ------------------------------------------------------------------


def _shorten(key: str) -> str:
    if len(key) <= _SHOWN_KEY_CHARS:
        return key
    return key[: _SHOWN_KEY_CHARS - 1] + "…"


def _describe(conflict: Conflict) -> str:
    where = display(conflict.path) or "(root)"
    keys = ", ".join(_shorten(k) for k in sorted(set(conflict.keys)))
    first, second = sorted(conflict.shapes)
    return f"'{where}' is sent both as {first} and as {second} ({keys}); keep one"
