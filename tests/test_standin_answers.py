"""The local SSM's answers and refusals, read whole and word for word.

People test their own code against the local SSM: each member of an answer
and each word of a refusal is what their code sees. The answers here are
compared whole, through botocore's parser, so a member misnamed, lost or
added shows; the refusals are compared by code and message.
"""

from __future__ import annotations

import datetime
import time
import uuid
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.core.exceptions import ServiceException

from ssmkit.testing._service import _association_filter, _phase

if TYPE_CHECKING:
    from ssmkit.testing import StandIn

RUN = "AWS-RunShellScript"
RESTART = "AWS-RestartEC2Instance"
ROLE = "arn:aws:iam::123456789012:role/maintenance"
ALARMS = {"Alarms": [{"Name": "cpu-high"}], "IgnorePollAlarmFailure": True}
#: Who starts what the local SSM runs: its account's assumed test role.
EXECUTED_BY = "arn:aws:sts::123456789012:assumed-role/test/test"


def refusal(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    """A refusal's code and message, as botocore parsed them."""
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def answer(response: dict[str, Any]) -> dict[str, Any]:
    """An answer without botocore's metadata."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def utc(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(datetime.timezone.utc)


@pytest.fixture
def moments() -> list[datetime.datetime]:
    """The time a test starts, to the millisecond below, as the local SSM keeps it."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return [now.replace(microsecond=now.microsecond // 1000 * 1000)]


def since(moments: list[datetime.datetime], value: datetime.datetime) -> bool:
    """Whether ``value`` fell between the test's start and now."""
    return moments[0] <= utc(value) <= datetime.datetime.now(datetime.timezone.utc)


def only_run(boto: Any, association_id: str) -> dict[str, Any]:
    """An association's one run, as DescribeAssociationExecutions answers it."""
    (run,) = boto.describe_association_executions(AssociationId=association_id)[
        "AssociationExecutions"
    ]
    return run  # type: ignore[no-any-return]


def run_targets(boto: Any, run: dict[str, Any]) -> list[dict[str, Any]]:
    """A run's targets, as DescribeAssociationExecutionTargets answers them."""
    return boto.describe_association_execution_targets(  # type: ignore[no-any-return]
        AssociationId=run["AssociationId"], ExecutionId=run["ExecutionId"]
    )["AssociationExecutionTargets"]


# -- maintenance window runs ------------------------------------------------------

EVERY_MEMBER = {
    "TaskArn": RUN,
    "TaskType": "RUN_COMMAND",
    "Targets": [{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}],
    "ServiceRoleArn": ROLE,
    "TaskParameters": {"commands": {"Values": ["uptime"]}},
    "Priority": 2,
    "MaxConcurrency": "5",
    "MaxErrors": "1",
    "AlarmConfiguration": ALARMS,
}


def test_a_window_run_reports_each_task_whole(
    boto: Any, window: str, stand_in: StandIn, moments: list[datetime.datetime]
) -> None:
    full = boto.register_task_with_maintenance_window(WindowId=window, **EVERY_MEMBER)
    bare = boto.register_task_with_maintenance_window(
        WindowId=window, TaskArn=RESTART, TaskType="AUTOMATION"
    )
    assert full["WindowTaskId"] != bare["WindowTaskId"]
    execution_id = stand_in.run_maintenance_window(window)
    listed = boto.describe_maintenance_window_execution_tasks(
        WindowExecutionId=execution_id
    )["WindowExecutionTaskIdentities"]
    assert len(listed) == 2
    run, other = listed
    assert run["StartTime"] == run["EndTime"] == other["StartTime"]
    assert since(moments, run["StartTime"])
    when = {"StartTime": run["StartTime"], "EndTime": run["StartTime"]}
    # As AWS's describe-maintenance-window-execution-tasks example shows a run.
    assert listed == [
        {
            "WindowExecutionId": execution_id,
            "TaskExecutionId": run["TaskExecutionId"],
            "Status": "SUCCESS",
            "StatusDetails": "Success",
            **when,
            "TaskArn": RUN,
            "TaskType": "RUN_COMMAND",
            "AlarmConfiguration": ALARMS,
        },
        {
            "WindowExecutionId": execution_id,
            "TaskExecutionId": other["TaskExecutionId"],
            "Status": "SUCCESS",
            "StatusDetails": "Success",
            **when,
            "TaskArn": RESTART,
            "TaskType": "AUTOMATION",
        },
    ]
    assert run["TaskExecutionId"] != other["TaskExecutionId"]
    got = boto.get_maintenance_window_execution_task(
        WindowExecutionId=execution_id, TaskId=run["TaskExecutionId"]
    )
    # As AWS's get-maintenance-window-execution-task example shows one.
    assert answer(got) == {
        "WindowExecutionId": execution_id,
        "TaskExecutionId": run["TaskExecutionId"],
        "TaskArn": RUN,
        "ServiceRole": ROLE,
        "Type": "RUN_COMMAND",
        "TaskParameters": [{"commands": {"Values": ["uptime"]}}],
        "Priority": 2,
        "MaxConcurrency": "5",
        "MaxErrors": "1",
        "Status": "SUCCESS",
        "StatusDetails": "Success",
        **when,
        "AlarmConfiguration": ALARMS,
    }
    got = boto.get_maintenance_window_execution_task(
        WindowExecutionId=execution_id, TaskId=other["TaskExecutionId"]
    )
    # A targetless task runs with the placeholders it reads back.
    assert answer(got) == {
        "WindowExecutionId": execution_id,
        "TaskExecutionId": other["TaskExecutionId"],
        "TaskArn": RESTART,
        "Type": "AUTOMATION",
        "MaxConcurrency": "1",
        "MaxErrors": "1",
        "Status": "SUCCESS",
        "StatusDetails": "Success",
        **when,
    }
    # Each run is a run of its own.
    again = stand_in.run_maintenance_window(window)
    assert again != execution_id
    ran_again = boto.describe_maintenance_window_execution_tasks(
        WindowExecutionId=again
    )["WindowExecutionTaskIdentities"]
    assert {r["TaskExecutionId"] for r in ran_again}.isdisjoint(
        {run["TaskExecutionId"], other["TaskExecutionId"]}
    )


def test_a_window_run_s_tasks_are_found_by_status(
    boto: Any, window: str, stand_in: StandIn
) -> None:
    # Filters: "The supported filter key is Status with the corresponding
    # values PENDING, IN_PROGRESS, SUCCESS, FAILED, TIMED_OUT, CANCELLING, and
    # CANCELLED."
    boto.register_task_with_maintenance_window(WindowId=window, **EVERY_MEMBER)
    execution_id = stand_in.run_maintenance_window(window)

    def found(*values: str) -> int:
        listed = boto.describe_maintenance_window_execution_tasks(
            WindowExecutionId=execution_id,
            Filters=[{"Key": "Status", "Values": list(values)}],
        )["WindowExecutionTaskIdentities"]
        return len(listed)

    assert found("SUCCESS") == 1
    assert found("FAILED", "SUCCESS") == 1
    assert found("FAILED") == 0
    assert found("FAILED", "TIMED_OUT") == 0


def test_a_window_run_or_task_run_not_there_is_refused_in_the_service_s_words(
    boto: Any, window: str, stand_in: StandIn
) -> None:
    missing = "8d4b0a4e-0000-4000-8000-000000000009"
    with pytest.raises(ClientError) as caught:
        boto.describe_maintenance_window_execution_tasks(WindowExecutionId=missing)
    assert refusal(caught) == (
        "DoesNotExistException",
        f"Maintenance window execution {missing} does not exist",
    )
    execution_id = stand_in.run_maintenance_window(window)
    with pytest.raises(ClientError) as caught:
        boto.get_maintenance_window_execution_task(
            WindowExecutionId=execution_id, TaskId=missing
        )
    assert refusal(caught) == (
        "DoesNotExistException",
        f"Task execution {missing} does not exist",
    )


# -- automation -------------------------------------------------------------------


def test_an_automation_reads_back_whole(
    boto: Any, moments: list[datetime.datetime]
) -> None:
    execution_id = boto.start_automation_execution(
        DocumentName=RESTART,
        Parameters={"InstanceId": ["i-0123456789abcdef0"]},
        AlarmConfiguration=ALARMS,
    )["AutomationExecutionId"]
    uuid.UUID(execution_id)
    got = boto.get_automation_execution(AutomationExecutionId=execution_id)
    execution = got["AutomationExecution"]
    started = execution["ExecutionStartTime"]
    assert since(moments, started)
    # DocumentVersion and Mode read as their documented defaults.
    assert answer(got) == {
        "AutomationExecution": {
            "AutomationExecutionId": execution_id,
            "DocumentName": RESTART,
            "DocumentVersion": "$DEFAULT",
            "ExecutionStartTime": started,
            "AutomationExecutionStatus": "InProgress",
            "Parameters": {"InstanceId": ["i-0123456789abcdef0"]},
            "Mode": "Auto",
            "ExecutedBy": EXECUTED_BY,
            "AlarmConfiguration": ALARMS,
        }
    }
    listed = boto.describe_automation_executions()["AutomationExecutionMetadataList"]
    assert listed == [
        {
            "AutomationExecutionId": execution_id,
            "DocumentName": RESTART,
            "DocumentVersion": "$DEFAULT",
            "AutomationExecutionStatus": "InProgress",
            "ExecutionStartTime": started,
            "ExecutedBy": EXECUTED_BY,
            "Mode": "Auto",
            "AutomationType": "Local",
            "AlarmConfiguration": ALARMS,
        }
    ]


def test_an_automation_keeps_the_version_and_mode_it_was_given(boto: Any) -> None:
    execution_id = boto.start_automation_execution(
        DocumentName=RESTART,
        DocumentVersion="1",
        Mode="Interactive",
        TargetLocations=[{"Accounts": ["111122223333"], "Regions": ["us-east-1"]}],
    )["AutomationExecutionId"]
    execution = boto.get_automation_execution(AutomationExecutionId=execution_id)[
        "AutomationExecution"
    ]
    assert (execution["DocumentVersion"], execution["Mode"]) == ("1", "Interactive")
    assert execution["TargetLocations"] == [
        {"Accounts": ["111122223333"], "Regions": ["us-east-1"]}
    ]
    # An automation with target locations runs across accounts.
    (listed,) = boto.describe_automation_executions()["AutomationExecutionMetadataList"]
    assert listed["AutomationType"] == "CrossAccount"
    crossing = boto.describe_automation_executions(
        Filters=[{"Key": "AutomationType", "Values": ["CrossAccount"]}]
    )["AutomationExecutionMetadataList"]
    assert [e["AutomationExecutionId"] for e in crossing] == [execution_id]


def test_a_client_token_is_used_once_whatever_its_case(boto: Any) -> None:
    # ClientToken: "The token must be unique, is case insensitive, enforces the
    # UUID format, and can't be reused."
    token = "6f1c4e2a-8b3d-4c5e-9f7a-0b1c2d3e4f5a"
    first = boto.start_automation_execution(DocumentName=RESTART, ClientToken=token)
    for reused in (token, token.upper()):
        with pytest.raises(ClientError) as caught:
            boto.start_automation_execution(DocumentName=RESTART, ClientToken=reused)
        assert refusal(caught) == (
            "IdempotentParameterMismatch",
            "The client token was used before.",
        )
    upper = "7A2D5F3B-9C4E-4D6F-8A1B-1C2D3E4F5A6B"
    boto.start_automation_execution(DocumentName=RESTART, ClientToken=upper)
    with pytest.raises(ClientError) as caught:
        boto.start_automation_execution(DocumentName=RESTART, ClientToken=upper.lower())
    assert refusal(caught)[0] == "IdempotentParameterMismatch"
    # Without a token, each start is a run of its own.
    boto.start_automation_execution(DocumentName=RESTART)
    boto.start_automation_execution(DocumentName=RESTART)
    listed = boto.describe_automation_executions()["AutomationExecutionMetadataList"]
    assert len(listed) == 4
    assert first["AutomationExecutionId"] in {
        e["AutomationExecutionId"] for e in listed
    }


def test_an_automation_stopped_reads_as_its_stop_type_has_it(
    boto: Any, moments: list[datetime.datetime]
) -> None:
    # Type: "The stop request type. Valid types include the following: Cancel
    # and Complete. The default type is Cancel."
    ids = [
        boto.start_automation_execution(DocumentName=RESTART)["AutomationExecutionId"]
        for _ in range(3)
    ]
    assert answer(boto.stop_automation_execution(AutomationExecutionId=ids[0])) == {}
    boto.stop_automation_execution(AutomationExecutionId=ids[1], Type="Complete")
    boto.stop_automation_execution(AutomationExecutionId=ids[2], Type="Cancel")
    read = [
        boto.get_automation_execution(AutomationExecutionId=i)["AutomationExecution"]
        for i in ids
    ]
    assert [r["AutomationExecutionStatus"] for r in read] == [
        "Cancelled",
        "Success",
        "Cancelled",
    ]
    for execution in read:
        assert since(moments, execution["ExecutionEndTime"])
        assert execution["ExecutionEndTime"] >= execution["ExecutionStartTime"]
    listed = boto.describe_automation_executions(
        Filters=[{"Key": "ExecutionStatus", "Values": ["Success"]}]
    )["AutomationExecutionMetadataList"]
    assert [e["AutomationExecutionId"] for e in listed] == [ids[1]]
    assert listed[0]["ExecutionEndTime"] == read[1]["ExecutionEndTime"]
    # An automation that has ended cannot be stopped.
    with pytest.raises(ClientError) as caught:
        boto.stop_automation_execution(AutomationExecutionId=ids[1])
    assert refusal(caught) == (
        "InvalidAutomationStatusUpdateException",
        "The specified update status operation isn't valid.",
    )


def test_a_pending_automation_can_be_stopped(boto: Any, stand_in: StandIn) -> None:
    stand_in.set_run_duration(60)
    execution_id = boto.start_automation_execution(DocumentName=RESTART)[
        "AutomationExecutionId"
    ]
    execution = boto.get_automation_execution(AutomationExecutionId=execution_id)
    assert execution["AutomationExecution"]["AutomationExecutionStatus"] == "Pending"
    listed = boto.describe_automation_executions(
        Filters=[{"Key": "ExecutionStatus", "Values": ["Pending"]}]
    )["AutomationExecutionMetadataList"]
    assert [e["AutomationExecutionId"] for e in listed] == [execution_id]
    boto.stop_automation_execution(AutomationExecutionId=execution_id)
    execution = boto.get_automation_execution(AutomationExecutionId=execution_id)
    assert execution["AutomationExecution"]["AutomationExecutionStatus"] == "Cancelled"


@pytest.mark.parametrize(
    "call",
    [
        lambda boto, missing: boto.get_automation_execution(
            AutomationExecutionId=missing
        ),
        lambda boto, missing: boto.stop_automation_execution(
            AutomationExecutionId=missing
        ),
    ],
    ids=["get", "stop"],
)
def test_an_automation_not_there_is_refused_in_the_service_s_words(
    boto: Any, call: Any
) -> None:
    boto.start_automation_execution(DocumentName=RESTART)
    with pytest.raises(ClientError) as caught:
        call(boto, "8d4b0a4e-0000-4000-8000-000000000009")
    assert refusal(caught) == (
        "AutomationExecutionNotFoundException",
        "There is no automation execution information for the requested "
        "automation execution ID.",
    )


def test_a_resource_group_filter_passes_over_a_target_without_values(
    boto: Any,
) -> None:
    grouped = boto.start_automation_execution(
        DocumentName=RESTART,
        Targets=[{"Key": "ResourceGroup", "Values": ["web"]}],
        TargetParameterName="InstanceId",
    )["AutomationExecutionId"]
    boto.start_automation_execution(
        DocumentName=RESTART,
        Targets=[{"Key": "ResourceGroup"}],
        TargetParameterName="InstanceId",
    )
    listed = boto.describe_automation_executions(
        Filters=[{"Key": "TargetResourceGroup", "Values": ["web"]}]
    )["AutomationExecutionMetadataList"]
    assert [e["AutomationExecutionId"] for e in listed] == [grouped]


# -- maintenance window tasks -----------------------------------------------------

TARGETS = [{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}]


def task(boto: Any, window: str, task_id: str) -> dict[str, Any]:
    got = boto.get_maintenance_window_task(WindowId=window, WindowTaskId=task_id)
    return answer(got)


def test_a_run_command_task_needs_targets(boto: Any, window: str) -> None:
    with pytest.raises(ClientError) as caught:
        boto.register_task_with_maintenance_window(
            WindowId=window, TaskArn=RUN, TaskType="RUN_COMMAND"
        )
    assert refusal(caught) == (
        "ValidationException",
        "One or more targets must be specified for maintenance window "
        "Run Command-type tasks.",
    )
    assert boto.describe_maintenance_window_tasks(WindowId=window)["Tasks"] == []


@pytest.mark.parametrize("member", ["MaxConcurrency", "MaxErrors"])
def test_a_targetless_task_takes_no_rate_and_reads_back_its_placeholder(
    boto: Any, window: str, member: str
) -> None:
    # MaxConcurrency and MaxErrors: "For maintenance window tasks without a
    # target specified, you can't supply a value for this option. Instead, the
    # system inserts a placeholder value of 1."
    with pytest.raises(ClientError) as caught:
        boto.register_task_with_maintenance_window(
            WindowId=window, TaskArn=RESTART, TaskType="AUTOMATION", **{member: "2"}
        )
    assert refusal(caught) == (
        "ValidationException",
        f"{member}: for maintenance window tasks without a target specified, "
        "you can't supply a value for this option.",
    )
    task_id = boto.register_task_with_maintenance_window(
        WindowId=window, TaskArn=RESTART, TaskType="AUTOMATION"
    )["WindowTaskId"]
    assert task(boto, window, task_id) == {
        "WindowId": window,
        "WindowTaskId": task_id,
        "TaskArn": RESTART,
        "TaskType": "AUTOMATION",
        "MaxConcurrency": "1",
        "MaxErrors": "1",
    }


@pytest.mark.parametrize("member", ["MaxConcurrency", "MaxErrors"])
def test_a_task_with_targets_needs_both_rates(
    boto: Any, window: str, member: str
) -> None:
    # "a value can be omitted only when you are registering or updating a
    # targetless task. You must provide a value in all other cases."
    rates = {"MaxConcurrency": "2", "MaxErrors": "1"}
    del rates[member]
    with pytest.raises(ClientError) as caught:
        boto.register_task_with_maintenance_window(
            WindowId=window,
            TaskArn=RUN,
            TaskType="RUN_COMMAND",
            Targets=TARGETS,
            **rates,
        )
    assert refusal(caught) == (
        "ValidationException",
        f"{member}: a value can be omitted only for a targetless task.",
    )


def test_a_task_losing_its_targets_goes_back_to_the_placeholders(
    boto: Any, window: str
) -> None:
    task_id = boto.register_task_with_maintenance_window(
        WindowId=window,
        TaskArn=RESTART,
        TaskType="AUTOMATION",
        Targets=TARGETS,
        MaxConcurrency="3",
        MaxErrors="2",
        Priority=4,
    )["WindowTaskId"]
    # Targets set to an empty list: the task becomes targetless.
    updated = boto.update_maintenance_window_task(
        WindowId=window, WindowTaskId=task_id, Targets=[]
    )
    expected = {
        "WindowId": window,
        "WindowTaskId": task_id,
        "TaskArn": RESTART,
        "TaskType": "AUTOMATION",
        "Priority": 4,
        "MaxConcurrency": "1",
        "MaxErrors": "1",
    }
    assert task(boto, window, task_id) == expected
    assert {k: v for k, v in answer(updated).items() if k != "TaskType"} == {
        k: v for k, v in expected.items() if k != "TaskType"
    }
    # Targets again, with rates: kept as given.
    boto.update_maintenance_window_task(
        WindowId=window,
        WindowTaskId=task_id,
        Targets=TARGETS,
        MaxConcurrency="5",
        MaxErrors="4",
    )
    assert task(boto, window, task_id) == {
        **expected,
        "Targets": TARGETS,
        "MaxConcurrency": "5",
        "MaxErrors": "4",
    }
    # Losing them while naming a rate is refused, and changes nothing.
    with pytest.raises(ClientError) as caught:
        boto.update_maintenance_window_task(
            WindowId=window, WindowTaskId=task_id, Targets=[], MaxErrors="1"
        )
    assert refusal(caught)[0] == "ValidationException"
    assert task(boto, window, task_id)["Targets"] == TARGETS


def test_an_update_with_replace_keeps_only_what_it_names(
    boto: Any, window: str
) -> None:
    task_id = boto.register_task_with_maintenance_window(
        WindowId=window, **EVERY_MEMBER, Name="patch", Description="weekly"
    )["WindowTaskId"]
    with pytest.raises(ClientError) as caught:
        boto.update_maintenance_window_task(
            WindowId=window, WindowTaskId=task_id, Replace=True, Priority=1
        )
    assert refusal(caught) == (
        "ValidationException",
        "TaskArn is required when Replace is true.",
    )
    replaced = boto.update_maintenance_window_task(
        WindowId=window,
        WindowTaskId=task_id,
        TaskArn=RUN,
        Targets=TARGETS,
        MaxConcurrency="1",
        MaxErrors="1",
        Replace=True,
    )
    expected = {
        "WindowId": window,
        "WindowTaskId": task_id,
        "TaskArn": RUN,
        "TaskType": "RUN_COMMAND",
        "Targets": TARGETS,
        "MaxConcurrency": "1",
        "MaxErrors": "1",
    }
    assert task(boto, window, task_id) == expected
    assert answer(replaced) == {k: v for k, v in expected.items() if k != "TaskType"}


def test_a_task_s_document_is_checked_when_it_changes(boto: Any, window: str) -> None:
    task_id = boto.register_task_with_maintenance_window(
        WindowId=window, TaskArn=RESTART, TaskType="AUTOMATION"
    )["WindowTaskId"]
    with pytest.raises(ClientError) as caught:
        boto.update_maintenance_window_task(
            WindowId=window, WindowTaskId=task_id, TaskArn="no-such-document"
        )
    assert refusal(caught) == (
        "InvalidDocument",
        "The specified SSM document doesn't exist.",
    )
    assert task(boto, window, task_id)["TaskArn"] == RESTART


def test_a_task_or_window_not_there_is_refused_in_the_service_s_words(
    boto: Any, window: str
) -> None:
    missing = "8d4b0a4e-0000-4000-8000-000000000009"
    with pytest.raises(ClientError) as caught:
        boto.get_maintenance_window_task(WindowId=window, WindowTaskId=missing)
    assert refusal(caught) == (
        "DoesNotExistException",
        f"Maintenance window task {missing} does not exist",
    )
    with pytest.raises(ClientError) as caught:
        boto.describe_maintenance_window_tasks(WindowId="mw-0123456789abcdef0")
    assert refusal(caught) == (
        "DoesNotExistException",
        "Maintenance window mw-0123456789abcdef0 does not exist",
    )


# -- maintenance windows and their targets ----------------------------------------


def test_a_window_update_with_replace_names_each_member_it_lacks(
    boto: Any, window: str
) -> None:
    with pytest.raises(ClientError) as caught:
        boto.update_maintenance_window(WindowId=window, Name="renamed", Replace=True)
    assert refusal(caught) == (
        "ValidationException",
        "Schedule, Duration, Cutoff, AllowUnassociatedTargets must be specified "
        "when Replace is true.",
    )
    assert boto.get_maintenance_window(WindowId=window)["Name"] == "patching"


def test_a_window_s_modified_date_moves_with_each_update(
    boto: Any, window: str, moments: list[datetime.datetime]
) -> None:
    before = boto.get_maintenance_window(WindowId=window)
    # Made in one moment: a window never updated was modified when made.
    assert before["ModifiedDate"] == before["CreatedDate"]
    moments[0] = max(moments[0], utc(before["ModifiedDate"]))
    boto.update_maintenance_window(WindowId=window, Duration=4)
    after = boto.get_maintenance_window(WindowId=window)
    assert since(moments, after["ModifiedDate"])
    assert after["ModifiedDate"] >= before["ModifiedDate"]
    assert after["CreatedDate"] == before["CreatedDate"]
    assert after["Duration"] == 4


def register_target(boto: Any, window: str, name: str, **extra: Any) -> str:
    return boto.register_target_with_maintenance_window(  # type: ignore[no-any-return]
        WindowId=window,
        ResourceType="INSTANCE",
        Targets=[{"Key": "tag:Patch", "Values": [name]}],
        Name=name,
        **extra,
    )["WindowTargetId"]


def test_window_targets_are_read_whole_and_found_by_each_documented_key(
    boto: Any, window: str
) -> None:
    # "The supported filter keys are Type, WindowTargetId, and OwnerInformation."
    weekly = register_target(
        boto, window, "weekly", OwnerInformation="ops", Description="each week"
    )
    nightly = register_target(boto, window, "nightly")
    listed = boto.describe_maintenance_window_targets(WindowId=window)["Targets"]
    assert listed == [
        {
            "WindowId": window,
            "WindowTargetId": weekly,
            "ResourceType": "INSTANCE",
            "Targets": [{"Key": "tag:Patch", "Values": ["weekly"]}],
            "OwnerInformation": "ops",
            "Name": "weekly",
            "Description": "each week",
        },
        {
            "WindowId": window,
            "WindowTargetId": nightly,
            "ResourceType": "INSTANCE",
            "Targets": [{"Key": "tag:Patch", "Values": ["nightly"]}],
            "Name": "nightly",
        },
    ]

    def found(key: str, *values: str) -> list[str]:
        targets = boto.describe_maintenance_window_targets(
            WindowId=window, Filters=[{"Key": key, "Values": list(values)}]
        )["Targets"]
        return [t["Name"] for t in targets]

    assert found("Type", "INSTANCE") == ["weekly", "nightly"]
    assert found("Type", "RESOURCE_GROUP") == []
    assert found("OwnerInformation", "ops") == ["weekly"]
    assert found("WindowTargetId", nightly, weekly) == ["weekly", "nightly"]


def test_a_safe_deregistration_looks_only_at_tasks_naming_the_target(
    boto: Any, window: str
) -> None:
    # Safe: "The system checks if the target is being referenced by a task."
    named, other, free = (
        register_target(boto, window, name) for name in ("named", "other", "free")
    )
    # A window with no task yet lets any target go.
    boto.deregister_target_from_maintenance_window(
        WindowId=window, WindowTargetId=free, Safe=True
    )
    boto.register_task_with_maintenance_window(
        WindowId=window,
        TaskArn=RUN,
        TaskType="RUN_COMMAND",
        Targets=[{"Key": "WindowTargetIds", "Values": [named]}],
        MaxConcurrency="1",
        MaxErrors="1",
    )
    # A task whose targets are nodes, not window targets, names none.
    boto.register_task_with_maintenance_window(
        WindowId=window,
        TaskArn=RUN,
        TaskType="RUN_COMMAND",
        Targets=[{"Key": "InstanceIds", "Values": [other]}],
        MaxConcurrency="1",
        MaxErrors="1",
    )
    with pytest.raises(ClientError) as caught:
        boto.deregister_target_from_maintenance_window(
            WindowId=window, WindowTargetId=named, Safe=True
        )
    assert refusal(caught) == (
        "TargetInUseException",
        "You specified the Safe option for the DeregisterTargetFromMaintenanceWindow "
        "operation, but the target is still referenced in a task.",
    )
    gone = boto.deregister_target_from_maintenance_window(
        WindowId=window, WindowTargetId=other, Safe=True
    )
    assert answer(gone) == {"WindowId": window, "WindowTargetId": other}
    listed = boto.describe_maintenance_window_targets(WindowId=window)["Targets"]
    assert [t["WindowTargetId"] for t in listed] == [named]
    missing = "8d4b0a4e-0000-4000-8000-000000000009"
    with pytest.raises(ClientError) as caught:
        boto.deregister_target_from_maintenance_window(
            WindowId=window, WindowTargetId=missing
        )
    assert refusal(caught) == (
        "DoesNotExistException",
        f"Maintenance window target {missing} does not exist",
    )


def test_a_window_target_update_reads_back_whole(boto: Any, window: str) -> None:
    target_id = register_target(
        boto, window, "weekly", OwnerInformation="ops", Description="each week"
    )
    updated = boto.update_maintenance_window_target(
        WindowId=window, WindowTargetId=target_id, Description="every week"
    )
    assert answer(updated) == {
        "WindowId": window,
        "WindowTargetId": target_id,
        "Targets": [{"Key": "tag:Patch", "Values": ["weekly"]}],
        "OwnerInformation": "ops",
        "Name": "weekly",
        "Description": "every week",
    }


def test_a_baseline_not_there_is_refused_in_the_service_s_words(boto: Any) -> None:
    missing = "pb-0123456789abcdef0"
    for call in (boto.get_patch_baseline, boto.update_patch_baseline):
        with pytest.raises(ClientError) as caught:
            call(BaselineId=missing)
        assert refusal(caught) == (
            "DoesNotExistException",
            f"Patch baseline {missing} does not exist",
        )


@pytest.mark.parametrize(
    "operation",
    [
        "describe_maintenance_window_targets",
        "describe_maintenance_window_tasks",
        "describe_maintenance_window_execution_tasks",
    ],
)
def test_a_window_filter_without_a_key_is_refused(
    boto: Any, window: str, stand_in: StandIn, operation: str
) -> None:
    # The model leaves a filter's Key optional; a filter without one names
    # nothing to filter by, and is refused as a member missing.
    register_target(boto, window, "weekly")
    boto.register_task_with_maintenance_window(WindowId=window, **EVERY_MEMBER)
    given: dict[str, Any] = {"WindowId": window}
    if operation == "describe_maintenance_window_execution_tasks":
        given = {"WindowExecutionId": stand_in.run_maintenance_window(window)}
    with pytest.raises(ClientError) as caught:
        getattr(boto, operation)(**given, Filters=[{"Values": ["x"]}])
    assert refusal(caught) == (
        "ValidationException",
        "1 validation error detected: Value null at 'filters.1.member.key' "
        "failed to satisfy constraint: Member must not be null",
    )


@pytest.mark.parametrize(
    ("operation", "key", "listed"),
    [
        ("describe_maintenance_window_targets", "Type", "Targets"),
        ("describe_maintenance_window_tasks", "TaskType", "Tasks"),
        (
            "describe_maintenance_window_execution_tasks",
            "Status",
            "WindowExecutionTaskIdentities",
        ),
    ],
)
def test_a_window_filter_without_values_finds_nothing(
    boto: Any, window: str, stand_in: StandIn, operation: str, key: str, listed: str
) -> None:
    register_target(boto, window, "weekly")
    boto.register_task_with_maintenance_window(WindowId=window, **EVERY_MEMBER)
    given: dict[str, Any] = {"WindowId": window}
    if operation == "describe_maintenance_window_execution_tasks":
        given = {"WindowExecutionId": stand_in.run_maintenance_window(window)}
    assert len(getattr(boto, operation)(**given)[listed]) == 1
    found = getattr(boto, operation)(**given, Filters=[{"Key": key}])
    assert found[listed] == []


# -- commands that take time ------------------------------------------------------

NODES = ["i-0123456789abcdef0", "i-0123456789abcdef1"]


def command_read(boto: Any, command_id: str) -> dict[str, Any]:
    """What each reader of one command says: the command, its invocations, one."""
    (listed,) = boto.list_commands(CommandId=command_id)["Commands"]
    invocations = boto.list_command_invocations(CommandId=command_id, Details=True)[
        "CommandInvocations"
    ]
    counts = ("Status", "StatusDetails", "CompletedCount", "ErrorCount", "TargetCount")
    read: dict[str, Any] = {
        "command": {k: listed[k] for k in counts},
        "invocations": {
            i["InstanceId"]: (
                i["Status"],
                i["StatusDetails"],
                [(p["Status"], p["ResponseCode"]) for p in i["CommandPlugins"]],
            )
            for i in invocations
        },
    }
    for node in NODES:
        try:
            got = boto.get_command_invocation(CommandId=command_id, InstanceId=node)
        except ClientError as exc:
            read[node] = exc.response["Error"]["Code"]
        else:
            read[node] = (
                got["Status"],
                got["StatusDetails"],
                got["ResponseCode"],
                got["StandardErrorContent"],
            )
    return read


#: What each reader says of a command done on both nodes, failed on the second.
FAILED_ON_THE_SECOND = {
    "command": {
        "Status": "Failed",
        "StatusDetails": "Failed",
        "CompletedCount": 2,
        "ErrorCount": 1,
        "TargetCount": 2,
    },
    "invocations": {
        NODES[0]: ("Success", "Success", [("Success", 0)]),
        NODES[1]: ("Failed", "Failed", [("Failed", 1)]),
    },
    NODES[0]: ("Success", "Success", 0, ""),
    NODES[1]: ("Failed", "Failed", 1, "failed on this node (StandIn.fail_runs)"),
}


def sleep_until(start: float, seconds: float) -> None:

    time.sleep(max(0.0, start + seconds - time.monotonic()))


def test_a_command_and_an_automation_read_as_their_run_has_it_at_each_stage(
    boto: Any, stand_in: StandIn, moments: list[datetime.datetime]
) -> None:

    # Its first quarter: pending, and no invocation to be found yet.
    stand_in.set_run_duration(60)
    command_id = boto.send_command(DocumentName=RUN, InstanceIds=NODES)["Command"][
        "CommandId"
    ]
    assert command_read(boto, command_id) == {
        "command": {
            "Status": "Pending",
            "StatusDetails": "Pending",
            "CompletedCount": 0,
            "ErrorCount": 0,
            "TargetCount": 2,
        },
        "invocations": {},
        NODES[0]: "InvocationDoesNotExist",
        NODES[1]: "InvocationDoesNotExist",
    }
    # Then under way until its end, and done as each node has it.
    stand_in.set_run_duration(3.0)
    stand_in.fail_runs([NODES[1]])
    start = time.monotonic()
    command_id = boto.send_command(
        DocumentName=RUN, InstanceIds=NODES, Parameters={"commands": ["uptime"]}
    )["Command"]["CommandId"]
    automation = boto.start_automation_execution(DocumentName=RESTART)[
        "AutomationExecutionId"
    ]
    cancelled = boto.send_command(DocumentName=RUN, InstanceIds=NODES)["Command"][
        "CommandId"
    ]
    lasting = boto.create_association(
        Name=RUN, Targets=[{"Key": "InstanceIds", "Values": [NODES[0]]}]
    )["AssociationDescription"]["AssociationId"]
    boto.cancel_command(CommandId=cancelled, InstanceIds=[NODES[0]])

    def automation_status() -> str:
        got = boto.get_automation_execution(AutomationExecutionId=automation)
        return got["AutomationExecution"]["AutomationExecutionStatus"]  # type: ignore[no-any-return]

    assert automation_status() == "Pending"
    sleep_until(start, 1.4)  # past each one's first quarter, on a busy machine too
    assert automation_status() == "InProgress"
    # A run under way: its target is dated as it is read.
    run = only_run(boto, lasting)
    (target,) = run_targets(boto, run)
    assert (target["Status"], since(moments, target["LastExecutionDate"])) == (
        "InProgress",
        True,
    )
    # Cancelled on one node while it runs: that node's invocation and its
    # plugin read Cancelled, the other's run goes on.
    invocations = boto.list_command_invocations(CommandId=cancelled, Details=True)[
        "CommandInvocations"
    ]
    assert {
        i["InstanceId"]: (i["Status"], [p["Status"] for p in i["CommandPlugins"]])
        for i in invocations
    } == {
        NODES[0]: ("Cancelled", ["Cancelled"]),
        NODES[1]: ("InProgress", ["InProgress"]),
    }
    under_way = command_read(boto, command_id)
    assert time.monotonic() - start < 3.0, "the machine is too slow for this test"
    running = ("InProgress", "InProgress", [("InProgress", -1)])
    assert under_way == {
        "command": {
            "Status": "InProgress",
            "StatusDetails": "InProgress",
            "CompletedCount": 0,
            "ErrorCount": 0,
            "TargetCount": 2,
        },
        "invocations": dict.fromkeys(NODES, running),
        NODES[0]: ("InProgress", "InProgress", -1, ""),
        NODES[1]: ("InProgress", "InProgress", -1, ""),
    }
    sleep_until(start, 3.8)  # past each one's end
    assert automation_status() == "Success"
    # A run ends when its time is up: its target's last run is dated then.
    run = only_run(boto, lasting)
    (target,) = run_targets(boto, run)
    took = target["LastExecutionDate"] - run["CreatedTime"]
    assert (run["Status"], took) == ("Success", datetime.timedelta(seconds=3))
    assert command_read(boto, command_id) == FAILED_ON_THE_SECOND


def test_a_command_s_invocations_are_listed_whole_and_found_by_node(
    boto: Any, stand_in: StandIn
) -> None:
    stand_in.fail_runs([NODES[1]])
    command = boto.send_command(
        DocumentName=RUN,
        InstanceIds=NODES,
        Parameters={"commands": ["uptime"]},
        Comment="nightly",
    )["Command"]

    def invocation(node: str, status: str, code: int) -> dict[str, Any]:
        # As AWS's list-command-invocations example shows one.
        return {
            "CommandId": command["CommandId"],
            "InstanceId": node,
            "Comment": "nightly",
            "DocumentName": RUN,
            "DocumentVersion": "$DEFAULT",
            "RequestedDateTime": command["RequestedDateTime"],
            "Status": status,
            "StatusDetails": status,
            "StandardOutputUrl": "",
            "CommandPlugins": [
                {
                    "Name": "aws:runShellScript",
                    "Status": status,
                    "ResponseCode": code,
                    "Output": "",
                }
            ],
        }

    def by_node(**given: Any) -> dict[str, dict[str, Any]]:
        listed = boto.list_command_invocations(**given)["CommandInvocations"]
        return {i["InstanceId"]: i for i in listed}

    every = {
        NODES[0]: invocation(NODES[0], "Success", 0),
        NODES[1]: invocation(NODES[1], "Failed", 1),
    }
    assert by_node(CommandId=command["CommandId"], Details=True) == every
    assert by_node(CommandId=command["CommandId"]) == {
        node: {k: v for k, v in found.items() if k != "CommandPlugins"}
        for node, found in every.items()
    }
    assert by_node(
        CommandId=command["CommandId"], InstanceId=NODES[1], Details=True
    ) == {NODES[1]: every[NODES[1]]}
    # By node alone: every command sent to it, the latest first.
    later = boto.send_command(DocumentName=RUN, InstanceIds=[NODES[1]])["Command"]
    listed = boto.list_command_invocations(InstanceId=NODES[1])["CommandInvocations"]
    assert sorted((i["CommandId"], i["InstanceId"]) for i in listed) == sorted(
        [(command["CommandId"], NODES[1]), (later["CommandId"], NODES[1])]
    )


def test_a_command_s_invocations_are_not_found_in_its_first_quarter(
    boto: Any, stand_in: StandIn
) -> None:
    stand_in.set_run_duration(60)
    pending = boto.send_command(DocumentName=RUN, InstanceIds=NODES)["Command"]
    stand_in.set_run_duration(0)
    done = boto.send_command(DocumentName=RUN, InstanceIds=NODES)["Command"]
    with pytest.raises(ClientError) as caught:
        boto.get_command_invocation(CommandId=pending["CommandId"], InstanceId=NODES[0])
    assert refusal(caught) == (
        "InvocationDoesNotExist",
        "The command id and managed node id you specified didn't match any "
        "invocations. Verify the command id and the managed node id and try again.",
    )
    # Listed by node: the command done is, the one pending is not yet.
    for node in NODES:
        listed = boto.list_command_invocations(InstanceId=node)["CommandInvocations"]
        assert [i["CommandId"] for i in listed] == [done["CommandId"]]


def test_a_command_cancelled_while_it_runs_reads_cancelled(
    boto: Any, stand_in: StandIn
) -> None:
    stand_in.set_run_duration(60)
    command_id = boto.send_command(DocumentName=RUN, InstanceIds=NODES)["Command"][
        "CommandId"
    ]
    boto.cancel_command(CommandId=command_id)
    (listed,) = boto.list_commands(CommandId=command_id)["Commands"]
    assert (listed["Status"], listed["StatusDetails"]) == ("Cancelled", "Cancelled")
    # Without a run duration, a command is done at once, failed on the nodes
    # fail_runs names.
    stand_in.set_run_duration(0)
    stand_in.fail_runs([NODES[1]])
    done = boto.send_command(DocumentName=RUN, InstanceIds=NODES)["Command"][
        "CommandId"
    ]
    assert command_read(boto, done) == FAILED_ON_THE_SECOND


# -- associations -----------------------------------------------------------------


def test_a_batch_reports_each_entry_it_refused_whole(boto: Any) -> None:
    boto.create_association(Name=RUN, InstanceId=NODES[0])
    refused = {"Name": RUN, "InstanceId": NODES[0]}
    unknown = {
        "Name": "no-such-document",
        "Targets": [{"Key": "tag:a", "Values": ["b"]}],
    }
    result = boto.create_association_batch(
        Entries=[refused, {"Name": RUN, "InstanceId": NODES[1]}, unknown]
    )
    assert result["Failed"] == [
        {
            "Entry": refused,
            "Message": "The specified association already exists.",
            "Fault": "Client",
        },
        {
            "Entry": unknown,
            "Message": "The specified SSM document doesn't exist.",
            "Fault": "Client",
        },
    ]
    assert [s["InstanceId"] for s in result["Successful"]] == [NODES[1]]


def test_a_node_s_status_summarises_a_run_that_succeeded(boto: Any) -> None:
    made = boto.create_association(
        Name=RUN, Targets=[{"Key": "InstanceIds", "Values": [NODES[0]]}]
    )["AssociationDescription"]
    (info,) = boto.describe_instance_associations_status(InstanceId=NODES[0])[
        "InstanceAssociationStatusInfos"
    ]
    assert info["AssociationId"] == made["AssociationId"]
    # The node's status is dated at its latest run, not at the association's.
    time.sleep(0.01)
    boto.start_associations_once(AssociationIds=[made["AssociationId"]])
    (info,) = boto.describe_instance_associations_status(InstanceId=NODES[0])[
        "InstanceAssociationStatusInfos"
    ]
    runs = boto.describe_association_executions(AssociationId=made["AssociationId"])
    latest = runs["AssociationExecutions"][0]["CreatedTime"]
    assert info["ExecutionDate"] == latest > made["Date"]
    # As AWS's describe-instance-associations-status example words it.
    assert info["ExecutionSummary"] == (
        "1 out of 1 plugin processed, 1 success, 0 failed, 0 timedout, 0 skipped. "
    )
    assert (info["Status"], info["DetailedStatus"]) == ("Success", "Success")


def test_each_version_of_an_association_is_dated_when_it_was_made(
    boto: Any,
) -> None:
    made = boto.create_association(Name=RUN, AssociationName="first")[
        "AssociationDescription"
    ]
    association_id = made["AssociationId"]
    boto.update_association(AssociationId=association_id, AssociationName="second")
    latest = boto.describe_association(AssociationId=association_id)[
        "AssociationDescription"
    ]
    versions = boto.list_association_versions(AssociationId=association_id)[
        "AssociationVersions"
    ]
    assert [(v["AssociationVersion"], v["CreatedDate"]) for v in versions] == [
        ("2", latest["LastUpdateAssociationDate"]),
        ("1", made["LastUpdateAssociationDate"]),
    ]


def test_a_legacy_association_not_there_is_refused_in_the_service_s_words(
    boto: Any,
) -> None:
    for call in (boto.describe_association, boto.delete_association):
        with pytest.raises(ClientError) as caught:
            call(Name=RUN, InstanceId=NODES[0])
        assert refusal(caught) == (
            "AssociationDoesNotExist",
            "The specified association doesn't exist.",
        )


def test_association_runs_are_found_on_either_side_of_a_moment(boto: Any) -> None:
    association_id = boto.create_association(Name=RUN, InstanceId=NODES[0])[
        "AssociationDescription"
    ]["AssociationId"]
    run = only_run(boto, association_id)
    created = utc(run["CreatedTime"])

    def found(value: str, kind: str) -> int:
        runs = boto.describe_association_executions(
            AssociationId=association_id,
            Filters=[{"Key": "CreatedTime", "Value": value, "Type": kind}],
        )["AssociationExecutions"]
        return len(runs)

    # The moment itself is neither before nor after it.
    at = created.isoformat()
    assert (found(at, "LESS_THAN"), found(at, "EQUAL"), found(at, "GREATER_THAN")) == (
        0,
        1,
        0,
    )
    # A moment without a zone is UTC.
    naive = created.replace(tzinfo=None).isoformat()
    assert found(naive, "EQUAL") == 1
    with pytest.raises(ClientError) as caught:
        found("last tuesday", "EQUAL")
    assert refusal(caught) == (
        "ValidationException",
        "The filter value isn't valid: last tuesday",
    )


# -- tags -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource_type", "most"), [("Association", 50), ("Automation", 5)]
)
def test_a_resource_takes_tags_up_to_its_documented_limit(
    boto: Any, resource_type: str, most: int
) -> None:
    # "Most resources can have a maximum of 50 tags. Automations can have a
    # maximum of 5 tags."
    if resource_type == "Association":
        resource_id = boto.create_association(Name=RUN)["AssociationDescription"][
            "AssociationId"
        ]
    else:
        resource_id = boto.start_automation_execution(DocumentName=RESTART)[
            "AutomationExecutionId"
        ]
    resource = {"ResourceType": resource_type, "ResourceId": resource_id}
    tags = [{"Key": f"k{i}", "Value": "v"} for i in range(most)]
    boto.add_tags_to_resource(**resource, Tags=tags)
    # Overwriting a tag adds none.
    boto.add_tags_to_resource(**resource, Tags=[{"Key": "k0", "Value": "w"}])
    with pytest.raises(ClientError) as caught:
        boto.add_tags_to_resource(**resource, Tags=[{"Key": "one-more", "Value": "v"}])
    assert refusal(caught) == (
        "TooManyTagsError",
        "The Targets parameter includes too many tags.",
    )
    listed = boto.list_tags_for_resource(**resource)["TagList"]
    assert listed == [{"Key": "k0", "Value": "w"}, *tags[1:]]
    # A key it does not have is removed without a word.
    boto.remove_tags_from_resource(**resource, TagKeys=["k1", "never-there"])
    assert len(boto.list_tags_for_resource(**resource)["TagList"]) == most - 1


