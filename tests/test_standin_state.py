"""The local SSM's state moves as AWS's does: runs, statuses, legacy associations."""

from __future__ import annotations

import datetime
import json
import time
import urllib.request
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from moto.core.exceptions import ServiceException

from ssmkit.testing import StandIn

from .standin import server_client

if TYPE_CHECKING:
    from ssmkit.testing.server import Server

RUN = "AWS-RunShellScript"
NODES = ["i-0123456789abcdef0", "i-0123456789abcdef1"]


def create(boto: Any, **extra: Any) -> dict[str, Any]:
    request = {
        "Name": RUN,
        "Targets": [{"Key": "InstanceIds", "Values": NODES}],
        **extra,
    }
    return boto.create_association(**request)["AssociationDescription"]  # type: ignore[no-any-return]


def described(boto: Any, association_id: str) -> dict[str, Any]:
    answer = boto.describe_association(AssociationId=association_id)
    return answer["AssociationDescription"]  # type: ignore[no-any-return]


def by_status(boto: Any, status: str) -> list[str]:
    answer = boto.list_associations(
        AssociationFilterList=[{"key": "AssociationStatusName", "value": status}]
    )
    return [a["AssociationId"] for a in answer["Associations"]]


def test_a_run_that_succeeds_moves_overview_and_status(boto: Any) -> None:
    created = create(boto)
    # The answer is the association as created; the run is seen afterwards.
    assert created["Overview"] == {"Status": "Pending", "DetailedStatus": "Creating"}
    now = described(boto, created["AssociationId"])
    assert now["Overview"] == {
        "Status": "Success",
        "DetailedStatus": "Success",
        "AssociationStatusAggregatedCount": {"Success": 2},
    }
    assert now["Status"]["Name"] == "Success"
    assert now["LastSuccessfulExecutionDate"] == now["LastExecutionDate"]
    assert by_status(boto, "Success") == [created["AssociationId"]]
    assert by_status(boto, "Pending") == []


def test_runs_fail_on_the_nodes_named(boto: Any, stand_in: StandIn) -> None:
    stand_in.fail_runs([NODES[1]])
    created = create(boto)
    association_id = created["AssociationId"]
    now = described(boto, association_id)
    assert now["Overview"] == {
        "Status": "Failed",
        "DetailedStatus": "Failed",
        "AssociationStatusAggregatedCount": {"Failed": 1, "Success": 1},
    }
    assert now["Status"]["Name"] == "Failed"
    assert now["Status"]["Message"] == "1 of 2 targets failed"
    assert "LastSuccessfulExecutionDate" not in now
    assert by_status(boto, "Failed") == [association_id]
    (execution,) = boto.describe_association_executions(AssociationId=association_id)[
        "AssociationExecutions"
    ]
    assert (execution["Status"], execution["ResourceCountByStatus"]) == (
        "Failed",
        "{Failed=1, Success=1}",
    )
    targets = boto.describe_association_execution_targets(
        AssociationId=association_id, ExecutionId=execution["ExecutionId"]
    )["AssociationExecutionTargets"]
    assert {t["ResourceId"]: t["Status"] for t in targets} == {
        NODES[0]: "Success",
        NODES[1]: "Failed",
    }
    # Runs succeed again once no node is named; the earlier run stays failed.
    stand_in.fail_runs([])
    boto.start_associations_once(AssociationIds=[association_id])
    assert described(boto, association_id)["Overview"]["Status"] == "Success"
    statuses = [
        e["Status"]
        for e in boto.describe_association_executions(AssociationId=association_id)[
            "AssociationExecutions"
        ]
    ]
    assert statuses == ["Success", "Failed"]
    with pytest.raises(TypeError, match="not one string"):
        stand_in.fail_runs("i-1")


