"""The masks at every length around their edges, expected values written out by hand.

What each kind keeps (STYLE.md, "The doorway": personal data leaves the store masked, and
masking is designed for the whole output; cadrecore.privacy's docstring says why each keeps what
it keeps):

- an ID number: its six-character region code, only when it is longer than ten characters;
- a birth or retirement date: its year and month;
- a phone: its first three and last four digits, only when at least four are hidden between;
- an address: its first six characters, never more than half of it;
- health notes: nothing.

Every masked value holds at least two ``*`` so that reading an export back refuses it.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from cadrecore.models import Cadre
from cadrecore.models.common import Sensitivity
from cadrecore.privacy import id_candidates, is_masked, mask_value, masked_dump

ADDRESS = "忻州市忻府区和平街道和平社区3号楼"  # 17 characters


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("忻", "***"),
        ("忻州", "忻***"),
        ("和平街3号", "和平***"),  # 5: two kept
        ("和平街3号楼", "和平街***"),  # 6: three kept, never the whole address
        ("和平街3号楼2", "和平街***"),  # 7: three, not six (six would leave one hidden)
        ("忻州市忻府区和平街3号", "忻州市忻府***"),  # 11: five
        ("忻州市忻府区和平街3号楼", "忻州市忻府区***"),  # 12: six, half
        ("忻州市忻府区和平街3号楼2", "忻州市忻府区***"),  # 13: six
        (ADDRESS, "忻州市忻府区***"),
    ],
)
def test_an_address_keeps_at_most_six_characters_and_never_half(text: str, masked: str) -> None:
    assert mask_value(Sensitivity.ADDRESS, text) == masked
    assert is_masked(masked)


def test_no_address_comes_out_in_clear_whatever_its_length() -> None:
    for length in range(1, 40):
        text = ADDRESS * 3
        text = text[:length]
        shown = mask_value(Sensitivity.ADDRESS, text).removesuffix("***")
        assert "*" not in shown and text.startswith(shown)
        assert len(shown) <= 6 and len(shown) * 2 <= length, (length, shown)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("1", "***"),
        ("12", "***"),
        ("123", "***"),
        ("1234", "****"),
        ("1234567", "*******"),
        ("12345678", "********"),  # 3 + 1 hidden + 4 would leave one digit hidden: all hidden
        ("1234567890", "**********"),  # 3 + 3 + 4: still fewer than four hidden
        ("13912345678", "139****5678"),  # a mobile number: four hidden
        ("0350-1234567", "035*****4567"),
        ("+8613912345678", "+86*******5678"),
    ],
)
def test_a_phone_keeps_its_ends_only_with_four_hidden(text: str, masked: str) -> None:
    assert mask_value(Sensitivity.CONTACT, text) == masked
    assert is_masked(masked)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("1409021950", "***"),  # 10: no region kept
        ("14090219500", "140902*****"),  # 11: the region code
        ("140902195003011", "140902*********"),  # an old 15-digit number
        ("14090219500301123X", "140902" + "*" * 12),
        ("14090", "***"),
    ],
)
def test_an_id_number_keeps_only_its_region_code(text: str, masked: str) -> None:
    assert mask_value(Sensitivity.ID_NUMBER, text) == masked


@pytest.mark.parametrize("kind", [Sensitivity.BIRTH_DATE, Sensitivity.RETIREMENT_DATE])
def test_a_date_keeps_its_year_and_month(kind: Sensitivity) -> None:
    assert mask_value(kind, date(1950, 3, 1)) == "1950-03-**"
    assert mask_value(kind, date(1950, 12, 31)) == "1950-12-**"
    assert mask_value(kind, date(805, 1, 9)) == "0805-01-**"
    # a date given as text is masked as a date: never cut after seven characters
    assert mask_value(kind, "1950-03-01") == "1950-03-**"
    assert mask_value(kind, "19500301") == "1950-03-**"  # (cut, it showed "1950030-**")
    assert mask_value(kind, "1950-03") == "***"
    assert mask_value(kind, "三月") == "***"
    # a spreadsheet's date cell is read as a datetime (openpyxl): a date all the same
    assert mask_value(kind, datetime(1950, 3, 1, 8, 30)) == "1950-03-**"


@pytest.mark.parametrize(
    "kind",
    [
        Sensitivity.ADDRESS,
        Sensitivity.CONTACT,
        Sensitivity.ID_NUMBER,
        Sensitivity.BIRTH_DATE,
        Sensitivity.HEALTH,
    ],
)
def test_empty_values_stay_empty(kind: Sensitivity) -> None:
    assert mask_value(kind, "") == ""
    assert mask_value(kind, None) is None
    assert mask_value(kind, False) is False


def test_health_notes_keep_nothing() -> None:
    assert mask_value(Sensitivity.HEALTH, "高血压") == "***"
    assert mask_value(Sensitivity.HEALTH, "脑梗卧床，长期住院治疗") == "***"


def test_what_is_masked() -> None:
    assert is_masked("***") and is_masked("139****5678")
    assert not is_masked("*") and not is_masked("13912345678") and not is_masked(None)
    assert not is_masked(["**"])


def test_a_birth_date_shown_with_its_two_mask_characters_is_masked() -> None:
    """ "Every masked value holds at least two ``*``": a date's ``1950-03-**`` has just two."""
    assert is_masked("1950-03-**") and is_masked("**")


