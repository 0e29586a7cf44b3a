"""The /v1 routes: five resources, five verbs each, driven by the resource table.

Auth, rate limit and faults already ran in :mod:`sandbox.hooks`. Each view takes the store
lock once around validate-then-write, so what the rules saw is what gets written. Within a
view, validation (422) comes before not-found (404): update rules run even when the record
is missing and then check only what the body alone can show.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from sandbox import paging
from sandbox.errors import ApiError, validation_error
from sandbox.payload import json_object
from sandbox.resources import Resource, lookup
from sandbox.state import current

bp = Blueprint("esqase_api", __name__, url_prefix="/v1")


def _resource(name: str) -> Resource:
    resource = lookup(name)
    if resource is None:
        raise ApiError(404, f"There is no resource called {name!r}.")
    return resource


def _not_found(resource: Resource, record_id: str) -> ApiError:
    return ApiError(404, f"No {resource.label} with id {record_id!r}.")


@bp.get("/<name>")
def list_records(name: str) -> dict[str, Any]:
    resource = _resource(name)
    sandbox = current()
    settings = sandbox.settings
    limit, offset, errors = paging.page_params(
        request.args, settings.default_limit, settings.max_limit
    )
    errors += resource.check_list(request.args)
    if errors:
        raise validation_error(errors)
    with sandbox.store.lock:
        matching = [r for r in sandbox.store.live(name) if resource.keep(r, request.args)]
        page = [resource.render(sandbox.store, r) for r in matching[offset : offset + limit]]
    return {
        "data": page,
        "pagination": {"limit": limit, "offset": offset, "total": len(matching)},
    }


@bp.post("/<name>")
def create_record(name: str) -> tuple[dict[str, Any], int]:
    resource = _resource(name)
    body = json_object()
    store = current().store
    with store.lock:
        errors = resource.check_create(body, store)
        if errors:
            raise validation_error(errors)
        record = resource.create(store, body)
        data = resource.render(store, record)
    return {"data": data}, 201


@bp.get("/<name>/<record_id>")
def read_record(name: str, record_id: str) -> dict[str, Any]:
    resource = _resource(name)
    store = current().store
    with store.lock:
        record = store.get(name, record_id)
        if record is None:
            raise _not_found(resource, record_id)
        return {"data": resource.render(store, record)}


@bp.patch("/<name>/<record_id>")
def update_record(name: str, record_id: str) -> dict[str, Any]:
    resource = _resource(name)
    body = json_object()
    store = current().store
    with store.lock:
        record = store.get(name, record_id)
        errors = resource.check_update(body, record, store)
        if errors:
            raise validation_error(errors)
        if record is None:
            raise _not_found(resource, record_id)
        resource.update(store, record, body)
        return {"data": resource.render(store, record)}


@bp.delete("/<name>/<record_id>")
def delete_record(name: str, record_id: str) -> Response:
    """A soft delete: the record leaves lists and reads, but stays in the control state."""
    resource = _resource(name)
    store = current().store
    with store.lock:
        record = store.get(name, record_id)
        if record is None:
            raise _not_found(resource, record_id)
        store.soft_delete(record)
    return Response(status=204)
