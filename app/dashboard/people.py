"""Who a job is about: the person's (or company's) name and email, found in its payload.

A firm's admin recognises a delivery by "Jane Doe, jane@example.com", not by a job id.
Actions name people differently (``firstName``/``lastName`` on leads and contacts,
``emails`` as a list on contacts, a ``client`` object on ``matters.create-for-client``,
``clientEmails`` on ``matters.create``), and a rejected delivery has only what arrived,
so the search is a small table of paths tried in order over whatever payload there is.
Pure: no I/O, never raises on odd input (the payload is whatever a sender posted).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Where a person sits in a payload: the payload itself, or one of these objects in it.
HOLDERS: tuple[tuple[str, ...], ...] = ((), ("client",), ("contact",), ("prospect",), ("person",))
NAME_PARTS = (("firstName", "lastName"), ("first_name", "last_name"))
NAME_KEYS = ("name", "fullName", "companyName", "tradeName")
# What a job without a person is about (a matter, a practice area): named last.
TITLE_KEYS = ("title",)
EMAIL_KEYS = ("email", "primaryEmail", "emails", "clientEmails", "emailAddress", "email_address")
LONGEST = 120  # characters shown; the rest is in the job's page


@dataclass(frozen=True)
class Person:
    name: str = ""
    email: str = ""

    def __bool__(self) -> bool:
        return bool(self.name or self.email)


def person(payload: Any) -> Person:
    """The first name and the first email found, each from the first holder that has one."""
    name = email = ""
    for path in HOLDERS:
        holder = _at(payload, path)
        if not isinstance(holder, dict):
            continue
        name = name or _name(holder)
        email = email or _email(holder)
        if name and email:
            break
    if not name and isinstance(payload, dict):
        name = next((t for key in TITLE_KEYS if (t := _text(payload.get(key)))), "")
    return Person(_short(name), _short(email))


def of_job(view: dict[str, Any]) -> Person:
    """From what was accepted, else from what arrived (a rejected delivery has no input)."""
    found = person(view.get("input"))
    if found:
        return found
    received = view.get("received")
    fields = received.get("fields") if isinstance(received, dict) else None
    return person(fields)


def _at(payload: Any, path: tuple[str, ...]) -> Any:
    for step in path:
        if not isinstance(payload, dict):
            return None
        payload = payload.get(step)
    return payload


def _name(holder: dict[str, Any]) -> str:
    for keys in NAME_PARTS:
        joined = " ".join(part for key in keys if (part := _text(holder.get(key))))
        if joined:
            return joined
    for key in NAME_KEYS:
        if text := _text(holder.get(key)):
            return text
    return ""


def _email(holder: dict[str, Any]) -> str:
    for key in EMAIL_KEYS:
        value = holder.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):  # {"address": ...} or {"email": ...}
            value = value.get("address") or value.get("email")
        if text := _text(value):
            return text
    return ""


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _short(text: str) -> str:
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"
