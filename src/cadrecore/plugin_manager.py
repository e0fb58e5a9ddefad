"""The plugin manager and calling plugins' code: what every layer that runs a plugin needs.

Order of loading, as in datasette and llm: the hook specs; then the installed plugins (entry
point group ``cadrecore``), filtered by the environment; then the built-ins, which are ordinary
plugins (registered by module name, as an installed plugin is by its entry point); then
``check_pending()`` so that a misspelt hook name fails at once.

Environment switches:

``CADRECORE_LOAD_PLUGINS``
    Comma-separated entry point names: load only these installed plugins (empty: none).
``CADRECORE_DISABLE_PLUGINS``
    Comma-separated plugin names never to load (built-ins included).
``CADRECORE_TRACE_PLUGINS``
    Any non-empty value prints every hook call to standard error.
``CADRECORE_PLUGIN_TIMEOUT``
    The time budget of one plugin call (a hook, one rule's check) in seconds; default 30;
    ``0`` or ``off``: no limit.

A plugin's fault never stops the rest: a hook that raises, returns the wrong type or overruns
its time budget is named (:class:`HookFailure`, :class:`LoadFailure`, an errored rule) and
its results are left out. See "When a plugin fails" in ``docs/hooks.md``.

Layer: the foundation, beside ``errors`` and ``i18n``. The rule engine runs each rule under a
time budget and builds its rule book from ``register_rules``; the importers call plugins'
readers; the report collects plugins' sections: all of them below :mod:`cadrecore.plugins`,
which builds the registry and the typed facade on the models and the rules. So this module
knows no record, rule or report: it imports nothing of cadrecore but ``errors``, ``i18n`` and
``hookspecs`` (whose types are named for type checkers only). Plugin authors import these names
from :mod:`cadrecore.plugins`, which offers them all.
"""

from __future__ import annotations

import contextvars
import importlib
import math
import os
import queue
import sys
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Generic, Literal, TypeVar

import pluggy

from . import hookspecs
from .errors import CadrecoreError, PluginError

PROJECT = "cadrecore"
"""pluggy's project name: what ``hookimpl`` and ``hookspec`` mark."""
ENTRY_POINT_GROUP = "cadrecore"
"""The entry-point group installed plugins are found in (``[project.entry-points.cadrecore]``
in a plugin's ``pyproject.toml``)."""

DEFAULT_PLUGINS: tuple[str, ...] = (
    "cadrecore.builtin.vocabulary",
    "cadrecore.builtin.parameters",
    "cadrecore.builtin.rules",
    "cadrecore.builtin.report",
)
"""The built-in plugins: registered like any other, after the installed ones."""

NAMESPACE_ATTRIBUTE = "NAMESPACE"
"""The module attribute in which a plugin may declare its namespace (``NAMESPACE = "checkup"``):
the one place its name is written, read by the host and by the testing kit."""

hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marks a plugin's function as a hook implementation (also ``from cadrecore import hookimpl``)."""
T = TypeVar("T")


Fault = Literal["raised", "wrong_type", "timed_out"]
"""How a plugin's call went wrong: it raised, returned (or registered) the wrong type, or
overran its time budget."""


@dataclass(frozen=True)
class LoadFailure:
    """A plugin that could not be loaded, or whose ``register_*`` hook failed, and why; the
    rest keep working.

    ``hook`` and ``fault`` are set when a registration failed: none of that plugin's entries
    are in the registry (a vocabulary hook) or the rule book (``register_parameters``,
    ``register_rules``, ``parameter_overrides``) being built.
    """

    name: str
    error: str
    hook: str | None = None
    fault: Fault | None = None


class PluginManager(pluggy.PluginManager):
    """A pluggy manager that remembers which plugins failed to load and where each came from."""

    def __init__(self) -> None:
        super().__init__(PROJECT)
        self.load_failures: list[LoadFailure] = []
        self.distributions: dict[str, metadata.Distribution] = {}
        #: goes up with every plugin registered or unregistered: what is built from the
        #: plugins (the registry) is known current by one comparison (:class:`PluginSetCache`)
        self.generation = 0

    def register(self, plugin: object, name: str | None = None) -> str | None:
        try:
            return super().register(plugin, name)
        finally:
            self.generation += 1

    def unregister(self, plugin: object | None = None, name: str | None = None) -> Any | None:
        try:
            return super().unregister(plugin, name)
        finally:
            self.generation += 1


def _names(variable: str) -> set[str] | None:
    value = os.environ.get(variable)
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


