"""``ssmkit windows`` and ``ssmkit tasks``, word for word: tables, records, JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from .standin import new_window, no_windows, server_client
from .test_cli import ssmkit

if TYPE_CHECKING:
    from ssmkit.testing.server import Server

RUN = "AWS-RunShellScript"
TARGETS = [{"Key": "InstanceIds", "Values": ["i-1"]}]
#: A task whose command's parameters are sensitive at depth.
SECRET = "echo hunter2"


@pytest.fixture
def boto(server: Server) -> Any:
    server.stand_in.requests.clear()
    client = server_client(server)
    no_windows(client)
    return client


def _task(boto: Any, window: str) -> str:
    return boto.register_task_with_maintenance_window(  # type: ignore[no-any-return]
        WindowId=window,
        TaskArn=RUN,
        TaskType="RUN_COMMAND",
        Targets=TARGETS,
        MaxConcurrency="1",
        MaxErrors="1",
        Name="listed-task",
        Priority=3,
        TaskInvocationParameters={
            "RunCommand": {"Comment": "keep me", "Parameters": {"commands": [SECRET]}}
        },
    )["WindowTaskId"]


def _shown_task(window: str, task_id: str, priority: int) -> dict[str, Any]:
    """A task as the command shows it in JSON: its command's parameters masked."""
    return {
        "MaxConcurrency": "1",
        "MaxErrors": "1",
        "Name": "listed-task",
        "Priority": priority,
        "Targets": TARGETS,
        "TaskArn": RUN,
        "TaskInvocationParameters": {
            "RunCommand": {
                "Comment": "keep me",
                "Parameters": {"commands": "<sensitive>"},
            }
        },
        "TaskType": "RUN_COMMAND",
        "WindowId": window,
        "WindowTaskId": task_id,
    }


def _table(header: list[str], row: list[str]) -> list[str]:
    """The lines of a table of one row, drawn as the command draws one."""
    widths = [max(len(h), len(c)) + 2 for h, c in zip(header, row, strict=True)]

    def line(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * width for width in widths) + right

    def cells(texts: list[str], bar: str) -> str:
        padded = (
            f" {text:<{width - 2}} " for text, width in zip(texts, widths, strict=True)
        )
        return bar + bar.join(padded) + bar

    return [
        line("┏", "━", "┳", "┓"),
        cells(header, "┃"),
        line("┡", "━", "╇", "┩"),
        cells(row, "│"),
        line("└", "─", "┴", "┘"),
    ]


def test_windows_are_listed_in_a_table_of_their_own_columns(
    server: Server, boto: Any
) -> None:
    window = new_window(boto, "listed-window")
    result = ssmkit(server, "windows", "list")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == _table(
        ["window id", "name", "enabled", "schedule", "duration"],
        [window, "listed-window", "true", "cron(0 2 ? * SUN *)", "3"],
    )
    assert result.stderr == ""


def test_tasks_are_listed_in_a_table_of_their_own_columns(
    server: Server, boto: Any
) -> None:
    window = new_window(boto, "listed-window")
    task_id = _task(boto, window)
    result = ssmkit(server, "tasks", "list", window)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == _table(
        ["task id", "name", "type", "task", "priority"],
        [task_id, "listed-task", "RUN_COMMAND", RUN, "3"],
    )
    listed = ssmkit(server, "--output", "json", "tasks", "list", window)
    assert SECRET not in listed.stdout
    [task] = json.loads(listed.stdout)["Tasks"]
    assert task["Priority"] == 3


def test_a_task_is_shown_with_its_secrets_masked(server: Server, boto: Any) -> None:
    window = new_window(boto, "shown-window")
    task_id = _task(boto, window)
    record = ssmkit(server, "tasks", "show", window, task_id)
    assert record.returncode == 0, record.stderr
    lines = record.stdout.splitlines()
    assert lines[0] == f"task {task_id} of {window}"
    assert (
        '│ task_invocation_parameters │ {"RunCommand":{"Comment":"keep me",'
        '"Parameters":{"commands":"<sensitive>"}}} │'
    ) in lines
    assert SECRET not in record.stdout
    shown = ssmkit(server, "--output", "json", "tasks", "show", window, task_id)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == _shown_task(window, task_id, 3)
    clear = ssmkit(
        server, "--show-sensitive", "--output", "json", "tasks", "show", window, task_id
    )
    parameters = json.loads(clear.stdout)["TaskInvocationParameters"]["RunCommand"]
    assert parameters["Parameters"] == {"commands": [SECRET]}


def test_a_task_update_says_what_it_wrote(server: Server, boto: Any) -> None:
    window = new_window(boto, "updated-window")
    task_id = _task(boto, window)
    title = f"task {task_id} of {window}"
    result = ssmkit(
        server,
        "--output",
        "json",
        "tasks",
        "update",
        window,
        task_id,
        "--set",
        "priority=5",
        "--yes",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "Task": _shown_task(window, task_id, 5),
        "plan": {
            "changes": [
                {"action": "change", "after": 5, "before": 3, "path": "priority"}
            ],
            "noop": False,
            "operation": "UpdateMaintenanceWindowTask",
            "runs": False,
        },
        "written": True,
    }
    said = f"{title}: 1 change\n  ~ priority: 3 -> 5\nUpdated {title}.\n"
    assert result.stderr == said
    table = ssmkit(
        server, "tasks", "update", window, task_id, "--set", "priority=6", "--yes"
    )
    assert table.returncode == 0, table.stderr
    assert table.stdout == f"{title}: 1 change\n  ~ priority: 5 -> 6\n"
    assert table.stderr == f"Updated {title}.\n"
    task = boto.get_maintenance_window_task(WindowId=window, WindowTaskId=task_id)
    assert task["Priority"] == 6
    assert task["TaskInvocationParameters"]["RunCommand"]["Parameters"] == {
        "commands": [SECRET]
    }


def test_a_window_s_description_is_masked_in_its_listing(
    server: Server, boto: Any
) -> None:
    window = boto.create_maintenance_window(
        Name="described",
        Description="patch the payroll hosts",
        Schedule="cron(0 2 ? * SUN *)",
        Duration=3,
        Cutoff=1,
        AllowUnassociatedTargets=True,
    )["WindowId"]
    masked = ssmkit(server, "--output", "json", "windows", "list")
    [listed] = json.loads(masked.stdout)["WindowIdentities"]
    assert (listed["WindowId"], listed["Description"]) == (window, "<sensitive>")
    assert "payroll" not in masked.stdout
    shown = ssmkit(server, "--show-sensitive", "--output", "json", "windows", "list")
    [listed] = json.loads(shown.stdout)["WindowIdentities"]
    assert listed["Description"] == "patch the payroll hosts"
