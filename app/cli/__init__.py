"""``esqase-relay``: a click group over the same service functions as the admin API.

One module per group of commands; importing them registers their commands.
"""

from . import actions, connections, hooks, jobs, maintenance, processes, tokens  # noqa: F401
from .base import cli, main

__all__ = ["cli", "main"]
