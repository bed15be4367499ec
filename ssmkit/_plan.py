"""A whole file as code: associations and maintenance windows, planned and applied.

A file holds one top-level key per kind, ``Associations`` and
``MaintenanceWindows``, and ``Prune``. A kind the file does not hold is not
managed: nothing of it is planned, written or pruned. Every problem with the
file is listed before any call, and every problem found live before any
write.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import attrs

from ._bulk import Stopped, check_pace, paced, run_all
from ._declared import (
    Action,
    ApplyResult,
    AssociationsPlan,
    Desired,
    PlannedAssociation,
    _prefix,
    _refused,
    apply_associations,
    association_problems,
    plan_read_associations,
    read_desired,
    summary,
)
from ._windows_code import (
    KEY,
    PlannedWindowPart,
    WindowResult,
    apply_windows,
    not_started,
    plan_windows,
    window_problems,
)
from .errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._waits import AssociationRun

__all__ = ["Plan", "apply", "plan"]

#: The top-level keys of a file, kinds first.
KINDS = ("Associations", KEY)
_KEYS = (*KINDS, "Prune")


@attrs.frozen(kw_only=True)
class Plan:
    """What applying a file would do, every kind in it; nothing is written.

    Attributes:
        associations: The associations' plan, or ``None`` when the file has
            no ``Associations``.
        maintenance_windows: One entry per window, target and task touched
            or checked, in the order apply carries them out.
        prune: Whether what the file no longer lists is deleted.
        name_prefix: The scope deletes are limited to.
        source: The file planned.
    """

    associations: AssociationsPlan | None = None
    maintenance_windows: tuple[PlannedWindowPart, ...] = ()
    prune: bool = False
    name_prefix: str | None = None
    source: str = "<entries>"

    @property
    def entries(self) -> tuple[PlannedAssociation | PlannedWindowPart, ...]:
        """Every entry: the associations, then the windows' parts."""
        found = self.associations.associations if self.associations else ()
        return (*found, *self.maintenance_windows)

    @property
    def pending(self) -> bool:
        """Whether applying would change anything."""
        return any(e.action != "unchanged" for e in self.entries)

    def counts(self) -> dict[str, int]:
        """How many entries each action has."""
        actions: tuple[Action, ...] = ("create", "update", "unchanged", "delete")
        return {a: sum(e.action == a for e in self.entries) for a in actions}

    def summary(self) -> str:
        """``Plan: 1 to create, 2 to update, 5 unchanged, 0 to delete.``"""
        return summary(self.counts(), prune=self.prune)

    def render(self, *, show_sensitive: bool = False) -> str:
        """The plan as text: each entry, then the summary."""
        lines = [e.render(show_sensitive=show_sensitive) for e in self.entries]
        return "\n".join([*lines, self.summary()])

    def to_json(self, *, show_sensitive: bool = False) -> dict[str, Any]:
        """The plan in plain JSON types, masked unless asked."""
        associations = self.associations.associations if self.associations else ()
        return {
            "associations": [
                a.to_json(show_sensitive=show_sensitive) for a in associations
            ],
            "maintenance_windows": [
                p.to_json(show_sensitive=show_sensitive)
                for p in self.maintenance_windows
            ],
            "counts": self.counts(),
            "prune": self.prune,
            "name_prefix": self.name_prefix,
        }

    def __str__(self) -> str:
        return self.render()


def plan(boto3_client: Any, desired: Any, *, prune: bool = False) -> Plan:
    """Plan a whole file against the service; write nothing.

    See ``ssmkit.Client.plan``.
    """
    document, source = read_desired(desired)
    problems: list[str] = []
    unknown = sorted(map(str, set(document) - set(_KEYS)))
    if unknown:
        problems.append(
            f"unknown top-level key {', '.join(unknown)} "
            f"(expected {', '.join(KINDS)} or Prune)"
        )
    if not any(kind in document for kind in KINDS):
        problems.append(f"nothing to plan: the file holds none of {', '.join(KINDS)}")
    if "Associations" in document:
        problems += association_problems(document["Associations"], boto3_client)
    if KEY in document:
        problems += window_problems(document[KEY], boto3_client)
    prefix = _prefix(document.get("Prune"), problems)
    if problems:
        raise _refused(source, problems)
    if prune and prefix is None:
        msg = (
            f"{source}: pruning needs a scope: add Prune: {{NamePrefix: ...}} "
            "to the file; only what is named with it is deleted"
        )
        raise ValidationError(msg, rule="prune scope")
    associations = None
    if "Associations" in document:
        read = Desired(
            entries=tuple(document["Associations"]), name_prefix=prefix, source=source
        )
        associations, found = plan_read_associations(boto3_client, read, prune=prune)
        problems += found
    windows: list[PlannedWindowPart] = []
    if KEY in document:
        windows, found = plan_windows(
            boto3_client, document[KEY], prune=prune, name_prefix=prefix
        )
        problems += found
    if problems:
        raise _refused(source, problems)
    return Plan(
        associations=associations,
        maintenance_windows=tuple(windows),
        prune=prune,
        name_prefix=prefix,
        source=source,
    )


def apply(
    boto3_client: Any,
    plan: Plan,
    *,
    concurrency: int = 4,
    max_rate: float | None = None,
    progress: Callable[[ApplyResult | WindowResult], object] | None = None,
    wait: bool = False,
    timeout: float = 600.0,
    canary: int | None = None,
    max_failed_runs: int | None = None,
    watch: Callable[[AssociationRun], object] | None = None,
) -> list[ApplyResult | WindowResult]:
    """Carry out a whole plan: the associations, then the windows.

    See ``ssmkit.Client.apply``.
    """
    check_pace(concurrency, max_rate)
    results: list[ApplyResult | WindowResult] = []
    if plan.associations is not None:
        results += apply_associations(
            boto3_client,
            plan.associations,
            concurrency=concurrency,
            max_rate=max_rate,
            progress=progress,
            wait=wait,
            timeout=timeout,
            canary=canary,
            max_failed_runs=max_failed_runs,
            watch=watch,
        )
        if any(r.outcome == "not_started" for r in results):
            # The rollout stopped: nothing more starts.
            results += [
                not_started(p)
                for p in plan.maintenance_windows
                if p.action != "unchanged"
            ]
            return results
    results += _apply_windows(
        boto3_client, plan.maintenance_windows, concurrency, max_rate, progress
    )
    return results


def _apply_windows(
    boto3_client: Any,
    parts: tuple[PlannedWindowPart, ...],
    concurrency: int,
    max_rate: float | None,
    progress: Callable[[ApplyResult | WindowResult], object] | None,
) -> list[WindowResult]:
    """Each window with its parts, in order; windows side by side."""
    groups: list[list[PlannedWindowPart]] = []
    for part in parts:
        same = groups and groups[-1][0].window == part.window
        if same and not (part.part == "window" and part.action == "delete"):
            groups[-1].append(part)
        else:
            groups.append([part])
    stop = threading.Event()
    client = paced(boto3_client, max_rate, stop)

    def before_write() -> None:
        if stop.is_set():
            raise Stopped

    def one(group: list[PlannedWindowPart]) -> list[WindowResult]:
        return apply_windows(client, group, before_write=before_write)

    def each(results: list[WindowResult]) -> None:
        for result in results:
            if progress is not None:
                progress(result)

    done = run_all(groups, one, concurrency=concurrency, progress=each, stop=stop)
    return [result for results in done for result in results]
