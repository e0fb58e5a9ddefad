"""A write the store refuses says what failed and where, never the values written.

No name, ID number, phone, address, health note or note of the records being written reaches
the message, the command's output (``CliRunner`` and a real process), the exceptions chained to
it (shown in a traceback or not), the engine's log (``echo=True``) or the audit trail; the
message names the store, the record kind, the record and (when known) the field, in Chinese or,
with ``CADRECORE_LANG=en``, in English, and the store is exactly as before (every row of every
table). Provoked for real on both backends: a NUL character in text (refused before the
database, on both alike; on PostgreSQL also what its driver says when one gets through), a
check added to the database by hand, and on PostgreSQL a column narrowed by hand; a full disk
on SQLite, on a small tmpfs the test mounts (root only: CI runs as root). See
docs/reliability.md, "Errors without personal data".
"""

from __future__ import annotations

import errno
import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from cadrecore import Ledger
from cadrecore.cli import app
from cadrecore.io.folder import save_ledger
from cadrecore.models import Cadre
from cadrecore.models.cadres import national_id_check_char
from cadrecore.sample import small_ledger
from cadrecore.store import Store, StoreError, open_store, saving
from cadrecore.store.schema import metadata

from .conftest import postgres_schema

runner = CliRunner()

#: The cadres given personal data, by position in the sample ledger.
PERSONAL = (0, 1, 2)


def personal_cadre(cadre: Cadre, n: int, variant: str) -> Cadre:
    """``cadre`` with personal data of its own: variant ``A`` is what the store holds,
    ``B`` what a save then tries to write (health notes that name a stent, longer phones)."""
    birth = cadre.birth_date
    first17 = f"140902{birth:%Y%m%d}{n}{'37'[variant == 'B']}{'1' if cadre.gender == '男' else '2'}"
    return cadre.model_copy(
        update={
            "name": f"欧阳{variant}秘{'甲乙丙'[n]}",
            "national_id": first17 + national_id_check_char(first17),
            "phone": f"139{n:08d}" if variant == "A" else f"+86 138{n:08d}",
            "address": f"忻府区和平街{variant}号院{n}单元",
            "health": f"一期高血压{n}" if variant == "A" else f"二期糖尿病，心脏支架{n}枚",
            "note": f"家属联系人{variant}{n}",
        }
    )


def with_personal(ledger: Ledger, variant: str, **health: str) -> Ledger:
    """``ledger`` with the cadres of ``PERSONAL`` given personal data; ``health`` overrides a
    health note by cadre id (a NUL in one)."""
    cadres = list(ledger.cadres)
    for n in PERSONAL:
        cadres[n] = personal_cadre(cadres[n], n, variant)
        if cadres[n].id in health:
            cadres[n] = cadres[n].model_copy(update={"health": health[cadres[n].id]})
    return ledger.replace(cadres=tuple(cadres))


@pytest.fixture(scope="module")
def sample() -> Ledger:
    return small_ledger(2022)


@pytest.fixture(scope="module")
def secrets(sample: Ledger) -> list[str]:
    """Every personal value of both variants: none may be shown when a write fails."""
    found = []
    for variant in "AB":
        for cadre in with_personal(sample, variant).cadres[: len(PERSONAL)]:
            found += [cadre.name, cadre.national_id or "", cadre.phone, cadre.address]
            found += [cadre.health, cadre.note]
    found += ["高血压", "糖尿病", "支架"]  # (parts of the health notes, a NUL's halves)
    return found


NUL_HEALTH = "三期肾衰\x00透析中"


def assert_no_values(shown: str, secrets: list[str]) -> None:
    leaked = [s for s in secrets if s and s in shown]
    assert not leaked, f"personal data shown: {leaked}\n{shown[:3000]}"
    assert "\x00" not in shown


def everything_shown(error: BaseException) -> str:
    """All that a user, a traceback or an error reporter can see of ``error``: its message in
    both languages, its repr, the whole traceback as Python prints it, and every exception
    chained to it (shown or suppressed), with the parameters a database error keeps."""
    parts = ["".join(traceback.format_exception(error))]
    seen: set[int] = set()
    stack: list[BaseException | None] = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        parts += [str(current), repr(current), repr(current.args)]
        for name in ("params", "orig", "statement"):
            parts.append(repr(getattr(current, name, None)))
        orig = getattr(current, "orig", None)
        if orig is not None:
            parts.append(str(orig))
        for problem in getattr(current, "problems", ()):
            parts += [problem.render("zh"), problem.render("en")]
        stack += [current.__cause__, current.__context__]
    return "\n".join(parts)


