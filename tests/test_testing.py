"""ssmkit.testing: the stand-in behaves as AWS documents, faults and all."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ssmkit.testing import StandIn, mock_ssm
from ssmkit.testing.server import Server

from .service_model import OPERATIONS
from .standin import VALIDATED, check_answers

RUN = "AWS-RunShellScript"
ALARMS = {"Alarms": [{"Name": "cpu-high"}], "IgnorePollAlarmFailure": True}
FULL = {
    "Name": RUN,
    "DocumentVersion": "$LATEST",
    "Parameters": {"commands": ["uptime"]},
    "Targets": [{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}],
    "ScheduleExpression": "cron(0 2 ? * SUN *)",
    "OutputLocation": {"S3Location": {"OutputS3BucketName": "logs-bucket"}},
    "AssociationName": "nightly",
    "MaxErrors": "10%",
    "MaxConcurrency": "2",
    "ComplianceSeverity": "HIGH",
    "SyncCompliance": "AUTO",
    "ApplyOnlyAtCronInterval": True,
    "CalendarNames": ["change-calendar"],
    "ScheduleOffset": 2,
    "Duration": 4,
    "AlarmConfiguration": ALARMS,
}


def code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def test_create_and_describe_keep_every_member(boto: Any) -> None:
    created = boto.create_association(**FULL)["AssociationDescription"]
    assert created["AssociationVersion"] == "1"
    described = boto.describe_association(AssociationId=created["AssociationId"])
    description = described["AssociationDescription"]
    assert {k: description[k] for k in FULL} == FULL
    assert description["Status"]["Name"] == "Pending"
    assert isinstance(description["Date"], datetime.datetime)


def test_update_nulls_every_omitted_member_name_included(boto: Any) -> None:
    # The rule ssmkit exists for, reproduced faithfully.
    created = boto.create_association(**FULL)["AssociationDescription"]
    boto.update_association(
        AssociationId=created["AssociationId"], ScheduleExpression="cron(0 3 ? * SUN *)"
    )
    after = boto.describe_association(AssociationId=created["AssociationId"])[
        "AssociationDescription"
    ]
    assert after["ScheduleExpression"] == "cron(0 3 ? * SUN *)"
    assert after["AssociationVersion"] == "2"
    for member in FULL:
        if member != "ScheduleExpression":
            assert member not in after, f"{member} survived a raw update"
    assert after["Date"] == created["Date"]  # the service's own members stay


def test_association_version_is_a_compare_and_swap_token(boto: Any) -> None:
    association_id = boto.create_association(Name=RUN)["AssociationDescription"][
        "AssociationId"
    ]
    boto.update_association(
        AssociationId=association_id, Name=RUN, AssociationVersion="1"
    )
    with pytest.raises(ClientError) as caught:
        boto.update_association(
            AssociationId=association_id, Name=RUN, AssociationVersion="1"
        )
    assert code(caught) == "InvalidAssociationVersion"
    latest = boto.update_association(
        AssociationId=association_id, Name=RUN, AssociationVersion="$LATEST"
    )
    assert latest["AssociationDescription"]["AssociationVersion"] == "3"
    versions = boto.list_association_versions(AssociationId=association_id)[
        "AssociationVersions"
    ]
    assert [v["AssociationVersion"] for v in versions] == ["3", "2", "1"]
    old = boto.describe_association(
        AssociationId=association_id, AssociationVersion="1"
    )
    assert old["AssociationDescription"]["AssociationVersion"] == "1"
    with pytest.raises(ClientError) as caught:
        boto.describe_association(AssociationId=association_id, AssociationVersion="9")
    assert code(caught) == "InvalidAssociationVersion"


@pytest.mark.parametrize(
    ("members", "rule"),
    [
        (
            {"ScheduleExpression": "cron(0 2 ? * SUN *)", "ScheduleOffset": 2},
            "ScheduleOffset",
        ),
        ({"ScheduleExpression": "cron(0 2 ? * SUN *)", "Duration": 2}, "Duration"),
        (
            {"ScheduleExpression": "rate(1 day)", "ApplyOnlyAtCronInterval": True},
            "rate",
        ),
        (
            {
                "Targets": [{"Key": "InstanceIds", "Values": ["i-1"]}],
                "TargetMaps": [{"i": ["i-1"]}],
            },
            "TargetMaps",
        ),
    ],
)
def test_documented_cross_member_rules_are_refused(
    boto: Any, members: dict[str, Any], rule: str
) -> None:
    with pytest.raises(ClientError, match=rule) as caught:
        boto.create_association(Name=RUN, **members)
    assert code(caught) == "InvalidParameters"
    association_id = boto.create_association(Name=RUN)["AssociationDescription"][
        "AssociationId"
    ]
    with pytest.raises(ClientError, match=rule):
        boto.update_association(AssociationId=association_id, Name=RUN, **members)
    stored = boto.describe_association(AssociationId=association_id)[
        "AssociationDescription"
    ]
    assert stored["AssociationVersion"] == "1"


def test_unknown_association_and_legacy_lookups(boto: Any) -> None:
    with pytest.raises(ClientError) as caught:
        boto.describe_association(AssociationId="8d4b0a4e-0000-4000-8000-000000000009")
    assert code(caught) == "AssociationDoesNotExist"
    boto.create_association(Name=RUN, InstanceId="i-0123456789abcdef0")
    found = boto.describe_association(Name=RUN, InstanceId="i-0123456789abcdef0")
    assert found["AssociationDescription"]["InstanceId"] == "i-0123456789abcdef0"
    with pytest.raises(ClientError) as caught:
        boto.create_association(Name=RUN, InstanceId="i-0123456789abcdef0")
    assert code(caught) == "AssociationAlreadyExists"
    boto.delete_association(Name=RUN, InstanceId="i-0123456789abcdef0")
    with pytest.raises(ClientError):
        boto.describe_association(Name=RUN, InstanceId="i-0123456789abcdef0")


def test_create_batch_reports_failed_entries(boto: Any) -> None:
    boto.create_association(Name=RUN, InstanceId="i-0123456789abcdef0")
    result = boto.create_association_batch(
        Entries=[
            {"Name": RUN, "InstanceId": "i-0123456789abcdef0"},
            {"Name": RUN, "Targets": [{"Key": "tag:Env", "Values": ["prod"]}]},
        ]
    )
    assert [s["Targets"] for s in result["Successful"]] == [
        [{"Key": "tag:Env", "Values": ["prod"]}]
    ]
    assert result["Failed"][0]["Entry"]["InstanceId"] == "i-0123456789abcdef0"
    assert result["Failed"][0]["Fault"] == "Client"


def test_list_associations_filters_and_pages(boto: Any) -> None:
    ids = [
        boto.create_association(Name=RUN, AssociationName=f"assoc-{i}")[
            "AssociationDescription"
        ]["AssociationId"]
        for i in range(5)
    ]
    boto.create_association(Name="AWS-UpdateSSMAgent")
    pages = list(
        boto.get_paginator("list_associations").paginate(
            AssociationFilterList=[{"key": "Name", "value": RUN}],
            PaginationConfig={"PageSize": 2},
        )
    )
    assert [len(p["Associations"]) for p in pages] == [2, 2, 1]
    assert [a["AssociationId"] for p in pages for a in p["Associations"]] == ids
    named = boto.list_associations(
        AssociationFilterList=[{"key": "AssociationName", "value": "assoc-3"}]
    )
    assert [a["AssociationId"] for a in named["Associations"]] == [ids[3]]
    with pytest.raises(ClientError) as caught:
        boto.list_associations(NextToken="not-a-token")
    assert code(caught) == "InvalidNextToken"


def test_update_association_status_is_for_legacy_associations(boto: Any) -> None:
    boto.create_association(Name=RUN, InstanceId="i-0123456789abcdef0")
    status = {
        "Date": datetime.datetime(2026, 1, 1),
        "Name": "Failed",
        "Message": "broken",
    }
    updated = boto.update_association_status(
        Name=RUN, InstanceId="i-0123456789abcdef0", AssociationStatus=status
    )["AssociationDescription"]
    assert updated["Status"]["Name"] == "Failed"
    assert updated["AssociationVersion"] == "1"
    with pytest.raises(ClientError) as caught:
        boto.update_association_status(
            Name=RUN, InstanceId="i-0123456789abcdef0", AssociationStatus=status
        )
    assert code(caught) == "StatusUnchanged"


def test_every_write_runs_the_association_unless_cron_only(boto: Any) -> None:
    targets = [{"Key": "InstanceIds", "Values": ["i-1", "i-2"]}]
    association_id = boto.create_association(Name=RUN, Targets=targets)[
        "AssociationDescription"
    ]["AssociationId"]
    boto.update_association(AssociationId=association_id, Name=RUN, Targets=targets)
    boto.update_association(
        AssociationId=association_id,
        Name=RUN,
        Targets=targets,
        ScheduleExpression="cron(0 2 ? * SUN *)",
        ApplyOnlyAtCronInterval=True,
    )
    boto.start_associations_once(AssociationIds=[association_id])
    executions = boto.describe_association_executions(AssociationId=association_id)[
        "AssociationExecutions"
    ]
    assert [e["AssociationVersion"] for e in executions] == ["3", "2", "1"]
    targets_run = boto.describe_association_execution_targets(
        AssociationId=association_id, ExecutionId=executions[0]["ExecutionId"]
    )["AssociationExecutionTargets"]
    assert sorted(t["ResourceId"] for t in targets_run) == ["i-1", "i-2"]
    with pytest.raises(ClientError) as caught:
        boto.start_associations_once(
            AssociationIds=["8d4b0a4e-0000-4000-8000-000000000009"]
        )
    assert code(caught) == "InvalidAssociation"
    with pytest.raises(ClientError) as caught:
        boto.describe_association_execution_targets(
            AssociationId=association_id,
            ExecutionId="8d4b0a4e-0000-4000-8000-000000000009",
        )
    assert code(caught) == "AssociationExecutionDoesNotExist"


# -- maintenance window tasks ---------------------------------------------------

TASK = {
    "TaskArn": RUN,
    "TaskType": "RUN_COMMAND",
    "Targets": [{"Key": "InstanceIds", "Values": ["i-1"]}],
    "ServiceRoleArn": "arn:aws:iam::123456789012:role/maintenance",
    "TaskInvocationParameters": {
        "RunCommand": {
            "Comment": "weekly patching",
            "NotificationConfig": {"NotificationArn": "arn:aws:sns:us-east-1:1:t"},
            "OutputS3BucketName": "logs-bucket",
        }
    },
    "Priority": 2,
    "MaxConcurrency": "5",
    "MaxErrors": "1",
    "Name": "patch",
    "Description": "secret-ish description",
    "CutoffBehavior": "CANCEL_TASK",
    "AlarmConfiguration": ALARMS,
}


def test_register_keeps_alarms_and_cutoff_behavior(boto: Any, window: str) -> None:
    task_id = boto.register_task_with_maintenance_window(WindowId=window, **TASK)[
        "WindowTaskId"
    ]
    task = boto.get_maintenance_window_task(WindowId=window, WindowTaskId=task_id)
    assert {k: task[k] for k in TASK} == TASK
    described = boto.describe_maintenance_window_tasks(WindowId=window)["Tasks"]
    assert described[0]["AlarmConfiguration"] == ALARMS
    assert described[0]["CutoffBehavior"] == "CANCEL_TASK"


def test_update_task_replaces_invocation_parameters_whole(
    boto: Any, window: str
) -> None:
    task_id = boto.register_task_with_maintenance_window(WindowId=window, **TASK)[
        "WindowTaskId"
    ]
    boto.update_maintenance_window_task(
        WindowId=window,
        WindowTaskId=task_id,
        TaskInvocationParameters={"RunCommand": {"OutputS3BucketName": "other-bucket"}},
    )
    task = boto.get_maintenance_window_task(WindowId=window, WindowTaskId=task_id)
    # "If you update the maintenance window task and specify only a different
    # OutputS3BucketName value, the values for Comment and NotificationConfig are
    # removed."
    assert task["TaskInvocationParameters"] == {
        "RunCommand": {"OutputS3BucketName": "other-bucket"}
    }
    # Without Replace, the members not sent are kept.
    assert task["AlarmConfiguration"] == ALARMS
    assert task["Priority"] == 2


def test_update_task_with_replace_nulls_omitted_members(boto: Any, window: str) -> None:
    task_id = boto.register_task_with_maintenance_window(WindowId=window, **TASK)[
        "WindowTaskId"
    ]
    boto.update_maintenance_window_task(
        WindowId=window,
        WindowTaskId=task_id,
        TaskArn=RUN,
        Targets=TASK["Targets"],
        MaxConcurrency="1",
        MaxErrors="1",
        Replace=True,
    )
    task = boto.get_maintenance_window_task(WindowId=window, WindowTaskId=task_id)
    for member in (
        "TaskInvocationParameters",
        "AlarmConfiguration",
        "Priority",
        "Name",
    ):
        assert member not in task
    assert task["TaskType"] == "RUN_COMMAND"
    with pytest.raises(ClientError, match="TaskArn"):
        boto.update_maintenance_window_task(
            WindowId=window, WindowTaskId=task_id, Replace=True, MaxErrors="1"
        )


def test_targetless_task_reports_placeholders_it_refuses_back(
    boto: Any, window: str
) -> None:
    task_id = boto.register_task_with_maintenance_window(
        WindowId=window, TaskArn="AWS-RestartEC2Instance", TaskType="AUTOMATION"
    )["WindowTaskId"]
    task = boto.get_maintenance_window_task(WindowId=window, WindowTaskId=task_id)
    assert (task["MaxConcurrency"], task["MaxErrors"]) == ("1", "1")
    with pytest.raises(ClientError, match="MaxConcurrency"):
        boto.update_maintenance_window_task(
            WindowId=window, WindowTaskId=task_id, MaxConcurrency="1", Priority=3
        )
    boto.update_maintenance_window_task(
        WindowId=window, WindowTaskId=task_id, Priority=3
    )
    assert (
        boto.get_maintenance_window_task(WindowId=window, WindowTaskId=task_id)[
            "Priority"
        ]
        == 3
    )
    with pytest.raises(ClientError, match="MaxConcurrency"):
        boto.register_task_with_maintenance_window(
            WindowId=window,
            TaskArn="AWS-RestartEC2Instance",
            TaskType="AUTOMATION",
            MaxConcurrency="2",
        )


def test_task_errors_and_deregistration(boto: Any, window: str) -> None:
    missing = "8d4b0a4e-0000-4000-8000-000000000009"
    with pytest.raises(ClientError) as caught:
        boto.get_maintenance_window_task(WindowId=window, WindowTaskId=missing)
    assert code(caught) == "DoesNotExistException"
    with pytest.raises(ClientError) as caught:
        boto.get_maintenance_window_task(
            WindowId="mw-0123456789abcdef0", WindowTaskId=missing
        )
    assert code(caught) == "DoesNotExistException"
    task_id = boto.register_task_with_maintenance_window(WindowId=window, **TASK)[
        "WindowTaskId"
    ]
    removed = boto.deregister_task_from_maintenance_window(
        WindowId=window, WindowTaskId=task_id
    )
    assert removed["WindowTaskId"] == task_id
    assert boto.describe_maintenance_window_tasks(WindowId=window)["Tasks"] == []


def test_a_window_run_is_reported_by_the_execution_operations(
    boto: Any, window: str, stand_in: StandIn
) -> None:
    task_id = boto.register_task_with_maintenance_window(
        WindowId=window, TaskParameters={"commands": {"Values": ["ls"]}}, **TASK
    )["WindowTaskId"]
    assert task_id
    execution_id = stand_in.run_maintenance_window(window)
    runs = boto.describe_maintenance_window_execution_tasks(
        WindowExecutionId=execution_id
    )
    (run,) = runs["WindowExecutionTaskIdentities"]
    assert run["Status"] == "SUCCESS"
    assert run["AlarmConfiguration"] == ALARMS
    task_run = boto.get_maintenance_window_execution_task(
        WindowExecutionId=execution_id, TaskId=run["TaskExecutionId"]
    )
    assert task_run["TaskParameters"] == [{"commands": {"Values": ["ls"]}}]
    assert task_run["Type"] == "RUN_COMMAND"
    with pytest.raises(ClientError) as caught:
        boto.describe_maintenance_window_execution_tasks(
            WindowExecutionId="8d4b0a4e-0000-4000-8000-000000000009"
        )
    assert code(caught) == "DoesNotExistException"


# -- commands and automation ----------------------------------------------------


def test_commands_keep_alarms_and_list_invocations(boto: Any) -> None:
    command = boto.send_command(
        DocumentName=RUN,
        InstanceIds=["i-0123456789abcdef0"],
        AlarmConfiguration=ALARMS,
        Parameters={"commands": ["ls"]},
    )["Command"]
    assert command["AlarmConfiguration"] == ALARMS
    listed = boto.list_commands(CommandId=command["CommandId"])["Commands"]
    assert listed[0]["AlarmConfiguration"] == ALARMS
    invocations = boto.list_command_invocations(
        CommandId=command["CommandId"], Details=True
    )
    assert [i["InstanceId"] for i in invocations["CommandInvocations"]] == [
        "i-0123456789abcdef0"
    ]
    assert (
        invocations["CommandInvocations"][0]["CommandPlugins"][0]["Name"]
        == "aws:runShellScript"
    )
    boto.get_command_invocation(
        CommandId=command["CommandId"], InstanceId="i-0123456789abcdef0"
    )
    boto.cancel_command(CommandId=command["CommandId"])
    assert (
        boto.list_commands(CommandId=command["CommandId"])["Commands"][0]["Status"]
        == "Cancelled"
    )


def test_automation_executions(boto: Any) -> None:
    execution_id = boto.start_automation_execution(
        DocumentName="AWS-RestartEC2Instance",
        Parameters={"InstanceId": ["i-1"]},
        AlarmConfiguration=ALARMS,
    )["AutomationExecutionId"]
    execution = boto.get_automation_execution(AutomationExecutionId=execution_id)
    assert execution["AutomationExecution"]["AlarmConfiguration"] == ALARMS
    assert execution["AutomationExecution"]["AutomationExecutionStatus"] == "InProgress"
    listed = boto.describe_automation_executions(
        Filters=[{"Key": "ExecutionStatus", "Values": ["InProgress"]}]
    )["AutomationExecutionMetadataList"]
    assert [e["AutomationExecutionId"] for e in listed] == [execution_id]
    boto.stop_automation_execution(AutomationExecutionId=execution_id)
    stopped = boto.get_automation_execution(AutomationExecutionId=execution_id)
    assert stopped["AutomationExecution"]["AutomationExecutionStatus"] == "Cancelled"
    with pytest.raises(ClientError) as caught:
        boto.stop_automation_execution(AutomationExecutionId=execution_id)
    assert code(caught) == "InvalidAutomationStatusUpdateException"
    with pytest.raises(ClientError) as caught:
        boto.get_automation_execution(
            AutomationExecutionId="8d4b0a4e-0000-4000-8000-000000000009"
        )
    assert code(caught) == "AutomationExecutionNotFoundException"


# -- faults, hooks and the request log -------------------------------------------


def test_fail_next_times_and_after(boto: Any, stand_in: StandIn) -> None:
    association_id = boto.create_association(Name=RUN)["AssociationDescription"][
        "AssociationId"
    ]
    stand_in.fail_next("DescribeAssociation", "TooManyUpdates", times=2, after=1)
    boto.describe_association(AssociationId=association_id)
    for _ in range(2):
        with pytest.raises(ClientError) as caught:
            boto.describe_association(AssociationId=association_id)
        assert code(caught) == "TooManyUpdates"
    boto.describe_association(AssociationId=association_id)
    assert stand_in.operations.count("DescribeAssociation") == 4


def test_fail_next_when(boto: Any, stand_in: StandIn) -> None:
    first = boto.create_association(Name=RUN)["AssociationDescription"]["AssociationId"]
    second = boto.create_association(Name=RUN)["AssociationDescription"][
        "AssociationId"
    ]
    stand_in.fail_next(
        "DescribeAssociation",
        "InternalServerError",
        times=10,  # more than botocore's attempts: a 500 is retried
        when=lambda p: p["AssociationId"] == second,
    )
    boto.describe_association(AssociationId=first)
    with pytest.raises(ClientError) as caught:
        boto.describe_association(AssociationId=second)
    assert code(caught) == "InternalServerError"


def test_faults_answer_with_the_status_aws_uses(stand_in: StandIn) -> None:
    client = boto3.client(
        "ssm",
        region_name="us-east-1",
        config=Config(retries={"mode": "standard", "total_max_attempts": 3}),
    )
    for code_, status, attempts in (
        ("InternalServerError", 500, 2),  # retried: a server fault
        ("ServiceUnavailable", 503, 2),
        ("ThrottlingException", 400, 2),  # retried: a throttling code
        ("TooManyUpdates", 400, 1),  # not retried by botocore
    ):
        stand_in.requests.clear()
        stand_in.fail_next("ListAssociations", code_)
        if attempts == 1:
            with pytest.raises(ClientError) as caught:
                client.list_associations()
            assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
        else:
            client.list_associations()
        assert stand_in.operations.count("ListAssociations") == attempts, code_
    stand_in.fail_next("ListAssociations", "InternalServerError", times=3)
    with pytest.raises(ClientError) as caught:
        client.list_associations()
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_throttling_fault_is_retried_by_botocore(stand_in: StandIn) -> None:
    client = boto3.client("ssm", region_name="us-east-1")
    association_id = client.create_association(Name=RUN)["AssociationDescription"][
        "AssociationId"
    ]
    stand_in.fail_next("DescribeAssociation", "ThrottlingException")
    client.describe_association(AssociationId=association_id)
    assert stand_in.operations.count("DescribeAssociation") == 2


def test_before_hook_plays_a_concurrent_writer(boto: Any, stand_in: StandIn) -> None:
    association_id = boto.create_association(Name=RUN)["AssociationDescription"][
        "AssociationId"
    ]
    other = boto3.client("ssm", region_name="us-east-1")

    def rival(params: dict[str, Any]) -> None:
        other.update_association(
            AssociationId=params["AssociationId"], Name=RUN, MaxErrors="3"
        )

    stand_in.before("UpdateAssociation", rival)
    with pytest.raises(ClientError) as caught:
        boto.update_association(
            AssociationId=association_id, Name=RUN, AssociationVersion="1"
        )
    assert code(caught) == "InvalidAssociationVersion"
    # The rival's own calls are neither hooked again nor logged.
    assert stand_in.operations == ["CreateAssociation", "UpdateAssociation"]
    stored = boto.describe_association(AssociationId=association_id)[
        "AssociationDescription"
    ]
    assert stored["MaxErrors"] == "3"


def test_a_hook_runs_once_unless_told_otherwise(boto: Any, stand_in: StandIn) -> None:
    ran: list[str] = []
    stand_in.before("ListAssociations", lambda params: ran.append("once"))
    stand_in.before("ListAssociations", lambda params: ran.append("twice"), times=2)
    stand_in.before("ListAssociations", lambda params: ran.append("every"), times=None)
    for _ in range(3):
        boto.list_associations()
    assert ran == ["once", "twice", "every", "twice", "every", "every"]


def test_fail_next_refuses_nonsense(boto: Any, stand_in: StandIn) -> None:
    said = r"^times must be at least 1 and after at least 0$"
    with pytest.raises(ValueError, match=said):
        stand_in.fail_next("ListAssociations", "ThrottlingException", times=0)
    with pytest.raises(ValueError, match=said):
        stand_in.fail_next("ListAssociations", "ThrottlingException", after=-1)
    # Nothing refused was set.
    assert boto.list_associations()["Associations"] == []


def test_state_is_fresh_in_each_mock_and_moto_keeps_working() -> None:
    with mock_ssm():
        client = boto3.client("ssm", region_name="us-east-1")
        client.create_association(Name=RUN)
        client.put_parameter(Name="/app/db", Value="x", Type="String")
        assert len(client.list_associations()["Associations"]) == 1
        assert client.get_parameter(Name="/app/db")["Parameter"]["Value"] == "x"
    with mock_ssm():
        client = boto3.client("ssm", region_name="us-east-1")
        assert client.list_associations()["Associations"] == []


@mock_ssm()
def test_works_as_a_decorator() -> None:
    client = boto3.client("ssm", region_name="eu-west-1")
    client.create_association(Name=RUN)
    assert len(client.list_associations()["Associations"]) == 1
    assert (
        boto3.client("ssm", region_name="us-east-1").list_associations()["Associations"]
        == []
    )


def test_moto_is_left_as_it_was_after_the_mock() -> None:
    from moto.ssm.responses import SimpleSystemManagerResponse

    with mock_ssm():
        assert "update_association" in SimpleSystemManagerResponse.__dict__
    assert "update_association" not in SimpleSystemManagerResponse.__dict__
    assert "call_action" not in SimpleSystemManagerResponse.__dict__


# -- over HTTP --------------------------------------------------------------------


def test_server_in_process_serves_the_same_semantics() -> None:
    with Server() as server:
        client = boto3.client(
            "ssm",
            region_name="us-east-1",
            endpoint_url=server.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        check_answers(client)
        created = client.create_association(**FULL)["AssociationDescription"]
        server.stand_in.fail_next("UpdateAssociation", "TooManyUpdates")
        with pytest.raises(ClientError):
            client.update_association(AssociationId=created["AssociationId"], Name=RUN)
        described = client.describe_association(AssociationId=created["AssociationId"])
        assert described["AssociationDescription"]["Targets"] == FULL["Targets"]


def _overview(client: Any) -> str:
    """The overview status of a new association of the server's."""
    created = client.create_association(Name=RUN, AssociationName="fresh-state")
    association_id = created["AssociationDescription"]["AssociationId"]
    described = client.describe_association(AssociationId=association_id)
    return str(described["AssociationDescription"]["Overview"]["Status"])


