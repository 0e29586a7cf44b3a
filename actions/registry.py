"""The action registry: a plain table ``name -> Action``, built once from code + schemas/."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from app.esqase import RESOURCES

from . import composite, crud
from .base import Action

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


class UnknownAction(KeyError):
    def __init__(self, name: str, known: list[str]) -> None:
        import difflib

        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        self.name = name
        self.message = f"unknown action {name!r}{hint} (see GET /api/v1/actions)"
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


def load_schema(name: str) -> dict[str, Any]:
    with (SCHEMAS / f"{name}.json").open(encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


def _crud_actions() -> Iterator[Action]:
    for resource in RESOURCES:
        for verb in crud.VERBS:
            yield Action(
                name=f"{resource}.{verb}",
                resource=resource,
                verb=verb,
                scopes=(crud.scope_for(resource, verb),),
                idempotent=verb != "create",
                run=crud.FACTORIES[verb](resource),
                description=crud.describe(resource, verb),
            )


def _composite_actions() -> Iterator[Action]:
    yield Action(
        name="contacts.upsert",
        resource="contacts",
        verb="upsert",
        scopes=("contacts:read", "contacts:write"),
        idempotent=False,
        run=composite.upsert_contact,
        description="Update the contact with this email, or create it when there is none.",
    )
    yield Action(
        name="matters.create-for-client",
        resource="matters",
        verb="create-for-client",
        scopes=("contacts:write", "matters:write", "practice-areas:read"),
        idempotent=False,
        run=composite.create_matter_for_client,
        description="Create a client contact and a matter for that client in one step.",
    )


class Registry(Mapping[str, Action]):
    def __init__(self, actions: list[Action]) -> None:
        self._actions = {a.name: a for a in actions}

    def __getitem__(self, name: str) -> Action:
        try:
            return self._actions[name]
        except KeyError:
            raise UnknownAction(name, sorted(self._actions)) from None

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._actions))

    def __len__(self) -> int:
        return len(self._actions)


@cache
def registry() -> Registry:
    actions = []
    for action in [*_crud_actions(), *_composite_actions()]:
        schema = load_schema(action.name)
        description = schema.get("description") or action.description
        actions.append(replace(action, schema=schema, description=description))
    return Registry(actions)


def get_action(name: str) -> Action:
    return registry()[name]
