"""Feedback on long work: bars on a terminal only, in the run's language, quiet when asked; a
summary line with the time taken; and every long library step reporting a known total."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from cadrecore import Ledger
from cadrecore.i18n import Text, set_lang
from cadrecore.io.folder import load_ledger
from cadrecore.progress import (
    STEPS,
    Summary,
    duration,
    finished,
    progress_bars,
    quiet_progress,
    step_label,
    timed,
)
from cadrecore.reports.annual import REPORT_STAGES, build_annual_report
from cadrecore.sample import small_ledger
from cadrecore.store import Store, open_store, verify_audit
from cadrecore.synth import synthesize


@pytest.fixture(autouse=True)
def _run_language() -> Iterator[None]:
    yield
    set_lang(None)


def terminal(**options: object) -> tuple[Console, StringIO]:
    out = StringIO()
    return Console(file=out, force_terminal=True, width=100, **options), out  # type: ignore[arg-type]


def draw(console: Console, *, quiet: bool = False, lang: str | None = None) -> None:
    with progress_bars(quiet=quiet, lang=lang, console=console) as progress:  # type: ignore[arg-type]
        for done in range(0, 11, 5):
            progress("save", done, 10)


# --- the bars ---------------------------------------------------------------------------------


def test_bars_are_drawn_on_a_terminal_in_the_runs_language() -> None:
    console, out = terminal()
    draw(console)
    assert "保存" in out.getvalue()
    assert "saving" not in out.getvalue()
    set_lang("en")
    console, out = terminal()
    draw(console)
    assert "saving" in out.getvalue()
    assert "保存" not in out.getvalue()


def test_an_explicit_language_wins_over_the_runs() -> None:
    set_lang("en")
    console, out = terminal()
    draw(console, lang="zh")
    assert "保存" in out.getvalue()


def test_no_bars_when_not_a_terminal() -> None:
    out = StringIO()
    console = Console(file=out, force_terminal=False)
    with progress_bars(quiet=False, console=console) as progress:
        assert progress is quiet_progress
        progress("save", 5, 10)
    assert out.getvalue() == ""


def test_quiet_silences_the_bars_on_a_terminal_too() -> None:
    console, out = terminal()
    with progress_bars(quiet=True, console=console) as progress:
        assert progress is quiet_progress
    draw(console, quiet=True)
    assert out.getvalue() == ""


def test_standard_error_is_where_bars_go_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    # under pytest standard error is no terminal: nothing is drawn, nothing reaches stdout
    with progress_bars(quiet=False) as progress:
        assert progress is quiet_progress
    assert capsys.readouterr() == ("", "")


#: A colour set in a terminal control sequence (30-37, 38;..., 90-97 foregrounds).
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|9[0-7])[;m]")


def test_no_colour_with_no_color_set(monkeypatch: pytest.MonkeyPatch) -> None:
    console, out = terminal()
    draw(console)
    assert COLOUR.search(out.getvalue())  # (the bar is coloured by default)
    monkeypatch.setenv("NO_COLOR", "1")
    console, out = terminal()
    assert console.no_color
    draw(console)
    assert "保存" in out.getvalue()
    assert not COLOUR.search(out.getvalue())


def test_every_step_has_a_label_in_each_language() -> None:
    for step, text in STEPS.items():
        assert text.zh and text.en and text.zh != text.en, step
        assert step_label(step, "zh") == text.zh
        assert step_label(step, "en") == text.en
        assert re.search(r"[\u4e00-\u9fff]", text.zh) and text.en.isascii()
    assert step_label("something new", "en") == "something new"


# --- the summary line -------------------------------------------------------------------------


def test_summary_line_in_each_language() -> None:
    done = Summary(Text("已导入 1,234 条记录", "imported 1,234 records"), 3.21)
    assert done("zh") == "已导入 1,234 条记录，用时 3.2 秒"
    assert done("en") == "imported 1,234 records in 3.2 s"
    set_lang("en")
    assert str(done) == "imported 1,234 records in 3.2 s"


@pytest.mark.parametrize(
    ("seconds", "zh", "en"),
    [
        (0.0, "0.0 秒", "0.0 s"),
        (0.04, "0.0 秒", "0.0 s"),
        (59.9, "59.9 秒", "59.9 s"),
        (59.96, "1 分 0 秒", "1 min 0 s"),
        (125.4, "2 分 5 秒", "2 min 5 s"),
        (3725, "1 小时 2 分", "1 h 2 min"),
    ],
)
def test_durations(seconds: float, zh: str, en: str) -> None:
    assert duration(seconds) == Text(zh, en)


def test_finished_prints_one_line_unless_quiet() -> None:
    console, out = terminal()
    finished(Text("已保存 10 条记录", "saved 10 records"), 1.25, console=console, lang="en")
    assert out.getvalue() == "saved 10 records in 1.2 s\n"
    console, out = terminal()
    finished(Text("已保存 10 条记录", "saved 10 records"), 1.25, console=console, quiet=True)
    assert out.getvalue() == ""


def test_finished_goes_to_standard_error(capsys: pytest.CaptureFixture[str]) -> None:
    finished(Text("已保存 [10] 条记录", "saved [10] records"), 2.0)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "已保存 [10] 条记录，用时 2.0 秒\n"


def test_timed_freezes_when_the_block_ends() -> None:
    with timed() as timer:
        inside = timer.seconds
    after = timer.seconds
    assert 0 <= inside <= after
    assert timer.seconds == after


# --- the library reports known totals ---------------------------------------------------------


class Recording:
    """A progress callback that keeps every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int | None]] = []

    def __call__(self, step: str, done: int, total: int | None) -> None:
        self.calls.append((step, done, total))

    def check(self, step: str) -> list[tuple[int, int]]:
        """The calls of ``step``: each with a total, in order, ending at the total."""
        calls = [(done, total) for name, done, total in self.calls if name == step]
        assert calls, f"no progress reported for {step!r}: {self.calls}"
        for done, total in calls:
            assert total is not None, calls
            assert 0 <= done <= total, calls
        dones = [done for done, _ in calls]
        assert dones == sorted(dones), calls
        last_done, last_total = calls[-1]
        assert last_done == last_total, calls
        return [(done, total) for done, total in calls if total is not None]


