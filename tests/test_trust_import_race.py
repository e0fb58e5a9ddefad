"""Two ``cadrecore import`` into the same store at once (issue 20, item 8).

Each import reads the store, works out what its files change, and saves. Into a ledger the
store already holds, the save merges against what the import read (``based_on``): the second of
two imports that change the same record gets a ``ConflictError`` and writes nothing. But a
ledger the store did not hold yet was saved as a ledger with nothing to merge against, which
makes the store equal to it: when two clerks imported the first rosters at the same moment,
the second silently overwrote what the first had just written (a cadre's phone went back),
and both were told they had imported everything, exit 0.

Here two real processes run the command; a barrier (in the wrapper below, around
``Store.save``) holds each at the start of its save until both have read the store, so that
every run is the race. The one that wrote nothing must say so and why.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest

import cadrecore
from cadrecore.io.xlsx import export_xlsx
from cadrecore.sample import small_ledger

#: ``cadrecore import`` with ``Store.save`` held until BARRIER holds two files (one per process).
WRAPPER = """
import sys, time
from pathlib import Path
from cadrecore.store.store import Store

barrier, me, args = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
save = Store.save

def held(self, *a, **k):
    (barrier / me).touch()
    deadline = time.monotonic() + 60
    while len(list(barrier.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    return save(self, *a, **k)

Store.save = held
sys.argv = ["cadrecore", *args]
from cadrecore.cli import main
main()
"""


CLI = "import sys; from cadrecore.cli import main; sys.argv[0] = 'cadrecore'; main()"


def _imports_know_a_new_ledger() -> bool:
    """Whether a save can be told that the ledger was not in the store when read (the change
    to ``Store.save`` and ``import_into_store`` this fix needs)."""
    from cadrecore.store.store import Store

    return "as_new" in inspect.signature(Store.save).parameters


pending = pytest.mark.xfail(
    not _imports_know_a_new_ledger(),
    reason="needs Store.save(as_new=) and import_into_store passing it (store, importing)",
    strict=True,
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """The sample ledger as a workbook, and the same with another phone for cadre c001."""
    with cadrecore.using_plugin_manager(cadrecore.new_plugin_manager(load_installed=False)):
        ledger = small_ledger(2022)
        cadres = tuple(
            c.model_copy(update={"phone": "13912345678"}) if c.id == "c001" else c
            for c in ledger.cadres
        )
        return {
            "a": export_xlsx(ledger, tmp_path / "a.xlsx", unmask=True),
            "b": export_xlsx(ledger.replace(cadres=cadres), tmp_path / "b.xlsx", unmask=True),
        }


def race(tmp_path: Path, first: Path, second: Path) -> list[subprocess.CompletedProcess[str]]:
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    store = tmp_path / "store.sqlite"
    env = {**os.environ, "CADRECORE_LOAD_PLUGINS": "", "CADRECORE_LANG": "zh"}
    started = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRAPPER,
                str(barrier),
                name,
                "import",
                str(file),
                "-s",
                str(store),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        for name, file in (("first", first), ("second", second))
    ]
    done = []
    for process in started:
        stdout, stderr = process.communicate(timeout=180)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr))
    assert sorted(p.name for p in barrier.iterdir()) == ["first", "second"]  # both raced
    return done


def stored(store: Path) -> tuple[str, int, bool]:
    from cadrecore.store import open_store

    with open_store(store, create=False) as opened:
        phone = opened.load("sample").cadre("c001").phone
        return phone, len(opened.audit_entries()), opened.verify_audit().ok


@pending
def test_of_two_first_imports_that_differ_one_is_refused_and_says_so(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    done = race(tmp_path, files["a"], files["b"])
    codes = sorted(p.returncode for p in done)
    assert codes == [0, 2], [(p.returncode, p.stdout[-300:], p.stderr) for p in done]
    winner, loser = sorted(done, key=lambda p: p.returncode)
    assert "Traceback" not in loser.stderr
    assert "cadres c001 在载入后已由他人新增，且内容不同，未保存任何改动" in loser.stderr
    assert "已写入" not in loser.stdout
    phone, entries, intact = stored(tmp_path / "store.sqlite")
    # the store holds the winner's file, exactly: nothing of the loser's
    assert phone == ("13912345678" if winner.args[6] == str(files["b"]) else "")
    assert entries == 166 and intact  # the winner's 165 records and its ledger's row


@pending
def test_of_two_identical_first_imports_the_one_that_wrote_nothing_says_so(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    done = race(tmp_path, files["a"], files["a"])
    assert [p.returncode for p in done] == [0, 0], [p.stderr for p in done]
    said = sorted(done, key=lambda p: "未写入任何记录" in p.stdout)
    assert "已写入" in said[0].stdout and "165 处变更" in said[0].stdout
    assert "未写入任何记录：文件中的记录在读取数据库后已由他人以相同内容写入" in said[1].stdout
    assert stored(tmp_path / "store.sqlite")[1:] == (166, True)


def test_into_a_ledger_the_store_holds_the_second_is_refused(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    """Already so before: the merge against what each import read refuses the second."""
    store = tmp_path / "store.sqlite"
    env = {**os.environ, "CADRECORE_LOAD_PLUGINS": ""}
    base = subprocess.run(
        [sys.executable, "-c", CLI, "import", str(files["a"]), "-s", str(store)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
    )
    assert base.returncode == 0, base.stderr
    with cadrecore.using_plugin_manager(cadrecore.new_plugin_manager(load_installed=False)):
        ledger = small_ledger(2022)
        cadres = tuple(
            c.model_copy(update={"phone": "13700000000"}) if c.id == "c001" else c
            for c in ledger.cadres
        )
        third = export_xlsx(ledger.replace(cadres=cadres), tmp_path / "c.xlsx", unmask=True)
    done = race(tmp_path, files["b"], third)
    assert sorted(p.returncode for p in done) == [0, 2]
    loser = max(done, key=lambda p: p.returncode)
    assert "cadres c001 在载入后已被他人修改" in loser.stderr and "未保存任何改动" in loser.stderr
