"""The job-review part of ``make screenshots`` (:mod:`tests.browser.screenshots`): a job
waiting for review, made as it happens (a create whose answer is lost, beside a
look-alike lead made by hand in Esqase), photographed at desktop and phone width."""

from __future__ import annotations

import time
from typing import Any

import httpx

LEAD = {
    "type": "PERSON",
    "firstName": "Grace",
    "lastName": "Okafor",
    "email": "g.okafor@example.org",
}


def make_review(
    app: Any, admin: Any, headers: dict[str, str], path: str, sandbox_url: str, key: str
) -> str:
    """The id of a job in ``needs_review`` through the hook at ``path``."""
    esqase = httpx.Client(base_url=sandbox_url, headers={"Authorization": f"Bearer {key}"})
    esqase.post("/v1/leads", json=LEAD).raise_for_status()  # made by hand meanwhile
    fault = {"method": "POST", "path": "/v1/leads", "kind": "process_then_status", "status": 500}
    httpx.post(f"{sandbox_url}/_sandbox/faults", json=fault).raise_for_status()
    job_id = str(admin.post(path, json=LEAD).get_json()["id"])
    _work_until(app, admin, headers, job_id, "needs_review")
    return job_id


def _work_until(app: Any, admin: Any, headers: dict[str, str], job_id: str, status: str) -> None:
    """Bursts of the worker, moving due retries onto the queue between them."""
    from rq.scheduler import RQScheduler
    from rq.serializers import JSONSerializer

    from app.queues import CALLBACK_QUEUE, RELAY_QUEUE
    from app.redis_conn import get_redis
    from app.worker import build_worker

    prefix = app.config.get("QUEUE_PREFIX", "")
    names = [f"{prefix}{RELAY_QUEUE}", f"{prefix}{CALLBACK_QUEUE}"]
    scheduler = RQScheduler(names, connection=get_redis(app), serializer=JSONSerializer)
    scheduler.prepare_registries(names)
    try:
        for _ in range(100):
            scheduler.enqueue_scheduled_jobs()
            with app.app_context():
                build_worker(app).work(burst=True, logging_level="WARNING")
            job = admin.get(f"/api/v1/jobs/{job_id}", headers=headers).get_json()["data"]
            if job["status"] == status:
                return
            time.sleep(0.2)
        raise RuntimeError(f"job {job_id} did not reach {status}")
    finally:
        scheduler.connection.connection_pool.disconnect()


def shoot_review(
    browser: Any,
    base: str,
    job_id: str,
    shot: Any,
    sign_in: Any,
    desktop: dict[str, int],
    phone: dict[str, int],
    admin_token: str,
) -> None:
    for suffix, viewport in (("", desktop), ("-phone", phone)):
        page = browser.new_context(viewport=viewport, base_url=base).new_page()
        sign_in(page, base, admin_token)
        shot(page, f"job-needs-review{suffix}", f"/dashboard/jobs/{job_id}")
        page.context.close()
