"""AWS's published SSM examples, replayed through the AWS CLI against the local SSM.

The ``awscli`` package ships each command's documentation examples with the
output AWS's service gave (``awscli/examples/ssm/*.rst``). Each association
example here is run as published, against the server, after creating what the
example assumes exists; its answer must hold the same members with the same
values as AWS's, ids and dates aside.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shlex
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import awscli
import pytest
from awscli.clidriver import create_clidriver

from .standin import new_window, server_client

if TYPE_CHECKING:
    from ssmkit.testing.server import Server

EXAMPLES = Path(awscli.__file__).parent / "examples" / "ssm"
#: An example whose published output is not valid JSON.
MALFORMED = object()
#: Values that differ on every run: ids the service makes and dates.
VOLATILE = {
    "AssociationId",
    "ExecutionId",
    "Date",
    "LastUpdateAssociationDate",
    "LastExecutionDate",
    "LastSuccessfulExecutionDate",
    "CreatedTime",
    "CreatedDate",
    "ModifiedDate",
    "ExecutionDate",
    "OutputSourceId",
}


def parse(name: str) -> list[tuple[list[str], Any]]:
    """Each example of one command: its arguments and AWS's output (or None)."""
    lines = (EXAMPLES / f"{name}.rst").read_text(encoding="utf-8").splitlines()
    found: list[tuple[list[str], Any]] = []
    index = 0
    while index < len(lines):
        if not lines[index].strip().startswith("aws ssm "):
            index += 1
            continue
        parts = [lines[index].strip()]
        while parts[-1].endswith(("\\", " /")):
            index += 1
            parts.append(lines[index].strip())
        command = " ".join(p.rstrip("\\/").strip() for p in parts)
        command = command.replace("\\$", "$")  # as the shell reads "\$LATEST"
        output = None
        index += 1
        while index < len(lines) and not lines[index].strip().startswith("aws ssm "):
            if lines[index].strip() == "Output::":
                block: list[str] = []
                index += 1
                while index < len(lines) and (
                    not lines[index].strip() or lines[index][:1].isspace()
                ):
                    block.append(lines[index])
                    index += 1
                # AWS elides repeated items with "...": left out here.
                kept = [line for line in block if line.strip() != "..."]
                text = re.sub(r",(\s*[\]}])", r"\1", "\n".join(kept))
                # One example prints a date unquoted: read it as the text it is.
                text = re.sub(r":\s*(\d{4}-\d\d-\d\dT[\d:.]+Z)", r': "\1"', text)
                try:
                    output = json.loads(textwrap.dedent(text))
                except json.JSONDecodeError:
                    output = MALFORMED
                break
            index += 1
        found.append((shlex.split(command)[2:], output))
    return found


def aws(server: Server, argv: list[str]) -> Any:
    """Run ``aws ssm ...`` in process against the server; its JSON answer."""
    out, err = io.StringIO(), io.StringIO()
    options = [
        "--endpoint-url",
        server.url,
        "--region",
        "us-east-1",
        "--output",
        "json",
    ]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = create_clidriver().main(["ssm", *argv, *options])
    assert status == 0, err.getvalue()
    return json.loads(out.getvalue()) if out.getvalue().strip() else None


def steady(value: Any) -> Any:
    """A value with its ids and dates replaced, for comparison."""
    if isinstance(value, dict):
        return {k: "<varies>" if k in VOLATILE else steady(v) for k, v in value.items()}
    if isinstance(value, list):
        return [steady(v) for v in value]
    return value


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, server: Server) -> Any:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    client = server_client(server)
    # Each example starts from an account without associations.
    for page in client.get_paginator("list_associations").paginate():
        for association in page["Associations"]:
            client.delete_association(AssociationId=association["AssociationId"])
    return client


def made_from(client: Any, described: dict[str, Any]) -> str:
    """Create the association an example assumes, from AWS's own answer."""
    creatable = client.meta.service_model.operation_model("CreateAssociation")
    request = {
        k: v
        for k, v in described.items()
        if k in creatable.input_shape.members and not k.startswith("Association")
    }
    if described.get("AssociationName"):
        request["AssociationName"] = described["AssociationName"]
    if request.get("InstanceId"):
        request.pop("Targets", None)  # a legacy association reports its own
    request.pop("DocumentVersion", None)
    made = client.create_association(**request)
    return made["AssociationDescription"]["AssociationId"]  # type: ignore[no-any-return]


