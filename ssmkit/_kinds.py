"""The kinds of resource a file holds, each behind one interface.

The whole-file planner and applier (``ssmkit._plan``) know kinds only
through this: a kind's top-level key, how its entries are checked before
any call, planned against the service, carried out, and exported. Each kind's
own module does the work; adding a kind is that module and one entry in
``KINDS``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from ._declared import (
    ApplyResult,
    AssociationsPlan,
    Desired,
    PlannedAssociation,
    apply_associations,
    association_problems,
    export_associations,
    plan_read_associations,
)
from ._windows_code import (
    KEY,
    PlannedWindowPart,
    WindowResult,
    export_windows,
    not_started,
    plan_windows,
    window_problems,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["KINDS", "Kind", "Options", "never_started"]

Raw = dict[str, Any]


@attrs.frozen(kw_only=True)
class Options:
    """How a plan is carried out, as ``ssmkit.Client.apply`` was asked."""

    concurrency: int = 4
    max_rate: float | None = None
    progress: Callable[[Any], object] | None = None
    wait: bool = False
    timeout: float = 600.0
    canary: int | None = None
    max_failed_runs: int | None = None
    watch: Callable[[Any], object] | None = None
    #: A run's around this one (a fleet's): set, no write starts.
    stop: threading.Event | None = None
    #: Set on Ctrl-C of that run: the waits end too.
    interrupted: threading.Event | None = None


@attrs.frozen(kw_only=True)
class Kind:
    """One kind of resource a file holds.

    Attributes:
        key: Its top-level key in a file.
        json_key: Its key in a plan's JSON.
        problems: Everything wrong with the file's entries, before any call.
        plan: The entries planned against the service (reading up to a
            given number at once), in the order they are carried out, and
            every problem found live.
        apply: The planned entries carried out; one result each.
        never: The result of an entry never carried out.
        export: The live resources as entries, and the ids of those left out.
        stopped: Whether its results say a rollout stopped, so that no
            later kind starts.
    """

    key: str
    json_key: str
    problems: Callable[[Any, Any], list[str]]
    plan: Callable[
        [Any, list[Raw], bool, str | None, str, int],
        tuple[tuple[Any, ...], list[str]],
    ]
    apply: Callable[[Any, tuple[Any, ...], Options], list[Any]]
    never: Callable[[Any], Any]
    export: Callable[[Any, Any, bool], tuple[list[Raw], list[str]]]
    stopped: Callable[[list[Any]], bool] = lambda results: False


def _plan_associations(
    boto3_client: Any,
    entries: list[Raw],
    prune: bool,
    prefix: str | None,
    source: str,
    concurrency: int,
) -> tuple[tuple[PlannedAssociation, ...], list[str]]:
    read = Desired(entries=tuple(entries), name_prefix=prefix, source=source)
    planned, problems = plan_read_associations(
        boto3_client, read, prune=prune, concurrency=concurrency
    )
    return planned.associations, problems


def _apply_associations(
    boto3_client: Any, entries: tuple[PlannedAssociation, ...], options: Options
) -> list[ApplyResult]:
    return apply_associations(
        boto3_client,
        AssociationsPlan(associations=entries),
        concurrency=options.concurrency,
        max_rate=options.max_rate,
        progress=options.progress,
        wait=options.wait,
        timeout=options.timeout,
        canary=options.canary,
        max_failed_runs=options.max_failed_runs,
        watch=options.watch,
        stop=options.stop,
        interrupted=options.interrupted,
    )


def _never_association(entry: PlannedAssociation) -> ApplyResult:
    return ApplyResult(
        name=entry.name,
        association_id=entry.association_id,
        outcome="not_started",
        version_before=entry.version,
    )


def _export_associations(
    boto3_client: Any, filters: Sequence[Raw] | None, show_sensitive: bool
) -> tuple[list[Raw], list[str]]:
    document, skipped = export_associations(
        boto3_client, filters=filters, show_sensitive=show_sensitive
    )
    return document["Associations"], skipped


def _plan_windows(
    boto3_client: Any,
    entries: list[Raw],
    prune: bool,
    prefix: str | None,
    source: str,
    concurrency: int,
) -> tuple[tuple[PlannedWindowPart, ...], list[str]]:
    parts, problems = plan_windows(
        boto3_client, entries, prune=prune, name_prefix=prefix
    )
    return tuple(parts), problems


def _apply_windows(
    boto3_client: Any, parts: tuple[PlannedWindowPart, ...], options: Options
) -> list[WindowResult]:
    from ._windows_code import apply_in_parallel

    return apply_in_parallel(
        boto3_client,
        parts,
        concurrency=options.concurrency,
        max_rate=options.max_rate,
        progress=options.progress,
        stop=options.stop,
    )


def _export_windows(
    boto3_client: Any, filters: Sequence[Raw] | None, show_sensitive: bool
) -> tuple[list[Raw], list[str]]:
    return export_windows(boto3_client, show_sensitive=show_sensitive)


#: Every kind a file may hold, in the order a plan lists and applies them.
KINDS: tuple[Kind, ...] = (
    Kind(
        key="Associations",
        json_key="associations",
        problems=association_problems,
        plan=_plan_associations,
        apply=_apply_associations,
        never=_never_association,
        export=_export_associations,
        # Waves: an entry never reached means the rollout stopped.
        stopped=lambda results: any(r.outcome == "not_started" for r in results),
    ),
    Kind(
        key=KEY,
        json_key="maintenance_windows",
        problems=window_problems,
        plan=_plan_windows,
        apply=_apply_windows,
        never=lambda part: not_started(part, "a rollout stopped before it"),
        export=_export_windows,
    ),
)


def never_started(
    entry: PlannedAssociation | PlannedWindowPart,
) -> ApplyResult | WindowResult:
    """The result of any kind's entry that a run never reached."""
    if isinstance(entry, PlannedWindowPart):
        return not_started(entry)
    return _never_association(entry)
