"""The example scripts in examples/ run as a user runs them: from the repository root, with
the installed plugins (the bundled department plugins are installed in CI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "CADRECORE_LOAD_PLUGINS"}
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_check_ledger() -> None:
    out = run("examples/check_ledger.py", "examples/xinzhou", "2022")
    assert out.startswith("忻州市: ")
    assert "success: False" in out
    assert "[ERROR] builtin::org_life.general_meeting" in out


def test_annual_report_writes_html(tmp_path: Path) -> None:
    target = tmp_path / "xinzhou-2022.html"
    out = run("examples/annual_report.py", str(target))
    assert "忻州市2022年度老干部工作报告" in out
    page = target.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html") and "忻州市" in page


def test_add_service_type() -> None:
    out = run("examples/add_service_type.py")
    assert "['hc.0001'] requested" in out
    assert "1 event(s)" in out
    assert "success: True" in out
