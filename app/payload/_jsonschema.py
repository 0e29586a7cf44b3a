"""jsonschema, imported without the format checkers the relay's schemas never use.

jsonschema's format module imports, whenever they are installed, a library per
format: ``rfc3987-syntax`` for ``iri`` (it compiles lark grammars at import: 1.5 to 7
seconds of every process start, the CLI's ``--help``, each web and RQ worker),
``isoduration`` for ``duration`` (it imports arrow), ``fqdn``, ``idna``, ``webcolors``,
``jsonpointer``, ``uri_template``, ``rfc3986_validator``. Our schemas name ``date``,
``date-time`` and ``email`` only. So jsonschema is imported here, once, with those
libraries marked absent (jsonschema skips a format whose library is missing) and
``rfc3339_validator`` (``date-time``) left alone. Which formats the relay checks is
decided in
:mod:`.validation` (``FORMATS``), and ``tests/payload/test_formats.py`` fails when a
schema names a format that is not among them.

Import jsonschema's names from here, never from ``jsonschema`` directly, so this
module is always the first to import it.
"""

from __future__ import annotations

import sys

SKIPPED = (
    "rfc3987",
    "rfc3987_syntax",
    "rfc3986_validator",
    "isoduration",
    "fqdn",
    "idna",
    "webcolors",
    "jsonpointer",
    "uri_template",
)

if "jsonschema" not in sys.modules:
    _absent = [name for name in SKIPPED if name not in sys.modules]
    for _name in _absent:
        sys.modules[_name] = None  # type: ignore[assignment]  # import -> ImportError
    try:
        import jsonschema  # noqa: F401
    finally:
        for _name in _absent:  # whoever needs one later (httpx: idna) still imports it
            del sys.modules[_name]

from jsonschema import Draft202012Validator, FormatChecker  # noqa: E402
from jsonschema.exceptions import ValidationError, best_match  # noqa: E402

__all__ = ["Draft202012Validator", "FormatChecker", "ValidationError", "best_match"]
