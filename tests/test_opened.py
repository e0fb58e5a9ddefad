"""A ledger opened on a store (``store.open()``) answers as the loaded ledger does.

Province scale (issue #7): a check must not build a record for each of a million cadres. An
opened ledger reads a kind only when it is used, and ``Ledger.columns`` reads just some columns
in SQL. Here both are held to the plain in-memory ledger: the same columns, the same records,
and the same evaluation report from every rule, on random ledgers, on the Xinzhou example and
on a synthetic province; and the heavy kinds are never read whole by the rules.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadrecore import Ledger, get_registry
from cadrecore.errors import LedgerError
from cadrecore.i18n import Text
from cadrecore.models import KINDS_BY_NAME, RECORD_KINDS
from cadrecore.models.fields import field_shapes
from cadrecore.reports.annual import build_annual_report, render_annual_report
from cadrecore.rules import evaluate
from cadrecore.rules.engine import get_rulebook
from cadrecore.store import StoreError, StoreLedger, open_store
from cadrecore.store.opened import _WHOLE_READS, BULK_KINDS
from cadrecore.strategies import ledgers
from cadrecore.synth import synthesize

from .conftest import postgres_schema
from .xinzhou_fixtures import xinzhou, xinzhou_pm

__all__ = ["xinzhou", "xinzhou_pm"]  # fixtures, used by name

EXAMPLES = int(os.environ.get("CADRECORE_OPENED_EXAMPLES", "12"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
RANDOM = ledgers(max_cadres=12, max_branches=3, max_activities=10)
DAYS = st.dates(min_value=date(2019, 1, 1), max_value=date(2024, 12, 31))
#: The kinds a province holds by the million: no rule reads one whole (a department's service
#: records, some tens of thousands, may be).
NEVER_WHOLE = frozenset(("cadres", "memberships", "activities", "treatment_grants"))


def comparable_shape(shape: Any) -> bool:
    """Whether where= takes the field: single values and lists of text (it says so else)."""
    return shape.shape != "json" and (shape.shape != "list" or bool(shape.str_items))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("opened") / "empty.sqlite"
    open_store(path).close()
    return path


@contextmanager
def stored(ledger: Ledger, template: Path, url: str | None = None) -> Iterator[Any]:
    """A store holding ``ledger`` (a copy of the empty template, or the store at ``url``)."""
    with tempfile.TemporaryDirectory() as folder:
        if url is None:
            path = Path(folder) / "store.sqlite"
            shutil.copy(template, path)
            url = f"sqlite:///{path}"
        with open_store(url) as store:
            store.save(ledger, actor="test")
            yield store


def kinds_read(ledger: StoreLedger) -> set[str]:
    return {kind.name for kind in RECORD_KINDS if kind.name in ledger.__dict__}


# ---------------------------------------------------------------------------------------------
# The same answers
# ---------------------------------------------------------------------------------------------


@SETTINGS
@given(ledger=RANDOM, data=st.data())
def test_columns_read_in_sql_equal_the_records(
    ledger: Ledger, data: st.DataObject, template: Path
) -> None:
    with stored(ledger, template) as store:
        opened = store.open()
        for kind in RECORD_KINDS:
            names = tuple(kind.model.model_fields)
            fields = tuple(data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4)))
            where: dict[str, Any] | None = None
            records = ledger.records(kind.name)
            if records and data.draw(st.booleans()):
                comparable = [s for s in field_shapes(kind.model) if comparable_shape(s)]
                shape = data.draw(st.sampled_from(comparable))
                field = shape.name
                values = [getattr(r, field) for r in records]
                if shape.shape == "list":  # lists holding any of some ids (and one unknown)
                    values = [item for items in values for item in items] + ["nobody"]
                if all(isinstance(v, str | bool | int | date | None) for v in values):
                    where = {field: data.draw(st.sets(st.sampled_from(values), min_size=1))}
            rows = ledger.columns(kind.name, *fields, where=where)
            assert opened.columns(kind.name, *fields, where=where) == rows, (kind.name, fields)
            # a sequence per field: the same values, taken apart
            by_field = [tuple(row[i] for row in rows) for i in range(len(fields))]
            for found in (opened, ledger):
                assert list(map(tuple, found.column_values(kind.name, *fields, where=where))) == (
                    by_field
                )
        assert kinds_read(opened) == set()


@SETTINGS
@given(ledger=RANDOM, day=DAYS)
def test_every_rule_judges_an_opened_ledger_as_the_loaded_one(
    ledger: Ledger, day: date, template: Path
) -> None:
    with stored(ledger, template) as store:
        assert evaluate(store.open(), as_of=day).to_json() == evaluate(ledger, as_of=day).to_json()


@SETTINGS
@given(ledger=RANDOM)
def test_an_opened_ledger_reads_kinds_and_records_as_load_does(
    ledger: Ledger, template: Path
) -> None:
    with stored(ledger, template) as store:
        opened = store.open()
        for kind in RECORD_KINDS:
            if kind.keyed:
                for record in ledger.records(kind.name)[:3]:
                    assert opened.get(kind.name, record.id) == record  # type: ignore[attr-defined]
        # a record of a bulk kind is read by itself; the other kinds are read whole
        assert not kinds_read(opened) & BULK_KINDS
        assert opened == ledger
        assert kinds_read(opened) == {kind.name for kind in RECORD_KINDS}
        loaded = store.load()
        for kind in RECORD_KINDS:
            if kind.keyed:
                for record in ledger.records(kind.name):
                    assert opened.get(kind.name, record.id) == loaded.get(kind.name, record.id)  # type: ignore[attr-defined]


def test_the_example_and_a_synthetic_province_are_judged_alike(
    template: Path, xinzhou: Ledger, xinzhou_pm: Any
) -> None:
    registry = get_registry(xinzhou_pm)
    province = synthesize(1500, seed=7, registry=registry)
    for ledger, years in ((xinzhou, (2021, 2022, 2023)), (province, (2022,))):
        with stored(ledger, template) as store:
            opened = store.open(registry=registry)
            for year in years:
                assert (
                    evaluate(opened, year=year, pm=xinzhou_pm).to_json()
                    == evaluate(ledger, year=year, pm=xinzhou_pm).to_json()
                )


def test_no_rule_reads_a_bulk_kind_whole(template: Path, xinzhou_pm: Any) -> None:
    """The heavy kinds are read by columns only; a rule that reads one whole is named."""
    registry = get_registry(xinzhou_pm)
    province = synthesize(400, seed=3, registry=registry)
    with stored(province, template) as store:
        culprits = {}
        undeclared = {}
        book = get_rulebook(xinzhou_pm)
        for rule_id in sorted(evaluate(province, year=2022, pm=xinzhou_pm).rules_run):
            opened = store.open(registry=registry)
            whole: list[tuple[str, tuple[str, ...]]] = []
            opened.__dict__[_WHOLE_READS] = whole  # (nothing read ahead: each rule's own reads)
            evaluate(opened, year=2022, rules=[rule_id], pm=xinzhou_pm)
            read = kinds_read(opened) & NEVER_WHOLE
            if read:
                culprits[rule_id] = sorted(read)
            declared = book.rules[rule_id].rule.columns_read()
            missing = [f"{k}.{f}" for k, fs in whole for f in fs if f not in declared.get(k, ())]
            if missing:
                undeclared[rule_id] = missing
        assert culprits == {}
        assert undeclared == {}  # every column of a whole kind a rule reads is in Rule.reads


def many_values_alike(opened: Ledger, example: Ledger) -> None:
    """A where= with more accepted values than a query may have parameters goes as one list."""
    ids = {cadre_id for (cadre_id,) in example.columns("cadres", "id")[::2]}
    assert len(ids) > 500
    where = {"id": ids | {"nobody"}}
    found = opened.columns("cadres", "id", "birth_date", where=where)
    assert found == example.columns("cadres", "id", "birth_date", where=where)
    assert {cadre_id for cadre_id, _ in found} == ids
    # the activities whose attendance lists any of them, as one list and as a few
    for some in (ids, set(sorted(ids)[:3])):
        attended = {"attendee_ids": some}
        held = opened.columns("activities", "id", "date", where=attended)
        assert held == example.columns("activities", "id", "date", where=attended)
        assert held


def test_many_accepted_values_on_sqlite(example_store: Any, xinzhou: Ledger) -> None:
    many_values_alike(example_store.open(registry=xinzhou.registry), xinzhou)


def test_columns_on_postgresql_equal_the_records(xinzhou: Ledger, xinzhou_pm: Any) -> None:
    example = xinzhou
    with postgres_schema() as url, open_store(url) as store:
        store.save(example, actor="test")
        opened = store.open(registry=example.registry)
        for kind in RECORD_KINDS:
            fields = tuple(kind.model.model_fields)
            assert opened.columns(kind.name, *fields) == example.columns(kind.name, *fields)
        many_values_alike(opened, example)
        where = {"activity_kind": {"committee_meeting", "general_meeting"}}
        assert opened.columns("activities", "id", "date", where=where) == example.columns(
            "activities", "id", "date", where=where
        )
        assert (
            evaluate(opened, year=2022, pm=xinzhou_pm).to_json()
            == evaluate(example, year=2022, pm=xinzhou_pm).to_json()
        )


@SETTINGS
@given(ledger=RANDOM)
def test_every_column_on_postgresql_reads_as_in_memory(ledger: Ledger, template: Path) -> None:
    """Every field of every kind of random ledgers, read by columns on PostgreSQL, equals the
    ledger's own: JSON values of every shape (a parameter's text, number, list or mapping; a
    service's details; a checklist's items), dates, amounts, flags and lists of ids (the
    example, above, holds no parameters)."""
    with postgres_schema() as url, stored(ledger, template, url) as store:
        opened = store.open()
        for kind in RECORD_KINDS:
            fields = tuple(kind.model.model_fields)
            assert opened.columns(kind.name, *fields) == ledger.columns(kind.name, *fields), (
                kind.name
            )


# ---------------------------------------------------------------------------------------------
# What an opened ledger refuses
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def example_store(template: Path, xinzhou: Ledger) -> Iterator[Any]:
    with stored(xinzhou, template) as store:
        yield store


def test_an_opened_ledger_is_not_saved_nor_replaced(example_store: Any, xinzhou: Ledger) -> None:
    opened = example_store.open(registry=xinzhou.registry)
    with pytest.raises(StoreError, match=r"store\.load"):
        example_store.save(opened)
    with pytest.raises(TypeError, match=r"store\.load"):
        opened.replace(cadres=())
    with pytest.raises(TypeError):
        StoreLedger(jurisdiction=opened.jurisdiction)


def test_a_store_changed_after_opening_is_named_not_mixed_in(
    example_store: Any, xinzhou: Ledger
) -> None:
    opened = example_store.open(registry=xinzhou.registry)
    assert opened.units  # read before the change: kept
    loaded = example_store.load(registry=xinzhou.registry)
    example_store.save(loaded.replace(cadres=loaded.cadres[:-1] + loaded.cadres[-1:]))  # no change
    assert len(opened.units) == len(loaded.units)
    changed = loaded.cadres[0].model_copy(update={"phone": "13900000000"})
    example_store.save(loaded.replace(cadres=(changed, *loaded.cadres[1:])))
    with pytest.raises(StoreError, match="已被修改"):
        opened.columns("cadres", "id", "phone")
    with pytest.raises(StoreError, match="请重新打开"):
        _ = opened.cadres
    assert example_store.open(registry=xinzhou.registry).cadre(changed.id).phone == "13900000000"


def test_lookups_name_what_is_missing(example_store: Any, xinzhou: Ledger) -> None:
    opened = example_store.open(registry=xinzhou.registry)
    with pytest.raises(KeyError, match="no cadres record with id 'nobody'"):
        opened.cadre("nobody")
    with pytest.raises(KeyError, match="no field 'salary'"):
        opened.columns("cadres", "id", "salary")
    with pytest.raises(KeyError, match="in where"):
        opened.columns("cadres", "id", where={"salary": 1})
    with pytest.raises(ValueError, match="holds other JSON"):
        opened.columns("activities", "id", where={"leaders": ()})
    assert opened.columns("activities", "id", where={"attendee_ids": ()}) == []
    with pytest.raises(KeyError, match="no record kind"):
        opened.columns("pets", "id")
    assert KINDS_BY_NAME["memberships"].keyed is False
    with pytest.raises(KeyError):
        opened.get("memberships", "x")


def test_a_row_that_no_longer_reads_names_its_field(example_store: Any, xinzhou: Ledger) -> None:
    """A vocabulary key no plugin registers any more (its plugin uninstalled) is named."""
    from sqlalchemy import text

    with example_store.writing() as conn:
        conn.execute(text("UPDATE branches SET branch_type = 'no_such_type' WHERE position = 0"))
    opened = example_store.open(registry=xinzhou.registry)
    with pytest.raises(LedgerError) as caught:
        opened.columns("branches", "id", "branch_type")
    problem = caught.value.problems[0]
    assert (problem.record_kind, problem.location.field) == ("branches", "branch_type")
    assert "no_such_type" in str(problem)
    # read without the ids, the row is still named: by its id, read again with the values
    first = xinzhou.branches[0].id
    with pytest.raises(LedgerError) as caught:
        example_store.open(registry=xinzhou.registry).columns("branches", "branch_type")
    (problem,) = caught.value.problems
    assert (problem.record_id, problem.location.field) == (first, "branch_type")


def test_an_attendance_list_that_is_not_json_names_its_row(
    example_store: Any, xinzhou: Ledger
) -> None:
    """Attendee lists come nested in the column's JSON array; one that is not JSON fails that
    query in SQLite, and is then read as text and named, as a value that does not convert."""
    from sqlalchemy import text

    victim = next(a for a in xinzhou.activities if a.attendee_ids)
    with example_store.writing() as conn:
        conn.execute(
            text("UPDATE activities SET attendee_ids = '[not json' WHERE id = :id"),
            {"id": victim.id},
        )
    opened = example_store.open(registry=xinzhou.registry)
    assert opened.columns("activities", "id", "date") == xinzhou.columns("activities", "id", "date")
    with pytest.raises(LedgerError) as caught:
        opened.columns("activities", "id", "attendee_ids")
    (problem,) = caught.value.problems
    assert (problem.record_id, problem.location.field) == (victim.id, "attendee_ids")


def store_open(store: Any, example: Ledger) -> Ledger:
    """A ledger newly opened on ``store`` (nothing read yet)."""
    opened: Ledger = store.open(registry=example.registry)
    return opened


def test_rows_out_of_order_or_sharing_a_position_come_in_the_loaded_order(
    example_store: Any, xinzhou: Ledger
) -> None:
    """Rows stored out of position order, or two records at one position (as merged saves may
    leave them), are read in the order store.load() gives: by position, then id."""
    from sqlalchemy import text

    with example_store.writing() as conn:
        conn.execute(text("UPDATE cadres SET position = 5000 - position"))  # reversed
        conn.execute(text("UPDATE memberships SET position = position / 3"))  # shared
    loaded = example_store.load(registry=xinzhou.registry)
    opened = example_store.open(registry=xinzhou.registry)
    for kind in ("cadres", "memberships"):
        fields = tuple(KINDS_BY_NAME[kind].model.model_fields)
        assert opened.columns(kind, *fields) == loaded.columns(kind, *fields)
        # one field, without the ids (the order still comes from the ids and positions)
        last = fields[-1]
        assert store_open(example_store, xinzhou).columns(kind, last) == loaded.columns(kind, last)
    assert [c.id for c in loaded.cadres] != [c.id for c in xinzhou.cadres]


def test_a_column_too_long_for_one_sqlite_string_is_read_by_rows(
    template: Path, xinzhou: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite a column comes back as one JSON array; one longer than SQLite allows a string
    to be (1 GB by default, here 2,000 bytes) is read by rows instead, with the same values,
    and a bad value is still named by its row."""
    import sqlite3

    from sqlalchemy import text

    from cadrecore.store import opened as opened_module
    from cadrecore.store.reading import SqliteFile

    by_rows: list[str] = []
    read_by_rows = opened_module._by_rows

    def counted(conn: Any, query: Any) -> Any:
        by_rows.append(query.sql)
        return read_by_rows(conn, query)

    connect = SqliteFile.connect

    def limited(self: SqliteFile) -> sqlite3.Connection:
        conn = connect(self)
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 2000)
        return conn

    monkeypatch.setattr(opened_module, "_by_rows", counted)
    monkeypatch.setattr(
        SqliteFile, "connect", limited
    )  # (the connections an opened ledger reads on)
    with stored(xinzhou, template) as store:
        opened = store.open(registry=xinzhou.registry)
        fields = ("id", "name", "birth_date", "party_status", "deceased", "health_exempt")
        assert len(xinzhou.cadres) * 10 > 2000  # the ids alone are too long for one string
        assert opened.columns("cadres", *fields) == xinzhou.columns("cadres", *fields)
        assert opened.columns("activities", "id", "attendee_ids") == xinzhou.columns(
            "activities", "id", "attendee_ids"
        )
        victim = xinzhou.cadres[7].id
        with store.writing() as conn:
            conn.execute(
                text("UPDATE cadres SET party_status = 'x' WHERE id = :id"), {"id": victim}
            )
        with pytest.raises(LedgerError) as raised:
            store.open(registry=xinzhou.registry).columns("cadres", "id", "party_status")
        (problem,) = raised.value.problems
        assert (problem.record_id, problem.location.field) == (victim, "party_status")
    assert by_rows  # (the fallback was taken)


