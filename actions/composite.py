"""Composite actions: several Esqase calls, each finished step checkpointed.

The Esqase API has no search, so name and email resolution read the pages of
a list; fine for the sizes a firm has (hundreds of practice areas, thousands
of contacts), and the only honest option against the documented API.
"""

from __future__ import annotations

from typing import Any

from . import names
from .base import Context


def _find_contact_by_email(ctx: Context, email: str) -> dict[str, Any] | None:
    wanted = email.strip().lower()
    for contact in ctx.client.iterate("contacts", page_size=100):
        if any(str(e).strip().lower() == wanted for e in contact.get("emails") or []):
            return contact
    return None


def upsert_contact(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Find a contact by its first email; update it if found, else create it."""
    found = ctx.step(
        "find", lambda: (_find_contact_by_email(ctx, data["emails"][0]) or {}).get("id")
    )
    if found:
        fields = {k: v for k, v in data.items() if k != "type"}
        record = ctx.step("update", lambda: ctx.client.update("contacts", found, fields))
        return {"created": False, "contact": record}
    record = ctx.step("create", lambda: ctx.create("contacts", data))
    return {"created": True, "contact": record}


def resolve_practice_area(ctx: Context, name: str) -> str:
    return names.practice_area_id(ctx, name)


def create_matter_for_client(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Create the client contact, then a matter with that contact as primary client."""
    matter = {k: v for k, v in data.items() if k not in {"client", "practiceAreaName"}}
    if "practiceAreaId" not in matter:
        matter["practiceAreaId"] = ctx.step(
            "resolve_practice_area", lambda: resolve_practice_area(ctx, data["practiceAreaName"])
        )
    contact = ctx.step("create_contact", lambda: ctx.create("contacts", data["client"]))
    matter["clientContactIds"] = [contact["id"]]
    created = ctx.step("create_matter", lambda: ctx.create("matters", matter))
    return {"contact": contact, "matter": created}
