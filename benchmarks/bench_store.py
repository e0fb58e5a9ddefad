"""Save and load of a large ledger to a store (SQLite by default), in rows per second.

The ledger is the sample ledger with N more cadres (100,000 by default), each in a branch,
each with a yearly treatment grant: about 3N records. Also measured: building the records
from stored rows with ``model_validate`` against putting the values in place (what
``Store.load`` does by default), a save that changes nothing, and a save that changes one
record.

    python benchmarks/bench_store.py [--cadres 100000] [--repeat 3] [--url postgresql+psycopg://...]

``--repeat``: the save into an empty store (a new SQLite file; with ``--url``, the store's own
tables dropped from that database first), each followed at once by its floor, so many times; each pair's ratio is printed, then their median and range (the machine's speed
moves between runs, and a pair shares most of what moves it).
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
import statistics
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text

from cadrecore import Ledger
from cadrecore.models import Cadre, Membership, TreatmentGrant
from cadrecore.sample import small_ledger
from cadrecore.store import Store, open_store
from cadrecore.store.codec import CODECS
from cadrecore.store.reading import VERSION_TABLE
from cadrecore.store.schema import RECORD_TABLES, metadata


def large_ledger(extra: int) -> Ledger:
    base = small_ledger(2022)
    cadres, members, grants = [], [], []
    for i in range(extra):
        cadre_id = f"x{i:07d}"
        cadres.append(
            Cadre(
                id=cadre_id,
                name=f"老干部{i}",
                birth_date=date(1930 + i % 30, 1 + i % 12, 1 + i % 28),
                joined_work=date(1960 + i % 20, 9, 1),
                retirement_kind="tuixiu",
                retirement_date=date(2000 + i % 20, 6, 1),
                party_status="full",
                party_joined=date(1981 + i % 10, 7, 1),
                county_id="east" if i % 2 else "west",
                interests=("书法", "绘画") if i % 5 == 0 else (),
            )
        )
        members.append(
            Membership(
                cadre_id=cadre_id, branch_id="b.east" if i % 2 else "b.west", since=date(2019, 1, 1)
            )
        )
        grants.append(
            TreatmentGrant(
                id=f"g.{cadre_id}",
                cadre_id=cadre_id,
                treatment_item="health_allowance",
                year=2022,
                standard_id="std.east" if i % 2 else "std.city",
                amount_yuan=Decimal("1500") if i % 2 else Decimal("1200"),
            )
        )
    return base.replace(
        cadres=(*base.cadres, *cadres),
        memberships=(*base.memberships, *members),
        treatment_grants=(*base.treatment_grants, *grants),
    )


def bare_insert(path: str) -> tuple[float, float]:
    """The floor of a save into an empty SQLite store: the rows it wrote (records, audit
    entries, the ledger's row), inserted into the same empty tables of a new store with
    ``sqlite3``'s ``executemany`` in one transaction; its wall and CPU seconds."""
    source = sqlite3.connect(path)
    tables = {}
    for (name,) in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        if "alembic_version" in name:  # (filled by open_store already)
            continue
        cursor = source.execute(f'SELECT * FROM "{name}"')
        tables[name] = ([c[0] for c in cursor.description], cursor.fetchall())
    source.close()
    target = str(Path(tempfile.mkdtemp(prefix="cadrecore-floor-")) / "floor.sqlite")
    open_store(target).close()  # (the same schema, empty)
    conn = sqlite3.connect(target)
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    with conn:
        for name, (columns, rows) in tables.items():
            if rows:
                names = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join("?" * len(columns))
                conn.executemany(f'INSERT INTO "{name}" ({names}) VALUES ({marks})', rows)
    return time.perf_counter() - start, time.process_time() - cpu


def bare_copy(store: Store) -> tuple[float, float]:
    """The floor of a save into an empty PostgreSQL store: the rows it wrote (records, audit
    entries, the ledger's row), each table's rows read back as text and copied with psycopg's
    ``COPY ... FROM STDIN`` into a new table made like it (its indexes, checks and foreign
    keys) in one transaction; its wall and CPU seconds."""
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_name <> 'alembic_version'"
        )
        tables = {}
        for (name,) in cursor.fetchall():
            with cursor.copy(f'COPY "{name}" TO STDOUT') as copy:  # type: ignore[attr-defined]
                rows = list(copy.rows())
            if rows:
                tables[name] = rows
                cursor.execute(f'CREATE TABLE "floor_{name}" (LIKE "{name}" INCLUDING ALL)')
                cursor.execute(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f'",
                    (f'"{name}"',),
                )
                for (definition,) in cursor.fetchall():
                    cursor.execute(f'ALTER TABLE "floor_{name}" ADD {definition}')
        raw.commit()
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        for name, rows in tables.items():
            with cursor.copy(f'COPY "floor_{name}" FROM STDIN') as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
        raw.commit()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        for name in tables:
            cursor.execute(f'DROP TABLE "floor_{name}"')
        raw.commit()
        return seconds, cpu
    finally:
        raw.close()


def emptied(url: str) -> None:
    """Drop the store's own tables (its records, ledgers, audit trail, migration version) and,
    on PostgreSQL, its trigger function from the database at ``url``, so that the next
    ``open_store`` makes them anew, empty."""
    engine = create_engine(url)
    try:
        metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.execute(text(f'DROP TABLE IF EXISTS "{VERSION_TABLE}"'))
            if engine.dialect.name == "postgresql":  # (what keeps the audit trail append-only)
                conn.execute(text("DROP FUNCTION IF EXISTS audit_log_refuse()"))
    finally:
        engine.dispose()


