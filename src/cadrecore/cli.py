"""The ``cadrecore`` command: a thin shell over the public API (every command calls a public
function and prints what it returns). Exit codes: 0 success, 1 error findings, 2 bad input or
usage."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from .cli_report import WorkersOption, ledger_from_store, workers_of
from .cli_synth import is_store_target

app = typer.Typer(
    name="cadrecore",
    help="老干部工作台账：模型、规则与插件 / veteran cadre work: models, rules and plugins.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain click help: rich's help formatter costs a tenth of a second at every start
    rich_markup_mode=None,
)

EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
#: The years a command judges or reports on (the models' own bounds): outside them, a usage error.
FIRST_YEAR, LAST_YEAR = 1900, 2200


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def _fail(message: str) -> typer.Exit:
    print(message, file=sys.stderr)
    return typer.Exit(EXIT_BAD_INPUT)


def _load(path: str | Path, unit: str | None = None, *, for_reading: bool = False) -> Any:
    """A ledger from a ledger folder, or from a store (a database URL or a SQLite file); with
    ``unit``, only that unit's view (in SQL for a store, in memory for a folder).

    ``for_reading``: a whole ledger in a store is opened rather than loaded, for commands that
    only read it (see :func:`~cadrecore.cli_report.ledger_from_store`)."""
    from .errors import CadrecoreError
    from .io.folder import load_ledger

    text = str(path)
    try:
        if is_store_target(text):
            return ledger_from_store(text, unit, for_reading=for_reading)
        return load_ledger(path, unit=unit)
    except CadrecoreError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:  # the path itself cannot be looked at (too long, no permission)
        raise _fail(f"{text!r}: {exc.strerror or exc}") from None


UnitOption = Annotated[
    str | None,
    typer.Option(
        "--unit",
        help="只看此单位及其下级的记录，如 xz.hequ / only this unit's view: the unit, the units "
        "below it and their records (another county's are never read)",
    ),
]


def _emit_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))


@app.command()
def validate(
    ledger: Annotated[str, typer.Argument(help="账册目录或数据库 / a ledger folder or a store")],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text or json")] = OutputFormat.TEXT,
    unit: UnitOption = None,
) -> None:
    """校验账册并统计记录数 / Load a ledger, check its cross-references and count its records."""
    loaded = _load(ledger, unit)
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
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, body in schemas.items():
            (out / f"{name}.schema.json").write_text(
                json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
    except OSError as exc:
        raise _fail(f"--out {out}: cannot write there / 无法写入: {exc.strerror or exc}") from None
    print(f"wrote {len(schemas)} schema file(s) to {out}")


@app.command()
def plugins(
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text or json")] = OutputFormat.TEXT,
) -> None:
    """列出插件及其注册内容 / List plugins, their versions and everything each registered."""
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
        print(f"{failure['name']}: 加载失败 / failed to load: {failure['error']}")


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


LangCode = Literal["zh", "en"]


class Lang(StrEnum):
    ZH = "zh"
    EN = "en"


def _parse_date(text: str) -> Any:
    from datetime import date

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise _fail(f"--as-of: expected a date such as 2022-07-18, got {text!r}") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _fail(f"--as-of: {text} is not between {FIRST_YEAR} and {LAST_YEAR}")
    return day


@app.command()
def check(
    ledger: Annotated[str, typer.Argument(help="账册目录或数据库 / a ledger folder or a store")],
    year: Annotated[
        int | None,
        typer.Option("--year", min=FIRST_YEAR, max=LAST_YEAR, help="评估年度（按 12 月 31 日）"),
    ] = None,
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
    unit: UnitOption = None,
    workers: WorkersOption = None,
    occurrences: Annotated[
        bool,
        typer.Option(
            "--occurrences/--no-occurrences",
            help="JSON 是否逐项列出应办事项（默认列出）/ with --format json: list every "
            "occurrence of an obligation, or leave them out (occurrences: null; findings only, "
            "each on a line, about a tenth of the size)",
        ),
    ] = True,
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
    from ._gc import off_until_exit

    off_until_exit()  # (one check, then the process ends)
    loaded = _load(ledger, unit, for_reading=True)
    try:
        # (a unit's view is judged on its own records only: see cadrecore.scope)
        report = evaluate(
            loaded, year=year, as_of=day, rules=rule or None, workers=workers_of(workers)
        )
    except CadrecoreError as exc:
        raise _fail(str(exc)) from None
    if fmt is OutputFormat.JSON:
        # written as it is made: the whole document at once took 3x the check's memory
        pieces = report.iter_json(
            lang.value, occurrences=occurrences, min_severity=threshold, compact=not occurrences
        )
        sys.stdout.writelines(pieces)
        sys.stdout.write("\n")
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


# =============================================================================================
# Store, import and export: each command a thin shell over cadrecore.store and cadrecore.io
# =============================================================================================

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        "-s",
        help="数据库：SQLite 文件或 URL（默认 ./cadrecore.sqlite 或 $CADRECORE_STORE）"
        " / the store: a SQLite file or a database URL",
    ),
]
LedgerOption = Annotated[
    str | None, typer.Option("--ledger", help="账册（管辖）编号，数据库中有多个账册时必填")
]


def _open_store(target: str | None, *, create: bool = False) -> Any:
    from .errors import CadrecoreError
    from .store import open_store

    try:
        return open_store(target, create=create)
    except CadrecoreError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:  # a name too long, a path through a file
        raise _fail(f"--store {target!r}: {exc.strerror or exc}") from None


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int | None], None]]:
    """A progress callback drawn as bars on a terminal (on standard error), silent otherwise."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda task, done, total: None
        return
    labels = {
        "read": "读取 / reading",
        "load": "载入 / loading",
        "save": "写入 / saving",
        "export": "导出 / exporting",
    }
    tasks: dict[str, Any] = {}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    ) as bars:

        def report(task: str, done: int, total: int | None) -> None:
            if task not in tasks:
                tasks[task] = bars.add_task(labels.get(task, task), total=total)
            bars.update(tasks[task], completed=done, total=total)

        yield report