def test_a_server_starts_from_nothing_as_mock_ssm_does() -> None:
    with Server() as first:
        boto = first.client()
        boto.create_association(Name=RUN, AssociationName="left-behind")
        first.stand_in.set_run_duration(60)
        assert _overview(boto) == "Pending"
    with Server() as second:
        boto = second.client()
        assert boto.list_associations()["Associations"] == []
        assert _overview(boto) == "Success"
        assert second.stand_in.requests_for("ListAssociations") == [{}]


def test_servers_side_by_side_share_one_state() -> None:
    with Server() as first:
        first.client().create_association(Name=RUN, AssociationName="shared")
        with Server() as second:
            names = [
                found["Name"]
                for found in second.client().list_associations()["Associations"]
            ]
            assert names == [RUN]
        assert len(first.client().list_associations()["Associations"]) == 1


def test_a_server_started_inside_mock_ssm_serves_its_state() -> None:
    with mock_ssm():
        boto = boto3.client("ssm", region_name="us-east-1")
        boto.create_association(Name=RUN, AssociationName="from-the-mock")
        with Server() as server:
            listed = server.client().list_associations()["Associations"]
            assert [found["AssociationName"] for found in listed] == ["from-the-mock"]
        assert len(boto.list_associations()["Associations"]) == 1


