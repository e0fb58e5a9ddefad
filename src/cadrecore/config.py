"""The settings of a run: the store, the default ledger, the language, the plugins enabled and
the bureau's time zone, each from the first of: a command-line option, the environment, the
config file, the default.

The config file is ``cadrecore.toml`` in the working folder or the nearest folder above it,
else the ``[tool.cadrecore]`` table of the nearest ``pyproject.toml`` that has one::

    # cadrecore.toml
    store = "data/忻州.sqlite"      # a SQLite file (relative to this file) or a database URL
    ledger = "xz"                   # the ledger a command reads when the store holds several
    lang = "zh"                     # zh or en
    plugins = ["supply_coop"]       # the installed plugins to load (default: all)
    timezone = "Asia/Shanghai"      # the time zone of times in reports

``cadrecore config`` shows each setting, its value and where it came from.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import CadrecoreError
from .i18n import LANG_ENV, Lang, Text, lang_of

CONFIG_FILE = "cadrecore.toml"
PYPROJECT = "pyproject.toml"
DEFAULT_TIMEZONE = "Asia/Shanghai"

Source = Literal["option", "environment", "file", "default"]


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its name in the file, its environment variable, what it means."""

    name: str
    env: str
    meaning: Text


#: Every setting, in the order ``cadrecore config`` shows them.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "store",
        "CADRECORE_STORE",
        Text("数据库：SQLite 文件或 URL", "the store: a SQLite file or a database URL"),
    ),
    Setting(
        "ledger",
        "CADRECORE_LEDGER",
        Text("数据库中有多个账册时读哪一个", "the ledger read when the store holds several"),
    ),
    Setting("lang", LANG_ENV, Text("语言：zh 或 en", "the language: zh or en")),
    Setting(
        "plugins",
        "CADRECORE_LOAD_PLUGINS",
        Text("启用的插件（默认全部已安装的）", "the plugins enabled (default: all installed)"),
    ),
    Setting(
        "timezone",
        "CADRECORE_TIMEZONE",
        Text("报告中时间所用的时区", "the time zone of times in reports"),
    ),
)
SETTINGS_BY_NAME = {setting.name: setting for setting in SETTINGS}

DEFAULTS: dict[str, str | None] = {
    "store": "cadrecore.sqlite",
    "ledger": None,
    "lang": "zh",
    "plugins": None,
    "timezone": DEFAULT_TIMEZONE,
}


class ConfigError(CadrecoreError):
    """A config file that cannot be read, or a setting with a value it cannot take."""


@dataclass(frozen=True, slots=True)
class Value:
    """A setting's value and where it came from (``where``: the file, or the variable)."""

    value: str | None
    source: Source
    where: str | None = None


@dataclass(frozen=True)
class Config:
    """The settings of a run, each with its source. Build it with :func:`load_config`."""

    values: Mapping[str, Value]
    file: Path | None = None
    file_dir: Path | None = field(default=None, repr=False)

    def get(self, name: str) -> str | None:
        return self.values[name].value

    @property
    def store(self) -> str:
        value = self.get("store")
        return value if value is not None else str(DEFAULTS["store"])

    @property
    def ledger(self) -> str | None:
        return self.get("ledger")

    @property
    def lang(self) -> Lang:
        return lang_of(self.get("lang")) or "zh"

    @property
    def plugins(self) -> tuple[str, ...] | None:
        value = self.get("plugins")
        if value is None:
            return None
        return tuple(name.strip() for name in value.split(",") if name.strip())

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.get("timezone") or DEFAULT_TIMEZONE)

    def store_given(self) -> bool:
        """Whether the store was named (by option, environment or file) rather than defaulted."""
        return self.values["store"].source != "default"

    def rows(self, lang: Lang) -> list[tuple[str, str, str]]:
        """``(name, value, source)`` for each setting, as ``cadrecore config`` prints them."""
        sources = {
            "option": Text("命令行选项", "command-line option"),
            "environment": Text("环境变量", "environment variable"),
            "file": Text("配置文件", "config file"),
            "default": Text("默认", "default"),
        }
        rows = []
        for setting in SETTINGS:
            found = self.values[setting.name]
            shown = found.value if found.value is not None else "-"
            source = sources[found.source](lang)
            if found.where:
                source = f"{source} ({found.where})"
            rows.append((setting.name, shown, source))
        return rows


