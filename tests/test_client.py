"""ssmkit.Client: construction, one method per operation, errors, pagination.

Every call runs botocore's real serializer and parser; the wire is answered at
botocore's ``before-send`` event (tests/wire.py), or by moto.
"""

from __future__ import annotations

import datetime
import inspect
from typing import Any

import attrs
import boto3
import botocore
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import ssmkit
from ssmkit import errors
from ssmkit.models import (
    Alarm,
    AlarmConfiguration,
    AlarmStateInformation,
    Association,
    AssociationComplianceSeverity,
    AssociationDescription,
    AssociationExecution,
    AssociationExecutionTarget,
    AssociationExecutionTargetsFilter,
    AssociationExecutionTargetsFilterKey,
    AssociationFilter,
    AssociationFilterKey,
    AssociationStatus,
    AssociationStatusName,
    AssociationVersionInfo,
    AutomationExecution,
    AutomationExecutionFilter,
    AutomationExecutionFilterKey,
    AutomationExecutionMetadata,
    AutomationExecutionStatus,
    Command,
    CommandFilter,
    CommandFilterKey,
    CommandInvocation,
    CommandInvocationStatus,
    CreateAssociationBatchRequestEntry,
    CreateAssociationBatchResult,
    DeregisterTaskFromMaintenanceWindowResult,
    ExternalAlarmState,
    FailedCreateAssociation,
    Fault,
    GetCommandInvocationResult,
    GetMaintenanceWindowExecutionTaskResult,
    GetMaintenanceWindowTaskResult,
    MaintenanceWindowExecutionStatus,
    MaintenanceWindowExecutionTaskIdentity,
    MaintenanceWindowRunCommandParameters,
    MaintenanceWindowTask,
    MaintenanceWindowTaskCutoffBehavior,
    MaintenanceWindowTaskInvocationParameters,
    MaintenanceWindowTaskType,
    StopType,
    Target,
)

from .service_model import ALL_OPERATIONS, OPERATIONS, PAGINATORS, operation
from .wire import Wire, wired_client

WINDOW = "mw-0123456789abcdef0"
TASK = "8d4b0a4e-0000-4000-8000-000000000001"
EXECUTION = "8d4b0a4e-0000-4000-8000-000000000002"
COMMAND = "8d4b0a4e-0000-4000-8000-000000000003"
JAN_1 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
EPOCH_JAN_1 = 1767225600
ALARMS = AlarmConfiguration(
    alarms=[Alarm(name="cpu-high")], ignore_poll_alarm_failure=True
)
WIRE_ALARMS = {"Alarms": [{"Name": "cpu-high"}], "IgnorePollAlarmFailure": True}
TRIGGERED = [{"Name": "cpu-high", "State": "ALARM"}]
SAFE = {
    "UpdateAssociation",
    "UpdateMaintenanceWindow",
    "UpdateMaintenanceWindowTarget",
    "UpdateMaintenanceWindowTask",
    "UpdatePatchBaseline",
}


@pytest.fixture
def wired() -> tuple[ssmkit.Client, Wire]:
    boto3_client, wire = wired_client()
    return ssmkit.Client(boto3_client=boto3_client), wire


# -- one case per operation ---------------------------------------------------
#
# (method, keyword arguments, the exact wire request, the answer, the typed result)

