"""Across accounts and Regions: ``--accounts``, ``--organization``, ``--ou``.

``associations list``, ``associations bulk-update``, ``export``, ``plan`` and
``apply`` run in every target an ``ssmkit.Fleet`` names: output is grouped by
account and Region, every JSON item carries ``account_id`` and ``region``, a
progress bar counts the targets, and a report's lines say where each result
was, so a rerun with it goes on from there.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

import boto3
import botocore.exceptions
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.text import Text

from .._convert import to_boto
from .._declared import dump_associations
from .._fleet import (
    NOT_STARTED,
    Fleet,
    FleetPlan,
    FleetProgress,
    FleetResult,
    FleetTarget,
    said,
)
from ._common import changes, check_endpoint, filters_of, tell_masked
from ._output import DECLINED, Column, UsageError, confirm, plural

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterator, Sequence
    from pathlib import Path

    from .._bulk import BulkResult
    from .._client import Client
    from ._output import Output

__all__ = [
    "apply_across",
    "bulk_update_across",
    "export_across",
    "fleet_for",
    "list_across",
    "plan_across",
]

_ACCOUNT = re.compile(r"[0-9]{12}")


def fleet_for(args: argparse.Namespace) -> Fleet | None:
    """The fleet the options name; ``None`` for the session's account alone."""
    accounts = getattr(args, "accounts", None)
    organization = getattr(args, "organization", False)
    units = getattr(args, "units", None)
    regions = getattr(args, "regions", None)
    role = getattr(args, "role", None)
    external_id = getattr(args, "external_id", None)
    chosen = [
        name
        for name, given in (
            ("--accounts", accounts is not None),
            ("--organization", organization),
            ("--ou", units is not None),
        )
        if given
    ]
    at_once = getattr(args, "fleet_concurrency", None)
    if not chosen and regions is None:
        if role is not None or external_id is not None:
            raise UsageError(
                "--role and --external-id need --accounts, --organization or --ou"
            )
        if at_once is not None:
            raise UsageError(
                "--fleet-concurrency needs --accounts, --organization, --ou "
                "or --regions"
            )
        return None
    if len(chosen) > 1:
        both = " and ".join(chosen)
        raise UsageError(f"give one of --accounts, --organization and --ou, not {both}")
    if args.region is not None and not args.region.strip():
        raise UsageError("--region: empty; give a region such as us-east-1")
    if args.endpoint_url is not None:
        check_endpoint(args.endpoint_url)
    try:
        session = boto3.session.Session(
            profile_name=args.profile, region_name=args.region
        )
    except botocore.exceptions.ProfileNotFound as exc:
        raise UsageError(str(exc)) from None
    if session.region_name is None:
        if not args.endpoint_url:
            raise UsageError(
                "no AWS region: pass --region (where the roles are assumed) "
                "or set AWS_DEFAULT_REGION"
            )
        session = boto3.session.Session(
            profile_name=args.profile, region_name="us-east-1"
        )
    named_regions: Any = None
    if regions is not None:
        named_regions = (
            "enabled" if regions.strip() == "enabled" else _listed(regions, "--regions")
        )
    options: dict[str, Any] = {
        "concurrency": 16 if at_once is None else at_once,
        "regions": named_regions,
        "session": session,
        "external_id": external_id,
        "endpoint_url": args.endpoint_url,
    }
    if role is not None:
        options["role_name"] = role
    if accounts is not None:
        options["accounts"] = _accounts(accounts)
    elif organization:
        options["organization"] = True
    elif units is not None:
        options["organizational_units"] = units
    else:  # --regions alone: the session's own account, in each Region
        if role is not None or external_id is not None:
            raise UsageError(
                "--role and --external-id need --accounts, --organization or --ou: "
                "--regions alone runs in the session's own account"
            )
        options["accounts"] = [_own_account(session, args.endpoint_url)]
    try:
        return Fleet(**options)
    except (TypeError, ValueError) as exc:
        flag = _flag_of(str(exc))
        raise UsageError(f"{flag}: {exc}") from None


