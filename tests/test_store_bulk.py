"""Rows inserted the bulk way are stored as SQLAlchemy's ``insert()`` stores them (issue #26
item 1): the same values of the same types, in every column of every record table and the audit
table, on both backends; and the fast canonical JSON gives the standard library's text."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from cadrecore.models import RECORD_KINDS, Cadre
from cadrecore.sample import small_ledger
from cadrecore.store import Store, bulk, open_store
from cadrecore.store.bulk import insert_rows
from cadrecore.store.codec import (
    CODECS,
    JURISDICTION_CODEC,
    Codec,
    canonical_bytes,
    canonical_bytes_in_order,
    canonical_json,
)
from cadrecore.store.failures import StoreWriteError
from cadrecore.store.saving import record_key, record_keys
from cadrecore.store.schema import AUDIT_LOG, LEDGERS, RECORD_TABLES


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()


def stored(store: Store, table: Any, lid: str) -> list[tuple[Any, ...]]:
    """The rows as the database holds them (on SQLite with each value's storage class)."""
    columns = [c.name for c in table.c if c.name != "ledger_id"]
    with store.reading() as conn:
        if store.dialect == "sqlite":
            shown = ", ".join(f'"{c}", typeof("{c}")' for c in columns)
            sql = f'SELECT {shown} FROM "{table.name}" WHERE ledger_id = :l ORDER BY id'
            return [tuple(r) for r in conn.execute(text(sql), {"l": lid})]
        query = select(*(table.c[c] for c in columns)).where(table.c.ledger_id == lid)
        return [tuple(r) for r in conn.execute(query.order_by(table.c.id))]


def test_every_record_table_stores_the_same_rows(store: Store) -> None:
    ledger = small_ledger(2022)
    with store.writing() as conn:  # (the ledgers the rows belong to)
        for lid in ("plain", "bulk", "json", "beside"):
            dumped = JURISDICTION_CODEC.dump(ledger.jurisdiction.model_copy(update={"id": lid}))
            conn.execute(LEDGERS.insert().values(**JURISDICTION_CODEC.row(dumped), version=1))
    for kind in RECORD_KINDS:
        records = ledger.records(kind.name)
        if not records:
            continue
        codec, table = CODECS[kind.name], RECORD_TABLES[kind.name]
        rows = {}
        for lid in ("plain", "bulk", "json", "beside"):
            rows[lid] = []
            for position, record in enumerate(records):
                # ("json": as a save into an empty store makes them, insert_all: on SQLite
                # days left as ISO text and yes/no as bool, handed over in the JSON form)
                as_text = store.dialect == "sqlite"
                if lid in ("json", "beside"):
                    row = codec.row_in_place(codec.dump_all([record])[0], days_as_text=as_text)
                else:
                    row = codec.row(codec.dump(record))
                if lid != "beside":  # (given beside the rows, as insert_all gives them)
                    row.update(
                        ledger_id=lid, id=f"{kind.name}-{position}", position=position, version=1
                    )
                rows[lid].append(row)
        keys = [f"{kind.name}-{position}" for position in range(len(records))]
        with store.writing() as conn:
            conn.execute(table.insert(), rows["plain"])
            insert_rows(conn, table, rows["bulk"])
            insert_rows(conn, table, rows["json"], json_form=True)
            insert_rows(
                conn,
                table,
                rows["beside"],
                json_form=True,
                fixed={"ledger_id": "beside", "version": 1},
                each={"id": keys, "position": range(len(records))},
            )
        assert stored(store, table, "bulk") == stored(store, table, "plain"), kind.name
        assert stored(store, table, "json") == stored(store, table, "plain"), kind.name
        assert stored(store, table, "beside") == stored(store, table, "plain"), kind.name


def test_columns_given_beside_the_rows_must_be_one_a_row(store: Store) -> None:
    """A column given a value a row beside the rows (``each``) with fewer or more values than
    there are rows is refused, and nothing is written: never a row left out unseen."""
    ledger = small_ledger(2022)
    codec, table = CODECS["cadres"], RECORD_TABLES["cadres"]
    with store.writing() as conn:
        conn.execute(
            LEDGERS.insert().values(
                **JURISDICTION_CODEC.row(
                    JURISDICTION_CODEC.dump(ledger.jurisdiction.model_copy(update={"id": "short"}))
                ),
                version=1,
            )
        )
    for keys in (["a", "b"], ["a", "b", "c", "d"]):
        as_text = store.dialect == "sqlite"
        dumps = codec.dump_all(ledger.cadres[:3])
        codec.rows_in_place(dumps, days_as_text=as_text)
        with pytest.raises(ValueError), store.writing() as conn:
            insert_rows(
                conn,
                table,
                dumps,
                json_form=as_text,
                fixed={"ledger_id": "short", "version": 1},
                each={"id": keys, "position": range(3)},
            )
        assert stored(store, table, "short") == []


def test_the_audit_table_stores_the_same_rows(store: Store) -> None:
    at = datetime(2026, 12, 6, 8, 0, 1, 5, tzinfo=UTC)
    entries = []
    for seq in (1, 2):
        entries.append(
            {
                "seq": seq,
                "at": at,
                "actor": "张三",
                "action": "insert",
                "ledger_id": "x",
                "kind": "cadres",
                "record_id": f"c{seq}",
                "before": None,
                "after": '{"a":1}',
                "prev_hash": "0" * 64,
                "hash": f"{seq}" * 64,
                "key_id": None if seq == 1 else "k1",
            }
        )
    with store.writing() as conn:
        conn.execute(AUDIT_LOG.insert(), entries[:1])
        insert_rows(conn, AUDIT_LOG, entries[1:])
    with store.reading() as conn:
        if store.dialect == "sqlite":
            got = list(conn.execute(text("SELECT at, typeof(at) FROM audit_log ORDER BY seq")))
        else:
            got = list(conn.execute(select(AUDIT_LOG.c.at).order_by(AUDIT_LOG.c.seq)))
    assert got[0] == got[1]


def test_rows_the_database_refuses_raise_sqlalchemys_error(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key already there: the bulk way (PostgreSQL's COPY included) raises what an INSERT
    raises, SQLAlchemy's IntegrityError, which the store says in its own words without the row's
    values (not the driver's own error, whose message can quote them), and the writing
    transaction leaves none of its rows."""
    ledger = small_ledger(2022)
    codec, table = CODECS["cadres"], RECORD_TABLES["cadres"]
    rows = []
    for position, record in enumerate(ledger.cadres[:3]):
        row = codec.row(codec.dump(record))
        row.update(ledger_id="x", id=record.id, position=position, version=1)
        rows.append(row)
    jurisdiction = JURISDICTION_CODEC.dump(ledger.jurisdiction.model_copy(update={"id": "x"}))
    with store.writing() as conn:
        conn.execute(LEDGERS.insert().values(**JURISDICTION_CODEC.row(jurisdiction), version=1))
        insert_rows(conn, table, rows[:1])
    copies: list[bool] = []  # (on PostgreSQL: whether each COPY went in)
    copied = bulk._copied
    monkeypatch.setattr(bulk, "_copied", lambda *a: copies.append(copied(*a)) or copies[-1])
    with pytest.raises(StoreWriteError) as raised, store.writing() as conn:
        insert_rows(conn, table, rows[1:])
        insert_rows(conn, table, rows[:1])  # there already
    assert copies == ([True, False] if store.dialect == "postgresql" else [])
    assert [p.code for p in raised.value.problems] == ["store.constraint"]
    assert isinstance(raised.value.__context__, IntegrityError)  # (suppressed, as an INSERT's)
    assert all(row["name"] not in str(raised.value) for row in rows)
    with store.reading() as conn:
        ids = list(conn.execute(select(table.c.id).where(table.c.ledger_id == "x")).scalars())
    assert ids == [rows[0]["id"]]


def test_rows_made_as_they_are_taken_are_stored_the_same(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows given as a generator (a save makes each as the database takes it): the same rows
    stored as from a list; each made once; when the database refuses one (PostgreSQL's COPY
    rolled back, then the INSERT that says why), every row is still made once and none kept."""
    ledger = small_ledger(2022)
    codec, table = CODECS["cadres"], RECORD_TABLES["cadres"]
    made: list[str] = []

    def rows(lid: str, cadres: Any) -> Iterator[dict[str, Any]]:
        for position, record in enumerate(cadres):
            made.append(record.id)
            row = codec.row(codec.dump(record))
            row.update(ledger_id=lid, id=record.id, position=position, version=1)
            yield row

    with store.writing() as conn:
        for lid in ("listed", "made"):
            dumped = JURISDICTION_CODEC.dump(ledger.jurisdiction.model_copy(update={"id": lid}))
            conn.execute(LEDGERS.insert().values(**JURISDICTION_CODEC.row(dumped), version=1))
        insert_rows(conn, table, list(rows("listed", ledger.cadres)))
        made.clear()
        insert_rows(conn, table, rows("made", ledger.cadres))
    assert made == [c.id for c in ledger.cadres]
    assert stored(store, table, "made") == stored(store, table, "listed")

    made.clear()
    second = ledger.cadres[5]  # (already stored under "made": the second row is refused)
    with pytest.raises(StoreWriteError), store.writing() as conn:
        clash = [ledger.cadres[0].model_copy(update={"id": "new1"}), second]
        insert_rows(conn, table, rows("made", [*clash, *ledger.cadres[6:9]]))
    assert made == ["new1", second.id, *(c.id for c in ledger.cadres[6:9])]
    with store.reading() as conn:
        kept = set(conn.execute(select(table.c.id).where(table.c.ledger_id == "made")).scalars())
    assert kept == {c.id for c in ledger.cadres}


def test_insert_rows_of_nothing_writes_nothing(store: Store) -> None:
    with store.writing() as conn:
        insert_rows(conn, RECORD_TABLES["cadres"], iter(()))
        insert_rows(conn, RECORD_TABLES["cadres"], [])
    assert stored(store, RECORD_TABLES["cadres"], "sample") == []


# --- the fast canonical JSON --------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.text()
    | st.floats(allow_nan=True, allow_infinity=True),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)


def without_floats(value: Any) -> bool:
    if isinstance(value, float):
        return False
    if isinstance(value, dict):
        return all(without_floats(v) for v in value.values())
    if isinstance(value, list):
        return all(without_floats(v) for v in value)
    return True


@given(json_values)
def test_canonical_bytes_are_the_standard_librarys_text(value: Any) -> None:
    if not without_floats(value):
        return
    try:
        expected = canonical_json(value).encode("utf-8")
    except UnicodeEncodeError:  # (text that is no valid Unicode: both refuse it)
        with pytest.raises(UnicodeEncodeError):
            canonical_bytes(value)
        return
    assert canonical_bytes(value) == expected


@given(
    st.fixed_dictionaries(
        {"details": json_values, "note": st.text(), "year": st.integers(0, 3000)},
        optional={"done": st.booleans(), "tags": st.lists(st.text(), max_size=3)},
    )
)
def test_a_records_audit_text_is_the_standard_librarys_text(dumped: dict[str, Any]) -> None:
    # (a record's own fields hold text, whole numbers and booleans; its details, free JSON)
    codec = CODECS["service_records"]
    try:
        expected = canonical_json(dumped)
        expected.encode("utf-8")
    except UnicodeEncodeError:
        return
    assert codec.after_text(dumped) == expected


def test_floats_are_written_as_the_standard_library_writes_them() -> None:
    codec: Codec = CODECS["service_records"]
    for number in (1.5e-7, 1e16, math.inf, -0.0, 0.1):
        dumped = {"details": {"x": number}}
        assert codec.after_text(dumped) == json.dumps(
            dumped, ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )


# --- a save into an empty store: each fast way against the plain one -----------------------------

try:
    from cadrecore import strategies as cst
except ImportError:  # pragma: no cover - strategies are optional
    cst = None  # type: ignore[assignment]


@pytest.mark.skipif(cst is None, reason="cadrecore.strategies is not available")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_kinds_dumps_rows_and_keys_made_at_once_are_those_made_one_by_one(data: Any) -> None:
    """What :func:`~cadrecore.store.saving.insert_all` makes for a whole kind at once (the
    dumps in one call to pydantic, each row made in its dump, the keys as the ids) against
    :meth:`Codec.dump`, :meth:`Codec.row` and :func:`record_key` record by record; a kind's
    records with ids repeated (drawn again from its own) take the numbered keys."""
    ledger = data.draw(cst.ledgers())
    for kind in RECORD_KINDS:
        codec = CODECS[kind.name]
        records = list(ledger.records(kind.name))
        if records:  # (ids, or a kind's key fields, repeated)
            records += data.draw(st.lists(st.sampled_from(records), max_size=3))
        dumps = codec.dump_all(records)
        assert dumps == [codec.dump(record) for record in records], kind.name
        plain = [codec.row(d) for d in dumps]
        made = [codec.row_in_place(dict(d)) for d in dumps]
        assert made == plain, kind.name
        as_text = [
            {k: v.isoformat() if type(v) is date else v for k, v in r.items()} for r in plain
        ]
        made = [codec.row_in_place(dict(d), days_as_text=True) for d in dumps]
        assert made == as_text, kind.name
        for days_as_text, expected in ((False, plain), (True, as_text)):  # a batch in place
            batch = [dict(d) for d in dumps]
            codec.rows_in_place(batch, days_as_text=days_as_text)
            assert batch == expected, kind.name
        seen: set[str] = set()
        keys = [record_key(kind, record, seen) for record in records]
        assert record_keys(kind, records) == keys, kind.name


@pytest.mark.parametrize(
    ("years", "months"),
    [
        ((2022, 2022, 2023), (3, 3, 3)),  # a key repeated: numbered
        ((1, True, 1.0), (3, 4, 5)),  # equal across types, each its own text
        (([2022], [2022], None), (3, 4, 5)),  # unhashable, as a plugin's subclass might hold
    ],
)
def test_keys_of_a_kind_keyed_by_its_fields_are_those_made_one_by_one(
    years: tuple[Any, ...], months: tuple[int, ...]
) -> None:
    """:func:`record_keys` of a kind keyed by fields (party dues: cadre, year, month) against
    :func:`record_key` record by record, where the keys made a field at a time cannot serve."""
    kind = next(k for k in RECORD_KINDS if k.name == "party_dues")
    records = [
        SimpleNamespace(cadre_id="c1", year=y, month=m) for y, m in zip(years, months, strict=True)
    ]
    seen: set[str] = set()
    assert record_keys(kind, records) == [record_key(kind, r, seen) for r in records]


def test_a_record_of_a_subclass_is_dumped_by_its_own_model() -> None:
    """One record of a model made from the kind's (a plugin's, say) among the kind's own: each
    is dumped by its own model, its own field kept, as :meth:`Codec.dump` does."""

    class Noted(Cadre):
        remark: str = "x"

    cadres = list(small_ledger(2022).cadres[:3])
    mixed = [cadres[0], Noted.model_validate(cadres[1].model_dump()), cadres[2]]
    dumps = CODECS["cadres"].dump_all(mixed)
    assert dumps == [record.model_dump(mode="json") for record in mixed]
    assert dumps[1]["remark"] == "x" and "remark" not in dumps[0]


entry_values = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text()


@given(st.dictionaries(st.text(max_size=8), entry_values, max_size=12))
def test_an_entrys_bytes_in_its_keys_order_are_the_canonical_bytes(entry: dict[str, Any]) -> None:
    """An audit entry's keys put in their sorted order and written as given: the bytes
    :func:`canonical_bytes` writes (sorting them), text that is no valid Unicode refused by
    both; whole numbers beyond 64 bits and keys orjson cannot sort alike included."""
    ordered = {key: entry[key] for key in sorted(entry)}
    try:
        expected = canonical_bytes(entry)
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            canonical_bytes_in_order(ordered)
        return
    assert canonical_bytes_in_order(ordered) == expected
