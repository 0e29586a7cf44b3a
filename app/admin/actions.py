"""GET /actions and /actions/<name>: what a hook can do, with schema, an example, and
how a hook's mapping fills its fields."""

from __future__ import annotations

from typing import Any

from flask import Response

from actions import Action, UnknownAction, get_action, registry

from ..errors import NotFound
from ..fields import mapping_guide
from . import bp
from .util import ok


def summary(action: Action) -> dict[str, Any]:
    return {
        "name": action.name,
        "description": action.description,
        "scope": action.scope,
        "scopes": list(action.scopes),
        "idempotent": action.idempotent,
    }


def example(action: Action) -> dict[str, Any]:
    examples = action.schema.get("examples") or [{}]
    return dict(examples[0])


def full(action: Action) -> dict[str, Any]:
    return {
        **summary(action),
        "schema": action.schema,
        "example": example(action),
        "mapping": mapping_guide(action.schema),
    }


@bp.get("/actions")
def list_actions() -> Response:
    return ok([summary(a) for a in registry().values()])


@bp.get("/actions/<name>")
def show_action(name: str) -> Response:
    try:
        action = get_action(name)
    except UnknownAction as exc:
        raise NotFound(exc.message, code="unknown_action") from None
    return ok(full(action))