def _flag_of(message: str) -> str:
    for word, flag in (
        ("Region", "--regions"),
        ("account id", "--accounts"),
        ("organizational unit", "--ou"),
        ("role_name", "--role"),
        ("external_id", "--external-id"),
        ("concurrency", "--fleet-concurrency"),
    ):
        if word in message:
            return flag
    return "ssmkit"


def _listed(text: str, flag: str) -> list[str]:
    found = [part.strip() for part in text.split(",")]
    if not all(found):
        raise UsageError(f"{flag}: an empty item in {text!r}")
    return found


def _accounts(text: str) -> list[str]:
    """``--accounts``: ids separated by commas, or ``@FILE`` of ids."""
    if text.startswith("@"):
        path = text[1:]
        try:
            # utf-8-sig: a file from Notepad or PowerShell starts with a BOM.
            with open(path, encoding="utf-8-sig") as handle:
                content = handle.read()
        except IsADirectoryError:
            raise UsageError(f"--accounts: {path} is a directory, not a file") from None
        except OSError as exc:
            raise UsageError(f"--accounts: {exc.strerror}: {path}") from None
        except UnicodeDecodeError:
            raise UsageError(f"--accounts: {path} is not UTF-8 text") from None
        ids = []
        for number, line in enumerate(content.splitlines(), 1):
            line = line.split("#", 1)[0]
            for part in re.split(r"[\s,]+", line.strip()):
                if not part:
                    continue
                if not _ACCOUNT.fullmatch(part):
                    shown = part[:40]
                    raise UsageError(
                        f"--accounts: {path}:{number}: {shown!r} is not an account id"
                    )
                ids.append(part)
        if not ids:
            raise UsageError(f"--accounts: {path} names no account")
        return ids
    ids = _listed(text, "--accounts")
    for part in ids:
        if not _ACCOUNT.fullmatch(part):
            raise UsageError(
                f"--accounts: {part[:40]!r} is not an account id (12 digits)"
            )
    return ids


def _own_account(session: boto3.session.Session, endpoint_url: str | None) -> str:
    from .._base_client import translated

    sts = session.client("sts", endpoint_url=endpoint_url)
    with translated("GetCallerIdentity", sts, {}):
        return str(sts.get_caller_identity()["Account"])


# -- what every command across a fleet shares -------------------------------------


@contextlib.contextmanager
def targets_bar(
    output: Output, label: str
) -> Iterator[Callable[[FleetProgress], None]]:
    """A transient bar on stderr over the targets, failed and skipped counted."""
    progress = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[said]}"),
        console=output.err,
        transient=True,
        # Not drawn where stderr is not a terminal, which it would leave a
        # blank line in.
        disable=not output.err.is_terminal,
    )
    with progress:
        task = progress.add_task(label, total=None, said="targets")

        def tell(now: FleetProgress) -> None:
            counts = [
                f"{n} {what}"
                for n, what in ((now.failed, "failed"), (now.skipped, "skipped"))
                if n
            ]
            progress.update(
                task,
                completed=now.done,
                total=now.done + now.remaining,
                said=f"targets{': ' if counts else ''}{', '.join(counts)}",
            )

        yield tell


def heading(output: Output, result: FleetResult[Any]) -> None:
    """The line a target's rows are grouped under, on stdout."""
    output.out.print(
        Text(f"== account {result.account_id}, {result.region}", style="bold")
    )


def _where(result: FleetResult[Any]) -> dict[str, Any]:
    return {"account_id": result.account_id, "region": result.region}


def target_json(result: FleetResult[Any]) -> dict[str, Any]:
    """A target's outcome in JSON: where, how it went, and why."""
    found: dict[str, Any] = {**_where(result), "outcome": result.outcome}
    if result.error is not None:
        found["error"] = said(result.error)
    if result.reason is not None:
        found["reason"] = result.reason
    return found


