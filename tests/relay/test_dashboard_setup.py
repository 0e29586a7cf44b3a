"""Setting up in the console (Flask client): the same service checks as the API, refusals
as the page with the sentence beside the field (4xx, never a 500), CSRF on every form."""

from __future__ import annotations

import re

from tests.relay.test_dashboard import csrf_from, html, signed_in

LEAD = {"type": "PERSON", "firstName": "Jane", "email": "jane@example.com"}


def post(client, path, data, page=None):
    token = csrf_from(client.get(page or path))
    return client.post(path, data={"csrf_token": token, **data})


def new_hook(client, connection_id, **fields):
    data = {
        "name": "Website intake",
        "action": "leads.create",
        "connection_id": connection_id,
        "enabled": "true",
        "verify_sender": "false",
        **fields,
    }
    return post(client, "/dashboard/hooks/new", data)


def hook_id_of(response):
    return response.headers["Location"].rsplit("/", 1)[1]


# -- connections ----------------------------------------------------------------------


def test_adding_a_connection_keeps_the_key_out_of_every_page(relay):
    client = signed_in(relay)
    key = relay.esqase.key
    data = {"name": "Smith & Co", "api_key": key, "base_url": relay.esqase.url}
    response = post(client, "/dashboard/connections", data)
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert f"…{key[-4:]}" in html(page)
    for path in ("/dashboard/connections", response.headers["Location"]):
        assert key not in html(client.get(path))


def test_a_refused_connection_is_the_page_with_each_sentence_and_never_the_key(relay):
    client = signed_in(relay)
    data = {"name": " ", "api_key": "short key", "rate_limit_per_minute": "ten"}
    response = post(client, "/dashboard/connections", data)
    assert response.status_code == 422
    body = html(response)
    assert "name cannot be blank" in body or "name must not be blank" in body
    assert "api_key must be the Esqase API key" in body
    assert "rate_limit_per_minute must be an integer (got &#39;ten&#39;)" in body
    assert "short key" not in body


def test_rate_limit_and_key_rotation_go_through_the_service(relay):
    client = signed_in(relay)
    conn_id = relay.connection()
    path = f"/dashboard/connections/{conn_id}"
    data = {"name": "Firm", "base_url": relay.esqase.url, "rate_limit_per_minute": "120"}
    assert post(client, path, data).status_code == 302
    assert "120 calls / minute" in html(client.get(path))
    refused = post(client, path, {**data, "rate_limit_per_minute": "0"}, page=path)
    assert refused.status_code == 422
    assert "rate_limit_per_minute" in html(refused)

    new_key = relay.esqase.new_key("leads:write")
    assert post(client, f"{path}/key", {"api_key": new_key}, page=path).status_code == 302
    page = html(client.get(path))
    assert f"…{new_key[-4:]}" in page and new_key not in page


def test_check_shows_the_scopes_its_hooks_need(relay):
    client = signed_in(relay)
    conn_id = relay.connection(key=relay.esqase.new_key("contacts:read"))
    relay.hook("leads.create", connection_id=conn_id)
    path = f"/dashboard/connections/{conn_id}"
    response = post(client, f"{path}/check", {}, page=path)
    assert response.status_code == 200
    body = html(response)
    assert "The key lacks leads:write" in body
    assert "Key refused" in body  # the connection's status follows the evidence


def test_deleting_a_connection_needs_confirmation_and_no_hooks(relay):
    client = signed_in(relay)
    conn_id = relay.connection()
    hook = relay.hook("leads.create", connection_id=conn_id)
    path = f"/dashboard/connections/{conn_id}"
    unconfirmed = post(client, f"{path}/delete", {}, page=path)
    assert unconfirmed.status_code == 400
    in_use = post(client, f"{path}/delete", {"confirm": "yes"}, page=path)
    assert in_use.status_code == 409
    assert "Hooks still use this connection" in html(in_use)

    relay.client.delete(f"/api/v1/hooks/{hook['id']}", headers=relay.headers)
    assert post(client, f"{path}/delete", {"confirm": "yes"}, page=path).status_code == 302
    assert client.get(path).status_code == 404


# -- hooks ----------------------------------------------------------------------------


def test_a_new_hook_shows_its_callback_secret_once(relay):
    client = signed_in(relay)
    response = new_hook(client, relay.connection(), verify_sender="typeform")
    assert response.status_code == 302
    first = html(client.get(response.headers["Location"]))
    secrets = re.findall(r'id="(callback|sender)-secret">([^<]+)<', first)
    assert {kind for kind, _ in secrets} == {"callback", "sender"}
    again = html(client.get(response.headers["Location"]))
    for _, secret in secrets:
        assert secret not in again


def test_the_new_hook_page_explains_the_chosen_actions_fields(relay):
    client = signed_in(relay)
    body = html(client.get("/dashboard/hooks/new?action=leads.create"))
    assert "practiceAreaName" in body and "required" in body
    assert "Creates a prospective client" in body


def test_a_refused_hook_shows_the_services_sentences_beside_the_fields(relay):
    client = signed_in(relay)
    response = new_hook(
        client,
        "con_nope",
        action="leads.creat",
        callback_url="ftp://example.com/x",
        mapping='{"type": {"valu": "PERSON"}}',
    )
    assert response.status_code == 422
    body = html(response)
    assert "no connection has this id" in body
    assert "leads.create" in body  # the unknown action's did-you-mean
    assert "at type" in body or "mapping.type" in body
    assert 'name="name" value="Website intake"' in body  # what was typed stays


