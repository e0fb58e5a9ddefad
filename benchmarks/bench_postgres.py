"""A province on PostgreSQL: ``cadrecore check`` of the synthetic ledger in a PostgreSQL store,
against the floor of reading every row of its tables with psycopg.

The database at ``--url`` must be empty (the ledger of ``--cadres N`` cadres, seed 1, is
synthesized and saved into it, which takes a while: about 30 s per 100,000 cadres here) or hold
that ledger alone, saved by an earlier run (then it is reused). Each size wants a database of
its own. Prints the times, each the median of ``--repeat`` runs, and check/floor; asserts
nothing.

    python benchmarks/bench_postgres.py --url postgresql+psycopg://user@host/db [--cadres 100000]
                                        [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from _command import save_synthetic, timed_check

YEAR = 2022
SEED = 1
SKIP_TABLES = ("audit_log", "cadrecore_alembic_version")


def ensure_ledger(url: str, cadres: int) -> str:
    """The id of the synthetic ledger of ``cadres`` cadres in the store at ``url``, saved there
    first (in a subprocess, so that this one stays small) if the store is empty."""
    from sqlalchemy import func, select

    from cadrecore.store import open_store
    from cadrecore.store.schema import RECORD_TABLES

    with open_store(url) as store:
        held = store.ledger_ids()
        if held:
            with store.engine.connect() as conn:
                table = RECORD_TABLES["cadres"]
                count = conn.execute(select(func.count()).select_from(table)).scalar_one()
            if len(held) != 1 or count != cadres:
                raise SystemExit(
                    f"{url} holds {', '.join(held)} with {count:,} cadres: give an empty "
                    f"database, or the one an earlier run of --cadres {count:,} filled"
                )
            return held[0]
    t = time.perf_counter()
    ledger_id = save_synthetic(cadres, SEED, url)
    print(f"synthesized and saved {cadres:,} cadres in {time.perf_counter() - t:.0f} s")
    return ledger_id


def floor(url: str) -> tuple[float, int]:
    """Every row of every table of the store, read with psycopg (``fetchall``)."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    t = time.perf_counter()
    rows = 0
    with psycopg.connect(plain) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
        ]
        for table in tables:
            if table not in SKIP_TABLES:
                rows += len(conn.execute(f'SELECT * FROM "{table}"').fetchall())
    return time.perf_counter() - t, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="postgresql+psycopg://user@host/database")
    parser.add_argument("--cadres", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    ledger_id = ensure_ledger(args.url, args.cadres)
    floors = [floor(args.url) for _ in range(args.repeat)]
    runs = [timed_check(args.url, YEAR) for _ in range(args.repeat)]
    checks = [t for t, _ in runs]
    largest = max(mb for _, mb in runs)
    rows = floors[0][1]
    floor_s = statistics.median(t for t, _ in floors)
    check_s = statistics.median(checks)
    print(f"\nledger {ledger_id}: {args.cadres:,} cadres, {rows:,} rows, on PostgreSQL")
    print(f"  floor (psycopg, fetchall every table)  {floor_s:7.2f} s")
    print(
        f"  `cadrecore check URL` start to exit    {check_s:7.2f} s, largest process {largest:.0f} MB"
    )
    print(f"  check/floor:                           {check_s / floor_s:7.1f}x")
    print("  each run (s): floor " + " / ".join(f"{t:.2f}" for t, _ in floors))
    print("                check " + " / ".join(f"{t:.2f}" for t in checks))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
