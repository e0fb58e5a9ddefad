"""Imports for one unit (``import --unit``): a county's bureau imports its rows into the city's
store and cannot add or change another unit's records. Every such row is rejected where it
stands (file, row, column, field, and the unit), the import is all or nothing unless
``--keep-good``, and an import for the root unit is an import without ``--unit``."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cadrecore import Ledger
from cadrecore.cli import app
from cadrecore.io.folder import save_ledger
from cadrecore.io.importing import OWNER_FIELDS, import_files
from cadrecore.models import KINDS_BY_NAME, RECORD_KINDS
from cadrecore.models.policy import ParameterOverride
from cadrecore.sample import small_ledger
from cadrecore.scope import owned_keys, scope_ledger
from cadrecore.store import open_store

runner = CliRunner()
OWN, OTHER, ROOT = "east", "west", "city"  # two counties of the sample ledger, and its root


@pytest.fixture(scope="module")
def base() -> Ledger:
    return small_ledger(2022)


def cadre_rows(base: Ledger, tmp_path: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    """The sample's cadres as the ledger folder writes them: the header, and each row by id."""
    folder = tmp_path / "folder"
    save_ledger(base, folder)
    with (folder / "cadres.csv").open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = {row["id"]: row for row in reader}
        assert reader.fieldnames is not None
        return list(reader.fieldnames), rows


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def edited(row: dict[str, str], **changes: str) -> dict[str, str]:
    return {**row, **changes}


def one_of(base: Ledger, county: str) -> str:
    return next(c.id for c in base.cadres if c.county_id == county)


def two_edits(base: Ledger, tmp_path: Path) -> tuple[Path, str, str]:
    """A CSV renaming one cadre of this county (row 2) and one of the other (row 3), and
    their ids."""
    header, rows = cadre_rows(base, tmp_path)
    mine, theirs = one_of(base, OWN), one_of(base, OTHER)
    path = write_rows(
        tmp_path / "edits.csv",
        header,
        [edited(rows[mine], name="改名甲"), edited(rows[theirs], name="改名乙")],
    )
    return path, mine, theirs


# ---------------------------------------------------------------------------------------------
# What a unit may and may not import
# ---------------------------------------------------------------------------------------------


def test_a_units_own_rows_import_and_anothers_are_rejected_where_they_stand(
    tmp_path: Path, base: Ledger
) -> None:
    path, mine, theirs = two_edits(base, tmp_path)
    outcome = import_files([path], base=base, unit=OWN)
    assert not outcome.ok  # all or nothing: the county's own row is not imported either
    [problem] = outcome.problems
    assert problem.record_id == theirs and problem.record_kind == "cadres"
    where = problem.location
    assert (where.file, where.row, where.field) == (str(path), 3, "county_id")
    assert OWN in problem.message("zh") and "不属于" in problem.message("zh")
    assert "cannot change" in problem.message("en")

    kept = import_files([path], base=base, unit=OWN, keep_good=True)
    assert kept.ok and kept.ledger is not None and kept.summary()["updated"] == 1
    names = {c.id: c.name for c in kept.ledger.cadres}
    assert names[mine] == "改名甲" and names[theirs] == base.cadre(theirs).name
    assert [r.source.number for r in kept.rejected if r.source is not None] == [3]

    # the same rows for the root unit, or with no unit: both imported
    for unit in (ROOT, None):
        whole = import_files([path], base=base, unit=unit)
        assert whole.ok and whole.summary()["updated"] == 2


def test_a_unit_cannot_take_over_or_hand_over_a_record(tmp_path: Path, base: Ledger) -> None:
    header, rows = cadre_rows(base, tmp_path)
    mine, theirs = one_of(base, OWN), one_of(base, OTHER)
    # another county's cadre moved into this county: it was not this unit's to change
    taken = write_rows(tmp_path / "take.csv", header, [edited(rows[theirs], county_id=OWN)])
    outcome = import_files([taken], base=base, unit=OWN)
    assert not outcome.ok and "belongs outside" in outcome.problems[0].message("en")
    # this county's cadre moved out: it would no longer be this unit's
    given_away = write_rows(tmp_path / "give.csv", header, [edited(rows[mine], county_id=OTHER)])
    outcome = import_files([given_away], base=base, unit=OWN)
    assert not outcome.ok
    assert any("would not belong" in p.message("en") for p in outcome.problems)
    # a new cadre of another county
    new = edited(rows[theirs], id="w.new.1", national_id="")
    outcome = import_files([write_rows(tmp_path / "n.csv", header, [new])], base=base, unit=OWN)
    assert not outcome.ok and "cannot add" in outcome.problems[0].message("en")
    # ... and of this county: imported
    new = edited(rows[mine], id="e.new.1", national_id="")
    outcome = import_files([write_rows(tmp_path / "m.csv", header, [new])], base=base, unit=OWN)
    assert outcome.ok and outcome.summary()["inserted"] == 1, outcome.problems