CASES: list[tuple[str, dict[str, Any], dict[str, Any], list[dict[str, Any]], Any]] = [
    (
        "cancel_command",
        {"command_id": COMMAND, "instance_ids": ["i-1"]},
        {"CommandId": COMMAND, "InstanceIds": ["i-1"]},
        [{}],
        None,
    ),
    (
        "create_association",
        {
            "name": "AWS-RunShellScript",
            "targets": [Target(key="tag:Env", values=["prod"])],
            "parameters": {"commands": ["uptime"]},
            "schedule_expression": "rate(1 day)",
            "alarm_configuration": ALARMS,
            "compliance_severity": AssociationComplianceSeverity.HIGH,
        },
        {
            "Name": "AWS-RunShellScript",
            "Targets": [{"Key": "tag:Env", "Values": ["prod"]}],
            "Parameters": {"commands": ["uptime"]},
            "ScheduleExpression": "rate(1 day)",
            "AlarmConfiguration": WIRE_ALARMS,
            "ComplianceSeverity": "HIGH",
        },
        [
            {
                "AssociationDescription": {
                    "AssociationId": "a1",
                    "Name": "AWS-RunShellScript",
                    "AssociationVersion": "1",
                    "Date": EPOCH_JAN_1,
                    "AlarmConfiguration": WIRE_ALARMS,
                }
            }
        ],
        AssociationDescription(
            association_id="a1",
            name="AWS-RunShellScript",
            association_version="1",
            date=JAN_1,
            alarm_configuration=ALARMS,
        ),
    ),
    (
        "create_association_batch",
        {
            "entries": [
                CreateAssociationBatchRequestEntry(name="doc", instance_id="i-1")
            ]
        },
        {"Entries": [{"Name": "doc", "InstanceId": "i-1"}]},
        [
            {
                "Successful": [{"Name": "doc", "AssociationId": "a1"}],
                "Failed": [
                    {"Entry": {"Name": "bad"}, "Message": "no", "Fault": "Client"}
                ],
            }
        ],
        CreateAssociationBatchResult(
            successful=[AssociationDescription(name="doc", association_id="a1")],
            failed=[
                FailedCreateAssociation(
                    entry=CreateAssociationBatchRequestEntry(name="bad"),
                    message="no",
                    fault=Fault.CLIENT,
                )
            ],
        ),
    ),
    (
        "delete_association",
        {"association_id": "a1"},
        {"AssociationId": "a1"},
        [{}],
        None,
    ),
    (
        "deregister_task_from_maintenance_window",
        {"window_id": WINDOW, "window_task_id": TASK},
        {"WindowId": WINDOW, "WindowTaskId": TASK},
        [{"WindowId": WINDOW, "WindowTaskId": TASK}],
        DeregisterTaskFromMaintenanceWindowResult(
            window_id=WINDOW, window_task_id=TASK
        ),
    ),
    (
        "describe_association",
        {"association_id": "a1", "association_version": "$LATEST"},
        {"AssociationId": "a1", "AssociationVersion": "$LATEST"},
        [
            {
                "AssociationDescription": {
                    "AssociationId": "a1",
                    "Parameters": {"p": ["v"]},
                }
            }
        ],
        AssociationDescription(association_id="a1", parameters={"p": ["v"]}),
    ),
    (
        "describe_association_execution_targets",
        {
            "association_id": "a1",
            "execution_id": EXECUTION,
            "filters": [
                AssociationExecutionTargetsFilter(
                    key=AssociationExecutionTargetsFilterKey.STATUS, value="Failed"
                )
            ],
        },
        {
            "AssociationId": "a1",
            "ExecutionId": EXECUTION,
            "Filters": [{"Key": "Status", "Value": "Failed"}],
        },
        [{"AssociationExecutionTargets": [{"ResourceId": "i-1", "Status": "Failed"}]}],
        [AssociationExecutionTarget(resource_id="i-1", status="Failed")],
    ),
    (
        "describe_association_executions",
        {"association_id": "a1"},
        {"AssociationId": "a1"},
        [
            {
                "AssociationExecutions": [
                    {"ExecutionId": EXECUTION, "AlarmConfiguration": WIRE_ALARMS}
                ]
            }
        ],
        [AssociationExecution(execution_id=EXECUTION, alarm_configuration=ALARMS)],
    ),
    (
        "describe_automation_executions",
        {
            "filters": [
                AutomationExecutionFilter(
                    key=AutomationExecutionFilterKey.EXECUTION_STATUS,
                    values=["Success"],
                )
            ]
        },
        {"Filters": [{"Key": "ExecutionStatus", "Values": ["Success"]}]},
        [
            {
                "AutomationExecutionMetadataList": [
                    {"AutomationExecutionId": EXECUTION, "TriggeredAlarms": TRIGGERED}
                ]
            }
        ],
        [
            AutomationExecutionMetadata(
                automation_execution_id=EXECUTION,
                triggered_alarms=[
                    AlarmStateInformation(
                        name="cpu-high", state=ExternalAlarmState.ALARM
                    )
                ],
            )
        ],
    ),
    (
        "describe_maintenance_window_execution_tasks",
        {"window_execution_id": EXECUTION},
        {"WindowExecutionId": EXECUTION},
        [
            {
                "WindowExecutionTaskIdentities": [
                    {"TaskExecutionId": TASK, "Status": "SUCCESS"}
                ]
            }
        ],
        [
            MaintenanceWindowExecutionTaskIdentity(
                task_execution_id=TASK, status=MaintenanceWindowExecutionStatus.SUCCESS
            )
        ],
    ),
    (
        "describe_maintenance_window_tasks",
        {"window_id": WINDOW},
        {"WindowId": WINDOW},
        [{"Tasks": [{"WindowTaskId": TASK, "AlarmConfiguration": WIRE_ALARMS}]}],
        [MaintenanceWindowTask(window_task_id=TASK, alarm_configuration=ALARMS)],
    ),
    (
        "get_automation_execution",
        {"automation_execution_id": EXECUTION},
        {"AutomationExecutionId": EXECUTION},
        [
            {
                "AutomationExecution": {
                    "AutomationExecutionId": EXECUTION,
                    "AutomationExecutionStatus": "Success",
                    "AlarmConfiguration": WIRE_ALARMS,
                }
            }
        ],
        AutomationExecution(
            automation_execution_id=EXECUTION,
            automation_execution_status=AutomationExecutionStatus.SUCCESS,
            alarm_configuration=ALARMS,
        ),
    ),
    (
        "get_command_invocation",
        {"command_id": COMMAND, "instance_id": "i-1"},
        {"CommandId": COMMAND, "InstanceId": "i-1"},
        [
            {
                "CommandId": COMMAND,
                "InstanceId": "i-1",
                "Status": "Success",
                "ResponseCode": 0,
            }
        ],
        GetCommandInvocationResult(
            command_id=COMMAND,
            instance_id="i-1",
            status=CommandInvocationStatus.SUCCESS,
            response_code=0,
        ),
    ),
    (
        "get_maintenance_window_execution_task",
        {"window_execution_id": EXECUTION, "task_id": TASK},
        {"WindowExecutionId": EXECUTION, "TaskId": TASK},
        [
            {
                "WindowExecutionId": EXECUTION,
                "TaskExecutionId": TASK,
                "TaskParameters": [{"commands": {"Values": ["ls"]}}],
                "AlarmConfiguration": WIRE_ALARMS,
            }
        ],
        ssmkit.from_boto(
            GetMaintenanceWindowExecutionTaskResult,
            {
                "WindowExecutionId": EXECUTION,
                "TaskExecutionId": TASK,
                "TaskParameters": [{"commands": {"Values": ["ls"]}}],
                "AlarmConfiguration": WIRE_ALARMS,
            },
        ),
    ),
    (
        "get_maintenance_window_task",
        {"window_id": WINDOW, "window_task_id": TASK},
        {"WindowId": WINDOW, "WindowTaskId": TASK},
        [
            {
                "WindowId": WINDOW,
                "WindowTaskId": TASK,
                "TaskType": "RUN_COMMAND",
                "CutoffBehavior": "CANCEL_TASK",
                "AlarmConfiguration": WIRE_ALARMS,
            }
        ],
        GetMaintenanceWindowTaskResult(
            window_id=WINDOW,
            window_task_id=TASK,
            task_type=MaintenanceWindowTaskType.RUN_COMMAND,
            cutoff_behavior=MaintenanceWindowTaskCutoffBehavior.CANCEL_TASK,
            alarm_configuration=ALARMS,
        ),
    ),
    (
        "list_association_versions",
        {"association_id": "a1"},
        {"AssociationId": "a1"},
        [{"AssociationVersions": [{"AssociationId": "a1", "AssociationVersion": "2"}]}],
        [AssociationVersionInfo(association_id="a1", association_version="2")],
    ),
    (
        "list_associations",
        {
            "association_filter_list": [
                AssociationFilter(key=AssociationFilterKey.NAME, value="doc")
            ],
            "max_results": 1,
        },
        {"AssociationFilterList": [{"key": "Name", "value": "doc"}], "MaxResults": 1},
        [{"Associations": [{"AssociationId": "a1", "Name": "doc"}]}],
        [Association(association_id="a1", name="doc")],
    ),
    (
        "list_command_invocations",
        {"command_id": COMMAND, "details": True},
        {"CommandId": COMMAND, "Details": True},
        [{"CommandInvocations": [{"CommandId": COMMAND, "InstanceId": "i-1"}]}],
        [CommandInvocation(command_id=COMMAND, instance_id="i-1")],
    ),
    (
        "list_commands",
        {"filters": [CommandFilter(key=CommandFilterKey.STATUS, value="Success")]},
        {"Filters": [{"key": "Status", "value": "Success"}]},
        [{"Commands": [{"CommandId": COMMAND, "AlarmConfiguration": WIRE_ALARMS}]}],
        [Command(command_id=COMMAND, alarm_configuration=ALARMS)],
    ),
    (
        "register_task_with_maintenance_window",
        {
            "window_id": WINDOW,
            "task_arn": "AWS-RunShellScript",
            "task_type": MaintenanceWindowTaskType.RUN_COMMAND,
            "targets": [Target(key="WindowTargetIds", values=["t-1"])],
            "task_invocation_parameters": MaintenanceWindowTaskInvocationParameters(
                run_command=MaintenanceWindowRunCommandParameters(
                    comment="patch", parameters={"commands": ["ls"]}
                )
            ),
            "alarm_configuration": ALARMS,
            "cutoff_behavior": MaintenanceWindowTaskCutoffBehavior.CONTINUE_TASK,
            "client_token": "register-once",
        },
        {
            "WindowId": WINDOW,
            "TaskArn": "AWS-RunShellScript",
            "TaskType": "RUN_COMMAND",
            "Targets": [{"Key": "WindowTargetIds", "Values": ["t-1"]}],
            "TaskInvocationParameters": {
                "RunCommand": {"Comment": "patch", "Parameters": {"commands": ["ls"]}}
            },
            "AlarmConfiguration": WIRE_ALARMS,
            "CutoffBehavior": "CONTINUE_TASK",
            "ClientToken": "register-once",
        },
        [{"WindowTaskId": TASK}],
        TASK,
    ),
    (
        "send_command",
        {
            "document_name": "AWS-RunShellScript",
            "instance_ids": ["i-1"],
            "parameters": {"commands": ["uptime"]},
            "alarm_configuration": ALARMS,
        },
        {
            "DocumentName": "AWS-RunShellScript",
            "InstanceIds": ["i-1"],
            "Parameters": {"commands": ["uptime"]},
            "AlarmConfiguration": WIRE_ALARMS,
        },
        [{"Command": {"CommandId": COMMAND, "RequestedDateTime": EPOCH_JAN_1}}],
        Command(command_id=COMMAND, requested_date_time=JAN_1),
    ),
    (
        "start_associations_once",
        {"association_ids": ["a1", "a2"]},
        {"AssociationIds": ["a1", "a2"]},
        [{}],
        None,
    ),
    (
        "start_automation_execution",
        {
            "document_name": "AWS-RestartEC2Instance",
            "parameters": {"InstanceId": ["i-1"]},
            "alarm_configuration": ALARMS,
        },
        {
            "DocumentName": "AWS-RestartEC2Instance",
            "Parameters": {"InstanceId": ["i-1"]},
            "AlarmConfiguration": WIRE_ALARMS,
        },
        [{"AutomationExecutionId": EXECUTION}],
        EXECUTION,
    ),
    (
        "stop_automation_execution",
        {"automation_execution_id": EXECUTION, "type": StopType.CANCEL},
        {"AutomationExecutionId": EXECUTION, "Type": "Cancel"},
        [{}],
        None,
    ),
    (
        "update_association_status",
        {
            "name": "doc",
            "instance_id": "i-1",
            "association_status": AssociationStatus(
                date=JAN_1, name=AssociationStatusName.FAILED, message="broken"
            ),
        },
        {
            "Name": "doc",
            "InstanceId": "i-1",
            "AssociationStatus": {
                "Date": EPOCH_JAN_1,
                "Name": "Failed",
                "Message": "broken",
            },
        },
        [{"AssociationDescription": {"Name": "doc", "InstanceId": "i-1"}}],
        AssociationDescription(name="doc", instance_id="i-1"),
    ),
]


