"""Matters: defaults, public ids, stages, clients, team, lifecycle status, soft delete."""

from __future__ import annotations

import uuid

import httpx


def test_create_with_only_required_fields_gets_the_defaults(api: httpx.Client, make) -> None:
    area = make.practice_area()
    body = {"practiceAreaId": area["id"], "openDate": "2026-07-01"}
    response = api.post("/v1/matters", json=body)
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["title"] == "Untitled matter"
    assert data["status"] == "ACTIVE"
    assert data["publicId"] == "M-0001"
    assert data["practiceArea"] == {"id": area["id"], "name": "Family law"}
    assert data["stage"] == {"id": area["stages"][0]["id"], "name": "To do"}
    assert data["openDate"] == "2026-07-01"
    assert data["description"] is None and data["closeDate"] is None and data["solDate"] is None
    assert data["clients"] == [] and data["team"] == []
    assert uuid.UUID(data["id"]).version == 4


def test_blank_title_becomes_untitled(make) -> None:
    assert make.matter(make.practice_area(), title="  ")["title"] == "Untitled matter"


def test_public_ids_are_sequential(make) -> None:
    area = make.practice_area()
    assert [make.matter(area)["publicId"] for _ in range(3)] == ["M-0001", "M-0002", "M-0003"]


def test_documented_example_round_trips(api: httpx.Client, make) -> None:
    area = make.practice_area()
    client = make.contact()
    stage = area["stages"][1]
    matter = make.matter(
        area,
        title="Doe v. Acme Holdings",
        practiceAreaStageColumnId=stage["id"],
        clientContactIds=[client["id"]],
        team=[{"memberId": "member-1", "role": "Lead attorney", "allocation": 60}],
        description="Notes",
        closeDate="2026-12-31",
        solDate="2028-07-01",
        status="DRAFT",
    )
    assert matter["stage"] == {"id": stage["id"], "name": "In progress"}
    assert matter["clients"] == [{"id": client["id"], "name": "Jane Doe"}]
    assert matter["team"] == [{"memberId": "member-1", "role": "Lead attorney", "allocation": 60}]
    assert matter["status"] == "DRAFT"
    assert (matter["closeDate"], matter["solDate"]) == ("2026-12-31", "2028-07-01")
    assert api.get(f"/v1/matters/{matter['id']}").json()["data"] == matter


def test_first_client_stays_first(make) -> None:
    first, second = make.contact(firstName="First"), make.contact(firstName="Second")
    matter = make.matter(make.practice_area(), clientContactIds=[first["id"], second["id"]])
    assert [c["id"] for c in matter["clients"]] == [first["id"], second["id"]]


def test_practice_area_is_required(api: httpx.Client, expect_error) -> None:
    response = api.post("/v1/matters", json={"openDate": "2026-07-01"})
    expect_error(response, 422, "validation_error", ["practiceAreaId"])


def test_practice_area_must_exist(api: httpx.Client, expect_error) -> None:
    body = {"practiceAreaId": str(uuid.uuid4()), "openDate": "2026-07-01"}
    expect_error(api.post("/v1/matters", json=body), 422, "validation_error", ["practiceAreaId"])


def test_open_date_is_required(api: httpx.Client, make, expect_error) -> None:
    body = {"practiceAreaId": make.practice_area()["id"]}
    expect_error(api.post("/v1/matters", json=body), 422, "validation_error", ["openDate"])


def test_open_date_must_be_yyyy_mm_dd(api: httpx.Client, make, expect_error) -> None:
    body = {"practiceAreaId": make.practice_area()["id"], "openDate": "07/01/2026"}
    error = expect_error(api.post("/v1/matters", json=body), 422, "validation_error", ["openDate"])
    assert "YYYY-MM-DD" in error["details"][0]["message"]


def test_open_date_must_be_a_real_date(api: httpx.Client, make, expect_error) -> None:
    body = {"practiceAreaId": make.practice_area()["id"], "openDate": "2026-02-30"}
    expect_error(api.post("/v1/matters", json=body), 422, "validation_error", ["openDate"])


