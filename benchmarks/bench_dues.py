"""The party dues rule at scale (issue #23 item 6): a year of monthly dues for every member.

A synthetic ledger of N cadres (``cadrecore.synth.synthesize(N, seed=1)``, 50,000 by default)
gets a record of dues for every member and every month of 2022 they were in their branch (the
base written in January, a tenth of the members missing May), is saved into a new SQLite store
and opened on it, as ``cadrecore check STORE`` reads a store. Timed on the opened ledger, each
``--repeat`` times on a fresh opening (medians): the bare read of the dues' five columns the
rule reads (``Ledger.column_values``), the rule ``builtin::party_dues.paid``, and the rules of
organizational life (``builtin::org_life.*``) for comparison. Printed: rows a second and the
ratios. Nothing here asserts a time.

    python benchmarks/bench_dues.py [--cadres 50000] [--repeat 3] [--dir DIR]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import cadrecore
from cadrecore.models import PartyDues
from cadrecore.rules import evaluate
from cadrecore.synth import synthesize

YEAR = 2022
RULE = "builtin::party_dues.paid"
FIELDS = ("cadre_id", "month", "paid_yuan", "pension_base_yuan", "branch_id")


def with_dues(ledger: cadrecore.Ledger) -> tuple[cadrecore.Ledger, int]:
    """The ledger with a year of dues: every member, every month they were in their branch on
    its first day, alive, 20.00 yuan on a base of 4,000.00 (written in January); a tenth of the
    members (by id) without May."""
    died = {c.id: c.deceased for c in ledger.cadres}
    paid, base = Decimal("20.00"), Decimal("4000.00")
    records = []
    for m in ledger.memberships:
        for month in range(1, 13):
            first = date(YEAR, month, 1)
            death = died[m.cadre_id]
            if (m.since or date.min) > first or (m.until or date.max) <= first:
                continue
            if (death is not None and death <= first) or (month == 5 and m.cadre_id[-1] == "7"):
                continue
            records.append(
                PartyDues(
                    cadre_id=m.cadre_id,
                    branch_id=m.branch_id,
                    year=YEAR,
                    month=month,
                    paid_yuan=paid,
                    pension_base_yuan=base if month == 1 else None,
                )
            )
    return ledger.replace(party_dues=tuple(records)), len(records)


def timed(run: Callable[[], object], repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cadres", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, help="where to keep the store")
    options = parser.parse_args(argv)
    folder = options.dir or Path(tempfile.mkdtemp(prefix="cadrecore-dues-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    ledger, rows = with_dues(synthesize(options.cadres, seed=1))
    print(
        f"{options.cadres:,} cadres, {rows:,} dues records: {time.perf_counter() - started:.1f} s"
    )
    store = cadrecore.open_store(folder / "dues.sqlite")
    started = time.perf_counter()
    store.save(ledger, actor="bench")
    print(f"saved: {time.perf_counter() - started:.1f} s", flush=True)
    del ledger
    gc.collect()

    def read() -> object:
        return store.open().column_values("party_dues", *FIELDS, where={"year": YEAR})

    def rule() -> object:
        return evaluate(store.open(), year=YEAR, rules=[RULE])

    def org_life() -> object:
        return evaluate(store.open(), year=YEAR, rules=["builtin::org_life.*"])

    figures = {}
    for name, run in (("read", read), ("rule", rule), ("org_life", org_life)):
        median, times = timed(run, options.repeat)
        figures[name] = median
        each = " / ".join(f"{t:.2f}" for t in times)
        print(f"{name:9} {median:6.2f} s ({each}); {rows / median:,.0f} dues rows/s", flush=True)
    print(f"rule / read: {figures['rule'] / figures['read']:.1f}x")
    print(f"rule / org_life rules: {figures['rule'] / figures['org_life']:.1f}x")
    print(f"rule: {figures['rule'] / rows * 1e6:.2f} us a dues row")
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
