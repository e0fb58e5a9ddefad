"""The ledger folder: YAML for structured records, CSV for long tables, kept in git by hand.

Layout (see docs/ledger-format.md)::

    ledger.yaml            format version and the jurisdiction
    units.yaml ...         one YAML file per structured kind: a list of mappings
    cadres.csv ...         one CSV file per long table: a header row, then one row per record
    services/<type>.csv    service records, one file per service type: the common columns,
                           then the columns that service type defines

Column names and YAML keys may be English field names or their Chinese labels. Loading is
all-or-nothing: every problem in every file is collected, each with its file, row and field,
and raised together as a :class:`~cadrecore.errors.LedgerError`.

Nothing is read from outside the folder: a file (or the ``services`` folder) that is a
symbolic link to somewhere outside it, or that is not a regular file (a pipe, a device), is
refused with a problem naming it. A folder written from a unit's view
(:mod:`cadrecore.scope`) says so in ``ledger.yaml`` (``scope: <unit id>``), loads as that view,
and is never overwritten by a view of another unit.

This module reads a folder (:func:`load_ledger`). Writing one is :mod:`cadrecore.io.folder_write`
(:func:`save_ledger`), and the files' names, the safe YAML reader and the path checks both share
are :mod:`cadrecore.io.folder_files`; the names of both are offered here, as they always were.
Layer: ``io``. It must not import the store, the reports or the CLI (``io.importing``, which
imports into a store, is above it).
"""

from __future__ import annotations

import csv
import io
import os
import stat
import types
import typing
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import AliasChoices, BaseModel, ValidationError

from ..errors import LedgerError, Location, Problem
from ..i18n import Text
from ..ledger import Ledger
from ..models import RECORD_KINDS, Jurisdiction, RecordKind, ServiceRecord
from ..models.fields import field_shapes
from ..models.labels import zh_aliases
from ..progress import Progress
from ..registry import Registry
from ..scope import ScopedLedger, scope_ledger
from .cells import header_map, normalize_bool_cell
from .folder_files import _SERVICE_KIND, _repr, _shown
from .folder_files import ALIAS_ALLOWANCE as ALIAS_ALLOWANCE
from .folder_files import ALIAS_EXPANSION as ALIAS_EXPANSION
from .folder_files import FORMAT_VERSION as FORMAT_VERSION
from .folder_files import LEDGER_FILE as LEDGER_FILE
from .folder_files import MAX_FILE_BYTES as MAX_FILE_BYTES
from .folder_files import SCOPE_KEY as SCOPE_KEY
from .folder_files import SERVICES_DIR as SERVICES_DIR
from .folder_files import FolderError as FolderError
from .folder_files import OutputPathError as OutputPathError
from .folder_files import RepeatedYAMLKey as RepeatedYAMLKey
from .folder_files import YAMLBomb as YAMLBomb
from .folder_files import refuse_link as refuse_link
from .folder_files import safe_yaml as safe_yaml
from .folder_files import why_unreadable as why_unreadable
from .folder_write import save_ledger as save_ledger
from .folder_write import why_unwritable as why_unwritable
from .messages import validation_problems

# =============================================================================================
# Loading
# =============================================================================================


def load_ledger(
    path: str | os.PathLike[str],
    *,
    registry: Registry | None = None,
    unit: str | None = None,
    progress: Progress | None = None,
) -> Ledger:
    """Load the ledger folder at ``path``; raise :class:`LedgerError` naming every problem.

    With ``unit``, that unit's view (:func:`cadrecore.scope.scope_ledger`): the folder is local
    files, so it is read and checked whole, then filtered in memory. :class:`ScopeError` if the
    ledger has no such unit.

    ``progress`` is called ``("load", bytes read, bytes of the record files)`` after each file,
    and at the total once the records are cross-checked.
    """
    from ..plugins import get_registry

    root = Path(path)
    registry = registry or get_registry()
    if not root.is_dir():
        raise LedgerError(
            [
                Problem(
                    Location(_shown(root)),
                    Text(
                        "账册目录不存在",
                        "no ledger folder here (expected a folder with ledger.yaml)",
                    ),
                )
            ]
        )
    reader = _FolderReader(root, registry, progress)
    data = reader.read()
    registry = reader.registry  # (as this ledger uses it: its plugins, see Registry.for_ledger)
    if reader.problems:
        raise LedgerError(reader.problems, source=_shown(root))
    try:
        if reader.scope is not None:
            ledger: Ledger = ScopedLedger(reader.scope, registry=registry, **data)
        else:
            ledger = Ledger(registry=registry, **data)
    except LedgerError as exc:
        raise LedgerError([reader.locate(p) for p in exc.problems], source=_shown(root)) from None
    if progress:
        progress("load", reader.total, reader.total)
    return ledger if unit is None else scope_ledger(ledger, unit)