def test_an_association_that_waits_for_its_schedule_stays_pending(boto: Any) -> None:
    created = create(
        boto, ScheduleExpression="cron(0 2 ? * SUN *)", ApplyOnlyAtCronInterval=True
    )
    now = described(boto, created["AssociationId"])
    assert now["Overview"] == {"Status": "Pending", "DetailedStatus": "Creating"}
    assert by_status(boto, "Pending") == [created["AssociationId"]]


def test_a_legacy_association_starts_as_aws_shows_it(boto: Any) -> None:
    created = boto.create_association(
        Name="AWS-UpdateSSMAgent", InstanceId="i-1234567890abcdef0"
    )["AssociationDescription"]
    assert created["Status"]["Name"] == "Associated"
    assert created["Status"]["Message"] == "Associated with AWS-UpdateSSMAgent"
    assert created["Overview"] == {"Status": "Pending", "DetailedStatus": "Creating"}
    assert created["Targets"] == [
        {"Key": "InstanceIds", "Values": ["i-1234567890abcdef0"]}
    ]
    # AWS's update-association-status example.
    status = {
        "Date": datetime.datetime.fromtimestamp(1424421071.939, datetime.timezone.utc),
        "Name": "Pending",
        "Message": "temp_status_change",
        "AdditionalInfo": "Additional-Config-Needed",
    }
    answer = boto.update_association_status(
        Name="AWS-UpdateSSMAgent",
        InstanceId="i-1234567890abcdef0",
        AssociationStatus=status,
    )["AssociationDescription"]
    assert answer["Status"] == status  # kept as reported, date and all
    assert answer["Overview"]["Status"] == "Success"
    # The same status again is refused; the same name with news is not.
    with pytest.raises(ClientError) as caught:
        boto.update_association_status(
            Name="AWS-UpdateSSMAgent",
            InstanceId="i-1234567890abcdef0",
            AssociationStatus=status,
        )
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "StatusUnchanged",
        "The updated status is the same as the current status.",
    )
    # Its date aside, each member reported counts: news in any is a change.
    later = status["Date"] + datetime.timedelta(minutes=1)
    for news in (
        {"Name": "Success"},
        {"Message": "still waiting"},
        {"AdditionalInfo": "Config-Done"},
    ):
        status = {**status, **news}
        stored = boto.update_association_status(
            Name="AWS-UpdateSSMAgent",
            InstanceId="i-1234567890abcdef0",
            AssociationStatus={**status, "Date": later},
        )["AssociationDescription"]["Status"]
        assert stored == {**status, "Date": later}
        with pytest.raises(ClientError) as caught:
            boto.update_association_status(
                Name="AWS-UpdateSSMAgent",
                InstanceId="i-1234567890abcdef0",
                AssociationStatus=status,  # another date, nothing new
            )
        assert caught.value.response["Error"]["Code"] == "StatusUnchanged"


