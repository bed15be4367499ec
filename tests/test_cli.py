"""The ssmkit command, run as a real subprocess against the stand-in on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ssmkit.testing.server import Server

from .command import run_command, run_interrupted
from .standin import new_window, server_client

RUN = "AWS-RunShellScript"
FULL = {
    "Name": RUN,
    "Parameters": {"commands": ["echo hunter2"]},
    "Targets": [{"Key": "InstanceIds", "Values": ["i-1"]}],
    "ScheduleExpression": "cron(0 2 ? * SUN *)",
    "MaxErrors": "1",
    "MaxConcurrency": "2",
    "AlarmConfiguration": {"Alarms": [{"Name": "cpu-high"}]},
}


@pytest.fixture
def boto(server: Server) -> Any:
    server.stand_in.requests.clear()
    return server_client(server)


def command_env() -> dict[str, str]:
    """The command's environment: fake credentials, no user config, a wide screen."""
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "COLUMNS": "200",
    }
    env.pop("AWS_PROFILE", None)
    return env


def argv(server: Server, *args: str, options_last: bool = False) -> list[str]:
    """``python -m ssmkit`` with the global options before (or after) the command."""
    options = ["--endpoint-url", server.url, "--region", "us-east-1"]
    arguments = [*args, *options] if options_last else [*options, *args]
    return [sys.executable, "-m", "ssmkit", *arguments]


def ssmkit(
    server: Server, *args: str, stdin: str | None = None, options_last: bool = False
) -> subprocess.CompletedProcess[str]:
    return run_command(
        argv(server, *args, options_last=options_last),
        stdin=stdin if stdin is not None else "",
        env=command_env(),
        timeout=120,
    )


def create(boto: Any, **extra: Any) -> str:
    return boto.create_association(**{**FULL, **extra})["AssociationDescription"][
        "AssociationId"
    ]  # type: ignore[no-any-return]


def stored(boto: Any, association_id: str) -> dict[str, Any]:
    return boto.describe_association(AssociationId=association_id)[
        "AssociationDescription"
    ]  # type: ignore[no-any-return]


def writes(server: Server) -> int:
    return server.stand_in.operations.count("UpdateAssociation")


# -- show and list -------


def test_show_masks_sensitive_members(server: Server, boto: Any) -> None:
    association_id = create(boto)
    result = ssmkit(server, "associations", "show", association_id)
    assert result.returncode == 0, result.stderr
    assert "schedule_expression" in result.stdout
    assert "cron(0 2 ? * SUN *)" in result.stdout
    assert "<sensitive>" in result.stdout
    assert "hunter2" not in result.stdout
    shown = ssmkit(server, "associations", "show", association_id, "--show-sensitive")
    assert "hunter2" in shown.stdout


def test_show_json_is_boto3_shaped(server: Server, boto: Any) -> None:
    association_id = create(boto)
    result = ssmkit(
        server,
        "--output",
        "json",
        "associations",
        "show",
        association_id,
        "--show-sensitive",
    )
    data = json.loads(result.stdout)["AssociationDescription"]
    assert {k: data[k] for k in FULL} == FULL
    assert data["AssociationVersion"] == "1"
    # Without --show-sensitive, the parameters are masked in the JSON too.
    masked = ssmkit(server, "--output", "json", "associations", "show", association_id)
    assert masked.returncode == 0, masked.stderr
    hidden = json.loads(masked.stdout)["AssociationDescription"]
    assert hidden == {**data, "Parameters": {"commands": "<sensitive>"}}


def test_list_with_a_filter(server: Server, boto: Any) -> None:
    association_id = create(boto, AssociationName="listed-one")
    result = ssmkit(
        server,
        "associations",
        "list",
        "--association-name",
        "listed-one",
        "--output",
        "json",
    )
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)["Associations"]
    assert [a["AssociationId"] for a in listed] == [association_id]
    table = ssmkit(server, "associations", "list", "--association-name", "listed-one")
    assert association_id in table.stdout


