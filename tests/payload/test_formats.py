"""The relay checks only the formats its schemas use (app/payload/_jsonschema.py says
why); a schema naming any other format would go unchecked, so it fails here first."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.payload.validation import _FORMAT_CHECKER, FORMATS, validator_for

ROOT = Path(__file__).resolve().parents[2]


def _formats(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("format"), str):
            yield node["format"]
        for value in node.values():
            yield from _formats(value)
    elif isinstance(node, list):
        for value in node:
            yield from _formats(value)


def test_every_format_a_schema_names_is_checked():
    used = {
        f
        for path in (ROOT / "schemas").glob("*.json")
        for f in _formats(json.loads(path.read_text()))
    }
    assert used, "the schemas name no format: this test reads the wrong folder"
    assert used <= set(FORMATS), f"add {sorted(used - set(FORMATS))} to FORMATS"
    assert set(_FORMAT_CHECKER.checkers) == set(FORMATS)


def test_the_checked_formats_refuse_bad_values():
    schema = {
        "type": "object",
        "properties": {f: {"type": "string", "format": f} for f in FORMATS},
    }
    bad = {"date": "2026-13-45", "date-time": "yesterday at noon", "email": "jane@"}
    good = {"date": "2026-12-02", "date-time": "2026-12-02T04:00:00Z", "email": "j@example.com"}
    validator = validator_for(schema)
    assert {e.path[0] for e in validator.iter_errors(bad)} == set(FORMATS)
    assert list(validator.iter_errors(good)) == []


def test_the_cli_starts_without_compiling_iri_grammars():
    """rfc3987-syntax compiles lark grammars at import (seconds at every start)."""
    code = (
        "import sys, app.cli, app.payload\n"
        "print('rfc3987_syntax' in sys.modules, 'lark' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.split() == ["False", "False"]


def test_help_builds_no_app_and_imports_no_sql():
    code = (
        "import sys; sys.argv = ['esqase-relay', '--help']\n"
        "from app.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "loaded = ('sqlalchemy', 'app.admin', 'jsonschema')\n"
        "print(*(name in sys.modules for name in loaded))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.split()[-3:] == ["False", "False", "False"]
