"""The store's commands: ``import``, ``template``, ``export`` and ``audit``: thin shells over
:mod:`cadrecore.store` and :mod:`cadrecore.io`, registered by :mod:`cadrecore.cli`."""

from __future__ import annotations

import sys
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
    fail,
    finished,
    h,
    helps,
    lang,
    progress,
    say,
    settings,
    shown_url,
)
from .cli_ledger import (
    LedgerOption,
    StoreOption,
    UnitOption,
    _chosen_ledger,
    _emit_json,
    _open_store,
    _print_problems,
    _unknown_kind,
)


def _problem_json(problem: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return {
        "code": problem.code,
        "message": problem.message(lang()),
        "where": {k: v for k, v in asdict(problem.location).items() if v is not None},
        "record_kind": problem.record_kind,
        "record_id": problem.record_id,
    }


def _import_json(outcome: Any, url: str) -> dict[str, Any]:
    """An import's outcome for a script: counts, tables, problems, notes, rejects files."""
    return {
        "ok": outcome.ok,
        "dry_run": outcome.dry_run,
        "store": url,
        "summary": outcome.summary(),
        "tables": [
            {
                "file": t.file,
                "sheet": t.sheet,
                "kind": t.kind,
                "rows": t.rows,
                "accepted": t.accepted,
                "rejected": t.rejected,
            }
            for t in outcome.tables
        ],
        "problems": [_problem_json(p) for p in outcome.problems],
        "notes": [_problem_json(n) for n in outcome.notes],
        "rejects_files": [str(path) for path in outcome.rejects_files],
        "saved": None
        if outcome.saved is None
        else {"changes": outcome.saved.changes, "audit_entries": outcome.saved.audit_entries},
    }


@helps(
    "导入花名册、台账（.xlsx、.xls、.csv）或账册目录到数据库。\n\n除非加 --keep-good，要么全部导入，"
    "要么全不导入。导入成功（或试运行无误）以 0 退出，因问题未导入以 2 退出。加 --unit 时，县区老干部局"
    "导入市里的数据库，不会改动其他单位的记录。",
    "Import spreadsheets (.xlsx, .xls, .csv) or ledger folders into the store.\n\nAll or "
    "nothing unless --keep-good. Exit 0 when imported (or the dry run is clean), 2 when nothing "
    "was imported because of problems. With --unit, a county's bureau imports into the city's "
    "store without touching another unit's records.",
)
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(
            help=h(
                "花名册、台账（.xlsx / .xls / .csv）或账册目录",
                "rosters and ledgers (.xlsx / .xls / .csv) or ledger folders",
            )
        ),
    ],
    store: StoreOption = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help=h(
                "只检查、显示每列对应的字段，不写入",
                "check only and show the field each column is read as; write nothing",
            ),
        ),
    ] = False,
    keep_good: Annotated[
        bool,
        typer.Option(
            "--keep-good",
            help=h(
                "导入无误的行，错误行另存待改", "import the good rows; keep the rejected ones aside"
            ),
        ),
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects",
            help=h("错误行写入此文件或目录", "where rejected rows go (a file or a folder)"),
        ),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor", help=h("导入人（记入审计）", "who is importing (kept in the audit trail)")
        ),
    ] = None,
    ledger: LedgerOption = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", help=h("强制记录类别，如 cadres", "force the record kind, such as cadres")
        ),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help=h(
                "填报的县区（或单位），如 xz.hequ：无“所在县区”列的花名册记入该县区，其他单位的行"
                "作为错误行拒绝",
                "the county (or unit) filing, such as xz.hequ: a roster without a county column "
                "is its; a row adding or changing another unit's record is rejected",
            ),
        ),
    ] = None,
    map_file: Annotated[
        Path | None,
        typer.Option(
            "--map",
            help=h(
                "列映射文件（YAML），每行“表头: 字段”",
                "a saved column mapping (YAML), a line per heading: field",
            ),
        ),
    ] = None,
    save_map: Annotated[
        Path | None,
        typer.Option(
            "--save-map",
            help=h(
                "把每列对应的字段写成映射文件，供修改后用 --map 导入",
                "write the column mapping to this YAML file, to edit and give to --map",
            ),
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.TEXT,
) -> None:
    from .cli_import import print_import
    from .errors import CadrecoreError, LedgerError
    from .io.importing import import_into_store
    from .io.mapping import load_mapping, save_mapping
    from .models import KINDS_BY_NAME

    language = lang()
    if kind is not None and kind not in KINDS_BY_NAME and kind != "jurisdiction":
        raise fail(_unknown_kind(kind))
    mapping = None
    if map_file is not None:
        try:
            mapping = load_mapping(map_file, kind=kind or "cadres")
        except LedgerError as exc:
            raise fail("\n".join(p.render(language) for p in exc.problems)) from None
    with _open_store(store, create=True) as opened:
        chosen = _chosen_ledger(opened, ledger)
        with progress() as report:
            try:
                outcome = import_into_store(
                    opened,
                    files,
                    actor=actor,
                    dry_run=dry_run,
                    keep_good=keep_good,
                    rejects=rejects,
                    ledger_id=chosen,
                    kind=kind,
                    progress=report,
                    unit=unit,
                    mapping=mapping,
                    lang=language,
                )
            except CadrecoreError as exc:
                raise fail(str(exc)) from None
            except OSError as exc:  # the rejects file or folder cannot be written: nothing saved
                where = exc.filename if exc.filename is not None else rejects
                raise fail(
                    say(
                        f"{where}：{exc.strerror or exc}；未导入任何记录",
                        f"{where}: {exc.strerror or exc}; nothing imported",
                    )
                ) from None
    if fmt is OutputFormat.JSON:
        _emit_json(_import_json(outcome, opened.url))
    else:
        print_import(
            outcome, language, url=shown_url(opened.url), columns=dry_run or save_map is not None
        )
    if save_map is not None:
        written = save_mapping(outcome.plans, save_map)
        print(
            say(
                f"列映射已写入 {written}：修改后导入时加 --map {written}",
                f"column mapping written to {written}: edit it, then import with --map {written}",
            ),
            file=sys.stderr if fmt is OutputFormat.JSON else sys.stdout,
        )
    if not outcome.ok:
        print(say("未导入", "nothing imported"), file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT)
    counts = outcome.summary()
    finished(f"已读 {counts['rows']:,} 行", f"read {counts['rows']:,} rows")


@helps(
    "生成空白花名册模板，供各单位填写。\n\n按模板填写的花名册无需列映射即可导入。有数据库时（--store，"
    "或设置中的数据库），其“所在县区”列提供账册中的县区下拉选项；没有时不含此列，导入时用 --unit。",
    "Write a blank roster workbook for clerks to fill in.\n\nA roster filled in from it "
    "imports with no column mapping. With a store (--store, else the settings' store if there "
    "is one), its county column offers the ledger's counties; without, it has no such column "
    "and is imported with --unit.",
)
def template(
    out: Annotated[
        Path,
        typer.Argument(
            help=h("要写入的工作簿，如 花名册.xlsx", "the workbook to write, such as roster.xlsx")
        ),
    ],
    store: StoreOption = None,
    ledger: LedgerOption = None,
    force: Annotated[
        bool,
        typer.Option("--force", help=h("覆盖已有文件", "overwrite an existing file")),
    ] = False,
) -> None:
    from .errors import CadrecoreError
    from .io.roster import Counties
    from .io.template import write_template

    if (out.exists() or out.is_symlink()) and not force:
        raise fail(
            say(
                f"{out} 已存在，未覆盖：加 --force 覆盖",
                f"{out} already exists and was left untouched: give --force to overwrite it",
            )
        )
    config = settings()
    target = store
    if target is None and (config.store_given() or Path(config.store).exists()):
        target = config.store
    loaded = None
    counties: dict[str, str] = {}
    if target is not None:
        from .cli_ledger import several_ledgers, store_ledger_ids
        from .store import open_ledger

        chosen = ledger or config.ledger
        if chosen is None and len(held := store_ledger_ids(target)) > 1:
            raise fail(several_ledgers(held, target))
        try:
            loaded = open_ledger(target, chosen)
            counties = Counties(loaded).by_id
        except CadrecoreError as exc:
            raise fail(str(exc)) from None
        except OSError as exc:  # a name too long, a path through a file
            raise fail(f"--store {target}: {exc.strerror or exc}") from None
    elif ledger is not None:
        raise fail(
            say(
                f"--ledger {ledger}：未找到数据库 ./{config.store}，请用 --store 指定",
                f"--ledger {ledger}: no store (./{config.store} does not exist): give --store",
            )
        )
    try:
        written = write_template(out, ledger=loaded)
    except OSError as exc:
        raise fail(
            say(
                f"{out}：无法写入（{exc.strerror or exc}）",
                f"{out}: cannot write there ({exc.strerror or exc})",
            )
        ) from None
    print(say(f"花名册模板已写入 {written}", f"roster template written to {written}"))
    if loaded is None:
        print(
            say(
                f"未找到数据库 ./{config.store}：模板没有“所在县区”列，导入时请用 --unit 指定县区",
                f"no store (./{config.store} does not exist): the template has no county "
                "column; import it with --unit",
            )
        )
        return
    name = loaded.jurisdiction.name
    if counties:
        print(
            say(
                f"“所在县区”下拉列表：账册 {name} 的 {len(counties)} 个县区",
                f"the county column's drop-down lists the {len(counties)} counties of {name}",
            )
        )
    else:
        print(
            say(
                f"账册 {name} 中没有县区：模板没有“所在县区”列，导入时请用 --unit 指定县区",
                f"the ledger {name} has no counties: the template has no county column; "
                "import it with --unit",
            )
        )


@helps(
    "把数据库中的账册导出为 .xlsx 工作簿或账册目录。\n\n工作簿中的个人信息默认遮盖，除非加 --unmask"
    "（记入审计）；账册目录即账册本身，不遮盖，供保存在 git 中。先写在目标旁边再移到目标处：导出失败"
    "不留下任何文件；-o 指向符号链接时拒绝（不写它所指的文件）。",
    "Export a ledger from the store to an .xlsx workbook or a ledger folder.\n\nA workbook "
    "masks personal data unless --unmask (which the audit trail records); a ledger folder is "
    "the ledger itself, in clear, for keeping in git. The output is written beside its place "
    "and then moved there: a failed export leaves nothing, and -o naming a symbolic link is "
    "refused (the file it points to is never written).",
)
def export(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help=h("FILE.xlsx（工作簿）或目录（账册目录）", "FILE.xlsx (a workbook) or a folder"),
        ),
    ],
    store: StoreOption = None,
    ledger: LedgerOption = None,
    unmask: Annotated[
        bool,
        typer.Option(
            "--unmask",
            help=h(
                "工作簿中显示身份证号、电话等个人信息（记入审计）",
                "personal data in clear in the workbook (recorded in the audit trail)",
            ),
        ),
    ] = False,
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor", help=h("导出人（记入审计）", "who is exporting (kept in the audit trail)")
        ),
    ] = None,
    unit: UnitOption = None,
    fmt: FormatOption = OutputFormat.TEXT,
) -> None:
    import shutil

    from .errors import CadrecoreError
    from .io.folder import OutputPathError, save_ledger, why_unwritable
    from .io.xlsx import export_xlsx

    language = lang()
    with _open_store(store) as opened:
        chosen = _chosen_ledger(opened, ledger)
        with progress() as report:
            try:
                loaded = opened.load(chosen, progress=report, unit=unit)
                scope = {"unit": unit} if unit is not None else {}
                workbook = out.suffix.lower() == ".xlsx"
                existed = out.exists()
                if workbook:
                    written = export_xlsx(loaded, out, unmask=unmask, progress=report)
                else:
                    written = save_ledger(loaded, out)
                if unmask or not workbook:
                    where = {"file" if workbook else "folder": str(written.resolve())}
                    try:
                        opened.log_event(
                            loaded.jurisdiction.id,
                            "export_unmasked",
                            {**where, **scope},
                            actor=actor,
                        )
                    except BaseException:
                        # data in clear never stays unaudited: what the trail refused is removed
                        if workbook:
                            written.unlink(missing_ok=True)
                        elif not existed:
                            shutil.rmtree(written, ignore_errors=True)
                        raise
            except OutputPathError as exc:
                raise fail(exc.text(language)) from None
            except CadrecoreError as exc:
                raise fail(str(exc)) from None
            except OSError as exc:
                reason = why_unwritable(out, exc)(language)
                raise fail(
                    say(
                        f"{out}：无法写入（{reason}），未导出",
                        f"{out}: cannot write there ({reason}); nothing exported",
                    )
                ) from None
    counts = {k: v for k, v in loaded.counts().items() if v}
    total = sum(counts.values())
    if fmt is OutputFormat.JSON:
        _emit_json(
            {
                "jurisdiction": loaded.jurisdiction.id,
                "written": str(written),
                "format": "xlsx" if workbook else "folder",
                "masked": workbook and not unmask,
                "counts": counts,
            }
        )
    else:
        from .models import KINDS_BY_NAME

        name = loaded.jurisdiction.name
        print(
            say(
                f"已导出 {name} 到 {written}：{total:,} 条记录",
                f"exported {name} to {written}: {total:,} records",
            )
        )
        for kind, count in counts.items():
            print(f"  {KINDS_BY_NAME[kind].label()}: {count:,}")
    finished(f"已导出 {total:,} 条记录", f"exported {total:,} records")