def with_ids(argv: list[str], ids: dict[str, str]) -> list[str]:
    return [ids.get(a, a) for a in argv]


def as_published(answer: dict[str, Any], published: dict[str, Any]) -> dict[str, Any]:
    """``answer`` with ``Overview.DetailedStatus`` only where AWS's example has it.

    AWS's examples disagree among themselves: list-associations shows it for
    one legacy association and not for the next.
    """
    overview = answer.get("Overview")
    if overview and "DetailedStatus" not in published.get("Overview", {}):
        overview = {k: v for k, v in overview.items() if k != "DetailedStatus"}
        return {**answer, "Overview": overview}
    return answer


def test_create_association(server: Server, aws_env: Any) -> None:
    argv, expected = parse("create-association")[0]
    assert argv[0] == "create-association"
    answer = aws(server, argv)["AssociationDescription"]
    # The example predates association versions.
    assert answer.pop("AssociationVersion") == "1"
    assert steady(answer) == steady(expected["AssociationDescription"])


def test_update_association_status(server: Server, aws_env: Any) -> None:
    ((argv, expected),) = parse("update-association-status")
    made_from(aws_env, expected["AssociationDescription"])
    answer = aws(server, argv)["AssociationDescription"]
    published = expected["AssociationDescription"]
    assert steady(as_published(answer, published)) == steady(published)


def test_describe_association_of_a_legacy_association(
    server: Server, aws_env: Any
) -> None:
    argv, expected = parse("describe-association")[1]
    published = expected["AssociationDescription"]
    real = made_from(aws_env, published)
    answer = aws(server, with_ids(argv, {published["AssociationId"]: real}))
    described = answer["AssociationDescription"]
    # The example's association had not run; here its first run is recorded.
    keep = set(published) - {"Overview", "LastExecutionDate"}
    assert steady({k: described.get(k) for k in keep}) == steady(
        {k: published[k] for k in keep}
    )


def test_update_association(server: Server, aws_env: Any) -> None:
    examples = [e for e in parse("update-association") if e[1] is not MALFORMED]
    assert examples
    for argv, expected in examples:
        published = expected["AssociationDescription"]
        before = {**published, "DocumentVersion": "$DEFAULT"}
        before.pop("ScheduleExpression", None)
        real = made_from(aws_env, before)
        # Under the API reference's reading a partial update nulls the rest;
        # AWS's examples show Name and Targets kept: opt into that reading.
        kept = ["Name", "Targets", "AssociationName", "DocumentVersion"]
        server.stand_in.keep_on_update(kept)
        try:
            answer = aws(server, with_ids(argv, {published["AssociationId"]: real}))
        finally:
            server.stand_in.keep_on_update([])
        described = answer["AssociationDescription"]
        # Newer examples show ApplyOnlyAtCronInterval false where it was never
        # set; the local SSM leaves an unset member out.
        if published.get("ApplyOnlyAtCronInterval") is False:
            described.setdefault("ApplyOnlyAtCronInterval", False)
        keep = set(published) - {"Overview", "LastExecutionDate"}
        keep -= {"LastSuccessfulExecutionDate"}
        assert steady({k: described.get(k) for k in keep}) == steady(
            {k: published[k] for k in keep}
        ), argv
        assert described["Overview"] == published["Overview"]


def test_list_association_versions_and_executions(server: Server, aws_env: Any) -> None:
    real = aws_env.create_association(
        Name="AWS-UpdateSSMAgent",
        Targets=[{"Key": "InstanceIds", "Values": ["i-1234567890abcdef0"]}],
    )["AssociationDescription"]["AssociationId"]
    argv, expected = next(
        e for e in parse("describe-association-executions") if e[1] is not MALFORMED
    )
    published = expected["AssociationExecutions"][0]
    answer = aws(server, with_ids(argv, {published["AssociationId"]: real}))
    (execution,) = answer["AssociationExecutions"]
    assert steady(execution) == steady(published)

    argv, expected = parse("describe-association-execution-targets")[0]
    published_target = expected["AssociationExecutionTargets"][0]
    ids = {
        published_target["AssociationId"]: real,
        published_target["ExecutionId"]: execution["ExecutionId"],
    }
    answer = aws(server, with_ids(argv, ids))
    (target,) = answer["AssociationExecutionTargets"]
    assert set(target) == set(published_target)
    assert steady({**target, "ResourceId": None}) == steady(
        {**published_target, "ResourceId": None}
    )


