"""Ingest: trigger payloads arrive at hook URLs and leave as queued jobs.

The blueprint is imported on first use: the services import :mod:`.senders` and
:mod:`.gate`, and a CLI command must not pay for the whole request path with them.
"""

from typing import Any

__all__ = ["bp"]


def __getattr__(name: str) -> Any:
    if name == "bp":
        from .views import bp

        return bp
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