@pytest.mark.parametrize("resource_type", ["Association", "Automation"])
def test_a_tagged_resource_not_there_is_refused_in_the_service_s_words(
    boto: Any, resource_type: str
) -> None:
    for call in (
        boto.list_tags_for_resource,
        lambda **r: boto.add_tags_to_resource(**r, Tags=[{"Key": "a", "Value": "b"}]),
        lambda **r: boto.remove_tags_from_resource(**r, TagKeys=["a"]),
    ):
        with pytest.raises(ClientError) as caught:
            call(ResourceType=resource_type, ResourceId="nope")
        assert refusal(caught) == (
            "InvalidResourceId",
            "The resource ID isn't valid.",
        )


def test_associations_are_found_by_their_targets_keys_and_nothing_else(
    boto: Any,
) -> None:
    connected = boto.create_association(
        Name=RUN, Targets=[{"Key": "CloudConnectorId", "Values": ["cc-1", "cc-2"]}]
    )["AssociationDescription"]["AssociationId"]
    grouped = boto.create_association(
        Name=RUN, Targets=[{"Key": "resource-groups:Name", "Values": ["web"]}]
    )["AssociationDescription"]["AssociationId"]
    # The same values under other keys name neither.
    boto.create_association(
        Name=RUN, Targets=[{"Key": "tag:Connector", "Values": ["cc-1", "web"]}]
    )
    # An association without targets, or with keys but no values, is passed over.
    boto.create_association(Name=RUN)
    boto.create_association(
        Name=RUN,
        Targets=[{"Key": "CloudConnectorId"}, {"Key": "resource-groups:Name"}],
    )

    def found(key: str, value: str) -> list[str]:
        listed = boto.list_associations(
            AssociationFilterList=[{"key": key, "value": value}]
        )["Associations"]
        return [a["AssociationId"] for a in listed]

    assert found("CloudConnectorId", "cc-2") == [connected]
    assert found("CloudConnectorId", "cc-3") == []
    assert found("ResourceGroupName", "web") == [grouped]
    assert found("ResourceGroupName", "cc-1") == []