def _load_entry_points(pm: PluginManager, disabled: set[str]) -> None:
    wanted = _names("CADRECORE_LOAD_PLUGINS")
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in disabled or (wanted is not None and ep.name not in wanted):
            continue
        if pm.has_plugin(ep.name):
            continue
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
        except Exception as exc:  # a broken plugin must not break the rest
            if pm.has_plugin(ep.name):
                pm.unregister(name=ep.name)
            pm.load_failures.append(LoadFailure(ep.name, f"{type(exc).__name__}: {exc}"))
            print(
                f"cadrecore: plugin {ep.name!r} failed to load and was skipped: {exc}",
                file=sys.stderr,
            )
            continue
        if ep.dist is not None:
            pm.distributions[ep.name] = ep.dist


def disabled_plugins() -> frozenset[str]:
    """The plugins ``CADRECORE_DISABLE_PLUGINS`` names: never loaded in this process (a ledger
    that holds their records loads them unchecked, see
    :meth:`cadrecore.registry.Registry.for_ledger`)."""
    return frozenset(_names("CADRECORE_DISABLE_PLUGINS") or ())


def new_plugin_manager(*, load_installed: bool = True, builtins: bool = True) -> PluginManager:
    """A fresh plugin manager: hook specs, installed plugins (unless told not to), built-ins."""
    pm = PluginManager()
    pm.add_hookspecs(hookspecs)
    disabled = _names("CADRECORE_DISABLE_PLUGINS") or set()
    if load_installed:
        _load_entry_points(pm, disabled)
    if builtins:
        for module_name in DEFAULT_PLUGINS:
            if module_name not in disabled and not pm.has_plugin(module_name):
                pm.register(importlib.import_module(module_name), name=module_name)
    pm.check_pending()
    if os.environ.get("CADRECORE_TRACE_PLUGINS"):
        pm.trace.root.setwriter(lambda message: print(message, end="", file=sys.stderr))
        pm.enable_tracing()
    return pm


_default_pm: PluginManager | None = None
_active_pm: ContextVar[PluginManager | None] = ContextVar("cadrecore_active_pm", default=None)


def get_plugin_manager() -> PluginManager:
    """The plugin manager in use: the one a :func:`using_plugin_manager` block set, else the
    process's own (hook specs, installed plugins and built-ins, loaded once)."""
    global _default_pm
    active = _active_pm.get()
    if active is not None:
        return active
    if _default_pm is None:
        _default_pm = new_plugin_manager()
    return _default_pm


@contextmanager
def using_plugin_manager(pm: PluginManager) -> Iterator[PluginManager]:
    """Use ``pm`` (its vocabularies, rules and hooks) wherever none is named, in this block:
    records built in Python check their keys against its registry, ``evaluate`` runs its rules.
    """
    token = _active_pm.set(pm)
    try:
        yield pm
    finally:
        _active_pm.reset(token)


# =============================================================================================
# A time budget for every plugin call
# =============================================================================================

TIMEOUT_VARIABLE = "CADRECORE_PLUGIN_TIMEOUT"
"""The environment variable that sets the time budget of one plugin call, in seconds."""
DEFAULT_TIMEOUT = 30.0
"""The time budget of one plugin call when neither a ``timeout=`` keyword nor
``$CADRECORE_PLUGIN_TIMEOUT`` sets one: long enough for any honest hook or rule."""


def plugin_timeout(timeout: float | None = None) -> float | None:
    """The time budget of one plugin call in seconds, or None for no limit.

    ``timeout`` if given (the ``timeout=`` keywords pass theirs here), else
    ``$CADRECORE_PLUGIN_TIMEOUT``, else 30 s. Zero (or ``off``) means no limit.
    """
    if timeout is None:
        text = os.environ.get(TIMEOUT_VARIABLE, "").strip()
        if not text:
            return DEFAULT_TIMEOUT
        if text.lower() in ("off", "none"):
            return None
        try:
            timeout = float(text)
        except ValueError:
            raise CadrecoreError(
                f"{TIMEOUT_VARIABLE}={text!r} is not a number of seconds (0 or 'off': no limit)"
            ) from None
    if math.isnan(timeout) or timeout < 0:
        raise CadrecoreError(
            f"a plugin's time budget is a number of seconds >= 0 (0: no limit), not {timeout!r}"
        )
    return None if timeout == 0 or math.isinf(timeout) else float(timeout)


