"""Access scoped by unit (issue #8, item 1): a county's view holds only its own cadres and
records, enforced in the store's queries. One county (河曲县) tries to read another's (偏关县)
through every public entry point: ``Store.load``, the ledger folder loader, ``export_xlsx``,
the annual report builder, and the CLI's ``validate``, ``check``, ``report`` and ``export``;
on SQLite and (with ``CADRECORE_TEST_POSTGRES_URL``) PostgreSQL."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import event, text
from typer.testing import CliRunner

import cadrecore
from cadrecore import Ledger
from cadrecore import strategies as cst
from cadrecore.cli import app
from cadrecore.io.folder import load_ledger, save_ledger
from cadrecore.io.xlsx import export_xlsx
from cadrecore.plugins import PluginManager
from cadrecore.registry import Registry
from cadrecore.reports.annual import build_annual_report, render_annual_report
from cadrecore.scope import ScopedLedger, ScopeError, scope_ledger, scope_of, scoped_report
from cadrecore.store import Store, open_store
from cadrecore.store import store as store_module
from cadrecore.store.schema import RECORD_TABLES

from .conftest import postgres_schema
from .xinzhou_fixtures import XINZHOU, xinzhou, xinzhou_pm

__all__ = ["xinzhou", "xinzhou_pm"]  # fixtures, used by name

A = "xz.hequ"  # 河曲县: the county that reads
B = "xz.pianguan"  # 偏关县: the county it must not see
YEAR = "2022"
BACKENDS = ("sqlite", "postgresql")

runner = CliRunner()


# ---------------------------------------------------------------------------------------------
# Stores: the Xinzhou example saved once per backend (this module's store_url is module-wide)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """An empty store per backend for this module: a SQLite file, or a fresh PostgreSQL schema
    (skipped without ``CADRECORE_TEST_POSTGRES_URL``, except in CI, where it fails)."""
    if request.param == "sqlite":
        yield str(tmp_path_factory.mktemp("scope") / "xinzhou.sqlite")
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture(scope="module")
def registry(xinzhou_pm: PluginManager) -> Registry:
    return cadrecore.get_registry(xinzhou_pm)


@pytest.fixture(scope="module")
def store(store_url: str, xinzhou: Ledger) -> Iterator[Store]:
    opened = open_store(store_url)
    opened.save(xinzhou, actor="test")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def view(store: Store, registry: Registry) -> Ledger:
    return store.load(registry=registry, unit=A)


@pytest.fixture(scope="module")
def memory_view(xinzhou: Ledger) -> Ledger:
    """The same view, in memory (for what does not depend on the backend)."""
    return scope_ledger(xinzhou, A)


# ---------------------------------------------------------------------------------------------
# What county B's data looks like, and county A's
# ---------------------------------------------------------------------------------------------


def county_of(ledger: Ledger, county: str) -> set[str]:
    """The ids of ``county`` and the units below it."""
    return {county} | {u.id for u in ledger.descendants_of(county)}


def identifiers(ledger: Ledger, county: str) -> set[str]:
    """Strings that only ``county``'s records hold: its cadres' ids, national ID numbers and
    phones, the names no record outside the county shares, and its units' ids and names."""
    units = county_of(ledger, county)
    theirs = [c for c in ledger.cadres if c.county_id in units]
    others = json.dumps(
        [
            r.model_dump(mode="json")
            for kind in ledger.counts()
            for r in ledger.records(kind)
            if not (kind == "cadres" and r.county_id in units)  # type: ignore[attr-defined]
        ],
        ensure_ascii=False,
    )
    found = {c.id for c in theirs}
    found |= {c.national_id for c in theirs if c.national_id}
    found |= {c.phone for c in theirs if c.phone}
    found |= {c.name for c in theirs if c.name not in others}
    found |= units | {ledger.unit(u).name for u in units}
    return found


