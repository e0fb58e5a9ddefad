"""Re-saving a ledger loaded from its store with one record changed, and the memory it takes
(issue #26, items 2 and 6).

A synthetic SQLite store of N cadres (``cadrecore synth --cadres N --seed 7``, 1,000,000 by
default, or ``--store FILE`` made already; the file is copied, never changed) is loaded whole
(``store.load()``, every record built and cross-checked, as an edit needs it), one cadre's name
is changed with ``Ledger.replace`` (the ledger's cross-checks run again), and the ledger is saved.
Printed: the load's and the save's wall time, what the save wrote, and the process's peak memory
(``ru_maxrss``) after each step. Goals: the save under one second at a million cadres, by knowing
what changed rather than comparing every row; the peak under 4 GB.

    python benchmarks/bench_resave.py [--cadres 1000000] [--store FILE] [--folder DIR]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _command import save_synthetic

SEED = 7


def peak_gb() -> float:
    """The process's peak resident memory so far, in GB (Linux gives ``ru_maxrss`` in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cadres", type=int, default=1_000_000)
    parser.add_argument("--store", help="a SQLite store made already (copied, not changed)")
    parser.add_argument("--folder", help="where the synthetic store is kept between runs")
    args = parser.parse_args()
    from cadrecore._gc import off_until_exit
    from cadrecore.store import open_store

    work = Path(tempfile.mkdtemp(prefix="cadrecore-bench-resave-"))
    source = args.store
    if source is None:
        folder = Path(args.folder) if args.folder else work
        folder.mkdir(parents=True, exist_ok=True)
        made = folder / f"synth-{args.cadres}-{SEED}.sqlite"
        if not made.exists():
            print(f"synthesizing {args.cadres:,} cadres into {made} ...", file=sys.stderr)
            save_synthetic(args.cadres, SEED, str(made))
        source = str(made)
    copy = work / "store.sqlite"
    shutil.copy(source, copy)
    off_until_exit()  # as the commands do
    with open_store(str(copy)) as store:
        start = time.perf_counter()
        ledger = store.load()
        loaded = time.perf_counter() - start
        print(f"load: {loaded:.1f} s, peak {peak_gb():.2f} GB")
        cadre = ledger.cadres[len(ledger.cadres) // 2]
        changed = ledger.replace(
            cadres=tuple(
                c.model_copy(update={"name": c.name + "甲"}) if c.id == cadre.id else c
                for c in ledger.cadres
            )
        )
        print(f"one cadre changed (ledger.replace): peak {peak_gb():.2f} GB")
        start = time.perf_counter()
        result = store.save(changed, actor="bench_resave")
        saved = time.perf_counter() - start
    summary = result.summary()
    print(
        f"re-save: {saved:.2f} s ({summary['updated']} updated, {summary['unchanged']:,} "
        f"unchanged, {summary['audit_entries']} audit entries), peak {peak_gb():.2f} GB"
    )
    print(
        f"goals: re-save < 1 s: {'met' if saved < 1 else 'NOT met'}; "
        f"peak < 4 GB: {'met' if peak_gb() < 4 else 'NOT met'}"
    )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
