"""How a value someone sent is shown back to them: short, and never an exception.

A payload may hold a 5,000-digit number, a megabyte of text or a list nested a
thousand deep. Messages quote the value (``(got 'ten')``) and the 422 body
repeats it (``"value"``); both must stay short and must not raise, so a hostile
body can never turn a 422 into a 500.
"""

from __future__ import annotations

import json
from typing import Any

_SHOWN_CHARS = 60  # value excerpt inside a message
_KEPT_CHARS = 200  # value excerpt in a problem's JSON body
TOO_DEEP = "a deeply nested value"


def got(value: Any) -> str:
    """``(got 'ten')``, ``(it was blank)``, ``(it was empty)``: the tail of a sentence."""
    if isinstance(value, str) and not value.strip():
        return "(it was blank)"
    if value == [] or value == {}:
        return "(it was empty)"
    return f"(got {show(value)})"


def show(value: Any) -> str:
    """A value inside a sentence: quoted text or JSON, cut at 60 characters."""
    if isinstance(value, str):
        text = value
        if len(text) > _SHOWN_CHARS:
            text = text[: _SHOWN_CHARS - 1] + "…"
        return f"'{text}'"
    text = dumps(value)
    if len(text) > _SHOWN_CHARS:
        text = text[: _SHOWN_CHARS - 1] + "…"
    return text


def dumps(value: Any) -> str:
    """JSON text for a message, else repr(), else a phrase: never raises."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except RecursionError:
        return TOO_DEEP
    except (TypeError, ValueError):
        pass
    try:
        return repr(value)
    except (RecursionError, ValueError):
        return TOO_DEEP


def jsonable(value: Any) -> Any:
    """The value for a JSON error body: short strings, nothing unserializable."""
    if isinstance(value, str):
        return value if len(value) <= _KEPT_CHARS else value[: _KEPT_CHARS - 1] + "…"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return jsonable(dumps(value))
    if len(text) > _KEPT_CHARS:
        return text[: _KEPT_CHARS - 1] + "…"
    return value
