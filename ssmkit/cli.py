"""The ``ssmkit`` command: safe SSM updates from a shell.

Exit status: 0 on success, 1 when the service refused something (or a bulk run
had failures), 2 for bad usage or input (nothing was called), 130 on Ctrl-C.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import signal
import sys
from typing import TYPE_CHECKING, Any

import boto3
import botocore.exceptions
from botocore import xform_name
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from . import errors
from ._base_client import invoke, translated
from ._bulk import MAX_CONCURRENCY, MIN_RATE, check_pace
from ._cli_parser import ASSOCIATION_ID, build_parser
from ._client import Client
from ._convert import to_boto
from ._declared import (
    ApplyResult,
    AssociationsPlan,
    creation_problems,
    dump_associations,
)
from ._mask import MASK, mask
from ._safe import ASSOCIATION, MAINTENANCE_WINDOW_TASK, apply_update
from ._sentinel import CLEAR
from ._validate import attribute_name
from ._wire import diff, jsonable, put, resolve, within_sensitive
from .models import AssociationFilter, AssociationFilterKey

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from pathlib import Path

    from botocore.model import Shape, StructureShape

    from ._bulk import BulkResult
    from ._safe import UpdatePlan

__all__ = ["main"]


class UsageError(Exception):
    """Bad usage or input, found before any call: exit status 2."""


#: The exit status when the operator answers no: nothing was written, and a
#: script must be able to tell that from a write (as Terraform does).
DECLINED = 1


# -- parsing ------------------------------------------------------------------------


def _filters(args: argparse.Namespace) -> list[AssociationFilter]:
    pairs = [
        (AssociationFilterKey.NAME, args.name),
        (AssociationFilterKey.ASSOCIATION_NAME, args.association_name),
        (AssociationFilterKey.INSTANCE_ID, args.instance_id),
        (AssociationFilterKey.ASSOCIATION_STATUS_NAME, args.status),
    ]
    return [AssociationFilter(key=key, value=value) for key, value in pairs if value]


# -- values ---------------------------------------------------------------------------

_MANAGED = {
    "AssociationId",
    "AssociationVersion",
    "WindowId",
    "WindowTaskId",
    "Replace",
}


def _changes(client: Client, operation: str, args: argparse.Namespace) -> Edit:
    """Turn --set and --clear into changes by path, checking names and syntax.

    A path names a member by its attribute name (or its wire name), then
    nested members and map keys: ``parameters.Operation``.
    """
    shape = _input(client, operation)
    members = {attribute_name(m): m for m in shape.members if m not in _MANAGED}

    paths: dict[str, Any] = {}
    for item in args.sets:
        if "=" not in item:
            raise UsageError(f"--set {item!r}: expected MEMBER=VALUE")
        raw_name, text = item.split("=", 1)
        path, _, leaf = _path_of(shape, members, raw_name)
        paths[path] = _value(path, text, leaf.type_name)
    for item in args.clears:
        path, _, _ = _path_of(shape, members, item)
        overlapping = [
            p for p in paths if p == path or p.startswith((f"{path}.", f"{path}["))
        ] + [p for p in paths if path.startswith((f"{p}.", f"{p}["))]
        if overlapping:
            raise UsageError(
                f"{path}: --clear overlaps --set {overlapping[0]}; give one of them"
            )
        paths[path] = CLEAR
    if not paths:
        raise UsageError("nothing to change: give --set MEMBER=VALUE or --clear MEMBER")
    return Edit(paths)


def _path_of(
    shape: StructureShape, members: dict[str, str], text: str
) -> tuple[str, tuple[str, ...], Shape]:
    """A PATH given on the command line: as written, on the wire, and its shape.

    The first step may be an attribute name (``max_errors``) or the AWS
    spelling (``MaxErrors``); the rest is resolved as the library does.
    """
    head, dot, rest = text.strip().partition(".")
    name = head if head in members else attribute_name(head)
    if name not in members:
        raise UsageError(
            f"unknown member {head!r}: expected one of {', '.join(sorted(members))}"
        )
    written = f"{name}{dot}{rest}"
    path, leaf = resolve(shape, written, members)
    return written, path, leaf


class Edit:
    """The --set and --clear of one command line, by path."""

    def __init__(self, paths: dict[str, Any]) -> None:
        self.paths = paths

    def fingerprint(self) -> str:
        """Names this change in a report, so a rerun of another is not skipped."""
        text = json.dumps(
            {
                k: "(clear)" if v is CLEAR else jsonable(v)
                for k, v in self.paths.items()
            },
            sort_keys=True,
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def describe(self, shape: StructureShape) -> str:
        """``max_errors="5", parameters.Operation=<sensitive>, -calendar_names``."""
        shown = []
        for path, value in self.paths.items():
            if value is CLEAR:
                shown.append(f"-{path}")
                continue
            wire, leaf = resolve(shape, path)
            hidden = within_sensitive(shape, wire)
            text = MASK if hidden else json.dumps(jsonable(mask(value, leaf)))
            shown.append(f"{path}={text}")
        return ", ".join(shown)


def _value(name: str, text: str, kind: str) -> Any:
    if kind == "string":
        return text
    if kind in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            raise UsageError(f"{name}: must be a whole number, got {text!r}") from None
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise UsageError(f"{name}: must be true or false, got {text!r}")
        return text.lower() == "true"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{name}: malformed JSON ({exc.msg} at column {exc.colno})"
        ) from None
    if value is None:
        raise UsageError(f"{name}: null is not a value; --clear {name} removes it")
    return value


# -- output ---------------------------------------------------------------------------


#: Characters a terminal acts on rather than shows: C0 controls but newline
#: and tab, DEL, C1 controls, and the marks that reverse the order text is
#: shown in. A name from a file or the service holding ``\x1b[2J`` would clear
#: the screen; ``\r`` would overwrite what was printed.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
    "\u202a-\u202e\u2066-\u2069]"
)


def escape_controls(text: str) -> str:
    """``text`` with every control character written as its escape (``\\x1b``)."""
    return _CONTROLS.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class _Console(Console):
    """A console that shows control characters escaped and ends quietly on EPIPE.

    Everything the command shows goes through one of these, so no name,
    value or message, from a file or from the service, can act on the
    terminal: only rich's own styling and cursor control reach it.

    rich's own answer to a closed pipe is exit status 1; ``main`` handles the
    BrokenPipeError instead, the same way for every output.
    """

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment
            if segment.control or not _CONTROLS.search(segment.text)
            else Segment(escape_controls(segment.text), segment.style)
            for segment in buffer
        )

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


class _EscapingFormatter(logging.Formatter):
    """Log records for --debug, with control characters escaped."""

    def format(self, record: logging.LogRecord) -> str:
        return escape_controls(super().format(record))


class Output:
    """Where and how results are shown: data on stdout, the rest on stderr."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.json = args.output == "json"
        self.show_sensitive = bool(args.show_sensitive)
        self.out = _Console(highlight=False, soft_wrap=True, markup=False)
        self.err = _Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

    def emit_json(self, value: Any) -> None:
        sys.stdout.write(json.dumps(jsonable(value), indent=2, sort_keys=True) + "\n")
        sys.stdout.flush()

    def masked(self, value: Any, shape: Shape) -> Any:
        """A boto3 value of ``shape``, masked unless --show-sensitive."""
        return mask(value, shape, show_sensitive=self.show_sensitive)

    def record(self, raw: dict[str, Any], shape: Shape, title: str) -> None:
        """One resource as a two-column table of its members."""
        members = jsonable(self.masked(raw, shape))
        table = Table(title=Text(title), show_header=False, title_justify="left")
        table.add_column("member", style="bold", no_wrap=True)
        table.add_column("value", overflow="fold")
        for wire, value in members.items():
            table.add_row(Text(attribute_name(wire)), Text(_text(value)))
        self.out.print(table)

    def plan(self, plan: UpdatePlan[Any], title: str) -> None:
        """The plan, one line per changed leaf, on stderr when stdout is JSON."""
        console = self.err if self.json else self.out
        if plan.is_noop:
            console.print(f"{title}: nothing would change.")
            return
        count = len(plan.changes)
        console.print(
            Text.assemble(
                (title, "bold"), f": {count} change{'' if count == 1 else 's'}"
            )
        )
        colours = {"add": "green", "remove": "red", "change": "yellow"}
        for change in plan.changes:
            line = change.render(show_sensitive=self.show_sensitive)
            console.print(Text("  " + line, style=colours[change.action]))
        if plan.runs:
            console.print(
                "  Writing it makes the association run at once on its targets."
            )