# ---------------------------------------------------------------------------------------------
# The check plugin authors run: cadrecore.testing.judged_alike_when_opened
# ---------------------------------------------------------------------------------------------


def _rule_plugin(check: Any, reads: tuple[str, ...] = ()) -> object:
    from types import SimpleNamespace

    from cadrecore import hookimpl
    from cadrecore.i18n import Text
    from cadrecore.rules import Rule

    rule = Rule(key="probe.rule", title=Text("探", "probe"), check=check, reads=reads)

    def register_rules(register: Any) -> None:
        register(rule)

    return SimpleNamespace(register_rules=hookimpl(register_rules))


def test_the_plugin_check_names_a_rule_reading_cadres_whole_or_judging_otherwise(
    cadrecore_pm: Any, register_plugin: Any, cadrecore_ledger: Ledger, tmp_path: Path
) -> None:
    from cadrecore.testing import judged_alike_when_opened

    def counts_by_columns(ctx: Any) -> Any:
        (n,) = {len(ctx.ledger.columns("cadres", "id"))}
        yield ctx.finding(("units", ctx.ledger.root.id), "counted", Text(f"{n}", f"{n}"))

    def counts_records(ctx: Any) -> Any:
        yield ctx.finding(
            ("units", ctx.ledger.root.id), "counted", Text("n", "n"), actual=len(ctx.ledger.cadres)
        )

    def knows_where_it_runs(ctx: Any) -> Any:
        yield ctx.finding(("units", ctx.ledger.root.id), type(ctx.ledger).__name__, Text("x", "x"))

    days = (date(2022, 12, 31),)
    for name, check, reads, error in (
        ("columns", counts_by_columns, ("cadres.id",), None),
        ("records", counts_records, (), "read cadres whole"),
        ("where", knows_where_it_runs, (), "otherwise than in memory on 2022-12-31"),
        (
            "undeclared",
            counts_by_columns,
            ("cadres.name",),
            "rule undeclared::probe.rule reads cadres.id without naming them in Rule.reads",
        ),
    ):
        register_plugin(_rule_plugin(check, reads), name=name)
        path, rules = tmp_path / f"{name}.sqlite", [f"{name}::*"]
        if error is None:
            (report,) = judged_alike_when_opened(cadrecore_ledger, path, rules=rules, dates=days)
            assert [f.reason for f in report.findings] == ["counted"]
        else:
            with pytest.raises(AssertionError, match=error):
                judged_alike_when_opened(cadrecore_ledger, path, rules=rules, dates=days)


