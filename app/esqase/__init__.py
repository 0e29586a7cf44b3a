"""The Esqase API client and its error tree (see :mod:`app.esqase.errors`)."""

from .calls import Call, CallJournal, CallLog
from .client import RESOURCES, EsqaseClient, Page
from .errors import ApiError, EsqaseError, NotSent, SentNoAnswer, TransportError

__all__ = [
    "RESOURCES",
    "ApiError",
    "Call",
    "CallJournal",
    "CallLog",
    "EsqaseClient",
    "EsqaseError",
    "NotSent",
    "Page",
    "SentNoAnswer",
    "TransportError",
]
