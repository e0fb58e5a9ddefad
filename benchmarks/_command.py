"""What the benchmarks share: the synthetic ledger saved into a store, and the command
``cadrecore check TARGET --year YEAR`` run as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path


def start_check(target: str, year: int) -> subprocess.Popen[bytes]:
    """``cadrecore check TARGET --year YEAR > /dev/null``, started (the installed console
    script, or the one beside this interpreter)."""
    exe = shutil.which("cadrecore") or str(Path(sys.executable).with_name("cadrecore"))
    return subprocess.Popen(
        [exe, "check", target, "--year", str(year)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def timed_check(target: str, year: int) -> tuple[float, float]:
    """The command's time from start to exit, and its peak memory in MB: the largest of its
    process and the copies it forked (``wait4``: the system keeps the largest)."""
    t = time.perf_counter()
    child = start_check(target, year)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - t
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):  # (1: error findings, as a synthetic year has)
        raise SystemExit(f"cadrecore check {target} exited {child.returncode}")
    return seconds, usage.ru_maxrss / 1024


def save_synthetic(cadres: int, seed: int, target: str) -> str:
    """``cadrecore.synth.synthesize(cadres, seed)`` saved into the store at ``target`` (a file
    or URL), in a subprocess (so that the calling process stays small); the ledger's id."""
    code = (
        "import sys; from cadrecore.synth import synthesize; from cadrecore.store import "
        "open_store\nledger = synthesize(int(sys.argv[1]), int(sys.argv[2]))"
        "\nwith open_store(sys.argv[3]) as s: s.save(ledger, actor='bench')"
        "\nprint(ledger.jurisdiction.id)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(cadres), str(seed), target],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return done.stdout.split()[-1]
