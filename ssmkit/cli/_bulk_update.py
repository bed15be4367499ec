"""``ssmkit associations bulk-update``: one change to many associations."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text

from .. import errors
from .._bulk import BulkResult, paced
from .._operations import Operations
from ._common import call, changes, client_for, filters_of, plan_json
from ._fleet import bulk_update_across, fleet_for
from ._output import DECLINED, Column, UsageError, confirm, escape_controls, plural
from ._parser import ASSOCIATION_ID
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
    from pathlib import Path

    from .._client import Client
    from ._common import Edit
    from ._output import Output

__all__ = ["bulk_update"]

#: The fewest associations the question lists before the count of the rest.
FEWEST_SHOWN = 5


def bulk_update(args: argparse.Namespace, output: Output) -> int:
    fleet = fleet_for(args)
    if fleet is not None:
        return bulk_update_across(args, output, fleet)
    check_pace_options(args)
    check_wait_options(args)
    client = client_for(args)
    change = changes(client, "UpdateAssociation", args)
    filters = filters_of(args)
    if args.ids_from is not None and filters:
        raise UsageError("give --ids-from or filters, not both")
    if args.ids_from is None and not filters:
        raise UsageError(
            "select associations with --ids-from FILE or a filter (--name, ...)"
        )
    fingerprint = change.fingerprint()
    report = Report(args.report, fingerprint) if args.report else None
    done = report.done if report else set()
    if done and change.sensitive:
        # The report holds no trace of a sensitive value: whether an earlier
        # run wrote this very value cannot be told, so nothing is skipped.
        output.err.print(
            "The change sets a sensitive value, which reports do not record: "
            "every association is read again (those already so are unchanged)."
        )
        done = set()
    if report is not None and report.other_changes:
        output.err.print(
            f"{args.report} records {report.other_changes} result(s) of another "
            "change; they are not skipped."
        )
    # The selection is known whole before the first write: the question lists
    # it, the progress bar counts it, and a Ctrl-C can say what never started.
    known: dict[str, tuple[str, str]] = {}
    if args.ids_from is not None:
        ids = _ids_from(args.ids_from)
    else:
        pages = Operations(
            boto3_client=paced(client.boto3_client, args.max_rate, threading.Event())
        )
        ids = []
        for found in pages.list_associations(association_filter_list=filters):
            if found.association_id:
                ids.append(found.association_id)
                known[found.association_id] = (
                    found.association_name or "",
                    found.name or "",
                )
    todo = [i for i in dict.fromkeys(ids) if i not in done]
    skipped = len(set(ids) & done)
    if (
        not args.yes
        and not args.dry_run
        and not _agreed(client, output, change, todo, known)
    ):
        output.err.print("Nothing written.")
        if output.json:
            _emit(output, [], skipped=skipped, interrupted=False, not_started=len(todo))
        return DECLINED
    run: Run[BulkResult] = Run(
        output,
        report,
        "planning" if args.dry_run else "updating",
        len(todo),
        change=fingerprint,
    )
    interrupted = False
    try:
        with run.going("update"):
            # In selection order; after Ctrl-C, the results as they came.
            results = client.update_associations(
                association_ids=todo,
                concurrency=args.concurrency,
                max_rate=args.max_rate,
                progress=run.record,
                dry_run=args.dry_run,
                paths=change.paths,
                wait=args.wait,
                timeout=args.timeout,
                canary=args.canary,
                max_failed_runs=args.max_failed_runs,
                watch=run.watch if args.wait else None,
            )
    except KeyboardInterrupt:
        interrupted = True
        started = {r.association_id for r in run.results}
        run.never_started(
            BulkResult(association_id=i, outcome="not_started")
            for i in todo
            if i not in started
        )
        results = run.results
    reached = [r for r in results if r.outcome != "not_started"]
    _summary(
        output,
        results,
        skipped=skipped,
        interrupted=interrupted,
        not_started=len(todo) - len(reached),
        waited=args.wait,
    )
    if len(reached) < len(results) and not interrupted:
        failed = sum(r.failed_targets for r in reached)
        then = " (a rerun with this --report goes on from there)" if report else ""
        never = len(results) - len(reached)
        output.err.print(stopped(failed, args.max_failed_runs, never, then))
    if interrupted:
        return 130
    if any(r.outcome == "failed" or r.failed_targets for r in results):
        return 1  # a write refused, or a run that failed or did not finish
    keys = change.key_clears()
    if (
        results
        and len(keys) == len(change.paths)
        and all(r.outcome == "unchanged" for r in results)
    ):
        # Only map keys to clear, and not one association had them: a typo.
        whom = (
            "the association has no such key"
            if len(results) == 1
            else f"none of the {len(results)} associations has such a key"
        )
        output.err.print(f"ssmkit: error: --clear {', '.join(keys)}: {whom}")
        return 2
    return 0


def _ids_from(path: Path) -> list[str]:
    try:
        # utf-8-sig: a file from Notepad or PowerShell starts with a BOM.
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except IsADirectoryError:
        raise UsageError(f"--ids-from: {path} is a directory, not a file") from None
    except OSError as exc:
        raise UsageError(f"--ids-from: {exc.strerror}: {path}") from None
    except UnicodeDecodeError:
        raise UsageError(f"--ids-from: {path} is not UTF-8 text") from None
    ids = []
    for number, line in enumerate(lines, 1):
        found = line.strip()
        if not found:
            continue
        if not ASSOCIATION_ID.fullmatch(found):
            shown = escape_controls(found[:60])
            raise UsageError(
                f"--ids-from: {path}:{number}: '{shown}' is not an association id"
            )
        ids.append(found)
    return ids


def _agreed(
    client: Client,
    output: Output,
    change: Edit,
    todo: list[str],
    known: dict[str, tuple[str, str]],
) -> bool:
    """Show what was selected, ask, and say whether the answer was yes."""
    if not todo:
        return True  # nothing to write: the summary says so
    # One line each, the names aligned, so that a screenful holds the most.
    shown = todo[: max(FEWEST_SHOWN, output.err.size.height - 6)]
    for association_id in shown:
        if association_id not in known:
            known[association_id] = _described(client, association_id)
    width = max(cell_len(escape_controls(known[i][0])) for i in shown)
    output.err.print(f"Selected {plural(len(todo), 'association')}:")
    for association_id in shown:
        name, document = (escape_controls(text) for text in known[association_id])
        padding = " " * (width - cell_len(name))
        line = f"  {association_id}  {name}{padding}  {document}"
        output.err.print(Text(line.rstrip()))
    if len(todo) > len(shown):
        output.err.print(f"  ... and {len(todo) - len(shown)} more.")
    question = (
        f"Apply {change.describe()} to {plural(len(todo), 'association')} "
        "(those it changes are written)?"
    )
    # Whether each runs depends on its own ApplyOnlyAtCronInterval.
    if change.paths.get("apply_only_at_cron_interval") is not True:
        question += (
            " Each one written runs at once on its targets, unless it has"
            " apply_only_at_cron_interval set."
        )
    return confirm(question)


def _described(client: Client, association_id: str) -> tuple[str, str]:
    """An association's name and document, as the question shows them."""
    try:
        answer = call(client, "DescribeAssociation", AssociationId=association_id)
    except errors.AssociationDoesNotExist:
        return ("(no such association)", "")
    found = answer["AssociationDescription"]
    return (found.get("AssociationName", ""), found.get("Name", ""))


