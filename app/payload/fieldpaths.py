"""The places in a payload a mapping can name, each with the value found there.

"What did the form send?" is answered in the mapping's own terms: every leaf of the
data the mapping reads (after unflatten and the hook's preset), spelled as a mapping
source path. A path is dotted where that reads back to the same place, else a JSON
pointer (a Typeform title ending in a full stop, a key starting with ``/``). A list
of plain values is one path (a mapping takes it whole: checkboxes to a list field);
a list of objects is walked by index. Values are shown cut to a length, and the list
stops at a number of paths, saying how many it left off: a sample is for reading.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._schema import pointer
from .paths import lookup

MAX_PATHS = 200
MAX_TEXT = 200
MAX_DEPTH = 12


@dataclass(frozen=True)
class FieldPath:
    path: str
    value: Any
    # A second name for an answer (its label or title), offered by a preset.
    label: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "value": self.value}
        if self.label:
            out["label"] = True
        return out


def field_paths(
    data: Mapping[str, Any], labels: frozenset[str] = frozenset(), limit: int = MAX_PATHS
) -> tuple[list[FieldPath], int]:
    """``(paths, how many were left off)`` for ``data``; ``labels`` are top-level keys
    that are aliases (see ``presets.base.Answers``)."""
    found: list[FieldPath] = []
    left_off = 0
    pending: list[tuple[list[str], Any, int]] = [([str(k)], v, 0) for k, v in data.items()]
    pending.reverse()
    while pending:
        segments, value, depth = pending.pop()
        children = _children(value) if depth < MAX_DEPTH else []
        if children:
            pending.extend((segments + [k], v, depth + 1) for k, v in reversed(children))
            continue
        if len(found) == limit:
            left_off += 1
            continue
        path = _spelled(data, segments, value)
        found.append(FieldPath(path, excerpt(value), segments[0] in labels and len(segments) == 1))
    return found, left_off


def _children(value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, Mapping) and value:
        return [(str(k), v) for k, v in value.items()]
    if isinstance(value, list) and any(isinstance(v, (Mapping, list)) for v in value):
        return [(str(i), v) for i, v in enumerate(value)]
    return []


def _spelled(data: Mapping[str, Any], segments: list[str], value: Any) -> str:
    dotted = ".".join(segments)
    if not dotted.startswith("/") and lookup(data, dotted) is value:
        return dotted
    return pointer(segments)


def excerpt(value: Any) -> Any:
    """``value`` with long texts cut (and saying so), lists cut to a few entries."""
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else value[:MAX_TEXT] + f"… ({len(value)} chars)"
    if isinstance(value, list):
        shown = [excerpt(v) for v in value[:10]]
        return shown + [f"… ({len(value)} entries)"] if len(value) > 10 else shown
    if isinstance(value, Mapping):
        return {}  # an empty group (a non-empty one is walked)
    return value
