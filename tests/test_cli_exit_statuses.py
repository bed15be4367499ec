"""Each cell of the exit-status table in docs/guides/cli.md, run as it says.

The table is read from the guide: a status it lists with no case here, or a
case here for a status it does not list, fails the row.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from .command import run_command
from .standin import new_window, server_client
from .test_cli import FULL, argv, command_env

GUIDE = Path(__file__).parent.parent / "docs" / "guides" / "cli.md"

#: Well-formed ids that name nothing.
NO_ASSOCIATION = "00000000-0000-4000-8000-000000000000"
NO_WINDOW = "mw-0123456789abcdef0"


def documented() -> dict[str, dict[int, str]]:
    """The guide's table: each command's statuses, with what each means."""
    section = GUIDE.read_text(encoding="utf-8").split("## Exit statuses", 1)[1]
    header, *rows = [
        line
        for line in section.split("\n## ", 1)[0].splitlines()
        if line.startswith("|")
    ]
    statuses = [int(cell) for cell in re.findall(r"\|\s*(\d+)\s*", header)]
    table = {}
    for row in rows:
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        if set(cells[0]) <= {"-", " "}:
            continue  # the line under the header
        command = cells[0].strip("`")
        table[command] = {
            status: cell
            for status, cell in zip(statuses, cells[1:], strict=True)
            if cell
        }
    return table


class Case(NamedTuple):
    """One run: its arguments, what is typed, and what the service does."""

    args: tuple[str, ...]
    stdin: str = ""
    fail: str | None = None  # an operation the service refuses
    interrupt: str | None = None  # an operation during which Ctrl-C comes


def case(*args: str, **how: Any) -> Case:
    return Case(args, **how)


TARGETS = '[{"Key":"InstanceIds","Values":["i-1"]}]'

CASES: dict[str, dict[int, list[Case]]] = {
    "associations list": {
        0: [case("associations", "list")],
        1: [case("associations", "list", fail="ListAssociations")],
        2: [case("associations", "list", "--status")],
        130: [case("associations", "list", interrupt="ListAssociations")],
    },
    "associations show": {
        0: [case("associations", "show", "{aid}")],
        1: [case("associations", "show", NO_ASSOCIATION)],
        2: [case("associations", "show", "abc")],
        130: [case("associations", "show", "{aid}", interrupt="DescribeAssociation")],
    },
    "associations versions": {
        0: [case("associations", "versions", "{aid}")],
        1: [case("associations", "versions", NO_ASSOCIATION)],
        2: [case("associations", "versions", "12345")],
        130: [
            case(
                "associations", "versions", "{aid}", interrupt="ListAssociationVersions"
            )
        ],
    },
    "associations runs": {
        0: [
            case("associations", "runs", "{aid}"),
            case("associations", "runs", "{aid}", "--targets", "--version", "1"),
        ],
        1: [
            case("associations", "runs", NO_ASSOCIATION),
            case("associations", "runs", "{aid}", "--targets", "--version", "9"),
        ],
        2: [
            case("associations", "runs", "abc"),
            case("associations", "runs", "{aid}", "--version", "0"),
        ],
        130: [
            case(
                "associations",
                "runs",
                "{aid}",
                interrupt="DescribeAssociationExecutions",
            )
        ],
    },
    "associations create": {
        0: [
            case(
                "associations",
                "create",
                "--set",
                "name=AWS-RunShellScript",
                "--set",
                "targets={targets}",
                "--yes",
            ),
            case(
                "associations",
                "create",
                "--set",
                "name=AWS-RunShellScript",
                "--dry-run",
            ),
        ],
        1: [
            case(
                "associations",
                "create",
                "--set",
                "name=AWS-RunShellScript",
                stdin="n\n",
            ),
            case(
                "associations",
                "create",
                "--set",
                "name=AWS-RunShellScript",
                "--yes",
                fail="CreateAssociation",
            ),
        ],
        2: [
            case("associations", "create"),
            case("associations", "create", "--from", "{directory}"),
        ],
        130: [
            case(
                "associations",
                "create",
                "--set",
                "name=AWS-RunShellScript",
                "--yes",
                interrupt="CreateAssociation",
            ),
        ],
    },
    "associations update": {
        0: [
            case("associations", "update", "{aid}", "--set", "max_errors=5", "--yes"),
            case("associations", "update", "{aid}", "--set", "max_errors=1"),
            case(
                "associations", "update", "{aid}", "--set", "max_errors=5", "--dry-run"
            ),
        ],
        1: [
            case(
                "associations", "update", "{aid}", "--set", "max_errors=5", stdin="n\n"
            ),
            case(
                "associations",
                "update",
                "{aid}",
                "--set",
                "max_errors=5",
                "--expected-version",
                "7",
                "--yes",
            ),
            case(
                "associations",
                "update",
                "{aid}",
                "--set",
                "max_errors=5",
                "--yes",
                fail="UpdateAssociation",
            ),
        ],
        2: [
            case(
                "associations",
                "update",
                "{aid}",
                "--set",
                "max_errors=5",
                "--expected-version",
                "abc",
            ),
            case(
                "associations",
                "update",
                "{aid}",
                "--clear",
                "parameters.NoSuchKey",
                "--yes",
            ),
            case(
                "associations",
                "update",
                "{aid}",
                "--set",
                "max_errors=5",
                "--clear",
                "max_errors",
            ),
        ],
        130: [
            case(
                "associations",
                "update",
                "{aid}",
                "--set",
                "max_errors=5",
                "--yes",
                interrupt="DescribeAssociation",
            ),
        ],
    },
    "associations bulk-update": {
        0: [
            case(
                "associations",
                "bulk-update",
                "--ids-from",
                "{ids}",
                "--set",
                "max_errors=6",
                "--yes",
            ),
        ],
        1: [
            case(
                "associations",
                "bulk-update",
                "--ids-from",
                "{ids}",
                "--set",
                "max_errors=6",
                "--yes",
                fail="UpdateAssociation",
            ),
            case(
                "associations",
                "bulk-update",
                "--ids-from",
                "{ids}",
                "--set",
                "max_errors=6",
                stdin="n\n",
            ),
        ],
        2: [
            case(
                "associations",
                "bulk-update",
                "--ids-from",
                "{ids}",
                "--set",
                "max_errors=6",
                "--concurrency",
                "abc",
            ),
            case(
                "associations",
                "bulk-update",
                "--ids-from",
                "{ids}",
                "--clear",
                "parameters.NoSuchKey",
                "--yes",
            ),
            case(
                "associations",
                "bulk-update",
                "--ids-from",
                "{ids}",
                "--set",
                "max_errors=6",
                "--canary",
                "1",
                "--yes",
            ),
            case(
                "associations",
                "bulk-update",
                "--ids-from",
                "{bad_ids}",
                "--set",
                "max_errors=6",
                "--yes",
            ),
        ],
        130: [
            case(
                "associations",
                "bulk-update",
                "--ids-from",
                "{ids}",
                "--set",
                "max_errors=6",
                "--yes",
                interrupt="UpdateAssociation",
            ),
        ],
    },
    "associations delete": {
        0: [case("associations", "delete", "{aid}", "--yes")],
        1: [
            case("associations", "delete", "{aid}", stdin="n\n"),
            case("associations", "delete", NO_ASSOCIATION, "--yes"),
        ],
        2: [case("associations", "delete", "not-an-id", "--yes")],
        130: [
            case(
                "associations",
                "delete",
                "{aid}",
                "--yes",
                interrupt="DescribeAssociation",
            ),
        ],
    },
    "associations export": {
        0: [case("associations", "export")],
        1: [case("associations", "export", fail="ListAssociations")],
        2: [case("associations", "export", "-o", "{directory}/out.txt")],
        130: [case("associations", "export", interrupt="ListAssociations")],
    },
    "associations plan": {
        0: [
            case("associations", "plan", "{in_sync}", "--detailed-exitcode"),
            case("associations", "plan", "{pending}"),
        ],
        1: [case("associations", "plan", "{pending}", fail="ListAssociations")],
        2: [
            case("associations", "plan", "{directory}/missing.yaml"),
            case("associations", "plan", "{malformed}"),
        ],
        3: [case("associations", "plan", "{pending}", "--detailed-exitcode")],
        130: [case("associations", "plan", "{pending}", interrupt="ListAssociations")],
    },
    "associations apply": {
        0: [
            case("associations", "apply", "{in_sync}"),
            case("associations", "apply", "{pending}", "--yes"),
        ],
        1: [
            case("associations", "apply", "{pending}", stdin="n\n"),
            case(
                "associations", "apply", "{pending}", "--yes", fail="CreateAssociation"
            ),
        ],
        2: [
            case("associations", "apply", "{directory}"),
            case("associations", "apply", "{malformed}", "--yes"),
        ],
        130: [
            case(
                "associations",
                "apply",
                "{pending}",
                "--yes",
                interrupt="CreateAssociation",
            ),
        ],
    },
    "export": {
        0: [case("export")],
        1: [case("export", fail="DescribeMaintenanceWindows")],
        2: [case("export", "-o", "{directory}/out.txt")],
        130: [case("export", interrupt="DescribeMaintenanceWindows")],
    },
    "plan": {
        0: [
            case("plan", "{in_sync}", "--detailed-exitcode"),
            case("plan", "{windows}"),
        ],
        1: [case("plan", "{windows}", fail="DescribeMaintenanceWindows")],
        2: [
            case("plan", "{directory}/missing.yaml"),
            case("plan", "{malformed}"),
            case("plan", "{bad_windows}"),
            case("plan", "{windows}", "--concurrency", "1000"),
        ],
        3: [case("plan", "{windows}", "--detailed-exitcode")],
        130: [case("plan", "{windows}", interrupt="DescribeMaintenanceWindows")],
    },
    "apply": {
        0: [
            case("apply", "{in_sync}"),
            case("apply", "{windows}", "--yes"),
        ],
        1: [
            case("apply", "{windows}", stdin="n\n"),
            case("apply", "{windows}", "--yes", fail="CreateMaintenanceWindow"),
        ],
        2: [
            case("apply", "{directory}"),
            case("apply", "{bad_windows}", "--yes"),
        ],
        130: [
            case("apply", "{windows}", "--yes", interrupt="CreateMaintenanceWindow"),
        ],
    },
    "schema": {
        0: [case("schema")],
        2: [case("schema", "--bogus")],
    },
    "windows list": {
        0: [case("windows", "list")],
        1: [case("windows", "list", fail="DescribeMaintenanceWindows")],
        2: [case("windows", "list", "--bogus")],
        130: [case("windows", "list", interrupt="DescribeMaintenanceWindows")],
    },
    "tasks list": {
        0: [case("tasks", "list", "{window}")],
        1: [case("tasks", "list", NO_WINDOW)],
        2: [case("tasks", "list", "mw-1")],
        130: [
            case(
                "tasks", "list", "{window}", interrupt="DescribeMaintenanceWindowTasks"
            )
        ],
    },
    "tasks show": {
        0: [case("tasks", "show", "{window}", "{task}")],
        1: [case("tasks", "show", "{window}", NO_ASSOCIATION)],
        2: [case("tasks", "show", "{window}", "abc")],
        130: [
            case(
                "tasks",
                "show",
                "{window}",
                "{task}",
                interrupt="GetMaintenanceWindowTask",
            )
        ],
    },
    "tasks update": {
        0: [
            case(
                "tasks",
                "update",
                "{window}",
                "{task}",
                "--set",
                "max_errors=2",
                "--yes",
            ),
            case("tasks", "update", "{window}", "{task}", "--set", "max_errors=1"),
            case(
                "tasks",
                "update",
                "{window}",
                "{task}",
                "--set",
                "max_errors=2",
                "--dry-run",
            ),
        ],
        1: [
            case(
                "tasks",
                "update",
                "{window}",
                "{task}",
                "--set",
                "max_errors=2",
                stdin="n\n",
            ),
            case(
                "tasks",
                "update",
                "{window}",
                "{task}",
                "--set",
                "max_errors=2",
                "--yes",
                fail="UpdateMaintenanceWindowTask",
            ),
        ],
        2: [
            case(
                "tasks",
                "update",
                "{window}",
                "{task}",
                "--clear",
                "task_invocation_parameters.run_command.parameters.nope",
                "--yes",
            ),
        ],
        130: [
            case(
                "tasks",
                "update",
                "{window}",
                "{task}",
                "--set",
                "max_errors=2",
                "--yes",
                interrupt="GetMaintenanceWindowTask",
            ),
        ],
    },
    "demo": {
        0: [case("demo")],
        2: [case("demo", "--bogus")],
    },
    "completion": {
        0: [case("completion", "bash")],
        2: [case("completion", "fish")],
    },
}


def test_the_table_names_every_command() -> None:
    assert set(documented()) == set(CASES)


@pytest.fixture
def new_place(server: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Makes what a case names, afresh for each case."""
    return lambda: place(server, tmp_path_factory.mktemp("case"))