def tell_troubles(output: Output, results: Sequence[FleetResult[Any]]) -> None:
    """One line on stderr for each target that failed or was skipped."""
    for result in results:
        where = f"account {result.account_id}, {result.region or 'its Regions'}"
        if result.outcome == "failed":
            output.err.print(
                Text(f"{where}: failed: {said(result.error)}", style="red")
            )
        elif result.outcome == "skipped" and result.reason != NOT_STARTED:
            output.err.print(f"{where}: skipped: {result.reason}")


def never_said(output: Output, never: Sequence[FleetTarget], then: str) -> None:
    """One line for the targets a stop left unstarted: the first few, counted."""
    if not never:
        return
    named = ", ".join(f"{t.account_id}/{t.region}" for t in never[:4])
    more = f" and {len(never) - 4} more" if len(never) > 4 else ""
    output.err.print(
        f"{plural(len(never), 'target')} never started: {named}{more}{then}."
    )


def _with_never_started(
    results: Sequence[FleetResult[Any]], never: Sequence[FleetTarget]
) -> list[FleetResult[Any]]:
    """Each target once: ``results``, and the unstarted ones never told of."""
    told = {r.target for r in results}
    unstarted = [
        FleetResult[Any](t.account_id, t.region, "skipped", reason=NOT_STARTED)
        for t in never
        if t not in told
    ]
    return [*results, *unstarted]


def _ended(results: Sequence[FleetResult[Any]]) -> str:
    """The last line: the targets done, failed and skipped, each once."""
    counts = {
        o: sum(r.outcome == o for r in results) for o in ("ok", "failed", "skipped")
    }
    return (
        f"Targets: {counts['ok']} done, {counts['failed']} failed, "
        f"{counts['skipped']} skipped."
    )


# -- associations list ------------------------------------------------------------


def list_across(args: argparse.Namespace, output: Output, fleet: Fleet) -> int:
    request: dict[str, Any] = {}
    filters = filters_of(args)
    if filters:
        request["AssociationFilterList"] = to_boto(filters)

    def read(client: Client, account_id: str, region: str) -> list[dict[str, Any]]:
        from .._base_client import translated

        shape = client.boto3_client.meta.service_model.shape_for("Association")
        paginator = client.boto3_client.get_paginator("list_associations")
        with translated("ListAssociations", client.boto3_client):
            return [
                output.masked(item, shape)
                for page in paginator.paginate(**request)
                for item in page.get("Associations", [])
            ]

    with targets_bar(output, "listing") as tell:
        results = fleet.map(read, progress=tell)
    items = [
        {**_where(result), **item} for result in results for item in result.value or ()
    ]
    if output.json:
        output.emit_json(
            {"Associations": items, "targets": [target_json(r) for r in results]}
        )
    elif items:
        from ._associations import LISTED, listed_cells

        for result in results:
            if result.value:
                heading(output, result)
                output.rows(LISTED, [listed_cells(item) for item in result.value])
    else:
        output.err.print("None found.")
    tell_troubles(output, results)
    output.err.print(_ended(results))
    return 1 if any(r.outcome == "failed" for r in results) else 0


# -- export -----------------------------------------------------------------------


def export_across(args: argparse.Namespace, output: Output, fleet: Fleet) -> int:
    out: Path | None = args.out_file
    if out is not None and out.exists() and not out.is_dir():
        raise UsageError(
            f"-o: {out} is a file; across accounts, -o names a directory that "
            "gets one file per account and Region"
        )
    filters = filters_of(args)
    with targets_bar(output, "exporting") as tell:
        results = fleet.export(
            filters=filters, show_sensitive=output.show_sensitive, progress=tell
        )
    if out is not None:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"-o: cannot make {out}: {exc}") from None
    documents = []
    for result in results:
        if result.value is None:
            continue
        document, left_out = result.value
        documents.append((result, document, left_out))
        if out is not None:
            path = out / f"{result.account_id}-{result.region}.yaml"
            try:
                path.write_text(dump_associations(document, path), encoding="utf-8")
            except OSError as exc:
                raise UsageError(f"-o: cannot write {path}: {exc}") from None
    if out is not None:
        output.err.print(f"Wrote {plural(len(documents), 'file')} to {out}.")
    elif output.json:
        output.emit_json(
            {
                "targets": [
                    {
                        **target_json(result),
                        **(
                            {"document": result.value[0], "left_out": result.value[1]}
                            if result.value is not None
                            else {}
                        ),
                    }
                    for result in results
                ]
            }
        )
    else:
        import sys

        for result, document, _ in documents:
            head = f"# account {result.account_id}, {result.region}\n"
            text = dump_associations(document, "stdout.yaml", ascii_only=True)
            sys.stdout.write(f"---\n{head}{text}")
        sys.stdout.flush()
    for result, _, left_out in documents:
        if left_out:
            output.err.print(
                f"account {result.account_id}, {result.region}: left out "
                f"{len(left_out)} resource(s) without a name, or whose name "
                f"another shares: {', '.join(left_out)}."
            )
    tell_masked(output, *(document for _, document, _ in documents))
    tell_troubles(output, results)
    output.err.print(_ended(results))
    return 1 if any(r.outcome == "failed" for r in results) else 0


