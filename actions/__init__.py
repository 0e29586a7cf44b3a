"""Actions the relay can run against Esqase, looked up by name in one table."""

from .base import Action, ActionFailed, Context, MemoryJournal, unanswered
from .registry import UnknownAction, get_action, registry

__all__ = [
    "Action",
    "ActionFailed",
    "Context",
    "MemoryJournal",
    "UnknownAction",
    "get_action",
    "registry",
    "unanswered",
]