def test_associations_run_at_a_moment_are_neither_before_nor_after_it(
    boto: Any,
) -> None:
    association_id = boto.create_association(Name=RUN, InstanceId=NODES[0])[
        "AssociationDescription"
    ]["AssociationId"]
    last = boto.describe_association(AssociationId=association_id)[
        "AssociationDescription"
    ]["LastExecutionDate"]

    def found(key: str, value: str) -> int:
        listed = boto.list_associations(
            AssociationFilterList=[{"key": key, "value": value}]
        )["Associations"]
        return len(listed)

    at = utc(last).isoformat()
    assert (found("LastExecutedBefore", at), found("LastExecutedAfter", at)) == (0, 0)


def test_an_association_filter_key_newer_than_the_local_ssm_is_refused() -> None:

    # Keys outside the model's enum are refused before this; a key a newer
    # botocore adds, which the local SSM does not apply, is refused here.
    with pytest.raises(ServiceException) as caught:
        _association_filter("NewerKey", "x")
    assert (caught.value.code, caught.value.message) == (
        "InvalidFilterKey",
        "The specified key isn't valid: NewerKey",
    )


def test_an_update_and_a_run_of_an_association_refused_in_the_service_s_words(
    boto: Any,
) -> None:
    association_id = boto.create_association(Name=RUN, AssociationName="nightly")[
        "AssociationDescription"
    ]["AssociationId"]
    boto.update_association(AssociationId=association_id, Name=RUN)
    with pytest.raises(ClientError) as caught:
        boto.update_association(
            AssociationId=association_id, Name=RUN, AssociationVersion="1"
        )
    assert refusal(caught) == (
        "InvalidAssociationVersion",
        "Version 1 isn't the latest, 2 is.",
    )
    with pytest.raises(ClientError) as caught:
        boto.update_association(AssociationId=association_id, Name="no-such-document")
    assert refusal(caught) == (
        "InvalidDocument",
        "The specified SSM document doesn't exist.",
    )
    missing = "8d4b0a4e-0000-4000-8000-000000000009"
    with pytest.raises(ClientError) as caught:
        boto.start_associations_once(AssociationIds=[association_id, missing])
    assert refusal(caught) == (
        "InvalidAssociation",
        "The association isn't valid or doesn't exist.",
    )
    with pytest.raises(ClientError) as caught:
        boto.describe_association_execution_targets(
            AssociationId=association_id, ExecutionId=missing
        )
    assert refusal(caught) == (
        "AssociationExecutionDoesNotExist",
        "The specified execution ID doesn't exist.",
    )
    # Nothing was run by the refused start: the create's run and the update's.
    runs = boto.describe_association_executions(AssociationId=association_id)
    assert len(runs["AssociationExecutions"]) == 2


