"""Tests never autoload installed plugins: each test says which plugins it runs with."""

from __future__ import annotations

import os

os.environ["CADRECORE_LOAD_PLUGINS"] = ""
os.environ.setdefault("CADRECORE_LANG", "zh")
