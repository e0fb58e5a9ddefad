"""``audit verify`` against the floor of reading and hashing the same rows (issue #26, item 3).

A synthetic store of N cadres (``cadrecore synth --cadres N --seed 1``, 100,000 by default; each
record has its audit entry) is verified, chain and records, as ``cadrecore audit verify`` does.
"Floor" reads every row of the audit table and of every record table with the database driver
(``sqlite3``, or psycopg for a PostgreSQL URL), a batch at a time, and hashes each row's text
with ``hashlib.sha256``: what any verification must at least do. Each step runs in a fresh
process, in turn, ``--repeat`` times; the medians and their ratio are printed, with the peak
memory of the verification's process (``ru_maxrss``) and, for a ``--pss`` run, the memory it
really holds, sampled from ``/proc/PID/smaps_rollup`` every 0.1 s.

    python benchmarks/bench_audit.py [--cadres 100000] [--repeat 3] [--store FILE_OR_URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _command import save_synthetic

FLOOR = """
import hashlib, sys, time
from cadrecore.models import RECORD_KINDS
target = sys.argv[1]
if "://" in target:
    import psycopg
    conn = psycopg.connect(target.replace("postgresql+psycopg://", "postgresql://"))
else:
    import sqlite3
    conn = sqlite3.connect(target)
start = time.perf_counter()
rows = 0
for table in ["audit_log", "ledgers", *(k.name for k in RECORD_KINDS)]:
    cursor = conn.cursor()
    cursor.execute(f'SELECT * FROM "{table}"')
    while batch := cursor.fetchmany(5000):
        for row in batch:
            hashlib.sha256(repr(row).encode()).digest()
        rows += len(batch)
print(time.perf_counter() - start, rows)
"""

VERIFY = """
import sys, time
from cadrecore.store import open_store
start = time.perf_counter()
with open_store(sys.argv[1]) as store:
    found = store.verify_audit()
assert found.ok, found.problems[:3]
print(time.perf_counter() - start, found.entries + found.records_checked)
"""


def pss_of(pid: int) -> int:
    """The process's proportional set size in kB (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run(code: str, target: str, *, sample: bool = False) -> tuple[float, int, float, float]:
    """Seconds and rows the step prints, its peak RSS in MB and (``sample``) its largest PSS."""
    child = subprocess.Popen(
        [sys.executable, "-c", code, target], stdout=subprocess.PIPE, text=True
    )
    largest = [0]
    if sample:

        def watch() -> None:
            while child.poll() is None:
                largest[0] = max(largest[0], pss_of(child.pid))
                time.sleep(0.1)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    out = child.stdout.read() if child.stdout else ""
    if child.returncode:
        raise SystemExit(f"step exited {child.returncode}")
    seconds, rows = out.split()[-2:]
    return float(seconds), int(rows), usage.ru_maxrss / 1024, largest[0] / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cadres", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", help="a store made already (a file or URL)")
    parser.add_argument("--pss", action="store_true", help="also sample the memory in use")
    args = parser.parse_args()
    target = args.store
    if target is None:
        target = str(Path(tempfile.mkdtemp(prefix="cadrecore-audit-")) / "store.sqlite")
        started = time.perf_counter()
        save_synthetic(args.cadres, 1, target)
        print(f"synthetic store of {args.cadres:,} cadres: {time.perf_counter() - started:.0f} s")
    floors, verifies, peaks, held = [], [], [], []
    rows = 0
    for _ in range(args.repeat):
        seconds, rows, _, _ = run(FLOOR, target)
        floors.append(seconds)
        seconds, checked, peak, pss = run(VERIFY, target, sample=args.pss)
        verifies.append(seconds)
        peaks.append(peak)
        held.append(pss)
    floor, verify = statistics.median(floors), statistics.median(verifies)
    print(f"rows read: {rows:,} (audit entries and records); verified: {checked:,}")
    print(
        f"floor (read and hash every row): {floor:.2f} s  ({' / '.join(f'{t:.2f}' for t in floors)})"
    )
    print(
        f"audit verify:                    {verify:.2f} s  ({' / '.join(f'{t:.2f}' for t in verifies)})"
    )
    print(f"verify / floor: {verify / floor:.2f}x (goal: at most 2x)")
    print(f"peak memory of the verification (ru_maxrss): {max(peaks):,.0f} MB", end="")
    print(f"; in use (PSS): {max(held):,.0f} MB" if args.pss else "")


if __name__ == "__main__":
    main()
