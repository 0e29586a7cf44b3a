"""Properties over arbitrary bodies: presets, mappings with values, sample paths and
suggestions either answer or raise their own error, never anything else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.payload import (
    PRESETS,
    MappingError,
    NotASubmission,
    PresetError,
    UnflattenError,
    apply_mapping,
    lookup,
)
from app.payload.fieldpaths import field_paths
from app.payload.suggest import suggest

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
# No deadline: a loaded CI machine makes a slow first run, which Hypothesis reports as a
# flaky test when the replay is fast; these properties are about answers, not time.
SETTINGS = settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
KEYS = st.sampled_from(
    ["form_response", "answers", "field", "ref", "id", "definition", "fields", "data", "key"]
    + ["label", "value", "options", "type", "rawRequest", "status", "1.3", "event_type"]
    + ["eventType", "choice", "choices", "hidden", "inputs", "form", "q3_name", "temp_upload"]
) | st.text(max_size=8)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=25,
)
BODIES = st.dictionaries(KEYS, VALUES, max_size=6)


@SETTINGS
@given(name=st.sampled_from(sorted(PRESETS)), body=BODIES)
def test_a_preset_reads_any_body_or_says_it_is_not_its_own(name: str, body: dict[str, Any]):
    try:
        out = PRESETS[name](body)
    except (PresetError, NotASubmission):
        return
    assert isinstance(out, dict)
    paths, _ = field_paths(out, frozenset(getattr(out, "aliases", ())))
    for entry in paths:
        assert lookup(out, entry.path) is not None or entry.value is None


SOURCES = (
    st.text(max_size=10)
    | st.fixed_dictionaries({"value": VALUES})
    | st.fixed_dictionaries(
        {"from": st.text(max_size=10) | KEYS},
        optional={
            "map": st.dictionaries(st.text(max_size=6), VALUES, max_size=3),
            "default": VALUES,
        },
    )
)


@SETTINGS
@given(data=BODIES, mapping=st.dictionaries(st.text(max_size=10) | KEYS, SOURCES, max_size=4))
def test_a_mapping_with_values_answers_or_explains(data: dict[str, Any], mapping: dict[str, Any]):
    try:
        out = apply_mapping(data, mapping)
    except (UnflattenError, MappingError) as exc:
        assert exc.problems
        return
    assert isinstance(out, dict)


@SETTINGS
@given(body=BODIES, action=st.sampled_from(["leads.create", "matters.create-for-client"]))
def test_a_suggestion_is_made_from_any_sample(body: dict[str, Any], action: str):
    schema = json.loads((SCHEMAS / f"{action}.json").read_text())
    paths, _ = field_paths(body)
    proposal = suggest(schema, paths)
    used = [v for v in proposal.mapping.values() if isinstance(v, str)]
    assert len(used) == len(set(used))  # each path proposed once
