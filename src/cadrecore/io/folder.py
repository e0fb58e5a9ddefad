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
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import LedgerError, Location, Problem
from ..i18n import Text
from ..ledger import Ledger
from ..models import RECORD_KINDS, Jurisdiction, RecordKind, ServiceRecord
from ..registry import Registry
from .cells import header_map, normalize_bool_cell, to_cell

FORMAT_VERSION = 1
LEDGER_FILE = "ledger.yaml"
SERVICES_DIR = "services"
#: The largest file a loader reads: a ledger folder is hand-kept text, not a database dump.
MAX_FILE_BYTES = 512 * 1024 * 1024

_SERVICE_KIND = next(k for k in RECORD_KINDS if k.name == "service_records")
_SERVICE_COMMON = [
    name for name in ServiceRecord.model_fields if name not in ("service_type", "details")
]


# =============================================================================================
# Loading
# =============================================================================================


def load_ledger(path: str | os.PathLike[str], *, registry: Registry | None = None) -> Ledger:
    """Load the ledger folder at ``path``; raise :class:`LedgerError` naming every problem."""
    from ..plugins import get_registry

    root = Path(path)
    registry = registry or get_registry()
    if not root.is_dir():
        raise LedgerError(
            [
                Problem(
                    Location(str(root)),
                    Text(
                        "账册目录不存在",
                        "no ledger folder here (expected a folder with ledger.yaml)",
                    ),
                )
            ]
        )
    reader = _FolderReader(root, registry)
    data = reader.read()
    if reader.problems:
        raise LedgerError(reader.problems, source=str(root))
    try:
        return Ledger(registry=registry, **data)
    except LedgerError as exc:
        raise LedgerError([reader.locate(p) for p in exc.problems], source=str(root)) from None


