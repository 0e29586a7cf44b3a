"""Practice areas (with their seeded stages) and the matter types under them."""

from __future__ import annotations

import uuid

import httpx


def test_create_seeds_three_stages(api: httpx.Client) -> None:
    response = api.post("/v1/practice-areas", json={"name": "Family law"})
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["name"] == "Family law"
    assert data["status"] == "ACTIVE"
    assert data["matterTypes"] == []
    stages = [(s["name"], s["type"], s["order"]) for s in data["stages"]]
    assert stages == [("To do", "TODO", 0), ("In progress", "IN_PROGRESS", 1), ("Done", "DONE", 2)]
    ids = {s["id"] for s in data["stages"]}
    assert len(ids) == 3 and all(uuid.UUID(i).version == 4 for i in ids)


def test_each_practice_area_gets_its_own_stage_ids(make) -> None:
    first, second = make.practice_area("Family law"), make.practice_area("Real estate")
    assert not {s["id"] for s in first["stages"]} & {s["id"] for s in second["stages"]}


def test_name_is_required(api: httpx.Client, expect_error) -> None:
    expect_error(api.post("/v1/practice-areas", json={}), 422, "validation_error", ["name"])


def test_name_must_not_be_blank(api: httpx.Client, expect_error) -> None:
    response = api.post("/v1/practice-areas", json={"name": "   "})
    expect_error(response, 422, "validation_error", ["name"])


def test_stages_cannot_be_sent(api: httpx.Client, expect_error) -> None:
    response = api.post("/v1/practice-areas", json={"name": "Family law", "stages": []})
    expect_error(response, 422, "validation_error", ["stages"])


def test_update_renames(api: httpx.Client, make) -> None:
    area = make.practice_area()
    response = api.patch(f"/v1/practice-areas/{area['id']}", json={"name": "Family"})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["name"] == "Family"
    assert data["stages"] == area["stages"]


def test_update_refuses_a_null_name(api: httpx.Client, make, expect_error) -> None:
    area = make.practice_area()
    response = api.patch(f"/v1/practice-areas/{area['id']}", json={"name": None})
    expect_error(response, 422, "validation_error", ["name"])


def test_list_and_read(api: httpx.Client, make) -> None:
    area = make.practice_area()
    assert api.get("/v1/practice-areas").json()["data"] == [area]
    assert api.get(f"/v1/practice-areas/{area['id']}").json()["data"] == area


def test_delete_is_soft(api: httpx.Client, make, expect_error) -> None:
    area = make.practice_area()
    assert api.delete(f"/v1/practice-areas/{area['id']}").status_code == 204
    assert api.get("/v1/practice-areas").json()["pagination"]["total"] == 0
    expect_error(api.get(f"/v1/practice-areas/{area['id']}"), 404, "not_found")


def test_create_matter_type(api: httpx.Client, make) -> None:
    area = make.practice_area()
    response = api.post("/v1/matter-types", json={"practiceAreaId": area["id"], "name": "Divorce"})
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["practiceAreaId"] == area["id"]
    assert data["name"] == "Divorce"
    assert data["status"] == "ACTIVE"
    assert uuid.UUID(data["id"]).version == 4


def test_practice_area_lists_its_matter_types(api: httpx.Client, make) -> None:
    area = make.practice_area()
    divorce = make.matter_type(area, "Divorce")
    custody = make.matter_type(area, "Custody")
    make.matter_type(make.practice_area("Real estate"), "Conveyancing")
    data = api.get(f"/v1/practice-areas/{area['id']}").json()["data"]
    assert data["matterTypes"] == [
        {"id": divorce["id"], "name": "Divorce"},
        {"id": custody["id"], "name": "Custody"},
    ]


def test_deleted_matter_type_leaves_the_practice_area(api: httpx.Client, make) -> None:
    area = make.practice_area()
    divorce = make.matter_type(area)
    assert api.delete(f"/v1/matter-types/{divorce['id']}").status_code == 204
    assert api.get(f"/v1/practice-areas/{area['id']}").json()["data"]["matterTypes"] == []


def test_matter_type_needs_an_existing_practice_area(api: httpx.Client, expect_error) -> None:
    body = {"practiceAreaId": str(uuid.uuid4()), "name": "Divorce"}
    expect_error(
        api.post("/v1/matter-types", json=body), 422, "validation_error", ["practiceAreaId"]
    )


def test_matter_type_refuses_a_deleted_practice_area(api: httpx.Client, make, expect_error) -> None:
    area = make.practice_area()
    api.delete(f"/v1/practice-areas/{area['id']}")
    body = {"practiceAreaId": area["id"], "name": "Divorce"}
    expect_error(
        api.post("/v1/matter-types", json=body), 422, "validation_error", ["practiceAreaId"]
    )


def test_matter_type_needs_a_name(api: httpx.Client, make, expect_error) -> None:
    area = make.practice_area()
    body = {"practiceAreaId": area["id"]}
    expect_error(api.post("/v1/matter-types", json=body), 422, "validation_error", ["name"])


def test_matter_types_list_requires_practice_area_id(api: httpx.Client, expect_error) -> None:
    expect_error(api.get("/v1/matter-types"), 422, "validation_error", ["practiceAreaId"])


def test_matter_types_list_is_scoped_to_the_practice_area(api: httpx.Client, make) -> None:
    area, other = make.practice_area("Family law"), make.practice_area("Real estate")
    divorce = make.matter_type(area, "Divorce")
    make.matter_type(other, "Conveyancing")
    listed = api.get("/v1/matter-types", params={"practiceAreaId": area["id"]}).json()
    assert listed["data"] == [divorce]
    assert listed["pagination"] == {"limit": 25, "offset": 0, "total": 1}


def test_matter_type_rename(api: httpx.Client, make) -> None:
    divorce = make.matter_type(make.practice_area())
    response = api.patch(f"/v1/matter-types/{divorce['id']}", json={"name": "Separation"})
    assert response.status_code == 200
    assert response.json()["data"]["name"] == "Separation"


def test_matter_type_cannot_move_area(api: httpx.Client, make, expect_error) -> None:
    divorce = make.matter_type(make.practice_area())
    other = make.practice_area("Real estate")
    response = api.patch(f"/v1/matter-types/{divorce['id']}", json={"practiceAreaId": other["id"]})
    expect_error(response, 422, "validation_error", ["practiceAreaId"])
