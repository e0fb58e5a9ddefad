"""Import of a large roster (100,000 rows by default) from .xlsx and from CSV.

Prints rows per second and the ratio to a bare read of the same file with the same reader
(openpyxl's read-only mode; Python's csv module after decoding). Goal: at most 2x.

    python benchmarks/bench_import.py [--rows 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
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
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="cadrecore-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    base = small_ledger(2022)
    data, made = timed(rows, args.rows)
    xlsx, wrote_xlsx = timed(write_xlsx, folder / "roster.xlsx", data)
    gbk, wrote_csv = timed(write_csv, folder / "roster.csv", data)
    print(
        f"{args.rows} rows; made in {made:.1f}s, .xlsx written in {wrote_xlsx:.1f}s "
        f"({xlsx.stat().st_size / 1e6:.1f} MB), GBK CSV in {wrote_csv:.1f}s"
    )
    print(f"{'file':8} {'bare read':>10} {'import':>10} {'rows/s':>10} {'ratio':>7}")
    for label, path, bare in (("xlsx", xlsx, bare_xlsx), ("csv", gbk, bare_csv)):
        _, bare_seconds = timed(bare, path)
        outcome, seconds = timed(import_files, [path], base=base)
        assert outcome.ok, [p.render() for p in outcome.problems[:5]]
        assert outcome.summary()["inserted"] == args.rows
        print(
            f"{label:8} {bare_seconds:9.2f}s {seconds:9.2f}s {args.rows / seconds:10,.0f} "
            f"{seconds / bare_seconds:6.1f}x"
        )


if __name__ == "__main__":
    main()
