"""The ``report`` and ``demo`` commands: thin shells over :mod:`cadrecore.reports.annual` and
:func:`cadrecore.demo.run_demo`. They are plain functions with typer annotations; the CLI
registers them with ``app.command()(report)`` and ``app.command()(demo)``.

Exit codes as for the other commands: 0 success, 2 bad input or usage. A report is written
whatever the findings (use ``cadrecore check`` to fail on them).
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from .cli_synth import is_store_target

EXIT_BAD_INPUT = 2


class ReportFormat(StrEnum):
    TEXT = "text"
    MD = "md"
    HTML = "html"
    XLSX = "xlsx"
    JSON = "json"


class ReportLang(StrEnum):
    ZH = "zh"
    EN = "en"


def _fail(message: str) -> typer.Exit:
    print(message, file=sys.stderr)
    return typer.Exit(EXIT_BAD_INPUT)


def _parse_moment(text: str) -> datetime:
    """An ISO 8601 time (``2023-01-05T09:00:00+08:00``) or date; naive times are UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _fail(
            f"--generated-at: expected an ISO 8601 time such as 2023-01-05T09:00:00+08:00, got {text!r}"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=0,
        help="分几个进程检查（0：每个 CPU 一个；默认 $CADRECORE_WORKERS，否则 0）/ how many "
        "processes share the rules out (0: one per CPU; default: $CADRECORE_WORKERS, else 0)",
    ),
]


def workers_of(given: int | None) -> int | None:
    """What a command passes as ``evaluate(workers=...)``: ``--workers`` if given, else the
    setting ``CADRECORE_WORKERS`` if set (None), else one process per CPU (0). A command
    checks one ledger and ends, so it uses the machine; the library's default is one process.
    """
    if given is not None:
        return given
    return None if os.environ.get("CADRECORE_WORKERS", "").strip() else 0


def ledger_from_store(text: str, unit: str | None, *, for_reading: bool) -> Any:
    """The ledger in the store ``text`` (a SQLite file or a database URL). ``for_reading``, the
    whole ledger is opened (:func:`~cadrecore.store.open_ledger`: each kind read as used, the
    bulk kinds by columns), for commands that only read it; else, or with ``unit`` (that unit's
    view, selected in SQL), it is loaded."""
    if for_reading and unit is None:
        from .store import open_ledger

        return open_ledger(text)
    from .store import open_store

    with open_store(text, create=False) as store:
        return store.load(unit=unit)


def _load(text: str, unit: str | None = None) -> Any:
    """A ledger from a ledger folder, or from a store (:func:`ledger_from_store`, opened for
    reading); with ``unit``, only that unit's view."""
    from .errors import CadrecoreError
    from .io.folder import load_ledger

    source = Path(text)  # a URL is kept as text: Path would fold its "//"
    try:
        if is_store_target(text):
            return ledger_from_store(text, unit, for_reading=True)
        if source.is_dir():
            return load_ledger(source, unit=unit)
    except CadrecoreError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:  # the path itself cannot be looked at (too long, no permission)
        raise _fail(f"{text!r}: {exc.strerror or exc}") from None
    raise _fail(f"{text}: not a ledger folder or a store (.sqlite) / 不是账册目录或数据库")