def test_an_update_moves_the_association_s_date_of_change(
    boto: Any, moments: list[datetime.datetime]
) -> None:
    made = boto.create_association(Name=RUN, AssociationName="nightly")[
        "AssociationDescription"
    ]
    time.sleep(0.01)  # the local SSM keeps times to the millisecond
    updated = boto.update_association(
        AssociationId=made["AssociationId"], Name=RUN, AssociationName="nightly"
    )["AssociationDescription"]
    assert since(moments, updated["LastUpdateAssociationDate"])
    assert updated["LastUpdateAssociationDate"] > made["LastUpdateAssociationDate"]
    assert updated["Date"] == made["Date"]


# -- maintenance windows ----------------------------------------------------------


def test_a_window_s_schedule_and_dates_are_refused_in_the_service_s_words(
    boto: Any,
) -> None:
    window = {
        "Name": "patching",
        "Schedule": "cron(0 2 ? * SUN *)",
        "Duration": 3,
        "Cutoff": 1,
        "AllowUnassociatedTargets": False,
    }
    with pytest.raises(ClientError) as caught:
        boto.create_maintenance_window(**{**window, "Schedule": "every sunday"})
    assert refusal(caught) == (
        "ValidationException",
        "Invalid cron or rate expression. Verify your schedule and try again.",
    )
    for member in ("StartDate", "EndDate"):
        with pytest.raises(ClientError) as caught:
            boto.create_maintenance_window(**window, **{member: "next week"})
        assert refusal(caught) == (
            "ValidationException",
            f"{member} must be a date and time in ISO-8601 Extended format.",
        )
    # Dates as the API reference writes them, with a zone or a Z.
    window_id = boto.create_maintenance_window(
        **window, StartDate="2027-01-01T00:00:00Z", EndDate="2027-12-31T00:00:00+01:00"
    )["WindowId"]
    got = boto.get_maintenance_window(WindowId=window_id)
    assert (got["StartDate"], got["EndDate"]) == (
        "2027-01-01T00:00:00Z",
        "2027-12-31T00:00:00+01:00",
    )
    with pytest.raises(ClientError) as caught:
        boto.update_maintenance_window(WindowId=window_id, EndDate="soon")
    assert refusal(caught)[0] == "ValidationException"
    missing = "mw-0123456789abcdef0"
    with pytest.raises(ClientError) as caught:
        boto.get_maintenance_window(WindowId=missing)
    assert refusal(caught) == (
        "DoesNotExistException",
        f"Maintenance window {missing} does not exist",
    )


