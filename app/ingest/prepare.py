"""From a parsed body to the action's input: unflatten -> preset -> mapping -> coerce.

Pure functions: no Flask, no SQL. The result either carries the input the
job will run with, or every problem found, each naming the field, or (a
provider event that is not a submission) why it is ignored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from app.payload import (
    PRESET_IDEMPOTENCY,
    PRESETS,
    MappingError,
    NotASubmission,
    PresetError,
    Problem,
    UnflattenError,
    apply_mapping,
    coerce,
    coerce_json,
    explain,
    lookup,
    properties_of,
    strip_meta,
    unflatten,
)

from .body import Body

MAX_KEY = 255


@dataclass(frozen=True)
class HookRules:
    """The parts of a hook that shape its input."""

    preset: str | None = None
    mapping: dict[str, Any] | None = None
    idempotency_field: str | None = None

    @property
    def key_field(self) -> str | None:
        """Where the idempotency key is read: the hook's field, else its preset's
        submission id (a provider retrying a delivery must not make a second job)."""
        if self.idempotency_field:
            return self.idempotency_field
        return PRESET_IDEMPOTENCY.get(self.preset) if self.preset else None


@dataclass
class Prepared:
    input: dict[str, Any]
    idempotency_key: str | None = None
    problems: list[Problem] = field(default_factory=list)
    # Set when the body is a provider event that is not a submission (why, in words).
    ignored: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def digest(self) -> str:
        """What the same idempotency key must carry again: a hash of the input as prepared,
        so a different body under a reused key is caught, whatever order its keys came in."""
        canonical = json.dumps(self.input, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def fit_key(key: str) -> str:
    """Keys longer than the column are hashed, never cut: two long keys sharing a
    prefix must stay two keys."""
    if len(key) <= MAX_KEY:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _scalar(value: Any) -> Any:
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def prepare(body: Body, rules: HookRules, schema: dict[str, Any], validator: Any) -> Prepared:
    if body.kind == "form":
        try:
            raw: dict[str, Any] = unflatten(body.fields)
        except UnflattenError as exc:
            return Prepared({}, problems=list(exc.problems))
    else:
        raw = body.fields
    received = raw
    if rules.preset:
        try:
            raw = PRESETS[rules.preset](raw)
        except NotASubmission as event:
            return Prepared({}, ignored=event.reason)
        except (
            PresetError,
            AttributeError,
            KeyError,
            TypeError,
            ValueError,
            RecursionError,
        ) as exc:
            detail = f": {exc}" if isinstance(exc, PresetError) else ""
            problem = Problem(
                path="/",
                message=f"this body does not look like a {rules.preset} webhook{detail}; "
                "check the hook's preset or the form's webhook settings",
            )
            return Prepared({}, problems=[problem])

    key = None
    if rules.key_field:
        # The preset's output first (its names), then the body as it arrived (a
        # provider's own delivery id, e.g. Typeform's form_response.token).
        found = _scalar(lookup(raw, rules.key_field))
        if found in (None, ""):
            found = _scalar(lookup(received, rules.key_field))
        if found not in (None, ""):
            key = fit_key(str(found))

    if rules.mapping:
        try:
            data = apply_mapping(raw, rules.mapping)
        except (UnflattenError, MappingError) as exc:  # colliding targets, unknown values
            return Prepared({}, problems=list(exc.problems))
    else:
        # The preset's delivery metadata (ids for idempotency) is not action input.
        data = strip_meta(rules.preset, raw)
        field_name = (rules.idempotency_field or "").strip("/")
        if field_name and "." not in field_name and field_name not in properties_of(schema):
            # A top-level id field that is not an action field is the relay's to read.
            data.pop(field_name, None)

    data = (
        coerce(data, schema) if body.kind == "form" or rules.preset else coerce_json(data, schema)
    )
    return Prepared(data, key, problems=explain(validator, data))
