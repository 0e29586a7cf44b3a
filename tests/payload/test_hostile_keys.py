"""Nasty field names and values never crash the payload pipeline.

Any exception escaping unflatten, coerce, apply_mapping or explain is a 500 at
ingest. The only documented one is :class:`UnflattenError` (a 422 listing the
names). This walks a fixed list of awkward keys and values (no randomness, so a
failure always reproduces) through every action schema.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from app.payload import (
    UnflattenError,
    apply_mapping,
    coerce,
    coerce_json,
    explain,
    unflatten,
    validator_for,
)

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
ACTIONS = sorted(p.stem for p in SCHEMAS.glob("*.json"))

HUGE = "9" * 5000  # past Python's 4300-digit limit for int()

# "{f}" is replaced by each of the action's field names.
KEYS = [
    "",
    "[",
    "]",
    "[]",
    "__",
    "____",
    "a____b",
    "a[",
    "a]",
    "a[]]",
    "a[b",
    "__a",
    "a__",
    "²",
    "{f}",
    "{f}[]",
    "{f}[²]",
    "{f}[①]",
    "{f}[١]",
    "{f}[９]",
    "{f}__²",
    "{f}__①__x",
    "{f}[" + HUGE + "]",
    "{f}__" + HUGE,
    "{f}[" + HUGE + "][memberId]",
    "{f}[0][" + HUGE + "]",
    "{f}[0][²]",
    "{f}[1234567890123456789]",
    "{f}[-1]",
    "{f}[0][]",
    "{f}[][]",
    "{f}\n",
    "{f}[0]\n",
    "{f}" + "[b]" * 3000,
    "{f}" + "__b" * 3000,
    HUGE,
    "x" * 10_000,
]

VALUES: list[Any] = [
    "",
    " ",
    "\n",
    "²",
    "①",
    "١٢",
    "９",
    "½",
    HUGE,
    "-" + HUGE,
    HUGE + ".0",
    "0." + HUGE,
    HUGE + "e5",
    "1e999",
    "-1e999",
    "nan",
    "inf",
    "a,b",
    ",",
    "\r\n",
    "\x00",
    "😀",
    "jane@example.com\n",
    "x" * 10_000,
]


@cache
def schema(action: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"{action}.json").read_text())
    return loaded


@cache
def validator(action: str) -> Draft202012Validator:
    return validator_for(schema(action))


def fields_of(action: str) -> list[str]:
    names = set(schema(action)["properties"])
    for prop in schema(action)["properties"].values():
        names.update(prop.get("properties", {}))
        names.update(prop.get("items", {}).get("properties", {}))
    return sorted(names)


def survive(action: str, form: dict[str, Any]) -> None:
    """The whole pure pipeline, allowing UnflattenError only, and JSON-able problems."""
    try:
        raw = unflatten(form)
    except UnflattenError as exc:
        assert exc.problems and str(exc)
        json.dumps([p.to_dict() for p in exc.problems])
        return
    for data in (coerce(raw, schema(action)), coerce_json(raw, schema(action))):
        json.dumps([p.to_dict() for p in explain(validator(action), data)])
    try:
        mapped = apply_mapping(raw, {key: key for key in form})
    except UnflattenError as exc:
        assert exc.problems
        return
    json.dumps([p.to_dict() for p in explain(validator(action), coerce(mapped, schema(action)))])


@pytest.mark.parametrize("action", ACTIONS)
def test_nasty_keys_raise_nothing_but_unflatten_error(action: str) -> None:
    for template in KEYS:
        for name in fields_of(action) if "{f}" in template else [""]:
            survive(action, {template.replace("{f}", name): ["1"], "type": ["PERSON"]})


@pytest.mark.parametrize("action", ACTIONS)
def test_nasty_values_raise_nothing(action: str) -> None:
    for name in fields_of(action):
        for value in VALUES:
            survive(action, {name: [value]})
            survive(action, {name: [value, value]})
            survive(action, {f"{name}[0]": [value]})
            survive(action, {f"{name}[0][memberId]": [value], f"{name}[0][allocation]": [value]})


@pytest.mark.parametrize("action", ACTIONS)
def test_nasty_json_values_raise_nothing(action: str) -> None:
    deep: Any = "x"
    for _ in range(900):
        deep = [deep]
    for name in fields_of(action):
        for value in [*VALUES, deep, {"²": 1}, {HUGE: 1}, [HUGE], 10**300, 1e308, -0.0]:
            body = {name: value, HUGE: value, "²": value}
            json.dumps([p.to_dict() for p in explain(validator(action), body)])
            data = coerce_json(body, schema(action))
            json.dumps([p.to_dict() for p in explain(validator(action), data)])
            mapped = apply_mapping(body, {name: name, "x": "²", "y": f"{name}.²", "z": HUGE})
            coerce(mapped, schema(action))
