"""The ``report`` and ``demo`` commands: thin shells over :mod:`cadrecore.reports.annual` and
:func:`cadrecore.demo.run_demo`. They are plain functions with typer annotations; the CLI
registers them with ``app.command()(report)`` and ``app.command()(demo)``.

Exit codes as for the other commands: 0 success, 2 bad input or usage. A report is written
whatever the findings (use ``cadrecore check`` to fail on them).
"""

from __future__ import annotations

import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .cli_base import fail, finished, h, helps, lang, progress, say, settings
from .cli_ledger import (
    WorkersOption,
    _ledger_source,
    _load,
    no_records_in,
    parse_cli_date,
    workers_of,
)
from .cli_ledger import ledger_from_store as ledger_from_store
from .cli_ledger import store_ledger_ids as store_ledger_ids


class ReportFormat(StrEnum):
    TEXT = "text"
    MD = "md"
    HTML = "html"
    XLSX = "xlsx"
    JSON = "json"


def _parse_moment(text: str) -> datetime:
    """An ISO 8601 time (``2023-01-05T09:00:00+08:00``) or date; naive times are in the
    bureau's time zone (the settings' ``timezone``, Asia/Shanghai by default)."""
    from .cli_base import settings

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise fail(
            say(
                f"--generated-at：{text!r} 不是时间，应如 2023-01-05T09:00:00+08:00",
                f"--generated-at: expected an ISO 8601 time such as 2023-01-05T09:00:00+08:00, "
                f"got {text!r}",
            )
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=settings().timezone)
    return moment


@helps(
    "年度报告：一年的老干部工作写成一份文件（文本、Markdown、HTML、Excel 或 JSON）。\n\n"
    "无论检查结果如何都写出报告（要在有错误时失败，用 cadrecore check）。",
    "The year's veteran cadre work in one document: text, Markdown, HTML, Excel or JSON.\n\n"
    "A report is written whatever the findings (use cadrecore check to fail on them).",
)
def report(
    ledger: Annotated[
        str | None,
        typer.Argument(
            help=h(
                "账册目录、数据库文件或 URL（默认：设置中的数据库）",
                "a ledger folder, a store (.sqlite) or a database URL (default: the store of "
                "the settings)",
            ),
            show_default=False,
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            min=1900,
            max=2200,
            help=h("报告年度（必填）", "the year reported on (required)"),
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            help=h(
                "text、md、html、xlsx 或 json（默认按 -o 的扩展名，否则 text）",
                "text, md, html, xlsx or json (default: from -o, else text)",
            ),
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=h("写入此文件", "write to this file")),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help=h("评估日期，默认 12 月 31 日", "judge as at this day (default: 31 December)"),
        ),
    ] = None,
    generated_at: Annotated[
        str | None,
        typer.Option(
            "--generated-at",
            help=h(
                "报告生成时间（ISO 8601），固定后同一账册输出字节相同（默认 $SOURCE_DATE_EPOCH，否则现在）",
                "fix the time printed on the report, for identical bytes (default: "
                "$SOURCE_DATE_EPOCH, else now)",
            ),
        ),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help=h(
                "只报告此单位及其下级，如 xz.hequ",
                "report on this unit's view only (the unit and the units below it)",
            ),
        ),
    ] = None,
    ledger_id: Annotated[
        str | None,
        typer.Option(
            "--ledger",
            help=h(
                "账册（管辖）编号，数据库中有多个账册时必填",
                "the ledger (jurisdiction) id: needed when the store holds several",
            ),
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=h(
                "该年度没有任何活动记录时也照样生成",
                "report even on a year in which there are no activity records",
            ),
        ),
    ] = False,
    workers: WorkersOption = None,
) -> None:
    from .errors import CadrecoreError
    from .reports.annual import build_annual_report, format_of, render_annual_report

    if year is None:
        raise fail(say("请用 --year 指定报告年度", "give the year reported on with --year"))
    if fmt is not None:
        chosen = fmt.value
    elif output is not None:
        found = format_of(output)
        if found is None:
            raise fail(
                say(
                    f"无法从 {output.name!r} 看出格式：请用 --format 指定（text、md、html、xlsx 或 json）",
                    f"cannot tell the format of {output.name!r}: give --format (text, md, html, "
                    "xlsx or json)",
                )
            )
        chosen = found
    else:
        chosen = "text"
    if chosen == "xlsx" and output is None:
        raise fail(
            say(
                "Excel 格式写入文件：请用 -o 指定文件，如 -o 考核表.xlsx",
                "--format xlsx writes a file: give -o FILE.xlsx",
            )
        )
    day = None
    if as_of:
        day = parse_cli_date("--as-of", as_of)
        if day.year != year:
            raise fail(
                say(
                    f"--as-of {as_of} 不在报告年度 {year} 年内",
                    f"--as-of {as_of} is not in {year}",
                )
            )
    moment = _parse_moment(generated_at) if generated_at else None
    from ._gc import off_until_exit

    off_until_exit()  # (one report, then the process ends)
    loaded = _load(_ledger_source(ledger), unit, for_reading=True, ledger_id=ledger_id)
    hint = None if force else no_records_in(loaded, year, unit)
    if hint is not None:
        raise fail(hint)
    language = lang()
    try:
        with progress() as report:
            annual = build_annual_report(
                loaded,
                year,
                as_of=day,
                lang=language,
                generated_at=moment,
                workers=workers_of(workers),
                progress=report,
            )
        data = render_annual_report(annual, chosen, tz=settings().timezone)
    except CadrecoreError as exc:
        raise fail(str(exc)) from None
    for failure in annual.failures:
        print(
            say(
                f"插件 {failure.plugin} 的章节未能生成：{failure.error}",
                f"plugin {failure.plugin!r} section failed: {failure.error}",
            ),
            file=sys.stderr,
        )
    if output is None:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise fail(
            say(
                f"{output}：无法写入（{exc.strerror or exc}）",
                f"{output}: cannot write there ({exc.strerror or exc})",
            )
        ) from None
    finished(
        f"已写出 {output}（{chosen}，{len(data):,} 字节）",
        f"wrote {output} ({chosen}, {len(data):,} bytes)",
    )