# -- plan and apply ---------------------------------------------------------------


def _plan(args: argparse.Namespace, output: Output, fleet: Fleet) -> FleetPlan:
    with targets_bar(output, "planning") as tell:
        return fleet.plan(args.file, prune=args.prune, progress=tell)


def show_fleet_plan(plan: FleetPlan, output: Output) -> None:
    """The plan, grouped by account and Region, on stderr when stdout is JSON."""
    console = output.notes
    styles = {"create": "green", "update": "yellow", "delete": "red"}
    colours = {"add": "green", "remove": "red", "change": "yellow"}
    for result in plan.targets:
        head = f"== account {result.account_id}, {result.region}"
        if result.outcome == "failed":
            console.print(
                Text(f"{head}: not planned: {said(result.error)}", style="red")
            )
            continue
        if result.outcome == "skipped":
            console.print(f"{head}: skipped: {result.reason}")
            continue
        target = result.value
        if target is None or not target.pending:
            console.print(f"{head}: as the file says")
            continue
        console.print(Text(head, style="bold"))
        for entry in target.entries:
            if entry.action == "unchanged":
                continue
            first, *lines = entry.render(show_sensitive=output.show_sensitive).split(
                "\n"
            )
            console.print(
                Text(first, style=f"bold {styles.get(entry.action, '')}".strip())
            )
            for line, change in zip(lines, entry.changes, strict=True):
                console.print(Text(line, style=colours[change.action]))
    output.err.print(plan.summary())


def plan_across(args: argparse.Namespace, output: Output, fleet: Fleet) -> int:
    plan = _plan(args, output, fleet)
    show_fleet_plan(plan, output)
    if output.json:
        output.emit_json(plan.to_json(show_sensitive=output.show_sensitive))
    if plan.failed:
        return 1
    return 3 if args.detailed_exitcode and plan.pending else 0


def _question(plan: FleetPlan) -> str:
    n = plan.counts()
    parts = [
        f"{verb} {n[action]}"
        for verb, action in (
            ("create", "create"),
            ("write", "update"),
            ("delete", "delete"),
        )
        if n[action]
    ]
    where = sum(r.value is not None and r.value.pending for r in plan.targets)
    total = n["create"] + n["update"] + n["delete"]
    what = " and ".join(parts)
    return (
        f"{what[0].upper()}{what[1:]} resource{'' if total == 1 else 's'} in "
        f"{plural(where, 'target')} (account and Region)?"
    )


