"""The annual report against the check, in every format, and how both grow (issue #26 item 4).

For each N: the synthetic ledger of N cadres is saved into a SQLite store (not timed, kept in
the folder given for the next run); then the ledger is opened on the store as ``cadrecore check``
and ``report`` open it, and measured, each in a fresh process of its own as each command runs:

- the check: :func:`cadrecore.rules.evaluate` of the year (the floor), in one process;
- the report's build: :func:`cadrecore.reports.annual.build_annual_report` (its own check
  included, as the command runs it), in another;
- each format's rendering of that report, in the build's process: text, Markdown, JSON, HTML,
  the workbook.

(Until the thirteenth session the build ran in the check's process, after it: with the cyclic
collector off, as the commands run, that process still held the check's ledger and outcomes,
and the build's time moved by up to a tenth of the check's from one run to the next.)

A format's report is the build plus its rendering: what ``cadrecore report --format F`` does.
Times are the process's CPU seconds with the rules in one process (``workers=1``), the median of
``--repeat`` runs: on a shared machine CPU time moves far less than wall time. Printed: each
format's report over the check at each N (target: at most 1.3x), and the growth exponent of
each from the smallest N to the largest (target: at most 1.1), ``log(t2 / t1) / log(N2 / N1)``;
then each run's ratio taken within its pair of processes (the check, then the report, one after
the other), their median and range: the machine's speed moves between runs by more than the
formats differ, and a pair shares most of what moves it.

Also printed, for the workbook alone and not as a target of the issue: the workbook report over
the check plus XlsxWriter writing the workbook's same text and number cells bare (no format,
width, merged cell or page set-up), measured in the report's process. XlsxWriter's cost of a
cell is most of the workbook's rendering at a province; this says how far the rest is from 1.3x
when that cost counts in the floor.

    python benchmarks/bench_report.py [--sizes 100000,1000000] [--repeat 3] [--folder DIR]
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _command import save_synthetic

YEAR = 2022
SEED = 7
FORMATS = ("text", "md", "json", "html", "xlsx")
TARGET_RATIO = 1.3
TARGET_EXPONENT = 1.1


def measure(db: str, step: str) -> dict[str, float]:
    """In this process: the check's CPU seconds (``step`` "check"), or the build's and each
    format's rendering (``step`` "report"), as ``cadrecore check`` and ``report`` each run in a
    process of their own."""
    from cadrecore._gc import off_until_exit
    from cadrecore.reports.annual import build_annual_report, render_annual_report
    from cadrecore.rules import evaluate
    from cadrecore.store import open_ledger

    off_until_exit()  # as the commands do
    # Warmed up on the small sample first (imports, the rules' first-time work, each renderer's
    # libraries), so that what is timed is the work that grows with the ledger.
    from cadrecore.sample import small_ledger

    for fmt in FORMATS:
        render_annual_report(build_annual_report(small_ledger(YEAR), YEAR, workers=1), fmt)
    out: dict[str, float] = {}
    gc.collect()
    if step == "check":
        cpu = time.process_time()
        evaluate(open_ledger(db), year=YEAR, workers=1)
        out["check"] = time.process_time() - cpu
        return out
    cpu = time.process_time()
    annual = build_annual_report(open_ledger(db), YEAR, workers=1)
    out["build"] = time.process_time() - cpu
    for fmt in FORMATS:
        gc.collect()
        cpu = time.process_time()
        render_annual_report(annual, fmt)
        out[fmt] = time.process_time() - cpu
    sheets = workbook_cells(annual)
    gc.collect()
    cpu = time.process_time()
    bare_workbook(sheets)
    out["xlsx_bare"] = time.process_time() - cpu
    return out


def workbook_cells(annual: Any) -> list[list[tuple[int, int, Any]]]:
    """The text and number cells of the report's workbook, sheet by sheet, as XlsxWriter holds
    them just before it writes the file (its ``close``, caught for the one rendering)."""
    import xlsxwriter

    from cadrecore.reports.annual import render_annual_report

    sheets: list[list[tuple[int, int, Any]]] = []
    close = xlsxwriter.Workbook.close

    def caught(book: Any) -> Any:
        text_of = {index: text for text, index in book.str_table.string_table.items()}
        for sheet in book.worksheets():
            cells = []
            for row, columns in sheet.table.items():
                for column, cell in columns.items():
                    kind = type(cell).__name__
                    if kind == "String":
                        cells.append((row, column, text_of[cell.string]))
                    elif kind in ("Number", "Datetime"):
                        cells.append((row, column, cell.number))
            sheets.append(cells)
        return close(book)

    xlsxwriter.Workbook.close = caught  # type: ignore[method-assign, assignment]
    try:
        render_annual_report(annual, "xlsx")
    finally:
        xlsxwriter.Workbook.close = close  # type: ignore[method-assign]
    return sheets


def bare_workbook(sheets: list[list[tuple[int, int, Any]]]) -> bytes:
    """The same text and number cells written by XlsxWriter alone, in memory: no format, width,
    height, merged cell or page set-up (the writer's own cost of the report's cells)."""
    import io

    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    for cells in sheets:
        sheet = book.add_worksheet()
        for row, column, value in cells:
            if isinstance(value, str):
                sheet.write_string(row, column, value)
            else:
                sheet.write_number(row, column, value)
    book.close()
    return out.getvalue()


def run(db: str, repeat: int) -> list[dict[str, float]]:
    """``repeat`` measurements, the check and the report each in a fresh process, in turn."""
    runs = []
    for _ in range(repeat):
        measured: dict[str, float] = {}
        for step in ("check", "report"):
            done = subprocess.run(
                [sys.executable, __file__, "--measure", db, "--step", step],
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            )
            measured.update(json.loads(done.stdout.splitlines()[-1]))
        runs.append(measured)
    return runs


def median_run(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def ratios(runs: list[dict[str, float]], fmt: str) -> list[float]:
    """Each run's report in ``fmt`` over the check measured beside it (a pair of processes run
    one after the other: what moves the machine's speed for one moves it for both)."""
    return [(r["build"] + r[fmt]) / r["check"] for r in runs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", help="where the synthetic stores are kept between runs")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--step", choices=("check", "report"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.step)))
        return
    folder = Path(args.folder or tempfile.mkdtemp(prefix="cadrecore-bench-report-"))
    folder.mkdir(parents=True, exist_ok=True)
    sizes = [int(n) for n in args.sizes.split(",")]
    measured: dict[int, list[dict[str, float]]] = {}
    for n in sizes:
        db = folder / f"synth-{n}-{SEED}.sqlite"
        if not db.exists():
            print(f"N={n:,}: synthesizing into {db} ...", file=sys.stderr, flush=True)
            save_synthetic(n, SEED, str(db))
        measured[n] = run(str(db), args.repeat)
    results = {n: median_run(runs) for n, runs in measured.items()}
    print(f"CPU seconds, rules in one process, median of {args.repeat} (report = build + render)")
    header = f"{'N':>10} {'check':>7} {'build':>7} " + " ".join(f"{f:>13}" for f in FORMATS)
    print(header)
    met = True
    for n, r in results.items():
        cells = []
        for fmt in FORMATS:
            ratio = (r["build"] + r[fmt]) / r["check"]
            met &= ratio <= TARGET_RATIO
            cells.append(f"{r['build'] + r[fmt]:6.2f} {ratio:5.2f}x")
        print(f"{n:>10,} {r['check']:7.2f} {r['build']:7.2f} " + " ".join(cells))
    print("each run's report over the check beside it: median (lowest-highest)")
    for n, runs in measured.items():
        cells = []
        for fmt in FORMATS:
            each = ratios(runs, fmt)
            cells.append(f"{statistics.median(each):.2f}x ({min(each):.2f}-{max(each):.2f})")
        print(
            f"{n:>10,} "
            + "  ".join(f"{fmt} {cell}" for fmt, cell in zip(FORMATS, cells, strict=True))
        )
    print(
        "the workbook over the check plus XlsxWriter writing the same text and number cells "
        "bare (no format, width or page set-up), each run: median (lowest-highest); not a "
        "target of issue #26, the writer's own cost of the cells counted in the floor"
    )
    for n, runs in measured.items():
        each = [(r["build"] + r["xlsx"]) / (r["check"] + r["xlsx_bare"]) for r in runs]
        bare = statistics.median(r["xlsx_bare"] / r["check"] for r in runs)
        print(
            f"{n:>10,} {statistics.median(each):.2f}x ({min(each):.2f}-{max(each):.2f}); "
            f"the bare cells alone {bare:.2f}x the check"
        )
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        growth = math.log(large / small)

        def exponent(seconds: Any) -> float:
            return math.log(seconds(results[large]) / seconds(results[small])) / growth

        line = [f"check {exponent(lambda r: r['check']):.2f}"]
        for fmt in FORMATS:
            value = exponent(lambda r, fmt=fmt: r["build"] + r[fmt])
            met &= value <= TARGET_EXPONENT
            line.append(f"{fmt} {value:.2f}")
        print(f"growth exponent {small:,} -> {large:,}: " + ", ".join(line))
    print(
        f"targets (report <= {TARGET_RATIO}x the check in every format, exponent <= "
        f"{TARGET_EXPONENT}): {'met' if met else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
