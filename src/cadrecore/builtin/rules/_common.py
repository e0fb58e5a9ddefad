"""Helpers the built-in rules share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import compress, repeat
from operator import countOf, is_not, itemgetter, ne
from typing import Any, Final

from ...ledger import Ledger
from ...models import Branch, Cadre, PartyStatus
from ...rules.engine import RuleContext, shared_with_ledger


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


shared = shared_with_ledger
"""``build(ledger)``, worked out once per ledger under ``name`` (rules run one after the other
on the same ledger, and several need the same index): :meth:`RuleContext.shared`."""


@dataclass(frozen=True, slots=True)
class CadreFacts:
    """What the rules ask of the cadres most often, by cadre id, without the cadre records."""

    #: the cadres who are not full members (probationary members and those not in the party)
    not_full: frozenset[str]
    #: the cadres recorded as deceased, and the day they died (``Cadre.alive_on``: before it)
    deceased: Mapping[str, date]
    #: the cadres excused for health (``health_exempt``)
    health_exempt: frozenset[str]


def cadre_facts(ledger: Ledger) -> CadreFacts:
    """The :class:`CadreFacts` of every cadre: one read of four columns, sorted out in C."""

    def build(ledger: Ledger) -> CadreFacts:
        ids, statuses, deceased, exempt = ledger.column_values(
            "cadres", "id", "party_status", "deceased", "health_exempt"
        )
        return CadreFacts(
            frozenset(compress(ids, map(ne, statuses, repeat(PartyStatus.FULL)))),
            dict(compress(zip(ids, deceased, strict=True), map(is_not, deceased, repeat(None)))),
            frozenset(compress(ids, exempt)),
        )

    return shared(ledger, "cadre_facts", build)


CADRE_FACTS_READS = ("cadres.id", "cadres.party_status", "cadres.deceased", "cadres.health_exempt")
"""The columns :func:`cadre_facts` reads (for ``Rule.reads``)."""


Span = tuple[date, date, str]
"""A membership as (joined, left, cadre id), open ends as ``date.min`` and ``date.max``."""


def member_spans(ledger: Ledger) -> Mapping[str, Sequence[Span]]:
    """Per branch id, its memberships as :data:`Span`, in ledger order (as
    ``ledger.members_of`` sees them)."""

    def build(ledger: Ledger) -> dict[str, list[Span]]:
        spans: defaultdict[str, list[Span]] = defaultdict(list)
        low, high = date.min, date.max
        for cadre_id, branch_id, since, until in ledger.columns(
            "memberships", "cadre_id", "branch_id", "since", "until"
        ):
            spans[branch_id].append((since or low, until or high, cadre_id))
        return dict(spans)

    return shared(ledger, "member_spans", build)


MEMBER_SPANS_READS = (
    "memberships.cadre_id",
    "memberships.branch_id",
    "memberships.since",
    "memberships.until",
)
"""The columns :func:`member_spans` reads (for ``Rule.reads``)."""

BRANCH_MEMBERS_READS = CADRE_FACTS_READS + MEMBER_SPANS_READS
"""The columns :func:`branch_members_on` (and :func:`member_ids_on`) read."""


def member_ids_on(ledger: Ledger, branch_id: str, day: date) -> list[str]:
    """The ids of the branch's members on ``day``, alive then: :func:`members_on` by id."""
    died = cadre_facts(ledger).deceased
    return [
        cadre_id
        for since, until, cadre_id in member_spans(ledger).get(branch_id, ())
        if since <= day < until and ((death := died.get(cadre_id)) is None or day < death)
    ]


@dataclass(frozen=True, slots=True)
class BranchMembers:
    """A branch's members on a day, alive then (``members_on`` by id), and how many of them
    are full members (``full_members``: probationary members do not count)."""

    ids: tuple[str, ...]
    full: int


NO_MEMBERS = BranchMembers((), 0)
"""The :class:`BranchMembers` of a branch with no membership record."""


def branch_members_on(ledger: Ledger, day: date) -> Mapping[str, BranchMembers]:
    """Per branch id, its :class:`BranchMembers` on ``day`` (a branch with no membership
    record is missing: use ``.get(branch_id, NO_MEMBERS)``).

    Built once per ledger and day from :func:`member_spans` (the memberships' cadre, branch
    and dates) and :func:`cadre_facts` (each cadre's party status and death): a membership
    counts when it holds on ``day`` (joined by then, not yet left) and the cadre is alive
    then, in the order ``ledger.members_of`` gives.
    """

    def build(ledger: Ledger) -> dict[str, BranchMembers]:
        facts = cadre_facts(ledger)
        # the cadres dead by the day (alive_on: before the day they died), tested in the same
        # pass that keeps the memberships holding on the day
        dead = {cadre_id for cadre_id, death in facts.deceased.items() if death <= day}
        is_not_full = facts.not_full.__contains__
        found: dict[str, BranchMembers] = {}
        for branch_id, spans in member_spans(ledger).items():
            ids = [
                cadre_id
                for since, until, cadre_id in spans
                if since <= day < until and cadre_id not in dead
            ]
            full = len(ids) - countOf(map(is_not_full, ids), True)
            found[branch_id] = BranchMembers(tuple(ids), full)
        return found

    return shared(ledger, f"branch_members_on:{day.isoformat()}", build)


# ---------------------------------------------------------------------------------------------
# A few records by id
# ---------------------------------------------------------------------------------------------


