"""Riding out an outage of Redis or the database: which errors are one, how long to wait
between tries, and saying so once.

A worker must outlive any outage, and its log must stay readable through one: a
dependency that is down for an hour is one WARNING when it stops answering and one
INFO when it is back (with how long it was gone), not a line per retry.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy import exc as sa_exc

REDIS = "Redis"
DATABASE = "the database"

# What a Redis that is down, restarting or out of reach raises (BusyLoadingError included);
# a ResponseError is a bug or a full server, not an outage.
REDIS_DOWN: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)


def is_db_down(exc: BaseException) -> bool:
    """The database did not answer (refused, dropped, restarting, SQLite locked past its
    busy timeout), here or in what caused this error."""
    seen: BaseException | None = exc
    for _ in range(5):  # a short causal chain; a loop in it must not hang us
        if seen is None:
            return False
        if isinstance(seen, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)):
            return True
        if isinstance(seen, sa_exc.DBAPIError) and seen.connection_invalidated:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def outage_of(exc: BaseException) -> str | None:
    """Which dependency ``exc`` says is down (:data:`REDIS`, :data:`DATABASE`), if any."""
    if isinstance(exc, REDIS_DOWN):
        return REDIS
    if is_db_down(exc):
        return DATABASE
    return None


def describe(exc: BaseException) -> str:
    """One line about the error: a SQLAlchemy error's text carries the statement and its
    parameters (job input, results), which have no place in an outage line."""
    inner = getattr(exc, "orig", None) if isinstance(exc, sa_exc.DBAPIError) else None
    shown = inner if inner is not None else exc
    text = str(shown).strip().splitlines()
    return f"{type(shown).__name__}: {text[0]}" if text else type(shown).__name__


@dataclass
class Backoff:
    """0.5 s doubling to 30 s, each wait drawn from its upper half ("equal jitter") so the
    workers of a fleet do not all knock on a recovering server in the same instant."""

    first: float = 0.5
    cap: float = 30.0
    failures: int = 0

    def next(self) -> float:
        ceiling = min(self.cap, self.first * 2 ** min(self.failures, 16))
        self.failures += 1
        return random.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.failures = 0


@dataclass
class Outage:
    """One line when ``what`` stops answering, one when it answers again."""

    what: str
    log: logging.Logger
    who: str
    since: float | None = field(default=None, init=False)

    @property
    def ongoing(self) -> bool:
        return self.since is not None

    def failed(self, exc: BaseException) -> None:
        if self.since is None:
            self.since = time.monotonic()
            self.log.warning(
                "%s: %s unavailable (%s); retrying until it answers",
                self.who,
                self.what,
                describe(exc),
            )

    def recovered(self) -> None:
        if self.since is not None:
            lasted = time.monotonic() - self.since
            self.since = None
            self.log.info("%s: %s is back after %.1f s", self.who, self.what, lasted)
