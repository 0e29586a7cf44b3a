"""History at scale, PostgreSQL: searches and pages over a seeded job history, then a purge
of about 60% of it while a steady trickle of deliveries measures ingest alongside.

Searches go through the admin API of the served relay (``GET /api/v1/jobs``), as
the dashboard and a script would: first call (cold) and the median of five
more (warm), in ms, with ``GET /healthz`` as the HTTP floor. The purge is
``esqase-relay purge --days 40`` (the seeded history spans 100 days); the same
command with nothing to purge gives its start-up time.
"""

from __future__ import annotations

import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import inspect, text

from app.search import like_pattern

from .harness import LEAD, RELAY, Relay, available_dbs, private_redis, relay_on, run
from .report import Table, ms, section, show
from .seed import Target, seed
from .settings import SETTINGS

HOOKS = 20
WARM = 5
PROBE_EVERY = 0.05  # one delivery every 50 ms while the purge runs
BASELINE_SECONDS = 5.0


def main() -> None:
    n = SETTINGS.history_rows
    section(f"history at scale: {n:,} seeded jobs in PostgreSQL")
    if not available_dbs(("pg",)):
        return
    with private_redis() as redis_url, relay_on("pg", redis_url) as relay:
        hooks = _hooks(relay)
        started = time.monotonic()
        target = seed(relay.history.engine, n, hooks)
        seeded = time.monotonic() - started
        show(_searches(relay, target, hooks[1][0], n, seeded))
        show(_sql_side_by_side(relay, target))
        show(_purge(relay, n))


def _hooks(relay: Relay) -> list[tuple[str, str, str]]:
    conn = relay.connection("http://127.0.0.1:9", "seeded firm")
    out = []
    for i in range(HOOKS):
        action = "contacts.create" if i % 4 == 3 else "leads.create"
        hook_id, _ = relay.hook(conn, action)
        out.append((hook_id, conn, action))
    return out


