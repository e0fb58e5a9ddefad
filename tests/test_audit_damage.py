"""A damaged store: ``audit verify`` reports each kind of damage, naming table, row and column
(exit 1), and never fails with a traceback; every other command refuses a store whose columns
differ from the schema, saying so.

Both backends (``store_url``). PostgreSQL's column types refuse a bad date or text in a number
column, so there the damage is done as a person would have to: by changing the column's type
first (which the open-time check also names).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from typer.testing import CliRunner

from cadrecore import Ledger
from cadrecore.store import Store, StoreError, open_ledger, open_store, verify_audit
from cadrecore.store.audit import AuditProblem
from cadrecore.store.reading import (
    VERSION_TABLE,
    SchemaMismatchError,
    expected_columns,
    type_family,
)
from cadrecore.store.schema import metadata

runner = CliRunner()
#: Personal-looking values put into damaged cells: no message may quote them.
SECRET_DATE = "1950-13-45"
SECRET_TEXT = "电话13812345678"


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CADRECORE_AUDIT_KEY", raising=False)
    monkeypatch.delenv("CADRECORE_AUDIT_KEY_FILE", raising=False)


@pytest.fixture
def store(store_url: str, mini: Callable[..., Ledger]) -> Iterator[Store]:
    opened = open_store(store_url)
    opened.save(mini(), actor="王科长")
    yield opened
    opened.close()


def run_sql(store: Store, *statements: str) -> None:
    with store.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def drop_triggers(store: Store) -> str:
    if store.dialect == "postgresql":
        return "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log"
    return "DROP TRIGGER IF EXISTS audit_log_no_update"


def as_text(store: Store, table: str, column: str) -> list[str]:
    """On PostgreSQL, the column retyped to text first (else it could not hold the damage)."""
    if store.dialect == "postgresql":
        return [f'ALTER TABLE {table} ALTER COLUMN "{column}" TYPE text']
    return []


def damage_of(store: Store) -> list[AuditProblem]:
    problems = verify_audit(store).problems
    return [p for p in problems if p.finding == "damaged"]


def cli_verify(store: Store, store_url: str, *extra: str) -> str:
    result = runner.invoke(app_(), ["audit", "verify", "--store", store_url, *extra])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert SECRET_DATE not in result.output and "13812345678" not in result.output
    return result.output


def app_() -> object:
    from cadrecore.cli import app

    return app


def located(problem: AuditProblem) -> tuple[str | None, str | None, str | None, int | None]:
    return problem.table, problem.column, problem.record_id, problem.seq


# =============================================================================================
# audit verify: each kind of damage, named, exit 1
# =============================================================================================


def test_a_bad_date_in_a_record(store: Store, store_url: str) -> None:
    run_sql(
        store,
        *as_text(store, "cadres", "birth_date"),
        f"UPDATE cadres SET birth_date = '{SECRET_DATE}' WHERE id = 'c2'",
    )
    (bad,) = [p for p in damage_of(store) if p.record_id]
    assert located(bad) == ("cadres", "birth_date", "c2", None)
    assert "not a valid date" in bad.message.en and "不是有效的日期" in bad.message.zh
    output = cli_verify(store, store_url, "--lang", "en")
    assert "table cadres, record c2 (ledger xz), column birth_date: not a valid date" in output


def test_a_bad_time_in_an_audit_entry(store: Store, store_url: str) -> None:
    run_sql(
        store,
        drop_triggers(store),
        *as_text(store, "audit_log", "at"),
        "UPDATE audit_log SET at = 'garbage' WHERE seq = 3",
    )
    (bad,) = [p for p in damage_of(store) if p.seq]
    assert located(bad) == ("audit_log", "at", None, 3)
    assert "audit entry 3, column at: not a valid time" in cli_verify(
        store, store_url, "--lang", "en"
    )


def test_malformed_json_in_an_audit_entry(store: Store, store_url: str) -> None:
    run_sql(
        store,
        drop_triggers(store),
        'UPDATE audit_log SET after = \'{"name": "张\' WHERE seq = 4',
    )
    problems = verify_audit(store).problems
    assert [located(p) for p in problems] == [("audit_log", "after", None, 4)]
    assert "column after: not valid JSON" in cli_verify(store, store_url, "--lang", "en")


def test_malformed_json_in_a_record(store: Store, store_url: str) -> None:
    run_sql(
        store,
        *as_text(store, "activities", "attendee_ids"),
        "UPDATE activities SET attendee_ids = '[\"c1\", ' WHERE id = 'a1'",
    )
    (bad,) = [p for p in damage_of(store) if p.record_id]
    assert located(bad) == ("activities", "attendee_ids", "a1", None)
    assert "not valid JSON" in cli_verify(store, store_url, "--lang", "en")


def test_an_audit_entry_that_holds_no_record(store: Store) -> None:
    """Valid JSON, but not the record it is about: the last entry of c1 says a list."""
    seq = store.audit_entries(kind="cadres", record_id="c1")[-1].seq
    run_sql(store, drop_triggers(store), f"UPDATE audit_log SET after = '[1, 2]' WHERE seq = {seq}")
    problems = verify_audit(store).problems
    assert ("damaged", "audit_log", "after", seq) in [
        (p.finding, p.table, p.column, p.seq) for p in problems
    ]


@pytest.mark.parametrize(
    ("table", "column", "key"),
    [
        ("cadres", "version", "c3"),
        ("activities", "headcount", "a1"),
        ("treatment_grants", "amount_yuan", None),
    ],
)
def test_text_in_a_number_column(
    store: Store, store_url: str, table: str, column: str, key: str | None
) -> None:
    where = f"id = '{key}'" if key else "id = (SELECT min(id) FROM treatment_grants)"
    run_sql(
        store,
        *as_text(store, table, column),
        f"UPDATE {table} SET {column} = '{SECRET_TEXT}' WHERE {where}",
    )
    # (on PostgreSQL every value of the retyped column is text now: each row is named)
    bad = next(p for p in damage_of(store) if p.record_id)
    if key is not None:
        (bad,) = [p for p in damage_of(store) if p.record_id == key]
    assert (bad.table, bad.column) == (table, column)
    assert "text in a number column" in bad.message.en
    assert "数字列中存有文本" in bad.message.zh
    cli_verify(store, store_url)


def test_a_dropped_column(store: Store, store_url: str) -> None:
    run_sql(store, "ALTER TABLE cadres DROP COLUMN phone")
    problems = verify_audit(store).problems
    assert [(p.finding, p.table, p.column) for p in problems] == [("damaged", "cadres", "phone")]
    assert "table cadres has no column phone" in cli_verify(store, store_url, "--lang", "en")
    assert "表 cadres 缺少列 phone" in cli_verify(store, store_url)


def test_a_dropped_column_of_the_audit_trail(store: Store, store_url: str) -> None:
    run_sql(store, drop_triggers(store), "ALTER TABLE audit_log DROP COLUMN actor")
    problems = verify_audit(store).problems
    assert [(p.finding, p.table, p.column) for p in problems] == [("damaged", "audit_log", "actor")]
    cli_verify(store, store_url)


def test_two_rows_in_the_version_table(store: Store, store_url: str) -> None:
    run_sql(store, f"INSERT INTO {VERSION_TABLE} (version_num) VALUES ('0002')")
    problems = verify_audit(store).problems
    assert [(p.finding, p.table, p.column) for p in problems] == [
        ("damaged", VERSION_TABLE, "version_num")
    ]
    assert problems[0].row in (1, 2)
    output = cli_verify(store, store_url, "--lang", "en")
    assert f"table {VERSION_TABLE}, row" in output and "an extra row" in output


def test_an_empty_version_table_and_a_missing_audit_table(store: Store, store_url: str) -> None:
    drop = (
        "DROP TABLE audit_log CASCADE" if store.dialect == "postgresql" else "DROP TABLE audit_log"
    )
    run_sql(store, f"DELETE FROM {VERSION_TABLE}", drop)
    found = {(p.table, p.column) for p in verify_audit(store).problems}
    assert found == {(VERSION_TABLE, "version_num"), ("audit_log", None)}
    cli_verify(store, store_url)


def test_a_column_added_by_hand(store: Store, store_url: str) -> None:
    run_sql(store, "ALTER TABLE cadres ADD COLUMN extra TEXT")
    problems = verify_audit(store).problems
    assert [(p.table, p.column) for p in problems] == [("cadres", "extra")]
    cli_verify(store, store_url)


def test_sqlite_only_damage(store: Store, store_url: str) -> None:
    """What only SQLite's loose typing lets in: bytes that are not UTF-8 in a text column, a
    sequence number that is text, a yes/no that is neither."""
    if store.dialect != "sqlite":
        pytest.skip("PostgreSQL's types refuse these")
    run_sql(
        store,
        "UPDATE cadres SET name = CAST(x'e5a4ff' AS TEXT) WHERE id = 'c1'",
        "UPDATE cadres SET living_away = 'yes' WHERE id = 'c2'",
        drop_triggers(store),
        "UPDATE audit_log SET seq = 'x' WHERE seq = 3",
    )
    found = {(p.table, p.column, p.record_id) for p in damage_of(store)}
    assert ("cadres", "name", "c1") in found
    assert ("cadres", "living_away", "c2") in found
    assert ("audit_log", "seq", None) in found
    output = cli_verify(store, store_url, "--lang", "en")
    assert "text that is not valid UTF-8" in output and "not a yes/no value" in output


def test_damage_is_reported_with_the_rest_of_the_store_still_checked(store: Store) -> None:
    run_sql(
        store,
        *as_text(store, "cadres", "birth_date"),
        f"UPDATE cadres SET birth_date = '{SECRET_DATE}' WHERE id = 'c2'",
        "UPDATE cadres SET name = '改过的名字' WHERE id = 'c3'",
    )
    findings = [(p.finding, p.record_id) for p in verify_audit(store).problems]
    assert ("damaged", "c2") in findings and ("record_changed", "c3") in findings


# =============================================================================================
# Every other command refuses a store whose columns differ from the schema
# =============================================================================================


def test_opening_a_store_whose_columns_differ_is_refused(store: Store, store_url: str) -> None:
    run_sql(store, "ALTER TABLE cadres DROP COLUMN phone")
    with pytest.raises(SchemaMismatchError) as refused:
        open_store(store_url)
    assert [(d.table, d.column) for d in refused.value.differences] == [("cadres", "phone")]
    assert "table cadres has no column phone" in refused.value.render("en")
    assert "表 cadres 缺少列 phone" in refused.value.render("zh")
    with pytest.raises(StoreError):
        open_ledger(store_url)


def test_a_retyped_column_is_refused_too(store: Store, store_url: str) -> None:
    if store.dialect == "postgresql":
        run_sql(store, "ALTER TABLE cadres ALTER COLUMN version TYPE text")
    else:  # (SQLite cannot retype: the table is made again, as a tool would)
        run_sql(
            store,
            "CREATE TABLE t AS SELECT * FROM units",
            "DROP TABLE units",
            "CREATE TABLE units AS SELECT * FROM t",
            "DROP TABLE t",
        )
    with pytest.raises(SchemaMismatchError):
        open_store(store_url)


def test_two_version_rows_are_refused_on_opening(store: Store, store_url: str) -> None:
    run_sql(store, f"INSERT INTO {VERSION_TABLE} (version_num) VALUES ('0002')")
    with pytest.raises(StoreError, match="holds 2 rows"):
        open_store(store_url)


def test_every_command_refuses_a_store_whose_columns_differ(
    store: Store, store_url: str, tmp_path: Path
) -> None:
    run_sql(store, "ALTER TABLE cadres DROP COLUMN phone")
    (tmp_path / "roster.csv").write_text("编号,姓名\nn1,张三\n", encoding="utf-8")
    for args in (
        ["init", store_url],
        ["import", str(tmp_path / "roster.csv"), "--store", store_url],
        ["export", "--store", store_url, "-o", str(tmp_path / "out.xlsx")],
        ["check", store_url, "--year", "2022"],
        ["validate", store_url],
        ["report", store_url, "--year", "2022"],
    ):
        result = runner.invoke(app_(), args, env={"CADRECORE_LANG": "en"})
        assert result.exit_code == 2, (args, result.output)
        assert "table cadres has no column phone" in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert not (tmp_path / "out.xlsx").exists()
    zh = runner.invoke(app_(), ["validate", store_url], env={"CADRECORE_LANG": "zh"})
    assert zh.exit_code == 2 and "表 cadres 缺少列 phone" in zh.output


def test_the_columns_checked_are_the_schema_s() -> None:
    """``reading.expected_columns`` (plain Python, for the SQLite fast path) is what
    ``schema.metadata`` builds, column by column and kind by kind."""
    from sqlalchemy.dialects import postgresql, sqlite

    for dialect in (sqlite.dialect(), postgresql.dialect()):
        built = {
            name: {c.name: type_family(c.type.compile(dialect=dialect)) for c in table.c}
            for name, table in metadata.tables.items()
        }
        assert built == {name: dict(columns) for name, columns in expected_columns().items()}


# =============================================================================================
# Never a crash: random damage to random cells, columns and rows
# =============================================================================================

VALUES = st.one_of(
    st.none(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.binary(max_size=12),
    st.sampled_from(
        ["", "1950-02-30", "2022-03-15", "[", "{}", "null", "[1,", "x" * 5000, "2024-05-01 08:00"]
    ),
)
INVALID_UTF8 = "CAST(x'e5a4ff' AS TEXT)"


@pytest.fixture(scope="module")
def saved_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cadrecore.sample import small_ledger

    path = tmp_path_factory.mktemp("damage") / "base.sqlite"
    with open_store(path) as store:
        store.save(small_ledger(2022), actor="王科长")
    return path


@st.composite
def damage(draw: st.DrawFn, layout: dict[str, list[str]]) -> list[tuple[Any, ...]]:
    moves: list[tuple[Any, ...]] = []
    for _ in range(draw(st.integers(1, 4))):
        table = draw(st.sampled_from(sorted(layout)))
        column = draw(st.sampled_from(layout[table]))
        kind = draw(
            st.sampled_from(["cell", "cell", "cell", "utf8", "drop", "add", "delete", "version"])
        )
        moves.append((kind, table, column, draw(VALUES), draw(st.integers(0, 40))))
    return moves


def _apply(path: Path, moves: list[tuple[Any, ...]]) -> None:
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        for number, (kind, table, column, value, offset) in enumerate(moves):
            row = f"rowid = (SELECT rowid FROM {table} LIMIT 1 OFFSET {offset})"
            statement, parameters = {
                "cell": (f'UPDATE {table} SET "{column}" = ? WHERE {row}', (value,)),
                "utf8": (f'UPDATE {table} SET "{column}" = {INVALID_UTF8} WHERE {row}', ()),
                "drop": (f'ALTER TABLE {table} DROP COLUMN "{column}"', ()),
                "add": (f'ALTER TABLE {table} ADD COLUMN "extra{number}" TEXT', ()),
                "delete": (f"DELETE FROM {table} WHERE {row}", ()),
                "version": (f"INSERT INTO {VERSION_TABLE} VALUES (?)", (f"x{number}",)),
            }[kind]
            with contextlib.suppress(sqlite3.DatabaseError, OverflowError):
                conn.execute(statement, parameters)  # (a constraint may refuse that damage)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_audit_verify_answers_on_any_damage(
    saved_store: Path, tmp_path: Path, data: st.DataObject
) -> None:
    import shutil
    import sqlite3

    with sqlite3.connect(saved_store) as conn:
        layout = {
            table: [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            for table in (
                "cadres",
                "activities",
                "treatment_grants",
                "ledgers",
                "audit_log",
                "units",
            )
        }
    moves = data.draw(damage(layout))
    path = tmp_path / f"damaged-{abs(hash(repr(moves)))}.sqlite"
    shutil.copy(saved_store, path)
    _apply(path, moves)
    try:
        store = open_store(path, create=False, check_schema=False)
    except StoreError:
        event("refused on opening")
        return  # (refused with a message: a version row cadrecore does not know)
    with store:
        result = verify_audit(store)
    for problem in result.problems:
        assert problem.message.en and problem.message.zh
    result = runner.invoke(app_(), ["audit", "verify", "--store", str(path)])
    event(f"exit {result.exit_code}")
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    path.unlink()
