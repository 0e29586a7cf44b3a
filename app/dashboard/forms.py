"""Form input in, the admin API's body out; the services' problems back onto the fields.

A dashboard form carries the admin API's field names, so the service sees the
same body a JSON client would send and answers with the same sentences. These
helpers only translate the shape: text fields to their JSON types, and a
:class:`~app.errors.ValidationFailed`'s ``details`` (``{"path": "/mapping/x", ...}``)
to the field each sentence belongs beside. Pure functions, no request access.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import RelayError

GENERAL = ""  # problems that belong to no single field


def text(form: Mapping[str, str], name: str) -> str:
    return (form.get(name) or "").strip()


def optional_text(form: Mapping[str, str], name: str) -> str | None:
    """A blank field means "none" (the API's null)."""
    return text(form, name) or None


def integer(form: Mapping[str, str], name: str) -> int | str | None:
    """Digits become a number; anything else goes on as typed, so the service's own
    sentence ("must be an integer (got 'ten')") is what the person reads."""
    value = text(form, name)
    if not value:
        return None
    digits = value[1:] if value.startswith("-") else value
    return int(value) if digits.isdigit() else value


def lines(form: Mapping[str, str], name: str) -> list[str] | None:
    """One entry per line (or comma), blanks dropped; nothing at all is None."""
    raw = (form.get(name) or "").replace(",", "\n")
    found = [line.strip() for line in raw.splitlines() if line.strip()]
    return found or None


def field_errors(exc: RelayError) -> dict[str, list[str]]:
    """``{field: [sentence, ...]}`` keyed by the first step of each problem's path; the
    rest of the path leads the sentence when the message does not already name it."""
    errors: dict[str, list[str]] = {}
    for detail in exc.details:
        if not isinstance(detail, dict):
            errors.setdefault(GENERAL, []).append(str(detail))
            continue
        path = str(detail.get("path") or "").strip("/")
        field, _, rest = path.partition("/")
        message = str(detail.get("message") or "")
        if rest and rest.replace("/", ".") not in message and rest not in message:
            message = f"at {rest}: {message}"
        errors.setdefault(field, []).append(message)
    if not exc.details:
        errors.setdefault(GENERAL, []).append(exc.message)
    return errors


def confirmed(form: Mapping[str, Any]) -> bool:
    """A destructive form says so explicitly: ``confirm=yes`` from its confirming button."""
    return str(form.get("confirm") or "") == "yes"
