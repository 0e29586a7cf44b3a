"""The 25 CRUD actions: five resources x create, get, list, update, delete."""

from __future__ import annotations

from itertools import islice
from typing import Any
from urllib.parse import quote

from app.esqase import ApiError

from . import names
from .base import ActionFailed, Context, RunFn

VERBS = ("create", "get", "list", "update", "delete")

MAX_ALL_RECORDS = 1000
"""The most records an ``all: true`` list returns. Past it the job fails instead: the
result is held in memory, stored in the job row and sent in the callback, and
nothing is ever silently shortened. Read when the action runs, so tests can lower it."""

NOUNS = {
    "contacts": ("contact", "contacts"),
    "matters": ("matter", "matters"),
    "leads": ("lead", "leads"),
    "practice-areas": ("practice area", "practice areas"),
    "matter-types": ("matter type", "matter types"),
}


def _create(resource: str) -> RunFn:
    """Names stand in for ids where a form has names (see ``schemas/<action>.json``): a
    practice area's, a stage's, a client's email. Only the inputs that carry one
    resolve them (``actions.names``)."""

    def run(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        return ctx.create(resource, names.with_ids(ctx, data))

    return run


def _get(resource: str) -> RunFn:
    def run(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        return ctx.client.get(resource, data["id"])

    return run


def _update(resource: str) -> RunFn:
    def run(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        fields = {k: v for k, v in data.items() if k != "id"}
        return ctx.client.update(resource, data["id"], fields)

    return run


def _delete(resource: str) -> RunFn:
    def run(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        try:
            ctx.client.delete(resource, data["id"])
        except ApiError as exc:
            # An earlier attempt sent this DELETE and lost the answer: the 404 is its success.
            path = f"/v1/{resource}/{quote(str(data['id']), safe='')}"
            if exc.status == 404 and ctx.sent_without_answer("DELETE", path):
                return {"id": data["id"], "deleted": True, "already_deleted": True}
            raise
        return {"id": data["id"], "deleted": True}

    return run


def _list(resource: str) -> RunFn:
    def run(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        params = {k: v for k, v in data.items() if k not in {"limit", "offset", "all"}}
        if data.get("all"):
            cap = MAX_ALL_RECORDS
            every = ctx.client.iterate(resource, page_size=data.get("limit"), **params)
            records = list(islice(every, cap + 1))  # one past the cap: no page beyond it
            if len(records) > cap:
                raise ActionFailed(
                    f"more than {cap} {NOUNS[resource][1]} match; use limit/offset pages instead",
                    code="too_many_records",
                )
            return {"data": records, "total": len(records)}
        page = ctx.client.list(
            resource, limit=data.get("limit"), offset=data.get("offset", 0), **params
        )
        return {
            "data": page.data,
            "pagination": {"limit": page.limit, "offset": page.offset, "total": page.total},
        }

    return run


FACTORIES = {
    "create": _create,
    "get": _get,
    "list": _list,
    "update": _update,
    "delete": _delete,
}

DESCRIPTIONS = {
    "create": "Create a {one} in Esqase.",
    "get": "Read one {one} by its id.",
    "list": "List {many}, one page or every page.",
    "update": "Change fields of one {one} by its id.",
    "delete": "Delete (archive) one {one} by its id.",
}


def describe(resource: str, verb: str) -> str:
    one, many = NOUNS[resource]
    return DESCRIPTIONS[verb].format(one=one, many=many)


def scope_for(resource: str, verb: str) -> str:
    return f"{resource}:{'read' if verb in ('get', 'list') else 'write'}"
