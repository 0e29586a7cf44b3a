"""What a form-provider preset is, and the helpers every provider module shares."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Flatten = Callable[[dict[str, Any]], dict[str, Any]]
"""A provider's webhook body -> ``{field name: answer}``, or :class:`PresetError`."""


class PresetError(ValueError):
    """The body is not what the hook's form-provider preset expects."""


@dataclass(frozen=True)
class Preset:
    """One form provider: how its body is flattened, and the delivery ids it keeps.

    ``meta_keys`` are the provider metadata keys :attr:`flatten` adds to its
    output for a hook's ``idempotency_field``; they are not action input (see
    :func:`app.payload.presets.strip_meta`).
    """

    flatten: Flatten
    meta_keys: tuple[str, ...] = ()


def add_meta(out: dict[str, Any], found: Mapping[str, Any]) -> None:
    """Set the metadata that is present; it wins over a form field of the same name."""
    for key, value in found.items():
        value = one(value)
        if value not in (None, "", []):
            out[key] = value


def one(value: Any) -> Any:
    """Form posts (Jotform) arrive unflattened: one value is a one-element list."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value
