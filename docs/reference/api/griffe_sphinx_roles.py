"""A griffe extension for the API reference: the docstrings are written for Sphinx-style
readers (``:class:`Report```, a literal block after ``::``), the site is Markdown.

Each role becomes a code span (``~`` keeps the last name, as in Sphinx), and a paragraph
ending in ``::`` ends in ``:`` (its indented block is a code block in Markdown too).
Loaded by mkdocstrings (``mkdocs.yml``: ``options.extensions``); not part of the site.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:class|func|meth|attr|mod|data|exc|obj|const):`(~?)([^`]+)`")
LITERAL = re.compile(r"(\S)::$", re.M)
ALONE = re.compile(r"^(\s*)::$", re.M)


def markdown(text: str) -> str:
    """``text`` with Sphinx's roles and literal-block markers as Markdown reads them."""
    text = ROLE.sub(
        lambda m: f"`{m.group(2).rsplit('.', 1)[-1] if m.group(1) else m.group(2)}`", text
    )
    text = LITERAL.sub(r"\1:", text)
    return ALONE.sub(r"\1", text)


class SphinxRoles(griffe.Extension):
    """Rewrite every docstring as it is loaded."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj.docstring.value)