class _FolderReader:
    def __init__(self, root: Path, registry: Registry, progress: Progress | None = None) -> None:
        self.root = root
        self.progress = progress
        #: the bytes of the record files, and of those read (for ``progress``)
        self.total = 0
        self.done = 0
        self.registry = registry
        self.context = {"registry": registry}
        self.problems: list[Problem] = []
        self.where: dict[tuple[str, str], Location] = {}
        #: the unit whose view the folder holds (``scope:`` in ledger.yaml), if any
        self.scope: str | None = None
        try:
            self.real_root = root.resolve(strict=True)
        except (OSError, RuntimeError):  # a symlink loop
            self.real_root = root.absolute()

    def read(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        data["jurisdiction"] = self._read_header()
        self._use_the_ledgers_plugins(data["jurisdiction"])
        known = {LEDGER_FILE, SERVICES_DIR} | {
            k.filename for k in RECORD_KINDS if k is not _SERVICE_KIND
        }
        for entry in sorted(self.root.iterdir()):
            if entry.name.startswith(".") or entry.suffix.lower() in (".md", ".txt"):
                continue
            if entry.name not in known:
                self._problem(
                    Location(self._rel(entry)),
                    "未知文件；账册目录只接受：" + "、".join(sorted(known)),
                    "unknown file; a ledger folder holds only: " + ", ".join(sorted(known)),
                )
        sizes = self._sizes() if self.progress else {}
        self.total = sum(sizes.values())
        for kind in RECORD_KINDS:
            self._advanced(sizes.get(kind.name, 0))
            if kind is _SERVICE_KIND:
                data[kind.name] = tuple(self._read_services())
                continue
            file = self.root / kind.filename
            if file.exists() or file.is_symlink():
                if not self._readable(file):
                    continue
                rows = (
                    self._yaml_rows(file)
                    if kind.storage == "yaml"
                    else self._csv_rows(file, kind.model)
                )
                data[kind.name] = tuple(self._records(kind, file, rows))
        self._advanced(0)
        return data

    def _use_the_ledgers_plugins(self, jurisdiction: Jurisdiction | None) -> None:
        """Check the records against the registry as this ledger uses it: its plugins, and
        stand-ins for the service types (the files of ``services/``) whose plugin is not in use
        (see :meth:`~cadrecore.registry.Registry.for_ledger`)."""
        folder = self.root / SERVICES_DIR
        try:
            keys = [f.stem for f in folder.iterdir() if f.suffix == ".csv"]
        except OSError:  # (no folder, or said when it is read)
            keys = []
        chosen = jurisdiction.plugins if jurisdiction is not None else None
        self.registry = self.registry.for_ledger(chosen, keys)
        self.context = {"registry": self.registry}

    def _sizes(self) -> dict[str, int]:
        """The bytes of each kind's file (of the services folder's files), for ``progress``."""
        sizes: dict[str, int] = {}
        for kind in RECORD_KINDS:
            path = self.root / (SERVICES_DIR if kind is _SERVICE_KIND else kind.filename)
            try:
                files = sorted(path.iterdir()) if path.is_dir() else [path]
                sizes[kind.name] = sum(f.stat().st_size for f in files if f.is_file())
            except OSError:  # (said when the file is read)
                sizes[kind.name] = 0
        return sizes

    def _advanced(self, size: int) -> None:
        """Report the files read so far; ``size``: the next one's, about to be read."""
        if self.progress:
            self.progress("load", self.done, self.total)
        self.done += size

    # --- one file --------------------------------------------------------------------------

    def _read_header(self) -> Jurisdiction | None:
        file = self.root / LEDGER_FILE
        if not file.exists() and not file.is_symlink():
            self._problem(Location(LEDGER_FILE), "缺少 ledger.yaml", "ledger.yaml is missing")
            return None
        if not self._readable(file):
            return None
        said = len(self.problems)
        doc = self._safe_yaml(file)
        if len(self.problems) > said:  # unreadable, and already said why
            return None
        if not isinstance(doc, dict):
            self._problem(
                Location(LEDGER_FILE),
                "应为映射（format 与 jurisdiction）",
                "expected a mapping with 'format' and 'jurisdiction'",
            )
            return None
        version = doc.get("format", doc.get("格式版本"))
        if version != FORMAT_VERSION:
            self._problem(
                Location(LEDGER_FILE, field="format"),
                f"格式版本应为 {FORMAT_VERSION}，实为 {_repr(version)}",
                f"expected format {FORMAT_VERSION}, found {_repr(version)}",
            )
        scope = doc.get(SCOPE_KEY)
        if scope is not None:
            if isinstance(scope, str) and scope.strip():
                self.scope = scope.strip()
            else:
                self._problem(
                    Location(LEDGER_FILE, field=SCOPE_KEY),
                    f"scope 应为单位编号，实为 {_repr(scope)}",
                    f"scope: expected a unit id, found {_repr(scope)}",
                )
        body = doc.get("jurisdiction", doc.get("管辖"))
        plugins = doc.get("plugins", doc.get("插件"))
        if plugins is not None and isinstance(body, dict) and "plugins" not in body:
            body = {**body, "plugins": plugins}  # (the plugins the ledger uses, said on top)
        try:
            return Jurisdiction.model_validate(body, context=self.context)
        except ValidationError as exc:
            self._validation_problems(
                exc, Location(LEDGER_FILE), Jurisdiction, prefix="jurisdiction."
            )
            return None

    def _records(
        self, kind: RecordKind, file: Path, rows: Iterator[tuple[int, Any]]
    ) -> Iterator[Any]:
        amounts = _amount_names(kind.model) if kind.storage == "yaml" else ()
        for row, raw in rows:
            location = Location(self._rel(file), row)
            if amounts and isinstance(raw, dict):
                raw = _amounts_as_written(raw, amounts)
            try:
                record = kind.model.model_validate(raw, context=self.context)
            except ValidationError as exc:
                self._validation_problems(exc, location, kind.model)
                continue
            self.where[(kind.name, kind.key_of(record))] = location
            yield record

    def _yaml_rows(self, file: Path) -> Iterator[tuple[int, Any]]:
        doc = self._safe_yaml(file)
        if doc is None:
            return
        if not isinstance(doc, list):
            self._problem(
                Location(self._rel(file)),
                "应为记录列表（每项一个映射）",
                "expected a list of records (one mapping each)",
            )
            return
        lines = _item_lines(file)
        for index, item in enumerate(doc):
            yield (lines[index] if index < len(lines) else index + 1), item

    def _safe_yaml(self, file: Path) -> Any:
        text = self._text(file)
        if text is None:
            return None
        try:
            return safe_yaml(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            self._problem(
                Location(self._rel(file), mark.line + 1 if mark else None),
                "YAML 语法错误"
                + (f"（第 {mark.line + 1} 行第 {mark.column + 1} 列）" if mark else ""),
                f"YAML syntax error: {exc}",
            )
            return None
        except YAMLBomb as exc:
            self._problem(Location(self._rel(file)), exc.text.zh, exc.text.en)
            return None
        except RepeatedYAMLKey as exc:
            self._problem(Location(self._rel(file), exc.line), exc.text.zh, exc.text.en)
            return None
        except (ValueError, RecursionError) as exc:  # a number too long, nesting too deep
            self._problem(
                Location(self._rel(file)),
                "YAML 无法读取（数字过长或嵌套过深）",
                f"YAML that cannot be read: {type(exc).__name__}: {exc}",
            )
            return None

    def _text(self, file: Path) -> str | None:
        try:
            if file.stat().st_size > MAX_FILE_BYTES:
                self._problem(
                    Location(self._rel(file)),
                    f"文件超过 {MAX_FILE_BYTES} 字节",
                    f"file is larger than {MAX_FILE_BYTES} bytes",
                )
                return None
            data = file.read_bytes()
        except OSError as exc:  # a folder where a file should be, no permission
            self._problem(
                Location(self._rel(file)),
                f"无法读取：{why_unreadable(exc).zh}",
                f"cannot be read: {why_unreadable(exc).en}",
            )
            return None
        try:
            # bytes, not read_text: a "\r" inside a quoted cell must stay a "\r"
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self._problem(
                Location(self._rel(file)),
                f"不是 UTF-8 编码（第 {exc.start} 字节）",
                f"not UTF-8 text (byte {exc.start}); save the file as UTF-8",
            )
            return None

    def _csv_rows(
        self,
        file: Path,
        model: type[BaseModel],
        extra_into: str | None = None,
        details_model: type[BaseModel] | None = None,
        keep_columns: str | None = None,
    ) -> Iterator[tuple[int, Any]]:
        """A CSV file's records as ``(line, mapping)``; the columns that are not ``model``'s
        fields go into ``extra_into`` (a service record's details, the fields of
        ``details_model``, named in English or Chinese). ``keep_columns``: the key of an
        unchecked service type, whose stand-in is told the details' columns as they stand."""
        text = self._text(file)
        if text is None:
            return
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader)
        except (StopIteration, csv.Error):
            return
        names = header_map(model.model_fields)
        columns: list[tuple[str, bool]] = []  # (field, into details)
        for index, column in enumerate(header, start=1):
            column = column.strip()
            if column in names:
                columns.append((names[column], False))
            elif extra_into is not None and column:
                columns.append((column, True))
            else:
                self._problem(
                    Location(self._rel(file), 1, column or f"#{index}"),
                    "未知列名；可用：" + "、".join(sorted(model.model_fields)),
                    "unknown column; expected one of " + ", ".join(sorted(model.model_fields)),
                )
                return
        if self._repeated_columns(file, header, columns, _detail_names(details_model)):
            return
        if keep_columns is not None:
            stand_in = self.registry.service_types.get(keep_columns)
            kept = tuple(name for name, extra in columns if extra)
            owner = self.registry.service_types.owner(keep_columns)
            self.registry.service_types.restate(replace(stand_in, columns=kept), plugin=owner)
        # (a service record's type and details come from its file, not from columns)
        present = {name for name, extra in columns if not extra} | (
            {"service_type", extra_into} if extra_into is not None else set()
        )
        if self._missing_columns(file, model, present):
            return
        bools = {name for name, info in model.model_fields.items() if _is_bool(info.annotation)}
        try:
            for cells in reader:
                row = reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) > len(columns):
                    self._problem(
                        Location(self._rel(file), row),
                        f"本行有 {len(cells)} 格，表头只有 {len(columns)} 列",
                        f"row has {len(cells)} cells but the header has {len(columns)} columns",
                    )
                    continue
                record: dict[str, Any] = {}
                details: dict[str, Any] = {}
                for (name, is_extra), cell in zip(columns, cells, strict=False):
                    if cell == "":
                        continue
                    if is_extra:
                        details[name] = cell
                    else:
                        record[name] = normalize_bool_cell(cell) if name in bools else cell
                if extra_into is not None:
                    record[extra_into] = details
                yield row, record
        except csv.Error as exc:
            self._problem(
                Location(self._rel(file), reader.line_num),
                "CSV 格式错误（如引号未闭合、单元格内含 NUL 字符或过长）",
                f"malformed CSV: {exc}",
            )

    def _missing_columns(self, file: Path, model: type[BaseModel], present: set[str]) -> bool:
        """Say so, once for the file, when a column every record needs is missing from its
        header (rather than once for each row), and read none of its rows."""
        from ..models.labels import zh_label

        missing = [
            name
            for name, info in model.model_fields.items()
            if info.is_required() and name not in present
        ]
        if not missing:
            return False
        self.problems.append(
            Problem(
                Location(self._rel(file), 1),
                Text(
                    "缺少必填列："
                    + "、".join(f"{zh_label(name) or name}（{name}）" for name in missing)
                    + "；未读取此文件的任何行",
                    f"missing required column(s): {', '.join(missing)}; no row of this file "
                    "was read",
                ),
                code="column.missing",
            )
        )
        return True

    def _repeated_columns(
        self,
        file: Path,
        header: list[str],
        columns: list[tuple[str, bool]],
        detail_names: dict[str, str],
    ) -> bool:
        """Say so (a problem naming the columns) when two columns of the header are one field,
        by the same name or by its English and Chinese names: a row would keep only one of the
        two cells, silently."""
        at: dict[tuple[str, bool], list[int]] = {}
        for index, (name, is_extra) in enumerate(columns):
            field_name = detail_names.get(name, name) if is_extra else name
            at.setdefault((field_name, is_extra), []).append(index)
        repeated = [(key[0], indexes) for key, indexes in at.items() if len(indexes) > 1]
        for field_name, indexes in repeated:
            shown = [(i + 1, _shown(header[i].strip())) for i in indexes]
            zh = "、".join(f"第 {n} 列“{h}”" for n, h in shown)
            en = ", ".join(f"column {n} {h!r}" for n, h in shown)
            self._problem(
                Location(self._rel(file), 1),
                f"{zh} 是同一字段 {field_name}：每个字段只能有一列，请删去多余的列",
                f"{en} are the same field {field_name!r}: a field takes one column; "
                "remove the others",
            )
        return bool(repeated)

    def _read_services(self) -> Iterator[ServiceRecord]:
        folder = self.root / SERVICES_DIR
        if folder.is_symlink() and not self._inside(folder):
            self._outside(folder)
            return
        if not folder.is_dir():
            if folder.exists():
                self._problem(
                    Location(self._rel(folder)),
                    "应为目录（每个服务类型一个 CSV 文件）",
                    "expected a folder (one CSV file per service type)",
                )
            return
        try:
            entries = sorted(folder.iterdir())
        except OSError as exc:
            self._problem(
                Location(self._rel(folder)),
                f"无法读取：{why_unreadable(exc).zh}",
                f"cannot be read: {why_unreadable(exc).en}",
            )
            return
        for file in entries:
            if file.suffix != ".csv" or file.name.startswith("."):
                continue
            if not self._readable(file):
                continue
            key = file.stem
            if key not in self.registry.service_types:
                self._problem(
                    Location(self._rel(file)),
                    "文件名应为已注册的服务类型："
                    + self.registry.service_types.unknown_text(key).zh,
                    "the file name must be a registered service type: "
                    + self.registry.service_types.unknown_message(key),
                )
                continue
            service_type = self.registry.service_types.get(key)
            details_model = service_type.details
            unchecked = service_type.unchecked is not None
            for row, raw in self._csv_rows(
                file,
                ServiceRecord,
                extra_into="details",
                details_model=None if unchecked else details_model,
                keep_columns=key if unchecked else None,
            ):
                location = Location(self._rel(file), row)
                if unchecked:  # its plugin is not in use: the cells kept as they are
                    raw["service_type"] = key
                    try:
                        record = ServiceRecord.model_validate(raw, context=self.context)
                    except ValidationError as exc:
                        self._validation_problems(exc, location, ServiceRecord)
                        continue
                    self.where[("service_records", record.id)] = location
                    yield record
                    continue
                try:
                    raw["details"] = details_model.model_validate(raw["details"]).model_dump(
                        mode="json"
                    )
                except ValidationError as exc:
                    self._validation_problems(exc, location, details_model)
                    continue
                raw["service_type"] = key
                try:
                    record = ServiceRecord.model_validate(raw, context=self.context)
                except ValidationError as exc:
                    self._validation_problems(exc, location, ServiceRecord)
                    continue
                self.where[("service_records", record.id)] = location
                yield record

    # --- the folder's bounds -----------------------------------------------------------------

    def _inside(self, path: Path) -> bool:
        """Whether ``path``, its symbolic links followed, is within the ledger folder."""
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):  # a dangling link, a loop
            return False
        return real == self.real_root or real.is_relative_to(self.real_root)

    def _outside(self, path: Path) -> None:
        try:
            target = _shown(Path(os.readlink(path)))
        except OSError:
            target = "?"
        self._problem(
            Location(self._rel(path)),
            f"指向账册目录以外（{target}），拒绝读取",
            f"is a link to outside the ledger folder ({target}): refused",
        )

    def _readable(self, file: Path) -> bool:
        """Whether ``file`` may be read: within the folder, and a regular file (else a problem
        naming it). A directory is left to the reader, which says it cannot be read."""
        if not self._inside(file):
            if file.is_symlink():
                self._outside(file)
            else:
                self._problem(
                    Location(self._rel(file)),
                    "不在账册目录内，拒绝读取",
                    "is not inside the ledger folder: refused",
                )
            return False
        try:
            mode = file.stat().st_mode
        except OSError as exc:
            self._problem(
                Location(self._rel(file)),
                f"无法读取：{why_unreadable(exc).zh}",
                f"cannot be read: {why_unreadable(exc).en}",
            )
            return False
        if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
            return True
        self._problem(
            Location(self._rel(file)),
            "不是普通文件（管道、设备等），拒绝读取",
            "is not a regular file (a pipe, a device...): refused",
        )
        return False

    # --- problems --------------------------------------------------------------------------

    def _rel(self, file: Path) -> str:
        try:
            return _shown(file.relative_to(self.root.parent))
        except ValueError:
            return _shown(file)

    def _problem(self, location: Location, zh: str, en: str) -> None:
        self.problems.append(Problem(location, Text(zh, en)))

    def _validation_problems(
        self,
        exc: ValidationError,
        location: Location,
        model: type[BaseModel],
        prefix: str = "",
    ) -> None:
        self.problems += validation_problems(
            exc,
            model,
            lambda field: Location(location.file, location.row, field or None),
            prefix=prefix,
        )

    def locate(self, problem: Problem) -> Problem:
        """A ledger cross-check problem, with the file and row of the record it is about."""
        if problem.record_kind and problem.record_id:
            where = self.where.get((problem.record_kind, problem.record_id))
            if where is not None:
                return Problem(
                    Location(where.file, where.row, problem.location.field),
                    problem.message,
                    problem.record_kind,
                    problem.record_id,
                )
        if problem.record_kind == "jurisdiction":
            return Problem(
                Location(LEDGER_FILE, None, problem.location.field),
                problem.message,
                problem.record_kind,
                problem.record_id,
            )
        return problem