def report(
    ledger: Annotated[
        str,
        typer.Argument(
            help="账册目录、数据库文件或 URL / a ledger folder, a store (.sqlite) or a database URL"
        ),
    ],
    year: Annotated[
        int, typer.Option("--year", min=1900, max=2200, help="报告年度 / the year reported on")
    ],
    fmt: Annotated[
        ReportFormat | None,
        typer.Option("--format", help="text, md, html, xlsx or json (default: from -o, else text)"),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="写入此文件 / write to this file")
    ] = None,
    lang: Annotated[ReportLang, typer.Option("--lang", help="zh or en")] = ReportLang.ZH,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="评估日期，默认 12 月 31 日 / judge as at this day"),
    ] = None,
    generated_at: Annotated[
        str | None,
        typer.Option(
            "--generated-at",
            help="报告生成时间（ISO 8601），固定后同一账册输出字节相同 / fix the time printed on the "
            "report, for identical bytes (default: $SOURCE_DATE_EPOCH, else now)",
        ),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help="只报告此单位及其下级，如 xz.hequ / report on this unit's view only (the unit "
            "and the units below it)",
        ),
    ] = None,
    workers: WorkersOption = None,
) -> None:
    """年度报告 / The year's veteran cadre work in one document: text, Markdown, HTML, Excel or JSON."""
    from datetime import date

    from .errors import CadrecoreError
    from .reports.annual import build_annual_report, format_of, render_annual_report

    if fmt is not None:
        chosen = fmt.value
    elif output is not None:
        found = format_of(output)
        if found is None:
            raise _fail(
                f"cannot tell the format of {output.name!r}: give --format "
                "(text, md, html, xlsx or json) / 请用 --format 指定格式"
            )
        chosen = found
    else:
        chosen = "text"
    if chosen == "xlsx" and output is None:
        raise _fail("--format xlsx writes a file: give -o FILE.xlsx / Excel 格式须用 -o 指定文件")
    day = None
    if as_of:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            raise _fail(f"--as-of: expected a date such as 2022-12-31, got {as_of!r}") from None
        if day.year != year:
            raise _fail(f"--as-of {as_of} is not in {year} / 评估日期不在报告年度内")
    moment = _parse_moment(generated_at) if generated_at else None
    from ._gc import off_until_exit

    off_until_exit()  # (one report, then the process ends)
    loaded = _load(ledger, unit)
    try:
        annual = build_annual_report(
            loaded,
            year,
            as_of=day,
            lang="en" if lang is ReportLang.EN else "zh",
            generated_at=moment,
            workers=workers_of(workers),
        )
        data = render_annual_report(annual, chosen)
    except CadrecoreError as exc:
        raise _fail(str(exc)) from None
    for failure in annual.failures:
        print(
            f"插件 {failure.plugin} 的章节未能生成 / plugin {failure.plugin!r} section failed: "
            f"{failure.error}",
            file=sys.stderr,
        )
    if output is None:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise _fail(f"{output}: cannot write there / 无法写入: {exc.strerror or exc}") from None
    print(f"已写出 / wrote {output} ({chosen}, {len(data):,} bytes)", file=sys.stderr)


def demo(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="写入此目录，默认 ./cadrecore-demo / where to build it (default: ./cadrecore-demo)"
        ),
    ] = None,
    generated_at: Annotated[
        str | None,
        typer.Option("--generated-at", help="报告生成时间（ISO 8601） / fix the report's time"),
    ] = None,
    lang: Annotated[
        ReportLang | None,
        typer.Option("--lang", help="zh or en（默认 $CADRECORE_LANG，否则 zh）"),
    ] = None,
) -> None:
    """演示：忻州示例建库、检查并生成 HTML 年度报告 / Build the Xinzhou example, check it, write its report.

    Only ever creates: a folder that already holds the example's ledger folder, store or
    report is left untouched and the demo stops (exit 2); run it in a new folder.
    """
    from .demo import DemoError, run_demo
    from .errors import CadrecoreError
    from .i18n import Text, default_lang

    language = lang.value if lang is not None else default_lang()

    def show(text: Text) -> None:
        print(f"✓ {text.zh} / {text.en}")

    target = folder or Path.cwd() / "cadrecore-demo"
    try:
        target.mkdir(parents=True, exist_ok=True)
        result = run_demo(
            target,
            generated_at=_parse_moment(generated_at) if generated_at else None,
            on_step=show,
        )
    except DemoError as exc:
        raise _fail(exc.text("en" if language == "en" else "zh")) from None
    except CadrecoreError as exc:
        raise _fail(f"演示失败 / the demo failed: {exc}") from None
    except OSError as exc:
        raise _fail(f"{target}: {exc}") from None
    print()
    print(f"年度报告 / the annual report: {result.report_path}")
    print(f"    {result.report_path.resolve().as_uri()}")
    print("下一步 / next:")
    print(f"    cadrecore check {result.ledger_folder} --year {result.year}")
    print(
        f"    cadrecore report {result.ledger_folder} --year {result.year} --format xlsx "
        f"-o {result.folder / f'xinzhou-{result.year}-assessment.xlsx'}"
    )
