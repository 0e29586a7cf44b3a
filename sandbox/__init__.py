"""A faithful fake of the Esqase REST API, for tests and demos over real HTTP.

``create_app(config)`` builds an independent sandbox; :mod:`sandbox.serve` runs it. Config
keys (all optional):

- ``SANDBOX_KEYS``: ``{api_key: [scope, ...]}``; keys printable ASCII without spaces,
  scopes ``<resource>:read|write`` or ``*``.
- ``SANDBOX_CONTROL``: enable the ``/_sandbox`` control surface (default False).
- ``SANDBOX_DEFAULT_LIMIT`` / ``SANDBOX_MAX_LIMIT``: page size and ceiling (25 / 100).
- ``SANDBOX_RATE_LIMIT``: ``(requests, per_seconds)`` per key (default (120, 60)), within
  the bounds in :mod:`sandbox.ratelimit`; None turns rate limiting off.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from sandbox import api, control, errors, hooks
from sandbox.auth import valid_key, valid_scope
from sandbox.faults import FaultQueue
from sandbox.ratelimit import MAX_RATE_REQUESTS, MAX_RATE_SECONDS, Limit, RateLimiter, valid_limit
from sandbox.state import EXTENSION, Sandbox, Settings
from sandbox.store import ApiKey, Store

__all__ = ["create_app"]

DEFAULTS: dict[str, Any] = {
    "SANDBOX_KEYS": {},
    "SANDBOX_CONTROL": False,
    "SANDBOX_DEFAULT_LIMIT": 25,
    "SANDBOX_MAX_LIMIT": 100,
    "SANDBOX_RATE_LIMIT": (120, 60),
}


class _DocumentOrderJSON(DefaultJSONProvider):
    """Keep fields in the documented order; Flask sorts keys by default."""

    sort_keys = False


class _SandboxFlask(Flask):
    json_provider_class = _DocumentOrderJSON


def _keys(configured: Mapping[str, Any]) -> dict[str, ApiKey]:
    keys: dict[str, ApiKey] = {}
    for key, scopes in configured.items():
        if not valid_key(key):
            raise ValueError("SANDBOX_KEYS: every key must be printable ASCII without spaces")
        bad = [scope for scope in scopes if not valid_scope(scope)]
        if bad:
            raise ValueError(f"SANDBOX_KEYS[...{key[-4:]}]: unknown scopes {bad!r}")
        keys[key] = ApiKey(key=key, scopes=frozenset(scopes))
    return keys


def _rate_limit(value: Any) -> Limit | None:
    if value is None:
        return None
    raw_requests, raw_per_seconds = value
    requests, per_seconds = int(raw_requests), float(raw_per_seconds)
    if not valid_limit(requests, per_seconds):
        raise ValueError(
            f"SANDBOX_RATE_LIMIT must be (requests 1..{MAX_RATE_REQUESTS}, "
            f"0 < per_seconds <= {MAX_RATE_SECONDS}): {value!r}"
        )
    return requests, per_seconds


def _settings(config: Mapping[str, Any]) -> Settings:
    default_limit = int(config["SANDBOX_DEFAULT_LIMIT"])
    max_limit = int(config["SANDBOX_MAX_LIMIT"])
    if not 1 <= default_limit <= max_limit:
        raise ValueError("need 1 <= SANDBOX_DEFAULT_LIMIT <= SANDBOX_MAX_LIMIT")
    return Settings(
        default_limit=default_limit,
        max_limit=max_limit,
        rate_limit=_rate_limit(config["SANDBOX_RATE_LIMIT"]),
        control=bool(config["SANDBOX_CONTROL"]),
    )


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = _SandboxFlask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.from_mapping(config or {})
    settings = _settings(app.config)
    store = Store(_keys(app.config["SANDBOX_KEYS"]))
    app.extensions[EXTENSION] = Sandbox(
        settings=settings,
        store=store,
        faults=FaultQueue(store.lock),
        limiter=RateLimiter(store.lock, settings.rate_limit),
    )
    errors.install(app)
    hooks.install(app)
    app.register_blueprint(api.bp)
    if settings.control:
        app.register_blueprint(control.bp)
    return app