class _FolderReader:
    def __init__(self, root: Path, registry: Registry) -> None:
        self.root = root
        self.registry = registry
        self.context = {"registry": registry}
        self.problems: list[Problem] = []
        self.where: dict[tuple[str, str], Location] = {}

    def read(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        data["jurisdiction"] = self._read_header()
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
        for kind in RECORD_KINDS:
            if kind is _SERVICE_KIND:
                data[kind.name] = tuple(self._read_services())
                continue
            file = self.root / kind.filename
            if file.exists():
                rows = (
                    self._yaml_rows(file)
                    if kind.storage == "yaml"
                    else self._csv_rows(file, kind.model)
                )
                data[kind.name] = tuple(self._records(kind, file, rows))
        return data

    # --- one file --------------------------------------------------------------------------

    def _read_header(self) -> Jurisdiction | None:
        file = self.root / LEDGER_FILE
        if not file.exists():
            self._problem(Location(LEDGER_FILE), "缺少 ledger.yaml", "ledger.yaml is missing")
            return None
        doc = self._safe_yaml(file)
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
        body = doc.get("jurisdiction", doc.get("管辖"))
        try:
            return Jurisdiction.model_validate(body, context=self.context)
        except ValidationError as exc:
            self._validation_problems(exc, Location(LEDGER_FILE), prefix="jurisdiction.")
            return None

    def _records(
        self, kind: RecordKind, file: Path, rows: Iterator[tuple[int, Any]]
    ) -> Iterator[Any]:
        for row, raw in rows:
            location = Location(self._rel(file), row)
            try:
                record = kind.model.model_validate(raw, context=self.context)
            except ValidationError as exc:
                self._validation_problems(exc, location)
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
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            self._problem(
                Location(self._rel(file), mark.line + 1 if mark else None),
                f"YAML 语法错误：{exc}",
                f"YAML syntax error: {exc}",
            )
            return None
        except (ValueError, RecursionError) as exc:  # a number too long, nesting too deep
            self._problem(
                Location(self._rel(file)),
                f"YAML 无法读取：{type(exc).__name__}",
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
                f"无法读取：{exc.strerror}",
                f"cannot be read: {exc.strerror}",
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
        self, file: Path, model: type[BaseModel], extra_into: str | None = None
    ) -> Iterator[tuple[int, Any]]:
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
                f"CSV 格式错误：{exc}",
                f"malformed CSV: {exc}",
            )

    def _read_services(self) -> Iterator[ServiceRecord]:
        folder = self.root / SERVICES_DIR
        if not folder.is_dir():
            return
        for file in sorted(folder.iterdir()):
            if file.suffix != ".csv":
                continue
            key = file.stem
            if key not in self.registry.service_types:
                self._problem(
                    Location(self._rel(file)),
                    "文件名应为已注册的服务类型："
                    + self.registry.service_types.unknown_message(key),
                    "the file name must be a registered service type: "
                    + self.registry.service_types.unknown_message(key),
                )
                continue
            details_model = self.registry.service_types.get(key).details
            for row, raw in self._csv_rows(file, ServiceRecord, extra_into="details"):
                location = Location(self._rel(file), row)
                try:
                    raw["details"] = details_model.model_validate(raw["details"]).model_dump(
                        mode="json"
                    )
                except ValidationError as exc:
                    self._validation_problems(exc, location)
                    continue
                raw["service_type"] = key
                try:
                    record = ServiceRecord.model_validate(raw, context=self.context)
                except ValidationError as exc:
                    self._validation_problems(exc, location)
                    continue
                self.where[("service_records", record.id)] = location
                yield record

    # --- problems --------------------------------------------------------------------------

    def _rel(self, file: Path) -> str:
        try:
            return str(file.relative_to(self.root.parent))
        except ValueError:
            return str(file)

    def _problem(self, location: Location, zh: str, en: str) -> None:
        self.problems.append(Problem(location, Text(zh, en)))

    def _validation_problems(
        self, exc: ValidationError, location: Location, prefix: str = ""
    ) -> None:
        for err in exc.errors(include_url=False):
            field = prefix + ".".join(str(p) for p in err["loc"]) if err["loc"] else None
            value = err.get("input")
            shown = f" (got {_repr(value)})" if isinstance(value, str | int | float) else ""
            self.problems.append(
                Problem(
                    Location(location.file, location.row, field or None),
                    Text(f"{err['msg']}{shown}", f"{err['msg']}{shown}"),
                )
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


def _repr(value: Any) -> str:
    """``repr(value)``, also for an int too long for ``repr`` (over 4300 digits)."""
    try:
        return repr(value)
    except ValueError:
        return f"<a number of {value.bit_length()} bits>" if isinstance(value, int) else "<?>"


def _is_bool(annotation: Any) -> bool:
    if annotation is bool:
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return bool in typing.get_args(annotation)
    return False


def _item_lines(file: Path) -> list[int]:
    """The line on which each top-level list item of a YAML file starts (1-based)."""
    try:
        node = yaml.compose(file.read_text(encoding="utf-8-sig"), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return []
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [item.start_mark.line + 1 for item in node.value]


# =============================================================================================
# Saving
# =============================================================================================


def save_ledger(ledger: Ledger, path: str | os.PathLike[str]) -> Path:
    """Write ``ledger`` as a ledger folder at ``path``, replacing the files of a previous save.

    The folder is written beside the target and then moved into place, so an interrupted save
    leaves the old folder as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    staging.chmod(_folder_mode())
    try:
        _write_folder(ledger, staging)
        if target.exists():
            _keep_foreign_files(target, staging)
            backup = target.with_name(f".{target.name}.old")
            if backup.exists():
                shutil.rmtree(backup)
            target.rename(backup)
            staging.rename(target)
            shutil.rmtree(backup)
        else:
            staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _folder_mode() -> int:
    """The mode a new folder gets under the process's umask (mkdtemp makes it 0700)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def _keep_foreign_files(old: Path, new: Path) -> None:
    """Carry over what a save does not own (README, .git, notes) from the old folder."""
    for entry in old.iterdir():
        if entry.name.startswith(".") or entry.suffix.lower() in (".md", ".txt"):
            dest = new / entry.name
            if entry.is_dir():
                shutil.copytree(entry, dest, symlinks=True)
            else:
                shutil.copy2(entry, dest)


def _write_folder(ledger: Ledger, root: Path) -> None:
    header = {
        "format": FORMAT_VERSION,
        "jurisdiction": ledger.jurisdiction.model_dump(mode="json", exclude_defaults=True),
    }
    _write_yaml(root / LEDGER_FILE, header)
    for kind in RECORD_KINDS:
        records = ledger.records(kind.name)
        if not records:
            continue
        if kind is _SERVICE_KIND:
            _write_services(ledger, root / SERVICES_DIR)
        elif kind.storage == "yaml":
            _write_yaml(
                root / kind.filename,
                [r.model_dump(mode="json", exclude_defaults=True) for r in records],
            )
        else:
            fields = list(kind.model.model_fields)
            rows = [r.model_dump(mode="json") for r in records]
            _write_csv(
                root / kind.filename, fields, [[to_cell(row[f]) for f in fields] for row in rows]
            )


def _write_services(ledger: Ledger, folder: Path) -> None:
    folder.mkdir()
    by_type: dict[str, list[ServiceRecord]] = {}
    for record in ledger.service_records:
        by_type.setdefault(record.service_type, []).append(record)
    for key, records in sorted(by_type.items()):
        detail_fields = list(ledger.registry.service_types.get(key).details.model_fields)
        extra = sorted({k for r in records for k in r.details} - set(detail_fields))
        detail_columns = detail_fields + extra
        rows = []
        for record in records:
            common = record.model_dump(mode="json")
            rows.append(
                [to_cell(common[f]) for f in _SERVICE_COMMON]
                + [to_cell(record.details.get(f)) for f in detail_columns]
            )
        _write_csv(folder / f"{key}.csv", _SERVICE_COMMON + detail_columns, rows)


def _write_yaml(file: Path, data: Any) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    file.write_text(text, encoding="utf-8")


def _write_csv(file: Path, header: list[str], rows: list[list[str]]) -> None:
    # csv quotes a cell holding "\n" (the line terminator) but not one holding a lone "\r",
    # which a reader then takes for the end of a row: such a file gets every cell quoted.
    carriage_return = any("\r" in cell for row in rows for cell in row)
    with file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(
            handle,
            lineterminator="\n",
            quoting=csv.QUOTE_ALL if carriage_return else csv.QUOTE_MINIMAL,
        )
        writer.writerow(header)
        writer.writerows(rows)
