"""``ssmkit associations runs``: an association's runs and a run's targets."""

from __future__ import annotations

import json
import subprocess
import time
from typing import TYPE_CHECKING, Any

import pytest

from . import command as command_module
from .command import HeldFor, run_command, run_interrupted
from .standin import server_client
from .test_cli import argv, command_env, ssmkit
from .test_cli_associations import cells

if TYPE_CHECKING:
    from ssmkit.testing.server import Server

NODES = ["i-0aaaaaaaaaaaaaaa1", "i-0aaaaaaaaaaaaaaa2"]


@pytest.fixture
def boto(server: Server) -> Any:
    server.stand_in.requests.clear()
    return server_client(server)


def test_runs_newest_first_and_the_targets_of_one(server: Server, boto: Any) -> None:
    association_id = boto.create_association(
        Name="AWS-RunShellScript",
        Targets=[{"Key": "InstanceIds", "Values": NODES}],
        Parameters={"commands": ["uptime"]},
    )["AssociationDescription"]["AssociationId"]
    server.stand_in.fail_runs([NODES[1]])
    server.stand_in.set_run_duration(30)
    try:
        boto.update_association(
            AssociationId=association_id,
            Name="AWS-RunShellScript",
            Targets=[{"Key": "InstanceIds", "Values": NODES}],
            MaxErrors="1",
        )
        listed = ssmkit(
            server, "--output", "json", "associations", "runs", association_id
        )
        assert listed.returncode == 0, listed.stderr
        runs = json.loads(listed.stdout)["AssociationExecutions"]
        assert [(r["AssociationVersion"], r["Status"]) for r in runs] == [
            ("2", "Pending"),
            ("1", "Success"),
        ]
        table = ssmkit(server, "associations", "runs", association_id)
        assert runs[0]["ExecutionId"] in table.stdout
        assert runs[1]["ExecutionId"] in table.stdout
        first = ssmkit(
            server,
            "associations",
            "runs",
            association_id,
            "--targets",
            "--version",
            "1",
        )
        assert first.returncode == 0, first.stderr
        assert f"Run {runs[1]['ExecutionId']} of version 1: Success" in first.stdout
        assert all(node in first.stdout for node in NODES)
    finally:
        server.stand_in.set_run_duration(0)
        server.stand_in.fail_runs([])
    time.sleep(0.1)
    newest = ssmkit(
        server, "--output", "json", "associations", "runs", association_id, "--targets"
    )
    targets = json.loads(newest.stdout)["AssociationExecutionTargets"]
    assert {t["ResourceId"]: t["Status"] for t in targets} == dict.fromkeys(
        NODES, "Pending"
    )


def _one_node_each(boto: Any, tmp_path: Any, nodes: list[int]) -> tuple[list[str], Any]:
    """An association on each of ``NODES[n]``, in order; their ids, in a file."""
    ids = [
        boto.create_association(
            Name="AWS-RunShellScript",
            Targets=[{"Key": "InstanceIds", "Values": [NODES[n]]}],
            Parameters={"commands": ["uptime"]},
        )["AssociationDescription"]["AssociationId"]
        for n in nodes
    ]
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(ids))
    return ids, ids_file


def _canary_rollout(
    server: Server, ids_file: Any, concurrency: str, *extra: str
) -> Any:
    """``bulk-update``, a canary first, no failed run allowed; node 2's runs fail."""
    server.stand_in.fail_runs([NODES[1]])
    server.stand_in.set_run_duration(0.3)
    try:
        return ssmkit(
            server,
            "associations",
            "bulk-update",
            "--ids-from",
            str(ids_file),
            "--set",
            "max_errors=2",
            "--wait",
            "--canary",
            "1",
            "--max-failed-runs",
            "0",
            "--concurrency",
            concurrency,
            *extra,
            "--yes",
        )
    finally:
        server.stand_in.set_run_duration(0)
        server.stand_in.fail_runs([])


def test_bulk_update_waits_and_stops_a_rollout_at_the_first_failure(
    server: Server, boto: Any, tmp_path: Any
) -> None:
    ids, ids_file = _one_node_each(boto, tmp_path, [0, 1, 0, 0])
    report = tmp_path / "report.jsonl"
    result = _canary_rollout(server, ids_file, "1", "--report", str(report))
    assert result.returncode == 1, result.stderr
    # Stopped by the failed run, which the summary counts, not by Ctrl-C.
    assert "2 changed; 1 run failed or did not end in time.\n" in result.stderr
    assert "interrupted" not in result.stderr
    assert (
        "Stopped: 1 target failed, more than --max-failed-runs 0; 2 never started "
        "(a rerun with this --report goes on from there).\n"
    ) in result.stderr
    assert "Failed (1 target failed)" in result.stdout
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert [(line["association_id"], line["outcome"]) for line in lines] == [
        (ids[0], "changed"),
        (ids[1], "changed"),
        (ids[2], "not_started"),
        (ids[3], "not_started"),
    ]
    assert lines[1]["run"]["failed_targets"] == 1
    refused = ssmkit(
        server,
        "associations",
        "bulk-update",
        "--ids-from",
        str(ids_file),
        "--set",
        "max_errors=2",
        "--canary",
        "1",
        "--yes",
    )
    assert refused.returncode == 2
    assert "add --wait" in refused.stderr


def test_a_canary_whose_run_fails_stops_a_rollout_before_any_other_write(
    server: Server, boto: Any, tmp_path: Any
) -> None:
    # With four at a time, only the canary goes first: its failed run stops
    # the rest before any of them is written.
    ids, ids_file = _one_node_each(boto, tmp_path, [1, 0, 0, 0])
    result = _canary_rollout(server, ids_file, "4")
    assert result.returncode == 1, result.stderr
    # Without --report, nothing says a rerun goes on from there.
    assert result.stderr == (
        "1 changed; 1 run failed or did not end in time.\n"
        "Stopped: 1 target failed, more than --max-failed-runs 0; "
        "3 never started.\n"
    )
    versions = [
        boto.describe_association(AssociationId=i)["AssociationDescription"][
            "AssociationVersion"
        ]
        for i in ids
    ]
    assert versions == ["2", "1", "1", "1"]
    # Those never started are not rows.
    assert [row[:2] for row in cells(result.stdout)[1:]] == [[ids[0], "changed"]]


def test_update_waits_for_its_run_and_says_how_it_went(
    server: Server, boto: Any
) -> None:
    association_id = boto.create_association(
        Name="AWS-RunShellScript",
        Targets=[{"Key": "InstanceIds", "Values": NODES}],
        Parameters={"commands": ["uptime"]},
    )["AssociationDescription"]["AssociationId"]
    server.stand_in.set_run_duration(0.3)
    try:
        fine = ssmkit(
            server,
            "--output",
            "json",
            "associations",
            "update",
            association_id,
            "--set",
            "max_errors=2",
            "--wait",
            "--yes",
        )
        assert fine.returncode == 0, fine.stderr
        run = json.loads(fine.stdout)["run"]
        assert (run["association_version"], run["status"]) == ("2", "Success")
        server.stand_in.fail_runs([NODES[0]])
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
        assert failed.returncode == 1
        assert "of version 3: Failed, 1 target of 2 failed." in failed.stderr
        assert f"  {NODES[0]}: Failed" in failed.stderr
        server.stand_in.set_run_duration(30)
        slow = ssmkit(
            server,
            "associations",
            "update",
            association_id,
            "--set",
            "max_errors=4",
            "--wait",
            "--timeout",
            "0.5",
            "--yes",
        )
        assert slow.returncode == 1
        assert "did not finish within 0.5 s" in slow.stderr
    finally:
        server.stand_in.set_run_duration(0)
        server.stand_in.fail_runs([])


def test_apply_waits_and_stops_a_rollout_at_the_first_failure(
    server: Server, boto: Any, tmp_path: Any
) -> None:
    prefix = f"roll-{time.monotonic_ns()}"
    entries = [
        {
            "AssociationName": f"{prefix}-{n}",
            "Name": "AWS-RunShellScript",
            "Targets": [{"Key": "InstanceIds", "Values": [node]}],
            "Parameters": {"commands": ["uptime"]},
        }
        for n, node in enumerate([NODES[0], NODES[1], NODES[0]])
    ]
    # Already as the file says: the stopped rollout leaves it unchanged.
    kept = {**entries[0], "AssociationName": f"{prefix}-kept"}
    boto.create_association(**kept)
    entries.append(kept)
    file = tmp_path / "rollout.json"
    file.write_text(json.dumps({"Associations": entries}))
    report = tmp_path / "report.jsonl"
    server.stand_in.fail_runs([NODES[1]])
    server.stand_in.set_run_duration(0.3)
    try:
        result = ssmkit(
            server,
            "--output",
            "json",
            "associations",
            "apply",
            str(file),
            "--wait",
            "--canary",
            "1",
            "--max-failed-runs",
            "0",
            "--concurrency",
            "1",
            "--report",
            str(report),
            "--yes",
        )
    finally:
        server.stand_in.set_run_duration(0)
        server.stand_in.fail_runs([])
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert [(r["name"], r["outcome"]) for r in data["results"]] == [
        (f"{prefix}-0", "created"),
        (f"{prefix}-1", "created"),
        (f"{prefix}-2", "not_started"),
        (f"{prefix}-kept", "unchanged"),
    ]
    assert [r.get("run", {}).get("status") for r in data["results"]] == [
        "Success",
        "Failed",
        None,
        None,
    ]
    assert data["counts"]["not_started"] == 1
    assert data["counts"]["unchanged"] == 1
    assert "; 1 never started" in result.stderr
    assert "Stopped: 1 target failed, more than --max-failed-runs 0" in result.stderr
    live = {
        a["AssociationName"]
        for page in boto.get_paginator("list_associations").paginate()
        for a in page["Associations"]
        if a.get("AssociationName", "").startswith(prefix)
    }
    assert live == {f"{prefix}-0", f"{prefix}-1", f"{prefix}-kept"}
    # The report names the one never started, a create with no id yet; the
    # same file applied again with the same report goes on from there.
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert (f"{prefix}-2", None, "not_started") in [
        (line["name"], line["association_id"], line["outcome"]) for line in lines
    ]
    again = ssmkit(
        server, "associations", "apply", str(file), "--report", str(report), "--yes"
    )
    assert again.returncode == 0, again.stderr
    assert "1 created" in again.stderr
    # And once more, the line with no id now inside the report: nothing to do.
    third = ssmkit(
        server, "associations", "apply", str(file), "--report", str(report), "--yes"
    )
    assert third.returncode == 0, third.stderr
    assert "Nothing to do" in third.stderr


def test_ctrl_c_during_the_waits_ends_them_and_reports_what_ran(
    server: Server, boto: Any, tmp_path: Any
) -> None:
    ids = [
        boto.create_association(
            Name="AWS-RunShellScript",
            Targets=[{"Key": "InstanceIds", "Values": [NODES[0]]}],
            Parameters={"commands": ["uptime"]},
        )["AssociationDescription"]["AssociationId"]
        for _ in range(4)
    ]
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(ids))
    report = tmp_path / "report.jsonl"
    server.stand_in.set_run_duration(120)
    command = argv(
        server,
        "associations",
        "bulk-update",
        "--ids-from",
        str(ids_file),
        "--set",
        "max_errors=2",
        "--wait",
        "--concurrency",
        "2",
        "--report",
        str(report),
        "--yes",
    )
    # Both writes sent, and half a second for their waits to begin.
    waiting = HeldFor(
        lambda: server.stand_in.operations.count("UpdateAssociation") >= 2, 0.5
    )

    try:
        done = run_interrupted(command, ready=waiting, env=command_env(), timeout=60)
    finally:
        server.stand_in.set_run_duration(0)
    returncode, out, err = done.returncode, done.stdout, done.stderr
    # The waits ended at once: the runs take two minutes.
    assert waiting.since is not None
    assert time.monotonic() - waiting.since < 10
    assert returncode == 130, err
    assert "2 changed; interrupted" in err
    # Cut short by the Ctrl-C, not run out of time.
    assert out.count("Pending (wait cut short)") == 2, out
    assert "timed out" not in out
    # Stopped by the Ctrl-C, not by failed runs.
    assert "Stopped:" not in err
    assert ": 2 never started." in err
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    written = [line for line in lines if line["outcome"] == "changed"]
    assert sorted(line["association_id"] for line in written) == sorted(ids[:2])
    assert all(line["run"]["status"] == "Pending" for line in written)
    # Those never started are named too, after those that were.
    assert [(line["association_id"], line["outcome"]) for line in lines[2:]] == [
        (ids[2], "not_started"),
        (ids[3], "not_started"),
    ]


@pytest.mark.parametrize("how", ["bulk-update", "apply"])
@pytest.mark.parametrize(("columns", "lines"), [("80", "24"), ("40", "5")])
def test_the_runs_under_way_are_shown_live(
    server: Server, boto: Any, tmp_path: Any, columns: str, lines: str, how: str
) -> None:
    import re

    entries = [
        {
            "AssociationName": f"live-{how}-{columns}-{n}",
            "Name": "AWS-RunShellScript",
            "Targets": [{"Key": "InstanceIds", "Values": NODES}],
            "Parameters": {"commands": ["uptime"]},
        }
        for n in range(3)
    ]
    ids = [
        boto.create_association(**entry)["AssociationDescription"]["AssociationId"]
        for entry in entries
    ]
    server.stand_in.set_run_duration(2)
    server.stand_in.fail_runs([NODES[1]])
    if how == "apply":
        path = tmp_path / "ssm.json"
        path.write_text(
            json.dumps({"Associations": [{**e, "MaxErrors": "2"} for e in entries]})
        )
        command = argv(server, "associations", "apply", str(path), "--wait", "--yes")
    else:
        ids_file = tmp_path / "ids.txt"
        ids_file.write_text("\n".join(ids))
        command = argv(
            server,
            "associations",
            "bulk-update",
            "--ids-from",
            str(ids_file),
            "--set",
            "max_errors=2",
            "--wait",
            "--yes",
        )
    terminal = {"COLUMNS": columns, "LINES": lines, "TERM": "xterm"}
    try:
        if command_module.IN_PROCESS:
            # In the tests' process, a terminal as rich is told of one.
            done = run_command(
                command,
                stdin="",
                env={**command_env(), **terminal, "FORCE_COLOR": "1"},
                timeout=60,
            )
            returncode, shown = done.returncode, done.stderr.encode()
        else:
            returncode, shown = _on_a_terminal(command, terminal)
    finally:
        server.stand_in.set_run_duration(0)
        server.stand_in.fail_runs([])
    screen = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", shown).decode()
    assert returncode == 1, screen  # the runs failed on one node
    assert "Traceback" not in screen
    assert "Exception" not in screen
    if lines == "5":
        # No room for a line each: how many, on one line.
        assert "3 runs under way" in screen, screen
        return
    # While they ran: each association, whole on its line, with its targets.
    for association_id in ids:
        assert re.search(
            rf"{association_id}  v2   (pending|in progress) +targets: 2 "
            r"(pending|in progress)",
            screen,
        ), screen
    assert "runs: 3 in progress, 0 succeeded, 0 failed" in screen
    assert "runs: 0 in progress, 0 succeeded, 3 failed" in screen
    # The bar says what the command is doing.
    label = "applying" if how == "apply" else "updating"
    assert f"{label} " in screen, screen


def _on_a_terminal(command: list[str], terminal: dict[str, str]) -> tuple[int, bytes]:
    """``command`` run with a real terminal as its stderr: status, what it showed."""
    import os
    import pty

    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=follower,
            env={**command_env(), **terminal},
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the command has ended and closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        return process.wait(timeout=60), shown
    finally:
        os.close(leader)
