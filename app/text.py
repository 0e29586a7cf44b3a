"""Is it text? Every string a request brings in is checked once, at the edge.

A NUL or a lone surrogate (JSON's ``\\ud800``) is accepted by Python and by
JSON, then fails later: PostgreSQL refuses NUL in text, and neither can be
encoded as UTF-8 on the way to SQL or Esqase. Finding them here turns that
500 into a 400 that names the field.
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 64


class NotText(ValueError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def check_text(value: Any, path: str = "", depth: int = 0) -> None:
    """Raise :class:`NotText` for the first string (or key) that is not real text."""
    if depth > MAX_DEPTH:
        raise NotText(
            path or "/", f"{path or 'the body'} is nested more than {MAX_DEPTH} levels deep"
        )
    if isinstance(value, str):
        if not is_text(value):
            raise NotText(
                path or "/",
                f"{path or 'the body'} contains characters that are not text "
                "(a NUL or a broken unicode escape); send plain text",
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, path, depth + 1)
            check_text(item, f"{path}/{key}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_text(item, f"{path}/{index}", depth + 1)


def is_text(value: str) -> bool:
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
