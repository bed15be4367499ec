"""Every operation, called with every member set, through botocore's Stubber.

The request and the answer are built from botocore's own shapes with every
member present (down to a depth, for shapes that hold themselves), so a
member that ssmkit drops, renames or mistypes on either side fails here.
"""

from __future__ import annotations

import datetime
from typing import Any

import attrs
import boto3
import botocore
import pytest
from botocore.model import OperationModel, Shape, StructureShape
from botocore.stub import Stubber

import ssmkit
from ssmkit import models, to_boto
from ssmkit.models import FrozenDict, Model, SSMEnum

from .service_model import ALL_OPERATIONS, PAGINATORS, operation

#: The safe updates: their own tests cover them, describe and merge included.
SAFE = {
    "UpdateAssociation",
    "UpdateMaintenanceWindow",
    "UpdateMaintenanceWindowTarget",
    "UpdateMaintenanceWindowTask",
    "UpdatePatchBaseline",
}
WHEN = datetime.datetime(2026, 11, 24, 6, 30, 15, tzinfo=datetime.timezone.utc)
#: How deep optional members are filled in a shape that holds itself.
DEPTH = 4


#: The shapes of schedule expressions, which ssmkit checks before sending.
SCHEDULES = {"ScheduleExpression", "MaintenanceWindowSchedule"}


def full(shape: Shape, depth: int = 0) -> Any:
    """A value of ``shape`` with every member set, as boto3 takes and gives it."""
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        members = shape.members
        if shape.metadata.get("union"):
            # "Exactly one member must be set."
            first = next(iter(members))
            return {first: full(members[first], depth + 1)}
        required = set(shape.required_members)
        return {
            name: full(member, depth + 1)
            for name, member in members.items()
            if depth < DEPTH or name in required
        }
    if kind == "list":
        count = max(1, shape.metadata.get("min", 1))
        if depth >= DEPTH and not shape.metadata.get("min"):
            return []
        return [full(shape.member, depth + 1) for _ in range(count)]  # type: ignore[attr-defined]
    if kind == "map":
        key = full(shape.key, depth + 1)  # type: ignore[attr-defined]
        return {key: full(shape.value, depth + 1)}  # type: ignore[attr-defined]
    if kind == "string":
        if shape.name in SCHEDULES:
            return "cron(0 2 ? * SUN *)"  # checked against AWS's syntax
        if shape.enum:  # type: ignore[attr-defined]
            return shape.enum[-1]  # type: ignore[attr-defined]
        size = max(shape.metadata.get("min", 1), 1)
        return (shape.name.lower() * size)[: max(size, 1)] or "x"
    if kind in ("integer", "long"):
        return (
            max(shape.metadata.get("min", 7), 7)
            if "max" not in shape.metadata
            else shape.metadata.get("min", 1)
        )
    if kind == "boolean":
        return True
    if kind in ("double", "float"):
        return 2.5
    if kind == "timestamp":
        return WHEN
    if kind == "blob":
        return b"\x00blob\xff"
    raise NotImplementedError(kind)


def typed(shape: Shape, value: Any) -> Any:
    """The value an ssmkit caller passes for a member: models and enums."""
    if isinstance(shape, StructureShape):
        return ssmkit.from_boto(getattr(models, shape.name), value)
    if shape.type_name == "list":
        return [typed(shape.member, item) for item in value]  # type: ignore[attr-defined]
    if shape.type_name == "map":
        return {k: typed(shape.value, v) for k, v in value.items()}  # type: ignore[attr-defined]
    if shape.type_name == "string" and shape.enum:  # type: ignore[attr-defined]
        return getattr(models, shape.name)(value)
    return value