class PluginTimeout(PluginError):
    """A plugin's call overran its time budget; whatever it returns later is discarded."""


class _Call:
    """One plugin call handed to a worker thread, run in the caller's context (so that the
    plugin manager in use, a context variable, is the caller's)."""

    __slots__ = ("context", "done", "error", "finished", "function", "kwargs", "result", "timeout")

    def __init__(self, function: Callable[..., Any], kwargs: Mapping[str, Any]) -> None:
        self.function = function
        self.kwargs = kwargs
        self.context = contextvars.copy_context()
        self.result: Any = None
        self.error: BaseException | None = None
        self.finished = False
        self.timeout = 0.0
        self.done = threading.Lock()
        self.done.acquire()

    def run(self) -> None:
        try:
            self.result = self.context.run(self.function, **self.kwargs)
        except BaseException as exc:  # handed to the caller, which decides what it means
            self.error = exc
        finally:
            self.finished = True
            self.done.release()


_local = threading.local()


def _serve(calls: queue.SimpleQueue[_Call | None]) -> None:
    _local.in_worker = True
    while (call := calls.get()) is not None:
        call.run()
        del call  # an idle worker keeps nothing alive


class _Worker:
    """A daemon thread that runs one calling thread's plugin calls, one at a time.

    It is reused from call to call, so the fast path starts no thread. A worker whose call
    overran is retired (it ends when that call returns; a daemon thread never holds up the
    interpreter's exit) and the next call gets a new one. When the calling thread ends, its
    worker ends too.
    """

    def __init__(self) -> None:
        self.calls: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        thread = threading.Thread(
            target=_serve, args=(self.calls,), name="cadrecore-plugin-call", daemon=True
        )
        thread.start()
        self.thread = thread
        weakref.finalize(self, self.calls.put, None)

    def retire(self) -> None:
        self.calls.put(None)


#: Calls that overran their budget and are still running, by key: such a call is not started
#: again until it returns, so that a plugin stuck on every record costs one budget, not one per
#: record, and leaves one thread behind, not one per record.
_overrunning: dict[int, _Call] = {}
_overrunning_lock = threading.Lock()


def _forget_workers() -> None:
    """In a forked child: the parent's worker threads do not exist here."""
    global _overrunning_lock
    _local.__dict__.clear()
    _overrunning.clear()
    _overrunning_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_workers)


def alone_for_fork() -> bool:
    """Whether this process can fork safely: this thread's idle plugin-call worker is retired
    (a new one starts with the next call) and no other thread is left. A process forked while
    another thread runs may inherit a lock that thread held, and wait on it forever; so a
    process with other threads (a call that overran and still runs, the caller's own) is not
    forked."""
    worker: _Worker | None = getattr(_local, "worker", None)
    if worker is not None:
        _local.worker = None
        worker.retire()
        worker.thread.join(timeout=1.0)
    return threading.active_count() == 1


def call_plugin(
    function: Callable[..., T],
    kwargs: Mapping[str, Any],
    *,
    timeout: float | None,
    key: int | None = None,
) -> T:
    """``function(**kwargs)``, a plugin's code, within ``timeout`` seconds (None: no limit).

    The call runs in a daemon worker thread while this thread waits; what it raises is raised
    here. Past the budget it raises :class:`PluginTimeout` and leaves the call running (Python
    cannot stop a thread): whatever the call returns later is discarded, and the call, known
    by ``key`` (default: the function's id), is refused at once until it has returned. Calls
    made from within a plugin call run inline, under the outer call's budget.
    """
    if timeout is None or getattr(_local, "in_worker", False):
        return function(**kwargs)
    if key is None:
        key = id(function)
    if _overrunning:
        _refuse_if_still_running(key)
    worker: _Worker | None = getattr(_local, "worker", None)
    if worker is None:
        worker = _local.worker = _Worker()
    call = _Call(function, kwargs)
    worker.calls.put(call)
    try:
        finished = call.done.acquire(timeout=timeout)
    except BaseException:  # interrupted while waiting (Ctrl-C): the call is left running
        _abandon(worker, key, call, timeout)
        raise
    if not finished:
        _abandon(worker, key, call, timeout)
        raise PluginTimeout(f"timed out after {timeout:g} s")
    if call.error is not None:
        raise call.error
    return call.result  # type: ignore[no-any-return]


def _abandon(worker: _Worker, key: int, call: _Call, timeout: float) -> None:
    _local.worker = None
    worker.retire()
    call.timeout = timeout
    with _overrunning_lock:
        for done_key in [k for k, c in _overrunning.items() if c.finished]:
            del _overrunning[done_key]
        _overrunning[key] = call