@helps(
    "演示：把忻州示例建成数据库、检查，并生成 HTML 年度报告。\n\n只新建不覆盖：目录中已有示例的账册目录、"
    "数据库或报告时，不作改动并停止（以 2 退出）；请在新目录中运行。",
    "Build the Xinzhou example into a store, check it and write its HTML report.\n\nOnly "
    "ever creates: a folder that already holds the example's ledger folder, store or report "
    "is left untouched and the demo stops (exit 2); run it in a new folder.",
)
def demo(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help=h(
                "写入此目录，默认 ./cadrecore-demo", "where to build it (default: ./cadrecore-demo)"
            )
        ),
    ] = None,
    generated_at: Annotated[
        str | None,
        typer.Option(
            "--generated-at",
            help=h("报告生成时间（ISO 8601）", "fix the report's time (ISO 8601)"),
        ),
    ] = None,
) -> None:
    from .demo import DemoError, run_demo
    from .errors import CadrecoreError
    from .i18n import Text

    language = lang()

    def show(text: Text) -> None:
        print(f"✓ {text(language)}")

    target = folder or Path.cwd() / "cadrecore-demo"
    try:
        target.mkdir(parents=True, exist_ok=True)
        result = run_demo(
            target,
            generated_at=_parse_moment(generated_at) if generated_at else None,
            on_step=show,
        )
    except DemoError as exc:
        raise fail(exc.text(language)) from None
    except CadrecoreError as exc:
        raise fail(say(f"演示失败：{exc}", f"the demo failed: {exc}")) from None
    except OSError as exc:
        raise fail(f"{target}: {exc.strerror or exc}") from None
    print()
    print(say(f"年度报告：{result.report_path}", f"the annual report: {result.report_path}"))
    print(f"    {result.report_path.resolve().as_uri()}")
    print(say("下一步：", "next:"))
    print(f"    cadrecore check {result.ledger_folder} --year {result.year}")
    print(
        f"    cadrecore report {result.ledger_folder} --year {result.year} --format xlsx "
        f"-o {result.folder / f'xinzhou-{result.year}-assessment.xlsx'}"
    )
