"""``cadrecore demo`` only ever creates (issue 20, item 4).

Before, running the demo again in its folder copied the example over the ledger folder (undoing
edits made there) and saved the example into the store as a ledger not read from it, which
makes the store equal to it: records changed since were changed back and records imported since
were deleted, exit 0. Now a folder that holds anything the demo would write is refused, exit 2,
naming what is there, and nothing in it changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import cadrecore
import cadrecore.demo
from cadrecore.demo import DemoRefused, run_demo
from cadrecore.models import Recognition
from cadrecore.plugins import PluginManager

from .xinzhou_fixtures import xinzhou_pm

__all__ = ["xinzhou_pm"]

WHEN = "2023-01-05T09:00:00+08:00"
runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    from cadrecore.cli import app as cli

    return cli


@pytest.fixture
def departments(xinzhou_pm: PluginManager, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(cadrecore.demo, "get_plugin_manager", lambda: xinzhou_pm)
    yield


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (links as links) by its content's hash."""
    seen: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            seen[name] = "-> " + str(path.readlink())
        elif path.is_file():
            seen[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            seen[name] = "folder"
    return seen


def test_running_the_demo_again_changes_nothing(
    app: typer.Typer, departments: None, xinzhou_pm: PluginManager, tmp_path: Path
) -> None:
    from cadrecore.store import open_store

    first = runner.invoke(app, ["demo", str(tmp_path), "--generated-at", WHEN])
    assert first.exit_code == 0, first.output

    # someone works with it: edits the ledger folder, changes a cadre and imports a record
    cadres = tmp_path / "xinzhou" / "cadres.csv"
    cadres.write_text(cadres.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    registry = cadrecore.get_registry(xinzhou_pm)
    with open_store(tmp_path / "cadrecore.sqlite", create=False) as store:
        loaded = store.load("xz", registry=registry)
        cadre = loaded.cadres[0].model_copy(update={"phone": "13911112222"})
        imported = Recognition(
            id="r.imported", title="优秀老党员", kind="honour", level="city", date=date(2022, 7, 1)
        )
        store.save(
            loaded.replace(
                cadres=(cadre, *loaded.cadres[1:]), recognitions=(*loaded.recognitions, imported)
            ),
            actor="李干事",
        )
        entries = len(store.audit_entries())
    before = snapshot(tmp_path)

    again = runner.invoke(app, ["demo", str(tmp_path), "--generated-at", WHEN])
    assert again.exit_code == 2, again.output
    assert again.stdout == ""
    assert again.stderr == (
        f"{tmp_path} 中已有演示要写入的 xinzhou、cadrecore.sqlite、xinzhou-2022-report.html，"
        "未做任何改动：演示从不覆盖已有的账册目录、数据库或报告（其中可能有修改或导入的记录）。"
        "请换一个新目录，如 cadrecore demo cadrecore-demo-2\n"
    )
    assert snapshot(tmp_path) == before
    with open_store(tmp_path / "cadrecore.sqlite", create=False) as store:
        after = store.load("xz", registry=registry)
        assert after.cadres[0].phone == "13911112222"
        assert "r.imported" in {r.id for r in after.recognitions}
        assert len(store.audit_entries()) == entries


@pytest.mark.parametrize(
    "existing",
    [
        "xinzhou",
        "cadrecore.sqlite",
        "cadrecore.sqlite-journal",
        "cadrecore.sqlite-wal",
        "xinzhou-2022-report.html",
        "link:cadrecore.sqlite",
    ],
)
def test_anything_the_demo_would_write_is_enough_to_refuse(
    app: typer.Typer, departments: None, tmp_path: Path, existing: str
) -> None:
    if existing.startswith("link:"):
        existing = existing.removeprefix("link:")
        (tmp_path / existing).symlink_to(tmp_path / "elsewhere.sqlite")  # dangling
    elif existing == "xinzhou":
        (tmp_path / existing).mkdir()
        (tmp_path / existing / "notes.md").write_text("我的笔记", encoding="utf-8")
    else:
        (tmp_path / existing).write_bytes(b"someone's")
    before = snapshot(tmp_path)
    result = runner.invoke(app, ["demo", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert f"{tmp_path} 中已有演示要写入的 {existing}，未做任何改动" in result.stderr
    assert snapshot(tmp_path) == before


def test_the_refusal_in_english(
    app: typer.Typer, departments: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cadrecore.sqlite").write_bytes(b"")
    expected = (
        f"{tmp_path} already holds cadrecore.sqlite, which the demo would write; nothing was "
        "changed: the demo never overwrites a ledger folder, a store or a report (they may hold "
        "records someone changed or imported). Give it a new folder, such as: cadrecore demo "
        "cadrecore-demo-2\n"
    )
    assert runner.invoke(app, ["demo", str(tmp_path), "--lang", "en"]).stderr == expected
    monkeypatch.setenv("CADRECORE_LANG", "en")
    assert runner.invoke(app, ["demo", str(tmp_path)]).stderr == expected


def test_run_demo_says_what_is_there(xinzhou_pm: PluginManager, tmp_path: Path) -> None:
    (tmp_path / "xinzhou-2023-report.html").write_text("<p>mine</p>", encoding="utf-8")
    with pytest.raises(DemoRefused) as raised:
        run_demo(tmp_path, year=2023, pm=xinzhou_pm)
    assert raised.value.existing == (tmp_path / "xinzhou-2023-report.html",)
    assert raised.value.folder == tmp_path
    assert [p.name for p in tmp_path.iterdir()] == ["xinzhou-2023-report.html"]
