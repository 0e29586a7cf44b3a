"""`esqase-relay purge`: finished jobs past retention go with all their history; nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, update

from app.cli import cli
from app.db import get_db, session
from app.errors import BadRequest
from app.models import Attempt, CallbackEvent, Delivery, Job, utcnow
from app.services.retention import Purged, purge

OLD = timedelta(days=40)


def _age(job_id: str, *, finished: timedelta | None = None, created: timedelta | None = None):
    """Move a job's clock back: as if it had been created or had finished that long ago."""
    values = {}
    if finished is not None:
        values["finished_at"] = utcnow() - finished
    if created is not None:
        values["created_at"] = utcnow() - created
    with session() as s:
        s.execute(update(Job).where(Job.id == job_id).values(**values))


def _rows(job_id: str) -> dict[str, int]:
    with session() as s:

        def count(model, *where) -> int:
            return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)

        events = select(CallbackEvent.id).where(CallbackEvent.job_id == job_id)
        return {
            "jobs": count(Job, Job.id == job_id),
            "attempts": count(Attempt, Attempt.job_id == job_id),
            "callback_events": count(CallbackEvent, CallbackEvent.job_id == job_id),
            "deliveries": count(Delivery, Delivery.event_id.in_(events)),
        }


def _post(relay, hook, body) -> str:
    response = relay.client.post(hook["path"], json=body)
    data = response.get_json()
    return str(data.get("id") or data["job_id"])


@pytest.fixture
def history(relay, inbox):
    """One job of each kind that matters to retention, each with its attempts, callback
    event and delivery where it has them. Returns {kind: job id}."""
    hook = relay.hook("practice-areas.create", callback_url=inbox.url)
    jobs = {
        "old_succeeded": _post(relay, hook, {"name": "Tax"}),
        "young_succeeded": _post(relay, hook, {"name": "Family"}),
        "created_long_ago_finished_now": _post(relay, hook, {"name": "Estates"}),
        "old_rejected": _post(relay, hook, {"name": ""}),
    }
    relay.work(until=lambda: len(inbox.received) == 3)
    # A lost create on a key that cannot read practice areas: nothing can settle it.
    blind = relay.connection(key=relay.esqase.new_key("practice-areas:write"))
    review_hook = relay.hook("practice-areas.create", blind, callback_url=inbox.url)
    relay.esqase.fault("POST", "/v1/practice-areas", status=500)
    jobs["old_needs_review"] = _post(relay, review_hook, {"name": "Criminal"})
    relay.settle(jobs["old_needs_review"], "needs_review")
    relay.work(until=lambda: len(inbox.received) == 4)
    jobs["old_queued"] = _post(relay, hook, {"name": "Never run"})  # no worker runs it

    for kind in ("old_succeeded", "old_rejected", "old_needs_review"):
        _age(jobs[kind], finished=OLD, created=OLD)
    _age(jobs["created_long_ago_finished_now"], created=OLD)
    _age(jobs["old_queued"], created=OLD)

    assert _rows(jobs["old_succeeded"]) == {
        "jobs": 1,
        "attempts": 1,
        "callback_events": 1,
        "deliveries": 1,
    }
    return jobs


KEPT = ("young_succeeded", "created_long_ago_finished_now", "old_needs_review", "old_queued")


def test_purge_deletes_old_finished_jobs_with_all_their_history(history):
    kept = {kind: _rows(history[kind]) for kind in KEPT}
    with session() as s:
        purged = purge(s, days=30)

    assert purged == Purged(jobs=2, attempts=1, callback_events=1, deliveries=1)
    for kind in ("old_succeeded", "old_rejected"):
        assert _rows(history[kind]) == {
            "jobs": 0,
            "attempts": 0,
            "callback_events": 0,
            "deliveries": 0,
        }
    for kind in KEPT:  # unfinished, needs_review, younger, finished recently: untouched
        assert _rows(history[kind]) == kept[kind], kind


def test_purge_judges_age_by_finished_at_not_created_at(history):
    with session() as s:
        purge(s, days=30)
    assert _rows(history["created_long_ago_finished_now"])["jobs"] == 1
    _age(history["created_long_ago_finished_now"], finished=OLD)
    with session() as s:
        assert purge(s, days=30).jobs == 1
    assert _rows(history["created_long_ago_finished_now"])["jobs"] == 0


def test_a_dry_run_counts_what_would_go_and_deletes_nothing(history):
    before = {kind: _rows(job_id) for kind, job_id in history.items()}
    with session() as s:
        counted = purge(s, days=30, dry_run=True)
    assert counted == Purged(jobs=2, attempts=1, callback_events=1, deliveries=1)
    assert {kind: _rows(job_id) for kind, job_id in history.items()} == before
    with session() as s:
        assert purge(s, days=30) == counted  # the count was of exactly what then went


def test_purge_deletes_in_batches_and_commits_after_each(relay):
    hook = relay.hook("practice-areas.create")
    rejected = [_post(relay, hook, {"name": ""}) for _ in range(5)]
    for job_id in rejected:
        _age(job_id, finished=OLD)
    commits: list[int] = []

    def on_commit(_conn) -> None:
        commits.append(1)

    engine = get_db().engine
    event.listen(engine, "commit", on_commit)
    try:
        with session() as s:
            purged = purge(s, days=30, batch=2)
    finally:
        event.remove(engine, "commit", on_commit)
    assert purged.jobs == 5
    assert all(_rows(job_id)["jobs"] == 0 for job_id in rejected)
    assert len(commits) >= 3  # batches of 2, 2 and 1, each committed on its own


