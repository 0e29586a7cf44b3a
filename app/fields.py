"""Field names as a no-code tool maps them: nested objects flattened with ``__``
(Zapier's "unflatten" convention), lists marked so users know they may repeat."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def zapier_fields(schema: dict[str, Any], prefix: str = "") -> Iterator[str]:
    required = set(schema.get("required") or [])
    for name, prop in (schema.get("properties") or {}).items():
        key = f"{prefix}{name}"
        kind = prop.get("type", "any")
        if kind == "object" and prop.get("properties"):
            yield from zapier_fields(prop, prefix=f"{key}__")
            continue
        if kind == "array":
            item = prop.get("items", {}).get("type", "values")
            kind = f"list of {item} (repeat the field or comma-separate)"
        if "enum" in prop:
            kind = "one of " + ", ".join(map(str, prop["enum"]))
        mark = "required" if name in required else "optional"
        desc = prop.get("description", "")
        yield f"{key:<28} {mark:<9} {kind}. {desc}".rstrip()