def _summary(
    output: Output,
    results: list[BulkResult],
    *,
    skipped: int,
    interrupted: bool,
    not_started: int,
    waited: bool,
) -> None:
    counts = _counts(results)
    if output.json:
        _emit(
            output,
            results,
            skipped=skipped,
            interrupted=interrupted,
            not_started=not_started,
        )
    else:
        for result in results:
            if result.outcome == "planned" and result.plan is not None:
                output.plan(result.plan, f"association {result.association_id}")
        shown = [r for r in results if r.outcome != "not_started"]
        rows = []
        for result in shown:
            data = result.to_json()
            row = [result.association_id, result.outcome, version_cell(data)]
            if waited:
                row.append(run_cell(data.get("run"), interrupted=interrupted))
            rows.append([*row, str(result.error) if result.error else ""])
        if rows:
            output.rows(
                [
                    Column("association id"),
                    Column("outcome"),
                    Column("version"),
                    *([Column("run")] if waited else []),
                    Column("error", wraps=True),
                ],
                rows,
                styles=[
                    "red"
                    if r.outcome == "failed" or r.failed_targets
                    else {"changed": "green"}.get(r.outcome, "")
                    for r in shown
                ],
            )
    runs = runs_not_succeeded((r.to_json() for r in results), interrupted=interrupted)
    output.err.print(
        sentence(
            counts,
            skipped=skipped,
            interrupted=interrupted,
            not_started=not_started,
            runs_not_succeeded=runs,
        )
    )


def _counts(results: list[BulkResult]) -> dict[str, int]:
    outcomes = ("changed", "unchanged", "planned", "failed")
    return {o: sum(r.outcome == o for r in results) for o in outcomes}


def _emit(
    output: Output,
    results: list[BulkResult],
    *,
    skipped: int,
    interrupted: bool,
    not_started: int,
) -> None:
    output.emit_json(
        {
            "results": [_result_json(r, output) for r in results],
            "counts": _counts(results),
            "skipped": skipped,
            "not_started": not_started,
            "interrupted": interrupted,
        }
    )


def _result_json(result: BulkResult, output: Output) -> dict[str, Any]:
    data = result.to_json()
    if result.plan is not None:
        data["changes"] = plan_json(result.plan, output)["changes"]
    return data