def test_a_node_reports_the_status_of_its_associations(
    boto: Any, stand_in: StandIn
) -> None:
    stand_in.fail_runs([NODES[1]])
    ran = create(boto, AssociationName="everywhere")
    waiting = create(
        boto,
        Name="AWS-UpdateSSMAgent",
        ScheduleExpression="cron(0 2 ? * SUN *)",
        ApplyOnlyAtCronInterval=True,
    )
    create(boto, Targets=[{"Key": "InstanceIds", "Values": ["i-0aaaaaaaaaaaaaaaa"]}])
    infos = boto.describe_instance_associations_status(InstanceId=NODES[1])[
        "InstanceAssociationStatusInfos"
    ]
    assert [(i["AssociationId"], i["Status"], i["DetailedStatus"]) for i in infos] == [
        (ran["AssociationId"], "Failed", "Failed"),
        (waiting["AssociationId"], "Pending", "Associated"),
    ]
    # Each member as AWS's describe-instance-associations-status example has it.
    execution = boto.describe_association_executions(
        AssociationId=ran["AssociationId"]
    )["AssociationExecutions"][0]
    target = boto.describe_association_execution_targets(
        AssociationId=ran["AssociationId"], ExecutionId=execution["ExecutionId"]
    )["AssociationExecutionTargets"]
    (on_node,) = [t for t in target if t["ResourceId"] == NODES[1]]
    assert infos[0] == {
        "AssociationId": ran["AssociationId"],
        "Name": RUN,
        "DocumentVersion": "$DEFAULT",
        "AssociationVersion": "1",
        "InstanceId": NODES[1],
        "ExecutionDate": on_node["LastExecutionDate"],
        "Status": "Failed",
        "DetailedStatus": "Failed",
        "ExecutionSummary": "1 out of 1 plugin processed, 0 success, 1 failed, "
        "0 timedout, 0 skipped. ",
        "AssociationName": "everywhere",
    }
    assert infos[1] == {
        "AssociationId": waiting["AssociationId"],
        "Name": "AWS-UpdateSSMAgent",
        "DocumentVersion": "$DEFAULT",
        "AssociationVersion": "1",
        "InstanceId": NODES[1],
        "ExecutionDate": waiting["Date"],
        "Status": "Pending",
        "DetailedStatus": "Associated",
    }
    ok = boto.describe_instance_associations_status(InstanceId=NODES[0])
    assert ok["InstanceAssociationStatusInfos"][0]["Status"] == "Success"
    nothing = boto.describe_instance_associations_status(
        InstanceId="i-0bbbbbbbbbbbbbbbb"
    )
    assert nothing["InstanceAssociationStatusInfos"] == []


def test_a_node_reports_its_effective_associations_with_their_content(
    boto: Any,
) -> None:
    boto.create_document(
        Name="team-hello",
        DocumentType="Command",
        Content='{"schemaVersion": "2.2", "description": "hello", "mainSteps": []}',
    )
    first = create(boto)
    second = create(boto, Name="team-hello")
    answer = boto.describe_effective_instance_associations(InstanceId=NODES[0])
    found = {a["AssociationId"]: a for a in answer["Associations"]}
    assert set(found) == {first["AssociationId"], second["AssociationId"]}
    assert '"description": "hello"' in found[second["AssociationId"]]["Content"]
    assert "Run a shell script" in found[first["AssociationId"]]["Content"]
    assert found[first["AssociationId"]]["InstanceId"] == NODES[0]
    # Five at most a page, as the service model allows.
    for _ in range(5):
        create(boto)
    paged = boto.describe_effective_instance_associations(InstanceId=NODES[0])
    assert len(paged["Associations"]) == 5
    assert "NextToken" in paged


@pytest.mark.parametrize(
    "call",
    [
        lambda boto: boto.create_association(Name="no-such-document"),
        lambda boto: boto.start_automation_execution(DocumentName="no-such-document"),
    ],
    ids=["association", "automation"],
)
def test_an_unknown_document_is_refused(boto: Any, call: Any) -> None:
    with pytest.raises(ClientError) as caught:
        call(boto)
    assert caught.value.response["Error"]["Code"] == "InvalidDocument"


def test_managed_and_created_documents_and_arns_are_known(
    boto: Any, window: str
) -> None:
    for name in ("AWS-RunPatchBaseline", "AWS-UpdateSSMAgent", "AWS-RunShellScript"):
        boto.create_association(Name=name)
    boto.create_association(
        Name="arn:aws:ssm:us-east-1:210987654321:document/shared-doc"
    )
    with pytest.raises(ClientError) as caught:
        boto.register_task_with_maintenance_window(
            WindowId=window, TaskArn="no-such-document", TaskType="AUTOMATION"
        )
    assert caught.value.response["Error"]["Code"] == "InvalidDocument"


def automation_ids(boto: Any, key: str, *values: str) -> list[str]:
    answer = boto.describe_automation_executions(
        Filters=[{"Key": key, "Values": list(values)}]
    )
    return [
        e["AutomationExecutionId"] for e in answer["AutomationExecutionMetadataList"]
    ]


