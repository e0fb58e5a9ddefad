"""The Xinzhou example end to end, in one call: what ``cadrecore demo`` runs on a fresh install.

:func:`run_demo` copies the bundled example ledger into a folder, loads it (every record and
reference checked), saves it into the SQLite store of that folder and reads it back, checks
the year against the rules, and writes the annual report as one HTML page that works offline.
It returns what it did and where everything is.

It only ever creates: a folder that already holds anything it would write (the ledger folder,
the store, the report) is refused (:class:`DemoRefused`) before anything is done, so that a
second run cannot turn the store back into the example, undoing someone's edits and deleting
what they imported, nor copy the example over a ledger folder someone edited.

The example holds the records of four department plugins' service types, so those plugins must
be installed; without them the demo stops before doing anything and says which ``pip install``
line is needed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pluggy

from .errors import CadrecoreError
from .i18n import Text
from .io.folder import load_ledger
from .ledger import Ledger
from .plugins import get_plugin_manager, get_registry
from .registry import Registry

EXAMPLE = "xinzhou"
YEAR = 2022
STORE_FILE = "cadrecore.sqlite"
ACTOR = "cadrecore demo"


class DemoError(CadrecoreError):
    """The demo cannot run here (the example is missing, or plugins it needs are); ``text``
    says why in both languages."""

    def __init__(self, message: str | Text) -> None:
        self.text = message if isinstance(message, Text) else Text(message, message)
        super().__init__(self.text())


class DemoRefused(DemoError):
    """The folder already holds something the demo would write (``existing``): it is left as
    it is, and the demo is run somewhere else."""

    def __init__(self, folder: Path, existing: list[Path]) -> None:
        self.folder = folder
        self.existing = tuple(existing)
        names = [_shown(p.name) for p in existing]
        where = _shown(folder)
        super().__init__(
            Text(
                f"{where} 中已有演示要写入的 {'、'.join(names)}，未做任何改动：演示从不覆盖已有的"
                "账册目录、数据库或报告（其中可能有修改或导入的记录）。请换一个新目录，"
                "如 cadrecore demo cadrecore-demo-2",
                f"{where} already holds {', '.join(names)}, which the demo would write; nothing "
                "was changed: the demo never overwrites a ledger folder, a store or a report "
                "(they may hold records someone changed or imported). Give it a new folder, "
                "such as: cadrecore demo cadrecore-demo-2",
            )
        )


@dataclass(frozen=True)
class DemoResult:
    """What the demo did: the folders and files it wrote and what it found.

    ``store`` is the store's URL, or None when this cadrecore has no store; ``saved`` is
    what the save changed (inserted, updated, unchanged…).
    """

    folder: Path
    ledger_folder: Path
    report_path: Path
    year: int
    records: int
    findings: dict[str, int]
    success: bool
    store: str | None = None
    saved: dict[str, int] | None = None
    steps: tuple[Text, ...] = field(default=())


def bundled_example(name: str = EXAMPLE) -> Path:
    """The example ledger folder shipped with cadrecore: inside the installed package
    (``cadrecore/_examples/<name>``), or in a source checkout's ``examples/<name>``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_examples" / name, here.parents[1] / "examples" / name):
        if (candidate / "ledger.yaml").is_file():
            return candidate
    raise DemoError(
        f"the example ledger {name!r} is not bundled with this installation / 未找到示例账册"
    )


def required_service_types(folder: Path) -> tuple[str, ...]:
    """The service types whose records a ledger folder holds (``services/<type>.csv``)."""
    services = folder / "services"
    if not services.is_dir():
        return ()
    return tuple(sorted(p.stem for p in services.glob("*.csv")))


def install_hint(missing: list[str]) -> str:
    """The ``pip install`` line that brings the plugins of the ``missing`` service types."""
    plugins = sorted({key.split(".", 1)[0] for key in missing})
    targets = " ".join(f"./plugins/{p}" for p in plugins)
    return (
        f"缺少部门插件 / department plugins missing for: {', '.join(missing)}\n"
        f"在 cadrecore 源码目录中安装 / install them from the cadrecore source folder:\n"
        f"    pip install {targets}"
    )


def check_plugins(registry: Registry, folder: Path) -> None:
    """Raise :class:`DemoError` with the ``pip install`` line when plugins are missing."""
    missing = [key for key in required_service_types(folder) if key not in registry.service_types]
    if missing:
        raise DemoError(install_hint(missing))


def demo_outputs(folder: Path, year: int = YEAR) -> tuple[Path, ...]:
    """Every path the demo writes in ``folder``: the ledger folder, the store (with the files
    SQLite keeps beside it while writing) and the report."""
    store = folder / STORE_FILE
    return (
        folder / EXAMPLE,
        store,
        *(store.with_name(store.name + end) for end in ("-journal", "-wal", "-shm")),
        report_path(folder, year),
    )


