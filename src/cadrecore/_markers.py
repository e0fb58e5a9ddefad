"""The hook-implementation marker, alone, so that ``from cadrecore import hookimpl`` in a plugin
module costs only pluggy (the markers are plain attributes: pluggy matches them by the project
name, so this marker and :data:`cadrecore.plugins.hookimpl` are interchangeable)."""

from __future__ import annotations

import pluggy

PROJECT = "cadrecore"

hookimpl = pluggy.HookimplMarker(PROJECT)
