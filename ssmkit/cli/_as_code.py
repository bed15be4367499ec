"""``ssmkit associations export``, ``plan`` and ``apply``: associations as code."""

from __future__ import annotations

import hashlib
import sys
from typing import TYPE_CHECKING, Any

import attrs
from rich.text import Text

from .._bulk import MAX_CONCURRENCY
from .._declared import (
    ApplyResult,
    AssociationsPlan,
    dump_associations,
)
from .._kinds import never_started
from .._plan import Plan
from .._windows_code import PlannedWindowPart, WindowResult
from ._common import check_suffix, client_for, filters_of, tell_masked
from ._fleet import apply_across, export_across, fleet_for, plan_across
from ._output import DECLINED, Column, UsageError, confirm, plural
from ._runs import (
    Report,
    Run,
    check_pace_options,
    check_wait_options,
    run_cell,
    runs_not_succeeded,
    sentence,
    stopped,
    version_cell,
)

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from .._client import Client
    from ._output import Output

__all__ = ["apply_file", "export", "plan_file", "schema"]

#: What applying did to each entry, in the order the counts list them. An
#: entry the run never reached (declined, or after Ctrl-C) is ``not_started``.
OUTCOMES = (
    "created",
    "changed",
    "unchanged",
    "deleted",
    "conflict",
    "failed",
    "not_started",
)


def export(args: argparse.Namespace, output: Output) -> int:
    fleet = fleet_for(args)
    if fleet is not None:
        return export_across(args, output, fleet)
    client = client_for(args)
    if args.out_file is not None:
        check_suffix(args.out_file, "-o")
        if args.out_file.is_dir():
            raise UsageError(f"-o: {args.out_file} is a directory, not a file")
        # Before the reads, which may be many: the file must be writable there.
        if not args.out_file.parent.is_dir():
            raise UsageError(f"-o: {args.out_file.parent}: no such directory")
    if args.whole:
        document, left_out = client.export(
            filters=filters_of(args), show_sensitive=output.show_sensitive
        )
    else:
        document, left_out = client.export_associations(
            filters=filters_of(args), show_sensitive=output.show_sensitive
        )
    count = plural(len(document["Associations"]), "association")
    if "MaintenanceWindows" in document:
        windows = len(document["MaintenanceWindows"])
        count += f" and {plural(windows, 'maintenance window')}"
    if args.out_file is not None:
        text = dump_associations(document, args.out_file)
        try:
            args.out_file.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"-o: cannot write {args.out_file}: {exc}") from None
        output.err.print(f"Wrote {count} to {args.out_file}.")
    elif output.json:
        output.emit_json(document)
    else:
        # To a terminal, or what reads like one: nothing in it acts on it.
        sys.stdout.write(dump_associations(document, "stdout.yaml", ascii_only=True))
        sys.stdout.flush()
    if left_out:
        what = "association(s)" if not args.whole else "resource(s)"
        output.err.print(
            f"Left out {len(left_out)} {what} without a name, or whose "
            f"name another shares, which a file cannot tell apart: "
            f"{', '.join(left_out)}."
        )
    tell_masked(output, document)
    return 0


def schema(args: argparse.Namespace, output: Output) -> int:
    """The file's JSON Schema, from the service model ssmkit runs with."""
    import botocore.session

    from .._schema import file_schema

    model = botocore.session.get_session().get_service_model("ssm")
    output.emit_json(file_schema(model))
    return 0


def _check_file(args: argparse.Namespace) -> None:
    check_suffix(args.file, "FILE")
    if args.file.is_dir():
        raise UsageError(f"{args.file} is a directory, not a file")
    if not args.file.is_file():
        raise UsageError(f"{args.file}: no such file")


def _plan(args: argparse.Namespace, client: Client) -> AssociationsPlan | Plan:
    _check_file(args)
    # Live resources read at once: apply's --concurrency serves its plan too.
    reads = args.concurrency
    if reads > MAX_CONCURRENCY:
        raise UsageError(
            f"--concurrency: must be a whole number from 1 to {MAX_CONCURRENCY}, "
            f"got {reads}"
        )
    if args.whole:
        return client.plan(args.file, prune=args.prune, concurrency=reads)
    return client.plan_associations(args.file, prune=args.prune, concurrency=reads)


def _show_plan(plan: AssociationsPlan | Plan, output: Output) -> None:
    """The plan, each entry and its changes, on stderr when stdout is JSON."""
    console = output.notes
    styles = {"create": "green", "update": "yellow", "delete": "red"}
    colours = {"add": "green", "remove": "red", "change": "yellow"}
    for entry in plan.entries:
        head, *lines = entry.render(show_sensitive=output.show_sensitive).split("\n")
        console.print(Text(head, style=f"bold {styles.get(entry.action, '')}".strip()))
        for line, change in zip(lines, entry.changes, strict=True):
            console.print(Text(line, style=colours[change.action]))
    output.err.print(plan.summary())


def plan_file(args: argparse.Namespace, output: Output) -> int:
    fleet = fleet_for(args)
    if fleet is not None:
        return plan_across(args, output, fleet)
    client = client_for(args)
    plan = _plan(args, client)
    _show_plan(plan, output)
    if output.json:
        output.emit_json(plan.to_json(show_sensitive=output.show_sensitive))
    return 3 if args.detailed_exitcode and plan.pending else 0


def apply_file(args: argparse.Namespace, output: Output) -> int:
    fleet = fleet_for(args)
    if fleet is not None:
        return apply_across(args, output, fleet)
    check_pace_options(args)
    check_wait_options(args)
    client = client_for(args)
    _check_file(args)
    # The report is checked before any call: a run must be able to record.
    fingerprint = hashlib.sha256(args.file.read_bytes()).hexdigest()[:16]
    report = Report(args.report, fingerprint) if args.report else None
    plan = _plan(args, client)
    _show_plan(plan, output)
    results: list[ApplyResult | WindowResult] = []
    if not plan.pending:
        what = "everything is" if args.whole else "every association is"
        output.err.print(f"Nothing to do: {what} as the file says.")
        if output.json:
            _emit(output, plan, results, interrupted=False)
        return 0
    if not args.yes and not confirm(_question(plan)):
        output.err.print("Nothing written.")
        if output.json:
            _emit(output, plan, results, interrupted=False)
        return DECLINED
    run: Run[ApplyResult | WindowResult] = Run(
        output,
        report,
        "applying",
        len(plan.entries),
        change=fingerprint,
        file=str(args.file),
    )
    interrupted = False
    carry_out: Any = (
        client.apply if isinstance(plan, Plan) else client.apply_associations
    )
    try:
        with run.going("write"):
            carry_out(
                plan,
                concurrency=args.concurrency,
                max_rate=args.max_rate,
                progress=run.record,
                wait=args.wait,
                timeout=args.timeout,
                canary=args.canary,
                max_failed_runs=args.max_failed_runs,
                watch=run.watch if args.wait else None,
            )
    except KeyboardInterrupt:
        interrupted = True
        reached = {_key(r) for r in run.results}
        run.never_started(
            never_started(entry)
            for entry in plan.entries
            if entry.action != "unchanged" and _key(entry) not in reached
        )
    results = run.results
    rows = _results(plan, results)
    if output.json:
        _emit(output, plan, results, interrupted=interrupted)
    else:
        shown = [r for r in rows if r["outcome"] != "not_started"]
        _table(output, shown, interrupted=interrupted)
    counts = _counts(rows)
    not_started = counts.pop("not_started")
    runs = runs_not_succeeded(rows, interrupted=interrupted)
    output.err.print(
        sentence(
            counts,
            interrupted=interrupted,
            not_started=not_started,
            what="write",
            runs_not_succeeded=runs,
        )
    )
    never = sum(r.outcome == "not_started" for r in results)
    if never and not interrupted:
        failed = sum(r.failed_targets for r in results)
        then = " (applying the file again goes on from there)"
        output.err.print(stopped(failed, args.max_failed_runs, never, then))
    if interrupted:
        return 130
    runs_failed = any(r.failed_targets for r in results)
    return 1 if counts["failed"] or counts["conflict"] or runs_failed else 0