def apply_across(args: argparse.Namespace, output: Output, fleet: Fleet) -> int:
    from ._as_code import OUTCOMES, _check_file
    from ._runs import runs_not_succeeded, sentence

    _check_file(args)
    fingerprint = hashlib.sha256(args.file.read_bytes()).hexdigest()[:16]
    report = _report_handle(args)
    plan = _plan(args, output, fleet)
    show_fleet_plan(plan, output)
    if not plan.pending:
        output.err.print("Nothing to do: everything is as the file says.")
        tell_troubles(output, plan.targets)
        if output.json:
            _emit_apply(output, plan, [], interrupted=False)
        return 1 if plan.failed else 0
    if not args.yes and not confirm(_question(plan)):
        output.err.print("Nothing written.")
        if output.json:
            _emit_apply(output, plan, [], interrupted=False)
        return DECLINED
    recorder = _Recorder(
        output, args.report, report, change=fingerprint, file=str(args.file)
    )
    ended = recorder.ended

    interrupted = False
    try:
        with output.interrupts.during("target"), targets_bar(output, "applying") as bar:

            def told(now: FleetProgress) -> None:
                recorder(now, _rows(now.result))
                bar(now)

            fleet.apply(
                plan,
                concurrency=args.concurrency,
                max_rate=args.max_rate,
                progress=told,
                wait=args.wait,
                timeout=args.timeout,
                canary=args.canary,
                max_failed_runs=args.max_failed_runs,
            )
    except KeyboardInterrupt:
        interrupted = True
    finally:
        recorder.close()
    # In the plan's order, whichever target ended first.
    order = {r.target: n for n, r in enumerate(plan.targets)}
    ended.sort(key=lambda r: order.get(r.target, len(order)))
    rows = [row for result in ended for row in _rows(result)]
    if output.json:
        _emit_apply(output, plan, ended, interrupted=interrupted)
    elif rows:
        _table(output, ended, interrupted=interrupted)
    counts = {o: sum(r["outcome"] == o for r in rows) for o in OUTCOMES}
    # As an apply in one account says it: "2 created and 1 changed."
    written = any(counts.values())
    runs = runs_not_succeeded(rows, interrupted=interrupted)
    said = sentence(
        counts, interrupted=interrupted, what="write", runs_not_succeeded=runs
    )
    output.err.print(said if written else "Nothing written.")
    tell_troubles(output, ended)
    reached = {r.target for r in ended if r.reason != NOT_STARTED}
    never = [r for r in plan.targets if r.value is not None and r.value.pending]
    never = [r for r in never if r.target not in reached]
    never_said(
        output,
        [r.target for r in never],
        " (applying the file again goes on from there)",
    )
    output.err.print(_ended(_with_never_started(ended, [r.target for r in never])))
    broken = recorder.said()
    if interrupted:
        return 130
    return 1 if broken or any(r.outcome == "failed" for r in ended) else 0


class _Recorder:
    """Each target as it ends: kept, and its lines written to the report.

    A report that cannot be written any more (a full disk) is said once, at
    the end; the run goes on, and its results are shown all the same.
    """

    def __init__(
        self, output: Output, path: Path | None, handle: Any, **extra: str
    ) -> None:
        self.output = output
        self.path = path
        self.handle = handle
        self.extra = extra
        self.ended: list[FleetResult[Any]] = []
        self._recorded: set[int] = set()  # of results kept in self.ended
        self.broken: str | None = None

    def __call__(self, now: FleetProgress, rows: list[dict[str, Any]]) -> None:
        if id(now.result) in self._recorded:
            return  # passed on again after a Ctrl-C: recorded already
        with self.output.interrupts.recording():
            self.ended.append(now.result)
            self._recorded.add(id(now.result))
            if self.handle is None or self.broken is not None:
                return
            if not rows and now.result.outcome == "failed":
                # A target out of reach: its line says so, for the record.
                rows = [{**target_json(now.result), "kind": "target"}]
            try:
                for row in rows:
                    self.handle.write(json.dumps({**row, **self.extra}) + "\n")
                self.handle.flush()
            except OSError as exc:
                self.broken = f"--report: cannot write {self.path}: {exc.strerror}"

    def close(self) -> None:
        if self.handle is None:
            return
        try:
            self.handle.close()
        except OSError as exc:
            self.broken = self.broken or (
                f"--report: cannot write {self.path}: {exc.strerror}"
            )

    def said(self) -> bool:
        """Say, last, that the report lacks lines; whether it does."""
        if self.broken is None:
            return False
        self.output.err.print(
            Text(
                f"ssmkit: error: {self.broken}; it lacks what followed "
                "(the results above are whole)",
                style="red",
            )
        )
        return True