@pytest.mark.parametrize(
    ("method", "kwargs", "request_body", "answers", "expected"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_operation(
    wired: tuple[ssmkit.Client, Wire],
    method: str,
    kwargs: dict[str, Any],
    request_body: dict[str, Any],
    answers: list[dict[str, Any]],
    expected: Any,
) -> None:
    client, wire = wired
    for answer in answers:
        wire.answer(answer)
    result = getattr(client, method)(**kwargs)
    if isinstance(expected, list):
        result = list(result)
    operation_name = next(op for op in OPERATIONS if botocore.xform_name(op) == method)
    assert wire.requests == [(operation_name, request_body)]
    assert result == expected


def test_every_operation_has_a_case_and_a_method() -> None:
    covered = {case[0] for case in CASES}
    for name in OPERATIONS:
        method = botocore.xform_name(name)
        if name in SAFE:
            continue  # the safe helpers have tests of their own
        assert method in covered, f"no test case for {method}"
        assert callable(getattr(ssmkit.Client, method, None)), f"Client lacks {method}"


@pytest.mark.parametrize("name", [op for op in ALL_OPERATIONS if op not in SAFE])
def test_method_signature_follows_the_request(name: str) -> None:
    method = getattr(ssmkit.Client, botocore.xform_name(name))
    assert (method.__doc__ or "").startswith(name)
    parameters = list(inspect.signature(method).parameters.values())[1:]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)
    input_shape = operation(name).input_shape
    members = {botocore.xform_name(m) for m in input_shape.members}
    if name in PAGINATORS:
        members.discard("next_token")  # the iterator walks the pages itself
        members.add("limit")  # stops after so many items
    members.add("extra_params")  # members newer than ssmkit
    assert {p.name for p in parameters} == members
    assert parameters[-1].name == "extra_params"
    for p in parameters:
        if p.name in ("limit", "extra_params"):
            assert p.default is None
            continue
        member = next(
            m for m in input_shape.members if botocore.xform_name(m) == p.name
        )
        is_required = member in input_shape.required_members
        assert (p.default is inspect.Parameter.empty) == is_required, p.name


# -- pagination ---------------------------------------------------------------


def test_pagination_walks_every_page_lazily(wired: tuple[ssmkit.Client, Wire]) -> None:
    client, wire = wired
    wire.answer(
        {
            "Associations": [{"AssociationId": "a1"}, {"AssociationId": "a2"}],
            "NextToken": "p2",
        }
    )
    wire.answer({"Associations": [{"AssociationId": "a3"}], "NextToken": "p3"})
    wire.answer({"Associations": [{"AssociationId": "a4"}]})
    items = client.list_associations(max_results=2)
    assert wire.requests == []  # nothing is fetched before the first item is asked for
    assert next(items).association_id == "a1"
    assert next(items).association_id == "a2"
    assert len(wire.requests) == 1
    assert next(items).association_id == "a3"
    assert len(wire.requests) == 2
    assert [a.association_id for a in items] == ["a4"]
    assert wire.requests == [
        ("ListAssociations", {"MaxResults": 2}),
        ("ListAssociations", {"MaxResults": 2, "NextToken": "p2"}),
        ("ListAssociations", {"MaxResults": 2, "NextToken": "p3"}),
    ]


def test_error_on_a_later_page_is_typed(wired: tuple[ssmkit.Client, Wire]) -> None:
    client, wire = wired
    wire.answer({"Commands": [{"CommandId": COMMAND}], "NextToken": "p2"})
    wire.fail("InvalidNextToken", "expired")
    items = client.list_commands()
    assert next(items).command_id == COMMAND
    with pytest.raises(errors.InvalidNextToken, match="expired"):
        next(items)


# -- errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "family"),
    [
        ("AssociationDoesNotExist", errors.NotFoundError),
        ("AssociationAlreadyExists", errors.ConflictError),
        ("InvalidAssociationVersion", errors.ConflictError),
        ("TooManyUpdates", errors.ThrottlingError),
        ("AssociationLimitExceeded", errors.LimitExceededError),
        ("InvalidSchedule", errors.InvalidRequestError),
        ("InternalServerError", errors.ServiceError),
    ],
)
def test_service_errors_are_typed(
    wired: tuple[ssmkit.Client, Wire], code: str, family: type[errors.ServiceError]
) -> None:
    client, wire = wired
    wire.fail(
        code,
        "the service said no",
        status=500 if code == "InternalServerError" else 400,
    )
    with pytest.raises(family) as caught:
        client.describe_association(association_id="a1")
    error = caught.value
    assert type(error).__name__ == code
    assert error.code == code
    assert error.message == "the service said no"
    assert error.operation == "DescribeAssociation"
    assert error.request_id == "request-1"
    assert isinstance(error.__cause__, ClientError)
    assert isinstance(error, ssmkit.SSMKitError)