def _searches(relay: Relay, target: Target, hook_id: str, n: int, seeded: float) -> Table:
    with relay.history.engine.connect() as conn:
        middle = conn.execute(
            text("SELECT id FROM jobs ORDER BY id OFFSET :half LIMIT 1"), {"half": n // 2}
        ).scalar_one()
    queries = {
        "GET /healthz (HTTP floor)": ("/healthz", {}),
        "newest page": ("/api/v1/jobs", {}),
        "status=failed": ("/api/v1/jobs", {"status": "failed"}),
        "status=needs_review": ("/api/v1/jobs", {"status": "needs_review"}),
        "hook_id filter": ("/api/v1/jobs", {"hook_id": hook_id}),
        "cursor page (middle of history)": ("/api/v1/jobs", {"cursor": middle}),
        "q=email (one match)": ("/api/v1/jobs", {"q": target.email}),
        "q=last name (one match)": ("/api/v1/jobs", {"q": target.last_name}),
        "q=job id": ("/api/v1/jobs", {"q": target.id}),
        "q=idempotency key": ("/api/v1/jobs", {"q": target.idempotency_key}),
        "q=common first name": ("/api/v1/jobs", {"q": "Priya"}),
        # Added with the search column (issue 10): an id's beginning, two words.
        "q=job id prefix (20 chars)": ("/api/v1/jobs", {"q": target.id[:20]}),
        "q=first and last name": ("/api/v1/jobs", {"q": f"Marguerite {target.last_name}"}),
    }
    table = Table(
        f"history: {n:,} jobs seeded in {seeded:.0f} s (COPY); limit 50 per page",
        "query|rows|cold|warm (median of 5)|warm max",
    )
    for name, (path, params) in queries.items():
        params = {**params, "limit": "50"} if path != "/healthz" else params
        cold, count = _get(relay.admin, path, params)
        warm = [_get(relay.admin, path, params)[0] for _ in range(WARM)]
        table.add(name, count, ms(cold), ms(statistics.median(warm)), ms(max(warm)))
    table.note("through the admin API of the served relay: HTTP, auth, JSON included")
    return table


def _get(client: httpx.Client, path: str, params: dict[str, str]) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.get(path, params=params)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    body = response.json()
    return elapsed, len(body["data"]) if isinstance(body.get("data"), list) else "-"


# The search predicate before issue 10 (JSON cast to text, ILIKE) beside the search
# column's, on the same rows in the same run: PostgreSQL's own execution time.
OLD_SEARCH = (
    "SELECT id FROM jobs WHERE id = :q OR idempotency_key = :q "
    "OR CAST(input AS TEXT) ILIKE :like OR CAST(error AS TEXT) ILIKE :like "
    "ORDER BY id DESC LIMIT 51"
)
NEW_SEARCH = "SELECT id FROM jobs WHERE search LIKE :like ORDER BY id DESC LIMIT 51"


def _sql_side_by_side(relay: Relay, target: Target) -> Table:
    table = Table(
        "search in SQL: EXPLAIN ANALYZE execution time, median of 3 (one word, one match)",
        "q|JSON::text ILIKE (before)|jobs.search LIKE (after)|after's plan",
    )
    with relay.history.engine.connect() as conn:
        has_column = "search" in {c["name"] for c in inspect(conn).get_columns("jobs")}
        for q in (target.email, target.last_name, target.idempotency_key):
            before, _ = _explained(conn, OLD_SEARCH, {"q": q, "like": f"%{q}%"})
            if not has_column:
                table.add(q, ms(before), "-", "no jobs.search column in this version")
                continue
            after, plan = _explained(conn, NEW_SEARCH, {"like": like_pattern(q.casefold())})
            table.add(q, ms(before), ms(after), plan)
    return table


def _explained(conn: Any, sql: str, binds: dict[str, str]) -> tuple[float, str]:
    times, plan = [], ""
    for _ in range(3):
        lines = [r[0] for r in conn.execute(text(f"EXPLAIN (ANALYZE) {sql}"), binds)]
        times.append(float(lines[-1].split()[2]))  # "Execution Time: 1.234 ms"
        plan = "trigram index" if any("ix_jobs_search_trgm" in x for x in lines) else "scan"
    return statistics.median(times), plan


@dataclass
class Probe:
    """Deliveries at a steady pace on their own thread; latencies tagged by phase."""

    url: str
    phase: str = "before"
    samples: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    stopped: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(timeout=60) as client:
            while not self.stopped.is_set():
                started = time.perf_counter()
                response = client.post(self.url, json=LEAD)
                elapsed = time.perf_counter() - started
                if response.status_code != 202:
                    self.errors += 1
                self.samples.setdefault(self.phase, []).append(elapsed * 1000)
                self.stopped.wait(max(0.0, PROBE_EVERY - elapsed))


def _purge(relay: Relay, n: int) -> Table:
    _, hook_url = relay.hook(relay.connection("http://127.0.0.1:9", "probe firm"))
    before = _count(relay)
    idle = _timed_purge(relay, 100_000)  # nothing that old: start-up and one empty pass
    probe = Probe(hook_url)
    thread = threading.Thread(target=probe.run, daemon=True)
    thread.start()
    time.sleep(BASELINE_SECONDS)
    probe.phase = "during purge"
    wall, out = _timed_purge(relay, 40)
    probe.phase = "after"
    time.sleep(1.0)
    probe.stopped.set()
    thread.join(30)
    purged = int(m.group(1)) if (m := re.search(r"purged (\d+)", out)) else 0
    after = _count(relay)

    table = Table(
        f"purge --days 40 of {before:,} jobs: {purged:,} purged ({purged / max(before, 1):.0%}), "
        f"{after:,} left",
        "what|value",
    )
    table.add("purge wall time (CLI start-up included)", f"{wall:.1f} s")
    table.add("same command with nothing to purge", f"{idle[0]:.1f} s")
    work = max(wall - idle[0], 0.001)
    table.add("purge work, approx. (difference)", f"{work:.1f} s, {purged / work:,.0f} jobs/s")
    for phase in ("before", "during purge"):
        lat = sorted(probe.samples.get(phase, []))
        if lat:
            p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
            table.add(
                f"ingest {phase}: {len(lat)} deliveries",
                f"p50 {ms(statistics.median(lat))}, p99 {ms(p99)}, max {ms(lat[-1])}",
            )
    if probe.errors:
        table.note(f"{probe.errors} probe deliveries were not accepted (202)")
    table.note(f"ingest probe: one delivery every {PROBE_EVERY * 1000:.0f} ms, sequential")
    return table


def _timed_purge(relay: Relay, days: int) -> tuple[float, str]:
    started = time.monotonic()
    out = run([RELAY, "purge", "--days", str(days), "--yes"], relay.env, timeout=3600).stdout
    return time.monotonic() - started, out


def _count(relay: Relay) -> int:
    with relay.history.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM jobs")).scalar_one())