def test_the_columns_the_rules_name_are_read_in_one_pass_per_kind(
    xinzhou_pm: Any, xinzhou: Ledger, tmp_path: Path
) -> None:
    """Rule.reads: before the rules run, an opened ledger reads every column the selected
    rules name, one query per kind; the rules then read no whole column of their own."""
    from cadrecore.store import opened as opened_module

    queries: list[tuple[str, tuple[str, ...]]] = []
    select_columns = opened_module._select_columns

    def counting(
        conn: Any, opening: Any, kind: str, fields: Any, conditions: Any, registry: Any
    ) -> Any:
        if not conditions:
            queries.append((kind, fields))
        return select_columns(conn, opening, kind, fields, conditions, registry)

    with open_store(tmp_path / "s.sqlite") as store:
        store.save(xinzhou, actor="t")
        ledger = store.open(registry=xinzhou.registry)
        opened_module._select_columns = counting
        try:
            report = evaluate(ledger, year=2022, pm=xinzhou_pm)
        finally:
            opened_module._select_columns = select_columns
    kinds = [kind for kind, _ in queries]
    assert "cadres" in kinds and "memberships" in kinds
    assert len(kinds) == len(set(kinds)), queries  # one pass per kind
    assert report.to_json() == evaluate(xinzhou, year=2022, pm=xinzhou_pm).to_json()