def test_stage_must_belong_to_the_practice_area(api: httpx.Client, make, expect_error) -> None:
    area, other = make.practice_area("Family law"), make.practice_area("Real estate")
    body = {
        "practiceAreaId": area["id"],
        "openDate": "2026-07-01",
        "practiceAreaStageColumnId": other["stages"][0]["id"],
    }
    expect_error(
        api.post("/v1/matters", json=body), 422, "validation_error", ["practiceAreaStageColumnId"]
    )


def test_archive_is_not_allowed_on_create(api: httpx.Client, make, expect_error) -> None:
    body = {"practiceAreaId": make.practice_area()["id"], "openDate": "2026-07-01"}
    response = api.post("/v1/matters", json={**body, "status": "ARCHIVE"})
    error = expect_error(response, 422, "validation_error", ["status"])
    assert "only allowed when updating" in error["details"][0]["message"]


def test_archive_is_allowed_on_update(api: httpx.Client, make) -> None:
    matter = make.matter(make.practice_area())
    response = api.patch(f"/v1/matters/{matter['id']}", json={"status": "ARCHIVE"})
    assert response.status_code == 200
    assert response.json()["data"]["status"] == "ARCHIVE"
    assert api.get("/v1/matters").json()["pagination"]["total"] == 1  # archived, not deleted


def test_client_contacts_must_exist(api: httpx.Client, make, expect_error) -> None:
    client = make.contact()
    body = {
        "practiceAreaId": make.practice_area()["id"],
        "openDate": "2026-07-01",
        "clientContactIds": [client["id"], str(uuid.uuid4())],
    }
    expect_error(
        api.post("/v1/matters", json=body), 422, "validation_error", ["clientContactIds[1]"]
    )


def test_team_allocation_is_a_percentage(api: httpx.Client, make, expect_error) -> None:
    body = {
        "practiceAreaId": make.practice_area()["id"],
        "openDate": "2026-07-01",
        "team": [{"memberId": "member-1", "role": "Associate", "allocation": 150}],
    }
    expect_error(
        api.post("/v1/matters", json=body), 422, "validation_error", ["team[0].allocation"]
    )


def test_every_problem_is_listed(api: httpx.Client, expect_error) -> None:
    body = {"openDate": "tomorrow", "status": "OPEN", "colour": "red"}
    expect_error(
        api.post("/v1/matters", json=body),
        422,
        "validation_error",
        ["colour", "practiceAreaId", "openDate", "status"],
    )


def test_update_fields(api: httpx.Client, make) -> None:
    client = make.contact()
    team = [{"memberId": "member-2", "role": "Paralegal", "allocation": 25.5}]
    matter = make.matter(
        make.practice_area(), description="old", clientContactIds=[client["id"]], team=team
    )
    changes = {
        "title": "Renamed",
        "description": None,
        "openDate": "2026-08-01",
        "closeDate": "2026-12-31",
        "solDate": "2029-01-01",
        "status": "DRAFT",
    }
    data = api.patch(f"/v1/matters/{matter['id']}", json=changes).json()["data"]
    assert data["title"] == "Renamed"
    assert data["description"] is None
    assert data["openDate"] == "2026-08-01"
    assert data["closeDate"] == "2026-12-31"
    assert data["solDate"] == "2029-01-01"
    assert data["status"] == "DRAFT"
    assert data["clients"] == [{"id": client["id"], "name": "Jane Doe"}]  # untouched
    assert data["team"] == team  # untouched
    assert data["publicId"] == matter["publicId"]


def test_update_refuses_client_contact_ids(api: httpx.Client, make, expect_error) -> None:
    """The documented update does not take clients; they are set when the matter is created."""
    matter = make.matter(make.practice_area())
    body = {"clientContactIds": [make.contact()["id"]]}
    response = api.patch(f"/v1/matters/{matter['id']}", json=body)
    expect_error(response, 422, "validation_error", ["clientContactIds"])


def test_update_refuses_team(api: httpx.Client, make, expect_error) -> None:
    matter = make.matter(make.practice_area())
    team = [{"memberId": "member-1", "role": "Associate", "allocation": 50}]
    response = api.patch(f"/v1/matters/{matter['id']}", json={"team": team})
    expect_error(response, 422, "validation_error", ["team"])


