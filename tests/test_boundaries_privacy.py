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

from datetime import date

import pytest

from cadrecore.models.common import Sensitivity
from cadrecore.privacy import is_masked, mask_value

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