def test_a_rule_naming_a_column_that_does_not_exist_is_refused() -> None:
    from cadrecore.errors import PluginError
    from cadrecore.rules import Rule

    rule = Rule(
        key="probe.rule", title=Text("探", "probe"), check=lambda ctx: [], reads=("cadres.nope",)
    )
    with pytest.raises(PluginError, match=r"reads 'cadres\.nope': expected 'kind\.field'"):
        rule.columns_read()
    assert Rule(
        key="k",
        title=Text("探", "probe"),
        check=lambda ctx: [],
        reads=("cadres.id", "cadres.name", "cadres.id"),
    ).columns_read() == {"cadres": ("id", "name")}


# ---------------------------------------------------------------------------------------------
# The annual report
# ---------------------------------------------------------------------------------------------

_AT = datetime(2023, 1, 5, 9, 0, tzinfo=UTC)


def _report_json(ledger: Ledger, year: int, pm: Any = None) -> bytes:
    annual = build_annual_report(ledger, year, pm=pm, generated_at=_AT, workers=1)
    return render_annual_report(annual, "json")


def test_the_annual_report_of_an_opened_ledger_is_the_loaded_ones(
    template: Path, xinzhou: Ledger, xinzhou_pm: Any
) -> None:
    """Byte for byte, on the example and on a synthetic province; and the report reads the
    kinds a province holds by the million by columns, never as a record each."""
    registry = get_registry(xinzhou_pm)
    province = synthesize(600, seed=11, registry=registry)
    for ledger, years in ((xinzhou, (2022, 2023)), (province, (2022,))):
        with stored(ledger, template) as store:
            for year in years:
                opened = store.open(registry=registry)
                assert _report_json(opened, year, xinzhou_pm) == _report_json(
                    ledger, year, xinzhou_pm
                )
                assert kinds_read(opened) & NEVER_WHOLE == set()


@SETTINGS
@given(ledger=RANDOM, year=st.integers(2019, 2024))
def test_the_annual_report_of_random_ledgers_opened_is_the_loaded_ones(
    template: Path, ledger: Ledger, year: int
) -> None:
    with stored(ledger, template) as store:
        assert _report_json(store.open(), year) == _report_json(ledger, year)
