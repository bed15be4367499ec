"""The ``ssmkit`` command's arguments, as argparse sees them.

Kept apart from the command itself, and light, so that ``ssmkit --help`` and
a mistyped argument cost little more than starting Python with boto3: the
command's own modules (rich, the safe helpers, the plans) load only once a
command runs. Each command names its handler as ``MODULE:FUNCTION`` of
``ssmkit.cli``.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any, NoReturn

from .._version import __version__

__all__ = ["ASSOCIATION_ID", "build_parser"]

#: An association id, as the service model's pattern has it.
ASSOCIATION_ID = re.compile(
    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def _association_id(text: str) -> str:
    if not ASSOCIATION_ID.fullmatch(text):
        msg = f"{text!r} is not an association id (8-4-4-4-12 hexadecimal digits)"
        raise argparse.ArgumentTypeError(msg)
    return text


#: A maintenance window's id, as the service model's pattern has it.
WINDOW_ID = re.compile("mw-[0-9a-f]{17}")


def _window_id(text: str) -> str:
    if not WINDOW_ID.fullmatch(text):
        msg = f"{text!r} is not a maintenance window id (mw- and 17 hex digits)"
        raise argparse.ArgumentTypeError(msg)
    return text


def _task_id(text: str) -> str:
    if not ASSOCIATION_ID.fullmatch(text):
        msg = f"{text!r} is not a window task id (8-4-4-4-12 hexadecimal digits)"
        raise argparse.ArgumentTypeError(msg)
    return text


def _version(text: str) -> str:
    if not (text.isascii() and text.isdigit()) or text.startswith("0"):
        msg = f"{text!r} is not a version: a whole number, 1 or more"
        raise argparse.ArgumentTypeError(msg)
    return text


def _count(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        msg = f"{text!r} is not a whole number, 1 or more"
        raise argparse.ArgumentTypeError(msg)
    return int(text)


class _Parser(argparse.ArgumentParser):
    """argparse's parser, saying what is wrong in one line, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


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
    group.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="log each call, write, lost race and retry on stderr",
    )


def _fleet_options(parser: argparse.ArgumentParser) -> None:
    """Which accounts and Regions a command runs across."""
    group = parser.add_argument_group(
        "across accounts and Regions",
        "run in each account (assuming --role there) and each Region",
    )
    group.add_argument(
        "--accounts",
        metavar="ID,ID|@FILE",
        help="these accounts; @FILE: ids one per line (# comments)",
    )
    group.add_argument(
        "--organization",
        action="store_true",
        help="every active account of the organization",
    )
    group.add_argument(
        "--ou",
        dest="units",
        action="append",
        metavar="OU",
        help="every active account in this organizational unit and those below",
    )
    group.add_argument(
        "--role",
        metavar="NAME",
        help="the role to assume in each account (OrganizationAccountAccessRole)",
    )
    group.add_argument(
        "--external-id", metavar="ID", help="the external id the role asks for"
    )
    group.add_argument(
        "--regions",
        metavar="R,R|enabled",
        help="these Regions, or each account's enabled ones (default: --region)",
    )
    group.add_argument(
        "--fleet-concurrency",
        type=_count,
        metavar="N",
        help="accounts and Regions worked on at once (default 16)",
    )


def _change_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help=(
            "change a member, or a nested member or map key by dotted path "
            "(parameters.Operation); strings as given, structures, lists and "
            "maps as JSON"
        ),
    )
    parser.add_argument(
        "--clear",
        dest="clears",
        action="append",
        default=[],
        metavar="PATH",
        help="remove a member, or a nested member or map key by dotted path",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show the plan, write nothing"
    )