def test_stage_update_is_checked_against_a_deleted_area(
    api: httpx.Client, make, expect_error
) -> None:
    area = make.practice_area()
    matter = make.matter(area)
    assert api.delete(f"/v1/practice-areas/{area['id']}").status_code == 204
    response = api.patch(
        f"/v1/matters/{matter['id']}", json={"practiceAreaStageColumnId": "no-such-stage"}
    )
    expect_error(response, 422, "validation_error", ["practiceAreaStageColumnId"])


def test_stage_update_within_a_deleted_area(api: httpx.Client, make) -> None:
    area = make.practice_area()
    matter = make.matter(area)
    api.delete(f"/v1/practice-areas/{area['id']}")
    done = area["stages"][2]
    response = api.patch(
        f"/v1/matters/{matter['id']}", json={"practiceAreaStageColumnId": done["id"]}
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["stage"] == {"id": done["id"], "name": "Done"}


def test_changing_practice_area_moves_to_its_first_stage(api: httpx.Client, make) -> None:
    area, other = make.practice_area("Family law"), make.practice_area("Real estate")
    matter = make.matter(area, practiceAreaStageColumnId=area["stages"][2]["id"])
    response = api.patch(f"/v1/matters/{matter['id']}", json={"practiceAreaId": other["id"]})
    data = response.json()["data"]
    assert data["practiceArea"] == {"id": other["id"], "name": "Real estate"}
    assert data["stage"] == {"id": other["stages"][0]["id"], "name": "To do"}


def test_stage_update_is_checked_against_the_new_area(
    api: httpx.Client, make, expect_error
) -> None:
    area, other = make.practice_area("Family law"), make.practice_area("Real estate")
    matter = make.matter(area)
    response = api.patch(
        f"/v1/matters/{matter['id']}",
        json={"practiceAreaId": other["id"], "practiceAreaStageColumnId": area["stages"][1]["id"]},
    )
    expect_error(response, 422, "validation_error", ["practiceAreaStageColumnId"])


def test_stage_update_is_checked_against_the_current_area(
    api: httpx.Client, make, expect_error
) -> None:
    area, other = make.practice_area("Family law"), make.practice_area("Real estate")
    matter = make.matter(area)
    stage_elsewhere = other["stages"][1]["id"]
    response = api.patch(
        f"/v1/matters/{matter['id']}", json={"practiceAreaStageColumnId": stage_elsewhere}
    )
    expect_error(response, 422, "validation_error", ["practiceAreaStageColumnId"])


def test_stage_update_within_the_area(api: httpx.Client, make) -> None:
    area = make.practice_area()
    matter = make.matter(area)
    done = area["stages"][2]
    response = api.patch(
        f"/v1/matters/{matter['id']}", json={"practiceAreaStageColumnId": done["id"]}
    )
    assert response.json()["data"]["stage"] == {"id": done["id"], "name": "Done"}


def test_open_date_cannot_be_cleared(api: httpx.Client, make, expect_error) -> None:
    matter = make.matter(make.practice_area())
    response = api.patch(f"/v1/matters/{matter['id']}", json={"openDate": None})
    expect_error(response, 422, "validation_error", ["openDate"])


def test_delete_is_soft(api: httpx.Client, control: httpx.Client, make, expect_error) -> None:
    matter = make.matter(make.practice_area())
    assert api.delete(f"/v1/matters/{matter['id']}").status_code == 204
    assert api.get("/v1/matters").json()["data"] == []
    expect_error(api.get(f"/v1/matters/{matter['id']}"), 404, "not_found")
    expect_error(api.patch(f"/v1/matters/{matter['id']}", json={"title": "x"}), 404, "not_found")
    state = control.get("/_sandbox/state/matters").json()["data"]
    assert [(m["id"], m["status"]) for m in state] == [(matter["id"], "ARCHIVED")]


def test_public_ids_continue_after_a_delete(api: httpx.Client, make) -> None:
    area = make.practice_area()
    first = make.matter(area)
    api.delete(f"/v1/matters/{first['id']}")
    assert make.matter(area)["publicId"] == "M-0002"
