"""Which callback event a job's new status yields, recorded in the transaction that set it.

An event row is written in the same transaction as the status it reports, so
a crash between the two cannot lose a callback; its id is the ``webhook-id``
and stays the same across every delivery attempt (see :mod:`.dispatch`).
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from ..jobs.present import hook_url, public_view
from ..models import CallbackEvent, Hook, Job, JobStatus

EVENT_TYPES = {
    JobStatus.SUCCEEDED: "job.succeeded",
    JobStatus.FAILED: "job.failed",
    JobStatus.NEEDS_REVIEW: "job.needs_review",
}


def record(session: Session, job: Job) -> list[str]:
    """Add the callback event for the job's new status, if its hook wants one."""
    event_type = EVENT_TYPES.get(JobStatus(job.status))
    if event_type is None:
        return []
    hook = session.get(Hook, job.hook_id)
    if hook is None or not hook.callback_url or event_type not in (hook.callback_events or []):
        return []
    payload = public_view(job, hook_url(current_app.config["PUBLIC_URL"], hook))
    event = CallbackEvent(job_id=job.id, type=event_type, payload=payload)
    session.add(event)
    session.flush()
    return [event.id]