def test_every_automation_filter_key_is_applied(boto: Any) -> None:
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(
        seconds=5
    )
    tagged = boto.start_automation_execution(
        DocumentName="AWS-RestartEC2Instance",
        Tags=[{"Key": "team", "Value": "ops"}],
        Targets=[{"Key": "ResourceGroup", "Values": ["web"]}],
        TargetParameterName="InstanceId",
    )["AutomationExecutionId"]
    plain = boto.start_automation_execution(DocumentName="AWS-StopEC2Instance")[
        "AutomationExecutionId"
    ]
    later = (before + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    earlier = before.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert automation_ids(boto, "TagKey", "team") == [tagged]
    assert automation_ids(boto, "TargetResourceGroup", "web") == [tagged]
    assert automation_ids(boto, "DocumentNamePrefix", "AWS-Stop") == [plain]
    assert automation_ids(boto, "ExecutionId", plain, tagged) == [tagged, plain]
    assert automation_ids(boto, "StartTimeAfter", earlier) == [tagged, plain]
    assert automation_ids(boto, "StartTimeBefore", earlier) == []
    assert automation_ids(boto, "StartTimeBefore", later) == [tagged, plain]
    assert automation_ids(boto, "AutomationType", "Local") == [tagged, plain]
    assert automation_ids(boto, "ExecutionStatus", "InProgress") == [tagged, plain]
    for key in ("ParentExecutionId", "CurrentAction", "AutomationSubtype", "OpsItemId"):
        assert automation_ids(boto, key, "nothing-has-this") == [], key
    # A value on either side of a filter's range is not in it.
    assert automation_ids(boto, "TargetResourceGroup", "db") == []
    listed = boto.describe_automation_executions()["AutomationExecutionMetadataList"]
    start = {e["AutomationExecutionId"]: e["ExecutionStartTime"] for e in listed}
    at = start[plain].isoformat()
    assert tagged not in automation_ids(boto, "StartTimeAfter", at)
    assert plain not in automation_ids(boto, "StartTimeAfter", at)
    assert plain not in automation_ids(boto, "StartTimeBefore", at)
    # A date is judged even where no execution is left to match it.
    for key in ("StartTimeBefore", "StartTimeAfter"):
        with pytest.raises(ClientError) as caught:
            boto.describe_automation_executions(
                Filters=[
                    {"Key": "DocumentNamePrefix", "Values": ["nothing-"]},
                    {"Key": key, "Values": ["garbage"]},
                ]
            )
        assert caught.value.response["Error"]["Code"] == "InvalidFilterValue"
    keys = boto.meta.service_model.shape_for("AutomationExecutionFilterKey").enum
    assert len(keys) >= 12  # a newer botocore may list more


def test_an_automation_filter_key_newer_than_the_local_ssm_is_refused() -> None:
    from ssmkit.testing._service import _automation_filter

    with pytest.raises(ServiceException) as caught:
        _automation_filter({}, "NewerKey", ["x"])
    assert (caught.value.code, caught.value.message) == (
        "InvalidFilterKey",
        "The specified key isn't valid: NewerKey",
    )


def test_an_answer_holds_no_member_of_the_local_ssm_s_own(server: Server) -> None:
    client = server_client(server)
    client.start_automation_execution(
        DocumentName="AWS-RestartEC2Instance", Tags=[{"Key": "team", "Value": "ops"}]
    )
    request = urllib.request.Request(
        server.url + "/",
        data=b"{}",
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AmazonSSM.DescribeAutomationExecutions",
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261205/"
            "us-east-1/ssm/aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        listed = json.load(answer)["AutomationExecutionMetadataList"]
    assert listed
    assert all("_tags" not in e for e in listed)


def test_automation_tags_are_kept(boto: Any) -> None:
    execution_id = boto.start_automation_execution(
        DocumentName="AWS-RestartEC2Instance", Tags=[{"Key": "team", "Value": "ops"}]
    )["AutomationExecutionId"]
    resource = {"ResourceType": "Automation", "ResourceId": execution_id}
    assert boto.list_tags_for_resource(**resource)["TagList"] == [
        {"Key": "team", "Value": "ops"}
    ]
    boto.add_tags_to_resource(**resource, Tags=[{"Key": "tier", "Value": "1"}])
    boto.remove_tags_from_resource(**resource, TagKeys=["team"])
    assert boto.list_tags_for_resource(**resource)["TagList"] == [
        {"Key": "tier", "Value": "1"}
    ]
    # "Automations can have a maximum of 5 tags."
    with pytest.raises(ClientError) as caught:
        boto.add_tags_to_resource(
            **resource,
            Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(5)],
        )
    assert caught.value.response["Error"]["Code"] == "TooManyTagsError"
    with pytest.raises(ClientError) as caught:
        boto.list_tags_for_resource(ResourceType="Automation", ResourceId="nope")
    assert caught.value.response["Error"]["Code"] == "InvalidResourceId"


def test_the_instance_id_filter_finds_only_legacy_associations(boto: Any) -> None:
    legacy = boto.create_association(Name="AWS-UpdateSSMAgent", InstanceId=NODES[0])
    create(boto)  # targets NODES[0] by InstanceIds: not legacy
    answer = boto.list_associations(
        AssociationFilterList=[{"key": "InstanceId", "value": NODES[0]}]
    )
    assert [a["AssociationId"] for a in answer["Associations"]] == [
        legacy["AssociationDescription"]["AssociationId"]
    ]
    connector = boto.list_associations(
        AssociationFilterList=[{"key": "CloudConnectorId", "value": "cc-1"}]
    )
    assert connector["Associations"] == []


def test_commands_answer_unset_strings_as_aws_does(boto: Any) -> None:
    command = boto.send_command(DocumentName=RUN, InstanceIds=[NODES[0]])["Command"]
    # As AWS's list-commands example has them.
    for member in ("OutputS3BucketName", "ServiceRole", "Comment"):
        assert command[member] == "", member
    listed = boto.list_commands(CommandId=command["CommandId"])["Commands"][0]
    assert listed["Comment"] == ""
    invocation = boto.get_command_invocation(
        CommandId=command["CommandId"], InstanceId=NODES[0]
    )
    assert invocation["StandardErrorContent"] == ""


def command_states(boto: Any, command_id: str) -> tuple[Any, ...]:
    listed = boto.list_commands(CommandId=command_id)["Commands"][0]
    invocations = boto.list_command_invocations(CommandId=command_id, Details=True)[
        "CommandInvocations"
    ]
    return (
        (listed["Status"], listed["StatusDetails"]),
        {
            i["InstanceId"]: (
                i["Status"],
                i["StatusDetails"],
                i["CommandPlugins"][0]["Status"],
            )
            for i in invocations
        },
        {
            node: (
                got["Status"],
                got["StatusDetails"],
            )
            for node in NODES
            for got in [
                boto.get_command_invocation(CommandId=command_id, InstanceId=node)
            ]
        },
    )


def test_cancel_command_is_seen_alike_by_every_reader(boto: Any) -> None:
    command_id = boto.send_command(DocumentName=RUN, InstanceIds=NODES)["Command"][
        "CommandId"
    ]
    boto.cancel_command(CommandId=command_id, InstanceIds=[NODES[1]])
    done = ("Success", "Success")
    gone = ("Cancelled", "Cancelled")
    assert command_states(boto, command_id) == (
        done,
        {NODES[0]: (*done, "Success"), NODES[1]: (*gone, "Cancelled")},
        {NODES[0]: done, NODES[1]: gone},
    )
    boto.cancel_command(CommandId=command_id)
    assert command_states(boto, command_id) == (
        gone,
        dict.fromkeys(NODES, (*gone, "Cancelled")),
        dict.fromkeys(NODES, gone),
    )


def test_a_partial_update_nulls_by_default_and_keeps_when_asked(
    boto: Any, stand_in: StandIn
) -> None:
    made = create(boto, AssociationName="partial")
    association_id = made["AssociationId"]
    # The API reference: every optional member the request omits is nulled.
    boto.update_association(AssociationId=association_id, DocumentVersion="$LATEST")
    nulled = described(boto, association_id)
    assert "Targets" not in nulled
    assert "AssociationName" not in nulled
    # AWS's update-association examples: Name and Targets are kept.
    stand_in.keep_on_update(["Name", "Targets"])
    again = create(boto)
    boto.update_association(
        AssociationId=again["AssociationId"], DocumentVersion="$LATEST"
    )
    kept = described(boto, again["AssociationId"])
    assert kept["Targets"] == again["Targets"]
    assert kept["Name"] == RUN
    stand_in.keep_on_update([])
    with pytest.raises(ValueError, match="no member Colour"):
        stand_in.keep_on_update(["Colour"])


def test_runs_take_the_time_set_and_move_as_aws_reports_them(
    boto: Any, stand_in: StandIn
) -> None:
    stand_in.set_run_duration(1.2)
    stand_in.fail_runs([NODES[1]])
    created = create(boto)
    association_id = created["AssociationId"]

    def seen() -> tuple[str, str, str, dict[str, str]]:
        (execution, *_) = boto.describe_association_executions(
            AssociationId=association_id
        )["AssociationExecutions"]
        targets = boto.describe_association_execution_targets(
            AssociationId=association_id, ExecutionId=execution["ExecutionId"]
        )["AssociationExecutionTargets"]
        overview = described(boto, association_id)["Overview"]["Status"]
        return (
            execution["Status"],
            execution["ResourceCountByStatus"],
            overview,
            {t["ResourceId"]: t["Status"] for t in targets},
        )

    assert seen() == (
        "Pending",
        "{Pending=2}",
        "Pending",
        {NODES[0]: "Pending", NODES[1]: "Pending"},
    )
    time.sleep(0.5)
    assert seen() == (
        "InProgress",
        "{InProgress=2}",
        "Pending",
        {NODES[0]: "InProgress", NODES[1]: "InProgress"},
    )
    assert by_status(boto, "Failed") == []
    time.sleep(0.9)
    assert seen() == (
        "Failed",
        "{Failed=1, Success=1}",
        "Failed",
        {NODES[0]: "Success", NODES[1]: "Failed"},
    )
    assert by_status(boto, "Failed") == [association_id]

    # A later run is the association's, whatever the earlier one comes to.
    stand_in.fail_runs([])
    boto.start_associations_once(AssociationIds=[association_id])
    assert described(boto, association_id)["Overview"]["Status"] == "Pending"
    stand_in.set_run_duration(0)
    boto.start_associations_once(AssociationIds=[association_id])
    assert described(boto, association_id)["Overview"]["Status"] == "Success"
    time.sleep(1.3)
    assert described(boto, association_id)["Overview"]["Status"] == "Success"
    statuses = [
        e["Status"]
        for e in boto.describe_association_executions(AssociationId=association_id)[
            "AssociationExecutions"
        ]
    ]
    assert statuses == ["Success", "Success", "Failed"]
    with pytest.raises(ValueError, match="from 0"):
        stand_in.set_run_duration(-1)
    with pytest.raises(TypeError, match="a number"):
        stand_in.set_run_duration("5")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "where",
    [{"account_id": "abc"}, {"account_id": 123456789012}, {"region": "mars-1"}],
)
def test_a_place_aws_cannot_have_is_refused(
    stand_in: StandIn, where: dict[str, Any]
) -> None:
    for call in (
        lambda: stand_in.set_run_duration(1, **where),
        lambda: stand_in.fail_runs([], **where),
        lambda: stand_in.run_maintenance_window("mw-0123456789abcdef0", **where),
    ):
        with pytest.raises(ValueError, match=r"account_id|region"):
            call()
