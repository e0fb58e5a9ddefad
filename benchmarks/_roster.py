"""A large synthetic roster, written as bureaus write them, for the import benchmark."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from cadrecore.models.cadres import national_id_check_char

HEADER = [
    "序号",
    "编号",
    "姓  名",
    "性别",
    "出生年月",
    "身份证号码",
    "参加工作时间",
    "离退休类型",
    "离退休时间",
    "所在县区",
    "党员身份",
    "入党时间",
    "原工作单位",
    "联系电话",
    "住址",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "建国秀英玉兰志强桂芳文华淑珍德明丽华国庆海燕永红"


def rows(count: int) -> list[list[object]]:
    """``count`` valid roster rows, their dates and digits in the forms people use."""
    out: list[list[object]] = []
    for i in range(count):
        birth = date(1930 + i % 30, 1 + i % 12, 1)  # a month, as rosters often give it
        first17 = f"{140000 + i // 1000:06d}{birth:%Y%m%d}{i % 1000:03d}"  # unique per row
        forms = i % 4
        born: object = (
            birth.strftime("%Y.%m")
            if forms == 0
            else f"{birth.year}年{birth.month}月"
            if forms == 1
            else datetime(birth.year, birth.month, birth.day)
            if forms == 2
            else birth.isoformat()
        )
        joined = date(birth.year + 20, 9, 1)
        out.append(
            [
                i + 1,
                f"n{i:07d}",
                SURNAMES[i % 20] + "　" + GIVEN[i % 24],
                "男" if i % 2 else "女",
                born if forms != 2 else birth.strftime("%Y.%m"),
                first17 + national_id_check_char(first17),
                joined.isoformat(),
                "退休",
                f"{birth.year + 60}.{birth.month:02d}",
                "东县" if i % 2 else "west",
                "正式党员" if i % 3 else None,
                f"{birth.year + 25}-07-01" if i % 3 else None,
                "市煤炭局",
                f"1390000{i % 10000:04d}",
                "忻州市忻府区和平街道",
            ]
        )
    return out


def write_xlsx(path: Path, data: list[list[object]]) -> Path:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(["样例市离退休干部花名册"])
    sheet.append(["填报单位：样例市老干部局"])
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, data: list[list[object]], encoding: str = "gbk") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["样例市离退休干部花名册"])
        writer.writerow(HEADER)
        writer.writerows(["" if v is None else v for v in row] for row in data)
    return path
