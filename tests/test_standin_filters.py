"""The local SSM's filters, each key as AWS documents it, through botocore.

ListAssociations takes an ``AssociationFilterList`` whose keys the service
model lists (``AssociationFilterKey``): ``AssociationStatusName`` is the
association's status (``Pending``, ``Success``, ``Failed``), and
``LastExecutedBefore`` / ``LastExecutedAfter`` compare its last run with a
date. DescribeAssociationExecutions takes ``Filters`` of ``ExecutionId``,
``Status`` and ``CreatedTime``, with ``Type`` ``EQUAL``, ``LESS_THAN`` or
``GREATER_THAN`` (the AWS CLI's published example:
``--filters "Key=CreatedTime,Value=2019-02-18T16:00:00Z,Type=GREATER_THAN"``).
"""

from __future__ import annotations

import datetime
import time
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ssmkit.testing import StandIn

RUN = "AWS-RunShellScript"


def create(boto: Any, name: str, node: str) -> str:
    return boto.create_association(  # type: ignore[no-any-return]
        Name=RUN,
        AssociationName=name,
        Targets=[{"Key": "InstanceIds", "Values": [node]}],
        Parameters={"commands": ["uptime"]},
    )["AssociationDescription"]["AssociationId"]


def listed(boto: Any, key: str, value: str) -> set[str]:
    found = boto.list_associations(
        AssociationFilterList=[{"key": key, "value": value}]
    )["Associations"]
    return {a["AssociationId"] for a in found}


def a_moment_between(boto: Any, first: str, second: str) -> str:
    def last(association_id: str) -> datetime.datetime:
        return boto.describe_association(AssociationId=association_id)[  # type: ignore[no-any-return]
            "AssociationDescription"
        ]["LastExecutionDate"]

    earlier, later = last(first), last(second)
    assert earlier < later
    return (earlier + (later - earlier) / 2).isoformat()


def test_association_status_name_is_the_association_s_status(
    boto: Any, stand_in: StandIn
) -> None:
    stand_in.fail_runs(["i-0bad"])
    good = create(boto, "good", "i-0good")
    bad = create(boto, "bad", "i-0bad")

    assert listed(boto, "AssociationStatusName", "Success") == {good}
    assert listed(boto, "AssociationStatusName", "Failed") == {bad}
    assert listed(boto, "AssociationStatusName", "Pending") == set()


def test_last_executed_before_and_after_split_at_the_date(boto: Any) -> None:
    first = create(boto, "first", "i-01")
    time.sleep(0.05)
    second = create(boto, "second", "i-02")
    moment = a_moment_between(boto, first, second)

    assert listed(boto, "LastExecutedBefore", moment) == {first}
    assert listed(boto, "LastExecutedAfter", moment) == {second}
    # A date with its zone, as the AWS CLI's examples write it.
    assert listed(boto, "LastExecutedBefore", "2000-01-01T00:00:00Z") == set()
    assert listed(boto, "LastExecutedAfter", "2000-01-01T00:00:00Z") == {
        first,
        second,
    }


def executions(boto: Any, association_id: str, *filters: dict[str, str]) -> list[str]:
    found = boto.describe_association_executions(
        AssociationId=association_id, Filters=list(filters)
    )["AssociationExecutions"]
    return [e["ExecutionId"] for e in found]


def test_association_executions_are_filtered_by_each_key_and_type(
    boto: Any, stand_in: StandIn
) -> None:
    association_id = create(boto, "runs", "i-0a")
    time.sleep(0.05)
    stand_in.fail_runs(["i-0a"])
    boto.start_associations_once(AssociationIds=[association_id])
    runs = boto.describe_association_executions(AssociationId=association_id)[
        "AssociationExecutions"
    ]
    by_status = {run["Status"]: run for run in runs}
    assert set(by_status) == {"Success", "Failed"}
    first, then = by_status["Success"], by_status["Failed"]
    moment = (
        first["CreatedTime"] + (then["CreatedTime"] - first["CreatedTime"]) / 2
    ).isoformat()

    def only(key: str, value: str, kind: str = "EQUAL") -> list[str]:
        return executions(
            boto, association_id, {"Key": key, "Value": value, "Type": kind}
        )

    assert only("Status", "Failed") == [then["ExecutionId"]]
    assert only("Status", "Success") == [first["ExecutionId"]]
    assert only("ExecutionId", first["ExecutionId"], "EQUAL") == [first["ExecutionId"]]
    assert only("CreatedTime", moment, "GREATER_THAN") == [then["ExecutionId"]]
    assert only("CreatedTime", moment, "LESS_THAN") == [first["ExecutionId"]]
    created = first["CreatedTime"].isoformat()
    assert only("CreatedTime", created, "EQUAL") == [first["ExecutionId"]]
    # Filters together: each must hold.
    both = executions(
        boto,
        association_id,
        {"Key": "Status", "Value": "Success", "Type": "EQUAL"},
        {"Key": "CreatedTime", "Value": moment, "Type": "GREATER_THAN"},
    )
    assert both == []


def test_associations_are_filtered_by_each_identifying_key(boto: Any) -> None:
    patch = boto.create_association(
        Name="AWS-RunPatchBaseline",
        AssociationName="patch",
        Targets=[{"Key": "resource-groups:Name", "Values": ["web-servers"]}],
    )["AssociationDescription"]["AssociationId"]
    run = create(boto, "run", "i-0a")
    # The published example: --association-filter-list "key=Name,value=...".
    assert listed(boto, "Name", "AWS-RunPatchBaseline") == {patch}
    assert listed(boto, "Name", RUN) == {run}
    assert listed(boto, "AssociationName", "run") == {run}
    assert listed(boto, "AssociationName", "Run") == set()
    assert listed(boto, "AssociationId", patch) == {patch}
    assert listed(boto, "ResourceGroupName", "web-servers") == {patch}
    assert listed(boto, "ResourceGroupName", "db-servers") == set()
    # "Filtering associations using the InstanceID attribute only returns
    # legacy associations created using the InstanceID attribute."
    legacy = boto.create_association(Name=RUN, InstanceId="i-0123456789abcdef0")[
        "AssociationDescription"
    ]["AssociationId"]
    assert listed(boto, "InstanceId", "i-0123456789abcdef0") == {legacy}
    assert listed(boto, "InstanceId", "i-0a") == set()
    # Filters together: each must hold.
    both = boto.list_associations(
        AssociationFilterList=[
            {"key": "Name", "value": RUN},
            {"key": "AssociationName", "value": "run"},
        ]
    )["Associations"]
    assert [a["AssociationId"] for a in both] == [run]


def test_a_filter_key_or_date_the_service_does_not_know_is_refused(boto: Any) -> None:
    unchecked = boto3.client(
        "ssm", region_name="us-east-1", config=Config(parameter_validation=False)
    )
    with pytest.raises(ClientError) as caught:
        unchecked.list_associations(
            AssociationFilterList=[{"key": "Colour", "value": "blue"}]
        )
    error = caught.value.response["Error"]
    # A key outside the model's enum is refused as any such value is.
    # (The set is the installed botocore's: a newer one may list more.)
    assert error["Code"] == "ValidationException"
    assert error["Message"].startswith(
        "1 validation error detected: Value 'Colour' at "
        "'associationFilterList.1.member.key' failed to satisfy constraint: "
        "Member must satisfy enum value set: [InstanceId, Name, AssociationId, "
    )
    with pytest.raises(ClientError) as caught:
        boto.list_associations(
            AssociationFilterList=[{"key": "LastExecutedBefore", "value": "soon"}]
        )
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "ValidationException",
        "The filter value isn't valid: soon",
    )