def _refuse_if_still_running(key: int) -> None:
    with _overrunning_lock:
        earlier = _overrunning.get(key)
        if earlier is None:
            return
        if earlier.finished:
            del _overrunning[key]
            return
    raise PluginTimeout(
        f"timed out (after {earlier.timeout:g} s) in an earlier call that is still running; "
        "not called again until it returns"
    )


def fault_of(exc: BaseException) -> tuple[Fault, str]:
    """How a plugin call that raised ``exc`` failed, and what to say about it."""
    if isinstance(exc, PluginTimeout):
        return "timed_out", str(exc)
    return "raised", f"raised {type(exc).__name__}: {exc}"


def declared_namespace(pm: pluggy.PluginManager, plugin_name: str) -> str | None:
    """The ``NAMESPACE`` the plugin registered as ``plugin_name`` declares, if it does.

    A plugin that declares one writes its keys locally (``yearly``, ``min_age``) and the host
    qualifies them (``checkup.yearly``); its rule ids are ``<NAMESPACE>::<key>`` whatever its
    entry point is called, so renaming the entry point changes no government code. A plugin
    that declares none is taken as before: its keys as written, its rule ids under its name."""
    if plugin_name.startswith("cadrecore.builtin"):
        return None
    declared = getattr(pm.get_plugin(plugin_name), NAMESPACE_ATTRIBUTE, None)
    return declared if isinstance(declared, str) and declared else None


def plugin_namespace(pm: pluggy.PluginManager, plugin_name: str) -> str:
    """The namespace of the plugin registered as ``plugin_name``: ``builtin`` for cadrecore's
    own, else the ``NAMESPACE`` it declares (:func:`declared_namespace`), else its name (the
    entry point's)."""
    if plugin_name.startswith("cadrecore.builtin"):
        return "builtin"
    return declared_namespace(pm, plugin_name) or plugin_name


def qualified_key(key: str, namespace: str) -> str:
    """``key`` as registered by a plugin of ``namespace``: a key of one word (``yearly``) is
    local and becomes ``<namespace>.yearly``; a key with a dot is already a full key (as every
    key was before namespaces were added by the host) and cadrecore's own keep theirs."""
    if namespace == "builtin" or "." in key or not key:
        return key
    return f"{namespace}.{key}"


def in_namespace(entry: T, namespace: str) -> T:
    """``entry`` with its local keys qualified for ``namespace`` (an entry that knows how
    offers ``in_namespace(namespace)``: vocabulary entries, parameters, rules); else itself."""
    method = getattr(entry, "in_namespace", None)
    if namespace == "builtin" or not callable(method):
        return entry
    return method(namespace)  # type: ignore[no-any-return]


def type_name(cls: type) -> str:
    """A class as a plugin author imports it (``cadrecore.registry.BranchType``)."""
    return f"{cls.__module__}.{cls.__qualname__}"


# =============================================================================================
# Registration: the register_* hooks
# =============================================================================================


def collect_registrations(
    pm: pluggy.PluginManager, hook_name: str, entry_type: type, *, timeout: float | None
) -> tuple[list[tuple[str, list[Any]]], list[LoadFailure]]:
    """Call one ``register_*`` hook plugin by plugin: what each plugin registered, in pluggy's
    calling order, and a :class:`LoadFailure` for each plugin whose call failed.

    The local keys of a plugin that declares its namespace are qualified for it
    (:func:`declared_namespace`, :func:`in_namespace`).
    A call fails when it raises, overruns ``timeout`` seconds (its ``register`` is closed: a
    late entry is refused), returns a value (entries go through ``register``, a returned list
    would be lost) or registers something that is not an ``entry_type``; none of that plugin's
    entries from this hook are kept.
    """
    found: list[tuple[str, list[Any]]] = []
    failures: list[LoadFailure] = []
    caller = getattr(pm.hook, hook_name)
    for impl in reversed(caller.get_hookimpls()):  # pluggy's own calling order
        plugin = impl.plugin_name
        entries: list[Any] = []
        window = {"open": True}

        def register(
            entry: object, _entries: list[Any] = entries, _window: dict[str, bool] = window
        ) -> None:
            if not _window["open"]:
                raise PluginError(f"{hook_name} is over: register() was called too late")
            _entries.append(entry)

        kwargs = {name: register for name in impl.argnames}
        try:
            returned = call_plugin(impl.function, kwargs, timeout=timeout)
        except Exception as exc:
            window["open"] = False
            fault, error = fault_of(exc)
            failures.append(LoadFailure(plugin, f"{hook_name} {error}", hook_name, fault))
            continue
        window["open"] = False
        wrong = next((e for e in entries if not isinstance(e, entry_type)), None)
        if wrong is not None:
            error = f"registered {wrong!r}, expected a {type_name(entry_type)}"
        elif returned is not None:
            error = (
                f"returned {type(returned).__name__}, expected None "
                "(call register(entry) for each entry)"
            )
        else:
            namespace = declared_namespace(pm, plugin)
            if namespace is None:
                found.append((plugin, entries))
                continue
            try:
                found.append((plugin, [in_namespace(e, namespace) for e in entries]))
                continue
            except ValueError as exc:  # a key too long, say, once qualified
                error = f"registered a key that is not valid in namespace {namespace!r}: {exc}"
        failures.append(LoadFailure(plugin, f"{hook_name} {error}", hook_name, "wrong_type"))
    return found, failures


