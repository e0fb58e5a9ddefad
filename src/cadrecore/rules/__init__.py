"""Policy as code: rules over a ledger, parameters with effective dates, findings and reports.

``evaluate(ledger, year=2022)`` runs every registered rule and returns a :class:`Report`.
"""

from .engine import (
    RegisteredRule,
    Rule,
    RuleBook,
    RuleContext,
    SectionContext,
    evaluate,
    get_rulebook,
)
from .findings import (
    Finding,
    Measure,
    Occurrence,
    Report,
    ResolvedParameter,
    RuleFailure,
    Severity,
    Subject,
)
from .parameters import (
    LOCAL_DEFAULT_SOURCE,
    Parameter,
    ParameterVersion,
    PluginOverride,
    local_default,
)

__all__ = [
    "LOCAL_DEFAULT_SOURCE",
    "Finding",
    "Measure",
    "Occurrence",
    "Parameter",
    "ParameterVersion",
    "PluginOverride",
    "RegisteredRule",
    "Report",
    "ResolvedParameter",
    "Rule",
    "RuleBook",
    "RuleContext",
    "RuleFailure",
    "SectionContext",
    "Severity",
    "Subject",
    "evaluate",
    "get_rulebook",
    "local_default",
]
