"""Every hook a cadrecore plugin can implement, grouped by when it is called.

A plugin is a module or object with functions marked ``@cadrecore.hookimpl`` whose names are
the names below. Hooks collect results from every plugin unless a docstring says
"Stops at first non-None result."

Every call of a plugin's hook (and of its rules) runs within a time budget
(``CADRECORE_PLUGIN_TIMEOUT``, 30 s by default). A plugin that raises, returns or registers the
wrong type, or overruns, is named and its results are left out; the core's data and the other
plugins' results stand. Each docstring below says where the failure is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .i18n import Text
    from .ledger import Ledger
    from .models import ServiceEvent, ServiceRecord
    from .registry import ActivityKind, BranchType, ChecklistItem, Importer, PlanMetric, ServiceType
    from .reports.sections import ReportSection
    from .rules.engine import Rule, SectionContext
    from .rules.findings import Report
    from .rules.parameters import Parameter, PluginOverride

hookspec = pluggy.HookspecMarker("cadrecore")
"""Marks a function of this module as a hook specification (for cadrecore itself; plugins
use ``hookimpl``)."""

# =============================================================================================
# Vocabularies: called once each time a registry is built from the installed plugins.
# A register_* hook returns nothing: entries go through ``register``. A plugin whose
# register_* hook fails is a load failure (``pm.load_failures``, ``cadrecore plugins``): none of
# its entries are in the registry.
# =============================================================================================


@hookspec
def register_branch_types(register: Callable[[BranchType], None]) -> None:
    """Register the branch types this plugin adds.

    Call ``register`` once per :class:`~cadrecore.registry.BranchType`. A key that another
    plugin registered already is refused with an error naming both plugins.

    :param register: the host's callback; it checks the entry and stamps this plugin's name.
    """


@hookspec
def register_activity_kinds(register: Callable[[ActivityKind], None]) -> None:
    """Register the kinds of activity record this plugin adds.

    :param register: the host's callback, taking one :class:`~cadrecore.registry.ActivityKind`.
    """


@hookspec
def register_checklist_items(register: Callable[[ChecklistItem], None]) -> None:
    """Register the yearly checklist items this plugin adds.

    Each item's ``evidence_kind`` must be a registered activity kind.

    :param register: the host's callback, taking one :class:`~cadrecore.registry.ChecklistItem`.
    """


@hookspec
def register_service_types(register: Callable[[ServiceType], None]) -> None:
    """Register the service types this plugin's department runs.

    :param register: the host's callback, taking one :class:`~cadrecore.registry.ServiceType`.
    """


@hookspec
def register_plan_metrics(register: Callable[[PlanMetric], None]) -> None:
    """Register quantities that plans may set yearly targets for.

    :param register: the host's callback, taking one :class:`~cadrecore.registry.PlanMetric`.
    """


@hookspec
def register_importers(register: Callable[[Importer], None]) -> None:
    """Register readers for this department's own spreadsheets.

    :param register: the host's callback, taking one :class:`~cadrecore.registry.Importer`.
    """


# =============================================================================================
# Rules: called once each time a rule book is built from the installed plugins. A plugin whose
# hook here fails is a load failure: none of its parameters, rules and overrides are used. A
# rule whose check fails is counted in the report's ``errored``.
# =============================================================================================


@hookspec
def register_parameters(register: Callable[[Parameter], None]) -> None:
    """Register the rule parameters this plugin's rules read, with their dated versions.

    A key another plugin registered already is refused; to change another plugin's value,
    use :func:`parameter_overrides`.

    :param register: the host's callback, taking one :class:`~cadrecore.rules.Parameter`.
    """


@hookspec
def register_rules(register: Callable[[Rule], None]) -> None:
    """Register this plugin's rules.

    The host gives each rule the id ``<plugin>::<rule.key>`` (``builtin::`` for cadrecore's
    own); every parameter a rule lists must be registered.

    :param register: the host's callback, taking one :class:`~cadrecore.rules.Rule`.
    """


@hookspec
def parameter_overrides() -> list[PluginOverride]:
    """Return this plugin's own values for registered parameters (a locality's practice).

    A ledger's own ``parameters.yaml`` still wins over these.

    :return: a list of :class:`~cadrecore.rules.PluginOverride` (empty for none).
    """
    return []


# =============================================================================================
# Services: called while a ledger is checked, and when a service record changes state
# =============================================================================================


@hookspec
def validate_service_record(
    record: ServiceRecord, service_type: ServiceType, ledger: Ledger
) -> list[Text] | None:
    """Check one service record beyond its own fields (against the roster, say).

    Called for every service record each time a ledger is built; look at
    ``record.service_type`` and return None for records that are not yours.

    :param record: the record, its ``details`` already checked by the type's model and held
        as that model's instance (``record.details.hospital``).
    :param service_type: the registered type of the record.
    :param ledger: the ledger being built (its lookups work; its own checks are under way).
    :return: what is wrong, one :class:`~cadrecore.Text` each; empty or None when nothing is.
        A plugin that fails here is itself a problem of the record, naming the plugin.
    """


@hookspec
def after_service_transition(ledger: Ledger, record: ServiceRecord, event: ServiceEvent) -> None:
    """React to a service record's change of state (notify someone, plan a follow-up).

    Called by :func:`cadrecore.services.transition` after the move succeeded; a failure here
    is reported as a warning naming the plugin and does not undo the move.

    :param ledger: the new ledger, with the record moved.
    :param record: the record in its new state.
    :param event: the event recorded: new state, date, actor and role.
    """


# =============================================================================================
# Reports: called when the annual report is assembled
# =============================================================================================


@hookspec
def report_sections(
    ledger: Ledger, report: Report, lang: str, ctx: SectionContext
) -> list[ReportSection] | None:
    """Contribute sections to the annual report (a department's services, say).

    Called only for a ledger that uses the plugin (see ``plugins:`` in ``ledger.yaml``).

    :param ledger: the ledger reported on.
    :param report: the year's rule evaluation (findings, occurrences, measures).
    :param lang: ``zh`` or ``en``, the report's language (sections carry both anyway).
    :param ctx: what the section shares with its plugin's rules: ``ctx.param(key, unit_id)``
        the parameters in force on the report's day, for each unit; ``ctx.plugin`` and
        ``ctx.namespace``; ``ctx.findings``, ``ctx.occurrences`` and ``ctx.measures`` of its own
        rules. (Take it or leave it: a hook that does not name ``ctx`` is called without it.)
    :return: the sections to add, each with an ``order`` that places it. A plugin that fails
        here is listed in the report's ``failures`` and contributes no section.
    """