def _print_problems(title: str, problems: Sequence[Any], lang: str, limit: int = 50) -> None:
    if not problems:
        return
    print(f"{title} ({len(problems)}):")
    for problem in problems[:limit]:
        print(f"  - {problem.render(lang)}")
    if len(problems) > limit:
        print(f"  ... (+{len(problems) - limit})")


@app.command()
def init(
    url: Annotated[
        str | None,
        typer.Argument(help="数据库文件或 URL（默认 ./cadrecore.sqlite）/ a SQLite file or a URL"),
    ] = None,
) -> None:
    """建立或升级数据库 / Create a store (or bring an existing one's schema up to date)."""
    from .store.migrate import head

    with _open_store(url, create=True) as store:
        ledgers = store.ledger_ids()
        print(f"数据库已就绪 / store ready: {store.url} (schema {head()})")
        print(f"  账册 / ledgers: {', '.join(ledgers) if ledgers else '-'}")


@app.command("import")
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(help="花名册、台账（.xlsx / .xls / .csv）或账册目录 / files to import"),
    ],
    store: StoreOption = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="只检查、显示每列对应的字段，不写入 / show the outcome only"
        ),
    ] = False,
    keep_good: Annotated[
        bool,
        typer.Option("--keep-good", help="导入无误的行，错误行另存待改 / import the good rows"),
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option("--rejects", help="错误行写入此文件或目录 / where rejected rows go"),
    ] = None,
    actor: Annotated[
        str | None, typer.Option("--actor", help="操作人（记入审计）/ who is importing")
    ] = None,
    ledger: LedgerOption = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="强制记录类别，如 cadres / force the record kind")
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help="填报的县区（或单位），如 xz.hequ：无“所在县区”列的花名册记入该县区，其他单位的行"
            "作为错误行拒绝 / the county (or unit) filing: a roster without a county column is "
            "its; a row adding or changing another unit's record is rejected",
        ),
    ] = None,
    map_file: Annotated[
        Path | None,
        typer.Option(
            "--map",
            help="列映射文件（YAML），每行“表头: 字段” / a saved column mapping (YAML)",
        ),
    ] = None,
    save_map: Annotated[
        Path | None,
        typer.Option(
            "--save-map",
            help="把每列对应的字段写成映射文件，供修改后用 --map 导入 / write the column "
            "mapping to this YAML file, to edit and give to --map",
        ),
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="zh or en")] = Lang.ZH,
) -> None:
    """导入花名册、台账 / Import spreadsheets (.xlsx, .xls, .csv), ledger folders into the store.

    All or nothing unless --keep-good. Exit 0 when imported (or the dry run is clean), 2 when
    nothing was imported because of problems. With --unit, a county's bureau imports into the
    city's store without touching another unit's records.
    """
    from .cli_import import print_import
    from .errors import CadrecoreError, LedgerError
    from .io.importing import import_into_store
    from .io.mapping import load_mapping, save_mapping
    from .models import KINDS_BY_NAME

    language: LangCode = "en" if lang is Lang.EN else "zh"
    if kind is not None and kind not in KINDS_BY_NAME and kind != "jurisdiction":
        raise _fail(f"--kind: unknown record kind {kind!r} ({', '.join(KINDS_BY_NAME)})")
    mapping = None
    if map_file is not None:
        try:
            mapping = load_mapping(map_file, kind=kind or "cadres")
        except LedgerError as exc:
            raise _fail("\n".join(p.render(language) for p in exc.problems)) from None
    with _open_store(store, create=True) as opened, _progress() as progress:
        try:
            outcome = import_into_store(
                opened,
                files,
                actor=actor,
                dry_run=dry_run,
                keep_good=keep_good,
                rejects=rejects,
                ledger_id=ledger,
                kind=kind,
                progress=progress,
                unit=unit,
                mapping=mapping,
                lang=language,
            )
        except CadrecoreError as exc:
            raise _fail(str(exc)) from None
        except OSError as exc:  # the rejects file or folder cannot be written: nothing saved
            where = exc.filename if exc.filename is not None else rejects
            raise _fail(
                f"{where}: {exc.strerror or exc}; "
                + ("未导入任何记录" if language == "zh" else "nothing imported")
            ) from None
    print_import(outcome, language, url=opened.url, columns=dry_run or save_map is not None)
    if save_map is not None:
        written = save_mapping(outcome.plans, save_map)
        print(
            f"列映射已写入 {written}：修改后导入时加 --map {written}"
            if language == "zh"
            else f"column mapping written to {written}: edit it, then import with --map {written}"
        )
    if not outcome.ok:
        print("未导入" if language == "zh" else "nothing imported", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def template(
    out: Annotated[
        Path, typer.Argument(help="要写入的工作簿，如 花名册.xlsx / the workbook to write")
    ],
    store: StoreOption = None,
    ledger: LedgerOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="覆盖已有文件 / overwrite an existing file")
    ] = False,
    lang: Annotated[Lang, typer.Option("--lang", help="zh or en")] = Lang.ZH,
) -> None:
    """生成空白花名册模板 / Write a blank roster workbook (花名册模板) for clerks to fill in.

    A roster filled in from it imports with no column mapping. With a store (--store, else
    ./cadrecore.sqlite or $CADRECORE_STORE if there is one), its 所在县区 column offers the
    ledger's counties; without, it has no such column and is imported with --unit.
    """
    import os

    from .errors import CadrecoreError
    from .io.roster import Counties
    from .io.template import write_template
    from .store.reading import DEFAULT_FILE, STORE_ENV

    zh = lang is not Lang.EN
    if (out.exists() or out.is_symlink()) and not force:
        raise _fail(
            f"{out} 已存在，未覆盖：加 --force 覆盖 / {out} already exists and was left "
            "untouched: give --force to overwrite it"
        )
    target = store or os.environ.get(STORE_ENV) or None
    if target is None and Path(DEFAULT_FILE).exists():
        target = DEFAULT_FILE
    loaded = None
    counties: dict[str, str] = {}
    if target is not None:
        from .store import open_ledger

        try:
            loaded = open_ledger(target, ledger)
            counties = Counties(loaded).by_id
        except CadrecoreError as exc:
            raise _fail(str(exc)) from None
        except OSError as exc:  # a name too long, a path through a file
            raise _fail(f"--store {target!r}: {exc.strerror or exc}") from None
    elif ledger is not None:
        raise _fail(
            f"--ledger {ledger}: 未找到数据库 ./{DEFAULT_FILE}，请用 --store 指定 / no store "
            f"(./{DEFAULT_FILE} does not exist): give --store"
        )
    try:
        written = write_template(out, ledger=loaded)
    except OSError as exc:
        raise _fail(f"{out}: 无法写入 / cannot write there: {exc.strerror or exc}") from None
    print(f"花名册模板已写入 {written}" if zh else f"roster template written to {written}")
    if loaded is None:
        print(
            f"未找到数据库 ./{DEFAULT_FILE}：模板没有“所在县区”列，导入时请用 --unit 指定县区"
            if zh
            else f"no store (./{DEFAULT_FILE} does not exist): the template has no 所在县区 "
            "(county) column; import it with --unit"
        )
    elif counties:
        name = loaded.jurisdiction.name
        print(
            f"“所在县区”下拉列表：账册 {name} 的 {len(counties)} 个县区"
            if zh
            else f"the 所在县区 (county) drop-down lists the {len(counties)} counties of {name}"
        )
    else:
        name = loaded.jurisdiction.name
        print(
            f"账册 {name} 中没有县区：模板没有“所在县区”列，导入时请用 --unit 指定县区"
            if zh
            else f"the ledger {name} has no counties: the template has no 所在县区 (county) "
            "column; import it with --unit"
        )


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="FILE.xlsx（工作簿）或目录（账册目录）")],
    store: StoreOption = None,
    ledger: LedgerOption = None,
    unmask: Annotated[
        bool,
        typer.Option(
            "--unmask",
            help="工作簿中显示身份证号、电话等个人信息（记入审计）/ personal data in clear (audited)",
        ),
    ] = False,
    actor: Annotated[
        str | None, typer.Option("--actor", help="操作人（记入审计）/ who is exporting")
    ] = None,
    unit: UnitOption = None,
    lang: Annotated[
        Lang | None, typer.Option("--lang", help="zh or en（默认 $CADRECORE_LANG，否则 zh）")
    ] = None,
) -> None:
    """导出账册 / Export a ledger from the store to an .xlsx workbook or a ledger folder.

    A workbook masks personal data unless --unmask (which the audit trail records); a ledger
    folder is the ledger itself, in clear, for keeping in git. The output is written beside
    its place and then moved there: a failed export leaves nothing, and -o naming a symbolic
    link is refused (the file it points to is never written).
    """
    import shutil

    from .errors import CadrecoreError
    from .i18n import default_lang
    from .io.folder import OutputPathError, save_ledger, why_unwritable
    from .io.xlsx import export_xlsx

    language: LangCode = "en" if (lang.value if lang else default_lang()) == "en" else "zh"
    with _open_store(store) as opened, _progress() as progress:
        try:
            loaded = opened.load(ledger, progress=progress, unit=unit)
            scope = {"unit": unit} if unit is not None else {}
            workbook = out.suffix.lower() == ".xlsx"
            existed = out.exists()
            if workbook:
                written = export_xlsx(loaded, out, unmask=unmask, progress=progress)
            else:
                written = save_ledger(loaded, out)
            if unmask or not workbook:
                where = {"file" if workbook else "folder": str(written.resolve())}
                try:
                    opened.log_event(
                        loaded.jurisdiction.id, "export_unmasked", {**where, **scope}, actor=actor
                    )
                except BaseException:
                    # data in clear never stays unaudited: what the trail refused is removed
                    if workbook:
                        written.unlink(missing_ok=True)
                    elif not existed:
                        shutil.rmtree(written, ignore_errors=True)
                    raise
        except OutputPathError as exc:
            raise _fail(exc.text(language)) from None
        except CadrecoreError as exc:
            raise _fail(str(exc)) from None
        except OSError as exc:
            reason = why_unwritable(out, exc)(language)
            raise _fail(
                f"{out}：无法写入（{reason}），未导出"
                if language == "zh"
                else f"{out}: cannot write there ({reason}); nothing exported"
            ) from None
    counts = {k: v for k, v in loaded.counts().items() if v}
    print(
        f"已导出 {loaded.jurisdiction.name} 到 {written}：{sum(counts.values())} 条记录"
        if language == "zh"
        else f"exported {loaded.jurisdiction.name} to {written}: {sum(counts.values())} records"
    )
    for name, count in counts.items():
        print(f"  {name}: {count}")