@pytest.fixture(scope="module")
def forbidden(xinzhou: Ledger) -> set[str]:
    found = identifiers(xinzhou, B)
    assert len(found) > 200  # ids, ID numbers, names of 167 cadres and more
    return found


@pytest.fixture(scope="module")
def own_ids(xinzhou: Ledger) -> set[str]:
    units = county_of(xinzhou, A)
    ids = {c.id for c in xinzhou.cadres if c.county_id in units}
    assert len(ids) == 232
    return ids


def leaks(text: str, forbidden: set[str]) -> list[str]:
    return sorted(token for token in forbidden if token in text)


def dump(ledger: Ledger) -> str:
    return json.dumps(
        {
            kind: [r.model_dump(mode="json") for r in ledger.records(kind)]
            for kind in ledger.counts()
        },
        ensure_ascii=False,
    )


def workbook_text(path: Path) -> str:
    book = load_workbook(path, read_only=True)
    parts = [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    book.close()
    return "\n".join(parts)


def folder_text(path: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(path.rglob("*")) if p.is_file())


# ---------------------------------------------------------------------------------------------
# Store.load
# ---------------------------------------------------------------------------------------------


def test_the_view_holds_every_own_cadre_and_nothing_of_the_other_county(
    view: Ledger, xinzhou: Ledger, forbidden: set[str], own_ids: set[str]
) -> None:
    assert isinstance(view, ScopedLedger) and view.scope == A
    assert {c.id for c in view.cadres} == own_ids
    assert leaks(dump(view), forbidden) == []
    assert view == scope_ledger(xinzhou, A)  # the SQL gives what the rules give in memory
    # and the other way round: B's view holds nothing of A
    other = scope_ledger(xinzhou, B)
    assert leaks(dump(other), identifiers(xinzhou, A)) == []


def test_every_kind_in_the_view_belongs_to_the_county(view: Ledger) -> None:
    units = {A} | {u.id for u in view.descendants_of(A)}
    cadres = {c.id for c in view.cadres}
    assert {b.county_id for b in view.branches} <= units
    assert {m.cadre_id for m in view.memberships} <= cadres
    assert {s.cadre_id for s in view.service_records} <= cadres
    assert {g.cadre_id for g in view.treatment_grants} <= cadres
    assert {a for act in view.activities for a in act.attendee_ids} <= cadres
    assert {e.unit_id for e in view.establishments} <= units
    assert {a.unit_id for a in view.assignments} <= units
    # context that holds it together: the city bureaus and departments above, no other county
    assert not [u for u in view.units if u.level.value == "county" and u.id not in units]
    assert view.checklists == ()  # the city's "six ones" are the city's, not the county's


def test_the_store_reads_only_rows_in_view(
    store: Store, registry: Registry, forbidden: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every query the scoped load runs is captured and run again: no row of the other
    county comes back, and the rows that do are exactly the records loaded. On SQLite, the
    driver's own trace shows that no other query read a record table."""
    captured: dict[str, Any] = {}

    def spy(conn: Any, lid: str, unit: str) -> Any:
        captured.update(real(conn, lid, unit))
        return captured

    real = store_module._scoped_queries
    monkeypatch.setattr(store_module, "_scoped_queries", spy)
    statements: list[str] = []
    if store.dialect == "sqlite":
        store.engine.dispose()  # new connections, traced

        def trace(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.set_trace_callback(statements.append)

        event.listen(store.engine, "connect", trace)
    try:
        loaded = store.load(registry=registry, unit=A)
    finally:
        if store.dialect == "sqlite":
            event.remove(store.engine, "connect", trace)
            store.engine.dispose()
    assert set(captured) == set(RECORD_TABLES)
    fetched = 0
    with store.reading() as conn:
        for kind, query in captured.items():
            rows = conn.execute(query).all()
            fetched += len(rows)
            assert len(rows) == len(loaded.records(kind)), kind
            assert leaks(repr(rows), forbidden) == [], kind
    assert fetched == sum(loaded.counts().values())
    with store.reading() as conn:
        total = sum(
            conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in RECORD_TABLES
        )
    assert fetched < total / 10  # the county's rows, not the city's
    if store.dialect == "sqlite":
        unscoped = [
            s
            for s in statements
            if any(f"FROM {table}" in s for table in RECORD_TABLES) and "scope_subtree" not in s
        ]
        # the one unscoped read of a record table is the scope unit's own row
        assert len(unscoped) == 1 and f"units.id = '{A}'" in unscoped[0], unscoped
        assert leaks("\n".join(statements), forbidden) == []


def test_the_root_unit_sees_the_whole_ledger(store: Store, registry: Registry) -> None:
    whole = store.load(registry=registry)
    root = store.load(registry=registry, unit=whole.jurisdiction.root_unit_id)
    assert root == whole and isinstance(root, ScopedLedger)


def test_an_unknown_unit_is_refused_by_name(store: Store, registry: Registry) -> None:
    with pytest.raises(ScopeError, match=r"no unit 'xz\.nowhere'"):
        store.load(registry=registry, unit="xz.nowhere")


def test_a_store_never_saves_a_view(store: Store, view: Ledger) -> None:
    before = {k: len(v) for k, v in ((k, view.records(k)) for k in view.counts())}
    entries = len(store.audit_entries(ledger_id="xz"))
    with pytest.raises(ScopeError, match=f"view of unit '{A}'"):
        store.save(view)
    changed = view.replace(opinions=())
    assert scope_of(changed) == A
    with pytest.raises(ScopeError):
        store.save(changed)
    assert len(store.audit_entries(ledger_id="xz")) == entries
    assert {k: len(view.records(k)) for k in view.counts()} == before
    assert len(store.load(registry=view.registry).cadres) == 4338


# ---------------------------------------------------------------------------------------------
# The ledger folder, the workbook, the report
# ---------------------------------------------------------------------------------------------


def test_the_folder_loader_filters_in_memory(memory_view: Ledger, registry: Registry) -> None:
    loaded = load_ledger(XINZHOU, registry=registry, unit=A)
    assert loaded == memory_view and scope_of(loaded) == A
    with pytest.raises(ScopeError, match="no unit"):
        load_ledger(XINZHOU, registry=registry, unit="nowhere")


def test_a_view_written_to_a_folder_says_so_and_overwrites_no_ledger(
    memory_view: Ledger, registry: Registry, forbidden: set[str], own_ids: set[str], tmp_path: Path
) -> None:
    view = memory_view
    out = save_ledger(view, tmp_path / "hequ")
    text_out = folder_text(out)
    assert leaks(text_out, forbidden) == []
    assert all(i in text_out for i in own_ids)
    assert f"scope: {A}" in (out / "ledger.yaml").read_text(encoding="utf-8")
    again = load_ledger(out, registry=registry)
    assert isinstance(again, ScopedLedger) and again.scope == A and again == view
    save_ledger(again, out)  # the same view again: fine
    whole = tmp_path / "whole"
    shutil.copytree(XINZHOU, whole)
    # (said in the run's language, Chinese by default; render("en") in English)
    with pytest.raises(ScopeError, match="中已有整个账册") as exc:
        save_ledger(view, whole)
    assert "holds a whole ledger" in exc.value.render("en")
    with pytest.raises(ScopeError, match=f"中已有单位 {A} 的视图") as exc:
        save_ledger(scope_ledger(again, f"{A}.vcb"), out)
    assert f"holds the view of unit '{A}'" in exc.value.render("en")
    assert load_ledger(whole, registry=registry).counts()["cadres"] == 4338


@pytest.mark.parametrize("unmask", [True, False])
def test_export_xlsx_of_the_view(
    memory_view: Ledger, forbidden: set[str], own_ids: set[str], unmask: bool, tmp_path: Path
) -> None:
    written = export_xlsx(memory_view, tmp_path / "hequ.xlsx", unmask=unmask)
    cells = workbook_text(written)
    assert leaks(cells, forbidden) == []
    assert all(i in cells for i in own_ids)


@pytest.mark.parametrize("fmt", ["json", "text", "html", "xlsx"])
def test_the_report_of_the_view(
    memory_view: Ledger, xinzhou_pm: PluginManager, forbidden: set[str], fmt: str, tmp_path: Path
) -> None:
    annual = build_annual_report(memory_view, 2022, pm=xinzhou_pm, generated_at=None)
    assert annual.jurisdiction == "忻州市河曲县"
    data = render_annual_report(annual, fmt)  # type: ignore[arg-type]
    if fmt == "xlsx":
        path = tmp_path / "report.xlsx"
        path.write_bytes(data)
        shown = workbook_text(path)
    else:
        shown = data.decode("utf-8")
    assert leaks(shown, forbidden) == []
    assert "河曲县" in shown


def test_findings_about_context_records_are_not_the_views(
    memory_view: Ledger, xinzhou_pm: PluginManager
) -> None:
    view = memory_view
    from cadrecore.rules import evaluate

    judged = evaluate(view, year=2022, pm=xinzhou_pm)  # evaluate judges a view this way
    units = {A} | {u.id for u in view.descendants_of(A)}
    assert {f.subject.id for f in judged.findings if f.subject.kind == "units"} <= units
    # the city's supply cooperative serves the county's cadres, but its exhibitions are its own:
    # the whole ledger's report has that finding, the county's view does not
    plain = Ledger(registry=view.registry, **{k: getattr(view, k) for k in type(view).model_fields})
    whole = evaluate(plain, year=2022, pm=xinzhou_pm)
    assert any(f.subject.id == "xz.supply_coop" for f in whole.findings)
    assert not any(f.subject.id == "xz.supply_coop" for f in judged.findings)
    assert scoped_report(judged, view) == judged  # applying it again changes nothing


# ---------------------------------------------------------------------------------------------
# The command line: --unit on every command that reads a ledger
# ---------------------------------------------------------------------------------------------


def invoke(pm: PluginManager, *args: str) -> Any:
    with cadrecore.using_plugin_manager(pm):
        return runner.invoke(app, list(args))


def test_cli_reads_the_view_of_a_folder(
    xinzhou_pm: PluginManager, forbidden: set[str], own_ids: set[str], tmp_path: Path
) -> None:
    cli_reads_the_view(str(XINZHOU), "folder", xinzhou_pm, forbidden, own_ids, tmp_path)


def test_cli_reads_the_view_of_a_store(
    store: Store,
    store_url: str,
    xinzhou_pm: PluginManager,
    forbidden: set[str],
    own_ids: set[str],
    tmp_path: Path,
) -> None:
    cli_reads_the_view(store_url, "store", xinzhou_pm, forbidden, own_ids, tmp_path)


def cli_reads_the_view(
    where: str,
    source: str,
    xinzhou_pm: PluginManager,
    forbidden: set[str],
    own_ids: set[str],
    tmp_path: Path,
) -> None:
    result = invoke(xinzhou_pm, "validate", where, "--unit", A, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"]["cadres"] == len(own_ids)
    assert leaks(result.output, forbidden) == []

    result = invoke(xinzhou_pm, "check", where, "--unit", A, "--year", YEAR, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    units = {A, f"{A}.vcb"}
    for finding in data["findings"]:
        if finding["subject"]["kind"] == "units":
            assert finding["subject"]["id"] in units
    assert leaks(result.output, forbidden) == []
    result = invoke(xinzhou_pm, "report", where, "--unit", A, "--year", YEAR, "--format", "json")
    assert result.exit_code == 0, result.output
    assert leaks(result.output, forbidden) == []
    assert json.loads(result.stdout)["jurisdiction"] == "忻州市河曲县"
    if source == "folder":
        return  # the rest reads the same view: once is enough (a folder is read whole each time)

    result = invoke(xinzhou_pm, "check", where, "--unit", A, "--year", YEAR, "--lang", "en")
    assert leaks(result.output, forbidden) == []
    for fmt in ("text", "md"):
        result = invoke(xinzhou_pm, "report", where, "--unit", A, "--year", YEAR, "--format", fmt)
        assert result.exit_code == 0, result.output
        assert leaks(result.output, forbidden) == [], fmt
        assert "忻州市河曲县" in result.stdout
    path = tmp_path / "report.xlsx"
    result = invoke(xinzhou_pm, "report", where, "--unit", A, "--year", YEAR, "-o", str(path))
    assert result.exit_code == 0, result.output
    assert leaks(workbook_text(path), forbidden) == []

    result = invoke(xinzhou_pm, "validate", where, "--unit", "xz.nowhere")
    assert result.exit_code == 2
    assert "xz.nowhere" in result.output and "Traceback" not in result.output


def test_cli_export_with_unit(
    store_url: str,
    store: Store,
    xinzhou_pm: PluginManager,
    forbidden: set[str],
    own_ids: set[str],
    tmp_path: Path,
) -> None:
    book = tmp_path / "hequ.xlsx"
    args = ("export", "--store", store_url, "--unit", A)
    result = invoke(xinzhou_pm, *args, "-o", str(book), "--unmask", "--actor", "测试")
    assert result.exit_code == 0, result.output
    cells = workbook_text(book)
    assert leaks(cells, forbidden) == [] and all(i in cells for i in own_ids)
    assert leaks(result.output, forbidden) == []
    logged = store.audit_entries(ledger_id="xz", kind="ledger")[-1]
    assert json.loads(logged.after or "{}")["unit"] == A

    folder = tmp_path / "hequ"
    result = invoke(xinzhou_pm, *args, "-o", str(folder))
    assert result.exit_code == 0, result.output
    written = folder_text(folder)
    assert leaks(written, forbidden) == [] and all(i in written for i in own_ids)


# ---------------------------------------------------------------------------------------------
# Random ledgers: the store's scoped load equals the in-memory view, for every unit
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def random_store(store_url: str) -> Iterator[Store]:
    """A second store of the same backend for generated ledgers (each its own jurisdiction)."""
    if store_url.endswith(".sqlite"):
        opened = open_store(Path(store_url).with_name("random.sqlite"))
        yield opened
        opened.close()
        return
    with postgres_schema() as url:
        opened = open_store(url)
        yield opened
        opened.close()


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ledger=cst.ledgers(max_cadres=6, max_branches=3), data=st.data())
def test_a_scoped_load_equals_the_view_in_memory(
    random_store: Store, ledger: Ledger, data: st.DataObject
) -> None:
    random_store.save(ledger, actor="hypothesis")
    units = [u.id for u in ledger.units]
    chosen = data.draw(st.lists(st.sampled_from(units), min_size=1, max_size=3, unique=True))
    for unit in chosen:
        expected = scope_ledger(ledger, unit)
        loaded = random_store.load(ledger.jurisdiction.id, registry=ledger.registry, unit=unit)
        assert loaded == expected, unit
        # a view is part of the whole, and holds every cadre of its units
        below = {unit} | {u.id for u in ledger.descendants_of(unit)}
        assert {c.id for c in loaded.cadres} == {
            c.id for c in ledger.cadres if c.county_id in below
        }
        for kind in ledger.counts():
            whole = ledger.records(kind)
            assert all(record in whole for record in loaded.records(kind)), kind
    counties = ledger.counties()
    if len(counties) >= 2:  # two counties' views share no cadre
        first, second = (scope_ledger(ledger, c.id) for c in counties[:2])
        assert not {c.id for c in first.cadres} & {c.id for c in second.cadres}
    root = ledger.jurisdiction.root_unit_id
    assert random_store.load(ledger.jurisdiction.id, registry=ledger.registry, unit=root) == ledger
