"""Connections: the encrypted key is never returned, only its last four characters."""

from __future__ import annotations

from flask import Response

from ..db import session
from ..services import connections as svc
from . import bp
from .util import json_body, ok


@bp.post("/connections")
def create_connection() -> Response:
    with session() as s:
        conn = svc.create(s, json_body())
        return ok(svc.view(conn), 201)


@bp.get("/connections")
def list_connections() -> Response:
    with session() as s:
        return ok([svc.view(c) for c in svc.list_all(s)])


@bp.get("/connections/<conn_id>")
def get_connection(conn_id: str) -> Response:
    with session() as s:
        return ok(svc.view(svc.get(s, conn_id)))


@bp.patch("/connections/<conn_id>")
def update_connection(conn_id: str) -> Response:
    with session() as s:
        return ok(svc.view(svc.update(s, conn_id, json_body())))


@bp.delete("/connections/<conn_id>")
def delete_connection(conn_id: str) -> Response:
    with session() as s:
        svc.delete(s, conn_id)
    return Response(status=204)


@bp.post("/connections/<conn_id>/check")
def check_connection(conn_id: str) -> Response:
    with session() as s:
        return ok(svc.check(s, conn_id))
