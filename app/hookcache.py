"""The hooks a web process has looked up, kept so a delivery costs no SQL read for them.

A delivery needs its hook (action, rules, secrets, enabled) before anything else,
and reading it from SQL was half of an accepted delivery's round trips. Hooks
change rarely, and always through :mod:`app.services.hooks` or
:mod:`app.services.connections`: those call :func:`changed` in the unit of work
that changes something, and once that unit commits, a **version** in Redis
(``<prefix>:hooks:version``) changes to a new random value (random, not a counter:
after a Redis flush a counter would count through old values again). Every
delivery reads the version (one Redis GET) and uses a cached hook
only when it was loaded under the version now current, so a hook disabled,
rotated or deleted in one process stops being used by every other process at
their next delivery: gunicorn's workers, other web machines, the CLI's changes.

Why the version changes only after the commit: a process that reads the new
version and then SQL must find the change there; bumped earlier, it could load
the old row under the new version and keep it.

The safety nets: when the version cannot be read (Redis down), every delivery
reads SQL, as before. When a change could not bump the version (its process had
no Redis), the others hold the old hook for at most ``HOOK_CACHE_SECONDS``. An
unknown token is not cached: a flood of wrong URLs costs what it cost before.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass

from flask import Flask, current_app
from redis.exceptions import RedisError
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from .db import get_db
from .models import Hook
from .redis_conn import get_redis, key

log = logging.getLogger(__name__)

MAX_ENTRIES = 10_000  # tokens; past it the cache starts over (rotated tokens leave entries)
_PENDING = "relay.hooks_changed"


@dataclass(frozen=True)
class _Entry:
    hook: Hook | None
    version: bytes
    loaded_at: float


class HookCache:
    """Token -> the hook as loaded (detached, never written to), with the version it
    was loaded under. Threads share it; a dict's get and set are atomic."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[str, _Entry] = {}

    def get(self, token: str, version: bytes | None) -> _Entry | None:
        if version is None or self.ttl <= 0:
            return None
        entry = self._entries.get(token)
        if entry is None or entry.version != version:
            return None
        if time.monotonic() - entry.loaded_at > self.ttl:
            return None
        return entry

    def put(self, token: str, hook: Hook | None, version: bytes | None) -> None:
        if version is None or self.ttl <= 0 or hook is None:
            return
        if len(self._entries) >= MAX_ENTRIES:
            self._entries = {}
        self._entries[token] = _Entry(hook, version, time.monotonic())

    def clear(self) -> None:
        self._entries = {}


def init_app(app: Flask) -> None:
    app.extensions["relay.hook_cache"] = HookCache(float(app.config["HOOK_CACHE_SECONDS"]))


def _cache(app: Flask | None = None) -> HookCache:
    return (app or current_app).extensions["relay.hook_cache"]


def _version_key(app: Flask | None = None) -> str:
    return key("hooks", "version", app=app)


def current_version() -> bytes | None:
    """The version now current (``b""`` before the first change), None when unknown."""
    if _cache().ttl <= 0:
        return None
    try:
        value = get_redis().get(_version_key())
    except (RedisError, OSError):
        return None
    return bytes(value) if value is not None else b""


def lookup(token: str) -> Hook | None:
    """The hook with this URL token (deleted and disabled ones too: the caller decides)."""
    cache = _cache()
    version = current_version()  # before SQL: see the module's docstring
    entry = cache.get(token, version)
    if entry is not None:
        return entry.hook
    with get_db().session() as s:
        hook = s.scalar(select(Hook).where(Hook.token == token))
    cache.put(token, hook, version)
    return hook


def changed(session: Session) -> None:
    """Say, in the unit of work that changes a hook or a connection, that cached hooks
    are stale once it commits (in this process at once, in others at their next
    delivery)."""
    if session.info.get(_PENDING):
        return
    session.info[_PENDING] = True
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def bump(committed: Session) -> None:
        committed.info.pop(_PENDING, None)
        _cache(app).clear()
        try:
            get_redis(app).set(_version_key(app), secrets.token_hex(8))
        except (RedisError, OSError) as exc:
            seconds = _cache(app).ttl
            log.warning(
                "could not tell other processes that a hook changed (%s); they notice "
                "within %g seconds",
                exc,
                seconds,
            )

    event.listen(session, "after_commit", bump, once=True)
