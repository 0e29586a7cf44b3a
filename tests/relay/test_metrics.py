"""/metrics: this process's counters, then the state an alert watches, read from SQL and
Redis at scrape time (the same from every web process)."""

from __future__ import annotations


def _samples(client) -> dict[str, float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    found = {}
    for line in response.get_data(as_text=True).splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            found[name] = float(value)
    return found


def test_state_gauges_count_what_waits(relay):
    hook = relay.hook("practice-areas.create")
    for n in range(3):
        assert relay.client.post(hook["path"], json={"name": f"A{n}"}).status_code == 202
    before = _samples(relay.client)
    assert before['relay_jobs{status="queued"}'] == 3
    assert before['relay_queue_depth{queue="relay"}'] == 3
    assert before['relay_state_up{part="database"}'] == 1
    assert before['relay_state_up{part="redis"}'] == 1

    relay.work()
    after = _samples(relay.client)
    assert after['relay_jobs{status="queued"}'] == 0
    assert after['relay_queue_depth{queue="relay"}'] == 0
    assert after["relay_oldest_due_job_seconds"] == 0


def test_a_job_waiting_for_a_person_is_counted(relay):
    hook = relay.hook("contacts.create")
    relay.esqase.fault("POST", "/v1/contacts", kind="process_then_status", status=500, times=2)
    job_id = relay.client.post(hook["path"], json={"type": "PERSON", "lastName": "Doe"}).get_json()[
        "id"
    ]
    relay.esqase.fault("GET", "/v1/contacts", kind="status", status=500, times=100)
    relay.settle(job_id, "needs_review", timeout=30)
    assert _samples(relay.client)['relay_jobs{status="needs_review"}'] == 1


def test_a_database_that_does_not_answer_is_a_value_not_a_failed_scrape(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'missing' / 'nowhere.sqlite3'}")
    samples = _samples(app.test_client())
    assert samples['relay_state_up{part="database"}'] == 0
    assert samples['relay_state_up{part="redis"}'] == 1
    assert not any(name.startswith("relay_jobs{") for name in samples)
