"""``ssmkit associations`` list, versions, runs, create and delete, word for word."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from .command import run_command
from .standin import no_associations, server_client
from .test_cli import argv, command_env, ssmkit

if TYPE_CHECKING:
    from ssmkit.testing.server import Server

RUN = "AWS-RunShellScript"
SECRET = "echo hunter2"
NODES = [{"Key": "InstanceIds", "Values": ["i-1", "i-2"]}]


@pytest.fixture
def boto(server: Server) -> Any:
    client = server_client(server)
    no_associations(client)
    server.stand_in.requests.clear()
    server.stand_in.fail_runs([])
    return client


def cells(text: str) -> list[list[str]]:
    """A table's header and rows, each a list of its cells' text."""
    return [
        [cell.strip() for cell in line[1:-1].split(line[0])]
        for line in text.splitlines()
        if line[:1] in ("┃", "│")
    ]


def _stamp(value: Any) -> str:
    return str(value.isoformat())


def _two_versions(boto: Any) -> str:
    """An association written twice, whose runs fail on i-2."""
    request = {
        "Name": RUN,
        "AssociationName": "ops",
        "Parameters": {"commands": [SECRET]},
        "Targets": NODES,
        "ScheduleExpression": "rate(1 day)",
    }
    created = boto.create_association(**request)["AssociationDescription"]
    association_id = str(created["AssociationId"])
    boto.update_association(
        AssociationId=association_id,
        **{**request, "ScheduleExpression": "rate(2 days)"},
    )
    return association_id


def test_associations_are_listed_with_their_version_schedule_and_status(
    server: Server, boto: Any
) -> None:
    server.stand_in.fail_runs(["i-2"])
    association_id = _two_versions(boto)
    done = ssmkit(server, "associations", "list")
    assert done.returncode == 0, done.stderr
    assert cells(done.stdout) == [
        ["association id", "name", "association name", "version", "schedule", "status"],
        [association_id, RUN, "ops", "2", "rate(2 days)", "Failed"],
    ]
    assert done.stderr == ""
    listed = ssmkit(server, "--output", "json", "associations", "list")
    [item] = json.loads(listed.stdout)["Associations"]
    assert item["AssociationId"] == association_id
    assert SECRET not in listed.stdout
    no_associations(boto)
    empty = ssmkit(server, "associations", "list")
    assert (empty.returncode, empty.stdout, empty.stderr) == (0, "", "None found.\n")


def test_versions_are_listed_newest_first(server: Server, boto: Any) -> None:
    association_id = _two_versions(boto)
    made = {
        v["AssociationVersion"]: _stamp(v["CreatedDate"])
        for v in boto.list_association_versions(AssociationId=association_id)[
            "AssociationVersions"
        ]
    }
    done = ssmkit(server, "associations", "versions", association_id)
    assert done.returncode == 0, done.stderr
    assert cells(done.stdout) == [
        ["version", "created", "name", "association name", "schedule"],
        ["2", made["2"], RUN, "ops", "rate(2 days)"],
        ["1", made["1"], RUN, "ops", "rate(1 day)"],
    ]
    # Too narrow for the table: a block for each version, headed by its number.
    narrow = run_command(
        argv(server, "associations", "versions", association_id),
        stdin="",
        env={**command_env(), "COLUMNS": "40"},
        timeout=60,
    )
    assert narrow.stdout.splitlines()[:7] == [
        "version 2",
        f"  created:          {made['2']}",
        f"  name:             {RUN}",
        "  association name: ops",
        "  schedule:         rate(2 days)",
        "",
        "version 1",
    ]
    # Each version's parameters are secret: masked in the JSON too.
    as_json = ssmkit(
        server, "--output", "json", "associations", "versions", association_id
    )
    assert as_json.returncode == 0, as_json.stderr
    assert SECRET.split()[1] not in as_json.stdout
    versions = json.loads(as_json.stdout)["AssociationVersions"]
    assert [v["Parameters"] for v in versions] == [{"commands": "<sensitive>"}] * 2


def test_runs_are_listed_and_the_targets_of_one(server: Server, boto: Any) -> None:
    server.stand_in.fail_runs(["i-2"])
    association_id = _two_versions(boto)
    executions = boto.describe_association_executions(AssociationId=association_id)[
        "AssociationExecutions"
    ]
    by_version = {e["AssociationVersion"]: e for e in executions}
    done = ssmkit(server, "associations", "runs", association_id)
    assert done.returncode == 0, done.stderr
    assert cells(done.stdout) == [
        ["run id", "version", "status", "started", "targets"],
        *(
            [
                by_version[v]["ExecutionId"],
                v,
                "Failed",
                _stamp(by_version[v]["CreatedTime"]),
                "{Failed=1, Success=1}",
            ]
            for v in ("2", "1")
        ),
    ]
    for version, args in (("2", []), ("1", ["--version", "1"])):
        run_id = by_version[version]["ExecutionId"]
        targets = ssmkit(
            server, "associations", "runs", association_id, "--targets", *args
        )
        assert targets.returncode == 0, targets.stderr
        heading, *table = targets.stdout.splitlines()
        assert heading == f"Run {run_id} of version {version}: Failed"
        ran = _stamp(
            boto.describe_association_execution_targets(
                AssociationId=association_id, ExecutionId=run_id
            )["AssociationExecutionTargets"][0]["LastExecutionDate"]
        )
        assert cells("\n".join(table)) == [
            ["target", "type", "status", "detail", "ran"],
            ["i-1", "ManagedInstance", "Success", "Success", ran],
            ["i-2", "ManagedInstance", "Failed", "Failed", ran],
        ]
    listed = ssmkit(
        server,
        "--output",
        "json",
        "associations",
        "runs",
        association_id,
        "--version",
        "1",
    )
    assert [
        e["ExecutionId"] for e in json.loads(listed.stdout)["AssociationExecutions"]
    ] == [by_version["1"]["ExecutionId"]]
    none = ssmkit(
        server, "associations", "runs", association_id, "--targets", "--version", "3"
    )
    assert (none.returncode, none.stdout) == (1, "")
    assert none.stderr == (
        f"ssmkit: error: association {association_id} has no run of version 3 yet\n"
    )
    # One that runs only on its schedule has not run at all yet.
    waiting = boto.create_association(
        Name=RUN,
        Targets=NODES,
        ScheduleExpression="cron(0 2 ? * SUN *)",
        ApplyOnlyAtCronInterval=True,
    )["AssociationDescription"]["AssociationId"]
    never = ssmkit(server, "associations", "runs", waiting, "--targets")
    assert (never.returncode, never.stdout) == (1, "")
    assert never.stderr == f"ssmkit: error: association {waiting} has no run yet\n"


def test_a_creation_shows_what_it_would_write_and_asks(
    server: Server, boto: Any
) -> None:
    given = [
        "--set",
        f"name={RUN}",
        "--set",
        "association_name=made",
        "--set",
        'parameters={"commands": ["echo s3cret"]}',
    ]
    shown = (
        "Create association made:\n"
        '  + name: "AWS-RunShellScript"\n'
        "  + parameters.commands: <sensitive>\n"
        '  + association_name: "made"\n'
    )
    dry = ssmkit(server, "associations", "create", *given, "--dry-run")
    assert (dry.returncode, dry.stdout, dry.stderr) == (0, shown, "")
    declined = ssmkit(server, "associations", "create", *given, stdin="n\n")
    assert (declined.returncode, declined.stdout) == (1, shown)
    assert declined.stderr == (
        "Create association made? Once written, it runs at once on its targets. "
        "[y/N] Nothing created.\n"
    )
    as_json = ssmkit(
        server, "--output", "json", "associations", "create", *given, stdin="n\n"
    )
    assert json.loads(as_json.stdout) == {"AssociationDescription": None}
    assert as_json.stderr.startswith(shown)
    on_schedule = ssmkit(
        server,
        "associations",
        "create",
        *given,
        "--set",
        "schedule_expression=cron(0 2 ? * SUN *)",
        "--set",
        "apply_only_at_cron_interval=true",
        stdin="n\n",
    )
    assert on_schedule.stderr == "Create association made? [y/N] Nothing created.\n"
    assert server.stand_in.operations == []
    made = ssmkit(server, "--output", "json", "associations", "create", *given, "--yes")
    assert made.returncode == 0, made.stderr
    description = json.loads(made.stdout)["AssociationDescription"]
    association_id = description["AssociationId"]
    assert made.stderr == f"{shown}Created association {association_id}.\n"
    assert description["Parameters"] == {"commands": "<sensitive>"}
    stored = boto.describe_association(AssociationId=association_id)
    assert stored["AssociationDescription"]["Parameters"] == {
        "commands": ["echo s3cret"]
    }


def test_a_deletion_names_what_it_deletes_and_asks(server: Server, boto: Any) -> None:
    association_id = _two_versions(boto)
    title = f"association {association_id} (ops)"
    declined = ssmkit(server, "associations", "delete", association_id, stdin="n\n")
    assert (declined.returncode, declined.stdout) == (1, "")
    assert declined.stderr == f"Delete {title}? [y/N] Nothing deleted.\n"
    as_json = ssmkit(
        server,
        "--output",
        "json",
        "associations",
        "delete",
        association_id,
        stdin="n\n",
    )
    assert json.loads(as_json.stdout) == {"Deleted": None}
    assert boto.list_associations()["Associations"] != []
    deleted = ssmkit(
        server, "--output", "json", "associations", "delete", association_id, "--yes"
    )
    assert deleted.returncode == 0, deleted.stderr
    assert json.loads(deleted.stdout) == {"Deleted": association_id}
    assert deleted.stderr == f"Deleted {title}.\n"
    assert boto.list_associations()["Associations"] == []
    unnamed = boto.create_association(Name=RUN)["AssociationDescription"]
    gone = ssmkit(server, "associations", "delete", unnamed["AssociationId"], "--yes")
    assert gone.stderr == f"Deleted association {unnamed['AssociationId']} ({RUN}).\n"


# -- associations update --wait ---------------------------------------------------


def _waiting(boto: Any, server: Server) -> str:
    """An association on two nodes whose runs take a moment."""
    association_id = str(
        boto.create_association(
            Name=RUN, Targets=NODES, Parameters={"commands": ["uptime"]}
        )["AssociationDescription"]["AssociationId"]
    )
    server.stand_in.requests.clear()
    return association_id


def _runs_of(boto: Any, association_id: str) -> dict[str, str]:
    """Each run's execution id, by the version it ran."""
    found = boto.describe_association_executions(AssociationId=association_id)
    return {
        run["AssociationVersion"]: run["ExecutionId"]
        for run in found["AssociationExecutions"]
    }


def _update_argv(
    server: Server, association_id: str, *options: str, json_output: bool = False
) -> list[str]:
    return argv(
        server,
        *(["--output", "json"] if json_output else []),
        "associations",
        "update",
        association_id,
        "--set",
        "max_errors=2",
        "--wait",
        "--yes",
        *options,
    )


def _update(
    server: Server, association_id: str, *options: str, json_output: bool = False
) -> Any:
    command = _update_argv(server, association_id, *options, json_output=json_output)
    return run_command(command, stdin="", env=command_env(), timeout=120)


def test_an_update_that_waits_says_how_its_run_went(server: Server, boto: Any) -> None:
    association_id = _waiting(boto, server)
    server.stand_in.set_run_duration(0.3)
    try:
        fine = _update(server, association_id)
        server.stand_in.fail_runs(["i-2"])
        failed = ssmkit(
            server,
            "associations",
            "update",
            association_id,
            "--set",
            "max_errors=3",
            "--wait",
            "--yes",
        )
    finally:
        server.stand_in.set_run_duration(0)
    runs = _runs_of(boto, association_id)
    assert fine.returncode == 0, fine.stderr
    assert fine.stderr == (
        f"Updated association {association_id} to version 2.\n"
        f"Run {runs['2']} of version 2: Success.\n"
    )
    # The run of the version written, read until it ended, then its targets:
    # no other read of the association.
    operations = server.stand_in.operations
    first = operations[: operations.index("DescribeAssociationExecutionTargets") + 1]
    assert first[:3] == ["DescribeAssociation"] * 2 + ["UpdateAssociation"]
    assert set(first[3:-1]) == {"DescribeAssociationExecutions"}
    assert failed.returncode == 1
    assert failed.stderr.endswith(
        f"Updated association {association_id} to version 3.\n"
        f"Run {runs['3']} of version 3: Failed, 1 target of 2 failed.\n"
        "  i-2: Failed\n"
    )


def test_an_update_whose_wait_ends_early_still_says_what_it_wrote(
    server: Server, boto: Any
) -> None:
    from .test_cli_interrupts import CtrlC

    association_id = _waiting(boto, server)
    server.stand_in.set_run_duration(30)
    try:
        slow = _update(server, association_id, "--timeout", "0.5", json_output=True)
        deleted = _waiting(boto, server)
        server.stand_in.before(
            "DescribeAssociationExecutions",
            lambda _: boto.delete_association(AssociationId=deleted),
        )
        gone = _update(server, deleted, json_output=True)
        third = _waiting(boto, server)
        press = CtrlC(server, "DescribeAssociationExecutions", 2, until_exit=True)
        status, err = press.run(
            _update_argv(server, third, "--timeout", "20", json_output=True)
        )
    finally:
        server.stand_in.set_run_duration(0)
    # Out of time: the run as last read, still going.
    assert slow.returncode == 1
    assert slow.stderr.endswith(
        f"Updated association {association_id} to version 2.\n"
        f"ssmkit: error: association {association_id} version 2: its run: did "
        "not finish within 0.5 s (last seen: Pending)\n"
    ) or slow.stderr.endswith("(last seen: InProgress)\n")
    run = json.loads(slow.stdout)["run"]
    assert run["association_version"] == "2"
    assert run["status"] in ("Pending", "InProgress")
    assert run["execution_id"] == _runs_of(boto, association_id)["2"]
    # Deleted before its run was read: the write is still said, its run never seen.
    assert gone.returncode == 1
    assert gone.stderr.endswith(
        f"Updated association {deleted} to version 2.\n"
        "ssmkit: error: DescribeAssociationExecutions: AssociationDoesNotExist: "
        "The specified association doesn't exist.\n"
    )
    written = json.loads(gone.stdout)
    assert written["written"] is True
    assert written["run"] == {
        "association_id": deleted,
        "association_version": "2",
        "detailed_status": None,
        "execution_id": "",
        "finished": None,
        "started": None,
        "status": "Pending",
        "succeeded": False,
        "target_counts": {},
        "targets": [],
    }
    # Ctrl-C while it waits: the run goes on; the JSON has it as last read.
    assert status == 130, err
    assert err.endswith(
        f"Updated association {third} to version 2.\n"
        "Interrupted: the run goes on; not waiting for it.\n"
    )
    shown = json.loads(press.out)
    assert shown["written"] is True
    assert shown["run"]["execution_id"] == _runs_of(boto, third)["2"]
    assert shown["run"]["status"] in ("Pending", "InProgress")


def test_an_update_whose_wait_ends_before_or_after_a_first_read(
    server: Server, boto: Any
) -> None:
    from .test_cli_interrupts import CtrlC

    server.stand_in.set_run_duration(30)
    try:
        # Ctrl-C before the run was read once: no run to show.
        first = _waiting(boto, server)
        press = CtrlC(server, "DescribeAssociationExecutions", 1, until_exit=True)
        status, err = press.run(_update_argv(server, first, json_output=True))
        # Deleted after its run was read once: the run as read then.
        second = _waiting(boto, server)
        reads = []

        def delete_on_the_second_read(_: object) -> None:
            reads.append(1)
            if len(reads) == 2:
                boto.delete_association(AssociationId=second)

        server.stand_in.before(
            "DescribeAssociationExecutions", delete_on_the_second_read, times=2
        )
        gone = _update(server, second, json_output=True)
    finally:
        server.stand_in.set_run_duration(0)
    assert status == 130, err
    assert err.endswith("Interrupted: the run goes on; not waiting for it.\n")
    shown = json.loads(press.out)
    assert (shown["written"], shown["run"]) == (True, None)
    assert gone.returncode == 1
    run = json.loads(gone.stdout)["run"]
    assert run["association_version"] == "2"
    assert run["status"] in ("Pending", "InProgress")
    assert run["execution_id"]


def test_an_update_that_waits_on_a_terminal_says_so_as_it_waits(
    server: Server, boto: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    association_id = _waiting(boto, server)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    server.stand_in.set_run_duration(0.3)
    try:
        done = _update(server, association_id)
    finally:
        server.stand_in.set_run_duration(0)
    assert done.returncode == 0, done.stderr
    assert "Waiting for the run of version 2..." in done.stderr


def test_an_update_that_loses_its_race_says_nothing_was_written(
    server: Server, boto: Any
) -> None:
    association_id = _waiting(boto, server)
    told = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        "max_errors=2",
        "--expected-version",
        "7",
        "--yes",
    )
    assert (told.returncode, told.stdout) == (1, "")
    assert told.stderr == (
        "ssmkit: error: expected version 7, found 1: nothing was written; "
        "run again to see the new plan\n"
    )
    # Another writer wins the race: the write is made at the version planned,
    # which the command showed, so it is not tried again.
    server.stand_in.fail_next("UpdateAssociation", "InvalidAssociationVersion")
    raced = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        "max_errors=2",
        "--yes",
    )
    assert raced.returncode == 1
    assert server.stand_in.operations.count("UpdateAssociation") == 1
    assert raced.stderr == (
        "ssmkit: error: version 1 was replaced by another writer: nothing was "
        "written; run again to see the new plan\n"
    )
    assert (
        boto.describe_association(AssociationId=association_id)[
            "AssociationDescription"
        ]["AssociationVersion"]
        == "1"
    )
    missing = ssmkit(
        server,
        "associations",
        "update",
        "00000000-0000-0000-0000-000000000000",
        "--set",
        "max_errors=2",
        "--yes",
    )
    assert (missing.returncode, missing.stdout) == (1, "")
    assert missing.stderr == (
        "ssmkit: error: DescribeAssociation: AssociationDoesNotExist: "
        "The specified association doesn't exist.\n"
    )


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (["--set", "name"], "--set 'name': expected PATH=VALUE"),
        ([], "nothing to create: give --from FILE or --set MEMBER=VALUE"),
        (
            ["--set", "apply_only_at_cron_interval=maybe"],
            "apply_only_at_cron_interval: must be true or false, got 'maybe'",
        ),
        (
            ["--from", "{file}"],
            "CreateAssociation has no member Another, Bogus",
        ),
        (
            [
                "--set",
                f"name={RUN}",
                "--set",
                'parameters={"commands": "<sensitive>", "dir": "<sensitive>"}',
            ],
            "parameters.commands: holds the placeholder <sensitive> and there is no "
            "live association to keep a value from: write the value; parameters.dir: "
            "holds the placeholder <sensitive> and there is no live association to "
            "keep a value from: write the value",
        ),
        (
            [
                "--set",
                f"name={RUN}",
                "--set",
                "association_name=a b",
                "--set",
                "schedule_expression=every day",
            ],
            "association_name: must match the pattern ^[a-zA-Z0-9_\\-.]{3,128}$ "
            "(got 'a b'); schedule_expression: 'every day' is not a schedule: "
            "expected cron(...), rate(...) or at(...)",
        ),
    ],
)
def test_a_creation_is_refused_before_any_call(
    server: Server, boto: Any, tmp_path: Any, given: list[str], said: str
) -> None:
    file = tmp_path / "entry.json"
    file.write_text(json.dumps({"Name": RUN, "Bogus": 1, "Another": 2}))
    given = [str(file) if g == "{file}" else g for g in given]
    refused = ssmkit(server, "associations", "create", *given)
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == f"ssmkit: error: {said}\n"
    assert server.stand_in.operations == []


def test_a_creation_named_by_its_document_takes_values_holding_equals_signs(
    server: Server, boto: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = ["--set", f"name={RUN}", "--set", 'parameters.commands=["x=1"]']
    shown = ssmkit(
        server, "--show-sensitive", "associations", "create", *given, "--dry-run"
    )
    assert (shown.returncode, shown.stderr) == (0, "")
    assert shown.stdout == (
        f"Create association {RUN}:\n"
        f'  + name: "{RUN}"\n'
        '  + parameters.commands: ["x=1"]\n'
    )
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    made = ssmkit(server, "associations", "create", *given, "--yes")
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"\x1b[1mCreate association {RUN}:\x1b[0m\n")
    [association] = boto.list_associations()["Associations"]
    stored = boto.describe_association(AssociationId=association["AssociationId"])
    assert stored["AssociationDescription"]["Parameters"] == {"commands": ["x=1"]}


def test_a_listing_takes_filters_and_says_what_the_service_refused(
    server: Server, boto: Any
) -> None:
    for name, document in (("ops", RUN), ("inv", "AWS-GatherSoftwareInventory")):
        boto.create_association(Name=document, AssociationName=name, Targets=NODES)
    listed = ssmkit(
        server,
        "--output",
        "json",
        "associations",
        "list",
        "--name",
        "AWS-GatherSoftwareInventory",
    )
    assert listed.returncode == 0, listed.stderr
    found = json.loads(listed.stdout)["Associations"]
    assert [a["AssociationName"] for a in found] == ["inv"]
    assert server.stand_in.requests_for("ListAssociations")[-1][
        "AssociationFilterList"
    ] == [{"key": "Name", "value": "AWS-GatherSoftwareInventory"}]
    server.stand_in.fail_next(
        "ListAssociations", "AccessDeniedException", message="not allowed here"
    )
    refused = ssmkit(server, "associations", "list")
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr == (
        "ssmkit: error: ListAssociations: AccessDeniedException: not allowed here\n"
    )


def test_an_update_waits_only_when_told_and_only_for_a_run_it_started(
    server: Server, boto: Any
) -> None:
    association_id = _waiting(boto, server)
    unwaited = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        "max_errors=2",
        "--yes",
    )
    assert unwaited.returncode == 0, unwaited.stderr
    assert unwaited.stderr == f"Updated association {association_id} to version 2.\n"
    assert server.stand_in.operations == [
        "DescribeAssociation",
        "DescribeAssociation",
        "UpdateAssociation",
    ]
    # Already so: nothing written, so no run to wait for.
    server.stand_in.requests.clear()
    same = _update(server, association_id)
    assert same.returncode == 0, same.stderr
    assert "DescribeAssociationExecutions" not in server.stand_in.operations
    assert "Waiting" not in same.stderr
    # One that runs only on its schedule: written, and nothing runs now.
    scheduled = str(
        boto.create_association(
            Name=RUN,
            Targets=NODES,
            ScheduleExpression="cron(0 2 ? * SUN *)",
            ApplyOnlyAtCronInterval=True,
        )["AssociationDescription"]["AssociationId"]
    )
    server.stand_in.requests.clear()
    later = _update(server, scheduled)
    assert later.returncode == 0, later.stderr
    assert later.stderr == (
        f"Updated association {scheduled} to version 2.\n"
        "It runs on its schedule (apply_only_at_cron_interval): "
        "no run to wait for now.\n"
    )
    assert "DescribeAssociationExecutions" not in server.stand_in.operations
