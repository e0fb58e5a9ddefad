"""The cache that keeps ``cadrecore plugins`` fast: the last complete listing, reused only
while nothing it was made from has changed.

Listing the plugins means loading every one of them, and a plugin module imports the models,
the ledger and the rules it names: most of a second, for an answer that changes only when a
plugin (or cadrecore) is installed, upgraded or edited. So a listing without any failure is
kept, with a fingerprint of everything it depends on, and is shown again only while a freshly
taken fingerprint is equal to it:

- the cache's own format, the Python version and interpreter, cadrecore's version;
- the settings that choose the plugins (``CADRECORE_LOAD_PLUGINS``,
  ``CADRECORE_DISABLE_PLUGINS``) or can make one fail (``CADRECORE_PLUGIN_TIMEOUT``);
- ``sys.path``; in each of its folders, the names of the installed distributions
  (``*.dist-info``, ``*.egg-info``: name and version) and the text of every ``entry_points.txt``
  that mentions cadrecore (which is where a plugin is declared); a path that is a file (a zip),
  its size and time;
- the name, size and modification time of every file of cadrecore's package and of each
  plugin's package (found with :func:`importlib.util.find_spec`, which imports nothing), so
  that editing an editable install counts too.

Taking it reads directories and a few small files and imports nothing heavy: a few
milliseconds. No cache is read or written while ``CADRECORE_TRACE_PLUGINS`` asks for the hook
calls, nor when the process already has a plugin manager in use (a test's, say).

The cache is one JSON file per interpreter and setting in ``$CADRECORE_CACHE_DIR``, else
the platform's user cache folder (``$XDG_CACHE_HOME/cadrecore`` or ``~/.cache/cadrecore`` on
Linux, found by platformdirs). ``CADRECORE_CACHE_DIR=off`` turns it off. A cache file that cannot be read, is
corrupt or cannot be written is ignored: the listing is then made from the plugins themselves.
Deleting the folder clears it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import zlib
from collections.abc import Iterator, Mapping
from typing import Any

#: The environment variable that moves the cache (a folder) or, set to ``off``, turns it off.
CACHE_DIR_VARIABLE = "CADRECORE_CACHE_DIR"
#: The settings that change which plugins load, or whether one fails: part of the fingerprint.
SETTINGS = ("CADRECORE_LOAD_PLUGINS", "CADRECORE_DISABLE_PLUGINS", "CADRECORE_PLUGIN_TIMEOUT")
#: Bumped whenever what is cached, or how it is fingerprinted, changes.
FORMAT = 1

_OFF = ("off", "none", "no", "false", "0")
_PLUGIN_KEYS = {"name", "version", "hooks", "registered"}


def cache_dir() -> str | None:
    """The folder of the cache (``$CADRECORE_CACHE_DIR``, else the platform's user cache
    folder, as :mod:`platformdirs` finds it), or None when it is turned off."""
    chosen = os.environ.get(CACHE_DIR_VARIABLE, "").strip()
    if chosen:
        return None if chosen.lower() in _OFF else chosen
    from platformdirs import user_cache_dir

    return user_cache_dir("cadrecore", appauthor=False)


def _manager_in_use() -> bool:
    """Whether this process already has a plugin manager (set up by a test, or by an earlier
    call): its plugins, not the installed ones, are what is to be listed."""
    plugins = sys.modules.get("cadrecore.plugin_manager")
    if plugins is None:  # no manager can exist before the module that makes them is imported
        return False
    active = getattr(plugins, "_active_pm", None)
    return getattr(plugins, "_default_pm", None) is not None or (
        active is not None and active.get() is not None
    )


# =============================================================================================
# The fingerprint
# =============================================================================================


def _files(root: str) -> Iterator[list[Any]]:
    """Each file under ``root`` (bytecode caches left out): relative path, size, time."""
    seen: set[tuple[int, int]] = set()
    stack = [""]
    while stack:
        relative = stack.pop()
        folder = os.path.join(root, relative) if relative else root
        try:
            status = os.stat(folder)
            if (status.st_dev, status.st_ino) in seen:  # a symbolic link loop
                continue
            seen.add((status.st_dev, status.st_ino))
            with os.scandir(folder) as entries:
                found = sorted(entries, key=lambda entry: entry.name)
        except OSError:
            yield [relative, None, None]
            continue
        for entry in found:
            path = f"{relative}/{entry.name}" if relative else entry.name
            try:
                if entry.is_dir():
                    if entry.name != "__pycache__":
                        stack.append(path)
                    continue
                if entry.name.endswith((".pyc", ".pyo")):
                    continue
                status = entry.stat()
            except OSError:
                yield [path, None, None]
                continue
            yield [path, status.st_size, status.st_mtime_ns]


def _package_files(module: str) -> list[Any]:
    """Where the top-level package of ``module`` is and the files in it, found without
    importing it."""
    import importlib.util

    top = module.partition(".")[0]
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError, AttributeError):
        spec = None
    if spec is None:
        return [top, None]
    places = list(spec.submodule_search_locations or ())
    if not places and spec.origin:
        try:
            status = os.stat(spec.origin)
        except OSError:
            return [top, spec.origin, None]
        return [top, spec.origin, [status.st_size, status.st_mtime_ns]]
    return [top, [[place, list(_files(place))] for place in places]]


def _entry_point_modules(text: str) -> list[str]:
    """The modules named by the ``[cadrecore]`` section of an ``entry_points.txt``."""
    modules = []
    section = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif section == "cadrecore" and "=" in line:
            modules.append(line.partition("=")[2].partition(":")[0].strip())
    return modules


def _installed() -> tuple[list[Any], list[str]]:
    """For each ``sys.path`` entry, the distributions it holds and the text of their entry
    points that mention cadrecore; and the modules those declare as plugins."""
    found: list[Any] = []
    modules: list[str] = []
    for entry in sys.path:
        folder = entry or "."
        try:
            with os.scandir(folder) as entries:
                names = sorted(
                    item.name for item in entries if item.name.endswith((".dist-info", ".egg-info"))
                )
        except NotADirectoryError:  # a zip archive
            try:
                status = os.stat(folder)
                found.append([entry, "file", status.st_size, status.st_mtime_ns])
            except OSError:
                found.append([entry, None])
            continue
        except OSError:
            found.append([entry, None])
            continue
        declared = []
        for name in names:
            try:
                with open(os.path.join(folder, name, "entry_points.txt"), "rb") as file:
                    data = file.read()
            except OSError:
                continue
            if b"cadrecore" in data:
                text = data.decode("latin-1")
                declared.append([name, text])
                modules += _entry_point_modules(text)
        found.append([entry, os.path.abspath(folder), names, declared])
    return found, modules


def fingerprint() -> dict[str, Any]:
    """Everything the listing of the plugins depends on, as it is now (JSON-ready)."""
    from ._version import __version__

    installed, modules = _installed()
    packages = [_package_files(module) for module in ["cadrecore", *sorted(set(modules))]]
    return {
        "format": FORMAT,
        "python": [sys.version, sys.executable, sys.implementation.cache_tag],
        "cadrecore": __version__,
        "settings": {name: os.environ.get(name) for name in SETTINGS},
        "sys.path": installed,
        "packages": packages,
    }


# =============================================================================================
# Reading and writing
# =============================================================================================


class ListingCache:
    """The cached listing for this interpreter and these settings."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        # one file per interpreter, way of starting it (script or ``python -m``/``-c``) and
        # settings: a few files at most, each overwritten when its fingerprint changes
        start = sys.path[0] if sys.path else None
        settings = {name: os.environ.get(name) for name in SETTINGS}
        key = json.dumps([sys.executable, start, settings])
        self.path = os.path.join(folder, f"plugins-{zlib.crc32(key.encode()):08x}.json")
        self.fingerprint = fingerprint()

    @classmethod
    def open(cls) -> ListingCache | None:
        """The cache to use now, or None: turned off, tracing asked for, a manager in use."""
        if os.environ.get("CADRECORE_TRACE_PLUGINS") or _manager_in_use():
            return None
        folder = cache_dir()
        if folder is None:
            return None
        try:
            return cls(folder)
        except Exception:  # a fingerprint that cannot be taken: no cache, the full path
            return None

    def read(self) -> list[dict[str, Any]] | None:
        """The cached listing (``asdict`` of each :class:`~cadrecore.plugins.PluginInfo`, as
        JSON gives it back), if there is one made from what is installed now."""
        try:
            with open(self.path, encoding="utf-8") as file:
                data = json.load(file)
        except Exception:  # none yet, unreadable or corrupt: the listing is made afresh
            return None
        if not isinstance(data, dict) or data.get("fingerprint") != self.fingerprint:
            return None
        plugins = data.get("plugins")
        if not isinstance(plugins, list) or not all(map(_valid_plugin, plugins)):
            return None
        return plugins

    def write(self, plugins: list[dict[str, Any]]) -> None:
        """Keep ``plugins``, a complete listing (no failures), for as long as the fingerprint
        holds; silently nothing if the cache cannot be written."""
        write_json(self.path, {"fingerprint": self.fingerprint, "plugins": plugins})


def write_json(path: str, data: object) -> None:
    """Write ``data`` as JSON to ``path`` in the cache folder, whole or not at all (a
    temporary file beside it, then renamed: a reader never sees half a file); silently
    nothing if it cannot be written (read-only, full, or not JSON)."""
    import tempfile

    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".cache-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(data, file, ensure_ascii=True)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except (OSError, ValueError, TypeError):  # read-only, full, or unexpected: no cache
        return


def _valid_plugin(plugin: object) -> bool:
    """Whether a cached entry has the shape of ``asdict(PluginInfo)``."""
    if not isinstance(plugin, dict) or set(plugin) != _PLUGIN_KEYS:
        return False
    version, hooks, registered = plugin["version"], plugin["hooks"], plugin["registered"]
    return (
        isinstance(plugin["name"], str)
        and (version is None or isinstance(version, str))
        and _strings(hooks)
        and isinstance(registered, Mapping)
        and all(isinstance(key, str) and _strings(keys) for key, keys in registered.items())
    )


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)
