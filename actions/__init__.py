"""Actions the relay can run against Esqase, looked up by name in one table."""

from .base import Action, ActionFailed, Context, MemoryJournal, body_digest, unanswered
from .registry import UnknownAction, get_action, registry

__all__ = [
    "Action",
    "ActionFailed",
    "Context",
    "MemoryJournal",
    "UnknownAction",
    "body_digest",
    "get_action",
    "registry",
    "unanswered",
]