@pytest.mark.parametrize("where", ["before", "after"])
def test_the_global_options_hold_before_or_after_the_command(
    server: Server, where: str
) -> None:
    # An association of another Region than the one the environment names.
    elsewhere = server_client(server, region="eu-west-2")
    association_id = elsewhere.create_association(
        Name="AWS-RunShellScript", AssociationName=f"in-eu-west-2-{where}"
    )["AssociationDescription"]["AssociationId"]
    options = ["--endpoint-url", server.url, "--region", "eu-west-2"]
    options += ["--output", "json"]
    command = ["associations", "list", "--association-name", f"in-eu-west-2-{where}"]
    arguments = [*options, *command] if where == "before" else [*command, *options]
    result = run_command(
        [sys.executable, "-m", "ssmkit", *arguments],
        stdin="",
        env={**command_env(), "AWS_DEFAULT_REGION": "us-east-1"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)["Associations"]
    assert [a["AssociationId"] for a in listed] == [association_id]


# -- update -------


def test_update_with_yes_changes_only_what_is_named(server: Server, boto: Any) -> None:
    association_id = create(boto)
    result = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        "max_errors=5",
        "--yes",
    )
    assert result.returncode == 0, result.stderr
    assert '~ max_errors: "1" -> "5"' in result.stdout
    after = stored(boto, association_id)
    assert after["MaxErrors"] == "5"  # the text as it is: a string member takes "5"
    assert {k: after[k] for k in FULL if k != "MaxErrors"} == {
        k: v for k, v in FULL.items() if k != "MaxErrors"
    }


def test_update_asks_first(server: Server, boto: Any) -> None:
    association_id = create(boto)
    declined = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        "MaxErrors=3",
        stdin="n\n",
    )
    # Answered no: nothing written, and a script can tell (as Terraform does).
    assert declined.returncode == 1
    assert "Nothing written" in declined.stderr
    assert stored(boto, association_id)["MaxErrors"] == "1"
    accepted = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        "MaxErrors=3",
        stdin="y\n",
    )
    assert accepted.returncode == 0, accepted.stderr
    assert stored(boto, association_id)["MaxErrors"] == "3"


def test_update_without_a_terminal_or_yes_refuses(server: Server, boto: Any) -> None:
    association_id = create(boto)
    result = ssmkit(
        server, "associations", "update", association_id, "--set", "max_errors=3"
    )
    assert result.returncode == 2
    assert "--yes" in result.stderr
    assert stored(boto, association_id)["MaxErrors"] == "1"


def test_clear_structures_and_global_options_after_the_command(
    server: Server, boto: Any
) -> None:
    association_id = create(boto)
    result = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--clear",
        "alarm_configuration",
        "--set",
        'output_location={"S3Location": {"OutputS3BucketName": "logs-bucket"}}',
        "--set",
        "apply_only_at_cron_interval=true",
        "--set",
        "schedule_offset=2",
        "--yes",
        options_last=True,
    )
    assert result.returncode == 0, result.stderr
    after = stored(boto, association_id)
    assert "AlarmConfiguration" not in after
    assert after["OutputLocation"] == {
        "S3Location": {"OutputS3BucketName": "logs-bucket"}
    }
    assert after["ScheduleOffset"] == 2
    assert after["Targets"] == FULL["Targets"]