def test_synthesize_reports_its_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    import cadrecore.synth as synth

    monkeypatch.setattr(synth, "CADRES_PER_REPORT", 50)
    monkeypatch.setattr(synth, "BRANCHES_PER_REPORT", 2)
    recording = Recording()
    ledger = synthesize(300, 7, progress=recording)
    calls = recording.check("synth")
    assert {total for _, total in calls} == {600}
    assert len(calls) > 8  # reported along the way, not only at the end
    assert ledger == synthesize(300, 7)  # progress changes nothing made


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()


def test_store_save_load_and_verify_report_known_totals(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cadrecore.store.verify as verify

    ledger = small_ledger(2022)
    records = sum(ledger.counts().values())
    saving = Recording()
    store.save(ledger, progress=saving)
    assert saving.check("save")[-1] == (records, records)
    assert saving.calls[0] == ("save", 0, records)

    loading = Recording()
    loaded = store.load(progress=loading)
    assert loaded == ledger
    assert loading.check("load")[0] == (0, records)
    assert loading.calls[-1] == ("load", records, records)

    unit = Recording()
    view = store.load(progress=unit, unit="east")
    shown = sum(view.counts().values())
    assert 0 < shown < records
    assert unit.check("load")[0] == (0, shown)
    assert unit.calls[-1] == ("load", shown, shown)

    monkeypatch.setattr(verify, "PROGRESS_EVERY", 7)
    checking = Recording()
    result = verify_audit(store, progress=checking)
    assert result.ok
    calls = checking.check("verify")
    # the audit entries (one a record and the jurisdiction), then every row: the records and
    # the jurisdiction's
    assert calls[0] == (0, (records + 1) * 2)
    assert calls[-1] == ((records + 1) * 2, (records + 1) * 2)
    assert len(calls) > 4
    chain_only = Recording()
    store.verify_audit(check_records=False, progress=chain_only)
    assert chain_only.check("verify")[-1] == (records + 1, records + 1)


def test_folder_load_reports_bytes_read(tmp_path: Path) -> None:
    ledger = small_ledger(2022)
    ledger.save(tmp_path / "ledger")
    recording = Recording()
    assert load_ledger(tmp_path / "ledger", progress=recording) == ledger
    calls = recording.check("load")
    files = sum(
        f.stat().st_size
        for f in (tmp_path / "ledger").rglob("*")
        if f.is_file() and f.name != "ledger.yaml"
    )
    assert calls[0] == (0, files)
    assert len(calls) > 3


def test_annual_report_reports_its_stages() -> None:
    ledger: Ledger = small_ledger(2022)
    recording = Recording()
    build_annual_report(ledger, 2022, progress=recording)
    calls = recording.check("report")
    assert calls == [(done, REPORT_STAGES) for done in range(REPORT_STAGES + 1)]


def test_verify_of_a_damaged_store_still_ends_at_its_total(store: Store) -> None:
    store.save(small_ledger(2022))
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE memberships")
    recording = Recording()
    result = verify_audit(store, progress=recording)
    assert not result.ok
    recording.check("verify")


def test_import_read_reports_the_rows_of_the_file(tmp_path: Path) -> None:
    from cadrecore.io.importing import read_files

    example = (
        Path(__file__).resolve().parent.parent / "examples" / "rosters" / "静乐县离退休干部.csv"
    )
    head, *rows = example.read_bytes().splitlines(keepends=True)
    roster = tmp_path / "roster.csv"
    roster.write_bytes(head + b"".join(rows * 60))  # (repeated rows are read, and rejected)
    recording = Recording()
    result = read_files([roster], progress=recording)
    calls = recording.check("read")
    assert result.rows == len(rows) * 60
    assert calls[0] == (1000, len(rows) * 60)  # the file's lines but its heading
    assert calls[-1] == (result.rows, result.rows)