def build_parser() -> argparse.ArgumentParser:
    """The command line, as argparse sees it."""
    parser = _Parser(
        prog="ssmkit",
        description="Safe updates of AWS Systems Manager associations and tasks.",
    )
    parser.add_argument("--version", action="version", version=f"ssmkit {__version__}")
    _global_options(parser, suppress=False)
    areas = parser.add_subparsers(dest="area", required=True, metavar="COMMAND")

    def leaf(sub: Any, name: str, helptext: str, handler: str) -> Any:
        command = sub.add_parser(name, help=helptext, description=helptext)
        _global_options(command, suppress=True)
        command.set_defaults(handler=handler)
        return command

    associations = areas.add_parser("associations", help="State Manager associations")
    asub = associations.add_subparsers(dest="command", required=True, metavar="COMMAND")
    listing = leaf(asub, "list", "list associations", "_associations:list_associations")
    _filter_options(listing)
    _fleet_options(listing)
    show = leaf(asub, "show", "show one association", "_associations:show_association")
    show.add_argument("association_id", metavar="ID", type=_association_id)
    update = leaf(
        asub,
        "update",
        "change members of one association, keep the rest",
        "_associations:update_association",
    )
    update.add_argument("association_id", metavar="ID", type=_association_id)
    _change_options(update)
    update.add_argument(
        "--expected-version",
        metavar="V",
        type=_version,
        help="only write if at version V",
    )
    _wait_options(update, waves=False)
    update.add_argument("--yes", action="store_true", help="write without asking")
    bulk = leaf(
        asub,
        "bulk-update",
        "apply one change to many associations",
        "_bulk_update:bulk_update",
    )
    _filter_options(bulk)
    bulk.add_argument(
        "--ids-from", type=Path, metavar="FILE", help="association ids, one per line"
    )
    _change_options(bulk)
    _pace_options(bulk, default=8)
    _wait_options(bulk, waves=True)
    bulk.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help="append a JSON line per association; a rerun skips what it lists as done",
    )
    bulk.add_argument("--yes", action="store_true", help="write without asking")
    _fleet_options(bulk)

    create = leaf(
        asub,
        "create",
        "create an association from a file and/or --set members",
        "_associations:create_association",
    )
    create.add_argument(
        "--from",
        dest="source",
        type=Path,
        metavar="FILE",
        help="a CreateAssociation request as JSON or YAML (.yaml, .yml)",
    )
    create.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="a member, or a nested member or map key by dotted path",
    )
    create.add_argument(
        "--dry-run", action="store_true", help="show the request, create nothing"
    )
    create.add_argument("--yes", action="store_true", help="create without asking")
    delete = leaf(
        asub, "delete", "delete one association", "_associations:delete_association"
    )
    delete.add_argument("association_id", metavar="ID", type=_association_id)
    delete.add_argument("--yes", action="store_true", help="delete without asking")
    versions = leaf(
        asub,
        "versions",
        "list the versions of one association",
        "_associations:versions",
    )
    versions.add_argument("association_id", metavar="ID", type=_association_id)

    runs = leaf(
        asub,
        "runs",
        "the runs of one association, newest first, or the targets of one run",
        "_associations:runs",
    )
    runs.add_argument("association_id", metavar="ID", type=_association_id)
    runs.add_argument(
        "--version", type=_version, metavar="V", help="only the runs of version V"
    )
    runs.add_argument(
        "--targets",
        action="store_true",
        help="the targets of the newest run (of version V with --version)",
    )

    _as_code_commands(asub, leaf, whole=False)
    _as_code_commands(areas, leaf, whole=True)
    leaf(
        areas,
        "schema",
        "print the JSON Schema of the file plan and apply read, for editors",
        "_as_code:schema",
    )

    tasks = areas.add_parser("tasks", help="maintenance window tasks")
    tsub = tasks.add_subparsers(dest="command", required=True, metavar="COMMAND")
    tlist = leaf(
        tsub, "list", "list the tasks of a maintenance window", "_windows:list_tasks"
    )
    tlist.add_argument("window_id", metavar="WINDOW_ID", type=_window_id)
    tshow = leaf(tsub, "show", "show one maintenance window task", "_windows:show_task")
    tshow.add_argument("window_id", metavar="WINDOW_ID", type=_window_id)
    tshow.add_argument("window_task_id", metavar="TASK_ID", type=_task_id)
    tupdate = leaf(
        tsub,
        "update",
        "change members of one task, keep the rest",
        "_windows:update_task",
    )
    tupdate.add_argument("window_id", metavar="WINDOW_ID", type=_window_id)
    tupdate.add_argument("window_task_id", metavar="TASK_ID", type=_task_id)
    _change_options(tupdate)
    tupdate.add_argument("--yes", action="store_true", help="write without asking")

    windows = areas.add_parser("windows", help="maintenance windows")
    wsub = windows.add_subparsers(dest="command", required=True, metavar="COMMAND")
    leaf(wsub, "list", "list maintenance windows", "_windows:list_windows")

    demo = areas.add_parser(
        "demo", help="see a safe update on a local SSM; no AWS account needed"
    )
    _global_options(demo, suppress=True)
    demo.set_defaults(handler="_demo:demo")

    completion = areas.add_parser(
        "completion",
        help='print a shell completion script: eval "$(ssmkit completion bash)"',
        description=(
            "Print a script that completes ssmkit's commands and options. "
            'bash: eval "$(ssmkit completion bash)" in ~/.bashrc; '
            'zsh: eval "$(ssmkit completion zsh)" in ~/.zshrc.'
        ),
    )
    completion.add_argument("shell", choices=["bash", "zsh"])
    completion.set_defaults(handler="_completion:completion")
    return parser


