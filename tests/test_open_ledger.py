"""``open_ledger``: a SQLite store read for a check with the ``sqlite3`` module alone.

Importing SQLAlchemy costs about as long as reading a county's whole store (issue #7's floor at
10,000 cadres), so ``cadrecore check`` reads a SQLite store at the current schema through
:mod:`cadrecore.store.reading` instead. Here: that path imports no SQLAlchemy, judges as the
loaded ledger does, converts every column as SQLAlchemy's own result processors would, serves
readers in several threads at once, and hands anything else (a newer schema, no store, a URL)
to ``open_store`` and its errors.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadrecore import Ledger
from cadrecore.models import KINDS_BY_NAME
from cadrecore.rules import evaluate
from cadrecore.store import StoreError, StoreLedger, open_ledger, open_store
from cadrecore.store.reading import LEDGERS, VERSION_TABLE, storage, table_shapes
from cadrecore.synth import synthesize


@pytest.fixture(scope="module")
def province() -> Ledger:
    return synthesize(300, 3)


@pytest.fixture(scope="module")
def stored(province: Ledger, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("open_ledger") / "province.sqlite"
    with open_store(path) as store:
        store.save(province, actor="test")
    return path


def test_a_check_of_a_sqlite_store_imports_no_sqlalchemy(stored: Path) -> None:
    """``cadrecore check STORE`` in a fresh interpreter: its whole output, and no SQLAlchemy
    (nor Alembic) among the modules it imported."""
    code = (
        "import sys\n"
        "from cadrecore.cli import app\n"
        "try:\n"
        f"    app(['check', {str(stored)!r}, '--year', '2022', '--format', 'json'])\n"
        "except SystemExit as end:\n"
        "    print('exit', end.code, file=sys.stderr)\n"
        "print('imported', 'sqlalchemy' in sys.modules, 'alembic' in sys.modules, file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "imported False False" in run.stderr, run.stderr
    assert run.stderr.startswith("exit 1"), run.stderr  # (error findings: a synthetic year)
    assert '"findings"' in run.stdout


def test_it_judges_as_the_loaded_ledger(stored: Path, province: Ledger) -> None:
    opened = open_ledger(stored)
    assert isinstance(opened, StoreLedger)
    with open_store(stored, create=False) as store:
        loaded = store.load()
    assert evaluate(opened, year=2022).to_json() == evaluate(loaded, year=2022).to_json()
    assert opened.cadres == loaded.cadres  # a kind read whole, decoded by the same codec
    some = loaded.activities[-1]
    assert open_ledger(stored).get("activities", some.id) == some  # one row, by its key
    assert open_ledger(str(stored), province.jurisdiction.id).jurisdiction == province.jurisdiction


def test_its_store_opens_when_asked_for(stored: Path) -> None:
    opened = open_ledger(stored)
    store = opened.store  # (SQLAlchemy now: opened on the same file)
    assert store.url == f"sqlite:///{stored.resolve()}"
    with pytest.raises(StoreError, match=r"store\.load"):
        store.save(opened)
    store.close()


def test_readers_in_several_threads_at_once(stored: Path, province: Ledger) -> None:
    """A rule reads in a worker thread while others may still read (one overran its budget):
    each reader gets a connection of its own."""
    opened = open_ledger(stored)
    ids = [cadre.id for cadre in province.cadres]
    failures: list[BaseException] = []

    def read(offset: int) -> None:
        try:
            for start in range(offset, len(ids), 37):
                some = set(ids[start : start + 5])
                where = {"id": some}
                found = opened.columns("cadres", "id", "birth_date", where=where)
                assert found == province.columns("cadres", "id", "birth_date", where=where)
        except BaseException as exc:  # (raised in the test's thread below)
            failures.append(exc)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures


def test_what_is_not_a_current_sqlite_store_goes_to_open_store(
    stored: Path, tmp_path: Path
) -> None:
    with pytest.raises(StoreError, match="此处没有数据库"):
        open_ledger(tmp_path / "missing.sqlite")
    not_a_store = tmp_path / "notes.sqlite"
    not_a_store.write_text("not a database")
    with pytest.raises(StoreError, match="cannot open the store"):
        open_ledger(not_a_store)
    # by URL: through the store's engine, the same ledger
    url = f"sqlite:///{stored}"
    assert open_ledger(url).cadres == open_ledger(stored).cadres
    # a store newer than this cadrecore: refused, as open_store refuses it
    newer = tmp_path / "newer.sqlite"
    newer.write_bytes(stored.read_bytes())
    with sqlite3.connect(newer) as conn:
        conn.execute(f"UPDATE {VERSION_TABLE} SET version_num = 'zzzz'")
    with pytest.raises(StoreError, match="newer than this cadrecore"):
        open_ledger(newer)


def test_the_tables_it_reads_are_the_stores(stored: Path) -> None:
    """The columns :mod:`reading` reads are, name for name and in order, the SQLAlchemy
    tables the store is built from; and the file's own (in the order its migrations added
    them: the queries name their columns)."""
    from cadrecore.store.schema import LEDGERS as LEDGERS_TABLE
    from cadrecore.store.schema import RECORD_TABLES

    tables = {LEDGERS: LEDGERS_TABLE, **RECORD_TABLES}
    with sqlite3.connect(stored) as conn:
        for name, table in tables.items():
            assert list(table_shapes(name)) == [column.name for column in table.columns]
            in_file = [row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')]
            assert sorted(table_shapes(name)) == sorted(in_file)


#: Values SQLite's driver returns for each kind of column.
SQLITE_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "text": st.text(max_size=5),
    "int": st.integers(),
    "bool": st.sampled_from([0, 1]),
    "date": st.dates().map(lambda day: day.isoformat()),
    "decimal": st.one_of(
        st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(-(10**12), 10**12)
    ),
    "json": st.one_of(
        st.just("[]"),
        st.lists(st.text(max_size=4), max_size=3).map(json.dumps),
        st.just('{"a": 1.5, "b": [1, 2]}'),
    ),
}


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_sqlite_values_convert_as_sqlalchemy_converts_them(data: st.DataObject) -> None:
    """Each column's conversion of a SQLite value equals SQLAlchemy's result processor for
    that column (dates, JSON, amounts rounded to their places, booleans), value and type."""
    from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect

    from cadrecore.store.fastread import driver_converters
    from cadrecore.store.reading import sqlite_converters
    from cadrecore.store.schema import LEDGERS as LEDGERS_TABLE
    from cadrecore.store.schema import RECORD_TABLES

    dialect = sqlite_dialect()
    tables = {LEDGERS: LEDGERS_TABLE, **RECORD_TABLES}
    name = data.draw(st.sampled_from(sorted(tables)))
    table = tables[name]
    names = [column.name for column in table.columns]
    ours = sqlite_converters(name, names)
    theirs = driver_converters(list(table.columns), dialect, [None] * len(names))
    assert ours.keys() == theirs.keys()
    for column in names:
        shape = table_shapes(name)[column]
        kind = "int" if shape is None and column in ("position", "version") else "text"
        kind = storage(shape) if shape is not None else kind
        value = data.draw(SQLITE_VALUES[kind], label=f"{name}.{column}")
        if column not in ours:
            continue
        mine, sqlalchemys = ours[column](value), theirs[column](value)
        assert (mine, type(mine)) == (sqlalchemys, type(sqlalchemys))


def test_an_amount_is_rounded_to_its_places() -> None:
    """(The conversion the test above compares, on a value that shows it: a float amount.)"""
    from cadrecore.store.reading import sqlite_converters

    amounts = [
        (table, column)
        for table in KINDS_BY_NAME
        for column, shape in table_shapes(table).items()
        if shape is not None and storage(shape) == "decimal"
    ]
    assert amounts  # (the model has amounts)
    table, column = amounts[0]
    assert sqlite_converters(table, [column])[column](1234.5) == Decimal("1234.50")


def test_a_ledger_among_others_in_one_store_reads_only_its_own(
    province: Ledger, tmp_path: Path
) -> None:
    """A store holding one ledger is read straight through its tables (``NOT INDEXED``: the
    table's order is the ledger's); with several, each ledger's rows are found by the key's
    index. Either way, each opened ledger answers as its own records do."""
    small = synthesize(120, 5)  # (the same record ids as the province's, other records)
    other = small.replace(
        jurisdiction=small.jurisdiction.model_copy(update={"id": "other", "name": "另一市"})
    )
    path = tmp_path / "two.sqlite"
    with open_store(path) as store:
        store.save(province, actor="test")
        alone = open_ledger(path)
        assert alone.__dict__["_opened"].alone
        store.save(other, actor="test")
    for ledger in (province, other):
        opened = open_ledger(path, ledger.jurisdiction.id)
        assert not opened.__dict__["_opened"].alone
        for kind in ("cadres", "memberships", "activities"):
            fields = tuple(KINDS_BY_NAME[kind].model.model_fields)
            assert opened.columns(kind, *fields) == ledger.columns(kind, *fields)
        assert opened.cadres == ledger.cadres
    with pytest.raises(StoreError, match="已被修改"):
        alone.columns("cadres", "id")  # (opened alone; another ledger saved since)
