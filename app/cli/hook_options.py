"""What ``hooks add`` and ``hooks update`` share: the options that map to a hook's fields
in the admin API, and how a hook is shown to a person. Kept apart from the commands so a
new hook field is one option here."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from .base import F, fields

EVENTS = "job.succeeded, job.failed, job.needs_review"


def show_hook(h: dict[str, Any]) -> None:
    fields(
        [
            ("id", h["id"]),
            ("name", h["name"]),
            ("url", h["url"]),
            ("action", h["action"]),
            ("connection", h["connection_id"]),
            ("enabled", h["enabled"]),
            ("callback url", h["callback_url"]),
            ("callback events", h["callback_events"]),
            ("idempotency field", h["idempotency_field"]),
            ("preset", h["preset"]),
            ("mapping", h["mapping"]),
            ("allowed origins", h["allowed_origins"]),
            ("verify sender", h["verify_sender"]),
            ("reject status", h.get("reject_status")),
            ("created", h["created_at"]),
            ("updated", h["updated_at"]),
        ]
    )
    for name in ("callback_secret", "sender_secret"):
        if h.get(name):
            click.echo(f"\n{name.replace('_', ' ')} (shown only this once): {h[name]}")


def _mapping(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """A JSON object, inline or from a file (``@mapping.json``); '' clears it."""
    if value is None or value == "":
        return value
    text = value
    if value.startswith("@"):
        try:
            with open(value[1:], encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise click.BadParameter(f"cannot read {value[1:]}: {exc.strerror}") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise click.BadParameter(f"not JSON ({exc})") from None


def _events(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    return None if value is None else [e.strip() for e in value.split(",") if e.strip()]


def _verify(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """on/off, or a scheme name passed through for the service to judge."""
    if value is None:
        return None
    return {"on": True, "off": False}.get(value.strip().lower(), value.strip())


def hook_options(*, creating: bool) -> Callable[[F], F]:
    """The options ``add`` and ``update`` share; each maps to one field of the admin API."""

    def apply(fn: F) -> F:
        options = [
            click.option("--name", required=creating, help="A name people recognise."),
            click.option(
                "--action",
                required=creating,
                help="What the hook does, e.g. leads.create (see 'esqase-relay actions list').",
            ),
            click.option(
                "--connection",
                "connection_id",
                required=creating,
                help="The connection (con_...) whose key it writes with.",
            ),
            click.option(
                "--callback-url",
                default=None,
                help="Where job outcomes are POSTed, signed ('' removes it).",
            ),
            click.option(
                "--callback-events",
                default=None,
                callback=_events,
                help=f"Comma-separated events to call back, of: {EVENTS}.",
            ),
            click.option(
                "--idempotency-field",
                default=None,
                help="A payload field whose value identifies a delivery, so a replay is "
                "not a second job ('' removes it).",
            ),
            click.option(
                "--preset",
                default=None,
                help="A form provider's format: typeform, tally, jotform or gravityforms "
                "('' removes it).",
            ),
            click.option(
                "--mapping",
                default=None,
                callback=_mapping,
                help="Field mapping as a JSON object, or @file.json ('' removes it).",
            ),
            click.option(
                "--allowed-origin",
                "allowed_origins",
                multiple=True,
                help="A browser origin allowed to post (CORS). Repeatable.",
            ),
            click.option(
                "--verify-sender",
                default=None,
                callback=_verify,
                help="How senders must sign: off, on (= standard-webhooks), "
                "standard-webhooks, typeform, tally or hmac.",
            ),
            click.option(
                "--sender-secret",
                default=None,
                help="The secret the sender signs with, as the provider shows it (Typeform, "
                "Tally, your form); made for you and shown once when left out.",
            ),
            click.option(
                "--sender-signature",
                default=None,
                callback=_mapping,
                help='For --verify-sender hmac: JSON like {"header": "X-Signature", '
                '"algorithm": "sha256", "encoding": "hex", "prefix": "sha256="}.',
            ),
            click.option(
                "--reject-status",
                type=click.Choice(["422", "200"]),
                default=None,
                help="How an invalid delivery is answered: 422, or 200 for form providers "
                "that would retry and disable the webhook (the body still lists the problems).",
            ),
        ]
        for option in reversed(options):
            fn = option(fn)
        return fn

    return apply


def hook_body(values: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in values.items() if v is not None and k != "allowed_origins"}
    if "reject_status" in body:
        body["reject_status"] = int(body["reject_status"])
    if values.get("allowed_origins"):
        body["allowed_origins"] = list(values["allowed_origins"])
    return body