def _report_handle(args: argparse.Namespace) -> Any:
    """The report, opened to append before any call; or None."""
    if not args.report:
        return None
    from ._runs import Report

    checked = Report(args.report, "")  # refuses what could not be written
    return checked.open()


def _rows(result: FleetResult[Any]) -> list[dict[str, Any]]:
    """A target's results as rows, each with its account and Region."""
    if result.value is None:
        return []
    rows = []
    for done in result.value:
        row = done.to_json()
        if "kind" not in row:
            row = {"kind": "association", **row}
        rows.append({**_where(result), **row})
    return rows


def _emit_apply(
    output: Output,
    plan: FleetPlan,
    ended: Sequence[FleetResult[Any]],
    *,
    interrupted: bool,
) -> None:
    from .._kinds import never_started
    from ._as_code import OUTCOMES

    rows = [row for result in ended for row in _rows(result)]
    targets = [target_json(r) for r in ended if r.reason != NOT_STARTED]
    reached = {r.target for r in ended if r.reason != NOT_STARTED}
    for result in plan.targets:
        target = result.value
        if target is None or not target.pending or result.target in reached:
            continue
        # Never started (Ctrl-C, a rollout stopped, or declined): said so.
        if ended:
            targets.append(
                {**_where(result), "outcome": "skipped", "reason": NOT_STARTED}
            )
        rows += [
            {**_where(result), "kind": "association", **never_started(e).to_json()}
            for e in target.entries
            if e.action != "unchanged"
        ]
    output.emit_json(
        {
            "plan": plan.to_json(show_sensitive=output.show_sensitive),
            "results": rows,
            "targets": targets,
            "counts": {o: sum(r["outcome"] == o for r in rows) for o in OUTCOMES},
            "interrupted": interrupted,
        }
    )


def _table(
    output: Output, ended: Sequence[FleetResult[Any]], *, interrupted: bool
) -> None:
    """Each target's results under its heading, as ``ssmkit apply`` shows them."""
    from ._as_code import _table as results_table

    for result in ended:
        rows = _rows(result)
        if rows:
            heading(output, result)
            results_table(output, rows, interrupted=interrupted)


# -- bulk-update ------------------------------------------------------------------


def bulk_update_across(args: argparse.Namespace, output: Output, fleet: Fleet) -> int:
    from ._runs import (
        check_pace_options,
        check_wait_options,
        runs_not_succeeded,
        sentence,
        version_cell,
    )

    check_pace_options(args)
    check_wait_options(args)
    if args.ids_from is not None:
        raise UsageError(
            "--ids-from: an id is one account's and Region's; across accounts, "
            "select with filters (--name, --association-name, ...)"
        )
    filters = filters_of(args)
    if not filters:
        raise UsageError("select associations with a filter (--name, ...)")
    from .._client import Client as Made

    model = Made(boto3_client=fleet._client("ssm"))
    change = changes(model, "UpdateAssociation", args)
    fingerprint = change.fingerprint()
    done: set[tuple[str, str, str]] = set()
    if args.report:
        from ._runs import Report

        done = Report(args.report, fingerprint).done_across
        if done and change.sensitive:
            output.err.print(
                "The change sets a sensitive value, which reports do not record: "
                "every association is read again (those already so are unchanged)."
            )
            done = set()
    report = _report_handle(args)

    def select(client: Client, account_id: str, region: str) -> list[str]:
        return [
            a.association_id
            for a in client.list_associations(association_filter_list=filters)
            if a.association_id and (account_id, region, a.association_id) not in done
        ]

    with targets_bar(output, "selecting") as tell:
        selected = fleet.map(select, progress=tell)
    chosen = {
        (r.account_id, r.region): r.value for r in selected if r.value is not None
    }
    total = sum(len(ids) for ids in chosen.values())
    where = sum(bool(ids) for ids in chosen.values())
    tell_troubles(output, selected)
    output.err.print(
        f"Selected {plural(total, 'association')} in {plural(where, 'target')}"
        + (f"; {len(done)} skipped as done in an earlier run." if done else ".")
    )
    if total:
        output.err.print(f"The change: {change.describe()}.")
    if total and not args.yes and not args.dry_run:
        question = (
            f"Apply it to {plural(total, 'association')} in "
            f"{plural(where, 'target')} (those it changes are written)?"
        )
        if change.paths.get("apply_only_at_cron_interval") is not True:
            question += (
                " Each one written runs at once on its targets, unless it has"
                " apply_only_at_cron_interval set."
            )
        if not confirm(question):
            output.err.print("Nothing written.")
            if report is not None:
                report.close()
            return DECLINED
    recorder = _Recorder(output, args.report, report, change=fingerprint)
    ended: list[FleetResult[list[BulkResult]]] = recorder.ended

    interrupted = False
    targets = {k: v for k, v in chosen.items() if v}
    try:
        with output.interrupts.during("target"), targets_bar(output, "updating") as bar:

            def told(now: FleetProgress) -> None:
                rows = [
                    {**_where(now.result), **done.to_json()}
                    for done in now.result.value or ()
                ]
                recorder(now, rows)
                bar(now)

            if targets:
                fleet.update_associations(
                    association_ids=targets,
                    concurrency=args.concurrency,
                    max_rate=args.max_rate,
                    progress=told,
                    dry_run=args.dry_run,
                    paths=change.paths,
                    wait=args.wait,
                    timeout=args.timeout,
                    canary=args.canary,
                    max_failed_runs=args.max_failed_runs,
                )
    except KeyboardInterrupt:
        interrupted = True
    finally:
        recorder.close()
    order = {r.target: n for n, r in enumerate(selected)}
    ended.sort(key=lambda r: order.get(r.target, len(order)))
    rows = [{**_where(r), **b.to_json()} for r in ended for b in r.value or ()]
    # Left unstarted by a stop or a Ctrl-C: a target told of as such, or not.
    reached = {r.target for r in ended if r.reason != NOT_STARTED}
    never = [FleetTarget(*t) for t in targets if FleetTarget(*t) not in reached]
    # Each target once, in the order selected: where the selection failed or
    # found nothing, as it ended then; the others as their updates ended, or
    # skipped, never started.
    finals = _with_never_started([*(r for r in selected if not r.value), *ended], never)
    finals.sort(key=lambda r: order.get(r.target, len(order)))
    if output.json:
        output.emit_json(
            {
                "results": rows,
                "targets": [target_json(r) for r in finals],
                "interrupted": interrupted,
            }
        )
    elif rows:
        for result in ended:
            if not result.value:
                continue
            heading(output, result)
            changed = [
                "; ".join(
                    c.render(show_sensitive=output.show_sensitive)
                    for c in done.plan.changes
                )
                if done.plan is not None
                else ""
                for done in result.value
            ]
            output.rows(
                [
                    Column("association id"),
                    Column("outcome"),
                    Column("version"),
                    *([Column("changes", wraps=True)] if any(changed) else []),
                    Column("error", wraps=True),
                ],
                [
                    [
                        done.association_id,
                        done.outcome,
                        version_cell(done.to_json()),
                        *([shown] if any(changed) else []),
                        str(done.error or ""),
                    ]
                    for done, shown in zip(result.value, changed, strict=True)
                ],
            )
    # As a bulk update in one account says it: "2 changed and 1 unchanged."
    outcomes = ("changed", "unchanged", "planned", "failed", "not_started")
    counts = {o: sum(row["outcome"] == o for row in rows) for o in outcomes}
    runs = runs_not_succeeded(rows, interrupted=interrupted)
    said = sentence(counts, interrupted=interrupted, runs_not_succeeded=runs)
    if not any(counts.values()):
        said = "Nothing to update." if not total else "Nothing written."
    output.err.print(said)
    tell_troubles(output, ended)
    then = " (a rerun with this --report goes on from there)" if report else ""
    never_said(output, never, then)
    if targets or selected:
        output.err.print(_ended(finals))
    broken = recorder.said()
    if interrupted:
        return 130
    failed = any(r.outcome == "failed" for r in finals)
    return 1 if failed or broken else 0
