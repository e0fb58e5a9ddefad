"""The ledger folder's files: their names and format version, the safe YAML reader (no alias
bombs, no repeated keys), and the refusals and messages for a path that cannot be read or must
not be written (shared with the spreadsheet export).

Layer: ``io``, below the folder's reader (:mod:`cadrecore.io.folder`) and writer
(:mod:`cadrecore.io.folder_write`); it imports neither of them, nothing of the store, the
reports or the CLI. :mod:`cadrecore.io.folder` offers its public names.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import yaml

from ..errors import CadrecoreError
from ..i18n import Text
from ..models import RECORD_KINDS, ServiceRecord

FORMAT_VERSION = 1
LEDGER_FILE = "ledger.yaml"
SERVICES_DIR = "services"
#: The key of ``ledger.yaml`` that marks a folder written from a unit's view.
SCOPE_KEY = "scope"
#: The largest file a loader reads: a ledger folder is hand-kept text, not a database dump.
MAX_FILE_BYTES = 512 * 1024 * 1024

_SERVICE_KIND = next(k for k in RECORD_KINDS if k.name == "service_records")
_SERVICE_COMMON = [
    name for name in ServiceRecord.model_fields if name not in ("service_type", "details")
]


#: How many more values than are written out a YAML file's aliases may stand for: a few lines
#: of nested aliases can stand for billions (a "billion laughs"), which no ledger needs.
ALIAS_EXPANSION = 10
ALIAS_ALLOWANCE = 100_000


class YAMLBomb(ValueError):
    """YAML whose aliases stand for far more values than it holds, or for a value inside
    itself."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


class RepeatedYAMLKey(ValueError):
    """A mapping in a YAML document that gives the same key twice. PyYAML would keep the
    last one and drop the other without a word; a ledger file that does so is refused."""

    def __init__(self, key: Any, line: int, first: int) -> None:
        shown = _repr(key) if isinstance(key, str | int | float | bool) else type(key).__name__
        if len(shown) > 60:
            shown = shown[:57] + "..."
        self.line = line
        self.text = Text(
            f"键 {shown} 重复（第 {first} 行已有）：同一映射中每个键只能写一次，拒绝读取",
            f"the key {shown} is repeated (first on line {first}): a key may be written once "
            "in a mapping; refused",
        )
        super().__init__(f"line {line}: {self.text.en}")


class _UniqueKeyLoader(yaml.SafeLoader):
    """The safe loader, refusing (:class:`RepeatedYAMLKey`) a mapping that repeats a key."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._checked: set[int] = set()

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        # Every mapping passes here before it is built, and before its merge keys (``<<``)
        # splice in the pairs of other mappings, which its own keys may override: only the
        # keys written in it are compared, once (a merged mapping is flattened again later).
        if id(node) not in self._checked:
            self._checked.add(id(node))
            seen: dict[Any, int] = {}
            for key_node, _value in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: the constructor says so
                    continue
                if first is not None:
                    raise RepeatedYAMLKey(key, line, first)
                seen[key] = line
        super().flatten_mapping(node)


def safe_yaml(text: str) -> Any:
    """``yaml.safe_load(text)``, refusing (:class:`YAMLBomb`) aliases that expand beyond
    :data:`ALIAS_EXPANSION` times the values written (plus :data:`ALIAS_ALLOWANCE`), or that
    make a value contain itself, and (:class:`RepeatedYAMLKey`) a mapping that gives a key
    twice: the document is composed, measured, then built."""
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node) -> None:
    sizes: dict[int, int] = {}  # node -> how many values it stands for, aliases expanded
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        if children_done:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise YAMLBomb(
                Text("YAML 别名使一个值包含其自身", "a YAML alias makes a value contain itself")
            )
        open_nodes.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                raise YAMLBomb(
                    Text("YAML 别名使一个值包含其自身", "a YAML alias makes a value contain itself")
                )
            if id(child) not in sizes:
                stack.append((child, False))
    expanded, written = sizes[id(root)], len(sizes)
    if expanded > ALIAS_EXPANSION * written + ALIAS_ALLOWANCE:
        raise YAMLBomb(
            Text(
                f"YAML 别名展开后有 {expanded} 个值，而文件只写了 {written} 个：拒绝读取",
                f"YAML aliases expand to {expanded} values from {written} written: refused "
                "(a 'billion laughs')",
            )
        )


def _shown(path: Path | str) -> str:
    """A path as text that can be printed: bytes that are not UTF-8 in a file name (which
    Python keeps as lone surrogates) are shown as ``\\xNN``."""
    text = os.fspath(path)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _repr(value: Any) -> str:
    """``repr(value)``, also for an int too long for ``repr`` (over 4300 digits)."""
    try:
        return repr(value)
    except ValueError:
        return f"<a number of {value.bit_length()} bits>" if isinstance(value, int) else "<?>"


class OutputPathError(CadrecoreError):
    """A path cadrecore was asked to write to and will not (a symbolic link, a folder where a
    file belongs...); ``text`` says why in both languages."""

    def __init__(self, message: str | Text) -> None:
        self.text = message if isinstance(message, Text) else Text(message, message)
        super().__init__(self.text)


class FolderError(OutputPathError):
    """A ledger folder cannot be written where asked."""


def refuse_link(target: Path) -> None:
    """Refuse (:class:`OutputPathError`) to write an output at ``target`` when it is a symbolic
    link: whoever made the link may have aimed it at a file that must not be replaced. (Writers
    replace their target with ``os.replace``, which replaces a link that appears later itself,
    never the file it points to.) A link among the folders above the target is followed."""
    if target.is_symlink():
        shown = _shown(target)
        raise OutputPathError(
            Text(
                f"{shown} 是符号链接，不予写入：不经由链接覆盖它所指的文件，请给出实际的路径",
                f"{shown} is a symbolic link: refusing to write through it (what a link points "
                "to is never replaced); give the real path",
            )
        )


def why_unreadable(exc: OSError) -> Text:
    """Why a file could not be read (``exc``), in both languages: the operating system's own
    words are English, so the common causes are worded here and the rest named by errno."""
    reasons = {
        errno.EACCES: ("没有读取权限", "no permission to read it"),
        errno.EPERM: ("没有读取权限", "no permission to read it"),
        errno.EISDIR: ("是目录而不是文件", "it is a folder, not a file"),
        errno.ENOENT: ("文件不存在", "no such file"),
        errno.ELOOP: ("符号链接循环", "a loop of symbolic links"),
        errno.ENAMETOOLONG: ("路径或名称过长", "a name in the path is too long"),
        errno.EIO: ("磁盘读取错误", "an input/output error of the disk"),
    }
    if exc.errno in reasons:
        return Text(*reasons[exc.errno])
    name = errno.errorcode.get(exc.errno or 0, "")
    return Text(
        f"系统错误 {name}".rstrip(), str(exc.strerror or exc) + (f" ({name})" if name else "")
    )
