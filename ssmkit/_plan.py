"""A whole file as code: every kind it holds, planned and applied.

A file holds one top-level key per kind (``Associations``,
``MaintenanceWindows``; see ``ssmkit._kinds``) and ``Prune``. A kind the
file does not hold is not managed: nothing of it is planned, written or
pruned. Every problem with the file is listed before any call, and every
problem found live before any write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ._bulk import check_pace
from ._declared import (
    Action,
    ApplyResult,
    AssociationsPlan,
    PlannedAssociation,
    _prefix,
    _refused,
    read_desired,
    summary,
)
from ._kinds import KINDS, Options
from ._windows_code import KEY, PlannedWindowPart, WindowResult
from .errors import ValidationError

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable

    from ._waits import AssociationRun

__all__ = ["CheckedFile", "Plan", "apply", "check_file", "plan", "plan_checked"]

_KEYS = (*(kind.key for kind in KINDS), "Prune")


@attrs.frozen(kw_only=True)
class Plan:
    """What applying a file would do, every kind in it; nothing is written.

    Attributes:
        planned: For each kind the file holds, its key and its entries, in
            the order apply carries them out.
        prune: Whether what the file no longer lists is deleted.
        name_prefix: The scope deletes are limited to.
        source: The file planned.
    """

    planned: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    prune: bool = False
    name_prefix: str | None = None
    source: str = "<entries>"

    def of(self, key: str) -> tuple[Any, ...] | None:
        """The entries of one kind, by its key; ``None`` if the file lacks it."""
        return next((entries for k, entries in self.planned if k == key), None)

    @property
    def associations(self) -> AssociationsPlan | None:
        """The associations' plan, or ``None`` when the file has none."""
        entries = self.of("Associations")
        if entries is None:
            return None
        return AssociationsPlan(
            associations=entries,
            prune=self.prune,
            name_prefix=self.name_prefix,
            source=self.source,
        )

    @property
    def maintenance_windows(self) -> tuple[PlannedWindowPart, ...]:
        """One entry per window, target and task touched or checked."""
        return self.of(KEY) or ()

    @property
    def entries(self) -> tuple[PlannedAssociation | PlannedWindowPart, ...]:
        """Every entry, kind by kind."""
        return tuple(entry for _, entries in self.planned for entry in entries)

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
        return {
            **{
                kind.json_key: [
                    e.to_json(show_sensitive=show_sensitive)
                    for e in self.of(kind.key) or ()
                ]
                for kind in KINDS
            },
            "counts": self.counts(),
            "prune": self.prune,
            "name_prefix": self.name_prefix,
        }

    def __str__(self) -> str:
        return self.render()


def plan(
    boto3_client: Any, desired: Any, *, prune: bool = False, concurrency: int = 8
) -> Plan:
    """Plan a whole file against the service; write nothing.

    See ``ssmkit.Client.plan``.
    """
    check_pace(concurrency, None, boto3_client)
    return plan_checked(
        boto3_client, check_file(boto3_client, desired, prune=prune), concurrency
    )


@attrs.frozen
class CheckedFile:
    """A file read and checked against the service model, before any call."""

    document: dict[str, Any]
    source: str
    prune: bool
    prefix: str | None


def check_file(boto3_client: Any, desired: Any, *, prune: bool) -> CheckedFile:
    """Read a whole file and check it, making no call.

    ``boto3_client`` lends its service model only.

    Raises:
        ssmkit.errors.ValidationError: The file is refused; every problem is
            listed.
    """
    document, source = read_desired(desired)
    problems: list[str] = []
    unknown = sorted(map(str, set(document) - set(_KEYS)))
    keys = ", ".join(kind.key for kind in KINDS)
    if unknown:
        problems.append(
            f"unknown top-level key {', '.join(unknown)} (expected {keys} or Prune)"
        )
    held = [kind for kind in KINDS if kind.key in document]
    if not held:
        problems.append(f"nothing to plan: the file holds none of {keys}")
    for kind in held:
        problems += kind.problems(document[kind.key], boto3_client)
    prefix = _prefix(document.get("Prune"), problems)
    if problems:
        raise _refused(source, problems)
    if prune and prefix is None:
        msg = (
            f"{source}: pruning needs a scope: add Prune: {{NamePrefix: ...}} "
            "to the file; only what is named with it is deleted"
        )
        raise ValidationError(msg, rule="prune scope")
    return CheckedFile(document=document, source=source, prune=prune, prefix=prefix)


def plan_checked(boto3_client: Any, checked: CheckedFile, concurrency: int) -> Plan:
    """Plan a file ``check_file`` has read against the live service."""
    document, source, prune, prefix = (
        checked.document,
        checked.source,
        checked.prune,
        checked.prefix,
    )
    planned = []
    problems: list[str] = []
    for kind in KINDS:
        if kind.key not in document:
            continue
        entries, found = kind.plan(
            boto3_client, list(document[kind.key]), prune, prefix, source, concurrency
        )
        planned.append((kind.key, entries))
        problems += found
    if problems:
        raise _refused(source, problems)
    return Plan(planned=tuple(planned), prune=prune, name_prefix=prefix, source=source)


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
    stop: threading.Event | None = None,
    interrupted: threading.Event | None = None,
) -> list[ApplyResult | WindowResult]:
    """Carry out a whole plan, kind by kind.

    See ``ssmkit.Client.apply``; ``stop`` and ``interrupted`` are a run's
    around this one (a fleet's), as for ``apply_associations``.
    """
    # The kinds' own runs warn of a connection pool smaller than concurrency.
    check_pace(concurrency, max_rate)
    options = Options(
        concurrency=concurrency,
        max_rate=max_rate,
        progress=progress,
        wait=wait,
        timeout=timeout,
        canary=canary,
        max_failed_runs=max_failed_runs,
        watch=watch,
        stop=stop,
        interrupted=interrupted,
    )
    results: list[ApplyResult | WindowResult] = []
    kinds = {kind.key: kind for kind in KINDS}
    stopped = False
    for key, entries in plan.planned:
        kind = kinds[key]
        if stopped:
            # A rollout stopped: nothing more starts, and each is said.
            for entry in entries:
                if entry.action == "unchanged":
                    continue
                never = kind.never(entry)
                results.append(never)
                if progress is not None:
                    progress(never)
            continue
        done = kind.apply(boto3_client, entries, options)
        stopped = kind.stopped(done)
        results += done
    return results
