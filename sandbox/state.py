"""The per-app sandbox: settings plus the stateful parts, found via ``current()``.

Everything lives in ``app.extensions`` (never at module level) so two sandboxes in one
process, e.g. two test servers, share nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from flask import current_app

from sandbox.faults import FaultQueue
from sandbox.ratelimit import Limit, RateLimiter
from sandbox.store import Store

EXTENSION = "esqase_sandbox"


@dataclass(frozen=True)
class Settings:
    default_limit: int
    max_limit: int
    rate_limit: Limit | None
    control: bool


@dataclass(frozen=True)
class Sandbox:
    settings: Settings
    store: Store
    faults: FaultQueue
    limiter: RateLimiter

    def reset(self) -> None:
        """Back to a fresh start; configured keys and the lead stages stay."""
        with self.store.lock:
            self.store.reset()
            self.faults.clear()
            self.limiter.reset()


def current() -> Sandbox:
    return cast(Sandbox, current_app.extensions[EXTENSION])