def test_unknown_error_code_is_a_service_error(
    wired: tuple[ssmkit.Client, Wire],
) -> None:
    client, wire = wired
    wire.fail("SomethingNew", "new")
    with pytest.raises(errors.ServiceError) as caught:
        client.delete_association(association_id="a1")
    assert type(caught.value) is errors.ServiceError
    assert caught.value.code == "SomethingNew"
    assert caught.value.operation == "DeleteAssociation"


def test_every_declared_error_code_has_a_class() -> None:
    declared = {e.name for name in ALL_OPERATIONS for e in operation(name).error_shapes}
    assert len(declared) >= 140
    for code in sorted(declared):
        cls = errors.error_for_code(code)
        assert cls.__name__ == code, f"ssmkit.errors has no class for {code}"
        assert issubclass(cls, errors.ServiceError)
        assert code in errors.__all__


def test_bad_input_is_a_validation_error_before_any_call(
    wired: tuple[ssmkit.Client, Wire],
) -> None:
    client, wire = wired
    with pytest.raises(errors.ValidationError) as caught:
        client.describe_association(association_id=123)  # type: ignore[arg-type]
    assert caught.value.member == "AssociationId"
    assert isinstance(caught.value, ValueError)
    assert wire.requests == []


def test_missing_result_member_is_reported(wired: tuple[ssmkit.Client, Wire]) -> None:
    client, wire = wired
    wire.answer({})
    with pytest.raises(errors.UnexpectedResponseError, match="AssociationDescription"):
        client.describe_association(association_id="a1")


