"""Places in a payload, and a hook's mapping from one shape to another.

Most senders can't be told what to send: a Typeform webhook is a Typeform
webhook. A hook therefore carries an optional *mapping* ``{target path in the
action input: source path in the payload}`` which picks and renames fields
(after an optional form-provider preset, see :mod:`.presets`). It is data, not
code, so users can set it up in the admin API and we can show it back.

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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._schema import list_index
from .unflatten import Segment, assemble

__all__ = ["apply_mapping", "lookup"]


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