def every_row(store: Store) -> list[tuple[str, list[str]]]:
    """Every row of every table of the store (records, the ledger, the audit trail)."""
    with store.reading() as conn:
        return [
            (table.name, sorted(map(repr, conn.execute(select(table)))))
            for table in metadata.sorted_tables
        ]


def assert_store_error_without_values(
    error: BaseException, secrets: list[str], code: str, where: tuple[str | None, str | None]
) -> Any:
    """The failed save's error: no value anywhere in it, nothing chained, and one problem with
    ``code`` at the record ``where`` (kind, id)."""
    assert_no_values(everything_shown(error), secrets)
    assert isinstance(error, StoreError)
    assert error.__cause__ is None and error.__context__ is None, "the driver's error is chained"
    problems = error.problems  # type: ignore[attr-defined]
    assert [(p.code, p.record_kind, p.record_id) for p in problems] == [(code, *where)]
    return problems[0]


# ---------------------------------------------------------------------------------------------
# NUL in text: refused before the database, on both backends alike
# ---------------------------------------------------------------------------------------------


def test_nul_in_text_is_refused_naming_record_and_field(
    store_url: str, sample: Ledger, secrets: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = with_personal(sample, "A")
    with open_store(store_url) as store:
        store.save(base)
        before = every_row(store)
        two = with_personal(sample, "B", c000=NUL_HEALTH)
        two = two.replace(
            units=(two.units[0].model_copy(update={"name": "市委\x00老干部局"}), *two.units[1:])
        )
        with pytest.raises(StoreError) as caught:
            store.save(two)
        error = caught.value
        assert_no_values(everything_shown(error), secrets)
        assert error.__cause__ is None and error.__context__ is None
        problems = error.problems  # type: ignore[attr-defined]
        found = [(p.code, p.record_kind, p.record_id, p.location.field) for p in problems]
        assert found == [
            ("text.nul", "units", two.units[0].id, "name"),
            ("text.nul", "cadres", "c000", "health"),
        ]
        message = str(error)  # the run's language: Chinese by default
        assert "未保存任何改动" in message and "NUL" in message
        assert "c000" in message and "health" in message and "units" in message
        english = error.render("en")  # type: ignore[attr-defined]
        assert "nothing was saved" in english and "NUL character" in english
        assert "field 'health'" in english
        assert every_row(store) == before
        assert store.load() == base

        # CADRECORE_LANG=en: the message itself is English
        monkeypatch.setenv("CADRECORE_LANG", "en")
        with pytest.raises(StoreError, match="nothing was saved"):
            store.save(two)
        assert every_row(store) == before


def test_nul_in_nested_text_or_a_new_record_is_refused_too(
    store_url: str, sample: Ledger, secrets: list[str]
) -> None:
    """A NUL inside a list (a cadre's interests) and in a record being added, not changed."""
    base = with_personal(sample, "A")
    with open_store(store_url) as store:
        store.save(base)
        before = every_row(store)
        added = personal_cadre(sample.cadres[2], 2, "B").model_copy(
            update={"id": "c900", "interests": ("书法", "太极\x00拳")}
        )
        with pytest.raises(StoreError) as caught:
            store.save(base.replace(cadres=(*base.cadres, added)))
        problem = assert_store_error_without_values(
            caught.value, secrets, "text.nul", ("cadres", "c900")
        )
        assert problem.location.field == "interests"
        assert every_row(store) == before


def test_nul_in_a_ledger_new_to_the_store_is_refused_in_any_batch(
    store_url: str, sample: Ledger, secrets: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ledger the store does not hold yet is inserted a batch at a time (a batch without a
    NUL as a whole): NULs in two batches of one kind and in another kind are each named, and
    nothing is saved."""
    base = with_personal(sample, "A")
    new = with_personal(sample, "B", c000=NUL_HEALTH, c002=NUL_HEALTH)
    new = new.replace(
        jurisdiction=new.jurisdiction.model_copy(update={"id": "second"}),
        units=(new.units[0].model_copy(update={"name": "市委\x00老干部局"}), *new.units[1:]),
    )
    monkeypatch.setattr(saving, "BULK_ROWS", 2)
    with open_store(store_url) as store:
        store.save(base)
        before = every_row(store)
        with pytest.raises(StoreError) as caught:
            store.save(new)
        error = caught.value
        assert_no_values(everything_shown(error), secrets)
        found = [
            (p.code, p.record_kind, p.record_id, p.location.field)
            for p in error.problems  # type: ignore[attr-defined]
        ]
        assert found == [
            ("text.nul", "units", new.units[0].id, "name"),
            ("text.nul", "cadres", "c000", "health"),
            ("text.nul", "cadres", "c002", "health"),
        ]
        assert every_row(store) == before


# ---------------------------------------------------------------------------------------------
# The database refuses: its message (and its parameters) are never shown
# ---------------------------------------------------------------------------------------------


def add_check(store: Store) -> None:
    """A check a database administrator added by hand: no health note naming a stent.
    PostgreSQL's refusal quotes the whole row ("Failing row contains (...)")."""
    with store.engine.begin() as conn:
        if store.dialect == "postgresql":
            conn.execute(
                text("ALTER TABLE cadres ADD CONSTRAINT no_stent CHECK (health NOT LIKE '%支架%')")
            )
        else:
            conn.execute(
                text(
                    "CREATE TRIGGER no_stent BEFORE UPDATE ON cadres "
                    "WHEN NEW.health LIKE '%支架%' BEGIN SELECT RAISE(ABORT, 'no stent'); END"
                )
            )


@contextmanager
def engine_log() -> Iterator[list[str]]:
    """What the engine logs with ``echo=True``: its default handler, pointed at a list."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    logger = logging.getLogger("sqlalchemy.engine.Engine")
    keep = Keep()
    handlers, level = list(logger.handlers), logger.level
    logger.addHandler(keep)
    try:
        yield lines
    finally:
        logger.handlers[:] = handlers  # (echo=True adds a handler writing to stdout)
        logger.setLevel(level)


def test_a_check_in_the_database_is_reported_without_the_row(
    store_url: str, sample: Ledger, secrets: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    base = with_personal(sample, "A")
    with open_store(store_url) as store:
        store.save(base)
        add_check(store)
        before = every_row(store)
    with engine_log() as logged, open_store(store_url, echo=True) as store:
        with pytest.raises(StoreError) as caught:
            store.save(with_personal(sample, "B"))
        problem = assert_store_error_without_values(
            caught.value, secrets, "store.constraint", ("cadres", "c000")
        )
        assert "约束" in problem.render("zh") and "constraint" in problem.render("en")
        assert every_row(store) == before
    assert any("UPDATE cadres" in line for line in logged)  # the log was captured...
    assert_no_values("\n".join(logged), secrets)  # ...and holds no value
    assert_no_values(capsys.readouterr().out, secrets)


def test_the_engine_hides_parameters(store_url: str) -> None:
    with open_store(store_url) as store:
        assert store.engine.hide_parameters


@pytest.mark.parametrize("case", ["nul", "too_long"])
def test_postgresql_refusals_are_reported_without_the_values(
    case: str, sample: Ledger, secrets: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What PostgreSQL itself refuses: a NUL that got past the check (its driver's error), a
    value longer than a column narrowed by hand."""
    base = with_personal(sample, "A")
    with postgres_schema() as url, open_store(url) as store:
        store.save(base)
        if case == "nul":
            monkeypatch.setattr("cadrecore.store.saving.fields_with_nul", lambda _: [])
            changed = with_personal(sample, "B", c000=NUL_HEALTH)
            code = "text.nul"
        else:
            with store.engine.begin() as conn:
                conn.execute(text("ALTER TABLE cadres ALTER COLUMN phone TYPE varchar(11)"))
            changed = with_personal(sample, "B")
            code = "store.too_long"
        before = every_row(store)
        with pytest.raises(StoreError) as caught:
            store.save(changed)
        assert_store_error_without_values(caught.value, secrets, code, ("cadres", "c000"))
        assert every_row(store) == before


# ---------------------------------------------------------------------------------------------
# A full disk (SQLite, on a tmpfs of its own)
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs mounted for the test and unmounted after it: a disk that can fill up."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("a full disk is a tmpfs this test mounts: mounting needs root (CI is root)")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        message = f"cannot mount a tmpfs: {mounted.stderr.strip()}"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI runs as root and must run the full-disk tests)")
        pytest.skip(message)
    try:
        yield disk
    finally:
        if subprocess.run(["umount", str(disk)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(disk)], check=True)


def fill(disk: Path) -> Path:
    """Fill ``disk`` to the last byte; the file that does it."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 1 << 12, 1):
            block = b"\0" * size
            while True:
                try:
                    if os.write(fd, block) == 0:
                        break
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    finally:
        os.close(fd)
    assert os.statvfs(disk).f_bavail == 0
    return filler


def test_a_full_disk_is_reported_without_the_values(
    small_disk: Path, sample: Ledger, secrets: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = small_disk / "county.sqlite"
    base = with_personal(sample, "A")
    with open_store(path) as store:
        store.save(base)
        before = every_row(store)
    filler = fill(small_disk)
    with (
        engine_log() as logged,
        open_store(path, echo=True) as store,
        pytest.raises(StoreError) as caught,
    ):
        store.save(with_personal(sample, "B"))
    assert_no_values("\n".join(logged) + capsys.readouterr().out, secrets)
    problem = assert_store_error_without_values(
        caught.value, secrets, "store.disk_full", ("cadres", "c000")
    )
    assert "磁盘已满" in str(caught.value) and "未保存任何改动" in str(caught.value)
    assert str(path) in str(caught.value)
    assert "the disk is full" in problem.render("en")
    filler.unlink()
    with open_store(path) as store:
        assert every_row(store) == before


# ---------------------------------------------------------------------------------------------
# The command line: typer's runner and a real process
# ---------------------------------------------------------------------------------------------


def cadrecore(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The ``cadrecore`` command in a process of its own."""
    script = "import sys; from cadrecore.cli import main; sys.argv[0] = 'cadrecore'; main()"
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "CADRECORE_LOAD_PLUGINS": "", **(env or {})},
        timeout=120,
    )