def test_throttling_is_retried_by_botocore() -> None:
    boto3_client, wire = wired_client(attempts=3)
    client = ssmkit.Client(boto3_client=boto3_client)
    wire.fail("ThrottlingException", "slow down")
    wire.answer({"AssociationDescription": {"AssociationId": "a1"}})
    assert client.describe_association(association_id="a1").association_id == "a1"
    assert wire.operations == ["DescribeAssociation", "DescribeAssociation"]


# -- construction -------------------------------------------------------------


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.mark.usefixtures("aws_env")
def test_default_construction_uses_the_default_session() -> None:
    client = ssmkit.Client()
    assert client.boto3_client.meta.service_model.service_name == "ssm"
    assert client.boto3_client.meta.region_name == "eu-west-1"
    assert (
        f"ssmkit/{ssmkit.__version__}"
        in client.boto3_client.meta.config.user_agent_extra
    )


@pytest.mark.usefixtures("aws_env")
def test_session_and_config_are_used_and_user_agent_is_appended() -> None:
    session = boto3.session.Session(region_name="ap-southeast-2")
    config = Config(read_timeout=7, user_agent_extra="my-app/2")
    client = ssmkit.Client(boto3_session=session, boto_config=config)
    meta = client.boto3_client.meta
    assert meta.region_name == "ap-southeast-2"
    assert meta.config.read_timeout == 7
    assert meta.config.user_agent_extra == f"my-app/2 ssmkit/{ssmkit.__version__}"
    assert config.user_agent_extra == "my-app/2"  # the caller's object is untouched


