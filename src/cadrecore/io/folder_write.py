"""Writing a ledger as a ledger folder (:func:`save_ledger`): all or nothing, through a staging
folder swapped in place; a folder that is not a ledger, a link, or a unit's view written over
another's is refused.

Layer: ``io``, above :mod:`cadrecore.io.folder_files`; the folder's reader
(:mod:`cadrecore.io.folder`) offers :func:`save_ledger` and imports this module, which imports
it not. It must not import the store, the reports or the CLI. ``Ledger.save(path)`` reaches
here through the folder writer the package hands down (``cadrecore._in_force``).
"""

from __future__ import annotations

import csv
import errno
import os
import shutil
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Any

import yaml

from ..i18n import Text
from ..ledger import Ledger
from ..models import RECORD_KINDS, ServiceRecord
from ..models.services import plain_details
from ..scope import ScopeError, scope_of
from .cells import to_cell
from .folder_files import (
    _SERVICE_COMMON,
    _SERVICE_KIND,
    FORMAT_VERSION,
    LEDGER_FILE,
    SCOPE_KEY,
    SERVICES_DIR,
    FolderError,
    _shown,
    refuse_link,
    safe_yaml,
)


def save_ledger(ledger: Ledger, path: str | os.PathLike[str]) -> Path:
    """Write ``ledger`` as a ledger folder at ``path``, replacing the files of a previous save.

    The folder is written beside the target and then moved into place, so an interrupted save
    leaves the old folder as it was. A target that is a symbolic link is refused
    (:func:`refuse_link`): the folder it points to is never replaced. A unit's view
    (:class:`~cadrecore.scope.ScopedLedger`) is written with ``scope:`` in ledger.yaml, and
    never over a folder that holds the whole ledger or another unit's view
    (:class:`~cadrecore.scope.ScopeError`).
    """
    target = Path(path)
    refuse_link(target)
    _refuse_replacing_what_is_not_a_ledger(target)
    _refuse_overwriting_with_a_view(ledger, target)
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


def why_unwritable(target: Path, exc: OSError) -> Text:
    """Why ``target`` could not be written (``exc``), in both languages, naming the part of
    the path that is in the way."""
    code = exc.errno
    if code in (errno.EEXIST, errno.ENOTDIR):
        for part in target.parents:
            with suppress(OSError):
                if part.exists() and not part.is_dir():
                    return Text(
                        f"{_shown(part)} 是文件，不是目录",
                        f"{_shown(part)} is a file, not a folder",
                    )
    if code == errno.EISDIR:
        return Text(f"{_shown(target)} 是目录", f"{_shown(target)} is a folder")
    reasons = {
        errno.EACCES: ("没有写入权限", "no permission to write there"),
        errno.EPERM: ("没有写入权限", "no permission to write there"),
        errno.EROFS: ("只读的文件系统", "a read-only file system"),
        errno.ENOSPC: ("磁盘空间不足", "no space left on the device"),
        errno.ENAMETOOLONG: ("路径或名称过长", "a name in the path is too long"),
        errno.ENOENT: ("路径中的目录不存在", "a folder on the path does not exist"),
    }
    if code in reasons:
        return Text(*reasons[code])
    name = errno.errorcode.get(code or 0, "")
    return Text(
        f"系统错误 {name}".rstrip(), str(exc.strerror or exc) + (f" ({name})" if name else "")
    )


def _refuse_replacing_what_is_not_a_ledger(target: Path) -> None:
    """A save replaces the folder: never one that holds something else (a home folder, a
    project), nor a file."""
    if not target.exists() and not target.is_symlink():
        return
    if not target.is_dir():
        raise FolderError(
            Text(
                f"{_shown(target)} 是文件而不是账册目录，不予覆盖",
                f"{_shown(target)} is a file, not a ledger folder: refusing to replace it",
            )
        )
    if (target / LEDGER_FILE).is_file():
        return
    foreign = [
        e.name
        for e in target.iterdir()
        if not (e.name.startswith(".") or e.suffix.lower() in (".md", ".txt"))
    ]
    if foreign:
        shown = ", ".join(_shown(n) for n in sorted(foreign)[:5])
        more = ", ..." if len(foreign) > 5 else ""
        raise FolderError(
            Text(
                f"{_shown(target)} 不是账册目录（没有 {LEDGER_FILE}）且含有其他文件（{shown}{more}），"
                "不予覆盖：请写入新的或空的目录",
                f"{_shown(target)} is not a ledger folder (no {LEDGER_FILE}) and holds other "
                f"files ({shown}{more}): refusing to replace it; write to a new or empty folder",
            )
        )


def _refuse_overwriting_with_a_view(ledger: Ledger, target: Path) -> None:
    scope = scope_of(ledger)
    header = target / LEDGER_FILE
    if scope is None or not header.is_file():
        return
    try:
        doc = safe_yaml(header.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, RecursionError):
        doc = None
    held = doc.get(SCOPE_KEY) if isinstance(doc, dict) else None
    if held == scope:
        return
    what = (
        Text(f"单位 {held} 的视图", f"the view of unit {held!r}")
        if isinstance(held, str)
        else Text("整个账册（或无法读取的账册）", "a whole ledger (or unreadable)")
    )
    raise ScopeError(
        Text(
            f"{_shown(target)} 中已有{what.zh}：以单位 {scope} 的视图覆盖会删去视图以外的内容，"
            "请写入其他目录",
            f"{_shown(target)} holds {what.en}: writing the view of unit {scope!r} over it "
            "would delete what is outside the view; write it to another folder",
        )
    )


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
            if entry.is_symlink():  # a link stays a link: never a copy of what it points at
                os.symlink(os.readlink(entry), dest)
            elif entry.is_dir():
                shutil.copytree(entry, dest, symlinks=True)
            else:
                shutil.copy2(entry, dest, follow_symlinks=False)


def _write_folder(ledger: Ledger, root: Path) -> None:
    jurisdiction = ledger.jurisdiction.model_dump(mode="json", exclude_defaults=True)
    header: dict[str, Any] = {"format": FORMAT_VERSION, "jurisdiction": jurisdiction}
    if "plugins" in jurisdiction:  # (the plugins the ledger uses: a setting of the ledger's own)
        header["plugins"] = jurisdiction.pop("plugins")
    scope = scope_of(ledger)
    if scope is not None:
        header[SCOPE_KEY] = scope
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
        service_type = ledger.registry.service_types.get(key)
        plain = [plain_details(r) for r in records]
        if service_type.unchecked is not None:  # its plugin is not in use: columns as read
            detail_fields = list(service_type.columns)
        else:
            detail_fields = list(service_type.details.model_fields)
        extra = [k for k in dict.fromkeys(k for d in plain for k in d) if k not in detail_fields]
        detail_columns = detail_fields + (
            extra if service_type.unchecked is not None else sorted(extra)
        )
        rows = []
        for record, details in zip(records, plain, strict=True):
            common = record.model_dump(mode="json")
            rows.append(
                [to_cell(common[f]) for f in _SERVICE_COMMON]
                + [to_cell(details.get(f)) for f in detail_columns]
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
