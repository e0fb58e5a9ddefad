"""A unit's view of a stored ledger, selected in SQL: other units' rows are never read.

:func:`scoped_queries` gives, for each record kind, the ``SELECT`` of the rows in a unit's view
(the rules are :mod:`cadrecore.scope`'s, which applies them in memory; a test holds the two to
the same result). Each query carries its scope as common table expressions: the unit's subtree
and its ancestors (recursive, over the ``units`` table), the ids in view of each kind the query
depends on, and the context it closes over. Lists kept as JSON (a branch's committee, an
activity's attendees) are expanded with ``json_each`` on SQLite and ``json_array_elements`` on
PostgreSQL. :meth:`Store.load(unit=...) <cadrecore.store.Store.load>` runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Connection,
    Select,
    and_,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    true,
    union,
)
from sqlalchemy.sql.expression import FromClause
from sqlalchemy.types import Text

from ..models import RECORD_KINDS
from ..scope import SUBJECT_KINDS, higher_levels, no_such_unit
from .schema import LEDGERS, RECORD_TABLES

Predicate = Callable[[Any], ColumnElement[bool]]


def scoped_queries(conn: Connection, ledger_id: str, unit_id: str) -> dict[str, Select[Any]]:
    """For each record kind, the query of the rows in ``unit_id``'s view of ledger
    ``ledger_id``, in the ledger's order. :class:`~cadrecore.scope.ScopeError` if the ledger
    has no such unit. Reads one row of the ledger (the scope unit's own) to build them."""
    units = RECORD_TABLES["units"]
    level = conn.execute(
        select(units.c.level).where(units.c.ledger_id == ledger_id, units.c.id == unit_id)
    ).scalar_one_or_none()
    if level is None:
        raise no_such_unit(unit_id, ledger_id)
    root = conn.execute(
        select(LEDGERS.c.root_unit_id).where(LEDGERS.c.id == ledger_id)
    ).scalar_one()
    if conn.dialect.name == "postgresql":
        # The planner's cost of these queries (subqueries over JSON lists) passes the JIT
        # threshold, and compiling them costs far more than running them: off for this read.
        conn.execute(text("SET LOCAL jit = off"))
    builder = _ScopeQueries(ledger_id, unit_id, str(level), root == unit_id, conn.dialect.name)
    return {kind.name: builder.rows(kind.name) for kind in RECORD_KINDS}


class _ScopeQueries:
    """Builds the per-kind queries; ``ids(kind)`` is a CTE of the ids in view of one kind."""

    def __init__(self, lid: str, unit_id: str, level: str, is_root: bool, dialect: str) -> None:
        self.lid = lid
        self.unit_id = unit_id
        self.is_root = is_root
        self.dialect = dialect
        self.higher = higher_levels(level)
        self._ctes: dict[str, CTE] = {}
        self._aliases: dict[str, FromClause] = {}
        self._rules: dict[str, Predicate] = {
            "cadres": lambda t: self.in_scope(t.c.county_id),
            "branches": self._branch,
            "memberships": lambda t: and_(
                t.c.cadre_id.in_(self.view("cadres")), t.c.branch_id.in_(self.view("branches"))
            ),
            "party_groups": lambda t: and_(
                t.c.branch_id.in_(self.view("branches")),
                self.all_in(t.c.member_ids, self.view("cadres")),
                or_(t.c.group_leader_id.is_(None), t.c.group_leader_id.in_(self.view("cadres"))),
            ),
            "branch_assessments": lambda t: t.c.branch_id.in_(self.view("branches")),
            "party_dues": lambda t: and_(
                t.c.cadre_id.in_(self.view("cadres")), t.c.branch_id.in_(self.view("branches"))
            ),
            "dues_reductions": lambda t: and_(
                t.c.cadre_id.in_(self.view("cadres")), t.c.branch_id.in_(self.view("branches"))
            ),
            "activities": self._activity,
            "opinions": lambda t: and_(
                self.in_scope(t.c.assigned_unit_id),
                or_(t.c.raised_at_id.is_(None), t.c.raised_at_id.in_(self.view("activities"))),
            ),
            "projects": lambda t: and_(
                self.in_scope(t.c.county_id),
                t.c.leader_id.in_(self.view("cadres")),
                or_(t.c.branch_id.is_(None), t.c.branch_id.in_(self.view("branches"))),
            ),
            "programmes": lambda t: or_(
                self.upper(t.c.owner_unit_id),
                t.c.id.in_(self.named("projects", "programme_id")),
            ),
            "themes": lambda t: or_(
                self.upper(t.c.owner_unit_id),
                t.c.id.in_(self.named("activities", "theme_id")),
                t.c.id.in_(self.named("programmes", "theme_id")),
            ),
            "service_records": lambda t: t.c.cadre_id.in_(self.view("cadres")),
            "service_events": lambda t: t.c.record_id.in_(self.view("service_records")),
            "treatment_grants": lambda t: t.c.cadre_id.in_(self.view("cadres")),
            "treatment_standards": lambda t: or_(
                t.c.applies_to_unit_id.is_(None),
                self.in_scope(t.c.applies_to_unit_id),
                t.c.id.in_(self.named("treatment_grants", "standard_id")),
            ),
            "checklists": lambda t: self.in_scope(t.c.owner_unit_id),
            "plans": lambda t: self.in_scope(t.c.owner_unit_id),
            "establishments": lambda t: self.in_scope(t.c.unit_id),
            "leadership_posts": lambda t: self.in_scope(t.c.unit_id),
            "assignments": lambda t: self.in_scope(t.c.unit_id),
            "staff": self._staff,
            "recognitions": lambda t: or_(
                self.in_scope(t.c.recipient_unit_id),
                t.c.recipient_cadre_id.in_(self.view("cadres")),
                and_(t.c.recipient_unit_id.is_(None), t.c.recipient_cadre_id.is_(None)),
            ),
            "parameters": lambda t: or_(
                t.c.unit_id.is_(None),
                self.in_scope(t.c.unit_id),
                t.c.unit_id.in_(select(self.ancestors.c.id)),
            ),
            "party_orgs": lambda t: t.c.id.in_(select(self.org_closure.c.id)),
            "units": lambda t: t.c.id.in_(select(self.unit_closure.c.id)),
            "waivers": self._waiver,
        }
        missing = {k.name for k in RECORD_KINDS} - set(self._rules)
        assert not missing, f"no scope rule for {missing}"

    # --- tables and sets ------------------------------------------------------------------

    def table(self, kind: str) -> FromClause:
        """An alias of ``kind``'s table for subqueries, so that none correlates by accident with
        the query it is in (which reads the table itself). One per kind: no rule nests a
        subquery of a kind inside another of the same kind, and each alias costs its columns."""
        if kind not in self._aliases:
            self._aliases[kind] = RECORD_TABLES[kind].alias(f"scope_{kind}_rows")
        return self._aliases[kind]

    def where(self, kind: str, t: Any) -> ColumnElement[bool]:
        return and_(t.c.ledger_id == self.lid, self._rules[kind](t))

    def rows(self, kind: str) -> Select[Any]:
        """The rows in view of ``kind``, in the ledger's order (as an unscoped load reads them)."""
        table = RECORD_TABLES[kind]
        return select(table).where(self.where(kind, table)).order_by(table.c.position, table.c.id)

    def cte(self, name: str, build: Callable[[], Any]) -> CTE:
        if name not in self._ctes:
            self._ctes[name] = build()
        return self._ctes[name]

    def view_cte(self, kind: str) -> CTE:
        """The ids in view of ``kind``, as a common table expression (built once)."""

        def build() -> CTE:
            t = self.table(kind)
            return self.materialized(select(t.c.id).where(self.where(kind, t)).cte(f"scope_{kind}"))

        return self.cte(kind, build)

    def view(self, kind: str) -> Select[Any]:
        """The ids in view of ``kind``."""
        return select(self.view_cte(kind).c.id)

    def in_view(self, kind: str, t: Any) -> ColumnElement[bool]:
        """The row of ``t`` (an alias of ``kind``'s table) is in view."""
        return and_(t.c.ledger_id == self.lid, t.c.id.in_(self.view(kind)))

    def named(self, kind: str, column: str) -> Select[Any]:
        """The values of ``column`` in the rows in view of ``kind`` (the records they name)."""
        t = self.table(kind)
        return select(t.c[column]).where(self.in_view(kind, t), t.c[column].is_not(None))

    def materialized(self, cte: CTE) -> CTE:
        """``cte`` computed once: PostgreSQL inlines a CTE used once, and then plans it on
        its estimates, which for tables just imported (not yet analyzed) are one row each."""
        return cte.prefix_with("MATERIALIZED", dialect="postgresql")

    @property
    def subtree(self) -> CTE:
        """The scope unit and every unit below it."""

        def build() -> CTE:
            u = self.table("units")
            top = select(u.c.id).where(u.c.ledger_id == self.lid, u.c.id == self.unit_id)
            found = top.cte("scope_subtree", recursive=True)
            child = self.table("units")
            return found.union(
                select(child.c.id).where(
                    child.c.ledger_id == self.lid, child.c.parent_id == found.c.id
                )
            )

        return self.cte("#subtree", build)

    @property
    def ancestors(self) -> CTE:
        """The units above the scope unit."""

        def build() -> CTE:
            u = self.table("units")
            start = select(u.c.parent_id.label("id")).where(
                u.c.ledger_id == self.lid, u.c.id == self.unit_id, u.c.parent_id.is_not(None)
            )
            found = start.cte("scope_ancestors", recursive=True)
            parent = self.table("units")
            return found.union(
                select(parent.c.parent_id).where(
                    parent.c.ledger_id == self.lid,
                    parent.c.id == found.c.id,
                    parent.c.parent_id.is_not(None),
                )
            )

        return self.cte("#ancestors", build)

    def in_scope(self, column: Any) -> ColumnElement[bool]:
        return column.in_(select(self.subtree.c.id))  # type: ignore[no-any-return]

    def upper(self, column: Any) -> ColumnElement[bool]:
        """In scope, above it, or a unit of a higher level (whose policy holds for the scope)."""
        u = self.table("units")
        higher = (
            # no IN (list): the fast reader runs the compiled SQL as it is (no expanding binds)
            select(u.c.id).where(
                u.c.ledger_id == self.lid, or_(*(u.c.level == level for level in self.higher))
            )
            if self.higher
            else None
        )
        tests = [self.in_scope(column), column.in_(select(self.ancestors.c.id))]
        if higher is not None:
            tests.append(column.in_(higher))
        return or_(*tests)

    # --- JSON lists -------------------------------------------------------------------------

    def elements(self, column: Any) -> Any:
        """The elements of a JSON list column, as a table of text ``value`` (correlated)."""
        if self.dialect == "postgresql":
            return func.json_array_elements_text(column).table_valued("value")
        return func.json_each(column).table_valued("value")

    def all_in(self, column: Any, ids: Select[Any]) -> ColumnElement[bool]:
        """Every element of the JSON list ``column`` is one of ``ids`` (true when empty)."""
        items = self.elements(column)
        return ~exists(select(literal(1)).select_from(items).where(items.c.value.not_in(ids)))

    def listed(self, kind: str, column: str) -> Select[Any]:
        """Every element of the JSON list ``column`` of the rows in view of ``kind``."""
        t = self.table(kind)
        items = self.elements(t.c[column])
        return select(items.c.value).select_from(t).join(items, true()).where(self.in_view(kind, t))

    def entry_owners(self) -> Select[Any]:
        """The ``owner_unit_id`` of every entry of the checklists in view."""
        t = self.table("checklists")
        if self.dialect == "postgresql":
            entries = func.json_array_elements(t.c["items"]).table_valued("value")
            owner: Any = func.json_extract_path_text(
                entries.c.value, literal("owner_unit_id", Text)
            )
        else:
            entries = func.json_each(t.c["items"]).table_valued("value")
            owner = func.json_extract(entries.c.value, "$.owner_unit_id")
        return (
            select(owner)
            .select_from(t)
            .join(entries, true())
            .where(self.in_view("checklists", t), owner.is_not(None))
        )

    # --- the rules that need more than a line -----------------------------------------------

    def _branch(self, t: Any) -> ColumnElement[bool]:
        cadres = self.view("cadres")
        return and_(
            self.in_scope(t.c.county_id),
            or_(t.c.secretary_id.is_(None), t.c.secretary_id.in_(cadres)),
            or_(t.c.deputy_secretary_id.is_(None), t.c.deputy_secretary_id.in_(cadres)),
            self.all_in(t.c.committee_ids, cadres),
        )

    def _activity(self, t: Any) -> ColumnElement[bool]:
        o = self.table("opinions")
        raised_here = select(o.c.raised_at_id).where(
            o.c.ledger_id == self.lid,
            self.in_scope(o.c.assigned_unit_id),
            o.c.raised_at_id.is_not(None),
        )
        return and_(
            self.all_in(t.c.attendee_ids, self.view("cadres")),
            or_(t.c.group_id.is_(None), t.c.group_id.in_(self.view("party_groups"))),
            or_(
                t.c.branch_id.in_(self.view("branches")),
                self.in_scope(t.c.owner_unit_id),
                and_(t.c.owner_unit_id.is_not(None), t.c.id.in_(raised_here)),
            ),
        )

    def _staff(self, t: Any) -> ColumnElement[bool]:
        if self.is_root:
            return true()
        staff: ColumnElement[bool] = t.c.id.in_(self.named("assignments", "staff_id"))
        return staff

    def _waiver(self, t: Any) -> ColumnElement[bool]:
        if self.is_root:
            return true()
        tests: list[ColumnElement[bool]] = [t.c.subject_id == ""]
        for subject_kind, kind in SUBJECT_KINDS.items():
            if kind == "units":
                ids: Any = self.subtree.c.id
                source: Any = self.subtree
            else:
                source = self.view_cte(kind)
                ids = source.c.id
            prefix = func.substr(t.c.subject_id, 1, func.length(ids) + 1) == ids.concat(":")
            match = exists(
                select(literal(1)).select_from(source).where(or_(t.c.subject_id == ids, prefix))
            )
            tests.append(and_(t.c.subject_kind == subject_kind, match))
        return or_(*tests)

    # --- context: party organizations and units the view needs -----------------------------

    @property
    def org_closure(self) -> CTE:
        """The party organizations of units in scope and of the branches in view, and every
        organization above them."""

        def build() -> CTE:
            o = self.table("party_orgs")
            b = self.table("branches")
            seeds = union(
                select(o.c.id).where(o.c.ledger_id == self.lid, self.in_scope(o.c.unit_id)),
                select(b.c.org_id).where(self.in_view("branches", b)),
            ).cte("scope_org_seeds")
            o2 = self.table("party_orgs")
            start = select(o2.c.id, o2.c.parent_id).where(
                o2.c.ledger_id == self.lid, o2.c.id.in_(select(seeds.c.id))
            )
            found = start.cte("scope_org_closure", recursive=True)
            parent = self.table("party_orgs")
            return found.union(
                select(parent.c.id, parent.c.parent_id).where(
                    parent.c.ledger_id == self.lid, parent.c.id == found.c.parent_id
                )
            )

        return self.cte("#orgs", build)

    @property
    def unit_closure(self) -> CTE:
        """The units in scope and every unit a record in view names, with the units above."""

        def build() -> CTE:
            o = self.table("party_orgs")
            named = [
                select(self.subtree.c.id),
                select(o.c.unit_id).where(
                    o.c.ledger_id == self.lid, o.c.id.in_(select(self.org_closure.c.id))
                ),
                self.listed("branches", "covers_unit_ids"),
                self.entry_owners(),
                self.named("programmes", "owner_unit_id"),
                self.named("themes", "owner_unit_id"),
                self.named("activities", "owner_unit_id"),
                self.named("service_records", "provider_unit_id"),
                self.named("treatment_standards", "applies_to_unit_id"),
                self.named("parameters", "unit_id"),
                self.named("branch_assessments", "assessor_unit_id"),
            ]
            seeds = self.materialized(union(*named).cte("scope_unit_seeds"))
            u = self.table("units")
            start = select(u.c.id, u.c.parent_id).where(
                u.c.ledger_id == self.lid, u.c.id.in_(select(seeds.c[0]))
            )
            found = start.cte("scope_unit_closure", recursive=True)
            parent = self.table("units")
            return found.union(
                select(parent.c.id, parent.c.parent_id).where(
                    parent.c.ledger_id == self.lid, parent.c.id == found.c.parent_id
                )
            )

        return self.cte("#units", build)
