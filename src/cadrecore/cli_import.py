"""What ``cadrecore import`` prints, in one language: the columns first (how each heading was
read, the ones not understood, the ones missing), then the rows' problems, the rows passed over,
and the counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .errors import Problem
from .i18n import Lang, Text
from .models.labels import zh_label

#: How many problems or notes a section prints before it says how many more there are.
LIMIT = 50


def _section(title: Text, problems: Sequence[Problem], lang: Lang, limit: int = LIMIT) -> None:
    if not problems:
        return
    if lang == "zh":
        print(f"{title(lang)}（{len(problems)}）：")
    else:
        print(f"{title(lang)} ({len(problems)}):")
    for problem in problems[:limit]:
        print(f"  - {problem.render(lang)}")
    if len(problems) > limit:
        more = len(problems) - limit
        print(f"  ……另有 {more} 条" if lang == "zh" else f"  ... and {more} more")


def _columns(outcome: Any, lang: Lang) -> None:
    """Each table's columns: heading as written → field (or not understood)."""
    from .io.headings import unknown_columns

    for plan in outcome.plans:
        where = plan.table.file + (f" [{plan.table.sheet}]" if plan.table.sheet else "")
        print(f"列映射 {where}：" if lang == "zh" else f"columns of {where}:")
        unknown = {c.index for c in unknown_columns(plan)}
        for column in sorted(plan.columns + plan.ignored, key=lambda c: c.index):
            if not column.header:
                continue
            if column.field is not None:
                name = column.field + (f"#{column.part}" if column.part else "")
                person = plan.target.name in ("cadres", "staff")
                label = zh_label(column.field, person=person) or column.field
                target = f"{name}（{label}）" if lang == "zh" else name
            elif column.index in unknown:
                target = "未识别" if lang == "zh" else "not understood"
            else:
                target = "不导入" if lang == "zh" else "not imported"
            print(f"  {column.letter} {column.header} → {target}")
        if plan.missing:
            if lang == "zh":
                print(f"  缺少列：{'、'.join(zh_label(n) or n for n in plan.missing)}")
            else:
                print(f"  missing: {', '.join(plan.missing)}")


def print_import(outcome: Any, lang: Lang, *, url: str, columns: bool = False) -> None:
    """Print an :class:`~cadrecore.io.importing.ImportOutcome` for a clerk."""
    if columns:
        _columns(outcome, lang)
    column_notes = outcome.column_notes()
    _section(Text("未识别的列", "columns not understood"), column_notes, lang)
    missing = [p for p in outcome.problems if p.code == "column.missing"]
    _section(Text("缺少的列", "missing columns"), missing, lang)
    others = [p for p in outcome.problems if p.code != "column.missing"]
    _section(Text("问题", "problems"), others, lang)
    notes = [n for n in outcome.notes if n not in column_notes]
    _section(Text("提示", "notes"), notes, lang, limit=20)
    for table in outcome.tables:
        if not table.rows and not table.rejected:
            continue  # an empty sheet of an exported workbook, say
        where = table.file + (f" [{table.sheet}]" if table.sheet else "")
        if lang == "zh":
            print(f"{where}：{table.rows} 行，{table.accepted} 行无误，{table.rejected} 行有误")
        else:
            print(
                f"{where}: {table.kind}, {table.rows} rows, {table.accepted} good, "
                f"{table.rejected} rejected"
            )
    counts = outcome.summary()
    if lang == "zh":
        print(
            f"合计：{counts['rows']} 行，导入 {counts['accepted']} 行（新增 {counts['inserted']}，"
            f"更新 {counts['updated']}，未变 {counts['unchanged']}），有误 {counts['rejected']} 行"
        )
    else:
        print(
            f"total: {counts['rows']} rows, {counts['accepted']} imported (inserted "
            f"{counts['inserted']}, updated {counts['updated']}, unchanged "
            f"{counts['unchanged']}), {counts['rejected']} rejected"
        )
    for path in outcome.rejects_files:
        print(
            f"有误的行已写入 {path}：改正后可直接再导入"
            if lang == "zh"
            else f"rejected rows written to {path}: fix them and import that file"
        )
    if outcome.saved is not None:
        saved = outcome.saved
        if saved.changes == 0 and counts["inserted"] + counts["updated"]:
            # what the files change, worked out against the store as read, was all there when
            # it was saved: someone else saved the same records in between
            print(
                "未写入任何记录：文件中的记录在读取数据库后已由他人以相同内容写入"
                if lang == "zh"
                else "nothing written: someone else saved these same records after the store "
                "was read"
            )
        print(
            f"已写入 {url}：{saved.changes} 处变更，{saved.audit_entries} 条审计记录"
            if lang == "zh"
            else f"saved to {url}: {saved.changes} changes, {saved.audit_entries} audit entries"
        )
    if outcome.dry_run:
        print("试运行，未写入" if lang == "zh" else "dry run: nothing written")


__all__ = ["print_import"]
