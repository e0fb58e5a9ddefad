"""Nothing outside a ledger folder is ever read through it (issue #8, item 5): a file, or the
``services`` folder, that is a symbolic link to outside the folder (absolute, through ``..``,
dangling, looping), or that is not a regular file (a pipe), is refused with a problem naming
it; saving never turns a link into a copy of what it points at."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cadrecore import Ledger, LedgerError, load_ledger, save_ledger
from cadrecore.cli import app
from cadrecore.io.importing import import_into_store
from cadrecore.sample import small_ledger
from cadrecore.store import open_store

runner = CliRunner()
pytestmark = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")


@pytest.fixture(scope="module")
def sample() -> Ledger:
    return small_ledger(2022)


@pytest.fixture
def folder(sample: Ledger, tmp_path: Path) -> Path:
    """A saved ledger, and beside it (outside it) a copy of its files."""
    saved = save_ledger(sample, tmp_path / "ledger")
    shutil.copytree(saved, tmp_path / "outside")
    return saved


def refused(folder: Path, *names: str) -> LedgerError:
    with pytest.raises(LedgerError) as caught:
        load_ledger(folder)
    rendered = caught.value.render("en")
    for name in names:
        assert name in rendered, rendered
    return caught.value


def relink(path: Path, target: str | Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.symlink_to(target)


@pytest.mark.parametrize("name", ["cadres.csv", "ledger.yaml", "units.yaml", "memberships.csv"])
def test_a_file_linked_to_outside_is_refused_even_when_its_content_is_valid(
    folder: Path, name: str
) -> None:
    outside = folder.parent / "outside" / name
    relink(folder / name, outside)  # absolute
    error = refused(folder, f"ledger/{name}", "outside the ledger folder")
    assert any(str(outside) in p.render("en") for p in error.problems)
    relink(folder / name, Path("..") / "outside" / name)  # relative, through ..
    refused(folder, f"ledger/{name}", "outside the ledger folder")


def test_a_system_file_is_never_read(folder: Path) -> None:
    relink(folder / "cadres.csv", "/etc/passwd")
    error = refused(folder, "ledger/cadres.csv", "/etc/passwd")
    assert "root:" not in error.render("en")  # its content is not echoed, it was not read


def test_the_services_folder_or_a_service_file_linked_to_outside_is_refused(
    folder: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside" / "services"
    outside.mkdir()
    (outside / "kit.csv").write_text("id,cadre_id\n", encoding="utf-8")
    services = folder / "services"
    services.mkdir()
    (services / "kit.csv").symlink_to(outside / "kit.csv")
    refused(folder, "services/kit.csv", "outside the ledger folder")
    relink(services, outside)
    refused(folder, "ledger/services", "outside the ledger folder")


def test_links_inside_the_folder_are_followed(folder: Path, sample: Ledger) -> None:
    keep = folder / ".kept"
    keep.mkdir()
    (folder / "cadres.csv").rename(keep / "cadres.csv")
    (folder / "cadres.csv").symlink_to(Path(".kept") / "cadres.csv")
    assert load_ledger(folder) == sample
    # the folder itself may be reached through a link, and through ..
    link = folder.parent / "linked"
    link.symlink_to(folder)
    assert load_ledger(link) == sample
    assert load_ledger(folder / ".." / "ledger") == sample


def test_dangling_and_looping_links_are_refused(folder: Path) -> None:
    relink(folder / "cadres.csv", folder / "nowhere.csv")
    refused(folder, "ledger/cadres.csv")
    relink(folder / "units.yaml", folder / "loop.yaml")
    (folder / "loop.yaml").symlink_to(folder / "units.yaml")
    error = refused(folder, "ledger/units.yaml")
    assert error.problems


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_refused_without_waiting_for_it(folder: Path) -> None:
    (folder / "cadres.csv").unlink()
    os.mkfifo(folder / "cadres.csv")
    refused(folder, "ledger/cadres.csv", "not a regular file")


def test_a_folder_where_a_file_should_be_is_named(folder: Path) -> None:
    (folder / "cadres.csv").unlink()
    (folder / "cadres.csv").mkdir()
    refused(folder, "ledger/cadres.csv", "cannot be read")
    (folder / "services").write_text("not a folder", encoding="utf-8")
    refused(folder, "ledger/services", "expected a folder")


def test_file_names_that_are_not_utf8_are_shown_not_crashed_on(folder: Path) -> None:
    odd = os.fsencode(folder) + b"/\xff\xfe-\xe4.csv"
    with open(odd, "wb") as handle:
        handle.write(b"id\n1\n")
    error = refused(folder, "unknown file", "\\xff\\xfe")
    error.render("zh").encode("utf-8")  # printable: no lone surrogates
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "\\xff\\xfe" in result.output


def test_saving_keeps_a_foreign_link_a_link(folder: Path, sample: Ledger, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the ledger", encoding="utf-8")
    (folder / "NOTES.md").symlink_to(secret)
    (folder / ".git").symlink_to(tmp_path / "outside")
    save_ledger(sample, folder)
    assert (folder / "NOTES.md").is_symlink() and os.readlink(folder / "NOTES.md") == str(secret)
    assert (folder / ".git").is_symlink()
    assert "not for the ledger" not in "".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    )


def test_the_cli_and_the_import_refuse_it_too(folder: Path, tmp_path: Path) -> None:
    relink(folder / "cadres.csv", "/etc/passwd")
    for command in (["validate", str(folder)], ["check", str(folder), "--year", "2022"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        assert "ledger/cadres.csv" in result.output and "账册目录以外" in result.output
        assert "Traceback" not in result.output
    with open_store(tmp_path / "store.sqlite") as store:
        outcome = import_into_store(store, [folder])
        assert not outcome.ok
        assert any("outside the ledger folder" in p.render("en") for p in outcome.problems)
        assert store.ledger_ids() == ()