def report_path(folder: Path, year: int = YEAR) -> Path:
    """Where the demo writes the annual report of ``year``."""
    return folder / f"{EXAMPLE}-{year}-report.html"


def refuse_what_exists(folder: Path, year: int = YEAR) -> None:
    """Raise :class:`DemoRefused` if ``folder`` holds anything the demo would write (a link,
    even a dangling one, counts)."""
    existing = [p for p in demo_outputs(folder, year) if p.exists() or p.is_symlink()]
    if existing:
        raise DemoRefused(folder, existing)


def _shown(path: Path | str) -> str:
    """A path as printable text (a name that is not UTF-8 shown as ``\\xNN``)."""
    text = os.fspath(path)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _store_api() -> Callable[..., Any] | None:
    """The store's ``open_store``, when this cadrecore has a store."""
    try:
        from .store import open_store
    except ImportError:
        return None
    return open_store


def run_demo(
    folder: str | os.PathLike[str] | None = None,
    *,
    year: int = YEAR,
    pm: pluggy.PluginManager | None = None,
    generated_at: datetime | None = None,
    on_step: Callable[[Text], None] | None = None,
) -> DemoResult:
    """Build the Xinzhou example into ``folder`` (default: the working folder) and report.

    Writes ``<folder>/xinzhou`` (the ledger, to look at and edit), ``<folder>/cadrecore.sqlite``
    (the store) and ``<folder>/xinzhou-<year>-report.html``, each new: if ``folder`` already
    holds any of them, :class:`DemoRefused` and nothing is written (run it in another folder).
    ``on_step`` hears each step as it is done.
    """
    from .reports.annual import build_annual_report, write_annual_report

    steps: list[Text] = []

    def step(text: Text) -> None:
        steps.append(text)
        if on_step is not None:
            on_step(text)

    target = Path(folder) if folder is not None else Path.cwd()
    if not target.is_dir():
        raise DemoError(Text(f"{target} 不是目录", f"{target} is not a folder"))
    refuse_what_exists(target, year)
    pm = pm or get_plugin_manager()
    registry = get_registry(pm)
    source = bundled_example()
    check_plugins(registry, source)

    ledger_folder = target / EXAMPLE
    # (copytree makes the folder itself: one that appeared since the check is an error)
    shutil.copytree(source, ledger_folder)
    step(Text(f"复制示例账册到 {ledger_folder}", f"copied the example ledger to {ledger_folder}"))

    ledger: Ledger = load_ledger(ledger_folder, registry=registry)
    records = sum(ledger.counts().values())
    step(
        Text(
            f"读取并校验账册：{ledger.jurisdiction.name}，{records} 条记录",
            f"loaded and cross-checked the ledger: {ledger.jurisdiction.name}, {records} records",
        )
    )

    store_url: str | None = None
    saved: dict[str, int] | None = None
    open_store = _store_api()
    if open_store is not None:
        # made here, new (O_EXCL): the save below never makes someone's store equal to the example
        (target / STORE_FILE).open("xb").close()
        with open_store(target / STORE_FILE) as store:
            result = store.save(ledger, actor=ACTOR)
            saved = dict(result.summary())
            ledger = store.load(ledger.jurisdiction.id, registry=registry)
            store_url = str(store.url)
        step(
            Text(
                f"存入数据库 {target / STORE_FILE}（新增 {saved['inserted']}，更新 {saved['updated']}，"
                f"未变 {saved['unchanged']}），并从数据库读回",
                f"saved it into the store {target / STORE_FILE} ({saved['inserted']} inserted, "
                f"{saved['updated']} updated, {saved['unchanged']} unchanged) and read it back",
            )
        )
    else:
        step(Text("本版本没有数据库，跳过存库", "this cadrecore has no store: not saved"))

    annual = build_annual_report(ledger, year, pm=pm, generated_at=generated_at)
    counts = annual.evaluation.counts
    step(
        Text(
            f"按规则检查 {year} 年：错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}",
            f"checked {year} against the rules: {counts['error']} error(s), "
            f"{counts['warning']} warning(s), {counts['info']} info",
        )
    )
    report = report_path(target, year)
    if report.exists() or report.is_symlink():  # made by someone else since the check
        raise DemoRefused(target, [report])
    written = write_annual_report(annual, report, "html")
    step(Text(f"写出年度报告 {written}", f"wrote the annual report {written}"))
    return DemoResult(
        folder=target,
        ledger_folder=ledger_folder,
        report_path=written,
        year=year,
        records=records,
        findings=counts,
        success=annual.evaluation.success,
        store=store_url,
        saved=saved,
        steps=tuple(steps),
    )
