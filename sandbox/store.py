"""All mutable sandbox state, behind one re-entrant lock.

One lock (rather than one per resource) keeps cross-resource rules honest under a threaded
server: "the practice area exists" and "create the matter in it" must be one atomic step,
and public ids must come out gap-free and in order. Callers take ``store.lock`` around a
whole validate-then-write sequence; the methods here assume it is held. Nothing sleeps or
does I/O while holding it.

Records are plain dicts with the API's camelCase field names.

Deleting and archiving are two different things:

- DELETE (any resource) is a soft delete, as the docs say. The record leaves every list and
  reads, updates and deletes of it answer 404, as if it were gone; internally it keeps its
  place, marked deleted by a ``deletedAt`` timestamp (and ``status`` set to ``ARCHIVED``,
  :data:`DELETED`), so the control surface's state can still count it and other records
  can still name it.
- A matter's lifecycle status ``ARCHIVE``, set by PATCH, is an ordinary field value: the
  docs describe status as moving the matter through its lifecycle. An archived matter stays
  listed and readable, and can be set back to ACTIVE or DRAFT. Only ``deletedAt`` decides
  whether a record is deleted, never ``status``.
"""

from __future__ import annotations

import threading
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Record = dict[str, Any]

RESOURCES = ("contacts", "matters", "leads", "practice-areas", "matter-types")
LEAD_STAGE_NAMES = ("New", "Contacted", "Qualified")
REQUEST_LOG_LIMIT = 10_000
DELETED = "ARCHIVED"


def new_id() -> str:
    return str(uuid.uuid4())


def now_iso() -> str:
    """Second precision with a Z, exactly like the documented examples."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_iso_ms() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class ApiKey:
    key: str
    scopes: frozenset[str]
    rate_limit: tuple[int, float] | None = None


class Store:
    def __init__(self, configured_keys: dict[str, ApiKey]) -> None:
        self.lock = threading.RLock()
        self._configured_keys = dict(configured_keys)
        # Lead stages are firm-wide fixtures in Esqase; seeded once, they survive resets.
        self.lead_stages: list[Record] = [
            {"id": new_id(), "name": name, "order": order}
            for order, name in enumerate(LEAD_STAGE_NAMES)
        ]
        self._records: dict[str, dict[str, Record]] = {}
        self._sequences: dict[str, int] = {}
        self._keys: dict[str, ApiKey] = {}
        self._requests: deque[Record] = deque(maxlen=REQUEST_LOG_LIMIT)
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self._records = {resource: {} for resource in RESOURCES}
            self._sequences = {}
            self._keys = dict(self._configured_keys)
            self._requests.clear()

    # -- records -------------------------------------------------------------

    def insert(self, resource: str, fields: Record) -> Record:
        stamp = now_iso()
        record: Record = {"id": new_id(), **fields, "createdAt": stamp, "updatedAt": stamp}
        record["deletedAt"] = None
        self._records[resource][record["id"]] = record
        return record

    def touch(self, record: Record) -> None:
        record["updatedAt"] = now_iso()

    def soft_delete(self, record: Record) -> None:
        stamp = now_iso()
        record["status"] = DELETED
        record["deletedAt"] = stamp
        record["updatedAt"] = stamp

    def get(self, resource: str, record_id: str) -> Record | None:
        """A live record, or None when it never existed or was deleted."""
        record = self._records[resource].get(record_id)
        if record is None or record["deletedAt"] is not None:
            return None
        return record

    def find(self, resource: str, record_id: str) -> Record | None:
        """Deleted records too: a matter still names the client it had."""
        return self._records[resource].get(record_id)

    def live(self, resource: str) -> list[Record]:
        return [r for r in self._records[resource].values() if r["deletedAt"] is None]

    def everything(self, resource: str) -> list[Record]:
        return list(self._records[resource].values())

    def next_public_id(self, prefix: str) -> str:
        number = self._sequences.get(prefix, 0) + 1
        self._sequences[prefix] = number
        return f"{prefix}-{number:04d}"

    # -- lookups used by the rules (the rules never see the store itself) ------

    def practice_area(self, record_id: str) -> Record | None:
        return self.get("practice-areas", record_id)

    def practice_area_even_deleted(self, record_id: str) -> Record | None:
        """For a matter that stays in an area deleted since: its stages still apply."""
        return self.find("practice-areas", record_id)

    def contact(self, record_id: str) -> Record | None:
        return self.get("contacts", record_id)

    def lead_stage_ids(self) -> list[str]:
        return [stage["id"] for stage in self.lead_stages]

    # -- keys ----------------------------------------------------------------

    def keys(self) -> list[ApiKey]:
        with self.lock:
            return list(self._keys.values())

    def add_key(self, api_key: ApiKey) -> bool:
        """False (and nothing changed) when the key already exists; never silently replace."""
        with self.lock:
            if api_key.key in self._keys:
                return False
            self._keys[api_key.key] = api_key
            return True

    # -- request log -----------------------------------------------------------

    def log_request(
        self, method: str, path: str, query: dict[str, str], key_last4: str | None
    ) -> Record:
        """Logged on arrival so dropped requests appear too; the status is filled in later."""
        entry: Record = {
            "method": method,
            "path": path,
            "query": query,
            "status": None,
            "at": now_iso_ms(),
            "key_last4": key_last4,
            "fault": None,
        }
        with self.lock:
            self._requests.append(entry)
        return entry

    def update_request(self, entry: Record, **fields: Any) -> None:
        with self.lock:
            entry.update(fields)

    def requests(self) -> list[Record]:
        with self.lock:
            return [dict(entry) for entry in self._requests]

    def clear_requests(self) -> None:
        with self.lock:
            self._requests.clear()
