"""The slice of botocore's SSM service model that ssmkit covers, for the tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import botocore.session
from botocore.model import OperationModel, Shape, StructureShape

if TYPE_CHECKING:
    from collections.abc import Iterator

SESSION = botocore.session.get_session()
SERVICE = SESSION.get_service_model("ssm")
PAGINATORS: dict[str, dict[str, object]] = SESSION.get_component(
    "data_loader"
).load_service_model("ssm", "paginators-1")["pagination"]

#: The operations whose calls tests/test_client.py spells out case by case; the
#: generated tests of tests/test_operations.py call every operation.
OPERATIONS = sorted(
    [
        "CreateAssociation",
        "CreateAssociationBatch",
        "DescribeAssociation",
        "DescribeAssociationExecutions",
        "DescribeAutomationExecutions",
        "DescribeMaintenanceWindowExecutionTasks",
        "DescribeMaintenanceWindowTasks",
        "GetAutomationExecution",
        "GetMaintenanceWindowExecutionTask",
        "GetMaintenanceWindowTask",
        "ListCommands",
        "RegisterTaskWithMaintenanceWindow",
        "SendCommand",
        "StartAutomationExecution",
        "UpdateAssociation",
        "UpdateAssociationStatus",
        "UpdateMaintenanceWindowTask",
        "ListAssociations",
        "DeleteAssociation",
        "ListAssociationVersions",
        "DescribeAssociationExecutionTargets",
        "StartAssociationsOnce",
        "GetCommandInvocation",
        "ListCommandInvocations",
        "CancelCommand",
        "StopAutomationExecution",
        "DeregisterTaskFromMaintenanceWindow",
    ]
)


def operation(name: str) -> OperationModel:
    return SERVICE.operation_model(name)


#: Every operation of the service model.
ALL_OPERATIONS = sorted(SERVICE.operation_names)


def _structures(shape: Shape, seen: set[str]) -> Iterator[StructureShape]:
    if isinstance(shape, StructureShape):
        if shape.name in seen:
            return
        seen.add(shape.name)
        yield shape
        for member in shape.members.values():
            yield from _structures(member, seen)
    elif shape.type_name == "list":
        yield from _structures(shape.member, seen)  # type: ignore[attr-defined]
    elif shape.type_name == "map":
        yield from _structures(shape.value, seen)  # type: ignore[attr-defined]


def reached_structures() -> dict[str, StructureShape]:
    """Every structure shape the operations reach, request and result wrappers aside."""
    found: dict[str, StructureShape] = {}
    for name in ALL_OPERATIONS:
        op = operation(name)
        for wrapper in (op.input_shape, op.output_shape):
            if wrapper is None:
                continue
            for member in wrapper.members.values():
                for shape in _structures(member, {wrapper.name}):
                    found[shape.name] = shape
    return found


def result_shapes() -> dict[str, StructureShape]:
    """The results that ssmkit returns whole: several members, not paginated."""
    found = {}
    for name in ALL_OPERATIONS:
        out = operation(name).output_shape
        if out is not None and len(out.members) > 1 and name not in PAGINATORS:
            found[out.name] = out
    return found
