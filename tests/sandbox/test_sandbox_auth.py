"""Bearer keys, scopes, and the order of checks: auth, then rate limit, then 422, then 404."""

from __future__ import annotations

import httpx


def test_missing_key_is_401(anonymous: httpx.Client, expect_error) -> None:
    expect_error(anonymous.get("/v1/contacts"), 401, "unauthorized", [])


def test_unknown_key_is_401(anonymous: httpx.Client, expect_error) -> None:
    response = anonymous.get("/v1/contacts", headers={"Authorization": "Bearer esq_test_nope"})
    expect_error(response, 401, "unauthorized")


def test_malformed_authorization_header_is_401(
    anonymous: httpx.Client, new_key, expect_error
) -> None:
    key = new_key("*")
    response = anonymous.get("/v1/contacts", headers={"Authorization": f"Token {key}"})
    expect_error(response, 401, "unauthorized")


def test_valid_key_is_accepted(anonymous: httpx.Client, new_key) -> None:
    key = new_key("contacts:read")
    response = anonymous.get("/v1/contacts", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


def test_write_without_write_scope_is_403_naming_the_scope(client_for, expect_error) -> None:
    reader = client_for("contacts:read")
    response = reader.post("/v1/contacts", json={"type": "COMPANY", "companyName": "Acme"})
    error = expect_error(response, 403, "forbidden")
    assert "contacts:write" in error["message"]


def test_read_without_read_scope_is_403_naming_the_scope(client_for, expect_error) -> None:
    writer = client_for("matters:write")
    error = expect_error(writer.get("/v1/matters"), 403, "forbidden")
    assert "matters:read" in error["message"]


def test_scope_is_per_resource(client_for, expect_error) -> None:
    contacts_only = client_for("contacts:read", "contacts:write")
    error = expect_error(contacts_only.get("/v1/leads"), 403, "forbidden")
    assert "leads:read" in error["message"]


def test_delete_needs_write_scope(client_for, make, expect_error) -> None:
    contact = make.contact()
    reader = client_for("contacts:read")
    error = expect_error(reader.delete(f"/v1/contacts/{contact['id']}"), 403, "forbidden")
    assert "contacts:write" in error["message"]


def test_auth_comes_before_validation(anonymous: httpx.Client, expect_error) -> None:
    expect_error(anonymous.post("/v1/contacts", json={"bogus": 1}), 401, "unauthorized")


def test_scope_comes_before_validation(client_for, expect_error) -> None:
    reader = client_for("contacts:read")
    expect_error(reader.post("/v1/contacts", json={"bogus": 1}), 403, "forbidden")


def test_auth_comes_before_not_found(anonymous: httpx.Client, expect_error) -> None:
    expect_error(anonymous.get("/v1/contacts/does-not-exist"), 401, "unauthorized")


def test_unknown_resource_is_404_json(api: httpx.Client, expect_error) -> None:
    expect_error(api.get("/v1/widgets"), 404, "not_found", [])


def test_unknown_path_outside_v1_is_404_json(anonymous: httpx.Client, expect_error) -> None:
    expect_error(anonymous.get("/nowhere"), 404, "not_found", [])


def test_unrouted_method_is_405_json(api: httpx.Client, expect_error) -> None:
    response = api.put("/v1/contacts", json={})
    expect_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_invalid_json_is_400_bad_request(api: httpx.Client, expect_error) -> None:
    response = api.post(
        "/v1/contacts", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    expect_error(response, 400, "bad_request")


def test_json_that_is_not_an_object_is_400(api: httpx.Client, expect_error) -> None:
    expect_error(api.post("/v1/contacts", json=["PERSON"]), 400, "bad_request")
