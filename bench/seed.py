"""A seeded job history in PostgreSQL: N jobs over 100 days, with their attempts,
callback events and deliveries, written with COPY.

Realistic enough to search: people and companies with names and emails,
idempotency keys on most rows (form submission ids), the status mix of a
working relay (mostly succeeded, some failed and rejected, a few awaiting
review), errors where they would be. One row in the middle of the history is
the search target: a unique email and last name, its id and its key.

Columns come from the table as the database has it: a column this seeder does
not know is left to its default, or stops the seeding with its name when it
is required.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from app.search import search_text

DAYS = 100
CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
FIRST = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Priya Wei Olga Ahmed Fatima Luis "
    "Sofia Mateo Aisha Kenji Ingrid Pierre Chloe Tomasz Zara Ravi Elena Omar Nadia Hugo"
).split()
LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Kowalski Novak "
    "Schmidt Muller Rossi Dubois Tanaka Sato Kim Park Chen Wang Singh Patel Kumar Okafor Mensah"
).split()
COMPANY = "Holdings Partners Logistics Dental Bakery Studios Farms Capital Builders Media".split()
DOMAINS = ("example.com", "mail.example.org", "firm.example.net", "inbox.example.co.uk")
# (status, share) of a working relay's history
STATUSES = (
    ("succeeded", 0.88),
    ("failed", 0.06),
    ("rejected", 0.035),
    ("canceled", 0.015),
    ("needs_review", 0.01),
)


@dataclass(frozen=True)
class Target:
    """The row the searches look for."""

    id: str
    email: str
    last_name: str
    idempotency_key: str


def job_id(at: datetime, rng: random.Random) -> str:
    """The relay's id shape: 10 characters of milliseconds, then 16 random ones."""
    ms = int(at.timestamp() * 1000)
    stamp = ""
    for _ in range(10):
        stamp = CROCKFORD[ms & 31] + stamp
        ms >>= 5
    return f"job_{stamp}{''.join(rng.choices(CROCKFORD, k=16))}"


def _lead(rng: random.Random, i: int) -> dict[str, Any]:
    domain = rng.choice(DOMAINS)
    if rng.random() < 0.12:
        name = f"{rng.choice(LAST)} {rng.choice(COMPANY)}"
        return {
            "type": "COMPANY",
            "companyName": name,
            "email": f"office{i}@{name.split()[0].lower()}.{domain}",
            "value": rng.choice(("LOW", "MEDIUM", "HIGH")),
        }
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {
        "type": "PERSON",
        "firstName": first,
        "lastName": last,
        "email": f"{first.lower()}.{last.lower()}{i}@{domain}",
        "phone": f"+1-555-{rng.randrange(10**7):07d}",
        "value": rng.choice(("LOWEST", "LOW", "MEDIUM", "HIGH", "HIGHEST")),
    }


def _rows(
    n: int, hooks: list[tuple[str, str, str]], rng: random.Random, now: datetime
) -> Iterator[tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]]:
    """(job row, [(table, row)] of its history), oldest first."""
    statuses = [s for s, _ in STATUSES]
    weights = [w for _, w in STATUSES]
    offsets = sorted(rng.random() * DAYS * 86400 for _ in range(n))
    for i, offset in enumerate(reversed(offsets)):
        created = now - timedelta(seconds=offset + 60)
        hook_id, connection_id, action = hooks[i % len(hooks)]
        status = rng.choices(statuses, weights)[0]
        lead = _lead(rng, i)
        jid = job_id(created, rng)
        finished = created + timedelta(milliseconds=rng.randrange(80, 2500))
        job: dict[str, Any] = {
            "id": jid,
            "hook_id": hook_id,
            "connection_id": connection_id,
            "action": action,
            "status": status,
            "input": json.dumps(lead),
            "received": None,
            "idempotency_key": f"resp_{i:09d}" if rng.random() < 0.6 else None,
            "attempts_made": 0 if status == "rejected" else 1,
            "budget_start": 0,
            "next_attempt_at": None,
            "result": None,
            "error": None,
            "checkpoint": None,
            "worker": None if status == "rejected" else "worker-1",
            "created_at": created,
            "updated_at": finished,
            "finished_at": None if status == "needs_review" else finished,
        }
        if status == "rejected":
            job["input"] = None
            job["received"] = json.dumps({"kind": "json", "fields": {**lead, "emial": "x"}})
            job["error"] = json.dumps(
                {
                    "code": "validation_failed",
                    "message": "1 field(s) need fixing before this can be sent to Esqase",
                    "details": [{"path": "/emial", "message": "unknown field 'emial'"}],
                }
            )
        elif status == "succeeded":
            n_id = rng.randrange(10**6)
            job["result"] = json.dumps(
                {"id": str(uuid.UUID(int=rng.getrandbits(128))), "publicId": f"L-{n_id}"}
            )
        elif status == "failed":
            job["error"] = json.dumps(
                {
                    "code": "esqase_422",
                    "status": 422,
                    "message": "Esqase refused the record",
                    "details": [{"path": "/email", "message": "email is already in use"}],
                }
            )
        _found_by(job)
        history = [] if status == "rejected" else _attempt_rows(job, status, rng)
        yield job, history


