"""A secret planted in every sensitive member shows nowhere unless asked for.

Every surface is tried: model reprs, plans (text, repr, JSON), validation
errors, log records, and every output of the command, table and JSON.
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import botocore.session
import pytest

import ssmkit
from ssmkit import errors
from ssmkit._mask import is_sensitive
from ssmkit.testing.server import Server

from .standin import new_window, server_client
from .test_cli import ssmkit as run

SECRET = "hunter2-s3cret"
#: The forms a secret can take in text: as it is, and as a base64 blob.
FORMS = (SECRET, base64.b64encode(SECRET.encode()).decode(), "hunter2")

ASSOCIATION = {
    "Name": "AWS-RunShellScript",
    "Parameters": {"commands": [f"echo {SECRET}"], "workingDirectory": ["/tmp"]},
    "Targets": [{"Key": "InstanceIds", "Values": ["i-1"]}],
    "ScheduleExpression": "cron(0 2 ? * SUN *)",
}
TARGETS = {
    "Targets": [{"Key": "InstanceIds", "Values": ["i-1"]}],
    "MaxConcurrency": "1",
    "MaxErrors": "1",
}
TASKS: dict[str, dict[str, Any]] = {
    "run_command": {
        "TaskArn": "AWS-RunShellScript",
        "TaskType": "RUN_COMMAND",
        **TARGETS,
        "Description": f"the password is {SECRET}",
        "TaskParameters": {"password": {"Values": [SECRET]}},
        "TaskInvocationParameters": {
            "RunCommand": {
                "Comment": "visible comment",
                "TimeoutSeconds": 600,
                "Parameters": {"commands": [f"echo {SECRET}"]},
            }
        },
    },
    "lambda": {
        "TaskArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
        "TaskType": "LAMBDA",
        **TARGETS,
        "TaskInvocationParameters": {
            "Lambda": {"Qualifier": "1", "Payload": SECRET.encode()}
        },
    },
    "step_functions": {
        "TaskArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m",
        "TaskType": "STEP_FUNCTIONS",
        **TARGETS,
        "TaskInvocationParameters": {
            "StepFunctions": {"Name": "visible-name", "Input": json.dumps([SECRET])}
        },
    },
}


def _sensitive_paths(shape: Any, path: str = "") -> set[str]:
    if is_sensitive(shape):
        return {path}
    if shape.type_name == "structure":
        found: set[str] = set()
        for name, member in shape.members.items():
            found |= _sensitive_paths(member, f"{path}.{name}" if path else name)
        return found
    return set()


def _planted_paths(value: Any, path: str = "") -> set[str]:
    found = {path} if path else set()
    if isinstance(value, dict):
        for key, inner in value.items():
            found |= _planted_paths(inner, f"{path}.{key}" if path else key)
    return found


def test_a_secret_is_planted_in_every_sensitive_member() -> None:
    model = botocore.session.get_session().get_service_model("ssm")
    for operation, planted in (
        ("CreateAssociation", [ASSOCIATION]),
        ("RegisterTaskWithMaintenanceWindow", list(TASKS.values())),
    ):
        shape = model.operation_model(operation).input_shape
        every: set[str] = set()
        for body in planted:
            every |= _planted_paths(body)
        assert _sensitive_paths(shape) <= every, operation


def hidden(text: str) -> bool:
    return not any(form in text for form in FORMS)


@pytest.fixture
def boto(server: Server) -> Any:
    return server_client(server)


@pytest.fixture
def planted(boto: Any) -> dict[str, str]:
    """The association's id and each task's window/id, secrets planted in all."""
    ids = {
        "association": boto.create_association(**ASSOCIATION)["AssociationDescription"][
            "AssociationId"
        ]
    }
    window = new_window(boto, "secrets")
    ids["window"] = window
    for name, body in TASKS.items():
        ids[name] = boto.register_task_with_maintenance_window(WindowId=window, **body)[
            "WindowTaskId"
        ]
    return ids


def test_no_command_output_shows_a_secret(
    server: Server, planted: dict[str, str]
) -> None:
    association, window = planted["association"], planted["window"]
    commands: list[list[str]] = []
    for output in ("table", "json"):
        commands += [
            ["--output", output, "associations", "show", association],
            ["--output", output, "associations", "list"],
            [
                "--output",
                output,
                "associations",
                "update",
                association,
                "--set",
                'parameters.commands=["echo changed"]',
                "--set",
                "max_errors=3",
                "--dry-run",
            ],
            [
                "--output",
                output,
                "associations",
                "bulk-update",
                "--name",
                "AWS-RunShellScript",
                "--set",
                'parameters={"commands": ["echo other"]}',
                "--dry-run",
            ],
        ]
        for task in TASKS:
            commands += [
                ["--output", output, "tasks", "show", window, planted[task]],
                [
                    "--output",
                    output,
                    "tasks",
                    "update",
                    window,
                    planted[task],
                    "--set",
                    "priority=7",
                    "--set",
                    "description=new words",
                    "--dry-run",
                ],
            ]
    # A refused value within a sensitive member: the error names it, not its value.
    commands.append(
        [
            "tasks",
            "update",
            window,
            planted["run_command"],
            "--set",
            f'task_parameters.password={{"Values": ["{SECRET}{"x" * 300}"]}}',
            "--yes",
        ]
    )
    for command in commands:
        result = run(server, *command)
        assert result.returncode in (0, 2), (command, result.stderr)
        assert hidden(result.stdout), (command, result.stdout)
        assert hidden(result.stderr), (command, result.stderr)
        if "json" in command and "update" not in command[3:5]:
            json.loads(result.stdout)


def test_the_command_shows_secrets_when_asked(
    server: Server, planted: dict[str, str]
) -> None:
    window = planted["window"]
    shown = run(
        server, "tasks", "show", window, planted["run_command"], "--show-sensitive"
    )
    assert SECRET in shown.stdout
    data = json.loads(
        run(
            server,
            "--output",
            "json",
            "tasks",
            "show",
            window,
            planted["lambda"],
            "--show-sensitive",
        ).stdout
    )
    lambda_ = data["TaskInvocationParameters"]["Lambda"]
    assert base64.b64decode(lambda_["Payload"]) == SECRET.encode()


def test_masking_hides_only_what_is_sensitive(
    server: Server, planted: dict[str, str]
) -> None:
    data = json.loads(
        run(
            server,
            "--output",
            "json",
            "tasks",
            "show",
            planted["window"],
            planted["run_command"],
        ).stdout
    )
    assert data["Description"] == "<sensitive>"
    # A map's keys are shown, its values masked.
    assert data["TaskParameters"] == {"password": "<sensitive>"}
    assert data["TaskInvocationParameters"]["RunCommand"] == {
        "Comment": "visible comment",
        "TimeoutSeconds": 600,
        "Parameters": {"commands": "<sensitive>"},
    }
    assert data["Targets"] == TARGETS["Targets"]


def test_no_library_text_shows_a_secret(
    boto: Any, planted: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    client = ssmkit.Client(boto3_client=boto)
    window = planted["window"]
    association = client.describe_association(association_id=planted["association"])
    texts = [repr(association), str(association)]
    caplog.set_level(logging.DEBUG, logger="ssmkit")
    for task in TASKS:
        current = client.get_maintenance_window_task(
            window_id=window, window_task_id=planted[task]
        )
        texts.append(repr(current))
        plan = client.plan_maintenance_window_task_update(
            window,
            planted[task],
            description=f"{SECRET} again",
            task_parameters={"password": {"Values": [f"{SECRET}!"]}},  # type: ignore[dict-item]
        )
        texts += [str(plan), repr(plan), json.dumps(plan.to_json()), repr(plan.after)]
        assert SECRET in plan.render(show_sensitive=True)
        client.update_maintenance_window_task(
            window, planted[task], description=f"{SECRET} written"
        )
    for bad in (
        {"paths": {"parameters.commands": SECRET}},
        {"parameters": {"commands": [SECRET, 5]}},
    ):
        with pytest.raises(errors.ValidationError) as caught:
            client.update_association(planted["association"], **bad)  # type: ignore[arg-type]
        texts.append(str(caught.value))
    plan = client.plan_association_update(
        planted["association"], paths={"parameters.commands": [SECRET + "2"]}
    )
    texts += [str(plan), repr(plan), json.dumps(plan.to_json())]
    texts += [record.getMessage() for record in caplog.records]
    assert any("UpdateMaintenanceWindowTask" in t for t in texts)  # logs were made
    for text in texts:
        assert hidden(text), text