def test_rows_unchanged_are_not_judged(tmp_path: Path, base: Ledger) -> None:
    """A county re-importing the city's whole roster changes only its own rows: the others are
    as the store holds them, so nothing of another unit is written."""
    header, rows = cadre_rows(base, tmp_path)
    mine = one_of(base, OWN)
    everyone = [edited(r, name="改名") if i == mine else r for i, r in rows.items()]
    outcome = import_files(
        [write_rows(tmp_path / "all.csv", header, everyone)], base=base, unit=OWN
    )
    assert outcome.ok and outcome.summary()["updated"] == 1
    assert outcome.summary()["unchanged"] == len(rows) - 1


def test_what_belongs_to_the_whole_ledger_is_the_roots(base: Ledger) -> None:
    """A parameter of no particular unit holds for every county: a county cannot set it, the
    root can; a county's own parameter it can."""
    everywhere = ParameterOverride(
        id="p.test",
        key="coverage.target_ratio",
        value=0.9,
        effective_from="2022-01-01",
        source="市局通知",
    )
    own = everywhere.model_copy(update={"unit_id": OWN})
    for record, unit, allowed in (
        (everywhere, OWN, False),
        (everywhere, ROOT, True),
        (own, OWN, True),
        (own.model_copy(update={"unit_id": OTHER}), OWN, False),
    ):
        key = KINDS_BY_NAME["parameters"].key_of(record)
        owned = owned_keys(base.replace(parameters=(*base.parameters, record)), unit)
        assert (key in owned["parameters"]) is allowed, (record, unit)


def test_the_jurisdiction_is_the_roots(tmp_path: Path, base: Ledger) -> None:
    folder = tmp_path / "ledger"
    save_ledger(base, folder)
    text = (folder / "ledger.yaml").read_text(encoding="utf-8")
    renamed = text.replace(base.jurisdiction.name, base.jurisdiction.name + "（改）", 1)
    assert renamed != text
    (folder / "ledger.yaml").write_text(renamed, encoding="utf-8")
    outcome = import_files([folder], base=base, unit=OWN)
    assert not outcome.ok
    assert any("jurisdiction" in p.message("en") for p in outcome.problems)
    assert import_files([folder], base=base, unit=ROOT).ok


def test_an_unknown_unit_or_no_ledger_is_said(tmp_path: Path, base: Ledger) -> None:
    header, rows = cadre_rows(base, tmp_path)
    path = write_rows(tmp_path / "e.csv", header, [rows[one_of(base, OWN)]])
    outcome = import_files([path], base=base, unit="nowhere")
    assert not outcome.ok and outcome.problems[0].location.field == "unit"
    assert "no unit 'nowhere'" in outcome.problems[0].message("en")
    outcome = import_files([path], base=None, unit=OWN)
    assert not outcome.ok
    assert any(p.location.field == "unit" for p in outcome.problems)


def test_every_kind_names_the_field_it_belongs_by() -> None:
    assert set(OWNER_FIELDS) == {k.name for k in RECORD_KINDS}
    for kind in RECORD_KINDS:
        assert OWNER_FIELDS[kind.name] in kind.model.model_fields, kind.name


def test_a_units_own_records_are_in_its_view(base: Ledger) -> None:
    """What a unit owns is part of what it sees (its view), never another county's."""
    for unit in (OWN, OTHER):
        view = scope_ledger(base, unit)
        owned = owned_keys(base, unit)
        for kind in RECORD_KINDS:
            seen = {kind.key_of(r) for r in view.records(kind.name)}
            assert owned[kind.name] <= seen, kind.name
    assert not (owned_keys(base, OWN)["cadres"] & owned_keys(base, OTHER)["cadres"])
    every = owned_keys(base, ROOT)
    for kind in RECORD_KINDS:
        assert every[kind.name] == {kind.key_of(r) for r in base.records(kind.name)}


