"""The ``cadrecore`` command: a thin shell over the public API (every command calls a public
function and prints what it returns). Exit codes: 0 success, 1 error findings, 2 bad input or
usage.

One language a run (:mod:`cadrecore.cli_base`): every message, help text and summary in it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import Annotated, Any

import typer

from .cli_base import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    Command,
    FormatOption,
    Group,
    OutputFormat,
    did_you_mean,
    fail,
    h,
    help_of,
    lang,
    say,
    settings,
    shown_url,
)
from .cli_ledger import FIRST_YEAR as FIRST_YEAR
from .cli_ledger import LAST_YEAR as LAST_YEAR
from .cli_ledger import (
    LedgerArgument,
    LedgerOption,
    UnitOption,
    WorkersOption,
    _emit_json,
    _ledger_source,
    _load,
    _open_store,
    _unknown_kind,
    no_records_in,
    parse_cli_date,
    workers_of,
)
from .cli_ledger import several_ledgers as several_ledgers

app = typer.Typer(
    name="cadrecore",
    cls=Group,
    help=h(
        "老干部工作台账：模型、规则与插件。",
        "Veteran cadre work: models, rules and plugins.",
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    # plain click help: rich's help formatter costs a tenth of a second at every start
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

__all__ = ["EXIT_BAD_INPUT", "EXIT_FINDINGS", "app", "main"]

#: The years a command judges or reports on (the models' own bounds): outside them, a usage error.


def _show_version(value: bool) -> None:
    if value:
        from ._version import __version__

        print(f"cadrecore {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            help=h("显示版本并退出", "show the version and exit"),
            is_eager=True,
            callback=_show_version,
        ),
    ] = False,
) -> None:
    """(the options every run has: see cadrecore.cli_base)"""


@app.command(
    cls=Command,
    help=h(
        "校验账册：载入、核对相互引用并统计记录数。",
        "Load a ledger, check its cross-references and count its records.",
    ),
)
def validate(
    ledger: LedgerArgument = None,
    fmt: FormatOption = OutputFormat.TEXT,
    unit: UnitOption = None,
    ledger_id: LedgerOption = None,
) -> None:
    from .cli_base import finished, progress
    from .models import KINDS_BY_NAME

    with progress() as report:
        loaded = _load(_ledger_source(ledger), unit, ledger_id=ledger_id, progress=report)
    counts = {k: v for k, v in loaded.counts().items() if v}
    total = sum(counts.values())
    if fmt is OutputFormat.JSON:
        _emit_json({"jurisdiction": loaded.jurisdiction.name, "valid": True, "counts": counts})
    else:
        print(say(f"{loaded.jurisdiction.name}：账册有效", f"{loaded.jurisdiction.name}: valid"))
        for name, count in counts.items():
            print(f"  {KINDS_BY_NAME[name].label()}: {count:,}")
    finished(f"已校验 {total:,} 条记录", f"validated {total:,} records")


@app.command(
    cls=Command,
    help=h(
        "输出账册文件的 JSON Schema（由模型生成）。",
        "Print the JSON Schema of ledger files, generated from the models.",
    ),
)
def schema(
    kind: Annotated[
        str | None,
        typer.Argument(
            help=h(
                "记录类别，如 cadres；省略则全部", "a record kind, such as cadres; all if left out"
            )
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help=h("写入此目录，每类一个文件", "write to this folder, a file per kind"),
        ),
    ] = None,
) -> None:
    from .models import KINDS_BY_NAME
    from .schema import all_schemas, record_schema

    if kind is not None and kind not in KINDS_BY_NAME and kind != "jurisdiction":
        raise fail(_unknown_kind(kind))
    schemas = {kind: record_schema(kind)} if kind else all_schemas()
    if out is None:
        _emit_json(schemas[kind] if kind else schemas)
        return
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, body in schemas.items():
            (out / f"{name}.schema.json").write_text(
                json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
    except OSError as exc:
        raise fail(
            say(
                f"--out {out}：无法写入（{exc.strerror or exc}）",
                f"--out {out}: cannot write there ({exc.strerror or exc})",
            )
        ) from None
    print(
        say(
            f"已将 {len(schemas)} 个 schema 文件写入 {out}",
            f"wrote {len(schemas)} schema file(s) to {out}",
        )
    )


@app.command(
    cls=Command,
    help=h(
        "列出插件、版本及各自注册的内容。", "List plugins, their versions and what each registered."
    ),
)
def plugins(
    fmt: FormatOption = OutputFormat.TEXT,
    ledger: Annotated[
        str | None,
        typer.Argument(
            help=h(
                "账册目录或数据库：另列出各插件是否适用于它及原因",
                "a ledger folder or store: also show which plugins apply to it, and why",
            ),
            show_default=False,
        ),
    ] = None,
    ledger_id: LedgerOption = None,
) -> None:
    if ledger is not None:
        _plugins_of_ledger(ledger, ledger_id, fmt)
        return
    from .plugin_cache import ListingCache

    # A complete listing is kept (see cadrecore.plugin_cache) and shown again while nothing it
    # was made from has changed: loading every plugin to list them takes most of a second.
    cache = ListingCache.open()
    listed = cache.read() if cache is not None else None
    failed: list[dict[str, Any]] = []
    if listed is None:
        from dataclasses import asdict

        from .plugins import _describe_plugins, get_plugin_manager

        pm = get_plugin_manager()
        infos, complete = _describe_plugins(pm)
        listed = [asdict(info) for info in infos]
        failed = [asdict(failure) for failure in pm.load_failures]
        if cache is not None and complete and not failed:
            cache.write(listed)
    _print_plugins(listed, failed, fmt)


def _plugins_of_ledger(ledger: str, ledger_id: str | None, fmt: OutputFormat) -> None:
    from .plugins import plugins_for_ledger

    loaded = _load(_ledger_source(ledger), None, for_reading=True, ledger_id=ledger_id)
    uses, unchecked = plugins_for_ledger(loaded)
    language = lang()
    if fmt is OutputFormat.JSON:
        _emit_json(
            {
                "ledger": loaded.jurisdiction.id,
                "plugins_named": list(loaded.jurisdiction.plugins)
                if loaded.jurisdiction.plugins is not None
                else None,
                "plugins": [
                    {
                        "name": u.name,
                        "namespace": u.namespace,
                        "used": u.used,
                        "why": u.why(language),
                    }
                    for u in uses
                ],
                "unchecked": [text(language) for text in unchecked],
            }
        )
        return
    print(say(f"账册 {loaded.jurisdiction.id}：", f"ledger {loaded.jurisdiction.id}:"))
    for use in uses:
        shown = say("适用" if use.used else "不适用", "applies" if use.used else "does not apply")
        print(f"{use.name}  {shown}  {use.why(language)}")
    for text in unchecked:
        print(text(language))


def _print_plugins(
    listed: list[dict[str, Any]], failed: list[dict[str, Any]], fmt: OutputFormat
) -> None:
    if fmt is OutputFormat.JSON:
        _emit_json({"plugins": listed, "failed": failed})
        return
    for info in listed:
        print(f"{info['name']} {info['version'] or ''}".rstrip())
        for vocabulary, keys in info["registered"].items():
            print(f"  {vocabulary}: {', '.join(keys)}")
    for failure in failed:
        print(
            say(f"{failure['name']}：加载失败：", f"{failure['name']}: failed to load: ")
            + failure["error"]
        )


#: The command lines ``cadrecore plugins`` is run with, and the format each asks for.
_PLUGINS_ARGS: dict[tuple[str, ...], OutputFormat] = {
    ("plugins",): OutputFormat.TEXT,
    **{("plugins", "--format", f.value): f for f in OutputFormat},
    **{("plugins", f"--format={f.value}"): f for f in OutputFormat},
}


def _plugins_from_cache(args: Sequence[str]) -> bool:
    """Print the cached listing for a plain ``cadrecore plugins [--format F]`` and say so; or
    False (any other command line, no cache, a stale one) for the command to run as usual.

    Typer checks and converts an option's value through pydantic, which costs about as much
    as the rest of the start-up: a listing that is already known is printed without it.
    """
    fmt = _PLUGINS_ARGS.get(tuple(args))
    if fmt is None:
        return False
    from .plugin_cache import ListingCache

    cache = ListingCache.open()
    listed = cache.read() if cache is not None else None
    if listed is None:
        return False
    _print_plugins(listed, [], fmt)
    return True


def _check_rule_patterns(patterns: Sequence[str]) -> None:
    """A ``--rule`` that names no rule: said with the nearest rule ids, before any work."""
    from .errors import CadrecoreError
    from .rules.engine import get_rulebook

    book = get_rulebook()
    ids = sorted(book.rules)
    for pattern in patterns:
        with suppress(CadrecoreError, KeyError):
            if book.select([pattern]):
                continue
        short = [rule_id.split("::", 1)[-1] for rule_id in ids]
        near = did_you_mean(pattern, ids) or did_you_mean(pattern, short)
        raise fail(
            say(
                f"--rule {pattern}：没有这条规则。{near}（cadrecore rules 列出全部规则）",
                f"--rule {pattern}: no such rule. {near} (cadrecore rules lists them all)",
            )
        )


@app.command(
    cls=Command,
    help=h(
        "按当时有效的规则检查账册。有错误时以 1 退出。",
        "Check a ledger against the rules in force. Exit 1 if any error finding.",
    ),
)
def check(
    ledger: LedgerArgument = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            min=FIRST_YEAR,
            max=LAST_YEAR,
            help=h("评估年度（按 12 月 31 日）", "the year judged (as at 31 December)"),
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help=h(
                "评估日期，如 2022-07-18 或 2022/07/18", "judge as at this day, such as 2022-07-18"
            ),
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.TEXT,
    min_severity: Annotated[
        str,
        typer.Option(
            "--min-severity",
            help=h(
                "只显示此级别及以上：info、warning 或 error",
                "show only this severity and above: info, warning or error",
            ),
        ),
    ] = "info",
    rule: Annotated[
        list[str] | None,
        typer.Option(
            "--rule",
            help=h(
                "只运行这些规则（可重复，可用 *）", "run only these rules (may repeat; * matches)"
            ),
        ),
    ] = None,
    exit_zero: Annotated[
        bool,
        typer.Option(
            "--exit-zero",
            help=h("有错误也以 0 退出（仅报告）", "report only: exit 0 even with errors"),
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=h(
                "该年度没有任何活动记录时也照样检查",
                "check even a year in which there are no activity records",
            ),
        ),
    ] = False,
    unit: UnitOption = None,
    ledger_id: LedgerOption = None,
    workers: WorkersOption = None,
    occurrences: Annotated[
        bool,
        typer.Option(
            "--occurrences/--no-occurrences",
            help=h(
                "JSON 中是否逐项列出每项应办事项（默认列出）；不列出时只有问题，每条一行，约为十分之一大小",
                "with --format json: list every occurrence of an obligation, or leave them out "
                "(occurrences: null; findings only, each on a line, about a tenth of the size)",
            ),
        ),
    ] = True,
) -> None:
    from .errors import CadrecoreError
    from .rules import Severity, evaluate

    try:
        threshold = Severity.parse(min_severity)
    except ValueError:
        raise fail(
            say(
                f"--min-severity：{min_severity!r} 不是级别，应为 info、warning 或 error",
                f"--min-severity: {min_severity!r} is not a severity; expected info, warning "
                "or error",
            )
        ) from None
    if year is None and as_of is None:
        raise fail(say("请指定 --year 或 --as-of", "give --year or --as-of"))
    day = parse_cli_date("--as-of", as_of) if as_of else None
    if day is not None and year is not None and day.year != year:
        raise fail(
            say(
                f"--as-of {as_of} 不在评估年度 {year} 年内：只给 --as-of（按其年度评估），或给同一年的日期",
                f"--as-of {as_of} is not in {year}: give --as-of alone (its year is judged), or a "
                "day of the same year",
            )
        )
    if rule:
        _check_rule_patterns(rule)
    from ._gc import off_until_exit

    off_until_exit()  # (one check, then the process ends)
    loaded = _load(_ledger_source(ledger), unit, for_reading=True, ledger_id=ledger_id)
    judged = year if year is not None else day.year  # type: ignore[union-attr]
    hint = None if force else no_records_in(loaded, judged, unit)
    if hint is not None:
        raise fail(hint)
    language = lang()
    for warning in loaded.unchecked():  # records of a plugin not in use, kept unchecked
        print(warning(language), file=sys.stderr)
    try:
        # (a unit's view is judged on its own records only: see cadrecore.scope)
        report = evaluate(
            loaded, year=year, as_of=day, rules=rule or None, workers=workers_of(workers)
        )
    except CadrecoreError as exc:
        raise fail(str(exc)) from None
    if fmt is OutputFormat.JSON:
        # written as it is made: the whole document at once took 3x the check's memory
        pieces = report.iter_json(
            language, occurrences=occurrences, min_severity=threshold, compact=not occurrences
        )
        sys.stdout.writelines(pieces)
        sys.stdout.write("\n")
    else:
        from .reports.text import render_check

        print(render_check(report, lang=language, min_severity=threshold))
    if not report.success and not exit_zero:
        raise typer.Exit(EXIT_FINDINGS)


@app.command(
    cls=Command,
    help=h(
        "列出全部规则（可能的严重程度、依据）及其参数（各版本的值、生效日期与依据）。",
        "List every rule (its possible severities, what it cites) with its parameters, their "
        "dated values and sources.",
    ),
)
def rules(fmt: FormatOption = OutputFormat.TEXT) -> None:
    from .rules import Severity
    from .rules.catalog import rule_catalog

    language = lang()
    catalog = rule_catalog()
    if fmt is OutputFormat.JSON:
        _emit_json(catalog)
        return
    for entry in catalog["rules"]:
        severities = [Severity.parse(s).label(language) for s in entry["severities"]]
        shown = say("、".join(severities), ", ".join(severities))
        print(f"{entry['id']}  [{shown}]  {entry['title'][language]}")
        for cite in entry["cites"]:
            print(say(f"    依据：{cite}", f"    cites: {cite}"))
        for key in entry["parameters"]:
            parameter = catalog["parameters"][key]
            values = "; ".join(
                say(
                    f"{v['value']}（自 {v['from']} 起，{v['status']}）",
                    f"{v['value']} (from {v['from']}, {v['status']})",
                )
                for v in parameter["versions"]
            )
            print(f"    {key} = {values}")


@app.command(
    "config",
    cls=Command,
    help=h(
        "显示本次运行的设置及其来源（命令行选项 > 环境变量 > cadrecore.toml > 默认）。",
        "Show the settings of a run and where each came from (option > environment > "
        "cadrecore.toml > default).",
    ),
)
def config_(fmt: FormatOption = OutputFormat.TEXT) -> None:
    config = settings()
    language = lang()
    rows = config.rows(language)
    if fmt is OutputFormat.JSON:
        _emit_json(
            {
                "file": str(config.file) if config.file else None,
                "settings": {
                    name: {
                        "value": config.values[name].value,
                        "source": config.values[name].source,
                        "where": config.values[name].where,
                    }
                    for name, _, _ in rows
                },
            }
        )
        return
    where = str(config.file) if config.file else say("无", "none")
    print(say(f"配置文件：{where}", f"config file: {where}"))
    width = max(len(name) for name, _, _ in rows)
    for name, value, source in rows:
        print(f"  {name:<{width}}  {value}  [{source}]")


# =============================================================================================
# Store, import and export: each command a thin shell over cadrecore.store and cadrecore.io
# =============================================================================================


@app.command(
    cls=Command,
    help=h(
        "建立数据库，或把已有数据库的结构升级到当前版本。",
        "Create a store (or bring an existing one's schema up to date).",
    ),
)
def init(
    url: Annotated[
        str | None,
        typer.Argument(
            help=h(
                "数据库文件或 URL（默认按设置，否则 ./cadrecore.sqlite）",
                "a SQLite file or a URL (default: the settings', else ./cadrecore.sqlite)",
            )
        ),
    ] = None,
) -> None:
    from .store.migrate import head

    with _open_store(url, create=True) as store:
        ledgers = store.ledger_ids()
        print(
            say(
                f"数据库已就绪：{shown_url(store.url)}（结构版本 {head()}）",
                f"store ready: {shown_url(store.url)} (schema {head()})",
            )
        )
        listed = ", ".join(ledgers) if ledgers else "-"
        print(say(f"  账册：{listed}", f"  ledgers: {listed}"))


def _register_store_commands() -> None:
    from .cli_store import audit_app, export, import_, template

    app.command("import", cls=Command, help=help_of(import_))(import_)
    app.command(cls=Command, help=help_of(template))(template)
    app.command(cls=Command, help=help_of(export))(export)
    app.add_typer(audit_app)


# ---------------------------------------------------------------------------------------------
# The annual report, the demo and synthetic ledgers (each in its own module, registered here)
# ---------------------------------------------------------------------------------------------


def _register_more_commands() -> None:
    from .cli_report import demo, report
    from .cli_synth import synth

    app.command(cls=Command, help=help_of(report))(report)
    app.command(cls=Command, help=help_of(demo))(demo)
    app.command(cls=Command, help=help_of(synth))(synth)


_register_store_commands()
_register_more_commands()


def main() -> None:
    """Entry point of the ``cadrecore`` script."""
    # A file name that is not UTF-8 (kept by Python as lone surrogates) is printed escaped,
    # never a UnicodeEncodeError halfway through the output.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    from .cli_base import plugins_from_config

    plugins_from_config()
    if _plugins_from_cache(sys.argv[1:]):
        return
    from ._gc import ENDING, end_now

    ENDING.after_output = False
    try:
        app(prog_name="cadrecore")
    except SystemExit as exc:
        # a check or report, its output written: the process ends without freeing the
        # province it read, object by object (see cadrecore._gc.end_now)
        if ENDING.after_output and (exc.code is None or isinstance(exc.code, int)):
            # (unless the output cannot be flushed: then it exits as usual, saying so)
            with suppress(OSError):
                end_now(exc.code or 0)
        raise


if __name__ == "__main__":
    main()