audit_app = typer.Typer(
    name="audit", help="审计记录 / the store's audit trail", no_args_is_help=True
)
app.add_typer(audit_app)

AgainstOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--against",
        help="与先前记下的检查点核对（可多次给出）/ a checkpoint noted earlier (audit "
        "checkpoint) to verify against; may be given more than once",
    ),
]
KeyFileOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--key-file",
        help="另外的审计密钥文件（如轮换前的旧密钥）/ another audit key file (older keys, "
        "from before a rotation); the current key comes from $CADRECORE_AUDIT_KEY_FILE",
    ),
]
RecordsOption = Annotated[
    bool,
    typer.Option("--records/--no-records", help="同时核对每条记录与其审计记录 / check records too"),
]
AuditLangOption = Annotated[
    Lang | None, typer.Option("--lang", help="zh or en (default: $CADRECORE_LANG, else zh)")
]


def _audit_inputs(against: list[Path] | None, key_files: list[Path] | None) -> tuple[Any, Any]:
    """The checkpoints and the audit keys (the environment's, and the files given)."""
    from .errors import CadrecoreError
    from .store.audit_keys import AuditKeys
    from .store.checkpoints import AuditCheckpoint

    try:
        checkpoints = [AuditCheckpoint.read(path) for path in against or ()]
        keys = AuditKeys.from_env()
        for path in key_files or ():
            keys = keys.with_older(AuditKeys.read(path))
    except CadrecoreError as exc:
        raise _fail(str(exc)) from None
    return checkpoints, keys