def place(server: Any, tmp_path: Path) -> dict[str, str]:
    """What the cases name: a live association, a window and its task, files."""
    boto = server_client(server)
    name = f"exit-{uuid.uuid4().hex[:8]}"
    aid = boto.create_association(**{**FULL, "AssociationName": name})[
        "AssociationDescription"
    ]["AssociationId"]
    window = new_window(boto, name)
    task = boto.register_task_with_maintenance_window(
        WindowId=window,
        TaskArn="AWS-RunShellScript",
        TaskType="RUN_COMMAND",
        Targets=FULL["Targets"],
        MaxConcurrency="1",
        MaxErrors="1",
        TaskInvocationParameters={
            "RunCommand": {"Parameters": {"commands": ["uptime"]}}
        },
    )["WindowTaskId"]
    in_sync = tmp_path / "in-sync.json"
    in_sync.write_text(
        json.dumps(
            {
                "Associations": [
                    {
                        "AssociationName": name,
                        "Name": FULL["Name"],
                        "ScheduleExpression": FULL["ScheduleExpression"],
                    }
                ]
            }
        )
    )
    pending = tmp_path / "pending.json"
    pending.write_text(
        json.dumps(
            {
                "Associations": [
                    {
                        "AssociationName": f"{name}-new",
                        "Name": FULL["Name"],
                        "Targets": FULL["Targets"],
                        "ApplyOnlyAtCronInterval": True,
                        "ScheduleExpression": FULL["ScheduleExpression"],
                    }
                ]
            }
        )
    )
    window_entry = {
        "Name": f"{name}-mw",
        "Schedule": "cron(0 2 ? * SUN *)",
        "Duration": 2,
        "Cutoff": 1,
        "AllowUnassociatedTargets": False,
    }
    windows = tmp_path / "windows.json"
    windows.write_text(json.dumps({"MaintenanceWindows": [window_entry]}))
    bad_windows = tmp_path / "bad-windows.json"
    bad_windows.write_text(
        json.dumps({"MaintenanceWindows": [{**window_entry, "Duration": 99}]})
    )
    malformed = tmp_path / "malformed.yaml"
    malformed.write_text("Associations:\n  - Name: [unclosed\n")
    ids = tmp_path / "ids.txt"
    ids.write_text(aid + "\n")
    bad_ids = tmp_path / "bad-ids.txt"
    bad_ids.write_text(aid + "\nnot-an-id\n")
    return {
        "aid": aid,
        "window": window,
        "task": task,
        "in_sync": str(in_sync),
        "pending": str(pending),
        "malformed": str(malformed),
        "windows": str(windows),
        "bad_windows": str(bad_windows),
        "ids": str(ids),
        "bad_ids": str(bad_ids),
        "directory": str(tmp_path),
        "targets": TARGETS,
    }


