"""RQ entry points. They take ids only and run inside the app the worker built.

``worker.py`` pushes an app context for the whole worker; when that is
missing (a foreign RQ worker), one app is built from the environment and kept.
"""

from __future__ import annotations

from functools import cache

from flask import Flask, has_app_context


def run_job(job_id: str) -> str:
    from .runner import run_job as _run

    if has_app_context():
        return _run(job_id)
    with _app().app_context():
        return _run(job_id)


def deliver_event(event_id: str) -> str:
    from ..callbacks.dispatch import deliver_event as _deliver

    if has_app_context():
        return _deliver(event_id)
    with _app().app_context():
        return _deliver(event_id)


@cache
def _app() -> Flask:
    from app import create_app

    return create_app()
