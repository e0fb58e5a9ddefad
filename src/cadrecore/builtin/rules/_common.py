"""Helpers the built-in rules share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from ...ledger import Ledger
from ...models import Branch, Cadre, PartyStatus

T = TypeVar("T")


def members_on(ledger: Ledger, branch: Branch, day: date) -> tuple[Cadre, ...]:
    """The branch's members on ``day``, alive then."""
    return tuple(c for c in ledger.members_of(branch.id, on=day) if c.alive_on(day))


def full_members(members: tuple[Cadre, ...]) -> tuple[Cadre, ...]:
    """Full members only: probationary members (预备党员) do not count towards thresholds."""
    return tuple(c for c in members if c.party_status is PartyStatus.FULL)


def branch_exists_on(branch: Branch, day: date) -> bool:
    return branch.formed is None or branch.formed <= day


# ---------------------------------------------------------------------------------------------
# The bulk kinds by columns (Ledger.columns): what the heavy rules read at province scale.
# Each is worked out once per ledger and shared by the rules that ask for it.
# ---------------------------------------------------------------------------------------------

_FACTS = "_rule_facts"


def shared(ledger: Ledger, name: str, build: Callable[[Ledger], T]) -> T:
    """``build(ledger)``, worked out once per ledger under ``name`` (rules run one after the
    other on the same ledger, and several need the same index)."""
    cache: dict[str, Any] = ledger.__dict__.setdefault(_FACTS, {})
    if name not in cache:
        cache[name] = build(ledger)
    return cache[name]  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class CadreFacts:
    """What the rules ask of a cadre most often, without the cadre record."""

    party_status: PartyStatus | None
    deceased: date | None
    health_exempt: bool

    def alive_on(self, day: date) -> bool:
        return self.deceased is None or day < self.deceased


def cadre_facts(ledger: Ledger) -> Mapping[str, CadreFacts]:
    """Every cadre's :class:`CadreFacts`, by id."""

    def build(ledger: Ledger) -> dict[str, CadreFacts]:
        return {
            cadre_id: CadreFacts(status, deceased, exempt)
            for cadre_id, status, deceased, exempt in ledger.columns(
                "cadres", "id", "party_status", "deceased", "health_exempt"
            )
        }

    return shared(ledger, "cadre_facts", build)


Span = tuple[date, date, str]
"""A membership as (joined, left, cadre id), open ends as ``date.min`` and ``date.max``."""


def member_spans(ledger: Ledger) -> Mapping[str, tuple[Span, ...]]:
    """Per branch id, its memberships as :data:`Span`, in ledger order (as
    ``ledger.members_of`` sees them)."""

    def build(ledger: Ledger) -> dict[str, tuple[Span, ...]]:
        spans: dict[str, list[Span]] = defaultdict(list)
        low, high = date.min, date.max
        for cadre_id, branch_id, since, until in ledger.columns(
            "memberships", "cadre_id", "branch_id", "since", "until"
        ):
            spans[branch_id].append((since or low, until or high, cadre_id))
        return {branch_id: tuple(held) for branch_id, held in spans.items()}

    return shared(ledger, "member_spans", build)


def member_ids_on(ledger: Ledger, branch_id: str, day: date) -> list[str]:
    """The ids of the branch's members on ``day``, alive then: :func:`members_on` by id."""
    facts = cadre_facts(ledger)
    return [
        cadre_id
        for since, until, cadre_id in member_spans(ledger).get(branch_id, ())
        if since <= day < until and facts[cadre_id].alive_on(day)
    ]
