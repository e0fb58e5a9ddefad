"""A pytest plugin for plugin authors (and for cadrecore's own tests).

Installed with cadrecore (entry point ``pytest11``), it offers fixtures:

``cadrecore_pm``
    A fresh plugin manager with the built-ins only, in use for the length of the test: no
    installed plugin is loaded, so a test sees exactly the plugins it registers.
``cadrecore_registry``
    The registry of ``cadrecore_pm``.
``register_plugin``
    A function that registers a plugin in ``cadrecore_pm`` for the length of one test.

Outside pytest, :func:`registered` does the same as a context manager.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from .plugins import PluginManager, get_registry, new_plugin_manager, using_plugin_manager
from .registry import Registry


@contextmanager
def registered(pm: PluginManager, plugin: object, name: str | None = None) -> Iterator[str]:
    """Register ``plugin`` in ``pm`` for the length of a ``with`` block; yields its name."""
    plugin_name = pm.register(plugin, name=name)
    if plugin_name is None:
        raise ValueError(f"plugin {plugin!r} is already registered or blocked")
    try:
        pm.check_pending()
        yield plugin_name
    finally:
        pm.unregister(name=plugin_name)


@pytest.fixture
def cadrecore_pm() -> Iterator[PluginManager]:
    """A plugin manager with cadrecore's built-ins and nothing else, in use for the test:
    records built in the test check their keys against it, ``evaluate`` runs its rules."""
    pm = new_plugin_manager(load_installed=False)
    with using_plugin_manager(pm):
        yield pm


@pytest.fixture
def cadrecore_registry(cadrecore_pm: PluginManager) -> Registry:
    """The vocabularies of ``cadrecore_pm`` (rebuilt when plugins are registered)."""
    return get_registry(cadrecore_pm)


@pytest.fixture
def register_plugin(cadrecore_pm: PluginManager) -> Iterator[Callable[..., str]]:
    """Register plugins in ``cadrecore_pm`` for one test; they are unregistered after it."""
    names: list[str] = []

    def register(plugin: object, name: str | None = None) -> str:
        plugin_name = cadrecore_pm.register(plugin, name=name)
        if plugin_name is None:
            raise ValueError(f"plugin {plugin!r} is already registered or blocked")
        cadrecore_pm.check_pending()
        names.append(plugin_name)
        return plugin_name

    yield register
    for plugin_name in reversed(names):
        if cadrecore_pm.has_plugin(plugin_name):
            cadrecore_pm.unregister(name=plugin_name)