def test_dry_run_and_noop_write_nothing(server: Server, boto: Any) -> None:
    association_id = create(boto)
    dry = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        "max_errors=4",
        "--dry-run",
    )
    assert dry.returncode == 0
    assert '~ max_errors: "1" -> "4"' in dry.stdout
    noop = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        "max_errors=1",
        "--yes",
    )
    assert noop.returncode == 0
    assert "nothing would change" in noop.stdout
    assert writes(server) == 0
    sensitive = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        'parameters={"commands": ["echo s3cret"]}',
        "--dry-run",
    )
    assert "~ parameters.commands: (sensitive value changed)" in sensitive.stdout
    assert "s3cret" not in sensitive.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "maximum_errors=5"], "unknown member 'maximum_errors'"),
        (["--set", "max_errors=lots"], "max_errors: must match the pattern"),
        (
            ["--set", "alarm_configuration={not json"],
            "alarm_configuration: malformed JSON",
        ),
        (["--set", "schedule_offset=soon"], "schedule_offset: must be a whole number"),
        (["--set", "max_errors"], "expected MEMBER=VALUE"),
        ([], "nothing to change"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_call(
    server: Server, boto: Any, args: list[str], message: str
) -> None:
    association_id = create(boto)
    server.stand_in.requests.clear()
    result = ssmkit(server, "associations", "update", association_id, *args, "--yes")
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert server.stand_in.operations == []


def test_service_refusal_is_exit_1(server: Server, boto: Any) -> None:
    result = ssmkit(
        server, "associations", "show", "8d4b0a4e-0000-4000-8000-000000000009"
    )
    assert result.returncode == 1
    assert "AssociationDoesNotExist" in result.stderr


def test_usage_errors_are_exit_2(server: Server) -> None:
    assert ssmkit(server, "associations").returncode == 2
    assert ssmkit(server, "nonsense").returncode == 2


# -- bulk -------


def test_bulk_with_a_failure_in_the_middle(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    ids = [create(boto, AssociationName=f"bulk-{i}") for i in range(5)]
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(ids) + "\n")
    report = tmp_path / "report.jsonl"
    server.stand_in.fail_next(
        "UpdateAssociation",
        "InvalidTarget",
        when=lambda p: p["AssociationId"] == ids[2],
    )
    result = ssmkit(
        server,
        "associations",
        "bulk-update",
        "--ids-from",
        str(ids_file),
        "--set",
        "max_errors=9",
        "--concurrency",
        "2",
        "--report",
        str(report),
        "--yes",
    )
    assert result.returncode == 1, result.stderr
    assert "4 changed and 1 failed." in result.stderr
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    outcome = {line["association_id"]: line["outcome"] for line in lines}
    assert outcome == {i: ("failed" if i == ids[2] else "changed") for i in ids}
    failed = next(line for line in lines if line["outcome"] == "failed")
    assert failed["error"]["code"] == "InvalidTarget"
    assert [stored(boto, i)["MaxErrors"] for i in ids] == ["9", "9", "1", "9", "9"]

    # A rerun skips what the report lists as done and finishes the rest.
    server.stand_in.requests.clear()
    rerun = ssmkit(
        server,
        "associations",
        "bulk-update",
        "--ids-from",
        str(ids_file),
        "--set",
        "max_errors=9",
        "--report",
        str(report),
        "--yes",
    )
    assert rerun.returncode == 0, rerun.stderr
    assert "1 changed; 4 skipped as done in an earlier run." in rerun.stderr
    assert server.stand_in.requests_for("DescribeAssociation") == [
        {"AssociationId": ids[2]}
    ]


def test_bulk_by_filter_dry_run(server: Server, boto: Any) -> None:
    ids = [create(boto, AssociationName="filtered") for _ in range(3)]
    result = ssmkit(
        server,
        "--output",
        "json",
        "associations",
        "bulk-update",
        "--association-name",
        "filtered",
        "--set",
        "max_errors=7",
        "--dry-run",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [r["association_id"] for r in data["results"]] == ids, (data, ids)
    assert data["counts"]["planned"] == 3
    assert writes(server) == 0


def test_bulk_ctrl_c_finishes_running_updates_and_summarises(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    ids = [create(boto, AssociationName=f"slow-{i}") for i in range(6)]
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(ids))
    server.stand_in.before("UpdateAssociation", lambda _: time.sleep(0.5), times=None)
    try:
        result = run_interrupted(
            argv(
                server,
                "associations",
                "bulk-update",
                "--ids-from",
                str(ids_file),
                "--set",
                "max_errors=8",
                "--concurrency",
                "1",
                "--yes",
            ),
            ready=lambda: writes(server) >= 2,
            env=command_env(),
            timeout=30,
        )
    finally:
        server.stand_in._hooks.clear()
    out, err = result.stdout, result.stderr
    assert result.returncode == 130, err
    assert "Interrupted: finishing the calls under way" in err
    done = [i for i in ids if stored(boto, i)["MaxErrors"] == "8"]
    assert 2 <= len(done) < len(ids)
    assert f"{len(done)} changed; interrupted" in err
    assert all(i in out for i in done)


# -- tasks and the demo -------


def test_tasks_show_and_update(server: Server, boto: Any) -> None:
    window = new_window(boto, "patching")
    task_id = boto.register_task_with_maintenance_window(
        WindowId=window,
        TaskArn=RUN,
        TaskType="RUN_COMMAND",
        Targets=FULL["Targets"],
        MaxConcurrency="1",
        MaxErrors="1",
        TaskInvocationParameters={
            "RunCommand": {"Comment": "keep me", "OutputS3BucketName": "logs-one"}
        },
    )["WindowTaskId"]
    shown = ssmkit(server, "tasks", "show", window, task_id)
    assert "keep me" in shown.stdout
    result = ssmkit(
        server,
        "tasks",
        "update",
        window,
        task_id,
        "--set",
        'task_invocation_parameters={"RunCommand": {"OutputS3BucketName": "logs-two"}}',
        "--yes",
    )
    assert result.returncode == 0, result.stderr
    task = boto.get_maintenance_window_task(WindowId=window, WindowTaskId=task_id)
    assert task["TaskInvocationParameters"] == {
        "RunCommand": {"Comment": "keep me", "OutputS3BucketName": "logs-two"}
    }


def test_demo_runs_without_aws() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(
        [sys.executable, "-m", "ssmkit", "demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "wiped" in result.stdout
    assert "kept all 9 other members" in result.stdout


# -- paths, JSON, reports and the operator's terminal -------


PATCHING = {
    **FULL,
    "Name": "AWS-RunPatchBaseline",
    "Parameters": {"Operation": ["Install"], "RebootOption": ["NoReboot"]},
}


def test_set_and_clear_take_dotted_paths(server: Server, boto: Any) -> None:
    association_id = boto.create_association(**PATCHING)["AssociationDescription"][
        "AssociationId"
    ]
    result = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        'parameters.Operation=["Scan"]',
        "--yes",
    )
    assert result.returncode == 0, result.stderr
    assert "~ parameters.Operation: (sensitive value changed)" in result.stdout
    assert stored(boto, association_id)["Parameters"] == {
        "Operation": ["Scan"],
        "RebootOption": ["NoReboot"],
    }
    result = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--clear",
        "parameters.RebootOption",
        "--yes",
    )
    assert "- parameters.RebootOption: <sensitive>" in result.stdout
    assert stored(boto, association_id)["Parameters"] == {"Operation": ["Scan"]}
    refused = ssmkit(
        server, "associations", "update", association_id, "--set", "targets=null"
    )
    assert refused.returncode == 2
    assert "--clear targets removes it" in refused.stderr
    bulk = ssmkit(
        server,
        "associations",
        "bulk-update",
        "--name",
        "AWS-RunPatchBaseline",
        "--set",
        "targets=null",
        "--yes",
    )
    assert bulk.returncode == 2
    assert bulk.stderr == refused.stderr


def test_task_members_change_by_path(server: Server, boto: Any) -> None:
    window = new_window(boto, "paths")
    run_command = {
        "Comment": "keep me",
        "TimeoutSeconds": 600,
        "Parameters": {"commands": ["yum update -y"]},
    }
    task_id = boto.register_task_with_maintenance_window(
        WindowId=window,
        TaskArn=RUN,
        TaskType="RUN_COMMAND",
        Targets=FULL["Targets"],
        MaxConcurrency="1",
        MaxErrors="1",
        TaskInvocationParameters={"RunCommand": run_command},
    )["WindowTaskId"]
    result = ssmkit(
        server,
        "tasks",
        "update",
        window,
        task_id,
        "--set",
        "task_invocation_parameters.run_command.timeout_seconds=1800",
        "--yes",
    )
    assert result.returncode == 0, result.stderr
    assert (
        "~ task_invocation_parameters.run_command.timeout_seconds: 600 -> 1800"
        in result.stdout
    )
    task = boto.get_maintenance_window_task(WindowId=window, WindowTaskId=task_id)
    assert task["TaskInvocationParameters"] == {
        "RunCommand": {**run_command, "TimeoutSeconds": 1800}
    }


def test_json_after_answering_the_prompt_is_only_json(
    server: Server, boto: Any
) -> None:
    association_id = create(boto)
    result = ssmkit(
        server,
        "--output",
        "json",
        "associations",
        "update",
        association_id,
        "--set",
        "max_errors=6",
        stdin="y\n",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["written"] is True
    assert data["plan"]["changes"] == [
        {"path": "max_errors", "action": "change", "before": "1", "after": "6"}
    ]
    assert data["AssociationDescription"]["AssociationVersion"] == "2"
    assert data["AssociationDescription"]["MaxErrors"] == "6"
    assert data["AssociationDescription"]["Parameters"] == {"commands": "<sensitive>"}
    # The question and the plan went to stderr, and said the association runs.
    assert "Write 1 change to association" in result.stderr
    assert "it runs at once on its targets" in result.stderr


def test_a_report_for_one_change_does_not_skip_another(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    ids = [create(boto, AssociationName=f"report-{i}") for i in range(2)]
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(ids))
    report = tmp_path / "report.jsonl"

    def bulk(change: str) -> subprocess.CompletedProcess[str]:
        return ssmkit(
            server,
            "associations",
            "bulk-update",
            "--ids-from",
            str(ids_file),
            "--set",
            change,
            "--report",
            str(report),
            "--yes",
        )

    assert bulk("max_errors=4").returncode == 0
    again = bulk("max_errors=4")
    assert "2 skipped as done in an earlier run" in again.stderr
    other = bulk("max_concurrency=3")
    assert other.returncode == 0, other.stderr
    assert "records 2 result(s) of another change; they are not skipped" in (
        other.stderr
    )
    assert "2 changed." in other.stderr
    assert [stored(boto, i)["MaxConcurrency"] for i in ids] == ["3", "3"]
    # A last line cut short by an interruption: the rerun goes on.
    report.write_text(report.read_text() + '{"association_id": "x", "outc')
    resumed = bulk("max_concurrency=3")
    assert resumed.returncode == 0, resumed.stderr
    assert "2 skipped as done" in resumed.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--concurrency", "0"], "--concurrency: '0' is not a whole number, 1 or more"),
        (["--concurrency", "abc"], "--concurrency: 'abc' is not a whole number"),
        (["--concurrency", "99999"], "--concurrency: must be a whole number from 1"),
        (["--ids-from", "ids.txt"], "ids.txt:2: 'not-an-id' is not an association id"),
        (["--max-rate", "0"], "--max-rate: must be a number of calls a second"),
        (["--max-rate", "nan"], "--max-rate: must be a number of calls a second"),
        (["--max-rate", "1e-300"], "--max-rate: must be a number of calls a second"),
        (["--report", "."], "--report: . is a directory"),
        (["--ids-from", "latin1.txt"], "is not UTF-8 text"),
        (["--report", "broken.jsonl"], "broken.jsonl:1: not a report line"),
    ],
)
def test_bad_bulk_input_is_one_line_exit_2(
    server: Server, tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9\n")
    (tmp_path / "ids.txt").write_text(
        "8dfe3659-4309-493a-8755-0123456789ab\nnot-an-id\n"
    )
    (tmp_path / "broken.jsonl").write_text("nonsense\n{}\n")
    server.stand_in.requests.clear()
    options = ["--name", "AWS-RunShellScript"] if "--ids-from" not in args else []
    result = subprocess.run(
        argv(
            server,
            "associations",
            "bulk-update",
            *options,
            "--set",
            "max_errors=2",
            "--yes",
            *args,
        ),
        capture_output=True,
        text=True,
        env=command_env(),
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert server.stand_in.operations == []


def test_a_closed_pipe_ends_quietly(server: Server, boto: Any) -> None:
    for i in range(30):
        create(boto, AssociationName=f"piped-{i}")
    process = subprocess.Popen(
        argv(server, "--output", "json", "associations", "list"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=command_env(),
    )
    assert process.stdout is not None
    process.stdout.close()  # what `| head` does once it has read enough
    _, err = process.communicate(timeout=60)
    assert b"Traceback" not in err
    assert b"BrokenPipe" not in err


@pytest.mark.parametrize("columns", ["80", "40"])
def test_ids_are_never_cut(
    server: Server, boto: Any, tmp_path: Path, columns: str
) -> None:
    association_id = create(
        boto,
        AssociationName="markup-in-text",
        AutomationTargetParameterName="see [/docs] first",
    )
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(association_id)
    env = {**command_env(), "COLUMNS": columns}
    listed = subprocess.run(
        argv(server, "associations", "list", "--association-name", "markup-in-text"),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    assert association_id in listed.stdout
    shown = subprocess.run(
        argv(server, "associations", "show", association_id),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    # Text stored in the service is shown as it is, never read as markup.
    assert shown.returncode == 0, shown.stderr
    if columns == "80":
        assert "see [/docs] first" in shown.stdout
    bulk = subprocess.run(
        argv(
            server,
            "associations",
            "bulk-update",
            "--ids-from",
            str(ids_file),
            "--set",
            "max_errors=3",
            "--dry-run",
        ),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bulk.returncode == 0, bulk.stderr
    assert association_id in bulk.stdout
    # A dry run shows each association's diff.
    assert '~ max_errors: "1" -> "3"' in bulk.stdout


def test_bulk_prompt_says_how_many_and_that_they_run(server: Server, boto: Any) -> None:
    for _ in range(3):
        create(boto, AssociationName="counted")
    result = ssmkit(
        server,
        "associations",
        "bulk-update",
        "--association-name",
        "counted",
        "--set",
        "max_errors=2",
        stdin="n\n",
    )
    assert result.returncode == 1
    assert "to 3 associations" in result.stderr
    assert "Each one written runs at once on its targets" in result.stderr
    assert "Nothing written." in result.stderr
    assert writes(server) == 0


def test_ctrl_c_during_a_paced_run_writes_nothing_more(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    ids = [create(boto, AssociationName=f"paced-{i}") for i in range(12)]
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(ids))
    report = tmp_path / "report.jsonl"
    server.stand_in.requests.clear()
    at_interrupt: list[int] = []

    def ready() -> bool:
        if writes(server) < 2:
            return False
        at_interrupt.append(writes(server))
        return True

    result = run_interrupted(
        argv(
            server,
            "associations",
            "bulk-update",
            "--ids-from",
            str(ids_file),
            "--set",
            "max_errors=8",
            "--concurrency",
            "6",
            "--max-rate",
            "4",
            "--report",
            str(report),
            "--yes",
        ),
        ready=ready,
        env=command_env(),
        timeout=30,
        pressed_again_after=0.3,  # pressed again: nothing is lost
    )
    err = result.stderr
    assert result.returncode == 130, err
    assert "Interrupted: finishing the calls under way" in err
    done = [i for i in ids if stored(boto, i)["MaxErrors"] == "8"]
    # Only a write already sent when Ctrl-C came may land after it.
    assert len(done) <= at_interrupt[0] + 1
    assert f"{len(done)} changed; interrupted" in err
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    reported = [
        line["association_id"] for line in lines if line["outcome"] == "changed"
    ]
    assert sorted(reported) == sorted(done)
    # The rest are named as never started, for the rerun to take up.
    never = [
        line["association_id"] for line in lines if line["outcome"] == "not_started"
    ]
    assert sorted(never) == sorted(set(ids) - set(done))


# -- an operator's day -------


def test_create_versions_and_delete(server: Server, boto: Any, tmp_path: Path) -> None:
    source = tmp_path / "association.yaml"
    source.write_text(
        "Name: AWS-RunPatchBaseline\n"
        "AssociationName: day-patching\n"
        "Parameters:\n"
        "  Operation: [Install]\n"
        "Targets:\n"
        "  - Key: tag:Patch\n"
        "    Values: [weekly]\n"
        "ScheduleExpression: cron(0 2 ? * SUN *)\n"
    )
    created = ssmkit(
        server,
        "--output",
        "json",
        "associations",
        "create",
        "--from",
        str(source),
        "--set",
        'parameters.RebootOption=["NoReboot"]',
        "--set",
        "max_errors=2",
        stdin="y\n",
    )
    assert created.returncode == 0, created.stderr
    description = json.loads(created.stdout)["AssociationDescription"]
    association_id = description["AssociationId"]
    assert description["Parameters"] == {
        "Operation": "<sensitive>",
        "RebootOption": "<sensitive>",
    }
    assert "+ parameters.RebootOption: <sensitive>" in created.stderr
    assert "it runs at once on its targets" in created.stderr
    live = stored(boto, association_id)
    assert live["Parameters"] == {
        "Operation": ["Install"],
        "RebootOption": ["NoReboot"],
    }
    assert live["MaxErrors"] == "2"
    assert live["Targets"] == [{"Key": "tag:Patch", "Values": ["weekly"]}]

    ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        "max_errors=3",
        "--yes",
    )
    versions = ssmkit(
        server, "--output", "json", "associations", "versions", association_id
    )
    listed = json.loads(versions.stdout)["AssociationVersions"]
    assert [v["AssociationVersion"] for v in listed] == ["2", "1"]
    assert [v["MaxErrors"] for v in listed] == ["3", "2"]
    table = ssmkit(server, "associations", "versions", association_id)
    assert table.returncode == 0, table.stderr

    declined = ssmkit(server, "associations", "delete", association_id, stdin="n\n")
    assert "Nothing deleted." in declined.stderr
    assert declined.returncode == 1
    assert stored(boto, association_id)
    deleted = ssmkit(server, "associations", "delete", association_id, "--yes")
    assert deleted.returncode == 0, deleted.stderr
    gone = ssmkit(server, "associations", "show", association_id)
    assert gone.returncode == 1
    assert "AssociationDoesNotExist" in gone.stderr


def test_create_refuses_bad_input_before_any_call(
    server: Server, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"Name": 5}')
    unknown = tmp_path / "unknown.json"
    unknown.write_text('{"Name": "AWS-RunShellScript", "Nope": 1}')
    server.stand_in.requests.clear()
    listed = tmp_path / "listed.json"
    listed.write_text('[{"Name": "AWS-RunShellScript"}]')
    twice = tmp_path / "twice.yaml"
    twice.write_text("Name: AWS-RunShellScript\nName: AWS-RunPatchBaseline\n")
    for args, whole in (
        (
            ["--from", str(listed)],
            f"--from: {listed} must hold one request, a mapping of members",
        ),
        (["--from", str(twice)], f"--from: {twice}:2:"),
    ):
        result = ssmkit(server, "associations", "create", *args, "--yes")
        assert result.returncode == 2, args
        assert result.stderr.startswith(f"ssmkit: error: {whole}"), result.stderr
    for args, message in (
        (["--from", str(bad)], "name: must be a string (got 5)"),
        (["--from", str(unknown)], "CreateAssociation has no member Nope"),
        (["--set", "schedule_expression=cron(0 2 ? * SUN *)"], "name: is required"),
        ([], "nothing to create"),
    ):
        result = ssmkit(server, "associations", "create", *args, "--yes")
        assert result.returncode == 2, args
        assert message in result.stderr
    assert server.stand_in.operations == []


def test_windows_and_their_tasks_are_listed(server: Server, boto: Any) -> None:
    window = new_window(boto, "listed-window")
    task_id = boto.register_task_with_maintenance_window(
        WindowId=window,
        TaskArn=RUN,
        TaskType="RUN_COMMAND",
        Targets=FULL["Targets"],
        MaxConcurrency="1",
        MaxErrors="1",
        Name="listed-task",
        TaskParameters={"password": {"Values": ["hunter2"]}},
    )["WindowTaskId"]
    windows = json.loads(ssmkit(server, "--output", "json", "windows", "list").stdout)[
        "WindowIdentities"
    ]
    assert window in [w["WindowId"] for w in windows]
    table = ssmkit(server, "windows", "list")
    assert window in table.stdout
    tasks = ssmkit(server, "--output", "json", "tasks", "list", window)
    assert tasks.returncode == 0, tasks.stderr
    [task] = json.loads(tasks.stdout)["Tasks"]
    assert task["WindowTaskId"] == task_id
    assert task["Name"] == "listed-task"
    assert "hunter2" not in tasks.stdout
    table = ssmkit(server, "tasks", "list", window)
    assert task_id in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["associations", "show", "not-an-id"],
            "argument ID: 'not-an-id' is not an association id",
        ),
        (
            [
                "associations",
                "update",
                "8dfe3659-4309-493a-8755-0123456789ab",
                "--set",
                "max_errors=1",
                "--expected-version",
                "abc",
            ],
            "argument --expected-version: 'abc' is not a version",
        ),
        (
            [
                "associations",
                "update",
                "8dfe3659-4309-493a-8755-0123456789ab",
                "--set",
                "max_errors=1",
                "--clear",
                "max_errors",
            ],
            "max_errors: --clear overlaps --set max_errors; give one of them",
        ),
        (
            ["tasks", "show", "mw-nope", "8dfe3659-4309-493a-8755-0123456789ab"],
            "argument WINDOW_ID: 'mw-nope' is not a maintenance window id",
        ),
        (
            ["tasks", "show", "mw-0123456789abcdef0", "task"],
            "argument TASK_ID: 'task' is not a window task id",
        ),
    ],
)
def test_bad_ids_and_versions_are_one_line_exit_2_before_any_call(
    server: Server, args: list[str], message: str
) -> None:
    server.stand_in.requests.clear()
    result = ssmkit(server, *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert server.stand_in.operations == []


@pytest.mark.parametrize(
    ("sets", "clears"),
    [
        (['parameters.commands=["x"]'], ["parameters"]),
        (['parameters={"commands": ["y"]}'], ["parameters.commands"]),
    ],
)
def test_a_set_and_a_clear_that_overlap_are_refused(
    server: Server, boto: Any, sets: list[str], clears: list[str]
) -> None:
    association_id = create(boto)
    server.stand_in.requests.clear()
    arguments = [a for s in sets for a in ("--set", s)]
    arguments += [a for c in clears for a in ("--clear", c)]
    result = ssmkit(
        server, "associations", "update", association_id, *arguments, "--yes"
    )
    assert result.returncode == 2, result.stderr
    assert "overlaps --set" in result.stderr
    assert server.stand_in.operations == []


def test_the_command_runs_alike_in_its_own_process_and_in_the_tests(
    server: Server, boto: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Mutation testing runs the command in the tests' process
    # (--command-in-process): what it shows must be what a process shows.
    from . import command

    association_id = create(boto)
    commands = [
        ("associations", "show", association_id),
        ("--output", "json", "associations", "show", association_id),
        ("associations", "update", association_id, "--set", "max_errors=3"),
        ("associations", "show", "not-an-id"),
        ("associations", "frobnicate"),
    ]
    for args in commands:
        monkeypatch.setattr(command, "IN_PROCESS", False)
        apart = ssmkit(server, *args, stdin="n\n")
        monkeypatch.setattr(command, "IN_PROCESS", True)
        inside = ssmkit(server, *args, stdin="n\n")
        assert (inside.returncode, inside.stdout, inside.stderr) == (
            apart.returncode,
            apart.stdout,
            apart.stderr,
        ), args
    assert stored(boto, association_id)["MaxErrors"] == "1"