# ---------------------------------------------------------------------------------------------
# The audit trail
# ---------------------------------------------------------------------------------------------

audit_app = typer.Typer(
    name="audit",
    cls=Group,
    help=h("数据库的审计记录。", "The store's audit trail."),
    no_args_is_help=True,
    rich_markup_mode=None,
)

AgainstOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--against",
        help=h(
            "与先前记下的检查点核对（audit checkpoint；可多次给出）",
            "a checkpoint noted earlier (audit checkpoint) to verify against; may be given "
            "more than once",
        ),
    ),
]
KeyFileOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--key-file",
        help=h(
            "另外的审计密钥文件（如轮换前的旧密钥）；当前密钥来自 $CADRECORE_AUDIT_KEY_FILE",
            "another audit key file (older keys, from before a rotation); the current key "
            "comes from $CADRECORE_AUDIT_KEY_FILE",
        ),
    ),
]
RecordsOption = Annotated[
    bool,
    typer.Option(
        "--records/--no-records",
        help=h("同时核对每条记录与其审计记录", "check each record against the trail too"),
    ),
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
        raise fail(str(exc)) from None
    return checkpoints, keys


def _open_store_as_found(target: str | None) -> Any:
    """The store as it is, damaged or not (``audit`` reports the damage other commands refuse)."""
    from .cli_base import store_target
    from .errors import CadrecoreError
    from .store import open_store

    chosen = store_target(target)
    try:
        return open_store(chosen, create=False, check_schema=False)
    except CadrecoreError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"--store {chosen}: {exc.strerror or exc}") from None