def test_a_window_keeps_the_tags_it_was_created_with(boto: Any) -> None:
    window_id = boto.create_maintenance_window(
        Name="patching",
        Schedule="cron(0 2 ? * SUN *)",
        Duration=3,
        Cutoff=1,
        AllowUnassociatedTargets=False,
        Tags=[{"Key": "team", "Value": "ops"}],
    )["WindowId"]
    tags = boto.list_tags_for_resource(
        ResourceType="MaintenanceWindow", ResourceId=window_id
    )["TagList"]
    assert tags == [{"Key": "team", "Value": "ops"}]


def test_a_command_cancelled_on_its_node_reads_cancelled_in_each_plugin(
    boto: Any,
) -> None:
    command_id = boto.send_command(DocumentName=RUN, InstanceIds=NODES)["Command"][
        "CommandId"
    ]
    boto.cancel_command(CommandId=command_id, InstanceIds=[NODES[1]])
    invocations = boto.list_command_invocations(CommandId=command_id, Details=True)[
        "CommandInvocations"
    ]
    assert {
        i["InstanceId"]: [p["Status"] for p in i["CommandPlugins"]] for i in invocations
    } == {NODES[0]: ["Success"], NODES[1]: ["Cancelled"]}


def test_a_baseline_reads_back_whole_with_its_documented_defaults(
    boto: Any, moments: list[datetime.datetime]
) -> None:
    # OperatingSystem: "If you don't specify an operating system value, the
    # patch baseline defaults to Windows."
    baseline_id = boto.create_patch_baseline(Name="plain")["BaselineId"]
    other = boto.create_patch_baseline(
        Name="linux",
        OperatingSystem="AMAZON_LINUX_2",
        ApprovedPatches=["KB1"],
        ApprovedPatchesEnableNonSecurity=True,
    )["BaselineId"]
    boto.register_patch_baseline_for_patch_group(BaselineId=other, PatchGroup="web")
    got = answer(boto.get_patch_baseline(BaselineId=baseline_id))
    assert since(moments, got["CreatedDate"])
    assert got == {
        "BaselineId": baseline_id,
        "Name": "plain",
        "OperatingSystem": "WINDOWS",
        "GlobalFilters": {"PatchFilters": []},
        "ApprovedPatches": [],
        "ApprovedPatchesComplianceLevel": "UNSPECIFIED",
        "ApprovedPatchesEnableNonSecurity": False,
        "RejectedPatches": [],
        "RejectedPatchesAction": "ALLOW_AS_DEPENDENCY",
        "PatchGroups": [],
        "Sources": [],
        "CreatedDate": got["CreatedDate"],
        "ModifiedDate": got["CreatedDate"],
    }
    linux = boto.get_patch_baseline(BaselineId=other)
    assert (
        linux["OperatingSystem"],
        linux["PatchGroups"],
        linux["ApprovedPatchesEnableNonSecurity"],
    ) == ("AMAZON_LINUX_2", ["web"], True)