def test_describe_instance_associations_status(server: Server, aws_env: Any) -> None:
    ((argv, expected),) = parse("describe-instance-associations-status")
    for info in expected["InstanceAssociationStatusInfos"]:
        aws_env.create_association(
            Name=info["Name"],
            AssociationName=info["AssociationName"],
            Targets=[{"Key": "InstanceIds", "Values": [info["InstanceId"]]}],
        )
    answer = aws(server, argv)["InstanceAssociationStatusInfos"]
    published = expected["InstanceAssociationStatusInfos"]
    assert [steady({**a, "DocumentVersion": None}) for a in answer] == [
        steady({**p, "DocumentVersion": None, "DetailedStatus": "Success"})
        | (
            {"ExecutionSummary": a["ExecutionSummary"]}
            if "ExecutionSummary" in a
            else {}
        )
        for p, a in zip(published, answer, strict=True)
    ]


def test_describe_effective_instance_associations(server: Server, aws_env: Any) -> None:
    ((argv, expected),) = parse("describe-effective-instance-associations")
    aws_env.create_association(
        Name="AWS-UpdateSSMAgent",
        Targets=[{"Key": "InstanceIds", "Values": ["i-1234567890abcdef0"]}],
    )
    (answer,) = aws(server, argv)["Associations"]
    (published,) = expected["Associations"]
    assert set(answer) == set(published)
    assert steady({**answer, "Content": None}) == steady({**published, "Content": None})
    assert (
        json.loads(answer["Content"])["description"]
        == (json.loads(published["Content"])["description"])
    )


def test_list_associations_and_delete(server: Server, aws_env: Any) -> None:
    argv, expected = parse("list-associations")[0]
    (published,) = expected["Associations"]
    real = made_from(aws_env, published)
    (listed,) = aws(server, argv)["Associations"]
    # The example's Targets name another node than its InstanceId: a legacy
    # association reports its own node, as create-association's example does.
    assert listed["Targets"] == [
        {"Key": "InstanceIds", "Values": [published["InstanceId"]]}
    ]
    keep = set(published) - {"Overview", "Targets"}
    assert steady({k: listed.get(k) for k in keep}) == steady(
        {k: published[k] for k in keep}
    )
    argv, output = parse("delete-association")[0]
    assert output is None
    assert aws(server, with_ids(argv, {argv[-1]: real})) is None
    assert aws_env.list_associations()["Associations"] == []


def test_create_association_batch(server: Server, aws_env: Any) -> None:
    ((argv, expected),) = parse("create-association-batch")
    answer = aws(server, argv)
    assert answer["Failed"] == expected["Failed"]
    assert [steady(a) for a in answer["Successful"]] == [
        steady(a) for a in expected["Successful"]
    ]


# -- maintenance window tasks ---------------------------------------------------------

TASK_IDS = {"WindowId", "WindowTaskId"}


def registered_from(client: Any, published: dict[str, Any]) -> tuple[str, str]:
    """A window and the task an example assumes, registered from AWS's answer."""
    window = new_window(client, "examples")
    register = client.meta.service_model.operation_model(
        "RegisterTaskWithMaintenanceWindow"
    )
    request = {
        k: v
        for k, v in published.items()
        if k in register.input_shape.members and k not in TASK_IDS
    }
    request.setdefault("TaskType", "RUN_COMMAND")
    task = client.register_task_with_maintenance_window(WindowId=window, **request)
    return window, task["WindowTaskId"]


def task_ids(published: dict[str, Any], window: str, task: str) -> dict[str, str]:
    return {published["WindowId"]: window, published["WindowTaskId"]: task}


def test_get_maintenance_window_task(server: Server, aws_env: Any) -> None:
    ((argv, published),) = parse("get-maintenance-window-task")
    window, task = registered_from(aws_env, published)
    answer = aws(server, with_ids(argv, task_ids(published, window, task)))
    assert (answer["WindowId"], answer["WindowTaskId"]) == (window, task)
    unkeyed = {k: v for k, v in answer.items() if k not in TASK_IDS}
    assert unkeyed == {k: v for k, v in published.items() if k not in TASK_IDS}


