"""Who a job is about, and a record as fields: pure functions over whatever was posted."""

from __future__ import annotations

from app.dashboard import fields, people
from app.dashboard.people import Person


def test_a_lead_names_its_person_and_email():
    lead = {"type": "PERSON", "firstName": "Jane", "lastName": "Doe", "email": "jane@x.org"}
    assert people.person(lead) == Person("Jane Doe", "jane@x.org")


def test_a_contact_takes_the_first_of_its_emails():
    contact = {"firstName": "Ann", "emails": ["ann@x.org", "a2@x.org"]}
    assert people.person(contact) == Person("Ann", "ann@x.org")
    assert people.person({"emails": [{"address": "b@x.org"}]}) == Person("", "b@x.org")


def test_a_matter_for_a_client_names_the_client_not_the_title():
    body = {"title": "Lee divorce", "client": {"firstName": "Ann", "lastName": "Lee"}}
    assert people.person(body).name == "Ann Lee"
    assert people.person({"title": "Lee divorce"}).name == "Lee divorce"  # no person: its title
    assert people.person({"client": {"companyName": "Acme", "emails": ["c@acme.test"]}}) == (
        Person("Acme", "c@acme.test")
    )


def test_a_company_and_snake_case_forms_are_found():
    assert people.person({"companyName": "Acme Ltd"}).name == "Acme Ltd"
    assert people.person({"first_name": "Bo", "email_address": "bo@x.org"}) == (
        Person("Bo", "bo@x.org")
    )
    assert people.person({"primaryEmail": "p@x.org", "name": "Tax"}) == Person("Tax", "p@x.org")


def test_odd_input_finds_nobody_and_never_raises():
    for odd in (None, [], "Jane", 3, {"firstName": 5}, {"emails": []}, {"client": "x"}):
        assert not people.person(odd)


def test_long_and_spaced_names_are_tidied():
    found = people.person({"firstName": "  Jane \n", "lastName": "x" * 300})
    assert found.name.startswith("Jane x") and len(found.name) == people.LONGEST


def test_a_rejected_job_is_read_from_what_arrived():
    view = {"input": None, "received": {"kind": "json", "fields": {"name": "Bo"}}}
    assert people.of_job(view).name == "Bo"


def test_top_level_fields_become_rows_and_nested_ones_one_line():
    record = {
        "id": "lead_1",
        "isPrivate": False,
        "contact": {"firstName": "Jane", "emails": ["j@x.org"]},
        "tags": [],
        "value": None,
    }
    assert fields.rows(record) == [
        ("id", "lead_1"),
        ("isPrivate", "no"),
        ("contact", "firstName: Jane · emails: j@x.org"),
        ("tags", "—"),
        ("value", "—"),
    ]


def test_lists_of_objects_and_long_values_stay_short():
    rows = dict(fields.rows({"team": [{"id": 1}, {"id": 2}], "note": "y" * 500}))
    assert rows["team"] == "{id: 1}; {id: 2}"
    assert len(rows["note"]) == fields.LONGEST and rows["note"].endswith("…")
    assert fields.rows(None) == [] and fields.rows([1, 2]) == [("value", "1; 2")]
