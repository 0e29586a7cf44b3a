"""From a raw trigger body to a validated action input, explaining every problem.

Pure functions only (no I/O, no Flask): the ingest view parses the body, then
runs unflatten (form bodies) -> preset and mapping -> coerce -> validate here.
"""

from ._schema import properties_of
from .coerce import coerce, coerce_json
from .paths import MappingError, apply_mapping, lookup
from .presets import (
    PRESET_IDEMPOTENCY,
    PRESET_META_KEYS,
    PRESETS,
    NotASubmission,
    PresetError,
    strip_meta,
)
from .unflatten import UnflattenError, unflatten
from .validation import MISSING, Problem, explain, validator_for

__all__ = [
    "MISSING",
    "MappingError",
    "NotASubmission",
    "PRESETS",
    "PRESET_IDEMPOTENCY",
    "PRESET_META_KEYS",
    "PresetError",
    "Problem",
    "UnflattenError",
    "apply_mapping",
    "coerce",
    "coerce_json",
    "explain",
    "lookup",
    "properties_of",
    "strip_meta",
    "unflatten",
    "validator_for",
]
