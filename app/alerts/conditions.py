"""Which alert conditions hold, and the sentence each one says: pure, from a summary.

The sentence goes in the event's top-level ``text``, which is what a Slack incoming
webhook posts; names a person typed (connections, hooks) are escaped the way Slack asks
(``&``, ``<``, ``>``), so a name cannot turn into a link or a mention.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ..services.attention import Attention


@dataclass(frozen=True)
class Condition:
    key: str  # what it is about; one open alert per key
    type: str  # the event type, alert.*
    text: str
    data: dict[str, Any]


def _slack(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _jobs(n: int) -> str:
    return f"{n} job" if n == 1 else f"{n} jobs"


def conditions(summary: Attention, public_url: str) -> list[Condition]:
    console = f"{public_url}/dashboard"
    found: list[Condition] = []
    if summary.needs_review:
        n, url = summary.needs_review, f"{console}/jobs?status=needs_review"
        verb = "needs" if n == 1 else "need"
        found.append(
            Condition(
                "needs_review",
                "alert.needs_review",
                f"Esqase Relay: {_jobs(n)} {verb} review. A create may or may not have "
                "reached Esqase and the relay could not tell; check Esqase, then link the "
                f"record, create it or discard the job: {url}",
                {"count": n, "url": url},
            )
        )
    if summary.failed_last_day:
        n, url = summary.failed_last_day, f"{console}/jobs?status=failed"
        found.append(
            Condition(
                "failures",
                "alert.failures",
                f"Esqase Relay: {_jobs(n)} failed in the last 24 hours (Esqase refused "
                f"them, or their retries ran out). See why, then retry or replay them: {url}",
                {"count": n, "url": url},
            )
        )
    for conn in summary.failing_connections:
        url = f"{console}/connections"
        why = f" ({_slack(conn.last_error)})" if conn.last_error else ""
        found.append(
            Condition(
                f"connection_auth_failed:{conn.connection_id}",
                "alert.connection_auth_failed",
                f"Esqase Relay: Esqase refused the API key of connection "
                f"'{_slack(conn.name)}'{why}. Every hook using it fails until it has a "
                f"working key: {url}",
                {"connection_id": conn.connection_id, "name": conn.name, "url": url},
            )
        )
    for hook in summary.hooks_rising_rejections:
        query = urlencode({"status": "rejected", "hook_id": hook.hook_id})
        url = f"{console}/jobs?{query}"
        found.append(
            Condition(
                f"hook_rejections:{hook.hook_id}",
                "alert.hook_rejections",
                f"Esqase Relay: hook '{_slack(hook.name)}' refused {hook.rejected} of its "
                f"{hook.deliveries} deliveries in the last hour. A changed form or a mapping "
                f"mistake? See why, fix the hook, then replay them: {url}",
                {
                    "hook_id": hook.hook_id,
                    "name": hook.name,
                    "rejected": hook.rejected,
                    "deliveries": hook.deliveries,
                    "url": url,
                },
            )
        )
    return found
