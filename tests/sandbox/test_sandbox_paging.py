"""limit/offset paging: default size, ceiling, total, and the edges."""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture
def company_ids(api: httpx.Client, make) -> list[str]:
    return [
        make.contact(type="COMPANY", companyName=f"Co {i}", firstName=None, lastName=None)["id"]
        for i in range(60)
    ]


def test_default_page_is_25_and_pages_cover_everything_in_order(
    api: httpx.Client, company_ids: list[str]
) -> None:
    first = api.get("/v1/contacts").json()
    assert first["pagination"] == {"limit": 25, "offset": 0, "total": 60}
    seen = [c["id"] for c in first["data"]]
    for offset in (25, 50):
        page = api.get("/v1/contacts", params={"offset": offset}).json()
        assert page["pagination"] == {"limit": 25, "offset": offset, "total": 60}
        seen += [c["id"] for c in page["data"]]
    assert seen == company_ids


def test_last_page_is_short(api: httpx.Client, company_ids: list[str]) -> None:
    page = api.get("/v1/contacts", params={"limit": 25, "offset": 50}).json()
    assert [c["id"] for c in page["data"]] == company_ids[50:]


def test_offset_past_the_end_is_an_empty_page(api: httpx.Client, company_ids: list[str]) -> None:
    page = api.get("/v1/contacts", params={"offset": 500}).json()
    assert page == {"data": [], "pagination": {"limit": 25, "offset": 500, "total": 60}}


def test_explicit_limit(api: httpx.Client, company_ids: list[str]) -> None:
    page = api.get("/v1/contacts", params={"limit": 2, "offset": 3}).json()
    assert [c["id"] for c in page["data"]] == company_ids[3:5]


def test_limit_above_the_ceiling_is_clamped_to_100(api: httpx.Client, make) -> None:
    area = make.practice_area()
    for _ in range(105):
        make.matter(area)
    page = api.get("/v1/matters", params={"limit": 1000}).json()
    assert len(page["data"]) == 100
    assert page["pagination"] == {"limit": 100, "offset": 0, "total": 105}


def test_deleted_records_leave_the_total(api: httpx.Client, make) -> None:
    ids = [make.contact()["id"] for _ in range(3)]
    api.delete(f"/v1/contacts/{ids[1]}")
    page = api.get("/v1/contacts").json()
    assert [c["id"] for c in page["data"]] == [ids[0], ids[2]]
    assert page["pagination"]["total"] == 2


@pytest.mark.parametrize("limit", ["0", "-1", "ten", "2.5"])
def test_bad_limit_is_422(api: httpx.Client, expect_error, limit: str) -> None:
    response = api.get("/v1/contacts", params={"limit": limit})
    expect_error(response, 422, "validation_error", ["limit"])


@pytest.mark.parametrize("offset", ["-1", "x"])
def test_bad_offset_is_422(api: httpx.Client, expect_error, offset: str) -> None:
    response = api.get("/v1/contacts", params={"offset": offset})
    expect_error(response, 422, "validation_error", ["offset"])


def test_bad_limit_and_offset_are_both_listed(api: httpx.Client, expect_error) -> None:
    response = api.get("/v1/matter-types", params={"limit": "0", "offset": "-5"})
    expect_error(response, 422, "validation_error", ["limit", "offset", "practiceAreaId"])


def test_unknown_query_parameters_are_ignored(api: httpx.Client, make) -> None:
    make.contact()
    page = api.get("/v1/contacts", params={"sort": "name", "q": "jane"}).json()
    assert page["pagination"]["total"] == 1


@pytest.mark.parametrize("name", ["limit", "offset"])
def test_a_number_too_long_to_convert_is_422(api: httpx.Client, expect_error, name: str) -> None:
    response = api.get("/v1/contacts", params={name: "1" * 5000})
    expect_error(response, 422, "validation_error", [name])
