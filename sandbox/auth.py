"""Who is calling, and may they do this? Bearer keys and per-resource scopes.

A key is printable ASCII without spaces (:func:`valid_key`). A scope is
``<resource>:read`` (GET) or ``<resource>:write`` (POST, PATCH, DELETE); ``*`` grants
everything. Requests to an unknown resource, or with a method the API does not route, need
only a valid key: they then fall through to 404 or 405.
"""

from __future__ import annotations

import hmac

from sandbox.errors import ApiError
from sandbox.store import RESOURCES, ApiKey, Store

WILDCARD = "*"
_VERBS = {"GET": "read", "HEAD": "read", "POST": "write", "PATCH": "write", "DELETE": "write"}


def valid_scope(scope: object) -> bool:
    if scope == WILDCARD:
        return True
    if not isinstance(scope, str):
        return False
    resource, _, verb = scope.partition(":")
    return resource in RESOURCES and verb in ("read", "write")


def valid_key(key: object) -> bool:
    """Printable ASCII without spaces: what survives an ``Authorization`` header intact.

    Anything else could never be sent back, and a lone surrogate would even break the
    lookup of every other key (it cannot be encoded for the comparison).
    """
    return isinstance(key, str) and bool(key) and all("!" <= ch <= "~" for ch in key)


def bearer_token(header: str | None) -> str | None:
    """The key from ``Authorization: Bearer <key>``, or None when absent or malformed."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or any(ch.isspace() for ch in token):
        return None
    return token


def required_scope(method: str, path: str) -> str | None:
    parts = path.split("/")  # ["", "v1", resource, ...]
    resource = parts[2] if len(parts) > 2 else ""
    verb = _VERBS.get(method.upper())
    if resource not in RESOURCES or verb is None:
        return None
    return f"{resource}:{verb}"


def _find(store: Store, token: str) -> ApiKey | None:
    """Constant-time comparison against every key, so timing says nothing about a guess."""
    found = None
    for candidate in store.keys():
        if hmac.compare_digest(candidate.key.encode(), token.encode()):
            found = candidate
    return found


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, message, headers={"WWW-Authenticate": 'Bearer realm="esqase"'})


def authenticate(store: Store, header: str | None, method: str, path: str) -> ApiKey:
    if not header:
        raise _unauthorized("Missing API key; send Authorization: Bearer <key>.")
    token = bearer_token(header)
    if token is None:
        raise _unauthorized("Malformed Authorization header; expected Bearer <key>.")
    key = _find(store, token)
    if key is None:
        raise _unauthorized("Unknown or revoked API key.")
    scope = required_scope(method, path)
    if scope is not None and WILDCARD not in key.scopes and scope not in key.scopes:
        raise ApiError(403, f"This API key lacks the {scope} scope needed for this request.")
    return key