def assert_precise(value: Any, shape: Shape) -> None:
    """A result holds models, enums, tuples and frozen maps all the way down."""
    if isinstance(shape, StructureShape):
        assert type(value) is getattr(models, shape.name), shape.name
        assert isinstance(value, Model)
        for field in attrs.fields(type(value)):
            inner = getattr(value, field.name)
            if inner is not None:
                wire = field.metadata[models.WIRE_NAME]
                assert_precise(inner, shape.members[wire])
    elif shape.type_name == "list":
        assert isinstance(value, tuple), shape.name
        for item in value:
            assert_precise(item, shape.member)  # type: ignore[attr-defined]
    elif shape.type_name == "map":
        assert isinstance(value, FrozenDict), shape.name
        for item in value.values():
            assert_precise(item, shape.value)  # type: ignore[attr-defined]
    elif shape.type_name == "string" and shape.enum:  # type: ignore[attr-defined]
        assert isinstance(value, SSMEnum)
        assert type(value).__name__ == shape.name


@pytest.fixture(scope="module")
def boto() -> Any:
    return boto3.session.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="eu-west-1",
    ).client("ssm")


def case(op: OperationModel) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The request, the method's keywords, and the answer of one operation."""
    request: dict[str, Any] = {}
    kwargs: dict[str, Any] = {}
    if op.input_shape is not None:
        for name, member in op.input_shape.members.items():
            if op.name in PAGINATORS and name == "NextToken":
                continue  # the iterator walks the pages itself
            request[name] = full(member, 1)
            kwargs[botocore.xform_name(name)] = typed(member, request[name])
    answer = full(op.output_shape) if op.output_shape is not None else {}
    if op.name in PAGINATORS:
        answer.pop("NextToken", None)  # one page: the walk ends there
    return request, kwargs, answer


@pytest.mark.parametrize("name", [n for n in ALL_OPERATIONS if n not in SAFE])
def test_every_operation_sends_every_member_and_types_every_answer(
    boto: Any, name: str
) -> None:
    op = operation(name)
    request, kwargs, answer = case(op)
    client = ssmkit.Client(boto3_client=boto)
    method = botocore.xform_name(name)
    with Stubber(boto) as stub:
        # The Stubber refuses a request that differs from this one in any way.
        stub.add_response(method, answer, expected_params=request)
        result = getattr(client, method)(**kwargs)
        if name in PAGINATORS:
            result = list(result)
        stub.assert_no_pending_responses()

    out = op.output_shape
    if name in PAGINATORS:
        key = str(PAGINATORS[name]["result_key"])
        assert out is not None
        assert to_boto(tuple(result)) == answer[key]
        for item in result:
            assert_precise(item, out.members[key].member)  # type: ignore[attr-defined]
    elif out is None or not out.members:
        assert result is None
    elif len(out.members) == 1:
        ((key, shape),) = out.members.items()
        assert to_boto(result) == answer[key]
        assert_precise(result, shape)
    else:
        assert to_boto(result) == answer
        assert_precise(result, out)


def test_the_cases_cover_every_operation_but_the_safe_updates() -> None:
    assert len(ALL_OPERATIONS) >= 154
    client_methods = {m for m in dir(ssmkit.Client) if not m.startswith("_")}
    for name in ALL_OPERATIONS:
        assert botocore.xform_name(name) in client_methods, name


def test_a_limit_stops_the_walk_and_fetches_no_further_page(boto: Any) -> None:
    client = ssmkit.Client(boto3_client=boto)
    with Stubber(boto) as stub:
        stub.add_response(
            "describe_parameters",
            {"Parameters": [{"Name": "a"}, {"Name": "b"}], "NextToken": "t2"},
            expected_params={"MaxResults": 2},
        )
        stub.add_response(
            "describe_parameters",
            {"Parameters": [{"Name": "c"}, {"Name": "d"}], "NextToken": "t3"},
            expected_params={"MaxResults": 2, "NextToken": "t2"},
        )
        names = [p.name for p in client.describe_parameters(max_results=2, limit=3)]
        stub.assert_no_pending_responses()
    assert names == ["a", "b", "c"]
    with Stubber(boto) as stub:
        assert list(client.describe_parameters(limit=0)) == []
    with pytest.raises(ssmkit.errors.ValidationError, match="limit must be"):
        client.describe_parameters(limit=-1)