def test_the_import_command_refuses_nul_without_the_values(
    store_url: str, sample: Ledger, secrets: list[str], tmp_path: Path
) -> None:
    with open_store(store_url) as store:
        store.save(with_personal(sample, "A"))
        before = every_row(store)
    folder = save_ledger(with_personal(sample, "B", c000=NUL_HEALTH), tmp_path / "ledger")

    result = runner.invoke(app, ["import", str(folder), "--store", store_url])
    shown = result.output + (result.stderr or "")
    assert_no_values(shown, secrets)
    assert result.exit_code == 2, shown
    assert "c000" in shown and "health" in shown and "NUL" in shown and "Traceback" not in shown

    done = cadrecore("import", str(folder), "--store", store_url, env={"CADRECORE_LANG": "en"})
    assert_no_values(done.stdout + done.stderr, secrets)
    assert done.returncode == 2, done.stderr
    assert "nothing was saved" in done.stderr and "field 'health'" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    with open_store(store_url) as store:
        assert every_row(store) == before


def test_the_import_command_on_a_full_disk_says_so_without_the_values(
    small_disk: Path, sample: Ledger, secrets: list[str], tmp_path: Path
) -> None:
    path = small_disk / "county.sqlite"
    with open_store(path) as store:
        store.save(with_personal(sample, "A"))
        before = every_row(store)
    folder = save_ledger(with_personal(sample, "B"), tmp_path / "ledger")
    filler = fill(small_disk)

    done = cadrecore("import", str(folder), "--store", str(path))
    assert_no_values(done.stdout + done.stderr, secrets)
    assert done.returncode == 2, done.stderr
    assert "磁盘已满" in done.stderr and "未保存任何改动" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr

    result = runner.invoke(app, ["import", str(folder), "--store", str(path)])
    shown = result.output + (result.stderr or "")
    assert_no_values(shown, secrets)
    assert result.exit_code == 2 and "磁盘已满" in shown, shown
    filler.unlink()
    with open_store(path) as store:
        assert every_row(store) == before
