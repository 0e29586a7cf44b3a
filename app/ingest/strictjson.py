"""JSON as RFC 8259 defines it, for every body the relay parses (hook deliveries and
admin requests alike).

Python's ``json`` is more lenient than the RFC in ways that turn into 500s or
wrong data further in: it takes ``NaN`` and ``Infinity``, turns ``1e400`` into
``inf``, guesses UTF-16 or UTF-32 from the first bytes, and recurses once per
nesting level until ``RecursionError``. Here each of those is a :class:`NotJSON`
whose ``why`` completes the sentence "The body is not valid JSON...", and the
caller decides what sentence to wrap around it.

Strings that are not text (NUL, lone surrogates) are valid JSON; checking them is
:mod:`app.text`'s job, since each caller reports them with the field's path.
"""

from __future__ import annotations

import json
from typing import Any

from ..text import MAX_DEPTH

# Far past any id, amount or count Esqase takes, far short of Python's 4,300-digit guard.
MAX_DIGITS = 100


class NotJSON(ValueError):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def _no_constants(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:20]} is too large")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"the number {text[:20]}... has more than {MAX_DIGITS} digits")
    return int(text)


def loads(raw: bytes) -> Any:
    """The value ``raw`` holds, or :class:`NotJSON`. A UTF-8 byte order mark is allowed
    (some Windows tools send one); any other encoding is not."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotJSON(f": byte {exc.start + 1} is not UTF-8 text; send UTF-8") from None
    too_deep = NotJSON(f": it is nested more than {MAX_DEPTH} levels deep")
    try:
        value = json.loads(
            text, parse_constant=_no_constants, parse_float=_finite, parse_int=_bounded_int
        )
    except json.JSONDecodeError as exc:
        raise NotJSON(f" at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise too_deep from None
    except ValueError as exc:  # NaN/Infinity, or an integer with thousands of digits
        raise NotJSON(f": {exc}") from None
    if _depth(value) > MAX_DEPTH:
        raise too_deep
    return value


def _depth(value: Any) -> int:
    """Nesting depth, without recursion (the value may be a thousand levels deep)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest
