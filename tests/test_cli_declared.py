"""``ssmkit associations export|plan|apply``, run as a real subprocess on loopback."""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from .standin import held_for_another, server_client
from .test_cli import argv, command_env, ssmkit

if TYPE_CHECKING:
    from pathlib import Path

    from ssmkit.testing.server import Server

SECRET = "hunter2-in-a-file"


@pytest.fixture
def boto(server: Server) -> Any:
    server.stand_in.requests.clear()
    client = server_client(server)
    # Each test starts from an empty account: the server lives for the module.
    for page in client.get_paginator("list_associations").paginate():
        for association in page["Associations"]:
            client.delete_association(AssociationId=association["AssociationId"])
    server.stand_in.requests.clear()
    return client


def document(prefix: str = "ops-") -> dict[str, Any]:
    return {
        "Prune": {"NamePrefix": prefix},
        "Associations": [
            {
                "AssociationName": f"{prefix}patch",
                "Name": "AWS-RunPatchBaseline",
                "Targets": [{"Key": "tag:Patch", "Values": ["yes"]}],
                "ScheduleExpression": "cron(0 2 ? * SUN *)",
                "Parameters": {"Operation": ["Install"], "Token": [SECRET]},
            },
            {
                "AssociationName": f"{prefix}inventory",
                "Name": "AWS-GatherSoftwareInventory",
                "Targets": [{"Key": "InstanceIds", "Values": ["*"]}],
                "ScheduleExpression": "rate(1 day)",
            },
        ],
    }


def written(server: Server) -> list[str]:
    kinds = ("CreateAssociation", "UpdateAssociation", "DeleteAssociation")
    return [r.operation for r in server.stand_in.requests if r.operation in kinds]


def a_file(tmp_path: Path, content: dict[str, Any], name: str = "ssm.yaml") -> str:
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(content), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return str(path)


def test_plan_apply_plan(server: Server, boto: Any, tmp_path: Path) -> None:
    path = a_file(tmp_path, document())
    done = ssmkit(server, "associations", "plan", path, "--detailed-exitcode")
    assert done.returncode == 3, done.stderr
    assert (
        done.stdout.splitlines()[0]
        == "+ create ops-patch (runs at once on its targets)"
    )
    assert "    + parameters.Token: <sensitive>" in done.stdout
    assert done.stderr == "Plan: 2 to create, 0 to update, 0 unchanged.\n"
    assert written(server) == []

    done = ssmkit(server, "associations", "apply", path, stdin="y\n")
    assert done.returncode == 0, done.stderr
    assert (
        "Create 2 associations? Once written, they run at once on their targets. "
        "[y/N]" in done.stderr
    )
    assert "2 created." in done.stderr
    assert "ops-patch" in done.stdout
    assert "created" in done.stdout
    assert written(server) == ["CreateAssociation", "CreateAssociation"]
    assert SECRET not in done.stdout + done.stderr

    done = ssmkit(server, "associations", "plan", path, "--detailed-exitcode")
    assert done.returncode == 0, done.stderr
    assert done.stderr == "Plan: 0 to create, 0 to update, 2 unchanged.\n"
    done = ssmkit(server, "associations", "apply", path)
    assert done.returncode == 0
    assert "Nothing to do" in done.stderr
    assert len(written(server)) == 2


