"""Recognitions: honours, on-site meetings held in the jurisdiction, national media coverage."""

from __future__ import annotations

from typing import Self

from pydantic import model_validator

from ..errors import BilingualValueError
from ..i18n import Text
from .common import Date, LabelledEnum, Name, Record, RecordId


class RecognitionKind(LabelledEnum):
    """How a unit's or a cadre's work was recognized: an honour, an on-site meeting held
    there, media coverage, or a leader's written instruction (批示)."""

    HONOUR = "honour"
    ONSITE_MEETING = "onsite_meeting"
    MEDIA_COVERAGE = "media_coverage"
    INSTRUCTION = "instruction"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {
            "honour": "荣誉",
            "onsite_meeting": "现场会",
            "media_coverage": "媒体报道",
            "instruction": "领导批示",
        }

    @classmethod
    def en_labels(cls) -> dict[str, str]:
        return {
            "honour": "honour",
            "onsite_meeting": "on-site meeting",
            "media_coverage": "media coverage",
            "instruction": "leader's instruction",
        }


class RecognitionLevel(LabelledEnum):
    """The level a recognition came from: national, provincial or city."""

    NATIONAL = "national"
    PROVINCIAL = "provincial"
    CITY = "city"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {"national": "全国", "provincial": "省级", "city": "市级"}


class Recognition(Record):
    """A dated recognition with its source (an honour's title, a newspaper and page)."""

    id: RecordId
    title: Name
    kind: RecognitionKind
    level: RecognitionLevel
    date: Date
    recipient_unit_id: RecordId | None = None
    recipient_cadre_id: RecordId | None = None
    source: str = ""

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.recipient_unit_id and self.recipient_cadre_id:
            raise BilingualValueError(
                Text(
                    "获得单位与获得人只能填一个",
                    "name a recipient unit or a recipient cadre, not both",
                ),
                "recognition.two_recipients",
            )
        return self
