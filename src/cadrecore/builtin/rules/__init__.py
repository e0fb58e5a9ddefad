"""The built-in rules, one module per topic, registered through ``register_rules`` like any
plugin's rules."""

from __future__ import annotations

from collections.abc import Callable

from ...plugins import hookimpl
from ...rules.engine import Rule
from . import (
    branches,
    checklists,
    coverage,
    data_quality,
    opinions,
    org_life,
    party_dues,
    party_groups,
    plans,
    quotas,
    services,
    treatment,
)

TOPICS = (
    checklists,
    branches,
    coverage,
    org_life,
    party_groups,
    party_dues,
    plans,
    quotas,
    treatment,
    opinions,
    services,
    data_quality,
)


@hookimpl
def register_rules(register: Callable[[Rule], None]) -> None:
    for topic in TOPICS:
        for rule in topic.RULES:
            register(rule)