def test_a_run_command_task_s_document_must_exist(boto: Any, window: str) -> None:
    with pytest.raises(ClientError) as caught:
        boto.register_task_with_maintenance_window(
            WindowId=window,
            TaskArn="no-such-document",
            TaskType="RUN_COMMAND",
            Targets=TARGETS,
            MaxConcurrency="1",
            MaxErrors="1",
        )
    assert refusal(caught) == (
        "InvalidDocument",
        "The specified SSM document doesn't exist.",
    )


def test_a_legacy_association_is_found_by_its_name_and_node_together(
    boto: Any,
) -> None:
    boto.create_association(Name=RUN, InstanceId=NODES[0])
    boto.create_association(Name="AWS-UpdateSSMAgent", InstanceId=NODES[1])
    # Each of the two matches one association, and neither matches both.
    with pytest.raises(ClientError) as caught:
        boto.describe_association(Name="AWS-UpdateSSMAgent", InstanceId=NODES[0])
    assert refusal(caught)[0] == "AssociationDoesNotExist"
    found = boto.describe_association(Name=RUN, InstanceId=NODES[0])
    assert found["AssociationDescription"]["InstanceId"] == NODES[0]


def test_a_node_s_status_names_the_default_version_of_an_update_without_one(
    boto: Any,
) -> None:
    # An update nulls every member it omits, DocumentVersion among them: the
    # node runs the document's default version.
    association_id = boto.create_association(
        Name=RUN,
        DocumentVersion="$LATEST",
        Targets=[{"Key": "InstanceIds", "Values": [NODES[0]]}],
    )["AssociationDescription"]["AssociationId"]
    (info,) = boto.describe_instance_associations_status(InstanceId=NODES[0])[
        "InstanceAssociationStatusInfos"
    ]
    assert info["DocumentVersion"] == "$LATEST"
    boto.update_association(
        AssociationId=association_id,
        Name=RUN,
        Targets=[{"Key": "InstanceIds", "Values": [NODES[0]]}],
    )
    (info,) = boto.describe_instance_associations_status(InstanceId=NODES[0])[
        "InstanceAssociationStatusInfos"
    ]
    assert (info["DocumentVersion"], info["AssociationVersion"]) == ("$DEFAULT", "2")