def test_server_command_prints_its_url_and_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ssmkit.testing.server",
            "--port",
            "0",
            "--fail",
            "DescribeAssociation:AssociationDoesNotExist:1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        client = boto3.client(
            "ssm",
            region_name="us-east-1",
            endpoint_url=url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        association_id = client.create_association(Name=RUN)["AssociationDescription"][
            "AssociationId"
        ]
        with pytest.raises(ClientError) as caught:
            client.describe_association(AssociationId=association_id)
        assert code(caught) == "AssociationDoesNotExist"
        assert client.describe_association(AssociationId=association_id)
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "stopped" in stderr


def test_server_refuses_a_malformed_fault() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ssmkit.testing.server", "--fail", "UpdateAssociation"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
    )
    assert result.returncode == 2
    assert "OPERATION:CODE" in result.stderr


# -- fidelity ---------------------------------------------------------------------


def test_zz_every_operation_answer_was_validated_against_its_output_shape() -> None:
    # Runs after the tests above (pytest keeps file order): together they call all
    # 27 operations through a client whose every answer is validated.
    from .standin import VALIDATED as validated

    assert validated is VALIDATED
    missing = sorted(set(OPERATIONS) - VALIDATED)
    assert missing == [], f"no answer validated for {missing}"


def test_keep_on_update_refuses_what_it_cannot_keep_in_words(
    stand_in: StandIn,
) -> None:
    with pytest.raises(TypeError) as caught:
        stand_in.keep_on_update("Name")
    assert str(caught.value) == (
        "members must be a collection of member names, not one string"
    )
    with pytest.raises(
        ValueError, match=r"^UpdateAssociation has no member Colour, Nmae$"
    ):
        stand_in.keep_on_update(["Targets", "Nmae", "Colour"])


