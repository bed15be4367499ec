"""ssmkit: a typed AWS Systems Manager client whose updates touch only what you name."""

import logging

from . import errors, models
from ._bulk import BulkResult
from ._changes import AssociationChanges, MaintenanceWindowTaskChanges
from ._client import Client
from ._convert import from_boto, from_json, make_converter, to_boto, to_json
from ._declared import ApplyResult, AssociationsPlan, PlannedAssociation
from ._safe import (
    UpdatePlan,
    plan_association_update,
    plan_maintenance_window_task_update,
    safe_update_association,
    safe_update_maintenance_window_task,
)
from ._sentinel import CLEAR, Clear
from ._version import __version__
from ._wire import Change
from .errors import SSMKitError

# A library logs; the application decides where records go.
logging.getLogger("ssmkit").addHandler(logging.NullHandler())

__all__ = [
    "CLEAR",
    "ApplyResult",
    "AssociationChanges",
    "AssociationsPlan",
    "BulkResult",
    "Change",
    "Clear",
    "Client",
    "MaintenanceWindowTaskChanges",
    "PlannedAssociation",
    "SSMKitError",
    "UpdatePlan",
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
