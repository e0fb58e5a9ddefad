"""The hook-implementation marker, alone, so that ``from cadrecore import hookimpl`` in a plugin
module costs only pluggy (the markers are plain attributes: pluggy matches them by the project
name, so this marker and :data:`cadrecore.plugins.hookimpl` are interchangeable)."""

from __future__ import annotations

import pluggy

PROJECT = "cadrecore"

hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marks a plugin's function as the implementation of a hook of the same name::

    from cadrecore import hookimpl

    @hookimpl
    def register_service_types(register): ...

The same marker as :data:`cadrecore.plugins.hookimpl`; importing it from ``cadrecore`` costs
only pluggy."""