def test_apply_json_parses_when_the_prompt_is_answered(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    path = a_file(tmp_path, document(), name="ssm.json")
    done = ssmkit(
        server, "--output", "json", "associations", "apply", path, stdin="y\n"
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["counts"]["created"] == 2
    assert [r["outcome"] for r in data["results"]] == ["created", "created"]
    assert data["plan"]["counts"] == {
        "create": 2,
        "update": 0,
        "unchanged": 0,
        "delete": 0,
    }
    assert SECRET not in done.stdout + done.stderr
    done = ssmkit(server, "--output", "json", "associations", "plan", path)
    assert json.loads(done.stdout)["counts"]["unchanged"] == 2


def test_apply_answered_no_writes_nothing(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    path = a_file(tmp_path, document())
    done = ssmkit(server, "associations", "apply", path, stdin="n\n")
    assert done.returncode == 1
    assert "Nothing written." in done.stderr
    done = ssmkit(server, "associations", "apply", path)
    assert done.returncode == 2
    assert "pass --yes" in done.stderr
    assert written(server) == []


def test_export_then_plan_is_empty_and_keeps_secrets_out(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    ssmkit(server, "associations", "apply", a_file(tmp_path, document()), "--yes")
    out = tmp_path / "live.yaml"
    done = ssmkit(server, "associations", "export", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "Wrote 2 associations" in done.stderr
    assert "written as <sensitive>" in done.stderr
    text = out.read_text(encoding="utf-8")
    assert SECRET not in text
    exported = {e["AssociationName"]: e for e in yaml.safe_load(text)["Associations"]}
    assert exported["ops-patch"]["Parameters"] == {
        "Operation": "<sensitive>",
        "Token": "<sensitive>",
    }
    done = ssmkit(server, "associations", "plan", str(out), "--detailed-exitcode")
    assert done.returncode == 0, done.stdout + done.stderr
    # To stdout: YAML, or JSON with --output json; secrets only when asked.
    done = ssmkit(server, "associations", "export")
    assert yaml.safe_load(done.stdout) == yaml.safe_load(text)
    done = ssmkit(server, "--output", "json", "associations", "export")
    assert json.loads(done.stdout) == yaml.safe_load(text)
    done = ssmkit(server, "--show-sensitive", "associations", "export")
    assert SECRET in done.stdout


def test_a_change_in_the_file_and_prune(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    content = document()
    ssmkit(server, "associations", "apply", a_file(tmp_path, content), "--yes")
    boto.create_association(Name="AWS-RunShellScript", AssociationName="ops-old")
    boto.create_association(Name="AWS-RunShellScript", AssociationName="dev-keep")
    content["Associations"][1]["ScheduleExpression"] = "rate(2 days)"
    path = a_file(tmp_path, content)
    report = tmp_path / "report.jsonl"
    done = ssmkit(
        server,
        "associations",
        "apply",
        path,
        "--prune",
        "--report",
        str(report),
        stdin="y\n",
    )
    assert done.returncode == 0, done.stderr
    assert "Write 1 and delete 1 associations?" in done.stderr
    assert '    ~ schedule_expression: "rate(1 day)" -> "rate(2 days)"' in done.stdout
    assert "- delete ops-old" in done.stdout
    assert "dev-keep" not in done.stdout
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert sorted(line["outcome"] for line in lines) == [
        "changed",
        "deleted",
        "unchanged",
    ]
    names = {a.get("AssociationName") for a in boto.list_associations()["Associations"]}
    assert names == {"ops-patch", "ops-inventory", "dev-keep"}


@pytest.mark.parametrize("command", [["associations", "plan"], ["plan"]])
def test_a_key_holding_a_newline_is_planned_on_one_line(
    server: Server, boto: Any, tmp_path: Path, command: list[str]
) -> None:
    content = document()
    content["Associations"][1]["Parameters"] = {"a\nb\rc\x07d": ["x"]}
    planned = ssmkit(
        server, "--show-sensitive", *command, a_file(tmp_path, content, "s.json")
    )
    assert planned.returncode == 0, planned.stderr
    lines = planned.stdout.splitlines()
    assert '    + parameters.a\\nb\\x0dc\\x07d: ["x"]' in lines
    assert lines[0] == "+ create ops-patch (runs at once on its targets)"
    # Every line an entry's heading or one of its changes: none is cut in two.
    assert all(line.startswith(("+ create ", "    + ")) for line in lines), lines


@pytest.mark.parametrize("command", [["associations", "plan"], ["plan"]])
def test_a_plan_that_only_prunes_is_a_pending_change(
    server: Server, boto: Any, tmp_path: Path, command: list[str]
) -> None:
    content = document()
    ssmkit(server, "associations", "apply", a_file(tmp_path, content), "--yes")
    boto.create_association(Name="AWS-RunShellScript", AssociationName="ops-old")
    path = a_file(tmp_path, content)
    done = ssmkit(server, *command, path, "--prune", "--detailed-exitcode")
    # Nothing to create or update, one to delete: still a change, exit 3.
    assert done.returncode == 3, done.stderr
    assert "- delete ops-old" in done.stdout
    assert done.stderr == (
        "Plan: 0 to create, 0 to update, 2 unchanged, 1 to delete.\n"
    )
    again = ssmkit(server, *command, path, "--detailed-exitcode")
    assert again.returncode == 0, again.stderr


@pytest.mark.parametrize("command", [["associations", "plan"], ["plan"]])
@pytest.mark.parametrize(
    ("concurrency", "together"), [("1", False), ("2", True), ("256", True)]
)
def test_a_plan_reads_as_many_at_once_as_told(
    server: Server,
    boto: Any,
    tmp_path: Path,
    command: list[str],
    concurrency: str,
    together: bool,
) -> None:
    path = a_file(tmp_path, document())
    ssmkit(server, "associations", "apply", path, "--yes")
    # The first read is held: a second read under way with it comes meanwhile.
    another = held_for_another(server, "DescribeAssociation", 1)
    done = ssmkit(server, *command, path, "--concurrency", concurrency)
    assert done.returncode == 0, done.stderr
    assert another.is_set() == together


@pytest.mark.parametrize(
    "command",
    [["plan"], ["apply", "--yes"], ["associations", "plan"], ["associations", "apply"]],
)
def test_a_file_that_cannot_be_planned_is_refused_word_for_word(
    server: Server, boto: Any, tmp_path: Path, command: list[str]
) -> None:
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    missing = tmp_path / "missing.yaml"
    text = tmp_path / "ssm.txt"
    text.write_text("Associations: []\n")
    good = a_file(tmp_path, document())
    for args, said in (
        ([str(folder)], f"{folder} is a directory, not a file"),
        ([str(missing)], f"{missing}: no such file"),
        ([str(text)], f"FILE: {text}: expected a .yaml, .yml or .json file"),
        (
            [good, "--concurrency", "257"],
            "--concurrency: must be a whole number from 1 to 256, got 257",
        ),
    ):
        done = ssmkit(server, *command, *args)
        assert (done.returncode, done.stdout, done.stderr) == (
            2,
            "",
            f"ssmkit: error: {said}\n",
        ), args
    assert written(server) == []


def test_a_conflict_is_exit_1(server: Server, boto: Any, tmp_path: Path) -> None:
    content = document()
    ssmkit(server, "associations", "apply", a_file(tmp_path, content), "--yes")
    content["Associations"][1]["ScheduleExpression"] = "rate(2 days)"
    # Another writer's version lands first: the write is refused as stale.
    server.stand_in.fail_next("UpdateAssociation", "InvalidAssociationVersion")
    done = ssmkit(server, "associations", "apply", a_file(tmp_path, content), "--yes")
    assert done.returncode == 1, done.stderr
    assert "conflict" in done.stdout
    assert "1 unchanged and 1 conflict." in done.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Associations: [\n", "malformed YAML"),
        (
            "Associations:\n  - Name: AWS-RunShellScript\n",
            "AssociationName is required",
        ),
        ("Prune: {NamePrefix: ''}\nAssociations: []\n", "Prune: expected NamePrefix"),
    ],
)
def test_a_bad_file_is_exit_2_without_a_traceback(
    server: Server, boto: Any, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    for command in (["plan"], ["apply", "--yes"]):
        done = ssmkit(server, "associations", *command, str(path))
        assert done.returncode == 2, done.stderr
        assert message in done.stderr
        assert "Traceback" not in done.stderr
    assert written(server) == []


def test_bad_paths_and_options_are_exit_2(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    no_scope = {"Associations": document()["Associations"]}
    for args, message in (
        (["plan", str(tmp_path / "missing.yaml")], "no such file"),
        (["plan", str(tmp_path)], "expected a .yaml"),
        (
            ["apply", a_file(tmp_path, no_scope, "n.yml"), "--prune"],
            "pruning needs a scope",
        ),
        (["apply", a_file(tmp_path, document()), "--concurrency", "0"], "concurrency"),
        (["export", "-o", str(tmp_path / "live.txt")], "expected a .yaml"),
    ):
        done = ssmkit(server, "associations", *args)
        assert done.returncode == 2, (args, done.stderr)
        assert message in done.stderr
        assert "Traceback" not in done.stderr


def test_a_long_plan_into_a_closed_pipe_ends_quietly(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    many = {
        "Associations": [
            {
                "AssociationName": f"many-{i:03d}",
                "Name": "AWS-RunShellScript",
                "Parameters": {"commands": [f"echo {i}"]},
            }
            for i in range(200)
        ]
    }
    process = subprocess.Popen(
        argv(server, "associations", "plan", a_file(tmp_path, many)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=command_env(),
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith(b"+ create many-000")
    process.stdout.close()  # as `| head -1` does
    assert process.wait(timeout=120) == 0
    assert process.stderr is not None
    with process.stderr:
        assert b"Traceback" not in process.stderr.read()


def test_a_write_cut_off_by_a_closed_stdout_does_not_succeed(
    server: Server, tmp_path: Path
) -> None:
    many = {
        "Associations": [
            {
                "AssociationName": f"cut-{i:03d}",
                "Name": "AWS-RunShellScript",
                "Parameters": {"commands": [f"echo {i}"]},
            }
            for i in range(50)
        ]
    }
    process = subprocess.Popen(
        argv(server, "associations", "apply", a_file(tmp_path, many), "--yes"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=command_env(),
    )
    assert process.stdout is not None
    process.stdout.readline()
    process.stdout.close()  # as `| head -1` does, or `| true`
    assert process.wait(timeout=120) == 1
    assert process.stderr is not None
    with process.stderr:
        err = process.stderr.read()
    assert b"Traceback" not in err
    assert b"stdout was closed before the command ended" in err