def settle_load_failures(
    pm: pluggy.PluginManager, failures: list[LoadFailure], *, strict: bool, skipped: str
) -> set[str]:
    """Raise a :class:`PluginError` naming each failure (``strict``); or record each in
    ``pm.load_failures`` (which ``cadrecore plugins`` lists), warn on standard error, and return
    the names of the plugins to leave out of what is being built (``skipped`` says what of
    theirs is left out)."""
    if not failures:
        return set()
    if strict:
        raise PluginError("; ".join(f"plugin {f.name!r}: {f.error}" for f in failures))
    recorded = pm.load_failures if isinstance(pm, PluginManager) else None
    for failure in failures:
        print(
            f"cadrecore: plugin {failure.name!r}: {failure.error}; {skipped} were skipped",
            file=sys.stderr,
        )
        if recorded is not None and failure not in recorded:
            recorded.append(failure)
    return {failure.name for failure in failures}


@contextmanager
def naming_skipped(failures: list[LoadFailure]) -> Iterator[None]:
    """A :class:`PluginError` raised inside also names the plugins whose registration failed
    and were left out, when there are any: the error may follow from their absence."""
    try:
        yield
    except PluginError as exc:
        if not failures:
            raise
        skipped = "; ".join(f"plugin {f.name!r}: {f.error}" for f in failures)
        raise PluginError(f"{exc} (skipped: {skipped})") from exc


@dataclass(frozen=True)
class HookFailure:
    """A plugin's hook implementation that raised, returned the wrong type or overran its
    time budget (``fault``); ``error`` says how (``raised RuntimeError: …``, ``returned str,
    expected ReportSection``, ``timed out after 30 s``)."""

    plugin: str
    hook: str
    error: str
    fault: Fault = "raised"


class PluginSetCache(Generic[T]):
    """A value built from a plugin manager, kept until the manager's set of plugins changes.

    Entries are held per manager (weakly: a dropped manager drops its entry) and compared by
    the plugin objects themselves, so a re-used ``id()`` can never serve a stale value.
    """

    def __init__(self, build: Callable[[pluggy.PluginManager], T]) -> None:
        self._build = build
        self._entries: weakref.WeakKeyDictionary[
            pluggy.PluginManager, tuple[tuple[object, ...], T]
        ] = weakref.WeakKeyDictionary()
        self._generations: weakref.WeakKeyDictionary[pluggy.PluginManager, tuple[int, T]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, pm: pluggy.PluginManager) -> T:
        """The value for ``pm``'s plugins as they are now: built again only when a plugin was
        registered or unregistered since."""
        generation = getattr(pm, "generation", None)  # (cadrecore's manager counts changes)
        known = self._generations.get(pm)
        if generation is not None and known is not None and known[0] == generation:
            return known[1]
        value = self._by_plugins(pm)
        if generation is not None:
            self._generations[pm] = (generation, value)
        return value

    def _by_plugins(self, pm: pluggy.PluginManager) -> T:
        plugins = tuple(
            plugin for _, plugin in sorted(pm.list_name_plugin(), key=lambda item: item[0])
        )
        entry = self._entries.get(pm)
        if (
            entry is not None
            and len(entry[0]) == len(plugins)
            and all(a is b for a, b in zip(entry[0], plugins, strict=True))
        ):
            return entry[1]
        value = self._build(pm)
        self._entries[pm] = (plugins, value)
        return value