def _found_by(job: dict[str, Any]) -> None:
    """``jobs.search`` as the relay fills it when it creates the job (same function)."""
    columns = {c: json.loads(job[c]) if job[c] else None for c in ("input", "received", "error")}
    job["search"] = search_text(**columns, idempotency_key=job["idempotency_key"])


def _attempt_rows(
    job: dict[str, Any], status: str, rng: random.Random
) -> list[tuple[str, dict[str, Any]]]:
    call = {
        "method": "POST",
        "path": "/v1/leads",
        "status": 201 if status == "succeeded" else 422,
        "duration_ms": rng.randrange(40, 900),
        "error": None,
        "sent": True,
    }
    rows: list[tuple[str, dict[str, Any]]] = [
        (
            "attempts",
            {
                "job_id": job["id"],
                "number": 1,
                "worker": "worker-1",
                "started_at": job["created_at"],
                "finished_at": job["updated_at"],
                "outcome": status,
                "error": job["error"],
                "calls": json.dumps([call]),
            },
        )
    ]
    if rng.random() < 0.3 and status in ("succeeded", "failed"):
        event_id = "msg_" + job["id"][4:]
        rows.append(
            (
                "callback_events",
                {
                    "id": event_id,
                    "job_id": job["id"],
                    "type": f"job.{status}",
                    "status": "delivered",
                    "payload": json.dumps({"type": f"job.{status}", "data": {"id": job["id"]}}),
                    "attempts_made": 1,
                    "next_attempt_at": None,
                    "created_at": job["updated_at"],
                },
            )
        )
        rows.append(
            (
                "deliveries",
                {
                    "event_id": event_id,
                    "job_id": job["id"],
                    "number": 1,
                    "url": "https://hooks.example.com/catch/123",
                    "ok": True,
                    "status_code": 200,
                    "error": None,
                    "duration_ms": rng.randrange(30, 400),
                    "response_excerpt": "ok",
                    "created_at": job["updated_at"],
                },
            )
        )
    return rows


class Copier:
    """COPY rows into a table, with the columns the table really has."""

    def __init__(self, engine: Engine, table: str, known: list[str]) -> None:
        columns = inspect(engine).get_columns(table)
        names = {c["name"] for c in columns}
        missing = [
            c["name"]
            for c in columns
            if c["name"] not in known
            and not c["nullable"]
            and c.get("default") is None
            and not c.get("autoincrement")
        ]
        if missing:
            raise RuntimeError(f"seed.py does not know the required {table} column(s) {missing}")
        self.table = table
        self.columns = [c for c in known if c in names]

    def statement(self) -> str:
        return f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN"

    def values(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(row[c] for c in self.columns)


def seed(engine: Engine, n: int, hooks: list[tuple[str, str, str]]) -> Target:
    """``hooks``: (hook id, connection id, action). Returns the search target."""
    rng = random.Random(20261101)
    now = datetime.now(UTC)
    buffers: dict[str, list[tuple[Any, ...]]] = {}
    copiers: dict[str, Copier] = {}
    target_at = n // 2
    target: Target | None = None
    for i, (job, history) in enumerate(_rows(n, hooks, rng, now)):
        if i == target_at:
            job, target = _make_target(job, i)
        for table, row in (("jobs", job), *history):
            if table not in copiers:
                copiers[table] = Copier(engine, table, list(row))
            buffers.setdefault(table, []).append(copiers[table].values(row))
        if len(buffers["jobs"]) >= 20_000:
            _flush(engine, copiers, buffers)
    _flush(engine, copiers, buffers)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    assert target is not None
    return target


def _make_target(job: dict[str, Any], i: int) -> tuple[dict[str, Any], Target]:
    lead = {
        "type": "PERSON",
        "firstName": "Marguerite",
        "lastName": "Vantongeren-Quist",
        "email": "m.vantongeren-quist@target.example.com",
        "value": "HIGH",
    }
    key = f"resp_target_{i:09d}"
    job = {
        **job,
        "input": json.dumps(lead),
        "idempotency_key": key,
        "status": "succeeded",
        "received": None,
        "error": None,
    }
    _found_by(job)
    return job, Target(job["id"], lead["email"], lead["lastName"], key)


def _flush(
    engine: Engine, copiers: dict[str, Copier], buffers: dict[str, list[tuple[Any, ...]]]
) -> None:
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:  # type: ignore[attr-defined]
            # Parents first: attempts, events and deliveries point at jobs and events.
            for table in ("jobs", "attempts", "callback_events", "deliveries"):
                rows = buffers.get(table) or []
                if not rows:
                    continue
                with cursor.copy(copiers[table].statement()) as copy:
                    for row in rows:
                        copy.write_row(row)
                rows.clear()
        raw.commit()
    finally:
        raw.close()
