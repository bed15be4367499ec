"""The ``ssmkit`` command: safe SSM updates from a shell.

Exit status: 0 on success, 1 when the service refused something (or a bulk run
had failures), 2 for bad usage or input (nothing was called), 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import boto3
import botocore.exceptions
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from . import errors
from ._client import Client
from ._convert import to_boto
from ._sentinel import CLEAR
from ._validate import attribute_name
from ._version import __version__
from .models import SENSITIVE, WIRE_NAME, AssociationFilter, AssociationFilterKey

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ._bulk import BulkResult
    from ._safe import UpdatePlan

__all__ = ["main"]

MASK = "<sensitive>"


class UsageError(Exception):
    """Bad usage or input, found before any call: exit status 2."""


# -- parsing ------------------------------------------------------------------------


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    # Added to the main parser and to every subcommand, so they may come before
    # or after the subcommand, as with the AWS CLI.
    default: Any = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("global options")
    group.add_argument("--profile", default=default, help="AWS profile to use")
    group.add_argument("--region", default=default, help="AWS region")
    group.add_argument("--endpoint-url", default=default, help="SSM endpoint URL")
    group.add_argument(
        "--output",
        choices=["table", "json"],
        default=argparse.SUPPRESS if suppress else "table",
        help="output format (default: table)",
    )
    group.add_argument(
        "--show-sensitive",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="show members the service marks sensitive, such as Parameters",
    )


def _change_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="MEMBER=VALUE",
        help="change a member; strings as given, structures, lists and maps as JSON",
    )
    parser.add_argument(
        "--clear",
        dest="clears",
        action="append",
        default=[],
        metavar="MEMBER",
        help="remove a member",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show the plan, write nothing"
    )


def build_parser() -> argparse.ArgumentParser:
    """The command line, as argparse sees it."""
    parser = argparse.ArgumentParser(
        prog="ssmkit",
        description="Safe updates of AWS Systems Manager associations and tasks.",
    )
    parser.add_argument("--version", action="version", version=f"ssmkit {__version__}")
    _global_options(parser, suppress=False)
    areas = parser.add_subparsers(dest="area", required=True, metavar="COMMAND")

    def leaf(sub: Any, name: str, helptext: str, handler: Callable[..., int]) -> Any:
        command = sub.add_parser(name, help=helptext, description=helptext)
        _global_options(command, suppress=True)
        command.set_defaults(handler=handler)
        return command

    associations = areas.add_parser("associations", help="State Manager associations")
    asub = associations.add_subparsers(dest="command", required=True, metavar="COMMAND")
    listing = leaf(asub, "list", "list associations", _list_associations)
    _filter_options(listing)
    show = leaf(asub, "show", "show one association", _show_association)
    show.add_argument("association_id", metavar="ID")
    update = leaf(
        asub,
        "update",
        "change members of one association, keep the rest",
        _update_association,
    )
    update.add_argument("association_id", metavar="ID")
    _change_options(update)
    update.add_argument(
        "--expected-version", metavar="V", help="only write if at version V"
    )
    update.add_argument("--yes", action="store_true", help="write without asking")
    bulk = leaf(
        asub, "bulk-update", "apply one change to many associations", _bulk_update
    )
    _filter_options(bulk)
    bulk.add_argument(
        "--ids-from", type=Path, metavar="FILE", help="association ids, one per line"
    )
    _change_options(bulk)
    bulk.add_argument(
        "--concurrency",
        type=int,
        default=8,
        metavar="N",
        help="updates at once (default 8)",
    )
    bulk.add_argument(
        "--max-rate", type=float, metavar="R", help="at most R API calls a second"
    )
    bulk.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help="append a JSON line per association; a rerun skips what it lists as done",
    )
    bulk.add_argument("--yes", action="store_true", help="write without asking")

    tasks = areas.add_parser("tasks", help="maintenance window tasks")
    tsub = tasks.add_subparsers(dest="command", required=True, metavar="COMMAND")
    tshow = leaf(tsub, "show", "show one maintenance window task", _show_task)
    tshow.add_argument("window_id", metavar="WINDOW_ID")
    tshow.add_argument("window_task_id", metavar="TASK_ID")
    tupdate = leaf(
        tsub, "update", "change members of one task, keep the rest", _update_task
    )
    tupdate.add_argument("window_id", metavar="WINDOW_ID")
    tupdate.add_argument("window_task_id", metavar="TASK_ID")
    _change_options(tupdate)
    tupdate.add_argument("--yes", action="store_true", help="write without asking")

    demo = areas.add_parser(
        "demo", help="see a safe update on a local SSM; no AWS account needed"
    )
    _global_options(demo, suppress=True)
    demo.set_defaults(handler=_demo)
    return parser


def _filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", help="document name")
    parser.add_argument("--association-name", help="association name")
    parser.add_argument("--instance-id", help="managed node id")
    parser.add_argument(
        "--status", help="association status (Pending, Success, Failed)"
    )


def _filters(args: argparse.Namespace) -> list[AssociationFilter]:
    pairs = [
        (AssociationFilterKey.NAME, args.name),
        (AssociationFilterKey.ASSOCIATION_NAME, args.association_name),
        (AssociationFilterKey.INSTANCE_ID, args.instance_id),
        (AssociationFilterKey.ASSOCIATION_STATUS_NAME, args.status),
    ]
    return [AssociationFilter(key=key, value=value) for key, value in pairs if value]


# -- values ---------------------------------------------------------------------------


def _changes(
    client: Client, operation: str, args: argparse.Namespace
) -> dict[str, Any]:
    """Turn --set and --clear into keyword changes, checking names and syntax."""
    model = client.boto3_client.meta.service_model.operation_model(operation)
    shape = model.input_shape
    assert shape is not None  # both update operations take input
    managed = {
        "AssociationId",
        "AssociationVersion",
        "WindowId",
        "WindowTaskId",
        "Replace",
    }
    members = {attribute_name(m): m for m in shape.members if m not in managed}

    def member_of(text: str) -> str:
        name = text.strip()
        name = name if name in members else attribute_name(name)
        if name not in members:
            raise UsageError(
                f"unknown member {text!r}: expected one of {', '.join(sorted(members))}"
            )
        return name

    changes: dict[str, Any] = {}
    for item in args.sets:
        if "=" not in item:
            raise UsageError(f"--set {item!r}: expected MEMBER=VALUE")
        raw_name, text = item.split("=", 1)
        name = member_of(raw_name)
        changes[name] = _value(name, text, shape.members[members[name]].type_name)
    for item in args.clears:
        changes[member_of(item)] = CLEAR
    if not changes:
        raise UsageError("nothing to change: give --set MEMBER=VALUE or --clear MEMBER")
    return changes


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
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{name}: malformed JSON ({exc.msg} at column {exc.colno})"
        ) from None


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _members(model: Any, *, show_sensitive: bool) -> dict[str, Any]:
    """A model's set members by wire name, sensitive ones masked unless asked."""
    shown: dict[str, Any] = {}
    for field in attrs.fields(type(model)):
        value = getattr(model, field.name)
        if value is None:
            continue
        masked = field.metadata.get(SENSITIVE) and not show_sensitive
        shown[field.metadata[WIRE_NAME]] = MASK if masked else _jsonable(to_boto(value))
    return shown


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