def test_batches_of_two_take_all_five_old_jobs_with_their_history_and_nothing_else(relay, inbox):
    hook = relay.hook("practice-areas.create", callback_url=inbox.url)
    old = [_post(relay, hook, {"name": f"Old {i}"}) for i in range(5)]
    young = _post(relay, hook, {"name": "Young"})
    relay.work(until=lambda: len(inbox.received) == 6)
    waiting = _post(relay, hook, {"name": "Never run"})  # queued: no worker runs it
    for job_id in (*old, waiting):
        _age(job_id, finished=OLD, created=OLD)
    assert all(
        _rows(j) == {"jobs": 1, "attempts": 1, "callback_events": 1, "deliveries": 1} for j in old
    )
    kept = {j: _rows(j) for j in (young, waiting)}
    totals: list[int] = []

    with session() as s:
        purged = purge(s, days=30, batch=2, progress=lambda t: totals.append(t.jobs))

    assert purged == Purged(jobs=5, attempts=5, callback_events=5, deliveries=5)
    assert totals == [2, 4, 5]  # three batches, each reported once it was committed
    for job_id in old:
        assert _rows(job_id) == {"jobs": 0, "attempts": 0, "callback_events": 0, "deliveries": 0}
    assert {j: _rows(j) for j in (young, waiting)} == kept


def test_a_batch_size_out_of_bounds_is_refused(history, runner):
    with session() as s:
        with pytest.raises(BadRequest, match="batch size must be 1 to"):
            purge(s, days=30, batch=0)
    result = runner.invoke(cli, ["purge", "--days", "30", "--batch-size", "0", "--yes"])
    assert result.exit_code == 2 and "--batch-size" in result.output
    assert _rows(history["old_succeeded"])["jobs"] == 1


def test_a_long_cli_purge_reports_its_progress(relay, runner, monkeypatch):
    from app.cli import maintenance

    monkeypatch.setattr(maintenance, "PROGRESS_EVERY", 0.0)  # a line after every batch
    hook = relay.hook("practice-areas.create")
    for job_id in [_post(relay, hook, {"name": ""}) for _ in range(3)]:
        _age(job_id, finished=OLD, created=OLD)
    result = runner.invoke(cli, ["purge", "--days", "30", "--batch-size", "2", "--yes"])
    assert result.exit_code == 0, result.output
    assert "purging: 2 job(s) so far" in result.stderr  # a full batch: more may follow
    assert "purging: 3" not in result.stderr  # the last batch: the summary says it
    assert result.stdout.startswith("purged 3 job(s)")


@pytest.mark.parametrize("days", [0, -1])
def test_purge_refuses_fewer_than_one_day(history, days):
    with session() as s:
        with pytest.raises(BadRequest, match="days must be 1 or more"):
            purge(s, days=days)
    assert _rows(history["old_succeeded"])["jobs"] == 1
    assert _rows(history["young_succeeded"])["jobs"] == 1


# --- from the command line ---------------------------------------------------------


def test_cli_purge_deletes_and_says_what_went(history, runner):
    result = runner.invoke(cli, ["purge", "--days", "30", "--yes"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "purged 2 job(s), 1 attempt(s), 1 callback event(s) and 1 delivery(ies)"
    )
    assert _rows(history["old_succeeded"])["jobs"] == 0
    assert all(_rows(history[kind])["jobs"] == 1 for kind in KEPT)


def test_cli_purge_dry_run_deletes_nothing(history, runner):
    result = runner.invoke(cli, ["purge", "--days", "30", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "would purge 2 job(s), 1 attempt(s), 1 callback event(s) and 1 delivery(ies)"
    )
    assert "nothing deleted" in result.output
    assert _rows(history["old_succeeded"]) == {
        "jobs": 1,
        "attempts": 1,
        "callback_events": 1,
        "deliveries": 1,
    }


@pytest.mark.parametrize("days", ["0", "-1"])
def test_cli_purge_refuses_fewer_than_one_day(history, runner, days):
    result = runner.invoke(cli, ["purge", "--days", days])
    assert result.exit_code == 2
    assert "'--days'" in result.output and "must be 1 or more" in result.output
    assert _rows(history["old_succeeded"])["jobs"] == 1


def test_cli_purge_uses_the_retention_setting(history, runner):
    result = runner.invoke(cli, ["purge", "--yes"])  # RELAY_RETENTION_DAYS: 30 by default
    assert result.exit_code == 0, result.output
    assert "purged 2 job(s)" in result.output


def test_cli_purge_refuses_a_retention_setting_below_one_day(history, make_app):
    app = make_app(RETENTION_DAYS=0)
    with app.app_context():  # the CLI uses the app whose context is active
        result = app.test_cli_runner().invoke(cli, ["purge"])
    assert result.exit_code == 2
    assert "RELAY_RETENTION_DAYS must be 1 or more" in result.output
    assert _rows(history["old_succeeded"])["jobs"] == 1