def _open_store_as_found(target: str | None) -> Any:
    """The store as it is, damaged or not (``audit`` reports the damage other commands refuse)."""
    from .errors import CadrecoreError
    from .store import open_store

    try:
        return open_store(target, create=False, check_schema=False)
    except CadrecoreError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"--store {target!r}: {exc.strerror or exc}") from None


def _print_verification(url: str, result: Any, language: str) -> None:
    print(
        f"{url}: {result.entries} 条审计记录 / audit entries, "
        f"{result.records_checked} 条记录已核对 / records checked"
    )
    print(f"  最新 / head: #{result.head_seq} {result.head_hash}")
    for statement in result.statements:
        print(f"  {statement(language)}")


@audit_app.command("verify")
def audit_verify(
    store: StoreOption = None,
    records: RecordsOption = True,
    against: AgainstOption = None,
    key_files: KeyFileOption = None,
    lang: AuditLangOption = None,
) -> None:
    """核验审计记录是否被改动、删除或损坏 / Verify the audit trail. Exit 1 if it was tampered
    with or the store is damaged (naming table, row and column), 2 if it cannot be opened.

    Signed entries are checked with the audit key ($CADRECORE_AUDIT_KEY_FILE, or
    $CADRECORE_AUDIT_KEY, and --key-file for older keys); --against checks that nothing up to a
    checkpoint was removed or rewritten. What cannot be checked without them is said.
    """
    from .i18n import default_lang
    from .store import verify_audit

    language = lang.value if lang is not None else default_lang()
    checkpoints, keys = _audit_inputs(against, key_files)
    with _open_store_as_found(store) as opened:
        result = verify_audit(opened, check_records=records, keys=keys, against=checkpoints)
    _print_verification(opened.url, result, language)
    if result.ok:
        print("完好 / intact")
        return
    _print_problems("被改动或损坏 / tampered or damaged", result.problems, language)
    raise typer.Exit(EXIT_FINDINGS)


