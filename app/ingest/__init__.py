"""Ingest: trigger payloads arrive at hook URLs and leave as queued jobs."""

from .views import bp

__all__ = ["bp"]
