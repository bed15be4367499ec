"""``ssmkit associations``: list, show, versions, create, update and delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from .. import errors
from .._base_client import translated
from .._convert import to_boto
from .._declared import creation_problems
from .._safe import ASSOCIATION, apply_update
from .._validate import attribute_name
from .._waits import not_seen, wait_for_association_run, whole_run
from .._wire import diff, put
from ._common import (
    asked,
    call,
    changes,
    client_for,
    emit_written,
    filters_of,
    input_shape,
    pages,
    path_of,
    request_file,
    shape_of,
    value_of,
)
from ._fleet import fleet_for, list_across
from ._output import (
    DECLINED,
    Column,
    UsageError,
    confirm,
    listing,
    one_line,
    plural,
    runs_at_once,
    text_of,
)

if TYPE_CHECKING:
    import argparse

    from .._client import Client
    from .._waits import AssociationRun
    from ..models import AssociationDescription
    from ._output import Output

__all__ = [
    "create_association",
    "delete_association",
    "list_associations",
    "runs",
    "show_association",
    "update_association",
    "versions",
]


def list_associations(args: argparse.Namespace, output: Output) -> int:
    fleet = fleet_for(args)
    if fleet is not None:
        return list_across(args, output, fleet)
    client = client_for(args)
    request: dict[str, Any] = {}
    filters = filters_of(args)
    if filters:
        request["AssociationFilterList"] = to_boto(filters)
    shape = shape_of(client, "Association")
    paginator = client.boto3_client.get_paginator("list_associations")
    with translated("ListAssociations", client.boto3_client):
        items = [
            output.masked(item, shape)
            for page in paginator.paginate(**request)
            for item in page.get("Associations", [])
        ]
    if output.json:
        output.emit_json({"Associations": items})
        return 0
    if not items:
        output.err.print("None found.")
        return 0
    output.rows(LISTED, [listed_cells(item) for item in items])
    return 0


#: The columns of a list of associations.
LISTED = [
    Column("association id"),
    Column("name"),
    Column("association name"),
    Column("version"),
    Column("schedule"),
    Column("status"),
]


def listed_cells(item: dict[str, Any]) -> list[str]:
    """One association of ``ListAssociations``, as a row of ``LISTED``."""
    return [
        text_of(value)
        for value in (
            item.get("AssociationId"),
            item.get("Name"),
            item.get("AssociationName"),
            item.get("AssociationVersion"),
            item.get("ScheduleExpression"),
            item.get("Overview", {}).get("Status"),
        )
    ]


def versions(args: argparse.Namespace, output: Output) -> int:
    client = client_for(args)
    items, shape = pages(
        client,
        "ListAssociationVersions",
        "AssociationVersions",
        "AssociationVersionInfo",
        AssociationId=args.association_id,
    )
    return listing(
        output,
        items,
        shape,
        "AssociationVersions",
        {
            "version": lambda i: i.get("AssociationVersion"),
            "created": lambda i: i.get("CreatedDate"),
            "name": lambda i: i.get("Name"),
            "association name": lambda i: i.get("AssociationName"),
            "schedule": lambda i: i.get("ScheduleExpression"),
        },
        labelled=True,
    )


def show_association(args: argparse.Namespace, output: Output) -> int:
    client = client_for(args)
    answer = call(client, "DescribeAssociation", AssociationId=args.association_id)
    description = answer["AssociationDescription"]
    shape = shape_of(client, "AssociationDescription")
    if output.json:
        output.emit_json({"AssociationDescription": output.masked(description, shape)})
    else:
        output.record(description, shape, f"association {args.association_id}")
    return 0


def create_association(args: argparse.Namespace, output: Output) -> int:
    client = client_for(args)
    shape = input_shape(client, "CreateAssociation")
    request: dict[str, Any] = {}
    if args.source is not None:
        request = request_file(args.source)
    members = {attribute_name(m): m for m in shape.members}
    for item in args.sets:
        if "=" not in item:
            raise UsageError(f"--set {item!r}: expected PATH=VALUE")
        raw_name, text = item.split("=", 1)
        written, path, leaf = path_of(shape, members, raw_name)
        request = put(request, path, value_of(written, text, leaf.type_name), shape)
    if not request:
        raise UsageError("nothing to create: give --from FILE or --set MEMBER=VALUE")
    # As a file's entry is judged: members the operation has, the schedule, the
    # documented rules; and a placeholder, with no live value to keep, is never
    # sent.
    problems = creation_problems(request, shape)
    if problems:
        raise UsageError("; ".join(problems))
    what = f"association {request.get('AssociationName') or request.get('Name')}"
    console = output.notes
    console.print(Text(f"Create {what}:", style="bold"))
    for change in diff(None, request, shape):
        console.print(Text("  " + change.render(show_sensitive=output.show_sensitive)))
    if args.dry_run:
        return 0
    runs = request.get("ApplyOnlyAtCronInterval") is not True
    if not args.yes and not confirm(f"Create {what}?" + runs_at_once(runs)):
        output.err.print("Nothing created.")
        if output.json:
            output.emit_json({"AssociationDescription": None})
        return DECLINED
    answer = call(client, "CreateAssociation", **request)
    description = answer["AssociationDescription"]
    output.err.print(f"Created association {description['AssociationId']}.")
    if output.json:
        shape_out = shape_of(client, "AssociationDescription")
        output.emit_json(
            {"AssociationDescription": output.masked(description, shape_out)}
        )
    return 0


def delete_association(args: argparse.Namespace, output: Output) -> int:
    client = client_for(args)
    answer = call(client, "DescribeAssociation", AssociationId=args.association_id)
    description = answer["AssociationDescription"]
    name = description.get("AssociationName") or description.get("Name")
    title = f"association {args.association_id} ({name})"
    if not args.yes and not confirm(f"Delete {title}?"):
        output.err.print("Nothing deleted.")
        if output.json:
            output.emit_json({"Deleted": None})
        return DECLINED
    call(client, "DeleteAssociation", AssociationId=args.association_id)
    output.err.print(f"Deleted {title}.")
    if output.json:
        output.emit_json({"Deleted": args.association_id})
    return 0


def update_association(args: argparse.Namespace, output: Output) -> int:
    client = client_for(args)
    change = changes(client, "UpdateAssociation", args)
    plan = client.plan_association_update(
        args.association_id, expected_version=args.expected_version, paths=change.paths
    )
    title = f"association {args.association_id}"
    status = asked(args, output, change, plan, title)
    if status is not None:
        return status
    # Write exactly what was shown: if someone wrote since, refuse rather than merge.
    outcome = apply_update(
        ASSOCIATION,
        client.boto3_client,
        {"AssociationId": args.association_id},
        expected_version=plan.before.association_version,
        modify=None,
        changes={},
        paths=change.paths,
    )
    written = outcome.result
    output.err.print(f"Updated {title} to version {written.association_version}.")
    run = None
    interrupted = False
    if args.wait and outcome.wrote and not written.apply_only_at_cron_interval:
        run, interrupted = _waited(
            client, output, args.association_id, written, args.timeout
        )
    elif args.wait and outcome.wrote:
        output.err.print(
            "It runs on its schedule (apply_only_at_cron_interval): "
            "no run to wait for now."
        )
    if output.json:
        shape = shape_of(client, "AssociationDescription")
        extra = {"run": None if run is None else whole_run(run)}
        emit_written(output, outcome, "AssociationDescription", shape, **extra)
    if interrupted:
        return 130
    return 0 if run is None or (run.succeeded and not run.running) else 1


def _waited(
    client: Client,
    output: Output,
    association_id: str,
    written: AssociationDescription,
    timeout: float,
) -> tuple[AssociationRun | None, bool]:
    """Wait for the run a write started, and say how it went.

    Returns the run as last seen, and whether Ctrl-C cut the wait short.
    """
    version = str(written.association_version)
    seen: list[AssociationRun] = []
    with output.err.status(f"Waiting for the run of version {version}..."):
        try:
            run = wait_for_association_run(
                client.boto3_client,
                association_id,
                version=version,
                timeout=timeout,
                seen=seen.append,
            )
        except KeyboardInterrupt:
            # The write landed: the JSON still says so, and what was seen.
            output.err.print("Interrupted: the run goes on; not waiting for it.")
            return (seen[-1] if seen else None), True
        except errors.SSMKitError as exc:
            # Timed out, or the association deleted meanwhile: said, and the
            # write's JSON still follows.
            output.err.print(f"ssmkit: error: {one_line(str(exc))}")
            last = getattr(exc, "last", None) or (seen[-1] if seen else None)
            return last or not_seen(association_id, version), False
    failed = [t for t in run.targets if t.status != "Success"]
    output.err.print(
        f"Run {run.execution_id} of version {version}: {run.status}"
        + (
            f", {plural(len(failed), 'target')} of {len(run.targets)} failed"
            if failed
            else ""
        )
        + "."
    )
    for target in failed:
        output.err.print(
            f"  {target.resource_id}: {target.detailed_status or target.status}"
        )
    return run, False


def runs(args: argparse.Namespace, output: Output) -> int:
    client = client_for(args)
    executions, shape = pages(
        client,
        "DescribeAssociationExecutions",
        "AssociationExecutions",
        "AssociationExecution",
        AssociationId=args.association_id,
    )
    if args.version is not None:
        executions = [
            e for e in executions if str(e.get("AssociationVersion")) == args.version
        ]
    if not args.targets:
        return listing(
            output,
            executions,
            shape,
            "AssociationExecutions",
            {
                "run id": lambda i: i.get("ExecutionId"),
                "version": lambda i: i.get("AssociationVersion"),
                "status": lambda i: i.get("Status"),
                "started": lambda i: i.get("CreatedTime"),
                "targets": lambda i: i.get("ResourceCountByStatus"),
            },
        )
    if not executions:
        which = f" of version {args.version}" if args.version else ""
        output.err.print(
            f"ssmkit: error: association {args.association_id} has no run{which} yet"
        )
        return 1
    started = [e.get("CreatedTime") for e in executions]
    newest = executions[started.index(max(t for t in started if t is not None))]
    targets, target_shape = pages(
        client,
        "DescribeAssociationExecutionTargets",
        "AssociationExecutionTargets",
        "AssociationExecutionTarget",
        AssociationId=args.association_id,
        ExecutionId=newest["ExecutionId"],
    )
    output.notes.print(
        f"Run {newest['ExecutionId']} of version {newest.get('AssociationVersion')}:"
        f" {newest.get('Status')}"
    )
    return listing(
        output,
        targets,
        target_shape,
        "AssociationExecutionTargets",
        {
            "target": lambda i: i.get("ResourceId"),
            "type": lambda i: i.get("ResourceType"),
            "status": lambda i: i.get("Status"),
            "detail": lambda i: i.get("DetailedStatus"),
            "ran": lambda i: i.get("LastExecutionDate"),
        },
    )