@audit_app.command("checkpoint")
def audit_checkpoint(
    store: StoreOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="写入此新文件（JSON；不覆盖已有文件）/ write it to this new file (JSON; an "
            "existing file is never replaced)",
        ),
    ] = None,
    records: RecordsOption = True,
    against: AgainstOption = None,
    key_files: KeyFileOption = None,
    lang: AuditLangOption = None,
) -> None:
    """记下审计记录的末条，供日后核对 / Note the head of the audit trail (seq, hash, time), to
    keep outside the store and verify against later (audit verify --against).

    The trail is verified first: a checkpoint is written only for an intact trail (exit 1
    otherwise). It prints the checkpoint as one line, for the minutes of a meeting; -o also
    writes it to a small JSON file.
    """
    from .errors import CadrecoreError
    from .i18n import default_lang
    from .store import verify_audit

    language = lang.value if lang is not None else default_lang()
    checkpoints, keys = _audit_inputs(against, key_files)
    with _open_store_as_found(store) as opened:
        head = opened.audit_checkpoint()
        result = verify_audit(
            opened, check_records=records, keys=keys, against=[*checkpoints, head]
        )
    _print_verification(opened.url, result, language)
    if not result.ok:
        _print_problems("被改动或损坏 / tampered or damaged", result.problems, language)
        print("未记下检查点 / no checkpoint noted: the trail is not intact")
        raise typer.Exit(EXIT_FINDINGS)
    print(head.line())
    if out is not None:
        try:
            written = head.write(out)
        except CadrecoreError as exc:
            raise _fail(str(exc)) from None
        print(f"检查点已写入 / checkpoint written to {written}")


