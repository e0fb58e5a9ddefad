"""The rebuild attack on masked output: from everything a masked export or an import message
shows of one person (the masked ID number, the masked birth date, the sex, the county), count
the ID numbers that remain possible. Masking must leave at least 1,000 for every person.

Before the masks were designed together, an export kept an ID number's first six and last
four characters beside the exact birth date, which leaves exactly one: the check character
decides the rest (``test_the_old_masks_gave_every_id_away`` shows it).
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from cadrecore import Ledger
from cadrecore.io.importing import import_files, write_rejects
from cadrecore.io.xlsx import export_xlsx
from cadrecore.models import Cadre
from cadrecore.models.cadres import national_id_check_char
from cadrecore.privacy import id_candidates, masked_dump
from cadrecore.sample import small_ledger
from cadrecore.strategies import cadres

from .rosters.corpus import xinfu_bad_values
from .xinzhou_fixtures import xinzhou, xinzhou_pm

__all__ = ["xinzhou", "xinzhou_pm"]

#: The fewest ID numbers a masked output may leave possible for one person.
FLOOR = 1000
#: Counties of the sample ledger and Xinzhou region codes.
REGIONS = ("140902", "140981", "140921", "140922", "140923")


def people(count: int, seed: int = 7) -> list[Cadre]:
    """Synthetic cadres with ID numbers that agree with their birth date and sex."""
    pick = random.Random(seed)
    out = []
    for n in range(count):
        born = date(1925, 1, 1) + timedelta(days=pick.randrange(40 * 365))
        sex = pick.choice("男女")
        sequence = pick.randrange(0, 999, 2) + (1 if sex == "男" else 0)
        first17 = f"{pick.choice(REGIONS)}{born:%Y%m%d}{sequence:03d}"
        out.append(
            Cadre(
                id=f"p{n:04d}",
                name=f"测试{n}",
                gender=sex,
                birth_date=born,
                national_id=first17 + national_id_check_char(first17),
                phone=f"139{pick.randrange(10**8):08d}",
                joined_work=born + timedelta(days=20 * 366),
                retirement_kind="tuixiu",
                retirement_date=born + timedelta(days=60 * 366),
                county_id="east",
                address="东县和平街道和平社区3号楼",
            )
        )
    return out


def test_the_old_masks_gave_every_id_away() -> None:
    """The attack itself: the first six and last four characters of an ID number, with the
    exact birth date printed beside them, leave one number, the person's."""
    for person in people(50):
        assert person.national_id is not None
        old_mask = person.national_id[:6] + "*" * 8 + person.national_id[-4:]
        with_date = old_mask[:6] + f"{person.birth_date:%Y%m%d}" + old_mask[14:]
        assert id_candidates(with_date, f"{person.birth_date:%Y-%m}-**", person.gender) == 1
        # the same person under the masks of today
        masked = masked_dump(person)
        assert id_candidates(masked["national_id"], masked["birth_date"], person.gender) > 10_000


def test_a_masked_export_leaves_every_id_among_a_thousand(tmp_path: Path) -> None:
    base = small_ledger(2022)
    ledger = base.replace(cadres=(*base.cadres, *people(300)))
    path = export_xlsx(ledger, tmp_path / "masked.xlsx")
    sheet = load_workbook(path, read_only=True)["老干部"]
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows))
    column = {name: header.index(name) for name in ("身份证号", "出生日期", "性别")}
    checked = 0
    for row in rows:
        masked_id = row[column["身份证号"]]
        if not masked_id:
            continue
        birth, sex = row[column["出生日期"]], row[column["性别"]] or ""
        assert isinstance(masked_id, str) and isinstance(birth, str)
        assert id_candidates(masked_id, birth, sex, limit=FLOOR) >= FLOOR
        checked += 1
    assert checked == 300
    # nothing else in a person's row holds the birth date or the ID number in clear, and no
    # cell of the workbook the ID number's hidden part
    text = " ".join(
        str(v) for s in load_workbook(path, read_only=True) for r in s.values for v in r if v
    )
    by_id = {p.id: p for p in people(300)}
    for row in load_workbook(path, read_only=True)["老干部"].iter_rows(values_only=True):
        person = by_id.get(str(row[0]))
        if person is None:
            continue
        assert person.national_id is not None and person.national_id[6:] not in text
        shown = {v.date() if hasattr(v, "date") else v for v in row}
        assert person.birth_date not in shown and f"{person.birth_date:%Y-%m-%d}" not in shown


@settings(max_examples=60, deadline=None)
@given(cadres(county_ids=st.just("east")))
def test_any_cadre_masked_leaves_its_id_among_a_thousand(cadre: Cadre) -> None:
    masked = masked_dump(cadre)
    if cadre.national_id is None:
        assert masked["national_id"] is None
        return
    assert (
        id_candidates(masked["national_id"], masked["birth_date"], cadre.gender, limit=FLOOR)
        >= FLOOR
    )


def test_import_messages_and_rejects_leave_no_id_to_rebuild(
    tmp_path: Path, xinzhou: Ledger
) -> None:
    """Every message of an import with every kind of bad row, and the reasons a rejects file
    writes, show an ID number only by its region code, and no birth date."""
    roster = xinfu_bad_values()
    path = roster.build(tmp_path)
    outcome = import_files([path], base=xinzhou, keep_good=True)
    (rejects,) = write_rejects(outcome, tmp_path / "out")
    reasons = [str(row[-1]) for row in load_workbook(rejects).active.iter_rows(values_only=True)]
    said = [p.message.zh for p in [*outcome.problems, *outcome.notes]]
    said += [p.message.en for p in [*outcome.problems, *outcome.notes]]
    said += [p.render("zh") for p in outcome.problems] + reasons
    ids = [str(k.fields.get("national_id")) for k in roster.rows if k.fields.get("national_id")]
    assert ids
    for text in said:
        assert not re.search(r"\d{7,}", text.replace("*", "")), text
        for national_id in ids:
            assert national_id[6:14] not in text and national_id[-4:] not in text, text


def test_a_retirement_on_the_birthday_gives_no_birth_date_away(tmp_path: Path) -> None:
    """Most cadres retire on their 60th (or 55th) birthday: a retirement date in clear beside
    the birth date masked to its month would give the day, and with it most of the ID number.
    The export masks the retirement date's day too."""
    base = small_ledger(2022)
    retiring = [
        person.model_copy(
            update={"retirement_date": person.birth_date.replace(year=person.birth_date.year + 60)}
        )
        for person in people(200)
        if person.birth_date.month != 2 or person.birth_date.day != 29
    ]
    ledger = base.replace(cadres=(*base.cadres, *retiring))
    path = export_xlsx(ledger, tmp_path / "masked.xlsx")
    rows = load_workbook(path, read_only=True)["老干部"].iter_rows(values_only=True)
    header = list(next(rows))
    by_id = {p.id: p for p in retiring}
    checked = 0
    for row in rows:
        person = by_id.get(str(row[0]))
        if person is None:
            continue
        shown = [v.date() if hasattr(v, "date") else v for v in row]
        days = {(v.month, v.day) for v in shown if isinstance(v, date)} | {
            (int(t[5:7]), int(t[8:10]))
            for t in shown
            if isinstance(t, str) and len(t) == 10 and t[4] == t[7] == "-" and t[8:].isdigit()
        }
        assert (person.birth_date.month, person.birth_date.day) not in days, header
        assert row[header.index("离退休时间")] == f"{person.retirement_date:%Y-%m}-**"
        checked += 1
    assert checked == len(retiring)