def test_update_maintenance_window_task(server: Server, aws_env: Any) -> None:
    ((argv, published),) = parse("update-maintenance-window-task")
    before = {**published, "ServiceRoleArn": "arn:aws:iam::111222333444:role/old"}
    window, task = registered_from(aws_env, before)
    answer = aws(server, with_ids(argv, task_ids(published, window, task)))
    # Without Replace, what the request leaves out is kept.
    unkeyed = {k: v for k, v in answer.items() if k not in TASK_IDS}
    assert unkeyed == {k: v for k, v in published.items() if k not in TASK_IDS}


def test_deregister_task_from_maintenance_window(server: Server, aws_env: Any) -> None:
    ((argv, published),) = parse("deregister-task-from-maintenance-window")
    window, task = registered_from(
        aws_env,
        {
            "TaskArn": "AWS-RunShellScript",
            "TaskType": "RUN_COMMAND",
            "Targets": [{"Key": "WindowTargetIds", "Values": ["t-1"]}],
            "MaxConcurrency": "1",
            "MaxErrors": "1",
        },
    )
    answer = aws(server, with_ids(argv, task_ids(published, window, task)))
    assert answer == {"WindowId": window, "WindowTaskId": task}
    assert set(answer) == set(published)


def test_describe_maintenance_window_tasks(server: Server, aws_env: Any) -> None:
    examples = parse("describe-maintenance-window-tasks")
    assert len(examples) == 4
    for argv, expected in examples:
        published = expected["Tasks"]
        window = new_window(aws_env, "described")
        register = aws_env.meta.service_model.operation_model(
            "RegisterTaskWithMaintenanceWindow"
        ).input_shape.members
        for task in published:
            request = {
                k: v for k, v in task.items() if k in register and k != "WindowId"
            }
            request["TaskType"] = task["Type"]
            aws_env.register_task_with_maintenance_window(WindowId=window, **request)
        # One the filters must leave out (the first example lists them all).
        if "--filters" in argv:
            aws_env.register_task_with_maintenance_window(
                WindowId=window,
                TaskArn="AWS-RestartEC2Instance",
                TaskType="AUTOMATION",
                Priority=9,
            )
        answer = aws(server, with_ids(argv, {published[0]["WindowId"]: window}))
        got = [
            {k: v for k, v in t.items() if k not in TASK_IDS} for t in answer["Tasks"]
        ]
        want = [{k: v for k, v in t.items() if k not in TASK_IDS} for t in published]
        assert got == want, argv


# -- maintenance windows, their targets, patch baselines ---------------------------

WINDOW_CREATE = (
    "Name",
    "Description",
    "Schedule",
    "ScheduleTimezone",
    "ScheduleOffset",
    "Duration",
    "Cutoff",
    "AllowUnassociatedTargets",
)


def window_from(client: Any, published: dict[str, Any], **changed: Any) -> str:
    """The window an example assumes, created from AWS's answer."""
    request = {k: v for k, v in published.items() if k in WINDOW_CREATE}
    request.update(changed)
    return client.create_maintenance_window(**request)["WindowId"]  # type: ignore[no-any-return]


def test_get_maintenance_window(server: Server, aws_env: Any) -> None:
    ((argv, published),) = parse("get-maintenance-window")
    window = window_from(aws_env, published)
    answer = aws(server, with_ids(argv, {published["WindowId"]: window}))
    assert answer["WindowId"] == window
    # NextExecutionTime is the service's schedule reckoning; not kept here.
    expected = {k: v for k, v in published.items() if k != "NextExecutionTime"}
    assert steady({**answer, "WindowId": "<varies>"}) == steady(
        {**expected, "WindowId": "<varies>"}
    )


def test_update_maintenance_window(server: Server, aws_env: Any) -> None:
    (rename, published), (disable, _), (enable, _) = parse("update-maintenance-window")
    window = window_from(aws_env, published, Name="My-Old-Name")
    ids = {published["WindowId"]: window}
    answer = aws(server, with_ids(rename, ids))
    assert {**answer, "WindowId": published["WindowId"]} == published
    assert aws(server, with_ids(disable, ids))["Enabled"] is False
    assert aws(server, with_ids(enable, ids))["Enabled"] is True


