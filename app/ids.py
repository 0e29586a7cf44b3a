"""What an id or token may look like, checked before it reaches SQL.

PostgreSQL refuses NUL bytes in text and both databases have column widths;
a malformed id from a URL or filter is simply "not found" (or a 400 for a
filter), never a database error.
"""

from __future__ import annotations

import re

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def looks_like_id(value: object) -> bool:
    return isinstance(value, str) and _ID.fullmatch(value) is not None