# -- output ---------------------------------------------------------------------------


class Output:
    """Where and how results are shown."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.json = args.output == "json"
        self.show_sensitive = bool(args.show_sensitive)
        self.out = Console(highlight=False, soft_wrap=True)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)

    def emit_json(self, value: Any) -> None:
        print(json.dumps(_jsonable(value), indent=2, sort_keys=True))

    def model(self, model: Any, title: str) -> None:
        members = _members(model, show_sensitive=self.show_sensitive)
        if self.json:
            self.emit_json(members)
            return
        table = Table(title=title, show_header=False, title_justify="left")
        table.add_column("member", style="bold")
        table.add_column("value", overflow="fold")
        for wire, value in members.items():
            table.add_row(attribute_name(wire), _text(value))
        self.out.print(table)

    def plan(self, plan: UpdatePlan[Any], title: str) -> None:
        if self.json:
            changes = {
                name: MASK
                if name in plan.sensitive and not self.show_sensitive
                else [old, new]
                for name, (old, new) in plan.changes.items()
            }
            self.emit_json(
                {"operation": plan.operation, "changes": changes, "noop": plan.is_noop}
            )
            return
        if plan.is_noop:
            self.out.print(f"{title}: nothing would change.")
            return
        self.out.print(
            f"[bold]{title}[/bold]: {len(plan.changes)} member(s) would change"
        )
        for name, (old, new) in plan.changes.items():
            hidden = name in plan.sensitive and not self.show_sensitive
            before = (
                MASK
                if hidden
                else ("(absent)" if old is None else _text(_jsonable(old)))
            )
            after = (
                MASK
                if hidden
                else ("(absent)" if new is None else _text(_jsonable(new)))
            )
            mark = "+" if old is None else "-" if new is None else "~"
            old_text, new_text = _escape(before), _escape(after)
            self.out.print(
                f"  {mark} {name}: [red]{old_text}[/red] -> [green]{new_text}[/green]"
            )


def _escape(text: str) -> str:
    return text.replace("[", r"\[")


def _confirm(question: str) -> bool:
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        raise UsageError(
            "no answer to confirm the write: pass --yes to write without asking"
        ) from None
    return answer.strip().lower() in ("y", "yes")


# -- commands -------------------------------------------------------------------


def _client(args: argparse.Namespace) -> Client:
    session = boto3.session.Session(profile_name=args.profile, region_name=args.region)
    if session.region_name is None and args.endpoint_url:
        session = boto3.session.Session(
            profile_name=args.profile, region_name="us-east-1"
        )
    try:
        boto3_client = session.client("ssm", endpoint_url=args.endpoint_url)
    except botocore.exceptions.NoRegionError:
        raise UsageError(
            "no AWS region: pass --region or set AWS_DEFAULT_REGION"
        ) from None
    return Client(boto3_client=boto3_client)


def _list_associations(args: argparse.Namespace, output: Output) -> int:
    client = _client(args)
    items = client.list_associations(association_filter_list=_filters(args) or None)
    if output.json:
        output.emit_json([to_boto(item) for item in items])
        return 0
    table = Table(
        "association id", "name", "association name", "version", "schedule", "status"
    )
    for item in items:
        status = item.overview.status if item.overview else None
        table.add_row(
            item.association_id,
            item.name,
            item.association_name,
            item.association_version,
            item.schedule_expression,
            status,
        )
    output.out.print(table)
    return 0


def _show_association(args: argparse.Namespace, output: Output) -> int:
    association = _client(args).describe_association(association_id=args.association_id)
    output.model(association, f"association {args.association_id}")
    return 0


def _update_association(args: argparse.Namespace, output: Output) -> int:
    client = _client(args)
    changes = _changes(client, "UpdateAssociation", args)
    plan = client.plan_association_update(
        args.association_id, expected_version=args.expected_version, **changes
    )
    output.plan(plan, f"association {args.association_id}")
    if plan.is_noop or args.dry_run:
        return 0
    if not args.yes and not _confirm(
        f"Write this to association {args.association_id}?"
    ):
        output.err.print("Nothing written.")
        return 0
    # Write exactly what was shown: if someone wrote since, refuse rather than merge.
    updated = client.update_association(
        args.association_id, expected_version=plan.before.association_version, **changes
    )
    version = updated.association_version
    output.err.print(f"Updated association {args.association_id} to version {version}.")
    return 0


def _show_task(args: argparse.Namespace, output: Output) -> int:
    task = _client(args).get_maintenance_window_task(
        window_id=args.window_id, window_task_id=args.window_task_id
    )
    output.model(task, f"task {args.window_task_id} of {args.window_id}")
    return 0


def _update_task(args: argparse.Namespace, output: Output) -> int:
    client = _client(args)
    changes = _changes(client, "UpdateMaintenanceWindowTask", args)
    title = f"task {args.window_task_id} of {args.window_id}"
    plan = client.plan_maintenance_window_task_update(
        args.window_id, args.window_task_id, **changes
    )
    output.plan(plan, title)
    if plan.is_noop or args.dry_run:
        return 0
    if not args.yes and not _confirm(f"Write this to {title}?"):
        output.err.print("Nothing written.")
        return 0
    client.update_maintenance_window_task(
        args.window_id, args.window_task_id, **changes
    )
    output.err.print(f"Updated {title}.")
    return 0


def _done_in(report: Path) -> set[str]:
    """Associations an earlier run's report lists as done (changed or unchanged)."""
    done: set[str] = set()
    if not report.exists():
        return done
    for number, line in enumerate(report.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            raise UsageError(f"{report}:{number}: not a JSON line") from None
        if entry.get("outcome") in ("changed", "unchanged"):
            done.add(entry["association_id"])
        else:
            done.discard(entry.get("association_id"))
    return done


def _bulk_update(args: argparse.Namespace, output: Output) -> int:
    client = _client(args)
    changes = _changes(client, "UpdateAssociation", args)
    filters = _filters(args)
    if args.ids_from is not None and filters:
        raise UsageError("give --ids-from or filters, not both")
    if args.ids_from is None and not filters:
        raise UsageError(
            "select associations with --ids-from FILE or a filter (--name, ...)"
        )
    done = _done_in(args.report) if args.report else set()
    ids: list[str] | None = None
    if args.ids_from is not None:
        try:
            lines = args.ids_from.read_text().splitlines()
        except OSError as exc:
            raise UsageError(f"--ids-from: {exc.strerror}: {args.ids_from}") from None
        ids = [i for i in (line.strip() for line in lines) if i]
    if not args.yes and not args.dry_run:
        shown = ", ".join(
            f"{k}={'(clear)' if v is CLEAR else _text(v)}" for k, v in changes.items()
        )
        if not _confirm(f"Apply {shown} to every association selected?"):
            output.err.print("Nothing written.")
            return 0
    results: list[BulkResult] = []
    report = args.report.open("a") if args.report else None
    progress = Progress(
        TextColumn("updating"),
        BarColumn(),
        MofNCompleteColumn(),
        console=output.err,
        transient=True,
        disable=output.json,
    )

    def record(result: BulkResult) -> None:
        results.append(result)
        progress.advance(task)
        if report is not None:
            report.write(json.dumps(result.to_json()) + "\n")
            report.flush()

    interrupted = False
    with progress:
        task = progress.add_task(
            "bulk", total=None if ids is None else sum(i not in done for i in ids)
        )
        try:
            # In selection order; after Ctrl-C, the results as they came.
            # Filters are walked lazily, page by page, as the updates go.
            results = client.update_associations(
                association_ids=ids,
                filters=None if ids is not None else filters,
                skip=done,
                concurrency=args.concurrency,
                max_rate=args.max_rate,
                progress=record,
                dry_run=args.dry_run,
                **changes,
            )
        except KeyboardInterrupt:
            interrupted = True
        finally:
            if report is not None:
                report.close()
    _summary(output, results, skipped=len(done), interrupted=interrupted)
    if interrupted:
        return 130
    return 1 if any(r.outcome == "failed" for r in results) else 0


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
                "results": [r.to_json() for r in results],
                "counts": counts,
                "skipped": skipped,
                "interrupted": interrupted,
            }
        )
        return
    table = Table("association id", "outcome", "version", "error")
    for result in results:
        version = result.version_before or ""
        if result.version_after:
            version = f"{version} -> {result.version_after}"
        error = str(result.error) if result.error else ""
        style = {"failed": "red", "changed": "green"}.get(result.outcome, "")
        table.add_row(
            result.association_id, result.outcome, version, error, style=style
        )
    output.out.print(table)
    summary = ", ".join(f"{n} {o}" for o, n in counts.items() if n)
    if skipped:
        summary += f", {skipped} skipped (done in an earlier run)"
    if interrupted:
        summary += "; interrupted: no update was started after Ctrl-C"
    output.out.print(summary or "no association selected")


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
            "[bold]1. A fully configured association[/bold] (local SSM, no AWS account)"
        )
        raw_id = boto3_client.create_association(**association)[
            "AssociationDescription"
        ]["AssociationId"]
        output.model(
            client.describe_association(association_id=raw_id), f"association {raw_id}"
        )

        say("\n[bold]2. boto3's update_association()[/bold] of the schedule alone:")
        boto3_client.update_association(AssociationId=raw_id, **change)
        after = boto3_client.describe_association(AssociationId=raw_id)[
            "AssociationDescription"
        ]
        wiped = [k for k in association if k not in after]
        say(f"   [red]wiped: {', '.join(attribute_name(k) for k in wiped)}[/red]")

        say("\n[bold]3. ssmkit's update_association()[/bold] of it, on a twin:")
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
        say(f"   [green]kept all {len(kept)} other members[/green]: {names}")
        say(f"   now at version {updated.association_version}; a no-op would not write")
    return 0 if len(kept) == len(association) - len(change) else 1


# -- entry point ----------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    output = Output(args)

    def fail(message: str, status: int) -> int:
        output.err.print(f"ssmkit: error: {message}", markup=False, highlight=False)
        return status

    try:
        return int(args.handler(args, output))
    except UsageError as exc:
        return fail(str(exc), 2)
    except errors.ValidationError as exc:
        return fail(str(exc), 2)
    except errors.ConcurrentUpdateError as exc:
        return fail(f"{exc}; nothing was written, run again to see the new plan", 1)
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
