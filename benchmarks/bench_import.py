"""Import of a large roster (100,000 rows by default) from .xlsx and from CSV.

Prints rows per second and the ratio to a bare read of the same file with the same reader
(openpyxl's read-only mode; Python's csv module after decoding), each the median of
``--repeat`` runs (3 by default) taken in turn in the same process. Goals (issue #19): .xlsx
at most 2x, CSV at most 10x.

The import pauses Python's cyclic collector while it reads and merges (see cadrecore._gc);
its first pass over what the import made comes as the import returns, and is timed with it.
Before every timed step the collector is run, so that no step pays for the garbage of the one
before it.

    python benchmarks/bench_import.py [--rows 100000] [--repeat 3] [--keep DIR]
        [--formats xlsx,csv]
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import statistics
import tempfile
import time
from pathlib import Path

from _roster import rows, write_csv, write_xlsx
from openpyxl import load_workbook

from cadrecore.io.importing import import_files
from cadrecore.io.tables import sniff_encoding
from cadrecore.sample import small_ledger


def bare_xlsx(path: Path) -> int:
    workbook = load_workbook(path, read_only=True, data_only=True)
    count = 0
    for sheet in workbook.worksheets:
        for _ in sheet.iter_rows(values_only=True):
            count += 1
    workbook.close()
    return count


def bare_csv(path: Path) -> int:
    data = path.read_bytes()
    text = data.decode(sniff_encoding(data))
    return sum(1 for _ in csv.reader(io.StringIO(text, newline="")))


def timed(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    gc.collect()
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="xlsx,csv")
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    args = parser.parse_args()
    formats = args.formats.split(",")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="cadrecore-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    base = small_ledger(2022)
    data, made = timed(rows, args.rows)
    files = {}
    if "xlsx" in formats:
        files["xlsx"], wrote = timed(write_xlsx, folder / "roster.xlsx", data)
        print(f".xlsx written in {wrote:.1f}s ({files['xlsx'].stat().st_size / 1e6:.1f} MB)")
    if "csv" in formats:
        files["csv"], wrote = timed(write_csv, folder / "roster.csv", data)
        print(f"GBK CSV written in {wrote:.1f}s ({files['csv'].stat().st_size / 1e6:.1f} MB)")
    del data
    print(f"{args.rows} rows (made in {made:.1f}s); each figure the median of {args.repeat} runs")
    bare_reads = {"xlsx": bare_xlsx, "csv": bare_csv}
    results = []
    for label, path in files.items():
        bares, imports = [], []
        for _ in range(args.repeat):
            _, seconds = timed(bare_reads[label], path)
            bares.append(seconds)
            outcome, seconds = timed(import_files, [path], base=base)
            imports.append(seconds)
            assert outcome.ok, [p.render() for p in outcome.problems[:5]]
            assert outcome.summary()["inserted"] == args.rows
            del outcome
        print(
            f"  {label}: bare read {', '.join(f'{s:.2f}' for s in bares)} s; "
            f"import {', '.join(f'{s:.2f}' for s in imports)} s"
        )
        results.append((label, statistics.median(bares), statistics.median(imports)))
    print(f"{'file':6} {'bare read':>10} {'import':>10} {'rows/s':>10} {'ratio':>7}")
    for label, bare, imported in results:
        print(
            f"{label:6} {bare:9.2f}s {imported:9.2f}s {args.rows / imported:10,.0f} "
            f"{imported / bare:6.1f}x"
        )


if __name__ == "__main__":
    main()