def test_a_run_s_targets_are_found_by_each_documented_key(
    boto: Any, stand_in: StandIn
) -> None:
    # AssociationExecutionTargetsFilterKey: Status, ResourceId, ResourceType.
    stand_in.fail_runs([NODES[1]])
    association_id = boto.create_association(
        Name=RUN, Targets=[{"Key": "InstanceIds", "Values": NODES}]
    )["AssociationDescription"]["AssociationId"]
    run = only_run(boto, association_id)

    def found(key: str, value: str) -> list[str]:
        targets = boto.describe_association_execution_targets(
            AssociationId=association_id,
            ExecutionId=run["ExecutionId"],
            Filters=[{"Key": key, "Value": value}],
        )["AssociationExecutionTargets"]
        return [t["ResourceId"] for t in targets]

    assert found("Status", "Failed") == [NODES[1]]
    assert found("Status", "Success") == [NODES[0]]
    assert found("ResourceId", NODES[0]) == [NODES[0]]
    assert found("ResourceType", "ManagedInstance") == NODES
    assert found("ResourceType", "Document") == []


def test_an_association_is_described_at_each_version_it_had(boto: Any) -> None:
    made = boto.create_association(Name=RUN, AssociationName="first")[
        "AssociationDescription"
    ]
    association_id = made["AssociationId"]
    boto.update_association(
        AssociationId=association_id, Name=RUN, AssociationName="second"
    )

    def named(**version: str) -> str:
        described = boto.describe_association(AssociationId=association_id, **version)
        return described["AssociationDescription"]["AssociationName"]  # type: ignore[no-any-return]

    assert named() == named(AssociationVersion="$LATEST") == "second"
    assert named(AssociationVersion="1") == "first"
    with pytest.raises(ClientError) as caught:
        named(AssociationVersion="9")
    assert refusal(caught) == ("InvalidAssociationVersion", "Version 9 doesn't exist.")
    with pytest.raises(ClientError) as caught:
        boto.describe_association(AssociationId="8d4b0a4e-0000-4000-8000-000000000009")
    assert refusal(caught) == (
        "AssociationDoesNotExist",
        "The specified association doesn't exist.",
    )


def test_a_timed_run_is_pending_its_first_quarter() -> None:

    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    end = start + datetime.timedelta(seconds=100)

    def at(seconds: float) -> str:
        return _phase(start, end, start + datetime.timedelta(seconds=seconds))

    assert [at(0), at(24.999), at(25), at(99)] == [
        "Pending",
        "Pending",
        "InProgress",
        "InProgress",
    ]


def test_a_run_under_way_reads_back_whole(
    boto: Any, stand_in: StandIn, moments: list[datetime.datetime]
) -> None:
    stand_in.set_run_duration(60)
    association_id = boto.create_association(
        Name=RUN,
        Targets=[{"Key": "InstanceIds", "Values": NODES}],
        AlarmConfiguration=ALARMS,
    )["AssociationDescription"]["AssociationId"]
    run = only_run(boto, association_id)
    created = run["CreatedTime"]
    assert since(moments, created)
    assert run == {
        "AssociationId": association_id,
        "AssociationVersion": "1",
        "ExecutionId": run["ExecutionId"],
        "Status": "Pending",
        "DetailedStatus": "Pending",
        "CreatedTime": created,
        "ResourceCountByStatus": "{Pending=2}",
        "AlarmConfiguration": ALARMS,
    }
    targets = run_targets(boto, run)
    sources = [t["OutputSource"]["OutputSourceId"] for t in targets]
    assert len(set(sources)) == 2
    # As AWS's describe-association-execution-targets example shows a target.
    assert targets == [
        {
            "AssociationId": association_id,
            "AssociationVersion": "1",
            "ExecutionId": run["ExecutionId"],
            "ResourceId": node,
            "ResourceType": "ManagedInstance",
            "Status": "Pending",
            "DetailedStatus": "Pending",
            "LastExecutionDate": created,
            "OutputSource": {
                "OutputSourceId": source,
                "OutputSourceType": "RunCommand",
            },
        }
        for node, source in zip(NODES, sources, strict=True)
    ]
    described = boto.describe_association(AssociationId=association_id)
    assert described["AssociationDescription"]["Overview"] == {
        "Status": "Pending",
        "DetailedStatus": "InProgress",
        "AssociationStatusAggregatedCount": {"Pending": 2},
    }
    # A run with no target to reach counts none.
    bare = boto.create_association(Name=RUN)["AssociationDescription"]
    run = only_run(boto, bare["AssociationId"])
    assert (run["Status"], run["ResourceCountByStatus"]) == ("Pending", "{}")


@pytest.mark.parametrize(
    ("given", "code", "message"),
    [
        (
            {"ScheduleExpression": "every day"},
            "InvalidSchedule",
            "The schedule is invalid. Verify your cron or rate expression "
            "and try again.",
        ),
        (
            {"ScheduleExpression": "cron(0 2 ? * SUN *)", "ScheduleOffset": 2},
            "InvalidParameters",
            "ScheduleOffset: to use offsets, you must specify ApplyOnlyAtCronInterval.",
        ),
        (
            {"ScheduleExpression": "cron(0 2 ? * SUN *)", "Duration": 2},
            "InvalidParameters",
            "Duration: applies only when ApplyOnlyAtCronInterval is specified.",
        ),
        (
            {"ScheduleExpression": "rate(30 minutes)", "ApplyOnlyAtCronInterval": True},
            "InvalidParameters",
            "ApplyOnlyAtCronInterval: this parameter isn't supported for rate "
            "expressions.",
        ),
        (
            {
                "Targets": [{"Key": "InstanceIds", "Values": [NODES[0]]}],
                "TargetMaps": [{"InstanceIds": [NODES[0]]}],
            },
            "InvalidParameters",
            "TargetMaps: both Targets and TargetMaps can't be specified together.",
        ),
    ],
    ids=["schedule", "offset", "duration", "rate", "target-maps"],
)
def test_an_association_s_rules_are_refused_in_the_service_s_words(
    boto: Any, given: dict[str, Any], code: str, message: str
) -> None:
    with pytest.raises(ClientError) as caught:
        boto.create_association(Name=RUN, **given)
    assert refusal(caught) == (code, message)
    made = boto.create_association(Name=RUN)["AssociationDescription"]
    with pytest.raises(ClientError) as caught:
        boto.update_association(AssociationId=made["AssociationId"], Name=RUN, **given)
    assert refusal(caught) == (code, message)


