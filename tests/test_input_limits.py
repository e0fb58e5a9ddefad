"""Spreadsheets built to exhaust memory are refused before their cells are read (issue #20,
item 5): a merged range over a whole sheet, a shared string of a hundred million characters, a
row 16,384 columns wide, a cell longer than Excel allows. Each is a clear error naming the
limit, the command ends (run here as a real process) within its memory, and a message never
quotes more than 100 characters of a cell.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from cadrecore.io.limits import MAX_CELL_CHARS, QUOTE
from cadrecore.io.tables import TableError, read_tables

#: The most memory the importing process may take for any of these files (its own peak RSS,
#: VmHWM: getrusage's maxrss would count the forked test process from before the exec).
MEMORY = 200 * 1024 * 1024


def small_workbook(path: Path, *cells: tuple[str, object]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "花名册"
    sheet.append(["姓名", "性别", "出生年月", "参加工作时间", "离退休类型", "离退休时间"])
    sheet.append(["张三", "男", "1950.03", "1968.09", "退休", "2010.03"])
    for ref, value in cells:
        sheet[ref] = value
    book.save(path)
    return path


def rewritten(path: Path, member: str, change: bytes | None = None, **replace: bytes) -> Path:
    """``path`` with one part's bytes changed (``old=new`` pairs) or replaced whole."""
    out = path.with_name("hostile-" + path.name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == member:
                if change is not None:
                    data = change
                for old, new in replace.values():  # type: ignore[misc]
                    data = data.replace(old, new)
            dest.writestr(info, data)
    return out


def whole_sheet_merged(tmp_path: Path) -> Path:
    path = small_workbook(tmp_path / "merged.xlsx")
    merge = b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
    return rewritten(
        path, "xl/worksheets/sheet1.xml", at=(b"</sheetData>", b"</sheetData>" + merge)
    )


def huge_shared_string(tmp_path: Path) -> Path:
    """A workbook whose cell A3 is a shared string of 100 million characters (openpyxl writes
    inline strings, so the shared strings part is added by hand, as Excel writes it)."""
    path = small_workbook(tmp_path / "strings.xlsx")
    out = path.with_name("hostile-strings.xlsx")
    strings = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
        + b"A" * 100_000_000
        + b"</t></si></sst>"
    )
    rel = (
        b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats'
        b'-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", rel)
            elif info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", override)
            elif info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"</sheetData>", b'<row r="3"><c r="A3" t="s"><v>0</v></c></row></sheetData>'
                )
            dest.writestr(info.filename, data)
        dest.writestr("xl/sharedStrings.xml", strings)
    assert out.stat().st_size < 1_000_000  # a small file standing for a huge string
    return out


def very_wide_row(tmp_path: Path) -> Path:
    return small_workbook(tmp_path / "wide.xlsx", ("XFD2", "x"))


CASES = {
    "whole_sheet_merged": (whole_sheet_merged, "合并单元格覆盖超过"),
    "huge_shared_string": (huge_shared_string, "sharedStrings.xml 解压后有"),
    "very_wide_row": (very_wide_row, "超过上限 1,024 列"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_workbook_is_refused_before_its_cells(tmp_path: Path, case: str) -> None:
    make, expected = CASES[case]
    path = make(tmp_path)
    with pytest.raises(TableError) as raised:
        for table in read_tables(path):
            for _row in table.rows:
                pass
    assert expected in raised.value.message.zh
    for text in (raised.value.message.zh, raised.value.message.en):
        assert not re.search(rf"(长|A){{{QUOTE + 1}}}", text)


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_import_command_refuses_it_within_its_memory(tmp_path: Path, case: str) -> None:
    make, expected = CASES[case]
    path = make(tmp_path)
    script = (
        "import sys\n"
        "from cadrecore.cli import main\n"
        "sys.argv = ['cadrecore', 'import', sys.argv[1], '--store', sys.argv[2], '--dry-run']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "status = open('/proc/self/status').read()\n"
        "peak = int(status.split('VmHWM:')[1].split()[0]) * 1024\n"
        "print('PEAK', peak, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "CADRECORE_LOAD_PLUGINS": "", "CADRECORE_LANG": "zh"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(path), str(tmp_path / "store.sqlite")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert expected in done.stdout + done.stderr
    peak = int(re.findall(r"PEAK (\d+)", done.stderr)[-1])
    assert peak < MEMORY, f"{peak / 1e6:.0f} MB"


def test_a_row_or_cell_beyond_the_limits_is_refused_quoting_little() -> None:
    """(openpyxl itself cuts an .xlsx cell to Excel's 32,767 characters; the row check is for
    what other readers hand over.)"""
    from cadrecore.io.limits import LimitError, check_row

    with pytest.raises(LimitError) as raised:
        check_row(7, ["张三", "长" * (MAX_CELL_CHARS + 10)])
    assert "第 7 行第 2 列" in raised.value.message.zh
    assert "长" * QUOTE in raised.value.message.zh
    assert "长" * (QUOTE + 1) not in raised.value.message.zh


def test_a_roster_far_inside_every_limit_reads(tmp_path: Path) -> None:
    path = small_workbook(tmp_path / "ok.xlsx", ("A3", "李四"), ("F3", "长" * 1000))
    rows = [cells for table in read_tables(path) for _n, cells in table.rows]
    assert rows[2][5] == "长" * 1000
