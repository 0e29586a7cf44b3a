"""Field-level checks that collect every problem in a body, one detail per field.

The API reports all problems at once, so checks never raise: each records at most one
error per field (the first one found) and tells the caller whether the value is usable, so
later rules can skip what an earlier one already rejected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, TypeGuard

from sandbox.errors import FieldError, field_error

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_MISSING = object()


def is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def looks_like_email(value: str) -> bool:
    return bool(_EMAIL.match(value))


def is_date(value: object) -> bool:
    if not isinstance(value, str) or not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


class Check:
    def __init__(self, body: Mapping[str, Any]) -> None:
        self.body = body
        self.errors: list[FieldError] = []
        self._failed: set[str] = set()

    def fail(self, field: str, message: str) -> None:
        if field not in self._failed:
            self._failed.add(field)
            self.errors.append(field_error(field, message))

    def failed(self, field: str) -> bool:
        return field in self._failed

    def given(self, field: str) -> bool:
        """Present with a non-null value; null counts as absent for optional fields."""
        return self.body.get(field) is not None

    def unknown(self, allowed: Iterable[str], refused: Mapping[str, str] | None = None) -> None:
        allowed = set(allowed)
        for name in self.body:
            if name in allowed:
                continue
            self.fail(name, (refused or {}).get(name, "unknown field"))

    def required(self, field: str) -> bool:
        if not self.given(field):
            self.fail(field, "is required")
            return False
        return True

    def _present(self, field: str, *, required: bool, nullable: bool) -> Any:
        """The field's value, or ``_MISSING`` (after failing it if it had to be there)."""
        value = self.body.get(field, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.fail(field, "is required")
            elif value is None and not nullable:
                self.fail(field, "must not be null")
            return _MISSING
        return value

    def string(self, field: str, *, required: bool = False, nullable: bool = True) -> bool:
        """True when the field holds a usable string."""
        value = self._present(field, required=required, nullable=nullable)
        if value is _MISSING:
            return False
        if not isinstance(value, str):
            self.fail(field, f"must be a string (got {type(value).__name__})")
            return False
        return True

    def name(self, field: str, *, required: bool = False, nullable: bool = True) -> bool:
        """A string that must not be blank when present."""
        if not self.string(field, required=required, nullable=nullable):
            return False
        if is_blank(self.body[field]):
            self.fail(field, "must not be blank")
            return False
        return True

    def enum(
        self, field: str, choices: Iterable[str], *, required: bool = False, nullable: bool = True
    ) -> bool:
        if not self.string(field, required=required, nullable=nullable):
            return False
        choices = tuple(choices)
        value = self.body[field]
        if value not in choices:
            self.fail(field, f"must be one of {', '.join(choices)} (got {value!r})")
            return False
        return True

    def date(self, field: str, *, required: bool = False, nullable: bool = True) -> bool:
        value = self._present(field, required=required, nullable=nullable)
        if value is _MISSING:
            return False
        if not is_date(value):
            self.fail(field, f"must be a date written as YYYY-MM-DD (got {value!r})")
            return False
        return True

    def boolean(self, field: str, *, nullable: bool = True) -> bool:
        value = self.body.get(field, _MISSING)
        if value is _MISSING:
            return False
        if value is None:
            if not nullable:
                self.fail(field, "must not be null")
            return False
        if not isinstance(value, bool):
            self.fail(field, f"must be true or false (got {value!r})")
            return False
        return True

    def email(self, field: str) -> bool:
        if not self.string(field):
            return False
        value = self.body[field]
        if not looks_like_email(value):
            self.fail(field, f"must look like an email address, name@example.com (got {value!r})")
            return False
        return True

    def string_list(self, field: str, *, emails: bool = False, nullable: bool = True) -> bool:
        """A list of strings; each bad item is its own detail (``emails[1]``)."""
        value = self.body.get(field, _MISSING)
        if value is _MISSING or (value is None and nullable):
            return False
        if not isinstance(value, list):
            self.fail(field, "must be a list of strings")
            return False
        ok = True
        for index, item in enumerate(value):
            where = f"{field}[{index}]"
            if not isinstance(item, str) or is_blank(item):
                self.fail(where, "must be a non-empty string")
                ok = False
            elif emails and not looks_like_email(item):
                self.fail(where, f"must look like an email address (got {item!r})")
                ok = False
        return ok
