"""Form-provider presets: a known provider's webhook body -> ``{field name: answer}``.

Most senders can't be told what to send: a Typeform webhook is a Typeform
webhook. A hook therefore names an optional *preset*, which flattens a known
provider's body into named answers that a mapping (:mod:`..paths`) can then
pick from. One module per provider, each exporting ``PRESET`` (a
:class:`~.base.Preset`); adding a provider is one module and one row in
:data:`_PROVIDERS`.

Provider metadata. Each preset also copies the provider's delivery ids into its
output, so a hook's ``idempotency_field`` can name them; :data:`PRESET_META_KEYS`
lists them per preset:

* ``typeform``: ``event_id`` (the delivery) and ``token`` (``form_response.token``,
  the response);
* ``jotform``: ``submissionID`` and ``formID``;
* ``tally``: ``eventId`` (the delivery) and ``responseId`` (``data.responseId``);
* ``gravityforms``: ``entry_id`` (the entry's ``id``) and ``form_id``.

Each preset also names the one of them that identifies a submission across the
provider's retries (:data:`PRESET_IDEMPOTENCY`): a hook with a preset and no
``idempotency_field`` of its own is deduplicated on it.

A body that is the provider's but not a finished submission (Typeform's
``form_response_partial``, a Gravity Forms partial or spam entry) makes a preset
raise :class:`NotASubmission`: the delivery is answered 2xx and kept as ``ignored``.

They are not action fields. With a mapping they stay out unless mapped. Without
one, the caller reads the idempotency key from the preset's output and then
passes it through :func:`strip_meta` before coercion, so validation never sees
them (a Jotform hook without a mapping used to fail with "unknown field
'formID'"). These names are reserved in a preset's output: a form field with
the same name is shadowed by the metadata.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import gravityforms, jotform, tally, typeform
from .base import Flatten, NotASubmission, Preset, PresetError

__all__ = [
    "PRESETS",
    "PRESET_IDEMPOTENCY",
    "PRESET_META_KEYS",
    "NotASubmission",
    "Preset",
    "PresetError",
    "strip_meta",
]

_PROVIDERS: dict[str, Preset] = {
    "typeform": typeform.PRESET,
    "jotform": jotform.PRESET,
    "tally": tally.PRESET,
    "gravityforms": gravityforms.PRESET,
}
"""The registry: hook ``preset`` name -> provider."""


class _Presets(dict[str, Flatten]):
    """A dict whose missing key error names the presets that do exist."""

    def __missing__(self, name: str) -> Flatten:
        known = ", ".join(sorted(self))
        raise KeyError(f"unknown preset {name!r}; known presets: {known}")


PRESETS: dict[str, Flatten] = _Presets({name: p.flatten for name, p in _PROVIDERS.items()})
"""Preset name -> its flatten function; an unknown name raises a KeyError naming the known."""

PRESET_META_KEYS: dict[str, tuple[str, ...]] = {name: p.meta_keys for name, p in _PROVIDERS.items()}
"""Per preset, the provider metadata keys it adds to its output (see the module doc)."""

PRESET_IDEMPOTENCY: dict[str, str] = {
    name: p.idempotency for name, p in _PROVIDERS.items() if p.idempotency
}
"""Per preset, the metadata key that names one submission across the provider's retries."""


def strip_meta(preset: str | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """A shallow copy of ``data`` without ``preset``'s metadata keys, nor its aliases
    (labels and titles, offered to mappings: see :class:`~.base.Answers`).

    For the no-mapping path: call it on the preset's output after reading the
    idempotency key and before coercion. No preset (or one without metadata):
    just the copy.
    """
    meta = set(PRESET_META_KEYS.get(preset, ()) if preset else ())
    meta |= getattr(data, "aliases", set())
    return {k: v for k, v in data.items() if k not in meta}
