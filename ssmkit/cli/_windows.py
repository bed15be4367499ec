"""``ssmkit windows`` and ``ssmkit tasks``: maintenance windows and their tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._safe import MAINTENANCE_WINDOW_TASK, apply_update
from ._common import asked, call, changes, client_for, emit_written, pages, shape_of
from ._output import listing

if TYPE_CHECKING:
    import argparse

    from ._output import Output

__all__ = ["list_tasks", "list_windows", "show_task", "update_task"]


def list_windows(args: argparse.Namespace, output: Output) -> int:
    client = client_for(args)
    items, shape = pages(
        client,
        "DescribeMaintenanceWindows",
        "WindowIdentities",
        "MaintenanceWindowIdentity",
    )
    return listing(
        output,
        items,
        shape,
        "WindowIdentities",
        {
            "window id": lambda i: i.get("WindowId"),
            "name": lambda i: i.get("Name"),
            "enabled": lambda i: i.get("Enabled"),
            "schedule": lambda i: i.get("Schedule"),
            "duration": lambda i: i.get("Duration"),
        },
    )


def list_tasks(args: argparse.Namespace, output: Output) -> int:
    client = client_for(args)
    items, shape = pages(
        client,
        "DescribeMaintenanceWindowTasks",
        "Tasks",
        "MaintenanceWindowTask",
        WindowId=args.window_id,
    )
    return listing(
        output,
        items,
        shape,
        "Tasks",
        {
            "task id": lambda i: i.get("WindowTaskId"),
            "name": lambda i: i.get("Name"),
            "type": lambda i: i.get("Type"),
            "task": lambda i: i.get("TaskArn"),
            "priority": lambda i: i.get("Priority"),
        },
    )


def show_task(args: argparse.Namespace, output: Output) -> int:
    client = client_for(args)
    task = call(
        client,
        "GetMaintenanceWindowTask",
        WindowId=args.window_id,
        WindowTaskId=args.window_task_id,
    )
    shape = shape_of(client, "GetMaintenanceWindowTaskResult")
    if output.json:
        output.emit_json(output.masked(task, shape))
    else:
        output.record(task, shape, f"task {args.window_task_id} of {args.window_id}")
    return 0


def update_task(args: argparse.Namespace, output: Output) -> int:
    client = client_for(args)
    change = changes(client, "UpdateMaintenanceWindowTask", args)
    title = f"task {args.window_task_id} of {args.window_id}"
    plan = client.plan_maintenance_window_task_update(
        args.window_id, args.window_task_id, paths=change.paths
    )
    status = asked(args, output, change, plan, title)
    if status is not None:
        return status
    outcome = apply_update(
        MAINTENANCE_WINDOW_TASK,
        client.boto3_client,
        {"WindowId": args.window_id, "WindowTaskId": args.window_task_id},
        expected_version=None,
        modify=None,
        changes={},
        paths=change.paths,
    )
    output.err.print(f"Updated {title}.")
    if output.json:
        shape = shape_of(client, "GetMaintenanceWindowTaskResult")
        emit_written(output, outcome, "Task", shape)
    return 0
