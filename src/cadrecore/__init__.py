"""cadrecore: typed models, policy rules and plugins for veteran cadre work (老干部工作).

The public API::

    import cadrecore
    ledger = cadrecore.load_ledger("examples/xinzhou")
    ledger.members_of("xz.branch.team.001")
"""

from __future__ import annotations

from .calendar import Period
from .errors import CadrecoreError, LedgerError, Location, PluginError, Problem, UnknownKeyError
from .i18n import Text
from .io.folder import load_ledger, save_ledger
from .ledger import Ledger
from .plugins import (
    ENTRY_POINT_GROUP,
    build_registry,
    describe_plugins,
    get_plugin_manager,
    get_registry,
    hookimpl,
    new_plugin_manager,
    using_plugin_manager,
)
from .registry import (
    ActivityKind,
    BranchType,
    ChecklistItem,
    PlanMetric,
    Registry,
    ServiceType,
)

__version__ = "0.1.0"

__all__ = [
    "ENTRY_POINT_GROUP",
    "ActivityKind",
    "BranchType",
    "CadrecoreError",
    "ChecklistItem",
    "Ledger",
    "LedgerError",
    "Location",
    "Period",
    "PlanMetric",
    "PluginError",
    "Problem",
    "Registry",
    "ServiceType",
    "Text",
    "UnknownKeyError",
    "__version__",
    "build_registry",
    "describe_plugins",
    "get_plugin_manager",
    "get_registry",
    "hookimpl",
    "load_ledger",
    "new_plugin_manager",
    "save_ledger",
    "using_plugin_manager",
]
