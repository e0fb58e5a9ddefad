"""Helpers the built-in rules share."""

from __future__ import annotations

from datetime import date

from ...ledger import Ledger
from ...models import Branch, Cadre, PartyStatus


def members_on(ledger: Ledger, branch: Branch, day: date) -> tuple[Cadre, ...]:
    """The branch's members on ``day``, alive then."""
    return tuple(c for c in ledger.members_of(branch.id, on=day) if c.alive_on(day))


def full_members(members: tuple[Cadre, ...]) -> tuple[Cadre, ...]:
    """Full members only: probationary members (预备党员) do not count towards thresholds."""
    return tuple(c for c in members if c.party_status is PartyStatus.FULL)


def branch_exists_on(branch: Branch, day: date) -> bool:
    return branch.formed is None or branch.formed <= day