def _as_code_commands(sub: Any, leaf: Any, *, whole: bool) -> None:
    """``export``, ``plan`` and ``apply``: of associations, or of the whole file."""
    what = "associations and maintenance windows" if whole else "associations"
    export = leaf(
        sub,
        "export",
        f"write live {what} as a file to plan and apply",
        "_as_code:export",
    )
    _filter_options(export)
    export.add_argument(
        "-o",
        dest="out_file",
        type=Path,
        metavar="FILE",
        help="write to FILE (.yaml, .yml or .json) instead of stdout",
    )
    plan = leaf(
        sub,
        "plan",
        f"show what applying a file of {what} would do",
        "_as_code:plan_file",
    )
    plan.add_argument("file", type=Path, metavar="FILE", help=".yaml, .yml or .json")
    plan.add_argument(
        "--prune",
        action="store_true",
        help=f"also plan to delete {what} missing from the file (in its scope)",
    )
    plan.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 0 when in sync, 3 when changes are pending",
    )
    plan.add_argument(
        "--concurrency",
        type=_count,
        default=8,
        metavar="N",
        help="live resources read at once (default 8)",
    )
    apply = leaf(
        sub, "apply", f"make live {what} what a file says", "_as_code:apply_file"
    )
    apply.add_argument("file", type=Path, metavar="FILE", help=".yaml, .yml or .json")
    apply.add_argument(
        "--prune",
        action="store_true",
        help=f"also delete {what} missing from the file (in its scope)",
    )
    _pace_options(apply, default=4)
    _wait_options(apply, waves=True)
    apply.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help="append a JSON line per entry",
    )
    apply.add_argument("--yes", action="store_true", help="write without asking")
    for command in (export, plan, apply):
        command.set_defaults(whole=whole)
        if whole:
            _fleet_options(command)


def _pace_options(parser: argparse.ArgumentParser, *, default: int) -> None:
    parser.add_argument(
        "--concurrency",
        type=_count,
        default=default,
        metavar="N",
        help=f"associations at once (default {default})",
    )
    parser.add_argument(
        "--max-rate", type=float, metavar="R", help="at most R API calls a second"
    )


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 86_400:  # also refuses nan
        msg = f"{text!r} is not a number of seconds, more than 0, at most 86400"
        raise argparse.ArgumentTypeError(msg)
    return seconds


def _whole(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        msg = f"{text!r} is not a whole number, 0 or more"
        raise argparse.ArgumentTypeError(msg)
    return int(text)


def _wait_options(parser: argparse.ArgumentParser, *, waves: bool) -> None:
    parser.add_argument(
        "--wait",
        action="store_true",
        help="after each write, wait for the run it starts; exit 1 if one fails",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=600.0,
        metavar="SECONDS",
        help="with --wait, how long each run may take (default 600)",
    )
    if not waves:
        return
    parser.add_argument(
        "--canary",
        type=_count,
        metavar="N",
        help="with --wait, change N first and judge their runs before the rest",
    )
    parser.add_argument(
        "--max-failed-runs",
        type=_whole,
        metavar="K",
        help="with --wait, stop once more than K targets have failed",
    )


def _filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", help="document name")
    parser.add_argument("--association-name", help="association name")
    parser.add_argument("--instance-id", help="managed node id")
    parser.add_argument(
        "--status", help="association status (Pending, Success, Failed)"
    )
