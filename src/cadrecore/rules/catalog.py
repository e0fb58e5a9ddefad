"""The rule catalog: every registered rule with its metadata and parameters, as plain data
(``cadrecore rules --format json`` and the generated rules reference)."""

from __future__ import annotations

from typing import Any

import pluggy

from ..i18n import Lang, default_lang, in_lang
from .engine import get_rulebook


def rule_catalog(
    pm: pluggy.PluginManager | None = None, lang: Lang | None = None
) -> dict[str, Any]:
    """Rules (by id) and the parameters they read, with every dated version and its source;
    citations and sources written in both languages are given in ``lang`` (default: the
    run's). Each rule's ``severity`` is the default of its findings, ``severities`` every
    severity they may have, lowest first."""
    lang = lang or default_lang()
    book = get_rulebook(pm)
    rules: list[dict[str, Any]] = []
    used: set[str] = set()
    for registered in book.select(None):
        rule = registered.rule
        used.update(rule.parameters)
        rules.append(
            {
                "id": registered.id,
                "plugin": registered.plugin,
                "topic": rule.topic,
                "title": {"zh": rule.title.zh, "en": rule.title.en},
                "description": {"zh": rule.description.zh, "en": rule.description.en}
                if rule.description
                else None,
                "severity": rule.severity.name.lower(),
                "severities": [s.name.lower() for s in rule.severities],
                "cites": [in_lang(cite, lang) for cite in rule.cites],
                "parameters": list(rule.parameters),
            }
        )
    parameters = {}
    for key in sorted(book.parameters.parameters):
        parameter = book.parameters.parameters[key]
        parameters[key] = {
            "label": {"zh": parameter.label.zh, "en": parameter.label.en},
            "unit": parameter.unit,
            "plugin": book.parameters.owners[key],
            "used_by": sorted(r["id"] for r in rules if key in r["parameters"]),
            "versions": [
                {
                    "value": v.value,
                    "from": v.effective_from.isoformat(),
                    "source": in_lang(v.source, lang),
                    "status": v.status,
                }
                for v in parameter.versions
            ],
            "overrides": [
                {
                    "plugin": plugin,
                    "value": o.value,
                    "from": o.effective_from.isoformat(),
                    "source": in_lang(o.source, lang),
                }
                for o, plugin in book.parameters.overrides
                if o.key == key
            ],
        }
    return {"rules": rules, "parameters": parameters}
