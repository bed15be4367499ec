"""``ssmkit associations export``, ``plan`` and ``apply``: associations as code."""

from __future__ import annotations

import hashlib
import json
import sys
from typing import TYPE_CHECKING, Any

from rich.text import Text

from .._declared import ApplyResult, AssociationsPlan, dump_associations
from .._mask import MASK
from ._common import check_suffix, client_for, filters_of
from ._output import DECLINED, Column, UsageError, confirm, plural
from ._runs import (
    Report,
    Run,
    check_pace_options,
    check_wait_options,
    run_cell,
    sentence,
    stopped,
)

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from .._client import Client
    from ._output import Output

__all__ = ["apply_file", "export", "plan_file"]

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
    client = client_for(args)
    if args.out_file is not None:
        check_suffix(args.out_file, "-o")
        if args.out_file.is_dir():
            raise UsageError(f"-o: {args.out_file} is a directory, not a file")
    document, left_out = client.export_associations(
        filters=filters_of(args), show_sensitive=output.show_sensitive
    )
    count = len(document["Associations"])
    if args.out_file is not None:
        text = dump_associations(document, args.out_file)
        try:
            args.out_file.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"-o: cannot write {args.out_file}: {exc}") from None
        output.err.print(f"Wrote {plural(count, 'association')} to {args.out_file}.")
    elif output.json:
        output.emit_json(document)
    else:
        # To a terminal, or what reads like one: nothing in it acts on it.
        sys.stdout.write(dump_associations(document, "stdout.yaml", ascii_only=True))
        sys.stdout.flush()
    if left_out:
        output.err.print(
            f"Left out {len(left_out)} association(s) without a name, or whose "
            f"name another shares, which a file cannot tell apart: "
            f"{', '.join(left_out)}."
        )
    if not output.show_sensitive and MASK in json.dumps(document):
        output.err.print(
            f"Sensitive values are written as {MASK}: plan and apply keep the live "
            "value in their place. --show-sensitive writes them."
        )
    return 0


def _check_file(args: argparse.Namespace) -> None:
    check_suffix(args.file, "FILE")
    if args.file.is_dir():
        raise UsageError(f"{args.file} is a directory, not a file")
    if not args.file.is_file():
        raise UsageError(f"{args.file}: no such file")


def _plan(args: argparse.Namespace, client: Client) -> AssociationsPlan:
    _check_file(args)
    return client.plan_associations(args.file, prune=args.prune)


def _show_plan(plan: AssociationsPlan, output: Output) -> None:
    """The plan, each association and its changes, on stderr when stdout is JSON."""
    console = output.notes
    styles = {"create": "green", "update": "yellow", "delete": "red"}
    colours = {"add": "green", "remove": "red", "change": "yellow"}
    for entry in plan.associations:
        head, *lines = entry.render(show_sensitive=output.show_sensitive).split("\n")
        console.print(Text(head, style=f"bold {styles.get(entry.action, '')}".strip()))
        for line, change in zip(lines, entry.changes, strict=True):
            console.print(Text(line, style=colours[change.action]))
    output.err.print(plan.summary())


def plan_file(args: argparse.Namespace, output: Output) -> int:
    client = client_for(args)
    plan = _plan(args, client)
    _show_plan(plan, output)
    if output.json:
        output.emit_json(plan.to_json(show_sensitive=output.show_sensitive))
    return 3 if args.detailed_exitcode and plan.pending else 0


def apply_file(args: argparse.Namespace, output: Output) -> int:
    check_pace_options(args)
    check_wait_options(args)
    client = client_for(args)
    _check_file(args)
    # The report is checked before any call: a run must be able to record.
    fingerprint = hashlib.sha256(args.file.read_bytes()).hexdigest()[:16]
    report = Report(args.report, fingerprint) if args.report else None
    plan = _plan(args, client)
    _show_plan(plan, output)
    results: list[ApplyResult] = []
    if not plan.pending:
        output.err.print("Nothing to do: every association is as the file says.")
        if output.json:
            _emit(output, plan, results, interrupted=False)
        return 0
    if not args.yes and not confirm(_question(plan)):
        output.err.print("Nothing written.")
        if output.json:
            _emit(output, plan, results, interrupted=False)
        return DECLINED
    run: Run[ApplyResult] = Run(
        output,
        report,
        "applying",
        len(plan.associations),
        change=fingerprint,
        file=str(args.file),
    )
    interrupted = False
    try:
        with run.going("write"):
            client.apply_associations(
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
        reached = {r.name for r in run.results}
        run.never_started(
            ApplyResult(
                name=entry.name,
                association_id=entry.association_id,
                outcome="not_started",
                version_before=entry.version,
            )
            for entry in plan.associations
            if entry.action != "unchanged" and entry.name not in reached
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
    output.err.print(
        sentence(counts, interrupted=interrupted, not_started=not_started, what="write")
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


def _question(plan: AssociationsPlan) -> str:
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


def _results(
    plan: AssociationsPlan, results: Sequence[ApplyResult]
) -> list[dict[str, Any]]:
    """One result per entry of the plan, in its order, reached or not."""
    found = {result.name: result for result in results}
    rows = []
    for entry in plan.associations:
        result = found.get(entry.name)
        if result is not None:
            rows.append(result.to_json())
            continue
        rows.append(
            {
                "name": entry.name,
                "association_id": entry.association_id,
                # An entry already as the file says needs no call to stay so.
                "outcome": "unchanged"
                if entry.action == "unchanged"
                else "not_started",
                "version_before": entry.version,
                "version_after": None,
                "error": None,
            }
        )
    return rows


def _counts(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    return {o: sum(r["outcome"] == o for r in rows) for o in OUTCOMES}


def _emit(
    output: Output,
    plan: AssociationsPlan,
    results: Sequence[ApplyResult],
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
    output: Output, rows: Sequence[dict[str, Any]], *, interrupted: bool = False
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
    shown = []
    for row in rows:
        before, after = row["version_before"] or "", row["version_after"]
        version = before
        if after and after != before:
            version = f"{before} -> {after}" if before else after
        error = row["error"]
        cells = [row["name"], row["association_id"] or "", row["outcome"], version]
        if waited:
            cells.append(run_cell(row.get("run"), interrupted=interrupted))
        shown.append([*cells, error["message"] if error else ""])
    output.rows(
        [
            Column("name"),
            Column("association id"),
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