@audit_app.command("new-key")
def audit_new_key(
    file: Annotated[
        Path,
        typer.Argument(help="审计密钥文件（没有则新建）/ the audit key file (created if missing)"),
    ],
    lang: AuditLangOption = None,
) -> None:
    """生成新的审计密钥，追加到密钥文件 / Add a new random audit key to a key file.

    The new key signs every entry written from now on (set CADRECORE_AUDIT_KEY_FILE to the file
    on every computer that writes to the store); the keys above it in the file still verify the
    entries they signed, so adding a key to an existing file is a rotation. The file is created
    readable by its owner only; the key itself is never printed.
    """
    from .errors import CadrecoreError
    from .i18n import Text, default_lang
    from .store.audit_keys import KEY_FILE_ENV, add_key

    language = lang.value if lang is not None else default_lang()
    existed = file.exists()
    try:
        key = add_key(file)
    except CadrecoreError as exc:
        raise _fail(str(exc)) from None
    said = Text(
        f"新的审计密钥（编号 {key.key_id}）已写入 {file}"
        + ("；文件中原有的密钥保留，用于核验它们签过的记录" if existed else "")
        + f"。请在每台写入数据库的电脑上设置 {KEY_FILE_ENV}={file}，"
        "并把此文件保存在数据库之外（数据库管理员不应能读到）",
        f"a new audit key (key id {key.key_id}) was added to {file}"
        + ("; the keys already in it stay, to verify the entries they signed" if existed else "")
        + f". Set {KEY_FILE_ENV}={file} on every computer that writes to the store, and keep the "
        "file outside the database (out of reach of whoever administers the database)",
    )
    print(said(language))


# ---------------------------------------------------------------------------------------------
# The annual report, the demo and synthetic ledgers (each in its own module, registered here)
# ---------------------------------------------------------------------------------------------


def _register_more_commands() -> None:
    from .cli_report import demo, report
    from .cli_synth import synth

    app.command()(report)
    app.command()(demo)
    app.command()(synth)


_register_more_commands()


def main() -> None:
    """Entry point of the ``cadrecore`` script."""
    # A file name that is not UTF-8 (kept by Python as lone surrogates) is printed escaped,
    # never a UnicodeEncodeError halfway through the output.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    if _plugins_from_cache(sys.argv[1:]):
        return
    from ._gc import ENDING, end_now

    ENDING.after_output = False
    try:
        app()
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