def test_an_association_applied_only_on_its_schedule_takes_no_rate_check(
    boto: Any,
) -> None:
    # Without a schedule, nothing is a rate expression.
    made = boto.create_association(Name=RUN, ApplyOnlyAtCronInterval=True)
    assert made["AssociationDescription"]["ApplyOnlyAtCronInterval"] is True


def test_pages_end_where_the_items_end(boto: Any) -> None:
    ids = [
        boto.create_association(Name=RUN, AssociationName=f"page-{i}")[
            "AssociationDescription"
        ]["AssociationId"]
        for i in range(4)
    ]
    first = boto.list_associations(MaxResults=2)
    second = boto.list_associations(MaxResults=2, NextToken=first["NextToken"])
    # The last page holds the last items and says no more are left.
    assert [a["AssociationId"] for a in first["Associations"]] == ids[:2]
    assert [a["AssociationId"] for a in second["Associations"]] == ids[2:]
    assert "NextToken" not in second
    whole = boto.list_associations(MaxResults=4)
    assert len(whole["Associations"]) == 4
    assert "NextToken" not in whole
    with pytest.raises(ClientError) as caught:
        boto.list_associations(NextToken="not-a-token")
    assert refusal(caught) == ("InvalidNextToken", "The specified token isn't valid.")


def test_a_run_reaches_the_nodes_its_targets_name_and_no_others(
    boto: Any,
) -> None:
    association_id = boto.create_association(
        Name=RUN,
        Targets=[
            {"Key": "InstanceIds", "Values": [NODES[0], "*"]},
            {"Key": "tag:Role", "Values": [NODES[1]]},
        ],
    )["AssociationDescription"]["AssociationId"]
    run = only_run(boto, association_id)
    targets = run_targets(boto, run)
    # "*" is every node, which the local SSM does not know of: none is reached.
    assert [t["ResourceId"] for t in targets] == [NODES[0]]
    legacy = boto.create_association(Name=RUN, InstanceId=NODES[1])
    run = only_run(boto, legacy["AssociationDescription"]["AssociationId"])
    assert run["ResourceCountByStatus"] == "{Success=1}"


def test_a_finished_run_reads_back_whole_on_the_association_and_its_targets(
    boto: Any, stand_in: StandIn
) -> None:
    stand_in.fail_runs([NODES[1]])
    made = boto.create_association(
        Name=RUN,
        Targets=[{"Key": "InstanceIds", "Values": NODES}],
        Tags=[{"Key": "team", "Value": "ops"}],
    )["AssociationDescription"]
    # The answer is the association as created, before its run.
    assert (made["DocumentVersion"], made["Status"]["Name"]) == ("$DEFAULT", "Pending")
    assert made["Status"]["Message"] == "Associated with targets"
    association_id = made["AssociationId"]
    tags = boto.list_tags_for_resource(
        ResourceType="Association", ResourceId=association_id
    )["TagList"]
    assert tags == [{"Key": "team", "Value": "ops"}]
    run = only_run(boto, association_id)
    assert (run["Status"], run["DetailedStatus"], run["ResourceCountByStatus"]) == (
        "Failed",
        "Failed",
        "{Failed=1, Success=1}",
    )
    targets = run_targets(boto, run)
    assert [
        (t["ResourceId"], t["Status"], t["DetailedStatus"], t["LastExecutionDate"])
        for t in targets
    ] == [
        (NODES[0], "Success", "Success", targets[0]["LastExecutionDate"]),
        (NODES[1], "Failed", "Failed", targets[0]["LastExecutionDate"]),
    ]
    described = boto.describe_association(AssociationId=association_id)[
        "AssociationDescription"
    ]
    assert described["Status"] == {
        "Date": targets[0]["LastExecutionDate"],
        "Name": "Failed",
        "Message": "1 of 2 targets failed",
    }
    assert described["LastExecutionDate"] == targets[0]["LastExecutionDate"]
    assert "LastSuccessfulExecutionDate" not in described
    stand_in.fail_runs([])
    boto.start_associations_once(AssociationIds=[association_id])
    described = boto.describe_association(AssociationId=association_id)[
        "AssociationDescription"
    ]
    assert (described["Status"]["Name"], described["Status"]["Message"]) == (
        "Success",
        "2 of 2 targets succeeded",
    )


def test_a_legacy_association_reads_back_whole_and_its_status_is_its_agent_s(
    boto: Any,
) -> None:
    made = boto.create_association(Name=RUN, InstanceId=NODES[0])[
        "AssociationDescription"
    ]
    # A legacy association reports its node as its target.
    assert made["Targets"] == [{"Key": "InstanceIds", "Values": [NODES[0]]}]
    assert made["DocumentVersion"] == "$DEFAULT"
    described = boto.describe_association(AssociationId=made["AssociationId"])[
        "AssociationDescription"
    ]
    # Its run does not change the status its agent reports.
    assert described["Status"] == made["Status"]
    assert (described["Status"]["Name"], described["Status"]["Message"]) == (
        "Associated",
        f"Associated with {RUN}",
    )
    assert described["Overview"]["Status"] == "Success"


def test_a_target_without_values_reaches_no_node(boto: Any) -> None:
    association_id = boto.create_association(
        Name=RUN, Targets=[{"Key": "InstanceIds"}]
    )["AssociationDescription"]["AssociationId"]
    run = only_run(boto, association_id)
    assert run["ResourceCountByStatus"] == "{}"


def test_a_list_is_paged_by_fifty_unless_asked_otherwise(boto: Any) -> None:
    for i in range(51):
        boto.create_association(Name=RUN, AssociationName=f"many-{i}")
    first = boto.list_associations()
    assert len(first["Associations"]) == 50
    rest = boto.list_associations(NextToken=first["NextToken"])
    assert [a["AssociationName"] for a in rest["Associations"]] == ["many-50"]


def test_runs_under_way_end_each_in_its_time(boto: Any, stand_in: StandIn) -> None:
    stand_in.set_run_duration(2.0)

    def made(node: str) -> str:
        return boto.create_association(  # type: ignore[no-any-return]
            Name=RUN, Targets=[{"Key": "InstanceIds", "Values": [node]}]
        )["AssociationDescription"]["AssociationId"]

    start = time.monotonic()
    first = made(NODES[0])
    sleep_until(start, 1.0)
    second = made(NODES[1])

    def status(association_id: str) -> str:
        run = only_run(boto, association_id)
        return run["Status"]  # type: ignore[no-any-return]

    # The first has ended, the second not: each read as it is.
    sleep_until(start, 2.5)
    assert (status(first), status(second)) == ("Success", "InProgress")
    assert time.monotonic() - start < 3.0, "the machine is too slow for this test"
    sleep_until(start, 3.6)
    assert status(second) == "Success"


@pytest.mark.parametrize("resource_type", ["Association", "Document"])
def test_a_tag_request_without_its_tags_is_refused_as_the_service_refuses_it(
    boto: Any, resource_type: str
) -> None:

    unchecked = boto3.client(
        "ssm", region_name="us-east-1", config=Config(parameter_validation=False)
    )
    resource = {"ResourceType": resource_type, "ResourceId": "any-resource"}
    for call, member in (
        (unchecked.add_tags_to_resource, "tags"),
        (unchecked.remove_tags_from_resource, "tagKeys"),
    ):
        with pytest.raises(ClientError) as caught:
            call(**resource)
        assert refusal(caught) == (
            "ValidationException",
            f"1 validation error detected: Value null at '{member}' failed to "
            "satisfy constraint: Member must not be null",
        )


def test_each_refusal_carries_a_request_id_of_its_own(
    boto: Any, stand_in: StandIn
) -> None:
    ids = []
    stand_in.fail_next("ListAssociations", "AccessDeniedException", times=2)
    for _ in range(2):
        with pytest.raises(ClientError) as caught:
            boto.list_associations()
        metadata = caught.value.response["ResponseMetadata"]
        assert metadata["HTTPHeaders"]["content-type"] == "application/x-amz-json-1.1"
        ids.append(metadata["RequestId"])
    assert all(str(uuid.UUID(i)) == i for i in ids)
    assert ids[0] != ids[1]


def test_a_lambda_task_s_payload_is_kept_as_the_bytes_sent(
    boto: Any, window: str, stand_in: StandIn
) -> None:
    payload = b'{"reboot": true, "note": "\xe2\x9c\x93"}'
    task_id = boto.register_task_with_maintenance_window(
        WindowId=window,
        TaskArn="arn:aws:lambda:us-east-1:123456789012:function:patch",
        TaskType="LAMBDA",
        TaskInvocationParameters={"Lambda": {"Payload": payload, "Qualifier": "3"}},
    )["WindowTaskId"]
    got = boto.get_maintenance_window_task(WindowId=window, WindowTaskId=task_id)
    assert got["TaskInvocationParameters"] == {
        "Lambda": {"Payload": payload, "Qualifier": "3"}
    }
    (sent,) = stand_in.requests_for("RegisterTaskWithMaintenanceWindow")
    assert sent["TaskInvocationParameters"] == {
        "Lambda": {"Payload": payload, "Qualifier": "3"}
    }
