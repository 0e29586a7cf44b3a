"""Places in a payload, and a hook's mapping from one shape to another.

Most senders can't be told what to send: a Typeform webhook is a Typeform
webhook. A hook therefore carries an optional *mapping* ``{target path in the
action input: source}`` which picks, renames and fills in fields (after an
optional form-provider preset, see :mod:`.presets`). It is data, not code, so
users can set it up in the admin API and we can show it back. A source is one of:

* a path in the payload: ``"answers.first_name"``;
* a constant: ``{"value": "PERSON"}`` (a form need not carry a hidden ``type``);
* a translated value: ``{"from": "budget", "map": {"Over $50k": "HIGH"}, "default":
  "MEDIUM"}``. A value is looked up as it was sent, then ignoring case and surrounding
  spaces; a list (checkboxes) is translated entry by entry. ``default`` stands in for a
  value the map does not know and for an absent one; without a default, a value the
  map does not know is a problem naming the value and the values the map knows. A
  blank value (an optional question left empty) the map does not name counts as absent.
  ``map`` may be left out, for a path with a default.

Paths are dotted (``answers.first_name``, ``team.0.memberId``) or JSON-pointer
style (``/answers/0/text``, with ``~1`` for ``/`` and ``~0`` for ``~``). ASCII
digits (at most 18 of them) index lists; other digits (``²``) are names. A
dotted source path also matches keys that themselves contain dots
(``name.first`` as produced by the Jotform preset, ``1.3`` by Gravity Forms),
longest key first.

The mapping result holds the mapped fields only; a source path that isn't in
the payload is skipped (so validation reports the target as missing, if it is
required), as is a source value of null. :func:`apply_mapping` raises
``UnflattenError`` for targets that collide or can't be built (an index of more
than 18 digits), and :class:`MappingError` for values its maps do not know.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._schema import list_index, pointer
from .unflatten import Segment, assemble
from .validation import Problem

__all__ = ["MappingError", "apply_mapping", "lookup"]

_SHOWN_CHOICES = 20


class MappingError(ValueError):
    """Values the hook's mapping has no translation (and no default) for, one problem each."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


class _Absent:
    """Marker: nothing at this path."""


_ABSENT = _Absent()


def apply_mapping(data: Mapping[str, Any], mapping: Mapping[str, Any]) -> dict[str, Any]:
    """A new dict (sharing nothing with ``data``) with each mapped target set from its source.

    Raises ``UnflattenError`` when two targets collide (``client`` and
    ``client.firstName``): that is a mistake in the hook's mapping; and
    :class:`MappingError` listing every value a map does not know.
    """
    entries: list[tuple[Sequence[Segment], Any, str]] = []
    problems: list[Problem] = []
    for target, source in mapping.items():
        segments = _split(target)
        if not segments:
            continue
        value = _source(data, source, segments, problems)
        if isinstance(value, _Absent) or value is None:
            continue
        nested: list[Segment] = [segments[0]]
        nested += [_index_or_name(s) for s in segments[1:]]
        entries.append((nested, _copy(value), target))
    if problems:
        raise MappingError(problems)
    return assemble(entries)


def _source(
    data: Mapping[str, Any], source: Any, target: list[str], problems: list[Problem]
) -> Any:
    """The value one mapping entry gives its target (the payload's own, or a copy)."""
    if isinstance(source, str):
        return _get(data, _split(source))
    if not isinstance(source, Mapping):
        return _ABSENT
    if "value" in source:
        return source["value"]
    path = source.get("from")
    if not isinstance(path, str):
        return _ABSENT
    found = _get(data, _split(path))
    if "map" not in source or isinstance(found, _Absent) or found is None:
        if (isinstance(found, _Absent) or found is None) and "default" in source:
            return source["default"]
        return found
    return _Translation(source, path, target, problems).of(found)


class _Translation:
    """One ``{"from", "map", "default"}`` entry applied to the value found at ``from``."""

    def __init__(
        self, spec: Mapping[str, Any], path: str, target: list[str], problems: list[Problem]
    ) -> None:
        table = spec.get("map")
        self.table: Mapping[str, Any] = table if isinstance(table, Mapping) else {}
        self.folded = _folded(self.table)
        self.has_default, self.default = "default" in spec, spec.get("default")
        self.path, self.target, self.problems = path, target, problems

    def of(self, value: Any) -> Any:
        if not isinstance(value, list):
            found = self._one(value)
            return self.default if isinstance(found, _Absent) and self.has_default else found
        out = [t for t in (self._one(v) for v in value) if not isinstance(t, _Absent)]
        if not out:
            return self.default if self.has_default else _ABSENT
        return out

    def _one(self, value: Any) -> Any:
        key = _as_key(value)
        if key is not None and key in self.table:
            return self.table[key]
        if key is not None and key.strip().casefold() in self.folded:
            return self.table[self.folded[key.strip().casefold()]]
        if _blank(value):
            return _ABSENT  # an optional question left empty; default (if any) applies
        if self.has_default:
            return self.default
        self.problems.append(self._unknown(value))
        return _ABSENT

    def _unknown(self, value: Any) -> Problem:
        known = list(self.table)
        shown = ", ".join(repr(k) for k in known[:_SHOWN_CHOICES]) or "none"
        if len(known) > _SHOWN_CHOICES:
            shown += f" and {len(known) - _SHOWN_CHOICES} more"
        target = ".".join(self.target)
        message = (
            f"{target}: the value {_shown(value)} (from {self.path!r}) is not one the hook's "
            f"mapping translates; it knows {shown}. Add it to the mapping's map, or give "
            "the mapping a default"
        )
        return Problem(pointer(self.target), message, value, f"one of: {shown}")


def _as_key(value: Any) -> str | None:
    """How a sent value is spelled as a key of a map (JSON object keys are text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def _folded(table: Mapping[str, Any]) -> dict[str, str]:
    """Case- and space-insensitive key -> the map's own key, for keys that stay unique."""
    seen: dict[str, list[str]] = {}
    for key in table:
        seen.setdefault(str(key).strip().casefold(), []).append(str(key))
    return {folded: keys[0] for folded, keys in seen.items() if len(keys) == 1}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:79] + "…"


def lookup(data: Any, path: str) -> Any:
    """The value at a mapping-style path (dotted or JSON pointer), or ``None`` when absent.

    The same reading as a mapping source, so a hook's ``idempotency_field`` and its
    mapping name a place in the payload the same way.
    """
    found = _get(data, _split(path))
    return None if isinstance(found, _Absent) else found


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