def test_a_masked_dump_is_json_ready() -> None:
    """``masked_dump`` is ``model_dump(mode="json")``: dates as ISO text, enums as their values,
    masked or not."""
    cadre = Cadre(
        id="c1",
        name="张三",
        birth_date=date(1950, 3, 1),
        joined_work=date(1968, 9, 1),
        retirement_kind="tuixiu",
        retirement_date=date(2010, 3, 1),
        county_id="xz",
    )
    for data in (masked_dump(cadre), masked_dump(cadre, unmask=True)):
        assert (data["joined_work"], data["retirement_kind"]) == ("1968-09-01", "tuixiu")
    assert masked_dump(cadre, unmask=True)["birth_date"] == "1950-03-01"


# --- the rebuild count: id_candidates, counted by hand ---------------------------------------
#
# An ID number is 6 region digits, 8 of birth date, a 3-digit sequence whose last digit is odd
# for men and even for women, and a check character the first 17 decide (GB 11643-1999). What
# a masked output shows of one person leaves the days of the birth month times the sequences.

MASKED_ID = "140902" + "*" * 12
#: The standard's own example: born 1949-12-31, sequence 002 (a woman), check character X.
EXAMPLE = "11010519491231002X"
#: Every 18-character ID number: 10**17 choices of the first 17 digits, the check follows.
ALL_IDS = 10**17


@pytest.mark.parametrize(
    ("birth", "gender", "count"),
    [
        ("1950-03-**", "", 31 * 1000),  # 31 days, any of 1,000 sequences
        ("1950-03-**", "男", 31 * 500),  # odd sequences only
        ("1950-03-**", "女", 31 * 500),  # even ones
        ("1950-02-**", "男", 28 * 500),  # the fewest: the module docstring's 28 x 500
        ("1952-02-**", "女", 29 * 500),  # a leap year's February
        ("1950-04-**", "", 30 * 1000),
        ("1950-03", "", 31 * 1000),  # year and month, nothing after
        ("1950-03-**", "未知", 31 * 1000),  # a sex that is neither says nothing
    ],
)
def test_the_ids_a_masked_output_leaves(birth: str, gender: str, count: int) -> None:
    assert id_candidates(MASKED_ID, birth, gender) == count


def test_an_id_shown_whole_leaves_itself_or_nothing() -> None:
    assert id_candidates(EXAMPLE, "1949-12-**", "女") == 1
    assert id_candidates(EXAMPLE, "1949-12-**") == 1
    assert id_candidates(EXAMPLE, "1949-12-**", "男") == 0  # 002 is a woman's sequence
    assert id_candidates(EXAMPLE, "1950-12-**") == 0  # another year than its digits say
    assert id_candidates(EXAMPLE[:17] + "1", "1949-12-**") == 0  # a wrong check character
    # the check character decides the sequence's last digit: of 000 to 009 only one gives X
    # (its weight is 2, and 2 x 0 ... 2 x 9 differ modulo 11), the example's 002
    assert id_candidates(EXAMPLE[:16] + "*X", "1949-12-**") == 1


def test_the_count_stops_at_the_limit() -> None:
    assert id_candidates(MASKED_ID, "1950-03-**", limit=1000) == 1000
    assert id_candidates(MASKED_ID, "1950-03-**", limit=31 * 1000) == 31 * 1000
    assert id_candidates(MASKED_ID, "1950-03-**", limit=10**6) == 31 * 1000


@pytest.mark.parametrize(
    ("masked_id", "birth"),
    [
        (None, "1950-03-**"),  # no ID shown
        ("", "1950-03-**"),
        ("140902*********", "1950-03-**"),  # an old 15-digit number: not an 18-character one
        (MASKED_ID + "*", "1950-03-**"),  # 19
        (MASKED_ID, None),  # no birth date shown
        (MASKED_ID, ""),
        (MASKED_ID, "1950"),  # a year alone
        (MASKED_ID, "1950-0"),  # six characters
        (MASKED_ID, "****-03-**"),  # no year
    ],
)
def test_what_says_nothing_leaves_every_id(masked_id: str | None, birth: str | None) -> None:
    assert id_candidates(masked_id, birth) == ALL_IDS
    assert id_candidates(masked_id, birth, limit=1000) == 1000