def _print_verification(url: str, result: Any) -> None:
    language = lang()
    print(
        say(
            f"{url}：{result.entries:,} 条审计记录，已核对 {result.records_checked:,} 条记录",
            f"{url}: {result.entries:,} audit entries, {result.records_checked:,} records checked",
        )
    )
    print(
        say(
            f"  最新：#{result.head_seq} {result.head_hash}",
            f"  head: #{result.head_seq} {result.head_hash}",
        )
    )
    for statement in result.statements:
        print(f"  {statement(language)}")


@audit_app.command(
    "verify",
    cls=Command,
    help=h(
        "核验审计记录是否被改动、删除或损坏。被改动或数据库损坏时以 1 退出（指出表、行和列），"
        "无法打开时以 2 退出。\n\n签名的记录用审计密钥核验（$CADRECORE_AUDIT_KEY_FILE 或 "
        "$CADRECORE_AUDIT_KEY，旧密钥用 --key-file）；--against 核对到检查点为止没有记录被删除或改写。"
        "没有这些就无法核验的内容会如实说明。",
        "Verify the audit trail. Exit 1 if it was tampered with or the store is damaged "
        "(naming table, row and column), 2 if it cannot be opened.\n\nSigned entries are "
        "checked with the audit key ($CADRECORE_AUDIT_KEY_FILE, or $CADRECORE_AUDIT_KEY, and "
        "--key-file for older keys); --against checks that nothing up to a checkpoint was "
        "removed or rewritten. What cannot be checked without them is said.",
    ),
)
def audit_verify(
    store: StoreOption = None,
    records: RecordsOption = True,
    against: AgainstOption = None,
    key_files: KeyFileOption = None,
) -> None:
    from .store import verify_audit

    checkpoints, keys = _audit_inputs(against, key_files)
    with _open_store_as_found(store) as opened, progress() as report:
        result = verify_audit(
            opened, check_records=records, keys=keys, against=checkpoints, progress=report
        )
    _print_verification(shown_url(opened.url), result)
    if result.ok:
        print(say("完好", "intact"))
        finished(
            f"已核验 {result.entries:,} 条审计记录", f"verified {result.entries:,} audit entries"
        )
        return
    _print_problems(say("被改动或损坏", "tampered or damaged"), result.problems)
    raise typer.Exit(EXIT_FINDINGS)


