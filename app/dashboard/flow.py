"""Post/redirect/get for the console's actions: a service's answer becomes a flash message.

Every button on a job page calls one function of :mod:`app.services`. Whatever the
service refuses (a :class:`~app.errors.RelayError`) is shown as the service's own
sentence on the page the person came from, never a 500: the same words the admin API
and the CLI give, so the three can never disagree about why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from ..db import session
from ..errors import NotFound, RelayError

Change = Callable[[Session], Any]
Done = Callable[[Any], tuple[str, str]]  # the change's return -> (message, job to show)


def act(job_id: str, change: Change, done: Done) -> ResponseReturnValue:
    """Run ``change`` in one unit of work; flash the outcome where it belongs."""
    try:
        with session() as s:
            outcome = change(s)
    except NotFound as exc:
        flash(exc.message, "error")
        return redirect(url_for("dashboard.jobs"))
    except RelayError as exc:
        flash(exc.message, "error")
        # A replay refused again is kept as a new job: show that one, where it can be replayed.
        shown = exc.extra.get("job_id") if isinstance(exc.extra.get("job_id"), str) else job_id
        return redirect(url_for("dashboard.job", job_id=shown))
    message, shown = done(outcome)
    flash(message, "ok")
    return redirect(url_for("dashboard.job", job_id=shown))


def stay(message: str) -> Done:
    """The outcome is shown on the job acted on."""

    def done(job: Any) -> tuple[str, str]:
        return message, str(job.id)

    return done
