"""The check's JSON output against its text output: size and peak memory (issue #21 item 9).

A synthetic store of N cadres (``cadrecore synth --cadres N --seed 1``, 100,000 by default) is
checked by the command, each in its own process, three ways: ``--format text``, ``--format
json`` and ``--format json --no-occurrences``, each ``--repeat`` times in turn. Printed: the
output's size, each run's peak memory (the largest resident set of the command's process and the
copy it forks, from ``wait4``) and time, and the ratios to the text check measured in the same
run (medians). Goals: the findings-only document at most a tenth of the full one, and its
peak memory at most 1.2x the text check's. Exit 1 if a goal is missed: nothing here asserts a
time.

    python benchmarks/bench_check_json.py [--cadres 100000] [--repeat 3] [--store FILE]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

YEAR = 2022
WAYS = {
    "text": ["--format", "text"],
    "json": ["--format", "json"],
    "json --no-occurrences": ["--format", "json", "--no-occurrences"],
}
MAX_SIZE_RATIO = 0.1  # findings only / the full document
MAX_MEMORY_RATIO = 1.2  # findings only / the text check


def command() -> str:
    """The installed console script, or the one beside this interpreter."""
    return shutil.which("cadrecore") or str(Path(sys.executable).with_name("cadrecore"))


def synthesize(cadres: int, target: Path) -> None:
    started = time.perf_counter()
    done = subprocess.run(
        [command(), "synth", "--cadres", str(cadres), "--seed", "1", "--out", str(target)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"cadrecore synth exited {done.returncode}:\n{done.stderr}")
    print(f"synth {cadres:,} cadres: {time.perf_counter() - started:.1f} s", flush=True)


def run_check(store: Path, args: list[str], out: Path) -> tuple[float, float, int]:
    """``cadrecore check STORE --year YEAR ARGS > OUT``: seconds start to exit, peak memory in
    MB (the command's process and the copy it forks: ``wait4`` keeps the largest), and the
    output's size in bytes."""
    with out.open("wb") as stdout:
        started = time.perf_counter()
        child = subprocess.Popen(
            [command(), "check", str(store), "--year", str(YEAR), *args],
            stdout=stdout,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):  # (1: error findings, as a synthetic year has)
        raise SystemExit(f"cadrecore check {' '.join(args)} exited {child.returncode}")
    return seconds, usage.ru_maxrss / 1024, out.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cadres", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each way, in turn")
    parser.add_argument("--store", type=Path, help="a store made already (no synth)")
    parser.add_argument("--dir", type=Path, help="where to keep the store and the outputs")
    options = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-check-json-") as scratch:
        folder = options.dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        store = options.store
        if store is None:
            store = folder / f"synth-{options.cadres}.sqlite"
            if not store.exists():
                synthesize(options.cadres, store)
        peaks: dict[str, list[float]] = {way: [] for way in WAYS}
        sizes: dict[str, int] = {}
        for attempt in range(options.repeat):
            for way, args in WAYS.items():
                out = folder / f"check-{way.replace(' --', '-')}.out"
                seconds, peak, size = run_check(store, args, out)
                peaks[way].append(peak)
                sizes[way] = size
                print(
                    f"run {attempt + 1} {way:<22} {seconds:6.2f} s  {peak:7.0f} MB  {size:>12,} B"
                )
                out.unlink()

    median = {way: statistics.median(values) for way, values in peaks.items()}
    size_ratio = sizes["json --no-occurrences"] / sizes["json"]
    json_memory = median["json"] / median["text"]
    findings_memory = median["json --no-occurrences"] / median["text"]
    print(f"\n{store.name}, medians of {options.repeat}:")
    for way in WAYS:
        print(f"  {way:<22} {sizes[way] / 1e6:8.2f} MB output  {median[way]:7.0f} MB peak")
    print(f"  size   json --no-occurrences / json  {size_ratio:6.3f}  (goal <= {MAX_SIZE_RATIO})")
    print(f"  memory json / text                   {json_memory:6.2f}x")
    print(
        f"  memory json --no-occurrences / text  {findings_memory:6.2f}x"
        f"  (goal <= {MAX_MEMORY_RATIO}x)"
    )
    missed = [
        name
        for name, met in (
            ("size", size_ratio <= MAX_SIZE_RATIO),
            ("memory", findings_memory <= MAX_MEMORY_RATIO),
        )
        if not met
    ]
    print("goals: " + ("met" if not missed else "MISSED: " + ", ".join(missed)))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
