"""ssmkit: a typed AWS Systems Manager client whose updates touch only what you name.

Names are imported on first use: ``import ssmkit`` loads neither boto3 nor
the client, so the ``ssmkit`` command answers ``--help`` at once; the first
use of ``ssmkit.Client`` loads both (boto3 first), the models of an area
load with its first call, and the safe helpers, plans and converter with
theirs.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from . import errors, models
from ._sentinel import CLEAR, Clear
from ._version import __version__
from .errors import SSMKitError

if TYPE_CHECKING:
    from ._bulk import BulkResult
    from ._changes import (
        AssociationChanges,
        MaintenanceWindowChanges,
        MaintenanceWindowTargetChanges,
        MaintenanceWindowTaskChanges,
        PatchBaselineChanges,
    )
    from ._client import Client
    from ._convert import from_boto, from_json, make_converter, to_boto, to_json
    from ._declared import ApplyResult, AssociationsPlan, PlannedAssociation
    from ._fleet import Fleet, FleetPlan, FleetProgress, FleetResult, FleetTarget
    from ._plan import Plan
    from ._safe import (
        UpdatePlan,
        plan_association_update,
        plan_maintenance_window_task_update,
        safe_update_association,
        safe_update_maintenance_window_task,
    )
    from ._waits import (
        AssociationRun,
        AssociationRunTarget,
        AssociationUpdate,
        CommandRun,
        CommandRunInvocation,
    )
    from ._windows_code import PlannedWindowPart, WindowResult
    from ._wire import Change

# A library logs; the application decides where records go.
logging.getLogger("ssmkit").addHandler(logging.NullHandler())

#: The module of each name imported on first use.
_LAZY = {
    "Client": "_client",
    "AssociationChanges": "_changes",
    "MaintenanceWindowChanges": "_changes",
    "MaintenanceWindowTargetChanges": "_changes",
    "MaintenanceWindowTaskChanges": "_changes",
    "PatchBaselineChanges": "_changes",
    "BulkResult": "_bulk",
    "from_boto": "_convert",
    "from_json": "_convert",
    "make_converter": "_convert",
    "to_boto": "_convert",
    "to_json": "_convert",
    "ApplyResult": "_declared",
    "AssociationsPlan": "_declared",
    "PlannedAssociation": "_declared",
    "Plan": "_plan",
    "Fleet": "_fleet",
    "FleetPlan": "_fleet",
    "FleetProgress": "_fleet",
    "FleetResult": "_fleet",
    "FleetTarget": "_fleet",
    "PlannedWindowPart": "_windows_code",
    "WindowResult": "_windows_code",
    "UpdatePlan": "_safe",
    "plan_association_update": "_safe",
    "plan_maintenance_window_task_update": "_safe",
    "safe_update_association": "_safe",
    "safe_update_maintenance_window_task": "_safe",
    "Change": "_wire",
    "AssociationRun": "_waits",
    "AssociationRunTarget": "_waits",
    "AssociationUpdate": "_waits",
    "CommandRun": "_waits",
    "CommandRunInvocation": "_waits",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "CLEAR",
    "ApplyResult",
    "AssociationChanges",
    "AssociationRun",
    "AssociationRunTarget",
    "AssociationUpdate",
    "AssociationsPlan",
    "BulkResult",
    "Change",
    "Clear",
    "Client",
    "CommandRun",
    "CommandRunInvocation",
    "Fleet",
    "FleetPlan",
    "FleetProgress",
    "FleetResult",
    "FleetTarget",
    "MaintenanceWindowChanges",
    "MaintenanceWindowTargetChanges",
    "MaintenanceWindowTaskChanges",
    "PatchBaselineChanges",
    "Plan",
    "PlannedAssociation",
    "PlannedWindowPart",
    "SSMKitError",
    "UpdatePlan",
    "WindowResult",
    "__version__",
    "errors",
    "from_boto",
    "from_json",
    "make_converter",
    "models",
    "plan_association_update",
    "plan_maintenance_window_task_update",
    "safe_update_association",
    "safe_update_maintenance_window_task",
    "to_boto",
    "to_json",
]