def test_a_client_is_of_the_region_and_account_named(stand_in: StandIn) -> None:
    (member,) = stand_in.create_organization(1)
    slow = Config(connect_timeout=7, retries={"total_max_attempts": 1})
    clients = [
        stand_in.client(),
        stand_in.client("eu-west-1", account_id=member, config=slow),
        stand_in.client(account_id="123456789012"),
    ]
    for client in clients:
        client.list_associations()
    assert [(r.account_id, r.region) for r in stand_in.requests] == [
        ("123456789012", "us-east-1"),
        (member, "eu-west-1"),
        ("123456789012", "us-east-1"),
    ]
    assert [c.meta.region_name for c in clients] == [
        "us-east-1",
        "eu-west-1",
        "us-east-1",
    ]
    assert clients[1].meta.config.connect_timeout == 7
    # The member's own credentials: its role's, for a session of the local SSM.
    credentials = clients[1]._request_signer._credentials.get_frozen_credentials()
    sts = boto3.client(
        "sts",
        region_name="us-east-1",
        aws_access_key_id=credentials.access_key,
        aws_secret_access_key=credentials.secret_key,
        aws_session_token=credentials.token,
    )
    assert sts.get_caller_identity()["Arn"] == (
        f"arn:aws:sts::{member}:assumed-role/OrganizationAccountAccessRole/"
        "ssmkit-testing"
    )


