"""Fairness: how long one firm's new job waits behind another firm's backlog.

Connection A gets a backlog of ``BENCH_BACKLOG`` leads; one worker process
starts draining it; once it has finished its first A job, connection B sends
one lead. Printed: the seconds from B's 202 until B's job has succeeded (read
from its public status URL, as a Zap would), and how many A jobs were still
queued ahead of it. The goal is a few seconds whatever the backlog; a
first-in, first-out queue makes B wait for the whole backlog, so the wait is
capped at ``BENCH_FAIRNESS_TIMEOUT`` and estimated from the drain rate.
"""

from __future__ import annotations

import time

import httpx

from .harness import (
    DB_NAMES,
    LEAD,
    Relay,
    available_dbs,
    post_leads,
    private_redis,
    relay_on,
    upstream,
)
from .report import Table, section, show
from .settings import SETTINGS


def main() -> None:
    section(f"fairness: a {SETTINGS.backlog:,}-job backlog on connection A, then one job on B")
    table = Table(
        "fairness, one worker process, fake Esqase at 0 ms",
        "database|backlog|A jobs ahead of B|B waited|A jobs done meanwhile|A drain jobs/s",
    )
    with private_redis() as redis_url:
        for db in available_dbs(SETTINGS.fairness_dbs):
            with relay_on(db, redis_url) as relay, upstream(0) as up:
                table.add(DB_NAMES[db], SETTINGS.backlog, *_measure(relay, up))
    table.note("B waited: from B's 202 to its status URL saying succeeded")
    show(table)


def _measure(relay: Relay, up: str) -> tuple[object, ...]:
    hook_a, url_a = relay.hook(relay.connection(up, "firm A"))
    _, url_b = relay.hook(relay.connection(up, "firm B"))
    post_leads(url_a, SETTINGS.backlog)
    worker = relay.worker("relay-worker")
    try:
        while relay.history.finished(hook_a) < 1:
            if not worker.alive():
                raise RuntimeError(f"the relay worker exited:\n{worker.tail()}")
            time.sleep(0.05)
        with httpx.Client(timeout=30) as client:
            sent = client.post(url_b, json=LEAD)
            started = time.monotonic()
            if sent.status_code != 202:
                raise RuntimeError(f"B's delivery was not accepted: {sent.status_code} {sent.text}")
            done_before = relay.history.finished(hook_a)
            status_url = sent.json()["status_url"]
            status = ""
            deadline = started + SETTINGS.fairness_timeout
            while status != "succeeded" and time.monotonic() < deadline:
                time.sleep(0.1)
                status = client.get(status_url).json()["status"]
            waited = time.monotonic() - started
        done_after = relay.history.finished(hook_a)
    finally:
        worker.stop()
    ahead = SETTINGS.backlog - done_before
    meanwhile = done_after - done_before
    rate = meanwhile / waited if waited else 0.0
    if status == "succeeded":
        shown = f"{waited:.1f} s"
    else:
        estimate = f"; ~{ahead / rate:,.0f} s at this rate" if rate else ""
        shown = f"> {waited:.0f} s (not done{estimate})"
    return ahead, shown, meanwhile, f"{rate:.1f}"
