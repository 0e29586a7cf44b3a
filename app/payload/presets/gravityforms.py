"""Gravity Forms (Webhooks add-on): the entry object, answers keyed by field and input id.

With *Request Body: All Fields* the add-on posts "the entire unformatted entry"
(https://docs.gravityforms.com/triggering-webhooks-form-submissions/), JSON by default or
form-encoded: entry properties (``id``, ``form_id``, ``date_created``, ``status`` …) and
one key per field or input id, ``"2"`` for a single-input field and ``"1.3"`` / ``"1.6"``
for a Name field's first and last name (https://docs.gravityforms.com/entry-object/).
With *Select Fields* the keys are the names the admin typed. Either way the keys reach a
mapping as they are. The entry carries no labels; when the body also carries the form
(``form.fields[]`` with ``label`` and ``inputs[].label``, the Form Object's shape, which
a ``gform_webhooks_request_data`` filter can add), each answer is offered under its label
too (``"Name (First)"``, as Gravity Forms' merge tags name an input).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from .base import Answers, NotASubmission, Preset, PresetError, add_alias, add_meta, is_url, one

_FIELD_ID = re.compile(r"^\d{1,9}(?:\.\d{1,9})?$")
# Entry properties (https://docs.gravityforms.com/entry-object/): not answers.
ENTRY_PROPERTIES = frozenset(
    {
        "id",
        "form_id",
        "post_id",
        "date_created",
        "date_updated",
        "is_starred",
        "is_read",
        "ip",
        "source_url",
        "user_agent",
        "currency",
        "payment_status",
        "payment_date",
        "payment_amount",
        "payment_method",
        "transaction_id",
        "is_fulfilled",
        "created_by",
        "transaction_type",
        "status",
        "source_id",
        "submission_speeds",
        "form",
    }
)
# Entries that are not finished submissions: a Partial Entries add-on save is sent to
# feeds with status "partial" (https://docs.gravityforms.com/gform_partialentries_post_event/);
# "spam" and "trash" are the entry statuses besides "active" (entry object docs).
NOT_SUBMITTED = {
    "partial": "a partial entry (the form is not submitted yet)",
    "spam": "an entry marked as spam",
    "trash": "an entry in the trash",
}


def flatten(body: dict[str, Any]) -> dict[str, Any]:
    """Gravity Forms entry -> ``{field id or key: answer}``, plus labels when the form
    is in the body.

    Entry properties are left out, except ``id`` and ``form_id``, kept as ``entry_id``
    and ``form_id`` for idempotency. A multi-file upload (a JSON list of URLs in one
    value) becomes the list of URLs; a single upload is its URL already. Empty inputs
    (``"1.2": ""``, a Name field's unused prefix) stay empty, and coercion drops them.
    """
    entry = {str(k): one(v) for k, v in body.items()}
    if not entry:
        raise PresetError("this is not a Gravity Forms entry: the body is empty")
    status = entry.get("status")
    if isinstance(status, str) and status.strip().lower() in NOT_SUBMITTED:
        raise NotASubmission(f"Gravity Forms sent {NOT_SUBMITTED[status.strip().lower()]}")
    out = Answers()
    for key, value in entry.items():
        if key in ENTRY_PROPERTIES:
            continue
        out[key] = _files(value) if _FIELD_ID.match(key) else value
    for label, field_id in _labels(body.get("form")).items():
        if field_id in out:
            add_alias(out, label, out[field_id])
    add_meta(out, {"entry_id": entry.get("id"), "form_id": entry.get("form_id")})
    return out


def _files(value: Any) -> Any:
    """A multi-file upload field stores a JSON list of URLs as its value."""
    if not (isinstance(value, str) and value.startswith("[") and value.endswith("]")):
        return value
    try:
        urls = json.loads(value)
    except (ValueError, RecursionError):
        return value
    if isinstance(urls, list) and urls and all(is_url(u) for u in urls):
        return urls
    return value


def _labels(form: Any) -> dict[str, str]:
    """Label -> field or input id, from a Form Object's ``fields``."""
    fields = form.get("fields") if isinstance(form, Mapping) else None
    if not isinstance(fields, list):
        return {}
    labels: dict[str, str] = {}
    for field in fields:
        if not isinstance(field, Mapping) or field.get("id") in (None, ""):
            continue
        label = field.get("label")
        label = label.strip() if isinstance(label, str) else ""
        inputs = field.get("inputs")
        if label:
            labels.setdefault(label, str(field["id"]))
        for part in inputs if isinstance(inputs, list) else []:
            sub = part.get("label") if isinstance(part, Mapping) else None
            if isinstance(sub, str) and sub.strip() and part.get("id") not in (None, ""):
                name = f"{label} ({sub.strip()})" if label else sub.strip()
                labels.setdefault(name, str(part["id"]))
    return labels


PRESET = Preset(flatten, meta_keys=("entry_id", "form_id"), idempotency="entry_id")
