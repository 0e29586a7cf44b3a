"""The dispatch table: one row per resource, so the HTTP layer stays generic.

Adding a resource means adding rules, a writer, a view and a row here; the routes,
paging, auth and faults need no change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sandbox import records, rules, views
from sandbox.errors import FieldError
from sandbox.store import Record, Store

Body = Mapping[str, Any]
Args = Mapping[str, str]


def _no_filter_rules(args: Args) -> list[FieldError]:
    return []


def _keep_all(record: Record, args: Args) -> bool:
    return True


def _in_practice_area(record: Record, args: Args) -> bool:
    return bool(record["practiceAreaId"] == args.get("practiceAreaId", "").strip())


@dataclass(frozen=True)
class Resource:
    name: str
    check_create: Callable[[Body, rules.Lookup], list[FieldError]]
    check_update: Callable[[Body, Record | None, rules.Lookup], list[FieldError]]
    create: Callable[[Store, Body], Record]
    update: Callable[[Store, Record, Body], None]
    render: Callable[[Store, Record], dict[str, Any]]
    check_list: Callable[[Args], list[FieldError]] = _no_filter_rules
    keep: Callable[[Record, Args], bool] = _keep_all

    @property
    def label(self) -> str:
        """'practice-areas' -> 'practice area', for messages people read."""
        return self.name.removesuffix("s").replace("-", " ")


RESOURCES: dict[str, Resource] = {
    r.name: r
    for r in (
        Resource(
            "contacts",
            rules.contact_create,
            rules.contact_update,
            records.create_contact,
            records.update_contact,
            views.contact,
        ),
        Resource(
            "matters",
            rules.matter_create,
            rules.matter_update,
            records.create_matter,
            records.update_matter,
            views.matter,
        ),
        Resource(
            "leads",
            rules.lead_create,
            rules.lead_update,
            records.create_lead,
            records.update_lead,
            views.lead,
        ),
        Resource(
            "practice-areas",
            rules.practice_area_create,
            rules.practice_area_update,
            records.create_practice_area,
            records.rename,
            views.practice_area,
        ),
        Resource(
            "matter-types",
            rules.matter_type_create,
            rules.matter_type_update,
            records.create_matter_type,
            records.rename,
            views.matter_type,
            check_list=rules.matter_types_filter,
            keep=_in_practice_area,
        ),
    )
}


def lookup(name: str) -> Resource | None:
    return RESOURCES.get(name)
