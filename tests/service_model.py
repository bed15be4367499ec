"""The SSM service model ssmkit was generated from, for the tests that walk it.

Not the installed botocore's: botocore releases almost every weekday, and a
model newer than the generation must break no test. The generation's model
is kept in ``tools/generated_from`` (``python tools/generate.py`` writes it);
members newer than it are tested by what the models keep of what they do not
know.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import botocore.loaders
from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

if TYPE_CHECKING:
    from collections.abc import Iterator

#: The generation's model, laid out as a botocore data path.
GENERATED_FROM = Path(__file__).resolve().parent.parent / "tools" / "generated_from"
#: The botocore release it came with.
GENERATED_VERSION = (GENERATED_FROM / "botocore-version").read_text().strip()

LOADER = botocore.loaders.Loader(
    extra_search_paths=[str(GENERATED_FROM)], include_default_search_paths=False
)
SERVICE = ServiceModel(LOADER.load_service_model("ssm", "service-2"), "ssm")
PAGINATORS: dict[str, dict[str, object]] = LOADER.load_service_model(
    "ssm", "paginators-1"
)["pagination"]

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