def test_an_injected_fault_says_its_code_unless_given_words(
    boto: Any, stand_in: StandIn
) -> None:
    stand_in.fail_next("ListAssociations", "AccessDeniedException")
    stand_in.fail_next("ListAssociations", "ValidationException", message="not so")
    said = []
    for _ in range(2):
        with pytest.raises(ClientError) as caught:
            boto.list_associations()
        error = caught.value.response["Error"]
        said.append((error["Code"], error["Message"]))
    assert said == [
        ("AccessDeniedException", "Injected AccessDeniedException"),
        ("ValidationException", "not so"),
    ]


def test_fail_runs_and_set_run_duration_refuse_what_they_cannot_take(
    stand_in: StandIn,
) -> None:
    with pytest.raises(
        TypeError,
        match=r"^resource_ids must be a collection of node ids, not one string$",
    ):
        stand_in.fail_runs("i-0123456789abcdef0")
    with pytest.raises(
        TypeError, match=r"^resource_ids must be node ids as strings, got 5$"
    ):
        stand_in.fail_runs(["i-0123456789abcdef0", 5, 6])
    with pytest.raises(TypeError, match=r"^seconds must be a number, not str$"):
        stand_in.set_run_duration("60")  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"^seconds must be from 0 to 86400, got 86400\.5$"
    ):
        stand_in.set_run_duration(86400.5)
    # The bounds themselves are taken.
    stand_in.set_run_duration(86400)
    stand_in.set_run_duration(0)


def test_a_fault_whose_condition_fails_lets_the_next_one_fire(
    boto: Any, stand_in: StandIn
) -> None:
    stand_in.fail_next(
        "ListAssociations", "AccessDeniedException", when=lambda p: "MaxResults" in p
    )
    stand_in.fail_next("ListAssociations", "ValidationException", message="second")
    with pytest.raises(ClientError) as caught:
        boto.list_associations()
    assert caught.value.response["Error"]["Message"] == "second"
    # The first still waits for a request it matches.
    with pytest.raises(ClientError) as caught:
        boto.list_associations(MaxResults=5)
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    assert boto.list_associations(MaxResults=5)["Associations"] == []