def values_by_id(
    ledger: Ledger, kind: str, ids: Iterable[str], *fields: str
) -> dict[str, tuple[Any, ...]]:
    """``fields`` of the records of ``kind`` with the given ids, as tuples, by id: one
    ``Ledger.columns`` read ``where`` the id is one of those asked for (on an opened ledger, in
    SQL, the ids sent as one list; in memory, one pass over the records). At a province's
    million cadres, reading the few cadres a rule names costs milliseconds where a whole column
    costs seconds and a point lookup per cadre one query each. An id with no record is missing
    from the result.
    """
    wanted = set(ids)
    if not wanted:
        return {}
    return {row[0]: row[1:] for row in ledger.columns(kind, "id", *fields, where={"id": wanted})}


def cadre_names(ledger: Ledger, ids: Collection[str]) -> Mapping[str, str]:
    """The names of the cadres ``ids`` (those a rule names in its findings), in one read."""
    return {
        cadre_id: name for cadre_id, (name,) in values_by_id(ledger, "cadres", ids, "name").items()
    }


# ---------------------------------------------------------------------------------------------
# The activities of the year judged, by columns
# ---------------------------------------------------------------------------------------------

ActivityRow = tuple[str, str, date, str | None, tuple[str, ...], int | None]
"""An activity as the columns of :data:`ACTIVITY_FIELDS`."""

ACTIVITY_FIELDS = ("activity_kind", "id", "date", "branch_id", "attendee_ids", "headcount")
"""The columns of the activities that the rules of organizational life read: one read for all
of them (a second read of other columns would cost as much again at scale)."""

ACTIVITIES_BATCH = "builtin:activities_judged"
"""The :attr:`~cadrecore.rules.Rule.batch` of the rules that read :func:`activities_judged` (the
rules of organizational life and ``data.attendance``): in one process, they share one read."""

# where each of ACTIVITY_FIELDS is in an ActivityRow
KIND: Final = 0
ID: Final = 1
DATE: Final = 2
BRANCH: Final = 3
ATTENDEES: Final = 4
HEADCOUNT: Final = 5


def days_judged(ctx: RuleContext) -> frozenset[date] | None:
    """Each day from the start of the year judged to the date judged (``as_of``), for a
    ``where`` on the activities' dates (in SQL on an opened ledger: the other years' activities
    are not read); empty when the date judged is before the year. None when the span is too
    long for a list of days in SQL (a date judged years after the year, which
    ``evaluate(year=..., as_of=...)`` allows): then read without it and keep the span's."""
    first, last = ctx.period.start, ctx.as_of
    if last < first:
        return frozenset()
    span = (last - first).days + 1
    if span > _MOST_DAYS:
        return None
    return frozenset(first + timedelta(days=n) for n in range(span))


def activities_judged(ctx: RuleContext, kinds: Collection[str] | None) -> Sequence[ActivityRow]:
    """The activities of ``kinds`` (None: of every kind) dated from the start of the year
    judged to the date judged (:func:`days_judged`), as :data:`ActivityRow`, in ledger order.

    One ``Ledger.columns`` read of :data:`ACTIVITY_FIELDS`, kept by a ``where`` on the kinds and
    days; cached by the ledger, so every rule asking for the same kinds and span shares it.
    """
    days = days_judged(ctx)
    if days is not None and not days:
        return ()
    where: dict[str, Collection[Any]] = {}
    if kinds is not None:
        where["activity_kind"] = frozenset(kinds)
    if days is None:
        first, last = ctx.period.start, ctx.as_of
        every: Sequence[ActivityRow] = ctx.ledger.columns(
            "activities", *ACTIVITY_FIELDS, where=where
        )
        return [row for row in every if first <= row[DATE] <= last]
    where["date"] = days
    rows: Sequence[ActivityRow] = ctx.ledger.columns("activities", *ACTIVITY_FIELDS, where=where)
    return rows


_MOST_DAYS = 3 * 366
"""The longest span :func:`days_judged` lists the days of."""


def held_by_branch(
    ctx: RuleContext, kind: str, kinds: Collection[str] | None
) -> Mapping[str, Sequence[ActivityRow]]:
    """The activities of ``kind`` that :func:`activities_judged` reads, by the id of the branch
    that held them, each branch's by date (then id), as ``ledger.activities_by_branch`` orders
    them. ``kinds`` (``kind`` among them; None: every kind) are read and grouped together, in
    one pass, once per ledger, kinds and span: the rules running that read activities share
    it."""
    first, last = ctx.period.start, ctx.as_of
    read = None if kinds is None else frozenset(kinds) | {kind}

    def build(_: object) -> dict[str, dict[str, list[ActivityRow]]]:
        grouped: dict[str, dict[str, list[ActivityRow]]] = {}
        for row in activities_judged(ctx, read):
            branch_id = row[BRANCH]
            if branch_id is not None:
                by_branch = grouped.get(row[KIND])
                if by_branch is None:
                    by_branch = grouped[row[KIND]] = {}
                held = by_branch.get(branch_id)
                if held is None:
                    by_branch[branch_id] = [row]
                else:
                    held.append(row)
        by_date = itemgetter(DATE, ID)
        for by_branch in grouped.values():
            for held in by_branch.values():
                if len(held) > 1:
                    held.sort(key=by_date)
        return grouped

    which = "all" if read is None else ",".join(sorted(read))
    index = shared(ctx.ledger, f"activities_by_kind_branch:{first}:{last}:{which}", build)
    return index.get(kind, {})
