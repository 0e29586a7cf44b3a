"""The "needs attention" count in every page's header, and the page that spells it out.

The count is one statement (:func:`app.services.attention.count`), taken once per
page and only when the header is drawn (the sign-in page has none). A page must never
break because the database hiccups while counting: then the header shows no count and
the page renders as usual; the attention page itself says it could not be read.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from ..db import session
from ..services import attention as svc
from . import bp

log = logging.getLogger(__name__)
OUTAGES = (SQLAlchemyError, RedisError, OSError)
CACHE = "esqase_relay.attention"


def needs_attention() -> int | None:
    """The header's number, or ``None`` when it could not be counted right now."""
    cache = request.environ  # once per request (``g`` may outlive one: an app context
    if CACHE not in cache:  # pushed around several requests, as in tests, keeps it)
        try:
            with session() as s:
                cache[CACHE] = svc.count(s)
        except OUTAGES as exc:
            log.warning("attention count unavailable: %s", type(exc).__name__)
            cache[CACHE] = None
    value = cache[CACHE]
    return value if isinstance(value, int) else None


@bp.context_processor
def _header() -> dict[str, Any]:
    return {"needs_attention": needs_attention}


@bp.get("/attention")
def attention() -> ResponseReturnValue:
    try:
        with session() as s:
            found: svc.Attention | None = svc.summary(s)
    except OUTAGES as exc:
        log.warning("attention summary unavailable: %s", type(exc).__name__)
        found = None
    page = render_template(
        "dashboard/attention.html",
        active="attention",
        found=found,
        threshold=int(current_app.config["ALERT_REJECTIONS"]),
    )
    return page, 200 if found is not None else 503
