"""A bureau's column mapping: how its roster's headings read as cadrecore's fields, saved once as
YAML and given to every import after (``cadrecore import --map 映射.yaml``).

The file is written by a dry run (``--dry-run --save-map 映射.yaml``) for the clerk to edit::

    # cadrecore 列映射 / column mapping
    columns:
      序号:                  # 不导入 / not imported
      姓名: name             # 姓名
      离退休/类别: retirement_kind   # 离退休类型
      籍贯:                  # 未识别 / not understood

A heading over two rows is written with both levels joined by ``/``, as the dry run prints it.
A field may be given by its key (``retirement_kind``) or its Chinese name (``离退休类型``); an
empty value leaves the column out. A date written over several columns names its part:
``birth_date#year``, ``birth_date#month``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from ..errors import LedgerError, Location, Problem
from ..i18n import Text
from ..models.labels import zh_label
from .folder import RepeatedYAMLKey, YAMLBomb, safe_yaml
from .headings import (
    TARGETS,
    ColumnMapping,
    TablePlan,
    header_index,
    normalize_header,
    unknown_columns,
)

PARTS = ("year", "month", "day")


def load_mapping(path: str | os.PathLike[str], *, kind: str = "cadres") -> ColumnMapping:
    """The mapping in the YAML file at ``path``; :class:`LedgerError` naming the file and the
    heading when a field is not one of ``kind``'s."""
    source = str(path)
    try:
        data = safe_yaml(Path(path).read_text(encoding="utf-8-sig"))
    except (RepeatedYAMLKey, YAMLBomb) as exc:
        raise LedgerError(
            [Problem(Location(source), exc.text, code="mapping.unreadable")], source="--map"
        ) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LedgerError(
            [
                Problem(
                    Location(source),
                    Text(f"无法读取映射文件：{exc}", f"cannot read the mapping file: {exc}"),
                    code="mapping.unreadable",
                )
            ],
            source="--map",
        ) from None
    columns = data.get("columns") if isinstance(data, dict) else None
    if not isinstance(columns, dict):
        raise LedgerError(
            [
                Problem(
                    Location(source),
                    Text(
                        "映射文件应有 columns: 一节，每行“表头: 字段”",
                        "the mapping file needs a columns: section, a 'heading: field' a line",
                    ),
                    code="mapping.unreadable",
                )
            ],
            source="--map",
        )
    model = TARGETS[kind].model
    resolved: dict[str, str | None] = {}
    problems = []
    for heading, value in columns.items():
        name = _field(model, kind, value)
        if name is False:
            problems.append(
                Problem(
                    Location(source, None, str(heading)),
                    Text(
                        f"“{value}”不是{TARGETS[kind].label.zh}的字段（可写字段名或中文名，"
                        "如 retirement_kind 或 离退休类型；留空表示不导入）",
                        f"{value!r} is not a field of {kind} (write a field's key or Chinese "
                        "name, such as retirement_kind or 离退休类型; leave it empty to skip)",
                    ),
                    code="mapping.unknown_field",
                )
            )
            continue
        resolved[str(heading)] = name if isinstance(name, str) else None
    if problems:
        raise LedgerError(problems, source="--map")
    return ColumnMapping(resolved, source)


def _field(model: type[BaseModel], kind: str, value: Any) -> str | bool | None:
    """The field ``value`` names (None: leave the column out; False: no such field)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    name, _, part = text.partition("#")
    if part and part not in PARTS:
        return False
    if name in model.model_fields:
        return text
    found = header_index(kind).get(normalize_header(name))
    if found is None:
        return False
    return f"{found}#{part}" if part else found


def mapping_text(plans: list[TablePlan]) -> str:
    """The YAML a dry run saves: every heading of the tables read, to its field or nothing."""
    lines = [
        "# cadrecore 列映射 / column mapping",
        "# 每行“表头: 字段”；字段留空表示不导入。改好后导入时用 --map 指定本文件。",
        "# One 'heading: field' a line; an empty field leaves the column out. Give this file to",
        "# cadrecore import --map after editing it.",
        "columns:",
    ]
    seen: set[str] = set()
    for plan in plans:
        unknown = {c.header for c in unknown_columns(plan)}
        for heading, name in plan.mapping().items():
            if heading in seen:
                continue
            seen.add(heading)
            if name:
                person = plan.target.name in ("cadres", "staff")
                label = zh_label(name.partition("#")[0], person=person) or name
            else:
                label = "未识别 / not understood" if heading in unknown else "不导入 / not imported"
            key = yaml.safe_dump(heading, allow_unicode=True).strip().removesuffix("\n...")
            lines.append(f"  {key}: {name or ''}  # {label}")
    return "\n".join(lines) + "\n"


def save_mapping(plans: list[TablePlan], path: str | os.PathLike[str]) -> Path:
    """Write :func:`mapping_text` of ``plans`` to ``path``."""
    out = Path(path)
    out.write_text(mapping_text(plans), encoding="utf-8")
    return out


__all__ = ["ColumnMapping", "load_mapping", "mapping_text", "save_mapping"]