@pytest.mark.usefixtures("aws_env")
def test_config_alone_is_used_with_the_default_session() -> None:
    client = ssmkit.Client(boto_config=Config(region_name="us-west-2"))
    assert client.boto3_client.meta.region_name == "us-west-2"


def test_a_given_client_is_used_as_it_is() -> None:
    boto3_client, _ = wired_client()
    client = ssmkit.Client(boto3_client=boto3_client)
    assert client.boto3_client is boto3_client
    with pytest.raises(AttributeError):
        client.boto3_client = boto3_client  # type: ignore[misc]


@pytest.mark.parametrize(
    "extra",
    [{"boto3_session": boto3.session.Session()}, {"boto_config": Config()}],
    ids=["session", "config"],
)
def test_client_with_session_or_config_is_a_type_error(extra: dict[str, Any]) -> None:
    boto3_client, _ = wired_client()
    with pytest.raises(TypeError, match="either boto3_client"):
        ssmkit.Client(boto3_client=boto3_client, **extra)


@pytest.mark.usefixtures("aws_env")
def test_a_client_of_another_service_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="SSM client"):
        ssmkit.Client(boto3_client=boto3.client("sqs"))


def test_arguments_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        ssmkit.Client(boto3.client)  # type: ignore[misc]


# -- end to end, against moto and the stand-in ------------------------------------


