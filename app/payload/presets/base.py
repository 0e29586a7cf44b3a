"""What a form-provider preset is, and the helpers every provider module shares."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Flatten = Callable[[dict[str, Any]], dict[str, Any]]
"""A provider's webhook body -> ``{field name: answer}``, or :class:`PresetError`, or
:class:`NotASubmission`."""


class PresetError(ValueError):
    """The body is not what the hook's form-provider preset expects."""


class NotASubmission(Exception):  # noqa: N818 - a verdict about the body, not a failure
    """The body is the provider's, but not a finished submission (a partial response, a
    test, an entry marked as spam): it is answered 2xx and recorded as ``ignored``, so
    the provider neither retries it nor disables the webhook, and nothing is sent."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Preset:
    """One form provider: how its body is flattened, and the delivery ids it keeps.

    ``meta_keys`` are the provider metadata keys :attr:`flatten` adds to its
    output for a hook's ``idempotency_field``; they are not action input (see
    :func:`app.payload.presets.strip_meta`). ``idempotency`` is the one that names a
    submission across the provider's retries: used when the hook names none.
    """

    flatten: Flatten
    meta_keys: tuple[str, ...] = ()
    idempotency: str | None = None


def add_meta(out: dict[str, Any], found: Mapping[str, Any]) -> None:
    """Set the metadata that is present; it wins over a form field of the same name."""
    for key, value in found.items():
        value = one(value)
        if value not in (None, "", []):
            out[key] = value


def one(value: Any) -> Any:
    """Form posts (Jotform) arrive unflattened: one value is a one-element list."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


class Answers(dict[str, Any]):
    """A preset's output: each answer under its stable name (a ref, a key, a field id),
    and under *aliases* (the question's label or title) that a mapping may name too.
    Without a mapping only the stable names are action input (see ``strip_meta``)."""

    def __init__(self) -> None:
        super().__init__()
        self.aliases: set[str] = set()


def add_alias(out: Answers, name: Any, value: Any) -> None:
    """Offer ``value`` under a second name (a label a person sees) unless that name is
    taken: the stable key wins, and a label used twice keeps its first answer."""
    if isinstance(name, str) and name.strip() and name.strip() not in out:
        out[name.strip()] = value
        out.aliases.add(name.strip())


def is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def json_object(raw: Any, what: str) -> Any:
    """A provider field that carries JSON as text (Jotform's ``rawRequest``)."""
    if not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise PresetError(f"{what} is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise PresetError(f"{what} is nested too deeply") from exc
