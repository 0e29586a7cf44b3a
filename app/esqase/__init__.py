"""The Esqase API client and its error tree (see :mod:`app.esqase.errors`)."""

from .client import RESOURCES, Call, EsqaseClient, Page
from .errors import ApiError, EsqaseError, NotSent, SentNoAnswer, TransportError

__all__ = [
    "RESOURCES",
    "ApiError",
    "Call",
    "EsqaseClient",
    "EsqaseError",
    "NotSent",
    "Page",
    "SentNoAnswer",
    "TransportError",
]