@audit_app.command(
    "checkpoint",
    cls=Command,
    help=h(
        "记下审计记录的末条（序号、哈希、时间），保存在数据库之外，日后用 audit verify --against "
        "核对。\n\n先核验审计记录：只有完好时才写检查点（否则以 1 退出）。检查点打印为一行，可记入"
        "会议纪要；加 -o 同时写入一个小 JSON 文件。",
        "Note the head of the audit trail (seq, hash, time), to keep outside the store and "
        "verify against later (audit verify --against).\n\nThe trail is verified first: a "
        "checkpoint is written only for an intact trail (exit 1 otherwise). It prints the "
        "checkpoint as one line, for the minutes of a meeting; -o also writes it to a small "
        "JSON file.",
    ),
)
def audit_checkpoint(
    store: StoreOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help=h(
                "写入此新文件（JSON；不覆盖已有文件）",
                "write it to this new file (JSON; an existing file is never replaced)",
            ),
        ),
    ] = None,
    records: RecordsOption = True,
    against: AgainstOption = None,
    key_files: KeyFileOption = None,
) -> None:
    from .errors import CadrecoreError
    from .store import verify_audit

    checkpoints, keys = _audit_inputs(against, key_files)
    with _open_store_as_found(store) as opened:
        head = opened.audit_checkpoint()
        result = verify_audit(
            opened, check_records=records, keys=keys, against=[*checkpoints, head]
        )
    _print_verification(shown_url(opened.url), result)
    if not result.ok:
        _print_problems(say("被改动或损坏", "tampered or damaged"), result.problems)
        print(say("未记下检查点：审计记录不完好", "no checkpoint noted: the trail is not intact"))
        raise typer.Exit(EXIT_FINDINGS)
    print(head.line())
    if out is not None:
        try:
            written = head.write(out)
        except CadrecoreError as exc:
            raise fail(str(exc)) from None
        print(say(f"检查点已写入 {written}", f"checkpoint written to {written}"))