# ---------------------------------------------------------------------------------------------
# Property: a cadre's row imports for a unit exactly when its county is the unit's, before
# and after (an oracle from the unit tree, not from the code under test)
# ---------------------------------------------------------------------------------------------


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_cadre_row_imports_for_a_unit_exactly_when_it_stays_the_units(
    data: st.DataObject, tmp_path_factory: pytest.TempPathFactory, base: Ledger
) -> None:
    tmp_path = tmp_path_factory.mktemp("unit")
    header, rows = cadre_rows(base, tmp_path)
    counties = sorted({c.county_id for c in base.cadres})
    cadre = data.draw(st.sampled_from(sorted(rows)), label="cadre")
    unit = data.draw(st.sampled_from([*counties, ROOT]), label="unit")
    moved_to = data.draw(st.sampled_from(counties), label="county after")
    row = edited(rows[cadre], name=rows[cadre]["name"] + "改", county_id=moved_to)
    outcome = import_files([write_rows(tmp_path / "e.csv", header, [row])], base=base, unit=unit)
    before = base.cadre(cadre).county_id
    allowed = unit == ROOT or before == moved_to == unit
    refused = [p for p in outcome.problems if "import for" in p.message("en")]
    if allowed:
        assert not refused
        if outcome.ok:  # (a move may break a membership: that is another rejection)
            assert outcome.ledger is not None and outcome.ledger.cadre(cadre).county_id == moved_to
    else:
        assert refused and not outcome.ok
        assert refused[0].record_id == cadre and refused[0].location.field == "county_id"


# ---------------------------------------------------------------------------------------------
# The command: into a store, nothing written when refused
# ---------------------------------------------------------------------------------------------


def test_the_command_refuses_another_units_rows_and_writes_nothing(
    tmp_path: Path, base: Ledger
) -> None:
    db = tmp_path / "city.sqlite"
    with open_store(db) as store:
        store.save(base, actor="setup")
        entries = len(store.audit_entries())
    path, mine, theirs = two_edits(base, tmp_path)
    done = runner.invoke(app, ["import", str(path), "--store", str(db), "--unit", OWN])
    assert done.exit_code == 2, done.output
    assert "edits.csv 第 3 行" in done.output and "county_id" in done.output
    assert f"按单位 {OWN} 导入不能修改" in done.output
    with open_store(db) as store:
        assert store.load() == base and len(store.audit_entries()) == entries

    rejects = tmp_path / "fix.csv"
    done = runner.invoke(
        app,
        [
            *("import", str(path), "--store", str(db), "--unit", OWN, "--keep-good"),
            *("--rejects", str(rejects), "--lang", "en"),
        ],
    )
    assert done.exit_code == 0, done.output
    with open_store(db) as store:
        after = store.load()
    assert (
        after.cadre(mine).name == "改名甲" and after.cadre(theirs).name == base.cadre(theirs).name
    )
    with rejects.open(encoding="utf-8-sig") as handle:
        assert [row["id"] for row in csv.DictReader(handle)] == [theirs]


def test_the_command_names_an_unknown_unit(tmp_path: Path, base: Ledger) -> None:
    db = tmp_path / "city.sqlite"
    with open_store(db) as store:
        store.save(base, actor="setup")
    header, rows = cadre_rows(base, tmp_path)
    path = write_rows(tmp_path / "e.csv", header, [rows[one_of(base, OWN)]])
    done = runner.invoke(
        app, ["import", str(path), "--store", str(db), "--unit", "nowhere", "--lang", "en"]
    )
    assert done.exit_code == 2 and "no unit 'nowhere'" in done.output


def test_a_whole_ledger_folder_imports_unchanged_for_one_county(tmp_path: Path) -> None:
    """The city's whole ledger folder (its jurisdiction as held, every county's records as
    held) imported for one county changes nothing and is accepted: neither the jurisdiction nor
    another county's unchanged record is judged."""
    base = small_ledger(2022)
    folder = tmp_path / "ledger"
    save_ledger(base, folder)
    outcome = import_files([folder], base=base, unit=OWN)
    assert outcome.ok and outcome.summary()["updated"] == 0 and outcome.summary()["inserted"] == 0