def test_client_against_the_stand_in(boto: Any, window: str, stand_in: Any) -> None:
    client = ssmkit.Client(boto3_client=boto)
    created = client.create_association(
        name="AWS-RunShellScript",
        targets=[Target(key="InstanceIds", values=["i-1"])],
        alarm_configuration=ALARMS,
    )
    for _ in range(4):
        client.create_association(name="AWS-UpdateSSMAgent")
    assert created.alarm_configuration == ALARMS
    described = client.describe_association(association_id=created.association_id or "")
    # The run the create caused is seen on the read, not in the create's answer.
    assert created.overview is not None
    assert created.overview.status == "Pending"
    assert described.overview is not None
    assert described.overview.status == "Success"
    ran = (
        "status",
        "overview",
        "last_execution_date",
        "last_successful_execution_date",
    )
    assert attrs.evolve(described, **dict.fromkeys(ran)) == attrs.evolve(
        created, **dict.fromkeys(ran)
    )
    walked = list(client.list_associations(max_results=2))
    assert len(walked) == 5
    assert stand_in.operations.count("ListAssociations") == 3

    # moto's own operations, through the client.
    command = client.send_command(
        document_name="AWS-RunShellScript",
        instance_ids=["i-0123456789abcdef0"],
        alarm_configuration=ALARMS,
    )
    assert [c.command_id for c in client.list_commands()] == [command.command_id]
    task_id = client.register_task_with_maintenance_window(
        window_id=window,
        task_arn="AWS-RunShellScript",
        task_type=MaintenanceWindowTaskType.RUN_COMMAND,
        targets=[Target(key="InstanceIds", values=["i-1"])],
        max_concurrency="1",
        max_errors="1",
        alarm_configuration=ALARMS,
    )
    task = client.get_maintenance_window_task(window_id=window, window_task_id=task_id)
    assert task.alarm_configuration == ALARMS
    assert [
        t.window_task_id
        for t in client.describe_maintenance_window_tasks(window_id=window)
    ] == [task_id]
    removed = client.deregister_task_from_maintenance_window(
        window_id=window, window_task_id=task_id
    )
    assert removed.window_task_id == task_id
    with pytest.raises(errors.DoesNotExistException):
        client.get_maintenance_window_task(window_id=window, window_task_id=task_id)


def test_a_client_that_cannot_be_made_says_how_to_fix_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    boto3.setup_default_session()
    with pytest.raises(errors.ConfigurationError) as caught:
        ssmkit.Client()
    assert isinstance(caught.value, ssmkit.SSMKitError)
    assert "set AWS_DEFAULT_REGION" in str(caught.value)
    assert isinstance(caught.value.__cause__, botocore.exceptions.NoRegionError)
    with pytest.raises(errors.ConfigurationError, match="match a supported format"):
        ssmkit.Client(boto3_session=boto3.Session(region_name="not a region!"))
    boto3.setup_default_session()