def test_unreadable_mapping_json_points_at_line_and_column(relay):
    client = signed_in(relay)
    response = new_hook(client, relay.connection(), mapping='{"firstName": "a",\n "x" }')
    assert response.status_code == 422
    assert "The mapping is not valid JSON" in html(response)
    assert "line 2" in html(response)


def test_a_hook_is_edited_with_a_value_map_and_constants(relay):
    client = signed_in(relay)
    hook_id = hook_id_of(new_hook(client, relay.connection()))
    path = f"/dashboard/hooks/{hook_id}"
    mapping = (
        '{"type": {"value": "PERSON"}, "firstName": "first", "email": "mail",'
        ' "value": {"from": "budget", "map": {"Big": "HIGH"}, "default": "LOW"}}'
    )
    data = {"name": "Renamed", "action": "leads.create", "verify_sender": "false"}
    data.update(
        mapping=mapping, idempotency_field="submission", allowed_origins="https://a.example"
    )
    assert post(client, path, data).status_code == 302
    view = relay.client.get(f"/api/v1/hooks/{hook_id}", headers=relay.headers).get_json()["data"]
    assert view["name"] == "Renamed"
    assert view["mapping"]["value"]["map"] == {"Big": "HIGH"}
    assert view["allowed_origins"] == ["https://a.example"]
    assert view["idempotency_field"] == "submission"


def test_disable_then_enable(relay):
    client = signed_in(relay)
    hook = relay.hook("leads.create")
    path = f"/dashboard/hooks/{hook['id']}"
    assert post(client, f"{path}/enabled", {"enabled": "false"}, page=path).status_code == 302
    assert relay.client.post(hook["path"], json=LEAD).status_code == 404
    assert post(client, f"{path}/enabled", {"enabled": "true"}, page=path).status_code == 302
    assert relay.client.post(hook["path"], json=LEAD).status_code == 202


def test_rotation_needs_a_choice_and_a_confirmation(relay):
    client = signed_in(relay)
    hook = relay.hook("leads.create")
    path = f"/dashboard/hooks/{hook['id']}"
    assert post(client, f"{path}/rotate", {"confirm": "yes"}, page=path).status_code == 400
    assert post(client, f"{path}/rotate", {"rotate": "url"}, page=path).status_code == 400
    refused = post(client, f"{path}/rotate", {"rotate": "sender_secret", "confirm": "yes"}, path)
    assert refused.status_code == 409  # this hook does not verify senders
    assert relay.client.post(hook["path"], json=LEAD).status_code == 202  # nothing changed

    done = post(client, f"{path}/rotate", {"rotate": "url", "confirm": "yes"}, page=path)
    assert done.status_code == 302
    assert relay.client.post(hook["path"], json=LEAD).status_code == 404


def test_deleting_a_hook_needs_confirmation(relay):
    client = signed_in(relay)
    hook = relay.hook("leads.create")
    path = f"/dashboard/hooks/{hook['id']}"
    assert post(client, f"{path}/delete", {}, page=path).status_code == 400
    assert post(client, f"{path}/delete", {"confirm": "yes"}, page=path).status_code == 302
    assert client.get(path).status_code == 404


def test_a_test_delivery_posts_the_actions_example_and_links_the_job(relay):
    client = signed_in(relay)
    hook = relay.hook("contacts.create")
    path = f"/dashboard/hooks/{hook['id']}"
    response = post(client, f"{path}/test", {}, page=path)
    assert response.status_code == 302
    job_id = response.headers["Location"].split("test=")[1]
    page = html(client.get(response.headers["Location"]))
    assert f"/dashboard/jobs/{job_id}" in page
    assert relay.settle(job_id)["status"] == "succeeded"
    assert relay.job(job_id)["input"]["firstName"] == "Jane"


def test_the_hook_page_lists_what_the_hook_received(relay):
    client = signed_in(relay)
    hook = relay.hook("leads.create")
    relay.client.post(hook["path"], json={**LEAD, "note": "<script>x</script>"})
    body = html(client.get(f"/dashboard/hooks/{hook['id']}"))
    assert "firstName" in body and "Jane" in body
    assert "<script>x" not in body


def test_every_setup_form_refuses_a_post_without_the_csrf_token(relay):
    client = signed_in(relay)
    hook = relay.hook("leads.create")
    conn = hook["connection_id"]
    paths = [
        "/dashboard/connections",
        f"/dashboard/connections/{conn}",
        f"/dashboard/connections/{conn}/key",
        f"/dashboard/connections/{conn}/check",
        f"/dashboard/connections/{conn}/delete",
        "/dashboard/hooks/new",
        f"/dashboard/hooks/{hook['id']}",
        f"/dashboard/hooks/{hook['id']}/enabled",
        f"/dashboard/hooks/{hook['id']}/rotate",
        f"/dashboard/hooks/{hook['id']}/delete",
        f"/dashboard/hooks/{hook['id']}/test",
    ]
    for path in paths:
        response = client.post(path, data={"confirm": "yes", "rotate": "url", "name": "x"})
        assert response.status_code == 400, path
    assert relay.client.post(hook["path"], json=LEAD).status_code == 202  # still the same URL


def test_unknown_ids_are_404_pages(relay):
    client = signed_in(relay)
    for path in ("/dashboard/connections/con_nope", "/dashboard/hooks/hook_nope"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "No " in html(response)


def test_the_favicon_and_stylesheet_are_served_to_a_signed_out_visitor(client):
    icon = client.get("/dashboard/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert client.get("/dashboard/console.css").mimetype == "text/css"
    page = html(client.get("/dashboard/login"))
    assert 'rel="icon"' in page and "<script" not in page
