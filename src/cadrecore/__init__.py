"""cadrecore: typed models, policy rules and plugins for veteran cadre work (老干部工作).

The public API::

    import cadrecore
    ledger = cadrecore.load_ledger("examples/xinzhou")
    ledger.members_of("xz.branch.team.001")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import os
    from pathlib import Path

from . import _in_force
from ._lazy import lazy_names
from ._markers import hookimpl
from ._version import __version__

if TYPE_CHECKING:
    from .calendar import Period
    from .errors import (
        BilingualValueError,
        CadrecoreError,
        LedgerError,
        Location,
        PluginError,
        Problem,
        UnknownKeyError,
    )
    from .i18n import Text
    from .io.folder import load_ledger, save_ledger
    from .io.importing import import_files, import_into_store
    from .io.xlsx import export_cadres, export_xlsx
    from .ledger import Ledger
    from .plugins import (
        ENTRY_POINT_GROUP,
        build_registry,
        describe_plugins,
        get_plugin_manager,
        get_registry,
        new_plugin_manager,
        using_plugin_manager,
    )
    from .registry import (
        ActivityKind,
        BranchType,
        ChecklistItem,
        ItemCondition,
        LeadersPresent,
        MinimumAttendance,
        PlanMetric,
        Registry,
        ServiceType,
    )
    from .store import Store, open_store, verify_audit

#: Everything but ``hookimpl`` is imported when first used: a plugin module does
#: ``from cadrecore import hookimpl`` and must not pay for the models, the ledger, the store
#: (SQLAlchemy) or spreadsheets (openpyxl) just to be registered (``cadrecore plugins`` and
#: ``cadrecore --help`` start in a fraction of a second because of this).
_LAZY = {
    "Period": "calendar",
    "BilingualValueError": "errors",
    "CadrecoreError": "errors",
    "LedgerError": "errors",
    "Location": "errors",
    "PluginError": "errors",
    "Problem": "errors",
    "UnknownKeyError": "errors",
    "Text": "i18n",
    "load_ledger": "io.folder",
    "save_ledger": "io.folder",
    "Ledger": "ledger",
    "ENTRY_POINT_GROUP": "plugins",
    "build_registry": "plugins",
    "describe_plugins": "plugins",
    "get_plugin_manager": "plugins",
    "get_registry": "plugins",
    "new_plugin_manager": "plugins",
    "using_plugin_manager": "plugins",
    "ActivityKind": "registry",
    "BranchType": "registry",
    "ChecklistItem": "registry",
    "ItemCondition": "registry",
    "LeadersPresent": "registry",
    "MinimumAttendance": "registry",
    "PlanMetric": "registry",
    "Registry": "registry",
    "ServiceType": "registry",
    "Store": "store",
    "open_store": "store",
    "verify_audit": "store",
    "import_files": "io.importing",
    "import_into_store": "io.importing",
    "export_xlsx": "io.xlsx",
    "export_cadres": "io.xlsx",
}


__all__ = [
    "ENTRY_POINT_GROUP",
    "ActivityKind",
    "BilingualValueError",
    "BranchType",
    "CadrecoreError",
    "ChecklistItem",
    "ItemCondition",
    "LeadersPresent",
    "Ledger",
    "LedgerError",
    "Location",
    "MinimumAttendance",
    "Period",
    "PlanMetric",
    "PluginError",
    "Problem",
    "Registry",
    "ServiceType",
    "Store",
    "Text",
    "UnknownKeyError",
    "__version__",
    "build_registry",
    "describe_plugins",
    "export_cadres",
    "export_xlsx",
    "get_plugin_manager",
    "get_registry",
    "hookimpl",
    "import_files",
    "import_into_store",
    "load_ledger",
    "new_plugin_manager",
    "open_store",
    "save_ledger",
    "using_plugin_manager",
    "verify_audit",
]

__getattr__, __dir__ = lazy_names(__name__, _LAZY, __all__)


# ---------------------------------------------------------------------------------------------
# The one place where the layers are put together: what a layer above hands down to the layers
# below it (see cadrecore._in_force and docs/architecture.md). Each function imports its layer
# when first called, so that importing the package stays as cheap as it was.
# ---------------------------------------------------------------------------------------------


def _registry_of_plugins() -> Registry:
    from .plugins import get_registry

    return get_registry()


def _write_ledger_folder(ledger: Ledger, path: str | os.PathLike[str]) -> Path:
    from .io.folder import save_ledger

    return save_ledger(ledger, path)


_in_force.provide(registry=_registry_of_plugins, folder_writer=_write_ledger_folder)
