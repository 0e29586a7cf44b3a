"""A record as fields a person reads: top-level keys as a definition list, nested compactly.

Results and inputs are JSON objects; a wall of pretty-printed JSON makes an admin hunt
for "email". Each top-level field becomes one row; a nested object or list is shown on
one line (``street: 1 Main St · city: Leeds``), cut at :data:`LONGEST` characters, with
the full JSON one click away on the page. Pure, and only ever returns plain ``str`` so
Jinja escapes it (job input is attacker-controlled).
"""

from __future__ import annotations

from typing import Any

LONGEST = 200
EMPTY = "—"


def rows(value: Any) -> list[tuple[str, str]]:
    """``[(field, text)]`` for a JSON object; a non-object is one row named "value"."""
    if isinstance(value, dict):
        return [(str(key), compact(item)) for key, item in value.items()]
    if value is None:
        return []
    return [("value", compact(value))]


def compact(value: Any) -> str:
    return _cut(_inline(value, top=True))


def _inline(value: Any, *, top: bool = False) -> str:
    if value is None:
        return EMPTY if top else "null"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        if not value:
            return EMPTY if top else "{}"
        inner = " · ".join(f"{key}: {_inline(item)}" for key, item in value.items())
        return inner if top else "{" + inner + "}"
    if isinstance(value, list):
        if not value:
            return EMPTY if top else "[]"
        if all(isinstance(item, str) for item in value):
            return ", ".join(value)
        return "; ".join(_inline(item) for item in value)
    return str(value)


def _cut(text: str) -> str:
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"