def _is_bool(annotation: Any) -> bool:
    if annotation is bool:
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return bool in typing.get_args(annotation)
    return False


def _detail_names(model: type[BaseModel] | None) -> dict[str, str]:
    """Every name a service type's detail field is read by (its own, its aliases) mapped to
    the field's name."""
    if model is None:
        return {}
    names: dict[str, str] = {}
    for name, info in model.model_fields.items():
        names[name] = name
        aliases = [info.alias, info.validation_alias]
        for alias in aliases:
            if isinstance(alias, str):
                names[alias] = name
            elif isinstance(alias, AliasChoices):
                names.update((c, name) for c in alias.choices if isinstance(c, str))
    return names


def _item_lines(file: Path) -> list[int]:
    """The line on which each top-level list item of a YAML file starts (1-based)."""
    try:
        node = yaml.compose(file.read_text(encoding="utf-8-sig"), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return []
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [item.start_mark.line + 1 for item in node.value]


@cache
def _amount_names(model: type[BaseModel]) -> frozenset[str]:
    """The names (English and Chinese) under which a record of ``model`` takes an amount."""
    return frozenset(
        name
        for shape in field_shapes(model)
        if shape.shape == "decimal"
        for name in (shape.name, *zh_aliases(shape.name))
    )


def _amounts_as_written(raw: dict[Any, Any], names: frozenset[str]) -> dict[Any, Any]:
    """A YAML record with each amount that YAML read as a float (``reduced_to_yuan: 5.00``) as
    the decimal written, from the float's shortest text (``5.0``), as the spreadsheet reader
    reads a cell: a model refuses floats, so that no amount goes through one."""
    found = {k: v for k, v in raw.items() if k in names and isinstance(v, float)}
    if not found:
        return raw
    return raw | {k: Decimal(repr(v)) for k, v in found.items()}
