"""Copy-ready setup steps for a hook, per sender: Zapier, Make, the form providers, a website.

Pure: from the hook's view (URL, preset, scheme, origins) and its action's field
guide to steps with the real URL and field names in them, so a person copies
rather than translates. The wording follows README.md's setup sections and
docs/intake.md (what each provider signs, where its settings live); a registry
of builders, one per sender, in the order they are shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any


@dataclass(frozen=True)
class Guide:
    key: str
    title: str
    steps: list[str]
    snippet: str = ""  # a block to copy as it is (a request body, an HTML form)
    suits: bool = False  # the hook is set up for this sender (its preset or scheme)
    notes: list[str] = field(default_factory=list)


Fields = list[dict[str, Any]]


def _required(fields: Fields) -> list[str]:
    return [f["name"] for f in fields if f["required"]] or [f["name"] for f in fields[:3]]


def _zapier(hook: dict[str, Any], fields: Fields) -> Guide:
    rows = ", ".join(f"{f['name']}" for f in fields[:8])
    return Guide(
        "zapier",
        "Zapier",
        [
            "Add an action step: Webhooks by Zapier → POST.",
            f"URL: {hook['url']}",
            "Payload Type: json (or form). Wrap Request In Array: no. Unflatten: yes.",
            f"Data: one row per field, named as the fields below ({rows}, …); nested "
            "fields with a double underscore (client__firstName).",
            "Optional header Idempotency-Key = the trigger's id, so a replayed Zap never "
            "creates twice.",
            "Test the step: the job appears under Jobs at once.",
        ],
        suits=not hook.get("preset") and not hook.get("verify_sender"),
    )


def _make(hook: dict[str, Any], fields: Fields) -> Guide:
    body = "{" + ", ".join(f'"{name}": "…"' for name in _required(fields)) + "}"
    return Guide(
        "make",
        "Make",
        [
            "Add a module: HTTP → Make a request.",
            f"URL: {hook['url']} (add ?wait=10 to get the Esqase record back in the same step)",
            "Method: POST. Body type: Raw. Content type: JSON (application/json).",
            "Request content: a JSON object with the fields below, mapped from earlier modules:",
        ],
        snippet=body,
        suits=not hook.get("preset") and not hook.get("verify_sender"),
    )


def _typeform(hook: dict[str, Any], fields: Fields) -> Guide:
    signed = hook.get("verify_sender") == "typeform"
    return Guide(
        "typeform",
        "Typeform",
        [
            "In Typeform open the form, then Connect → Webhooks → Add a webhook.",
            f"Endpoint: {hook['url']}",
            "In the webhook's settings turn on Secret and paste the hook's sender secret."
            if signed
            else "Set this hook's sender verification to typeform first, so Typeform's "
            "signature is checked.",
            "Save and switch the webhook on. Send a test: what arrived shows under Samples.",
            "Map answers by each question's ref or its title in the mapping.",
        ],
        suits=hook.get("preset") == "typeform",
    )


def _tally(hook: dict[str, Any], fields: Fields) -> Guide:
    signed = hook.get("verify_sender") == "tally"
    return Guide(
        "tally",
        "Tally",
        [
            "In Tally open the form: Integrations → Webhooks → Connect.",
            f"Endpoint URL: {hook['url']}",
            "Signing secret: paste the hook's sender secret."
            if signed
            else "Set this hook's sender verification to tally first, so Tally's "
            "signature is checked.",
            'Answers are named by their label ("Email") and their key (question_…).',
        ],
        suits=hook.get("preset") == "tally",
    )


def _jotform(hook: dict[str, Any], fields: Fields) -> Guide:
    return Guide(
        "jotform",
        "Jotform",
        [
            "In Jotform open the form: Settings → Integrations → WebHooks.",
            f"Webhook URL: {hook['url']}, then Complete Integration.",
            "Jotform does not sign: the URL is the secret. Rotate it here if it leaks.",
            "Answers are named by each field's unique name (studentsName.first, email).",
        ],
        suits=hook.get("preset") == "jotform",
    )


def _gravityforms(hook: dict[str, Any], fields: Fields) -> Guide:
    return Guide(
        "gravityforms",
        "Gravity Forms",
        [
            "In WordPress open the form: Settings → Webhooks → Add New (Webhooks add-on).",
            f"Request URL: {hook['url']}",
            "Request Method: POST. Request Format: JSON. Request Body: All Fields.",
            "Answers are named by field id, a Name field's parts by input id (1.3, 1.6).",
        ],
        suits=hook.get("preset") == "gravityforms",
    )


def _website(hook: dict[str, Any], fields: Fields) -> Guide:
    inputs = "\n".join(
        f'  <label>{escape(name)} <input name="{escape(name)}"></label>'
        for name in _required(fields)
    )
    action = escape(hook["url"])
    form = f'<form method="post" action="{action}">\n{inputs}\n  <button>Send</button>\n</form>'
    notes = []
    if not hook.get("allowed_origins"):
        notes.append(
            "For a page that sends with fetch and reads the answer, add its origin "
            "(https://www.your-firm.com) under Allowed origins."
        )
    return Guide(
        "website",
        "A website form",
        [
            "Point the form at the hook URL; field names are the action's fields.",
            "A browser cannot keep a secret; a form posted by your own server can sign "
            "with verification hmac and a header you name.",
        ],
        snippet=form,
        suits=hook.get("verify_sender") == "hmac",
        notes=notes,
    )


BUILDERS: tuple[Callable[[dict[str, Any], Fields], Guide], ...] = (
    _zapier,
    _make,
    _typeform,
    _tally,
    _jotform,
    _gravityforms,
    _website,
)


def guides(hook: dict[str, Any], fields: Fields) -> list[Guide]:
    """Every sender's steps; the ones this hook is set up for first."""
    found = [build(hook, fields) for build in BUILDERS]
    return sorted(found, key=lambda g: not g.suits)