def test_update_maintenance_window_target(server: Server, aws_env: Any) -> None:
    ((argv, published),) = parse("update-maintenance-window-target")
    window = new_window(aws_env, "examples")
    target = aws_env.register_target_with_maintenance_window(
        WindowId=window,
        ResourceType="INSTANCE",
        Targets=published["Targets"],
        Name="OldName",
    )["WindowTargetId"]
    ids = {published["WindowId"]: window, published["WindowTargetId"]: target}
    answer = aws(server, with_ids(argv, ids))
    # This example shows "" for the unset Description and OwnerInformation;
    # describe-maintenance-window-targets' examples leave unset members out,
    # as the local SSM does.
    expected = {
        **{k: v for k, v in published.items() if v != ""},
        "WindowId": window,
        "WindowTargetId": target,
    }
    assert answer == expected


def test_describe_maintenance_window_targets_by_owner(
    server: Server, aws_env: Any
) -> None:
    _, (argv, published) = parse("describe-maintenance-window-targets")
    window = new_window(aws_env, "examples")
    for owner in ("CostCenter1", "CostCenter2"):
        aws_env.register_target_with_maintenance_window(
            WindowId=window,
            ResourceType="INSTANCE",
            Targets=[{"Key": "InstanceIds", "Values": ["i-0000293ffdEXAMPLE"]}],
            OwnerInformation=owner,
        )
    answer = aws(server, with_ids(argv, {argv[argv.index("--window-id") + 1]: window}))
    assert [t["OwnerInformation"] for t in answer["Targets"]] == ["CostCenter1"]
    if published is not None and published is not MALFORMED:
        assert [t["OwnerInformation"] for t in published["Targets"]] == ["CostCenter1"]


def test_update_patch_baseline(server: Server, aws_env: Any) -> None:
    (argv, published), _ = parse("update-patch-baseline")
    baseline = aws_env.create_patch_baseline(
        Name=published["Name"],
        OperatingSystem=published["OperatingSystem"],
        ApprovalRules=published["ApprovalRules"],
        Description=published["Description"],
        ApprovedPatches=["KB0000001"],
    )["BaselineId"]
    answer = aws(server, with_ids(argv, {published["BaselineId"]: baseline}))
    assert steady({**answer, "BaselineId": "<varies>"}) == steady(
        {**published, "BaselineId": "<varies>"}
    )


def test_every_create_association_example_succeeds(
    server: Server, aws_env: Any
) -> None:
    examples = parse("create-association")
    assert len(examples) == 3
    for argv, _ in examples:
        answer = aws(server, argv)["AssociationDescription"]
        # AWS prints the first example's output for all three: each is checked
        # against what it asked for.
        assert answer["Name"] == "AWS-UpdateSSMAgent"
        if "--schedule-expression" in argv:
            expression = argv[argv.index("--schedule-expression") + 1]
            assert (
                answer["ScheduleExpression"] == expression == "at(2020-05-14T15:55:00)"
            )
            assert answer["ApplyOnlyAtCronInterval"] is True


def test_get_document_of_a_managed_document(server: Server, aws_env: Any) -> None:
    ((argv, expected),) = parse("get-document")
    answer = aws(server, argv)
    kept = ("Name", "DocumentVersion", "Status", "DocumentType", "DocumentFormat")
    assert {k: answer[k] for k in kept} == {k: expected[k] for k in kept}
    assert (
        json.loads(answer["Content"])["description"]
        == json.loads(expected["Content"])["description"]
    )


#: Every document AWS's SSM examples name, by its name: patch baselines and a
#: tag's value are not documents.
NAMED = sorted(
    {
        name
        for page in EXAMPLES.glob("*.rst")
        for name in re.findall(r"\bAWS(?:Support)?-[A-Za-z0-9-]+", page.read_text())
    }
    - {"AWS-DefaultPatchBaseline", "AWS-SuseDefaultPatchBaseline"}
    - {"AWS-NoOpAutomationTarget-Value"}
)


def test_every_document_the_examples_name_exists(server: Server, aws_env: Any) -> None:
    assert "AWS-InstallPowerShellModule" in NAMED
    for name in NAMED:
        described = aws(server, ["describe-document", "--name", name])["Document"]
        assert (described["Name"], described["Owner"], described["Status"]) == (
            name,
            "Amazon",
            "Active",
        )
        assert aws(server, ["get-document", "--name", name])["Content"]
    listed = {
        d["Name"]
        for d in aws(
            server, ["list-documents", "--filters", "Key=Owner,Values=Amazon"]
        )["DocumentIdentifiers"]
    }
    assert set(NAMED) <= listed
    mine = aws(server, ["list-documents", "--filters", "Key=Owner,Values=Self"])
    assert not set(NAMED) & {d["Name"] for d in mine["DocumentIdentifiers"]}