def find_config_file(start: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The nearest ``cadrecore.toml`` (or ``pyproject.toml`` with ``[tool.cadrecore]``) in
    ``start`` (the working folder) or above it, with its settings; None when there is none."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate, _read_toml(candidate)
        pyproject = folder / PYPROJECT
        if pyproject.is_file():
            table = _read_toml(pyproject).get("tool", {}).get("cadrecore")
            if isinstance(table, dict):
                return pyproject, table
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        at_zh = f"：第 {where[1]} 行第 {where[2]} 列" if where else ""
        raise ConfigError(
            Text(f"配置文件 {path} 不是有效的 TOML{at_zh}", f"{path} is not valid TOML: {exc}")()
        ) from None
    except OSError as exc:
        raise ConfigError(
            Text(
                f"无法读取配置文件 {path}：{exc.strerror or exc}",
                f"cannot read the config file {path}: {exc.strerror or exc}",
            )()
        ) from None


def _file_value(name: str, raw: object, path: Path) -> str:
    """A value of the config file as a string, checked: a list of plugins joined by commas."""
    if name == "plugins" and isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        return ",".join(raw)
    if isinstance(raw, str):
        if name == "store" and "://" not in raw and not Path(raw).is_absolute():
            return str(path.parent / raw)  # a relative store is relative to the file
        return raw
    expected = (
        Text("插件名列表", "a list of plugin names")
        if name == "plugins"
        else Text("文字", "a string")
    )
    raise ConfigError(
        Text(
            f"配置文件 {path}：{name} 应为{expected.zh}",
            f"{path}: {name} should be {expected.en}",
        )()
    )


def load_config(
    options: Mapping[str, str | None] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    start: Path | None = None,
) -> Config:
    """The run's settings: each from ``options`` (the command line's, None when not given), else
    the environment, else the config file found from ``start``, else the default.

    Raises :class:`ConfigError` for a file that is not TOML, an unknown setting in it, or a
    value a setting cannot take (a language other than zh/en, an unknown time zone)."""
    env = os.environ if environ is None else environ
    given = options or {}
    found = find_config_file(start)
    table: dict[str, Any] = {}
    path: Path | None = None
    if found is not None:
        path, table = found
        unknown = sorted(set(table) - set(SETTINGS_BY_NAME))
        if unknown:
            raise ConfigError(
                Text(
                    f"配置文件 {path}：不认识的设置 {', '.join(unknown)}（可用：{', '.join(SETTINGS_BY_NAME)}）",
                    f"{path}: unknown setting {', '.join(unknown)} (known: "
                    f"{', '.join(SETTINGS_BY_NAME)})",
                )()
            )
    values: dict[str, Value] = {}
    for setting in SETTINGS:
        option = given.get(setting.name)
        if option is not None:
            values[setting.name] = Value(option, "option")
        elif env.get(setting.env, "").strip():
            values[setting.name] = Value(env[setting.env].strip(), "environment", setting.env)
        elif path is not None and setting.name in table:
            value = _file_value(setting.name, table[setting.name], path)
            values[setting.name] = Value(value, "file", str(path))
        else:
            values[setting.name] = Value(DEFAULTS[setting.name], "default")
    config = Config(values, path, path.parent if path else None)
    _check(config)
    return config


def _check(config: Config) -> None:
    lang = config.values["lang"]
    if lang.value is not None and lang_of(lang.value) is None:
        raise ConfigError(
            Text(
                f"语言 {lang.value!r} 不可用：请用 zh 或 en（来自{_said(lang)}）",
                f"language {lang.value!r} is not available: use zh or en (from {lang.source}"
                f"{' ' + lang.where if lang.where else ''})",
            )()
        )
    zone = config.values["timezone"]
    try:
        config.timezone  # noqa: B018 (looked up to be checked)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            Text(
                f"时区 {zone.value!r} 不存在：请用 Asia/Shanghai 这样的名称（来自{_said(zone)}）",
                f"time zone {zone.value!r} does not exist: use a name such as Asia/Shanghai "
                f"(from {zone.source}{' ' + zone.where if zone.where else ''})",
            )()
        ) from None


def _said(value: Value) -> str:
    names = {
        "option": "命令行选项",
        "environment": "环境变量",
        "file": "配置文件",
        "default": "默认",
    }
    return names[value.source] + (f" {value.where}" if value.where else "")