def run(server: Any, case: Case, place: dict[str, str]) -> tuple[int, str]:
    """The command's exit status and stderr."""
    command = argv(server, *(arg.format(**place) for arg in case.args))
    stand_in = server.stand_in
    if case.fail:
        stand_in.fail_next(case.fail, "AccessDeniedException")
    if not case.interrupt:
        result = run_command(command, stdin=case.stdin, env=command_env(), timeout=120)
        stand_in._faults.clear()
        return result.returncode, result.stderr
    entered = threading.Event()

    def hold(_: object) -> None:
        entered.set()
        time.sleep(2)

    stand_in.before(case.interrupt, hold)
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(),
    )
    try:
        assert entered.wait(60), f"{case.interrupt} was never called"
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        stand_in._hooks.clear()
        if process.poll() is None:
            process.kill()
    return process.returncode, err


@pytest.mark.parametrize("command", sorted(CASES))
def test_each_documented_exit_status(server: Any, new_place: Any, command: str) -> None:
    table = documented()[command]
    assert set(table) == set(CASES[command]), (table, sorted(CASES[command]))
    for status, cases in CASES[command].items():
        assert cases, (command, status)
        for each in cases:
            code, err = run(server, each, new_place())
            assert code == status, (each, err)
            assert "Traceback" not in err, err
            if status == 2:
                # Said in one line, the last (after a summary, if there is one).
                last = err.strip().splitlines()[-1]
                assert re.match(r"ssmkit( [a-z -]+)?: error: ", last), err
                assert err.count(": error: ") == 1, err
