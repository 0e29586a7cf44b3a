"""Reading ``limit`` and ``offset`` the way the list endpoints do.

A limit above the ceiling is clamped (the documented "per-page ceiling"), while a limit
below 1, a negative offset, or anything that is not a whole number is a 422 naming the
parameter: silently fixing those would hide a client bug. So is a number too long to
convert (thousands of digits).
"""

from __future__ import annotations

from collections.abc import Mapping

from sandbox.errors import FieldError, field_error


def _whole_number(raw: str | None) -> int | None:
    if raw is None:
        return None
    text = raw.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isdigit() or not digits.isascii():
        return None
    try:
        return int(text)
    except ValueError:  # more digits than int() converts (sys.get_int_max_str_digits)
        return None


def page_params(
    args: Mapping[str, str], default_limit: int, max_limit: int
) -> tuple[int, int, list[FieldError]]:
    errors: list[FieldError] = []
    limit, offset = default_limit, 0
    if "limit" in args:
        parsed = _whole_number(args["limit"])
        if parsed is None or parsed < 1:
            errors.append(
                field_error(
                    "limit", f"must be a whole number >= 1 (above {max_limit} means {max_limit})"
                )
            )
        else:
            limit = min(parsed, max_limit)
    if "offset" in args:
        parsed = _whole_number(args["offset"])
        if parsed is None or parsed < 0:
            errors.append(field_error("offset", "must be a whole number >= 0"))
        else:
            offset = parsed
    return limit, offset, errors
