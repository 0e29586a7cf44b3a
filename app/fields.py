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


MAPPING_FORMS = {
    "path": '"firstName": "answers.first_name" copies the value the sender put there '
    '(dotted, or a JSON pointer such as "/What is your name?")',
    "value": '"type": {"value": "PERSON"} sets the same value for every delivery',
    "map": '"value": {"from": "budget", "map": {"Over $50k": "HIGH"}, "default": "MEDIUM"} '
    "translates what the form says (exact, then ignoring case and spaces; a list entry "
    "by entry); default stands in for an answer the map lacks and for no answer, and "
    "without one an unknown answer is refused (422) naming it and the map's answers",
}


def mapping_guide(schema: dict[str, Any]) -> dict[str, Any]:
    """How a hook's mapping fills this action's fields, with an example built from its
    own fields: a path, a constant for a choice, a value map for another choice."""
    fields = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    choices = [n for n, p in fields.items() if isinstance(p.get("enum"), list)]
    texts = [
        n
        for n, p in fields.items()
        if p.get("type") == "string" and "enum" not in p and not n.endswith("Id")
    ]
    example: dict[str, Any] = {}
    constant = next((n for n in choices if n in required), None)
    if constant:
        example[constant] = {"value": fields[constant]["enum"][0]}
    for name in texts[:2]:
        example[name] = f"answers.{name}"
    mapped = next((n for n in choices if n != constant), None)
    if mapped:
        values = fields[mapped]["enum"]
        example[mapped] = {
            "from": f"answers.{mapped}",
            "map": {"<an answer on the form>": values[-1], "<another answer>": values[0]},
            "default": values[len(values) // 2],
        }
    guide: dict[str, Any] = {"forms": MAPPING_FORMS, "example": example}
    names = [n for n in ("practiceAreaName", "stageName", "clientEmails") if n in fields]
    if names:
        guide["names"] = (
            f"names stand in for the ids a form does not know ({', '.join(names)}): they are "
            "looked up in Esqase when the job runs, and an unknown one fails the job listing "
            "the known ones"
        )
    return guide