def _question(plan: AssociationsPlan | Plan) -> str:
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
    noun = "association" if isinstance(plan, AssociationsPlan) else "resource"
    question = f"{what[0].upper()}{what[1:]} {noun}{'' if total == 1 else 's'}?"
    runs = sum(getattr(e, "runs", False) for e in plan.entries)
    if runs == 1:
        one = "it" if total == 1 else "one association"
        question += f" Once written, {one} runs at once on its targets."
    elif runs:
        them = "they" if runs == total else f"{runs} associations"
        question += f" Once written, {them} run at once on their targets."
    return question


def _key(item: Any) -> tuple[str, ...]:
    """What a plan's entry and its result have in common."""
    if isinstance(item, (PlannedWindowPart, WindowResult)):
        return (item.part, item.window, item.name)
    return ("association", item.name)


def _results(
    plan: AssociationsPlan | Plan, results: Sequence[ApplyResult | WindowResult]
) -> list[dict[str, Any]]:
    """One result per entry of the plan, in its order, reached or not."""
    found = {_key(result): result for result in results}
    rows = []
    for entry in plan.entries:
        result = found.get(_key(entry))
        if result is None:
            result = never_started(entry)
            if entry.action == "unchanged":
                # An entry already as the file says needs no call to stay so.
                result = attrs.evolve(result, outcome="unchanged")
        row = result.to_json()
        if isinstance(plan, Plan) and isinstance(result, ApplyResult):
            row = {"kind": "association", **row}
        rows.append(row)
    return rows


def _counts(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    return {o: sum(r["outcome"] == o for r in rows) for o in OUTCOMES}


def _emit(
    output: Output,
    plan: AssociationsPlan | Plan,
    results: Sequence[ApplyResult | WindowResult],
    *,
    interrupted: bool,
) -> None:
    rows = _results(plan, results)
    output.emit_json(
        {
            "plan": plan.to_json(show_sensitive=output.show_sensitive),
            "results": rows,
            "counts": _counts(rows),
            "interrupted": interrupted,
        }
    )


def _table(
    output: Output, rows: Sequence[dict[str, Any]], *, interrupted: bool
) -> None:
    if not rows:
        return
    styles = {
        "failed": "red",
        "conflict": "red",
        "created": "green",
        "changed": "green",
    }
    waited = any("run" in row for row in rows)
    whole = any("kind" in row for row in rows)
    shown = []
    for row in rows:
        version = version_cell(row)
        error = row["error"]
        if whole:
            kind = row["kind"].replace("maintenance_window", "window").replace("_", " ")
            name = (
                row["name"]
                if kind in ("association", "window")
                else (f"{row['window']}/{row['name']}")
            )
            identity = row.get("association_id") or row.get("id") or ""
            cells = [name, kind, identity, row["outcome"], version]
        else:
            cells = [row["name"], row["association_id"] or "", row["outcome"], version]
        if waited:
            cells.append(run_cell(row.get("run"), interrupted=interrupted))
        shown.append([*cells, error["message"] if error else ""])
    output.rows(
        [
            *([Column("name"), Column("kind"), Column("id")] if whole else []),
            *([] if whole else [Column("name"), Column("association id")]),
            Column("outcome"),
            Column("version"),
            *([Column("run")] if waited else []),
            Column("error", wraps=True),
        ],
        shown,
        styles=[
            "red"
            if (row.get("run") or {}).get("failed_targets")
            else styles.get(row["outcome"], "")
            for row in rows
        ],
    )
