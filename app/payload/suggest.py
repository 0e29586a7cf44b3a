"""A first mapping for a hook, proposed from what its form really sent.

Each action field is matched to the sample path whose name (its last part, a Typeform
ref like ``first_name``, a Tally label like "Email address") says the same thing in
words: ``firstName`` and "What is your first name?" both come to {first, name}. A
field's words, plus a few synonyms people put on forms ("Surname", "Area of law"),
must all appear in the path's words; the closer the two sets, the better the match,
and each field and each path is used once, best matches first. Ids are not proposed
(a form has none; ``practiceAreaName`` stands in for ``practiceAreaId``), a required
choice nobody asked about becomes a constant (``type``: ``{"value": "PERSON"}``), and
a matched choice whose sample value is not one of the field's values is pointed out
(it needs a value map). A proposal to read and correct, never applied by itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._schema import Schema, properties_of, required_of
from .fieldpaths import FieldPath

THRESHOLD = 0.5
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_FILLER = frozenset(
    {"a", "an", "the", "your", "you", "is", "are", "of", "what", "whats", "please", "enter"}
    | {"s", "do", "does", "to", "for", "my", "our", "us", "q", "here", "this", "which"}
)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "firstName": ("given name", "forename", "first"),
    "lastName": ("surname", "family name", "last"),
    "email": ("email address", "e mail", "mail"),
    "emails": ("email", "email address", "e mail"),
    "phone": ("phone number", "telephone", "mobile", "cell", "tel"),
    "phones": ("phone", "phone number", "telephone", "mobile"),
    "companyName": ("company", "organisation", "organization", "business", "employer"),
    "practiceAreaName": ("area of law", "practice area", "legal area", "case type"),
    "description": ("details", "message", "notes", "comments", "how can we help"),
    "value": ("budget", "estimated value", "case value"),
    "openDate": ("open date", "start date"),
    "prefix": ("salutation", "honorific"),
}


@dataclass
class Suggestion:
    mapping: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"mapping": self.mapping, "notes": self.notes}


def words(text: str) -> frozenset[str]:
    """The words of a name or a label: ``firstName``, ``first_name`` and "First name?"
    are all {first, name}."""
    found = [w.lower() for w in _WORD.findall(text.replace("'", ""))]
    return frozenset(w for w in found if w not in _FILLER)


def targets(schema: Schema, prefix: str = "") -> dict[str, Schema]:
    """Action fields a form can fill: nested groups by dotted path, ids left out."""
    out: dict[str, Schema] = {}
    for name, sub in properties_of(schema).items():
        if name.endswith(("Id", "Ids")) or name == "id":
            continue
        if properties_of(sub) and sub.get("type") == "object":
            out.update(targets(sub, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = sub
    return out


def _phrases(target: str) -> list[frozenset[str]]:
    last = target.rsplit(".", 1)[-1]
    return [words(last), *(words(s) for s in SYNONYMS.get(last, ()))]


def score(target: str, path: str) -> float:
    """How well ``path`` names ``target``: 0, or the overlap of their words when all of
    one of the target's phrases is in the path's words."""
    said = words(path)
    best = 0.0
    for phrase in _phrases(target):
        if phrase and phrase <= said:
            best = max(best, len(phrase) / len(said))
    return best


def suggest(schema: Schema, samples: Sequence[FieldPath], skip: Iterable[str] = ()) -> Suggestion:
    """A proposed mapping for ``schema`` from ``samples`` (skipping the paths ``skip``,
    a preset's delivery ids)."""
    fields = targets(schema)
    skipped = set(skip)
    paths: dict[str, FieldPath] = {}
    for sample in samples:
        if sample.path not in skipped and not _blank(sample.value):
            paths.setdefault(sample.path, sample)
    ranked = sorted(
        (
            (score(t, p), not paths[p].label, t, p)
            for t in fields
            for p in paths
            if score(t, p) >= THRESHOLD
        ),
        key=lambda r: (-r[0], not r[1], r[2], r[3]),
    )
    result = Suggestion()
    used: set[str] = set()
    for _, _, target, path in ranked:
        if target in result.mapping or path in used:
            continue
        result.mapping[target] = path
        used.add(path)
        _check_choice(result, target, fields[target], paths[path])
    _constants(result, schema, fields)
    return result


def _check_choice(result: Suggestion, target: str, schema: Schema, sample: FieldPath) -> None:
    choices = schema.get("enum")
    value = sample.value
    if not isinstance(choices, list) or not isinstance(value, str):
        return
    if value.strip().casefold() in {str(c).casefold() for c in choices}:
        return
    listed = ", ".join(map(str, choices))
    result.notes.append(
        f"{target}: the form sent {value!r}, which is not one of {listed}; give it a value "
        f'map: {{"from": "{sample.path}", "map": {{"{value}": "{choices[0]}"}}}}'
    )


def _constants(result: Suggestion, schema: Schema, fields: Mapping[str, Schema]) -> None:
    for name in sorted(required_of(schema)):
        if name in result.mapping:
            continue
        sub = fields.get(name, {})
        choices = sub.get("enum")
        if isinstance(choices, list) and choices:
            result.mapping[name] = {"value": choices[0]}
            result.notes.append(
                f"{name}: the form does not ask for it, so it is set to {choices[0]!r} for "
                f"every submission (one of {', '.join(map(str, choices))}); change it if "
                "that is wrong"
            )
        elif name in fields:
            result.notes.append(f"{name} is required and no field of the form matches it")


def _blank(value: Any) -> bool:
    return value in (None, "", [], {})