def timed(function: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cadres", type=int, default=100_000)
    parser.add_argument("--url", help="a store URL (default: a new SQLite file)")
    parser.add_argument(
        "--no-validate", action="store_true", help="skip the load that validates every row"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="saves into an empty store, each followed by its floor (default 1); with --url, "
        "the store's tables in that database are dropped before each save after the first",
    )
    args = parser.parse_args()
    ledger, built = timed(large_ledger, args.cadres)
    records = sum(ledger.counts().values())
    print(f"ledger: {records:,} records ({args.cadres:,} extra cadres), built in {built:.1f}s")

    def line(label: str, seconds: float, rows: int = records) -> None:
        print(f"  {label:42} {seconds:7.2f}s {rows / seconds:12,.0f} rows/s")

    pairs: list[float] = []  # each save's wall seconds over its own floor's
    for run in range(max(1, args.repeat)):
        if args.url and run:  # (the store's own tables dropped, to save into it empty again)
            emptied(args.url)
        url = args.url or str(Path(tempfile.mkdtemp(prefix="cadrecore-bench-")) / "store.sqlite")
        store = open_store(url)
        print(f"store: {store.url}")
        # (a copy before the last run: a saved ledger remembers the store it was saved to, and
        # the same URL emptied since is no longer that store)
        saved = ledger if run + 1 >= args.repeat else ledger.replace()
        gc.collect()
        cpu = time.process_time()
        result, seconds = timed(store.save, saved, actor="bench")
        cpu = time.process_time() - cpu
        line(f"save (new, {result.audit_entries:,} audit entries)", seconds)
        # issue #26 item 1: against a bare executemany (SQLite) or COPY (PostgreSQL) of its
        # rows, right after it
        if store.dialect == "sqlite":
            floor, floor_cpu = bare_insert(store.engine.url.database or "")
            bare = "executemany"
        else:
            floor, floor_cpu = bare_copy(store)
            bare = "COPY"
        pairs.append(seconds / floor)
        print(
            f"  save / bare {bare} of the same rows: {seconds / floor:.2f}x wall "
            f"({seconds:.2f} / {floor:.2f} s), {cpu / floor_cpu:.2f}x CPU "
            f"({cpu:.2f} / {floor_cpu:.2f} s)"
        )
        if run + 1 < args.repeat:
            store.close()
    if len(pairs) > 1:
        print(
            f"  save / bare {bare}, each pair: median {statistics.median(pairs):.2f}x "
            f"(range {min(pairs):.2f}x to {max(pairs):.2f}x, {len(pairs)} pairs)"
        )
    loaded, seconds = timed(store.load, ledger.jurisdiction.id)
    assert loaded == ledger
    line("load", seconds)
    if not args.no_validate:
        _, seconds = timed(store.load, ledger.jurisdiction.id, validate=True)
        line("load, validating every row", seconds)
    result, seconds = timed(store.save, loaded)
    assert result.changes == 0
    line("save unchanged", seconds)
    # One record changed (issue #26 item 2): knowing what changed since the read, and by
    # comparing every row, as a save after someone else's does (the same rows written).
    middle = len(loaded.cadres) // 2
    changed = loaded.with_records(loaded.cadres[middle].model_copy(update={"phone": "13800000000"}))
    result, known = timed(store.save, changed)
    assert result.changes == 1
    line("save, one record changed", known, 1)
    again = changed.with_records(changed.cadres[middle].model_copy(update={"phone": "13900000000"}))
    Store._changes_known = False
    result, compared = timed(store.save, again)
    Store._changes_known = True
    assert result.changes == 1
    line("save, one record changed, comparing every row", compared, 1)
    print(f"  one record changed: {compared / known:.0f}x faster than comparing every row")
    verification, seconds = timed(store.verify_audit)
    assert verification.ok
    line(f"verify audit ({verification.entries:,} entries)", seconds)

    # Building models from rows: model_validate against putting the values in place.
    table, codec = RECORD_TABLES["cadres"], CODECS["cadres"]
    with store.reading() as conn:
        result = conn.execute(select(table))
        columns = tuple(result.keys())
        rows = list(result)
    registry = ledger.registry
    decode = codec.decoder(columns, registry)
    mappings = [row._mapping for row in rows]

    def best(build: Any) -> float:
        times = []
        for _ in range(3):
            gc.collect()
            _, seconds = timed(build)
            times.append(seconds)
        return min(times)

    fast = best(lambda: [decode(r) for r in rows])
    full = best(lambda: [codec.decode_validated(m, registry) for m in mappings])
    public = best(
        lambda: [Cadre.model_construct(**{n: m[n] for n in codec.field_names}) for m in mappings]
    )
    print(
        f"  cadres from rows ({len(rows):,}): values in place {len(rows) / fast:,.0f}/s, "
        f"model_construct {len(rows) / public:,.0f}/s, model_validate {len(rows) / full:,.0f}/s "
        f"(model_validate {full / fast:.1f}x slower than values in place)"
    )
    _, rebuild = timed(lambda: ledger.replace())
    line("Ledger(...) cross-checks alone", rebuild)
    store.close()


if __name__ == "__main__":
    main()