@audit_app.command(
    "new-key",
    cls=Command,
    help=h(
        "生成新的审计密钥，追加到密钥文件。\n\n新密钥为今后写入的每条记录签名（在每台写入数据库的电脑上"
        "把 CADRECORE_AUDIT_KEY_FILE 设为此文件）；文件中原有的密钥仍用于核验它们签过的记录，所以向已有"
        "文件追加即为轮换。新建的文件只有所有者可读；密钥本身从不打印。",
        "Add a new random audit key to a key file.\n\nThe new key signs every entry written "
        "from now on (set CADRECORE_AUDIT_KEY_FILE to the file on every computer that writes to "
        "the store); the keys above it in the file still verify the entries they signed, so "
        "adding a key to an existing file is a rotation. The file is created readable by its "
        "owner only; the key itself is never printed.",
    ),
)
def audit_new_key(
    file: Annotated[
        Path,
        typer.Argument(
            help=h("审计密钥文件（没有则新建）", "the audit key file (created if missing)")
        ),
    ],
) -> None:
    from .errors import CadrecoreError
    from .store.audit_keys import KEY_FILE_ENV, add_key

    existed = file.exists()
    try:
        key = add_key(file)
    except CadrecoreError as exc:
        raise fail(str(exc)) from None
    print(
        say(
            f"新的审计密钥（编号 {key.key_id}）已写入 {file}"
            + ("；文件中原有的密钥保留，用于核验它们签过的记录" if existed else "")
            + f"。请在每台写入数据库的电脑上设置 {KEY_FILE_ENV}={file}，"
            "并把此文件保存在数据库之外（数据库管理员不应能读到）",
            f"a new audit key (key id {key.key_id}) was added to {file}"
            + (
                "; the keys already in it stay, to verify the entries they signed"
                if existed
                else ""
            )
            + f". Set {KEY_FILE_ENV}={file} on every computer that writes to the store, and "
            "keep the file outside the database (out of reach of whoever administers the "
            "database)",
        )
    )
