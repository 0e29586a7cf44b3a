"""One prebuilt validator per action schema: building one per request costs more than validating."""

from __future__ import annotations

from functools import cache
from typing import Any

from actions import get_action
from app.payload import validator_for


@cache
def validator_for_action(name: str) -> Any:
    return validator_for(get_action(name).schema)
