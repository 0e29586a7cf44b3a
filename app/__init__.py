"""Esqase Relay: hook URL -> validated job -> Esqase record -> signed callback.

The app exists only inside :func:`create_app`; every resource (SQL engine,
Redis, RQ queues, the vault, the Esqase client factory) is attached by its own
module's ``init_app`` so nothing reads configuration at import time.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

__version__ = "0.1.0"


def create_app(test_config: dict[str, Any] | None = None, *, web: bool = True) -> Flask:
    """``web=False`` (the CLI's commands, the worker) leaves out the blueprints: the
    admin API, the console and the hook URLs are most of the import time a command
    would pay at every start, and nothing but a request uses them."""
    import os

    from . import config, db, errors, hookcache, metrics, redis_conn, vault

    instance = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("RELAY_INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True, instance_path=instance)
    config.load(app, test_config)
    if app.config["PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    db.init_app(app)
    vault.init_app(app)
    redis_conn.init_app(app)
    metrics.init_app(app)
    errors.init_app(app)
    hookcache.init_app(app)
    if web:
        _serve(app)
    return app


def _serve(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .dashboard import bp as dashboard_bp
    from .health import bp as health_bp
    from .ingest import bp as ingest_bp
    from .ingest import rawbody

    rawbody.init_app(app)
    app.register_blueprint(ingest_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(health_bp)
