"""``esqase-relay``: a click group over the same service functions as the admin API.

One module per group of commands; importing them registers their commands.
"""

from . import (  # noqa: F401
    actions,
    alerts,
    config,
    connections,
    hooks,
    jobs,
    maintenance,
    processes,
    review,
    samples,
    tokens,
)
from .base import cli, main

__all__ = ["cli", "main"]