#: The length of the ids SSM gives associations and tasks (UUIDs).
UUID_WIDTH = 36


def _table(*headers: str, id_width: int = UUID_WIDTH) -> Table:
    """A table whose first column, an id, is never cut, however narrow."""
    table = Table(*headers)
    table.columns[0].no_wrap = True
    table.columns[0].min_width = id_width
    return table


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _confirm(question: str) -> bool:
    # The question goes to stderr: stdout is for data (--output json).
    sys.stderr.write(f"{escape_controls(question)} [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline()
    if not answer:
        sys.stderr.write("\n")
        raise UsageError(
            "no answer to confirm the write: pass --yes to write without asking"
        )
    return answer.strip().lower() in ("y", "yes")


def _runs(count: int, runs: bool) -> str:
    if not runs:
        return ""
    them = "it runs" if count == 1 else "they run"
    return (
        f" Once written, {them} at once on {'its' if count == 1 else 'their'} targets."
    )


# -- commands -------------------------------------------------------------------


def _client(args: argparse.Namespace) -> Client:
    try:
        session = boto3.session.Session(
            profile_name=args.profile, region_name=args.region
        )
        if session.region_name is None and args.endpoint_url:
            session = boto3.session.Session(
                profile_name=args.profile, region_name="us-east-1"
            )
        boto3_client = session.client("ssm", endpoint_url=args.endpoint_url)
    except botocore.exceptions.NoRegionError:
        raise UsageError(
            "no AWS region: pass --region or set AWS_DEFAULT_REGION"
        ) from None
    except ValueError as exc:  # a malformed --endpoint-url
        raise UsageError(str(exc)) from None
    return Client(boto3_client=boto3_client)


def _shape(client: Client, name: str) -> Shape:
    return client.boto3_client.meta.service_model.shape_for(name)


def _input(client: Client, operation: str) -> StructureShape:
    model = client.boto3_client.meta.service_model.operation_model(operation)
    shape = model.input_shape
    assert shape is not None  # both update operations take input
    return shape


def _call(client: Client, operation: str, **request: Any) -> dict[str, Any]:
    # The raw answer: the command shows members newer than ssmkit's models too.
    answer = invoke(client.boto3_client, operation, request)
    answer.pop("ResponseMetadata", None)
    return answer


def _list_associations(args: argparse.Namespace, output: Output) -> int:
    client = _client(args)
    request: dict[str, Any] = {}
    filters = _filters(args)
    if filters:
        request["AssociationFilterList"] = to_boto(filters)
    shape = _shape(client, "Association")
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
    table = _table(
        "association id", "name", "association name", "version", "schedule", "status"
    )
    for item in items:
        table.add_row(
            *(
                Text(_text(value))
                for value in (
                    item.get("AssociationId"),
                    item.get("Name"),
                    item.get("AssociationName"),
                    item.get("AssociationVersion"),
                    item.get("ScheduleExpression"),
                    item.get("Overview", {}).get("Status"),
                )
            )
        )
    output.out.print(table)
    return 0


def _pages(
    client: Client, operation: str, key: str, shape: str, **request: Any
) -> tuple[list[dict[str, Any]], Shape]:
    """Every item of a paginated operation, raw, and the shape of an item."""
    paginator = client.boto3_client.get_paginator(xform_name(operation))  # type: ignore[call-overload]
    with translated(operation, client.boto3_client):
        items = [
            item for page in paginator.paginate(**request) for item in page.get(key, [])
        ]
    return items, _shape(client, shape)


def _listing(
    output: Output,
    items: list[dict[str, Any]],
    shape: Shape,
    key: str,
    columns: dict[str, Callable[[dict[str, Any]], Any]],
    *,
    id_width: int = UUID_WIDTH,
) -> int:
    """Items as ``{key: [...]}`` JSON, or as a table whose first column is an id."""
    shown = [jsonable(output.masked(item, shape)) for item in items]
    if output.json:
        output.emit_json({key: shown})
        return 0
    if not shown:
        output.err.print("None found.")
        return 0
    table = _table(*columns, id_width=id_width)
    for item in shown:
        table.add_row(*(Text(_text(get(item))) for get in columns.values()))
    output.out.print(table)
    return 0


def _versions(args: argparse.Namespace, output: Output) -> int:
    client = _client(args)
    items, shape = _pages(
        client,
        "ListAssociationVersions",
        "AssociationVersions",
        "AssociationVersionInfo",
        AssociationId=args.association_id,
    )
    return _listing(
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
        id_width=len("version"),
    )


def _list_tasks(args: argparse.Namespace, output: Output) -> int:
    client = _client(args)
    items, shape = _pages(
        client,
        "DescribeMaintenanceWindowTasks",
        "Tasks",
        "MaintenanceWindowTask",
        WindowId=args.window_id,
    )
    return _listing(
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


def _list_windows(args: argparse.Namespace, output: Output) -> int:
    client = _client(args)
    items, shape = _pages(
        client,
        "DescribeMaintenanceWindows",
        "WindowIdentities",
        "MaintenanceWindowIdentity",
    )
    return _listing(
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
        id_width=len("mw-0123456789abcdef0"),
    )


def _create_association(args: argparse.Namespace, output: Output) -> int:
    client = _client(args)
    shape = _input(client, "CreateAssociation")
    request: dict[str, Any] = {}
    if args.source is not None:
        request = _request_file(args.source)
    members = {attribute_name(m): m for m in shape.members}
    for item in args.sets:
        if "=" not in item:
            raise UsageError(f"--set {item!r}: expected PATH=VALUE")
        raw_name, text = item.split("=", 1)
        written, path, leaf = _path_of(shape, members, raw_name)
        request = put(request, path, _value(written, text, leaf.type_name), shape)
    unknown = sorted(set(request) - set(shape.members))
    if unknown:
        raise UsageError(f"CreateAssociation has no member {', '.join(unknown)}")
    if not request:
        raise UsageError("nothing to create: give --from FILE or --set MEMBER=VALUE")
    # As a file's entry is judged: every member, the schedule, the documented
    # rules; and a placeholder, with no live value to keep, is never sent.
    problems = creation_problems(request, shape)
    if problems:
        raise UsageError("; ".join(problems))
    what = f"association {request.get('AssociationName') or request.get('Name')}"
    console = output.err if output.json else output.out
    console.print(Text(f"Create {what}:", style="bold"))
    for change in diff(None, request, shape):
        console.print(Text("  " + change.render(show_sensitive=output.show_sensitive)))
    if args.dry_run:
        return 0
    runs = request.get("ApplyOnlyAtCronInterval") is not True
    if not args.yes and not _confirm(f"Create {what}?" + _runs(1, runs)):
        output.err.print("Nothing created.")
        return DECLINED
    answer = _call(client, "CreateAssociation", **request)
    description = answer["AssociationDescription"]
    output.err.print(f"Created association {description['AssociationId']}.")
    if output.json:
        shape_out = _shape(client, "AssociationDescription")
        output.emit_json(
            {"AssociationDescription": output.masked(description, shape_out)}
        )
    return 0


def _request_file(path: Path) -> dict[str, Any]:
    """A request in boto3's shape from a JSON or YAML file, read strictly."""
    from ._files import read_document

    try:
        data = read_document(path)
    except errors.ValidationError as exc:
        raise UsageError(f"--from: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"--from: {path} must hold one request, a mapping of members")
    return data


def _delete_association(args: argparse.Namespace, output: Output) -> int:
    client = _client(args)
    answer = _call(client, "DescribeAssociation", AssociationId=args.association_id)
    description = answer["AssociationDescription"]
    name = description.get("AssociationName") or description.get("Name")
    title = f"association {args.association_id} ({name})"
    if not args.yes and not _confirm(f"Delete {title}?"):
        output.err.print("Nothing deleted.")
        return DECLINED
    _call(client, "DeleteAssociation", AssociationId=args.association_id)
    output.err.print(f"Deleted {title}.")
    if output.json:
        output.emit_json({"Deleted": args.association_id})
    return 0


# -- associations as code --------------------------------------------------------


def _export(args: argparse.Namespace, output: Output) -> int:
    client = _client(args)
    if args.out_file is not None:
        _check_suffix(args.out_file, "-o")
        if args.out_file.is_dir():
            raise UsageError(f"-o: {args.out_file} is a directory")
    document, left_out = client.export_associations(
        filters=_filters(args), show_sensitive=output.show_sensitive
    )
    count = len(document["Associations"])
    if args.out_file is not None:
        text = dump_associations(document, args.out_file)
        try:
            args.out_file.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"-o: cannot write {args.out_file}: {exc}") from None
        output.err.print(
            f"Wrote {count} association{'' if count == 1 else 's'} to {args.out_file}."
        )
    elif output.json:
        output.emit_json(document)
    else:
        # To a terminal, or what reads like one: nothing in it acts on it.
        sys.stdout.write(dump_associations(document, "stdout.yaml", ascii_only=True))
        sys.stdout.flush()
    if left_out:
        output.err.print(
            f"Left out {len(left_out)} association(s) without a name, which a file "
            f"cannot tell apart: {', '.join(left_out)}."
        )
    if not output.show_sensitive and MASK in json.dumps(document):
        output.err.print(
            f"Sensitive values are written as {MASK}: plan and apply keep the live "
            "value in their place. --show-sensitive writes them."
        )
    return 0


def _check_suffix(path: Path, option: str) -> None:
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise UsageError(f"{option}: {path}: expected a .yaml, .yml or .json file")


def _associations_plan(args: argparse.Namespace, client: Client) -> AssociationsPlan:
    _check_suffix(args.file, "FILE")
    if not args.file.is_file():
        raise UsageError(f"{args.file}: no such file")
    return client.plan_associations(args.file, prune=args.prune)


def _show_associations_plan(plan: AssociationsPlan, output: Output) -> None:
    """The plan, each association and its changes, on stderr when stdout is JSON."""
    console = output.err if output.json else output.out
    styles = {"create": "green", "update": "yellow", "delete": "red"}
    for entry in plan.associations:
        head, *lines = entry.render(show_sensitive=output.show_sensitive).split("\n")
        console.print(Text(head, style=f"bold {styles.get(entry.action, '')}".strip()))
        colours = {"add": "green", "remove": "red", "change": "yellow"}
        for line, change in zip(lines, entry.changes, strict=True):
            console.print(Text(line, style=colours[change.action]))
    output.err.print(plan.summary())


def _plan_file(args: argparse.Namespace, output: Output) -> int:
    client = _client(args)
    plan = _associations_plan(args, client)
    _show_associations_plan(plan, output)
    if output.json:
        output.emit_json(plan.to_json(show_sensitive=output.show_sensitive))
    return 3 if args.detailed_exitcode and plan.pending else 0


def _apply_file(args: argparse.Namespace, output: Output) -> int:
    _check_pace(args)
    if args.report is not None and args.report.is_dir():
        raise UsageError(f"--report: {args.report} is a directory")
    client = _client(args)
    plan = _associations_plan(args, client)
    _show_associations_plan(plan, output)
    results: list[ApplyResult] = []
    if not plan.pending:
        output.err.print("Nothing to do: every association is as the file says.")
        if output.json:
            _apply_json(output, plan, results, interrupted=False)
        return 0
    if not args.yes and not _confirm(_apply_question(plan)):
        output.err.print("Nothing written.")
        if output.json:
            _apply_json(output, plan, results, interrupted=False)
        return DECLINED
    fingerprint = hashlib.sha256(args.file.read_bytes()).hexdigest()[:16]
    report = _Report(args.report, fingerprint) if args.report else None
    handle = report.open() if report else None
    progress = _progress(output, "applying")

    def record(result: ApplyResult) -> None:
        results.append(result)
        progress.advance(task)
        if handle is not None:
            line = {**result.to_json(), "change": fingerprint, "file": str(args.file)}
            handle.write(json.dumps(line) + "\n")
            handle.flush()

    interrupted = False
    try:
        with _finishing_on_interrupt(output, "write"), progress:
            task = progress.add_task("apply", total=len(plan.associations))
            results = client.apply_associations(
                plan,
                concurrency=args.concurrency,
                max_rate=args.max_rate,
                progress=record,
            )
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if handle is not None:
            handle.close()
    if output.json:
        _apply_json(output, plan, results, interrupted=interrupted)
    else:
        _apply_table(output, results)
    counts = _apply_counts(results)
    output.err.print(
        _sentence(counts, skipped=0, interrupted=interrupted, what="write")
    )
    if interrupted:
        return 130
    return 1 if counts["failed"] or counts["conflict"] else 0


def _apply_question(plan: AssociationsPlan) -> str:
    n = plan.counts()
    parts = [
        f"{verb} {n[action]}"
        for verb, action in (("create", "create"), ("write", "update"))
        if n[action]
    ]
    if n["delete"]:
        parts.append(f"delete {n['delete']}")
    total = n["create"] + n["update"] + n["delete"]
    what = " and ".join(parts)
    question = f"{what[0].upper()}{what[1:]} association{'' if total == 1 else 's'}?"
    runs = sum(a.runs for a in plan.associations)
    if runs == 1:
        one = "it" if total == 1 else "one of them"
        question += f" Once written, {one} runs at once on its targets."
    elif runs:
        them = "they" if runs == total else f"{runs} of them"
        question += f" Once written, {them} run at once on their targets."
    return question


def _apply_counts(results: Sequence[ApplyResult]) -> dict[str, int]:
    outcomes = ("created", "changed", "unchanged", "deleted", "conflict", "failed")
    return {o: sum(r.outcome == o for r in results) for o in outcomes}


def _apply_json(
    output: Output,
    plan: AssociationsPlan,
    results: Sequence[ApplyResult],
    *,
    interrupted: bool,
) -> None:
    output.emit_json(
        {
            "plan": plan.to_json(show_sensitive=output.show_sensitive),
            "results": [r.to_json() for r in results],
            "counts": _apply_counts(results),
            "interrupted": interrupted,
        }
    )


def _apply_table(output: Output, results: Sequence[ApplyResult]) -> None:
    if not results:
        return
    table = _table("association id", "name", "outcome", "version", "error")
    table.columns[2].no_wrap = True
    styles = {
        "failed": "red",
        "conflict": "red",
        "created": "green",
        "changed": "green",
    }
    for result in results:
        version = result.version_before or ""
        if result.version_after and result.version_after != result.version_before:
            version = (
                f"{version} -> {result.version_after}"
                if version
                else (result.version_after)
            )
        table.add_row(
            Text(result.association_id or ""),
            Text(result.name),
            Text(result.outcome),
            Text(version),
            Text(str(result.error) if result.error else ""),
            style=styles.get(result.outcome, ""),
        )
    output.out.print(table)


def _show_association(args: argparse.Namespace, output: Output) -> int:
    client = _client(args)
    answer = _call(client, "DescribeAssociation", AssociationId=args.association_id)
    description = answer["AssociationDescription"]
    shape = _shape(client, "AssociationDescription")
    if output.json:
        output.emit_json({"AssociationDescription": output.masked(description, shape)})
    else:
        output.record(description, shape, f"association {args.association_id}")
    return 0


def _update_association(args: argparse.Namespace, output: Output) -> int:
    client = _client(args)
    change = _changes(client, "UpdateAssociation", args)
    plan = client.plan_association_update(
        args.association_id, expected_version=args.expected_version, paths=change.paths
    )
    title = f"association {args.association_id}"
    output.plan(plan, title)
    if plan.is_noop or args.dry_run:
        if output.json:
            output.emit_json({"plan": _plan_json(plan, output), "written": False})
        return 0
    if not args.yes:
        count = len(plan.changes)
        question = (
            f"Write {count} change{'' if count == 1 else 's'} to {title}?"
            + _runs(1, plan.runs)
        )
        if not _confirm(question):
            output.err.print("Nothing written.")
            if output.json:
                output.emit_json({"plan": _plan_json(plan, output), "written": False})
            return DECLINED
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
    version = written.association_version
    output.err.print(f"Updated {title} to version {version}.")
    if output.json:
        shape = _shape(client, "AssociationDescription")
        output.emit_json(
            {
                "plan": _plan_json(outcome.plan, output),
                "written": outcome.wrote,
                "AssociationDescription": output.masked(to_boto(written), shape),
            }
        )
    return 0


def _plan_json(plan: UpdatePlan[Any], output: Output) -> dict[str, Any]:
    return plan.to_json(show_sensitive=output.show_sensitive)


def _show_task(args: argparse.Namespace, output: Output) -> int:
    client = _client(args)
    task = _call(
        client,
        "GetMaintenanceWindowTask",
        WindowId=args.window_id,
        WindowTaskId=args.window_task_id,
    )
    shape = _shape(client, "GetMaintenanceWindowTaskResult")
    if output.json:
        output.emit_json(output.masked(task, shape))
    else:
        output.record(task, shape, f"task {args.window_task_id} of {args.window_id}")
    return 0


def _update_task(args: argparse.Namespace, output: Output) -> int:
    client = _client(args)
    change = _changes(client, "UpdateMaintenanceWindowTask", args)
    title = f"task {args.window_task_id} of {args.window_id}"
    plan = client.plan_maintenance_window_task_update(
        args.window_id, args.window_task_id, paths=change.paths
    )
    output.plan(plan, title)
    if plan.is_noop or args.dry_run:
        if output.json:
            output.emit_json({"plan": _plan_json(plan, output), "written": False})
        return 0
    count = len(plan.changes)
    if not args.yes and not _confirm(
        f"Write {count} change{'' if count == 1 else 's'} to {title}?"
    ):
        output.err.print("Nothing written.")
        if output.json:
            output.emit_json({"plan": _plan_json(plan, output), "written": False})
        return DECLINED
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
        shape = _shape(client, "GetMaintenanceWindowTaskResult")
        output.emit_json(
            {
                "plan": _plan_json(outcome.plan, output),
                "written": outcome.wrote,
                "Task": output.masked(to_boto(outcome.result), shape),
            }
        )
    return 0


class _Report:
    """A bulk run's report: one JSON line per association, for reruns to skip."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.done: set[str] = set()
        self.other_changes = 0
        if path.is_dir():
            raise UsageError(f"--report: {path} is a directory")
        if not path.exists():
            return
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--report: cannot read {path}: {exc}") from None
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                association_id = entry["association_id"]
                outcome = entry["outcome"]
            except (json.JSONDecodeError, KeyError, TypeError):
                if number == len(lines):
                    continue  # a line cut short by an earlier interruption
                raise UsageError(f"{path}:{number}: not a report line") from None
            if entry.get("change") != fingerprint:
                self.other_changes += 1
                continue
            if outcome in ("changed", "unchanged"):
                self.done.add(association_id)
            else:
                self.done.discard(association_id)

    def open(self) -> Any:
        try:
            handle = self.path.open("a", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--report: cannot write {self.path}: {exc}") from None
        # A line an earlier run left cut short is ended, so this run's stand apart.
        if self.path.stat().st_size and not self.path.read_bytes().endswith(b"\n"):
            handle.write("\n")
        return handle


def _bulk_update(args: argparse.Namespace, output: Output) -> int:
    _check_pace(args)
    client = _client(args)
    change = _changes(client, "UpdateAssociation", args)
    filters = _filters(args)
    if args.ids_from is not None and filters:
        raise UsageError("give --ids-from or filters, not both")
    if args.ids_from is None and not filters:
        raise UsageError(
            "select associations with --ids-from FILE or a filter (--name, ...)"
        )
    fingerprint = change.fingerprint()
    report = _Report(args.report, fingerprint) if args.report else None
    done = report.done if report else set()
    if report is not None and report.other_changes:
        output.err.print(
            f"{args.report} records {report.other_changes} result(s) of another "
            "change; they are not skipped."
        )
    ids: list[str] | None = None
    if args.ids_from is not None:
        try:
            lines = args.ids_from.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise UsageError(f"--ids-from: {exc.strerror}: {args.ids_from}") from None
        except UnicodeDecodeError:
            raise UsageError(f"--ids-from: {args.ids_from} is not UTF-8 text") from None
        ids = []
        for number, line in enumerate(lines, 1):
            found = line.strip()
            if not found:
                continue
            if not ASSOCIATION_ID.fullmatch(found):
                shown = escape_controls(found[:60])
                raise UsageError(
                    f"--ids-from: {args.ids_from}:{number}: {shown!r} is not an "
                    "association id"
                )
            ids.append(found)
    if not args.yes and not args.dry_run:
        if ids is None:
            # Listed first, so the question can say how many.
            ids = [
                a.association_id
                for a in client.list_associations(association_filter_list=filters)
                if a.association_id
            ]
        count = sum(i not in done for i in ids)
        shape = _input(client, "UpdateAssociation")
        question = (
            f"Apply {change.describe(shape)} to {count} "
            f"association{'' if count == 1 else 's'} (those it changes are written)?"
        )
        # Whether each runs depends on its own ApplyOnlyAtCronInterval.
        if change.paths.get("apply_only_at_cron_interval") is not True:
            question += (
                " Each one written runs at once on its targets, unless it has"
                " apply_only_at_cron_interval set."
            )
        if not _confirm(question):
            output.err.print("Nothing written.")
            return DECLINED
    results: list[BulkResult] = []
    handle = report.open() if report else None
    progress = _progress(output, "planning" if args.dry_run else "updating")

    def record(result: BulkResult) -> None:
        results.append(result)
        progress.advance(task)
        if handle is not None:
            handle.write(json.dumps({**result.to_json(), "change": fingerprint}) + "\n")
            handle.flush()

    interrupted = False
    try:
        with _finishing_on_interrupt(output, "update"), progress:
            task = progress.add_task(
                "bulk", total=None if ids is None else sum(i not in done for i in ids)
            )
            # Filters are walked lazily, page by page, as the updates go.
            # In selection order; after Ctrl-C, the results as they came.
            results = client.update_associations(
                association_ids=ids,
                filters=None if ids is not None else filters,
                skip=done,
                concurrency=args.concurrency,
                max_rate=args.max_rate,
                progress=record,
                dry_run=args.dry_run,
                paths=change.paths,
            )
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if handle is not None:
            handle.close()
    _summary(output, results, skipped=len(done), interrupted=interrupted)
    if interrupted:
        return 130
    return 1 if any(r.outcome == "failed" for r in results) else 0


def _progress(output: Output, label: str) -> Progress:
    """A transient progress bar on stderr: stdout stays for the results."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        console=output.err,
        transient=True,
    )


@contextlib.contextmanager
def _finishing_on_interrupt(output: Output, what: str) -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt once; later presses only say it is finishing.

    The run under it finishes the calls under way and starts no new one
    (``ssmkit._bulk.run_all``), so every write that landed is reported.
    """
    presses = 0

    def on_interrupt(signum: int, frame: Any) -> None:
        nonlocal presses
        presses += 1
        if presses == 1:
            output.err.print(
                f"Interrupted: finishing the calls under way; no new {what} starts."
            )
            raise KeyboardInterrupt
        output.err.print("Still finishing the calls under way; the summary follows.")

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _check_pace(args: argparse.Namespace) -> None:
    try:
        check_pace(args.concurrency, None)
    except ValueError:
        raise UsageError(
            f"--concurrency: must be a whole number from 1 to {MAX_CONCURRENCY}, "
            f"got {args.concurrency}"
        ) from None
    try:
        check_pace(1, args.max_rate)
    except ValueError:
        raise UsageError(
            f"--max-rate: must be a number of calls a second from {MIN_RATE} up, "
            f"got {args.max_rate}"
        ) from None


def _summary(
    output: Output, results: list[BulkResult], *, skipped: int, interrupted: bool
) -> None:
    counts = {
        o: sum(r.outcome == o for r in results)
        for o in ("changed", "unchanged", "planned", "failed")
    }
    if output.json:
        output.emit_json(
            {
                "results": [_result_json(r, output) for r in results],
                "counts": counts,
                "skipped": skipped,
                "interrupted": interrupted,
            }
        )
    else:
        for result in results:
            if result.outcome == "planned" and result.plan is not None:
                output.plan(result.plan, f"association {result.association_id}")
        table = _table("association id", "outcome", "version", "error")
        table.columns[1].no_wrap = True
        for result in results:
            version = result.version_before or ""
            if result.version_after:
                version = f"{version} -> {result.version_after}"
            error = str(result.error) if result.error else ""
            style = {"failed": "red", "changed": "green"}.get(result.outcome, "")
            table.add_row(
                Text(result.association_id),
                Text(result.outcome),
                Text(version),
                Text(error),
                style=style,
            )
        if results:
            output.out.print(table)
    output.err.print(_sentence(counts, skipped=skipped, interrupted=interrupted))


def _result_json(result: BulkResult, output: Output) -> dict[str, Any]:
    data = result.to_json()
    if result.plan is not None:
        data["changes"] = _plan_json(result.plan, output)["changes"]
    return data


def _sentence(
    counts: dict[str, int], *, skipped: int, interrupted: bool, what: str = "update"
) -> str:
    """``3 changed, 1 unchanged and 1 failed; 2 skipped as done in an earlier run.``"""
    parts = [f"{n} {o}" for o, n in counts.items() if n]
    if not parts:
        text = "No association was updated"
    elif len(parts) == 1:
        text = parts[0]
    else:
        text = f"{', '.join(parts[:-1])} and {parts[-1]}"
    text = text[0].upper() + text[1:]
    if skipped:
        text += f"; {skipped} skipped as done in an earlier run"
    if interrupted:
        text += f"; interrupted, so no {what} was started after Ctrl-C"
    return text + "."


def _demo(args: argparse.Namespace, output: Output) -> int:
    try:
        from .testing import mock_ssm  # an optional extra
    except ImportError:
        raise UsageError(
            "the demo needs the local SSM: pip install 'ssmkit[cli,testing]'"
        ) from None
    association: dict[str, Any] = {
        "Name": "AWS-RunPatchBaseline",
        "AssociationName": "weekly-patching",
        "Parameters": {"Operation": ["Install"]},
        "Targets": [{"Key": "tag:Patch", "Values": ["weekly"]}],
        "ScheduleExpression": "cron(0 2 ? * SUN *)",
        "OutputLocation": {"S3Location": {"OutputS3BucketName": "patch-logs"}},
        "MaxConcurrency": "10%",
        "MaxErrors": "5%",
        "ComplianceSeverity": "HIGH",
        "AlarmConfiguration": {"Alarms": [{"Name": "patching-errors"}]},
    }
    change = {"ScheduleExpression": "cron(0 3 ? * SUN *)"}
    say = output.out.print
    with mock_ssm():
        boto3_client: Any = boto3.client("ssm", region_name="us-east-1")
        client = Client(boto3_client=boto3_client)
        say(
            "[bold]1. A fully configured association[/bold] "
            "(local SSM, no AWS account)",
            markup=True,
        )
        raw_id = boto3_client.create_association(**association)[
            "AssociationDescription"
        ]["AssociationId"]
        output.record(
            boto3_client.describe_association(AssociationId=raw_id)[
                "AssociationDescription"
            ],
            _shape(client, "AssociationDescription"),
            f"association {raw_id}",
        )

        say(
            "\n[bold]2. boto3's update_association()[/bold] of the schedule alone:",
            markup=True,
        )
        boto3_client.update_association(AssociationId=raw_id, **change)
        after = boto3_client.describe_association(AssociationId=raw_id)[
            "AssociationDescription"
        ]
        wiped = [k for k in association if k not in after]
        say(Text(f"   wiped: {', '.join(attribute_name(k) for k in wiped)}", "red"))

        say(
            "\n[bold]3. ssmkit's update_association()[/bold] of it, on a twin:",
            markup=True,
        )
        safe_id = boto3_client.create_association(**association)[
            "AssociationDescription"
        ]["AssociationId"]
        plan = client.plan_association_update(
            safe_id, schedule_expression=change["ScheduleExpression"]
        )
        output.plan(plan, f"association {safe_id}")
        updated = client.update_association(
            safe_id, schedule_expression=change["ScheduleExpression"]
        )
        stored = boto3_client.describe_association(AssociationId=safe_id)[
            "AssociationDescription"
        ]
        kept = [
            k
            for k in association
            if k not in change and stored.get(k) == association[k]
        ]
        names = ", ".join(attribute_name(k) for k in kept)
        say(
            Text.assemble(
                (f"   kept all {len(kept)} other members", "green"), f": {names}"
            )
        )
        say(f"   now at version {updated.association_version}; a no-op would not write")
    return 0 if len(kept) == len(association) - len(change) else 1


# -- entry point ----------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    return run(args)


def run(args: argparse.Namespace) -> int:
    """Run the command ``args`` name, as ``build_parser()`` parsed them."""
    output = Output(args)

    def fail(message: str, status: int) -> int:
        output.err.print(f"ssmkit: error: {message}", markup=False, highlight=False)
        return status

    if args.debug:
        records = logging.StreamHandler(sys.stderr)
        records.setFormatter(
            _EscapingFormatter("%(asctime)s %(levelname)s %(message)s")
        )
        logger = logging.getLogger("ssmkit")
        logger.addHandler(records)
        logger.setLevel(logging.DEBUG)

    # Each command names its handler here (see _cli_parser).
    command: Callable[[argparse.Namespace, Output], int] = globals()[args.handler]
    try:
        return int(command(args, output))
    except BrokenPipeError:
        # The reader went away (``| head``): end quietly, and keep Python from
        # complaining when it flushes stdout on the way out.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except UsageError as exc:
        return fail(str(exc), 2)
    except errors.ValidationError as exc:
        return fail(str(exc), 2)
    except errors.ConcurrentUpdateError as exc:
        return fail(f"{exc}; run again to see the new plan", 1)
    except errors.SSMKitError as exc:
        return fail(str(exc), 1)
    except botocore.exceptions.ProfileNotFound as exc:
        return fail(str(exc), 2)
    except (
        botocore.exceptions.NoCredentialsError,
        botocore.exceptions.EndpointConnectionError,
    ) as exc:
        return fail(str(exc), 1)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
