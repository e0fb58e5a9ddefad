"""Province scale: load, check and report a synthetic ledger of N cadres, against floors.

For each N: synthesize into a SQLite store (not timed), then, each in a fresh subprocess so
that the peak memory is the step's own: load the whole ledger from the store (``store.load``);
``cadrecore check`` (the ledger opened on the store, every rule, the text output), timed inside
the step's process; the command ``cadrecore check DB --year 2022`` itself, timed from its
start to its exit (interpreter, imports and the end of the process included), and run again
for the memory it and its forked copy hold (their PSS summed, sampled); the annual
report's build; the sqlite3 floor (every row of every table of the ledger, ``fetchall``);
``cadrecore check --rule`` with three rules (coverage, monthly committee meetings, six ones);
and a plain pandas script computing the same three checks, whose numbers are printed next to
cadrecore's. Also: CLI start-up against importing pydantic and pluggy.

    python benchmarks/bench_scale.py [--sizes 10000,100000,1000000] [--dir /tmp/cadrecore-bench]
                                     [--repeat 3]

Needs pandas (benchmarks/requirements.txt). Prints ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import math
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from _command import save_synthetic, start_check, timed_check

YEAR = 2022
AS_OF = date(YEAR, 12, 31)
SEED = 1
THREE_RULES = (
    "builtin::coverage.full",
    "builtin::org_life.committee_meeting",
    "builtin::checklist.items",
)
SKIP_TABLES = ("audit_log", "cadrecore_alembic_version")
STEPS = ("floor", "load", "check", "command", "memory", "three", "pandas", "report")
REPEATED = ("floor", "check", "command", "three", "pandas")
"""The steps the ratios and the goals are computed from: run ``--repeat`` times each (the
median is reported; a shared machine's speed moves by a third between runs)."""


def _peak_mb() -> float:
    """The step's peak memory: its own, plus that of the copies a check forked to share the
    rules out (``--workers``, by default one per CPU). The system gives the largest copy's
    peak: counted once per copy, and the pages a copy shares with its parent counted in both,
    it is an upper bound."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    copies = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + copies * (_workers() - 1 if copies else 0)) / 1024


def _tree_pss_kb(pid: int) -> int:
    """The memory ``pid`` and its child processes hold now, in KiB: the sum of their PSS
    (``/proc/PID/smaps_rollup``, Linux 4.14+), where each page shared among processes counts
    once in all. 0 where the system does not tell."""
    total = 0
    for one in (pid, *_children(pid)):
        try:
            rollup = Path(f"/proc/{one}/smaps_rollup").read_text()
        except OSError:  # (ended meanwhile, or no such file here)
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
                break
    return total


def _children(pid: int) -> list[int]:
    """The ids of the processes ``pid`` started (``/proc/PID/task/*/children``)."""
    found: list[int] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += map(int, children.read_text().split())
        except OSError:
            continue
    return found


def _workers() -> int:
    """How many processes ``cadrecore check`` uses here (as the command decides it)."""
    from cadrecore.cli_report import workers_of
    from cadrecore.rules.engine import workers_for

    return workers_for(workers_of(None))


# =============================================================================================
# Steps, each run in its own process: print one JSON line
# =============================================================================================


def _load(db: str) -> Any:
    from cadrecore.store import open_store

    with open_store(db, create=False) as store:
        return store.load()


def _cadrecore_counts(report: Any) -> dict[str, int]:
    """The three checks' numbers as cadrecore reports them, to compare with pandas."""
    not_covered = sum(1 for f in report.findings_of(THREE_RULES[0]) if f.reason == "not_in_branch")
    committee = report.occurrences_of(THREE_RULES[1])
    items = report.occurrences_of(THREE_RULES[2])
    return {
        "not_covered": not_covered,
        "committee_months_done": sum(1 for o in committee if o.status == "done"),
        "committee_months_missed": sum(1 for o in committee if o.status in ("overdue", "invalid")),
        "six_ones_done": sum(1 for o in items if o.status in ("done", "late")),
    }


def _open(db: str) -> Any:
    """The ledger as ``cadrecore check`` reads it: opened on the store (by ``sqlite3`` alone),
    kinds read as used."""
    from cadrecore.store import open_ledger

    return open_ledger(db)


def _check(db: str, rules: list[str] | None, out: dict[str, Any]) -> Any:
    """What ``cadrecore check DB --year YEAR [--rule ...]`` does, its text output included."""
    from cadrecore._gc import off_until_exit
    from cadrecore.cli_report import workers_of
    from cadrecore.reports.text import render_check
    from cadrecore.rules import Severity, evaluate

    off_until_exit()  # as the command does
    t = time.perf_counter()
    ledger = _open(db)
    report = evaluate(ledger, year=YEAR, rules=rules, workers=workers_of(None))
    out["evaluate"] = time.perf_counter() - t
    text = render_check(report, lang="zh", min_severity=Severity.INFO)
    out["seconds"] = time.perf_counter() - t
    out["output_chars"] = len(text)
    out["errored"] = [f.rule_id for f in report.errored]
    out["findings"] = len(report.findings)
    return report


def step(name: str, db: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if name == "load":
        t = time.perf_counter()
        ledger = _load(db)
        out["seconds"] = time.perf_counter() - t
        out["records"] = sum(ledger.counts().values())
    elif name == "check":
        _check(db, None, out)
    elif name == "command":
        # the command itself, as a user times it: interpreter start, imports, the check, the
        # text written (to /dev/null) and the process's end; its peak memory counted once per
        # process (an upper bound, as for the check step)
        out["seconds"], largest = timed_check(db, YEAR)
        out["peak_mb"] = largest * _workers()
        return out
    elif name == "memory":
        # the command again, for the memory it holds: the proportional set size (PSS: a page
        # shared by n processes counts 1/n in each) of it and its forked copies, summed,
        # sampled every 0.1 s. Sampling costs the processes time, so this run is not timed
        command = start_check(db, YEAR)
        peak_kb = 0
        while command.poll() is None:
            peak_kb = max(peak_kb, _tree_pss_kb(command.pid))
            time.sleep(0.1)
        if command.returncode not in (0, 1):  # (1: error findings, as a synthetic year has)
            raise SystemExit(f"cadrecore check exited {command.returncode}")
        out["seconds"] = math.nan
        out["peak_mb"] = peak_kb / 1024 if peak_kb else math.nan
        return out
    elif name == "check_loaded":
        from cadrecore.rules import evaluate

        ledger = _load(db)
        t = time.perf_counter()
        evaluate(ledger, year=YEAR)
        out["seconds"] = time.perf_counter() - t
    elif name == "report":
        from cadrecore._gc import off_until_exit
        from cadrecore.cli_report import workers_of
        from cadrecore.reports.annual import build_annual_report

        off_until_exit()  # as the command does
        t = time.perf_counter()
        build_annual_report(_open(db), YEAR, workers=workers_of(None))
        out["seconds"] = time.perf_counter() - t
    elif name == "floor":
        t = time.perf_counter()
        conn = sqlite3.connect(db)
        rows = 0
        tables = [n for (n,) in conn.execute("select name from sqlite_master where type='table'")]
        for table in tables:
            if table not in SKIP_TABLES:
                rows += len(conn.execute(f'select * from "{table}"').fetchall())
        conn.close()
        out["seconds"] = time.perf_counter() - t
        out["rows"] = rows
    elif name == "three":
        report = _check(db, list(THREE_RULES), out)
        out["counts"] = _cadrecore_counts(report)
    elif name == "pandas":
        t = time.perf_counter()
        out["counts"] = pandas_checks(db)
        out["seconds"] = time.perf_counter() - t
    else:
        raise SystemExit(f"unknown step {name!r}")
    out["peak_mb"] = _peak_mb()
    return out


def pandas_checks(db: str) -> dict[str, int]:
    """The three checks as an analyst would write them in pandas, straight from the tables."""
    pd: Any = importlib.import_module("pandas")  # a benchmark-only dependency, untyped

    day = AS_OF.isoformat()
    conn = sqlite3.connect(db)
    cadres = pd.read_sql(
        "select id, party_status, deceased from cadres where party_status is not null", conn
    )
    members = pd.read_sql("select cadre_id, since, until from memberships", conn)
    branches = pd.read_sql("select id, committee_ids from branches", conn)
    acts = pd.read_sql(
        "select activity_kind, date, branch_id, owner_unit_id, headcount, attendee_ids "
        "from activities",
        conn,
    )
    checklists = pd.read_sql("select items from checklists", conn)
    conn.close()

    # 1. coverage: living party members holding a membership on the day
    alive = cadres[cadres["deceased"].isna() | (cadres["deceased"] > day)]
    holding = members[
        (members["since"].isna() | (members["since"] <= day))
        & (members["until"].isna() | (members["until"] > day))
    ]
    not_covered = int((~alive["id"].isin(holding["cadre_id"])).sum())

    # 2. monthly committee meetings, with more than half of the committee present
    branches["committee"] = branches["committee_ids"].map(lambda s: len(json.loads(s)))
    with_committee = branches[branches["committee"] > 0].set_index("id")["committee"]
    meetings = acts[
        (acts["activity_kind"] == "committee_meeting")
        & acts["branch_id"].isin(with_committee.index)
    ].copy()
    meetings = meetings[meetings["date"].str.startswith(str(YEAR))]
    needed = (with_committee * 0.5).astype(int)
    meetings["valid"] = meetings["headcount"].isna() | (
        meetings["headcount"] > meetings["branch_id"].map(needed)
    )
    meetings["month"] = meetings["date"].str.slice(0, 7)
    done = meetings[meetings["valid"]].groupby("branch_id")["month"].nunique()
    months_done = int(done.sum())
    months_missed = 12 * len(with_committee) - months_done

    # 3. six ones: each item of the checklist with an activity of its kind in the year
    items = [entry["item"] for s in checklists["items"] for entry in json.loads(s)]
    held = set(
        acts[acts["date"].str.startswith(str(YEAR)) & acts["owner_unit_id"].notna()][
            "activity_kind"
        ]
    )
    six_done = sum(1 for item in items if item.split(".", 1)[1] in held)
    return {
        "not_covered": not_covered,
        "committee_months_done": months_done,
        "committee_months_missed": months_missed,
        "six_ones_done": six_done,
    }


# =============================================================================================
# The driver
# =============================================================================================


def _installed_like() -> dict[str, str]:
    """The environment of a step: bytecode cached, as an installed package has its ``.pyc``
    files (a ``PYTHONDONTWRITEBYTECODE`` in the calling environment would otherwise have every
    step compile an editable install's sources again, a fixed second or so)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def warm_up() -> None:
    """Compile and cache what the steps import (cadrecore, its plugins, pandas), once."""
    code = "; ".join(
        (
            "import cadrecore.cli, cadrecore.store, cadrecore.rules, cadrecore.reports.annual",
            "from cadrecore.rules.engine import get_rulebook",
            "get_rulebook()",
        )
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=_installed_like())
    # pandas, for its step (installed with its .pyc already; a missing one is the step's to say)
    subprocess.run([sys.executable, "-c", "import pandas"], env=_installed_like(), check=False)


def run_step(name: str, db: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--step", name, "--db", str(db)],
        check=True,
        capture_output=True,
        text=True,
        env=_installed_like(),
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def build_store(n: int, db: Path) -> float:
    """The synthetic ledger of ``n`` cadres saved into the SQLite file ``db``; the seconds."""
    t = time.perf_counter()
    save_synthetic(n, SEED, str(db))
    return time.perf_counter() - t


def repeated_step(name: str, db: Path, times: int) -> dict[str, Any]:
    """``name`` run ``times`` times, each in its own process: the run of the median time,
    with every run's time (``runs``) and the largest peak memory of them all. A step that
    fails gives its error instead."""
    done: list[dict[str, Any]] = []
    for _ in range(times):
        try:
            done.append(run_step(name, db))
        except subprocess.CalledProcessError as exc:
            return {"seconds": math.nan, "peak_mb": math.nan, "error": exc.stderr[-300:]}
    chosen = dict(sorted(done, key=lambda r: r["seconds"])[(times - 1) // 2])
    chosen["runs"] = [r["seconds"] for r in done]
    chosen["peak_mb"] = max(r["peak_mb"] for r in done)
    return chosen


def median_run(argv: list[str], runs: int = 5, **settings: str) -> float:
    """The median wall time of ``argv`` after one warm-up run, with bytecode caching on (an
    installed package has its ``.pyc`` files; a ``PYTHONDONTWRITEBYTECODE`` in the calling
    environment would otherwise make every run compile an editable install's sources), and
    the environment ``settings`` added."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | settings
    subprocess.run(argv, check=True, capture_output=True, env=env)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def cli_startup() -> None:
    exe = shutil.which("cadrecore") or str(Path(sys.executable).with_name("cadrecore"))
    base = median_run([sys.executable, "-c", "import pydantic, pluggy"])
    print("\nCLI start-up (median of 5)")
    print(f"  python -c 'import pydantic, pluggy'  {base:6.2f} s")
    for args in (["--help"], ["plugins"]):
        t = median_run([exe, *args])
        print(f"  cadrecore {' '.join(args):<27}  {t:6.2f} s   {t / base:5.1f}x")
    # the listing made afresh every time, as on the first run after an install
    t = median_run([exe, "plugins"], CADRECORE_CACHE_DIR="off")
    print(f"  cadrecore plugins (no cache)         {t:6.2f} s   {t / base:5.1f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument(
        "--dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "cadrecore-bench")
    )
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI start-up timing")
    parser.add_argument(
        "--steps",
        default=",".join(STEPS),
        help="the steps to run, of floor,load,check,command,memory,three,pandas,report (floor "
        "and pandas are needed for the ratios)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help=f"how many times to run each of {','.join(REPEATED)} (the median is reported)",
    )
    parser.add_argument(
        "--loaded",
        action="store_true",
        help="also time the rules on a ledger loaded whole (store.load), as before store.open",
    )
    args = parser.parse_args(argv)
    if args.step:
        print(json.dumps(step(args.step, args.db)))
        return 0
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, dict[str, Any]]] = {}
    warm_up()
    print(f"cadrecore check shares the rules out among {_workers()} process(es) here")
    for n in sizes:
        db = folder / f"synth-{n}-{SEED}.sqlite"
        if not db.exists():
            print(f"N={n:,}: synthesizing into {db} ...", file=sys.stderr, flush=True)
            print(f"  built and saved in {build_store(n, db):.0f} s", file=sys.stderr)
        results[n] = {}
        steps = args.steps.split(",")
        if args.loaded:
            steps.append("check_loaded")
        for name in steps:
            results[n][name] = r = repeated_step(name, db, args.repeat if name in REPEATED else 1)
            runs = "/".join(f"{t:.2f}" for t in r.get("runs", ()))
            print(
                f"  N={n:,} {name}: {r['seconds']:.2f} s"
                + (f" (runs {runs})" if len(r.get("runs", ())) > 1 else "")
                + f", {r['peak_mb']:.0f} MB",
                file=sys.stderr,
                flush=True,
            )
        print_size(n, results[n])
    print_scaling(results)
    if not args.no_cli:
        cli_startup()
    return 0


def print_size(n: int, done: dict[str, dict[str, Any]]) -> None:
    skipped = {"seconds": math.nan, "peak_mb": math.nan}
    r = {name: done.get(name, skipped) for name in STEPS}
    print(
        f"\nN = {n:,} cadres ({r['load'].get('records', 0):,} records, {r['floor'].get('rows', 0):,} rows)"
    )
    rows = [
        ("sqlite3 floor (fetchall every table)", r["floor"]["seconds"], r["floor"]["peak_mb"]),
        ("load from the store (store.load)", r["load"]["seconds"], r["load"]["peak_mb"]),
        ("`cadrecore check` (open, all rules, text)", r["check"]["seconds"], r["check"]["peak_mb"]),
        ("  of which open + evaluate", r["check"].get("evaluate", math.nan), 0.0),
        (
            "`cadrecore check` command, start to exit",
            r["command"]["seconds"],
            r["command"]["peak_mb"],
        ),
        ("  its memory in use (PSS summed, sampled)", math.nan, r["memory"]["peak_mb"]),
        ("annual report build (opened ledger)", r["report"]["seconds"], r["report"]["peak_mb"]),
        ("`cadrecore check --rule` x3", r["three"]["seconds"], r["three"]["peak_mb"]),
        ("pandas, the same three checks", r["pandas"]["seconds"], r["pandas"]["peak_mb"]),
    ]
    if "check_loaded" in done:
        loaded = done["check_loaded"]
        rows.append(("all rules on a loaded ledger", loaded["seconds"], loaded["peak_mb"]))
    for label, seconds, mb in rows:
        timed = "" if math.isnan(seconds) else f"{seconds:8.2f} s"
        held = f"{mb:7.0f} MB peak" if mb else ""
        print(f"  {label:<42} {timed:>10}  {held}")
    floor = r["floor"]["seconds"]
    print(f"  check/floor:        {r['check']['seconds'] / floor:6.1f}x")
    print(f"  command/floor:      {r['command']['seconds'] / floor:6.1f}x")
    print(f"  three-rules/pandas: {r['three']['seconds'] / r['pandas']['seconds']:6.1f}x")
    print(
        f"  check errored rules: {r['check'].get('errored')}, findings: {r['check'].get('findings')}"
    )
    runs = [
        f"{name} " + " / ".join(f"{t:.2f}" for t in r[name]["runs"])
        for name in REPEATED
        if len(r[name].get("runs", ())) > 1
    ]
    if runs:
        print("  each run (s): " + "; ".join(runs))
    print(f"  cadrecore counts: {r['three'].get('counts')}")
    print(f"  pandas counts:    {r['pandas'].get('counts')}")


def print_scaling(results: dict[int, dict[str, dict[str, Any]]]) -> None:
    sizes = sorted(results)
    if len(sizes) < 2:
        return
    print("\nScaling exponent log(t2/t1)/log(N2/N1) (1 = linear)")
    for a, b in itertools.pairwise(sizes):
        parts = []
        for name in ("floor", "load", "check", "command", "report", "three", "pandas"):
            if name not in results[a] or name not in results[b]:
                continue
            t1, t2 = results[a][name]["seconds"], results[b][name]["seconds"]
            parts.append(f"{name} {math.log(t2 / t1) / math.log(b / a):.2f}")
        print(f"  {a:,} -> {b:,}: " + ", ".join(parts))


if __name__ == "__main__":
    raise SystemExit(main())
