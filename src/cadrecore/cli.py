"""The ``cadrecore`` command: a thin shell over the public API (every command calls a public
function and prints what it returns). Exit codes: 0 success, 1 error findings, 2 bad input or
usage."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    name="cadrecore",
    help="老干部工作台账：模型、规则与插件 / veteran cadre work: models, rules and plugins.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def _fail(message: str) -> typer.Exit:
    print(message, file=sys.stderr)
    return typer.Exit(EXIT_BAD_INPUT)


def _load(path: Path) -> Any:
    from .errors import CadrecoreError
    from .io.folder import load_ledger

    try:
        return load_ledger(path)
    except CadrecoreError as exc:
        raise _fail(str(exc)) from None


def _emit_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))


@app.command()
def validate(
    ledger: Annotated[Path, typer.Argument(help="账册目录 / a ledger folder")],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text or json")] = OutputFormat.TEXT,
) -> None:
    """校验账册并统计记录数 / Load a ledger, check its cross-references and count its records."""
    loaded = _load(ledger)
    counts = {k: v for k, v in loaded.counts().items() if v}
    if fmt is OutputFormat.JSON:
        _emit_json({"jurisdiction": loaded.jurisdiction.name, "valid": True, "counts": counts})
        return
    from .models import KINDS_BY_NAME

    print(f"{loaded.jurisdiction.name}: 账册有效 / ledger is valid")
    for name, count in counts.items():
        label = KINDS_BY_NAME[name].label
        print(f"  {label.zh} / {label.en}: {count}")


@app.command()
def schema(
    kind: Annotated[str | None, typer.Argument(help="记录类别，如 cadres；省略则全部")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="写入此目录，每类一个文件")
    ] = None,
) -> None:
    """输出账册文件的 JSON Schema / Print the JSON Schema of ledger files, generated from the models."""
    from .schema import all_schemas, record_schema

    try:
        schemas = {kind: record_schema(kind)} if kind else all_schemas()
    except KeyError as exc:
        raise _fail(str(exc.args[0])) from None
    if out is None:
        _emit_json(schemas[kind] if kind else schemas)
        return
    out.mkdir(parents=True, exist_ok=True)
    for name, body in schemas.items():
        (out / f"{name}.schema.json").write_text(
            json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    print(f"wrote {len(schemas)} schema file(s) to {out}")


@app.command()
def plugins(
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text or json")] = OutputFormat.TEXT,
) -> None:
    """列出插件及其注册内容 / List plugins, their versions and everything each registered."""
    from dataclasses import asdict

    from .plugins import describe_plugins, get_plugin_manager

    pm = get_plugin_manager()
    infos = describe_plugins(pm)
    if fmt is OutputFormat.JSON:
        _emit_json(
            {
                "plugins": [asdict(info) for info in infos],
                "failed": [asdict(failure) for failure in pm.load_failures],
            }
        )
        return
    for info in infos:
        print(f"{info.name} {info.version or ''}".rstrip())
        for vocabulary, keys in info.registered.items():
            print(f"  {vocabulary}: {', '.join(keys)}")
    for failure in pm.load_failures:
        print(f"{failure.name}: 加载失败 / failed to load: {failure.error}")


class Lang(StrEnum):
    ZH = "zh"
    EN = "en"


def _parse_date(text: str) -> Any:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(f"--as-of: expected a date such as 2022-07-18, got {text!r}") from None


@app.command()
def check(
    ledger: Annotated[Path, typer.Argument(help="账册目录 / a ledger folder")],
    year: Annotated[int | None, typer.Option("--year", help="评估年度（按 12 月 31 日）")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="评估日期，如 2022-07-18")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text or json")] = OutputFormat.TEXT,
    min_severity: Annotated[
        str, typer.Option("--min-severity", help="只显示此级别及以上：info / warning / error")
    ] = "info",
    rule: Annotated[
        list[str] | None, typer.Option("--rule", help="只运行这些规则（可重复，可用 *）")
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="zh or en")] = Lang.ZH,
    exit_zero: Annotated[
        bool,
        typer.Option(
            "--exit-zero", help="有错误也以 0 退出（仅报告）/ report only: exit 0 even with errors"
        ),
    ] = False,
) -> None:
    """按规则检查账册 / Check a ledger against the rules in force. Exit 1 if any error finding."""
    from .errors import CadrecoreError
    from .rules import Severity, evaluate

    try:
        threshold = Severity.parse(min_severity)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    if year is None and as_of is None:
        raise _fail("give --year or --as-of / 请指定 --year 或 --as-of")
    day = _parse_date(as_of) if as_of else None
    loaded = _load(ledger)
    try:
        report = evaluate(loaded, year=year, as_of=day, rules=rule or None)
    except CadrecoreError as exc:
        raise _fail(str(exc)) from None
    if fmt is OutputFormat.JSON:
        data = report.to_dict(lang.value)
        data["findings"] = [
            f for f in data["findings"] if Severity[f["severity"].upper()] >= threshold
        ]
        _emit_json(data)
    else:
        from .reports.text import render_check

        print(render_check(report, lang=lang.value, min_severity=threshold))
    if not report.success and not exit_zero:
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def rules(
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text or json")] = OutputFormat.TEXT,
    lang: Annotated[Lang, typer.Option("--lang", help="zh or en")] = Lang.ZH,
) -> None:
    """列出全部规则及其参数 / List every rule with its parameters, their dated values and sources."""
    from .rules.catalog import rule_catalog

    catalog = rule_catalog()
    if fmt is OutputFormat.JSON:
        _emit_json(catalog)
        return
    for entry in catalog["rules"]:
        print(f"{entry['id']}  [{entry['severity']}]  {entry['title'][lang.value]}")
        for cite in entry["cites"]:
            print(f"    依据 / cites: {cite}")
        for key in entry["parameters"]:
            parameter = catalog["parameters"][key]
            values = "; ".join(
                f"{v['value']} (from {v['from']}, {v['status']})" for v in parameter["versions"]
            )
            print(f"    {key} = {values}")


def main() -> None:
    """Entry point of the ``cadrecore`` script."""
    app()


if __name__ == "__main__":
    main()
