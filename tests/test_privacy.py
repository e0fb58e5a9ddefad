"""Personal data is tagged in the models and masked by default."""

from __future__ import annotations

from datetime import date

from cadrecore.models import Cadre, StaffMember
from cadrecore.models.cadres import national_id_check_char
from cadrecore.models.common import Sensitivity, sensitive_fields
from cadrecore.privacy import is_masked, mask_value, masked_dump


def _cadre() -> Cadre:
    first17 = "14090219500301123"
    return Cadre(
        id="c1",
        name="张三",
        birth_date=date(1950, 3, 1),
        joined_work=date(1968, 9, 1),
        retirement_kind="tuixiu",
        retirement_date=date(2010, 3, 1),
        county_id="xz",
        national_id=first17 + national_id_check_char(first17),
        phone="13912345678",
        address="忻州市忻府区和平街道和平社区3号楼",
        health_exempt=True,
        exemption_reason="脑梗卧床",
    )


def test_the_sensitive_fields_are_tagged() -> None:
    assert sensitive_fields(Cadre) == {
        "birth_date": Sensitivity.BIRTH_DATE,
        "national_id": Sensitivity.ID_NUMBER,
        "phone": Sensitivity.CONTACT,
        "retirement_date": Sensitivity.RETIREMENT_DATE,
        "address": Sensitivity.ADDRESS,
        "exemption_reason": Sensitivity.HEALTH,
        "health": Sensitivity.HEALTH,
    }
    assert sensitive_fields(StaffMember) == {
        "birth_date": Sensitivity.BIRTH_DATE,
        "national_id": Sensitivity.ID_NUMBER,
    }


def test_masked_by_default_and_clear_on_request() -> None:
    cadre = _cadre()
    masked = masked_dump(cadre)
    assert masked["national_id"] == "140902" + "*" * 12
    assert masked["birth_date"] == "1950-03-**"
    assert masked["phone"] == "139****5678"
    assert masked["address"] == "忻州市忻府区***"
    assert masked["exemption_reason"] == "***"
    assert masked["health_exempt"] is True and masked["name"] == "张三"
    assert "19500301" not in str(masked)
    assert masked_dump(cadre, unmask=True)["national_id"] == cadre.national_id


def test_masking_short_and_empty_values() -> None:
    assert mask_value(Sensitivity.CONTACT, "") == ""
    assert mask_value(Sensitivity.CONTACT, "12345") == "*****"
    assert mask_value(Sensitivity.ID_NUMBER, None) is None
    assert is_masked(mask_value(Sensitivity.HEALTH, "高血压"))
