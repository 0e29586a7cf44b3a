"""Hooks: the response to create and rotate is the only place secrets appear; a hook's
samples show what its senders sent, with secrets masked."""

from __future__ import annotations

from flask import Response

from ..db import session
from ..services import hooks as svc
from ..services import samples as samples_svc
from . import bp
from .util import json_body, ok


@bp.post("/hooks")
def create_hook() -> Response:
    with session() as s:
        hook, secrets = svc.create(s, json_body())
        return ok(svc.view(hook, secrets=secrets), 201)


@bp.get("/hooks")
def list_hooks() -> Response:
    with session() as s:
        return ok([svc.view(h) for h in svc.list_all(s)])


@bp.get("/hooks/<hook_id>")
def get_hook(hook_id: str) -> Response:
    with session() as s:
        return ok(svc.view(svc.get(s, hook_id)))


@bp.patch("/hooks/<hook_id>")
def update_hook(hook_id: str) -> Response:
    with session() as s:
        hook, secrets = svc.update(s, hook_id, json_body())
        return ok(svc.view(hook, secrets=secrets))


@bp.delete("/hooks/<hook_id>")
def delete_hook(hook_id: str) -> Response:
    with session() as s:
        svc.delete(s, hook_id)
    return Response(status=204)


@bp.post("/hooks/<hook_id>/rotate")
def rotate_hook(hook_id: str) -> Response:
    body = json_body()
    with session() as s:
        hook, secrets = svc.rotate(s, hook_id, body.get("rotate"))
        return ok(svc.view(hook, secrets=secrets))


@bp.get("/hooks/<hook_id>/samples")
def hook_samples(hook_id: str) -> Response:
    """The last received bodies as mapping paths (secrets masked): what did the form send?"""
    with session() as s:
        return ok(samples_svc.samples(s, hook_id))
