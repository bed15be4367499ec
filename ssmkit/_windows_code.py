"""Maintenance windows as code: windows, their targets and their tasks in a file.

The file's ``MaintenanceWindows`` key holds one entry per window: a
``CreateMaintenanceWindow`` request, with ``Targets`` (each a
``RegisterTargetWithMaintenanceWindow`` request) and ``Tasks`` (each a
``RegisterTaskWithMaintenanceWindow`` request) without ``WindowId``. A window
is known by its ``Name``, a target or a task by its ``Name`` within its
window. A task's ``WindowTargetIds`` name targets of its window; they are
resolved to ids when written.

The rules of associations carry over: a member present is managed, a member
absent is left as it is live, ``null`` removes; structures merge member by
member, lists and maps are replaced whole. A window without ``Targets`` (or
``Tasks``) leaves its live ones alone.

These resources have no version token. Apply reads each one again just
before writing, and a resource that differs from what the plan read is a
``conflict``, left as it is.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Literal

import attrs

from ._base_client import invoke, translated
from ._bulk import Stopped, error_json, paced, run_all
from ._declared import (
    PLACEHOLDER,
    _cleared,
    _entry_problems,
    _kept,
    _live_tags,
    _placeholders,
    _write_tags,
    _written,
)
from ._mask import mask
from ._safe import (
    MAINTENANCE_WINDOW,
    MAINTENANCE_WINDOW_TARGET,
    MAINTENANCE_WINDOW_TASK,
    Kind,
    Prepared,
    plan_read,
)
from ._sentinel import CLEAR
from ._validate import attribute_name
from ._wire import DROP, Change, diff, prune
from .errors import DoesNotExistException, SSMKitError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from botocore.model import StructureShape

__all__ = [
    "KEY",
    "PlannedWindowPart",
    "WindowResult",
    "apply_in_parallel",
    "apply_windows",
    "export_windows",
    "not_started",
    "plan_windows",
    "window_problems",
]

Raw = dict[str, Any]
Part = Literal["window", "target", "task"]
Action = Literal["create", "update", "unchanged", "delete"]
Outcome = Literal[
    "created", "changed", "unchanged", "deleted", "conflict", "failed", "not_started"
]

#: The file's key for maintenance windows.
KEY = "MaintenanceWindows"
#: A window entry's own keys for what is registered with it.
TARGETS, TASKS = "Targets", "Tasks"
#: The key of a task's targets that names targets of its window.
BY_TARGET = "WindowTargetIds"

_CREATE = {
    "window": "CreateMaintenanceWindow",
    "target": "RegisterTargetWithMaintenanceWindow",
    "task": "RegisterTaskWithMaintenanceWindow",
}
_KINDS: dict[Part, Kind[Any]] = {
    "window": MAINTENANCE_WINDOW,
    "target": MAINTENANCE_WINDOW_TARGET,
    "task": MAINTENANCE_WINDOW_TASK,
}
_ID = {"window": "WindowId", "target": "WindowTargetId", "task": "WindowTaskId"}
#: What a file never holds: the window a part belongs to is where it is
#: written, and ssmkit makes no idempotent-retry token.
_SET_HERE = {
    "window": frozenset({"ClientToken"}),
    "target": frozenset({"WindowId", "ClientToken"}),
    "task": frozenset({"WindowId", "ClientToken"}),
}
_TAGS = "Tags"
#: A window's resource type, for its tags.
_TAGGED = "MaintenanceWindow"


def _shape(boto3_client: Any, part: Part) -> StructureShape:
    model = boto3_client.meta.service_model.operation_model(_CREATE[part])
    return model.input_shape  # type: ignore[no-any-return]


def _update_shape(boto3_client: Any, part: Part) -> StructureShape:
    operation = _KINDS[part].update_operation
    model = boto3_client.meta.service_model.operation_model(operation)
    return model.input_shape  # type: ignore[no-any-return]


# -- the file -----------------------------------------------------------------------


def window_problems(entries: Any, boto3_client: Any) -> list[str]:
    """Everything wrong with a file's ``MaintenanceWindows``, before any call."""
    if not isinstance(entries, list):
        return [f"{KEY}: expected a list of maintenance windows"]
    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        label = f"{KEY}[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{label}: expected a mapping of members")
            continue
        name = entry.get("Name")
        label = _named(label, name, seen, index, problems, f"{KEY}")
        own = {k: v for k, v in entry.items() if k not in (TARGETS, TASKS)}
        problems += [
            f"{label}: {p}"
            for p in _entry_problems(
                own,
                _shape(boto3_client, "window"),
                operation=_CREATE["window"],
                rules=MAINTENANCE_WINDOW.rules,
                set_here=_SET_HERE["window"],
            )
        ]
        targets = _parts(entry, TARGETS, label, problems)
        tasks = _parts(entry, TASKS, label, problems)
        target_names: dict[str, int] = {}
        for at, target in enumerate(targets):
            where = f"{label}.{TARGETS}[{at}]"
            if not isinstance(target, dict):
                problems.append(f"{where}: expected a mapping of members")
                continue
            where = _named(
                where, target.get("Name"), target_names, at, problems, TARGETS
            )
            problems += _part_problems(target, "target", where, boto3_client)
        task_names: dict[str, int] = {}
        for at, task in enumerate(tasks):
            where = f"{label}.{TASKS}[{at}]"
            if not isinstance(task, dict):
                problems.append(f"{where}: expected a mapping of members")
                continue
            where = _named(where, task.get("Name"), task_names, at, problems, TASKS)
            problems += _part_problems(task, "task", where, boto3_client)
            problems += [f"{where}: {p}" for p in _target_names(task)]
    return problems


def _named(
    label: str,
    name: Any,
    seen: dict[str, int],
    index: int,
    problems: list[str],
    where: str,
) -> str:
    """The label with the name; a missing or repeated name is a problem."""
    if not isinstance(name, str) or not name:
        problems.append(f"{label}: Name is required, as a string")
        return label
    labelled = f"{label} ({name})"
    if name in seen:
        problems.append(
            f"{labelled}: the name is already used by {where}[{seen[name]}]"
        )
    seen.setdefault(name, index)
    return labelled


def _parts(entry: Raw, key: str, label: str, problems: list[str]) -> list[Any]:
    parts = entry.get(key)
    if key in entry and not isinstance(parts, list):
        problems.append(f"{label}.{key}: expected a list")
        return []
    return parts or []


def _part_problems(part: Raw, which: Part, where: str, boto3_client: Any) -> list[str]:
    # A task's WindowTargetIds hold names here: judged once resolved.
    judged = dict(part)
    if which == "task" and isinstance(part.get("Targets"), list):
        judged["Targets"] = [
            {**t, "Values": ["x"] * len(t.get("Values") or [])}
            if isinstance(t, dict) and t.get("Key") == BY_TARGET
            else t
            for t in part["Targets"]
        ]
    return [
        f"{where}: {p}"
        for p in _entry_problems(
            judged,
            _shape(boto3_client, which),
            operation=_CREATE[which],
            rules=_KINDS[which].rules,
            set_here=_SET_HERE[which],
        )
    ]


def _target_names(task: Raw) -> list[str]:
    """A task's ``WindowTargetIds`` must name targets, as strings."""
    problems = []
    # RegisterTaskWithMaintenanceWindow, Targets: "One or more targets must be
    # specified for maintenance window Run Command-type tasks."
    if task.get("TaskType") == "RUN_COMMAND" and not task.get("Targets"):
        problems.append("targets: a RUN_COMMAND task needs one or more targets")
    for target in task.get("Targets") or []:
        if isinstance(target, dict) and target.get("Key") == BY_TARGET:
            values = target.get("Values")
            if not isinstance(values, list) or not all(
                isinstance(v, str) and v for v in values
            ):
                problems.append(f"targets: {BY_TARGET} must list target names")
    return problems


# -- planning -----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PlannedWindowPart:
    """What applying a file does to one window, one of its targets or one task.

    Attributes:
        part: ``"window"``, ``"target"`` or ``"task"``.
        window: The window's name.
        name: The part's name (the window's own for a window).
        action: ``"create"``, ``"update"``, ``"unchanged"`` or ``"delete"``.
        window_id: The live window (``None`` while it is to be created).
        part_id: The live target's or task's id.
        changes: Each changed leaf, masked where sensitive when shown.
        request: For a create, the request without ``WindowId``, a task's
            targets by name.
    """

    part: Part
    window: str
    name: str
    action: Action
    window_id: str | None = None
    part_id: str | None = None
    changes: tuple[Change, ...] = attrs.field(default=(), repr=False)
    request: Raw | None = attrs.field(default=None, repr=False)
    # What the plan read, as the service answered: apply compares it.
    _read: Raw | None = attrs.field(default=None, repr=False, alias="read")
    _prepared: tuple[Prepared, ...] = attrs.field(
        default=(), repr=False, alias="prepared"
    )
    _tags: tuple[dict[str, str], dict[str, str]] | None = attrs.field(
        default=None, repr=False, alias="tags"
    )

    @property
    def label(self) -> str:
        """``maintenance window patch-sunday``, ``target patch-sunday/web``, ..."""
        if self.part == "window":
            return f"maintenance window {self.name}"
        # Short enough that a heading with an id fits 80 columns.
        return f"{self.part} {self.window}/{self.name}"

    def render(self, *, show_sensitive: bool = False) -> str:
        """The part as lines of text: a heading, then one line per change."""
        where = (
            f" ({self.part_id or self.window_id})" if self.action != "create" else ""
        )
        verb = {"create": "+ create", "update": "~ update", "unchanged": "= unchanged"}
        heading = f"{verb.get(self.action, '- delete')} {self.label}{where}"
        if self.action == "delete" and self.part != "window":
            heading += " (not in the file)"
        lines = [heading]
        lines += [
            f"    {c.render(show_sensitive=show_sensitive)}" for c in self.changes
        ]
        return "\n".join(lines)

    def to_json(self, *, show_sensitive: bool = False) -> dict[str, Any]:
        """The part in plain JSON types, masked unless asked."""
        return {
            "kind": f"maintenance_window_{self.part}"
            if self.part != "window"
            else "maintenance_window",
            "window": self.window,
            "name": self.name,
            "action": self.action,
            "window_id": self.window_id,
            "id": self.part_id if self.part != "window" else self.window_id,
            "changes": [c.to_json(show_sensitive=show_sensitive) for c in self.changes],
        }


def plan_windows(
    boto3_client: Any,
    entries: Iterable[Raw],
    *,
    prune: bool = False,
    name_prefix: str | None = None,
) -> tuple[list[PlannedWindowPart], list[str]]:
    """Plan a file's windows against the service; write nothing.

    Returns:
        The parts in the order apply carries them out, window by window: the
        window, its targets, its tasks, then (with ``prune``) the tasks and
        targets it no longer lists; last, the windows to delete. And every
        problem found.
    """
    entries = list(entries)
    live: dict[str, list[Raw]] = {}
    for identity in _walk_windows(boto3_client):
        live.setdefault(identity.get("Name") or "", []).append(identity)
    planned: list[PlannedWindowPart] = []
    problems: list[str] = []
    for entry in entries:
        name = entry["Name"]
        found = live.get(name, [])
        if len(found) > 1:
            ids = ", ".join(sorted(w["WindowId"] for w in found))
            problems.append(
                f"{name}: matches {len(found)} live maintenance windows: {ids}"
            )
            continue
        try:
            if found:
                window_id = found[0]["WindowId"]
                planned += _plan_live(boto3_client, entry, window_id, prune)
            else:
                planned += _plan_new(boto3_client, entry)
        except ValidationError as exc:
            problems.append(f"{name}: {exc}")
    if prune and name_prefix is not None:
        named = {e["Name"] for e in entries}
        for name, windows in sorted(live.items()):
            if name.startswith(name_prefix) and name not in named:
                planned += [
                    PlannedWindowPart(
                        part="window",
                        window=name,
                        name=name,
                        action="delete",
                        window_id=w["WindowId"],
                        read=_whole(boto3_client, w["WindowId"]),
                    )
                    for w in windows
                ]
    return planned, problems


def _walk_windows(boto3_client: Any) -> Iterable[Raw]:
    paginator = boto3_client.get_paginator("describe_maintenance_windows")
    with translated("DescribeMaintenanceWindows", boto3_client, {}):
        for page in paginator.paginate():
            yield from page.get("WindowIdentities", [])


def _walk_parts(boto3_client: Any, part: Part, window_id: str) -> list[Raw]:
    operation, key = {
        "target": ("DescribeMaintenanceWindowTargets", "Targets"),
        "task": ("DescribeMaintenanceWindowTasks", "Tasks"),
    }[part]
    request = {"WindowId": window_id}
    found: list[Raw] = []
    paginator = boto3_client.get_paginator(_snake(operation))
    with translated(operation, boto3_client, request):
        for page in paginator.paginate(**request):
            found += page.get(key, [])
    return found


def _whole(boto3_client: Any, window_id: str) -> Raw:
    """A window with its targets and tasks: what deleting it deletes."""
    return {
        "Window": _read(boto3_client, "window", {"WindowId": window_id}),
        TARGETS: _walk_parts(boto3_client, "target", window_id),
        TASKS: _walk_parts(boto3_client, "task", window_id),
    }


def _snake(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation)[1:]


#: What changes by itself: not a change anyone made.
_VOLATILE = frozenset({"ResponseMetadata", "NextExecutionTime"})


def _read(boto3_client: Any, part: Part, ids: Raw) -> Raw:
    """One part as the service has it now, but for what changes by itself."""
    kind = _KINDS[part]
    if kind.read is not None:
        raw = kind.read(boto3_client, ids)
    else:
        raw = invoke(boto3_client, kind.read_operation, ids)
    return {k: _text(v) for k, v in raw.items() if k not in _VOLATILE}


def _text(value: Any) -> Any:
    """Blobs (a Lambda task's ``Payload``) as the text a file holds them as.

    boto3 answers bytes and sends text as its UTF-8 bytes: the same value
    either way, compared and exported as text.
    """
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text(v) for v in value]
    return value


def _plan_new(boto3_client: Any, entry: Raw) -> list[PlannedWindowPart]:
    """A window to create, and every target and task in it."""
    name = entry["Name"]
    known = {t["Name"] for t in entry.get(TARGETS) or []}
    _check_named(entry.get(TASKS) or [], known)
    parts = [_create(boto3_client, "window", name, name, _own(entry))]
    for target in entry.get(TARGETS) or []:
        parts.append(_create(boto3_client, "target", name, target["Name"], target))
    for task in entry.get(TASKS) or []:
        parts.append(_create(boto3_client, "task", name, task["Name"], task))
    return parts


def _own(entry: Raw) -> Raw:
    return {k: v for k, v in entry.items() if k not in (TARGETS, TASKS)}


def _check_named(
    tasks: list[Raw], known: set[str], gone: frozenset[str] | set[str] = frozenset()
) -> None:
    """Every task's target names must name targets its window keeps."""
    problems = []
    for task in tasks:
        for name in _names_in(task.get("Targets")):
            if name in gone:
                problems.append(
                    f"task {task['Name']}: targets: {BY_TARGET} names {name}, which "
                    "--prune would deregister: list the target, or name it no more"
                )
            elif name not in known:
                problems.append(
                    f"task {task['Name']}: targets: {BY_TARGET} names {name}, "
                    "which is no target of its window"
                )
    if problems:
        raise ValidationError("; ".join(problems), member="targets", rule="target name")


def _names_in(targets: Any) -> list[str]:
    found: list[str] = []
    for target in targets or []:
        if target.get("Key") == BY_TARGET:
            found += target.get("Values") or []
    return found


def _create(
    boto3_client: Any, part: Part, window: str, name: str, entry: Raw
) -> PlannedWindowPart:
    shape = _shape(boto3_client, part)
    missing = _placeholders(entry, shape)
    if missing:
        msg = (
            f"{', '.join(missing)}: holds the placeholder {PLACEHOLDER} (exported "
            "without --show-sensitive) and there is nothing live to keep: "
            "write the value"
        )
        raise ValidationError(msg, member=missing[0], rule="placeholder")
    request = _written(entry, shape, member="")
    if part == "task":
        request = _sorted_targets(request)
    _KINDS[part].rules(request, {})
    return PlannedWindowPart(
        part=part,
        window=window,
        name=name,
        action="create",
        changes=tuple(diff(None, request, shape)),
        request=request,
    )


def _sorted_targets(request: Raw) -> Raw:
    """A task's targets by name, each key's names sorted: one way to say them."""
    targets = request.get("Targets")
    if not targets:
        return request
    return {
        **request,
        "Targets": [
            {**t, "Values": sorted(t.get("Values") or [])}
            if t.get("Key") == BY_TARGET
            else t
            for t in targets
        ],
    }


def _plan_live(
    boto3_client: Any, entry: Raw, window_id: str, prune: bool
) -> list[PlannedWindowPart]:
    """A live window: its update, its targets' and tasks', and with ``prune``
    the deletes of those the file does not list."""
    name = entry["Name"]
    ids = {"WindowId": window_id}
    live_targets = _walk_parts(boto3_client, "target", window_id)
    targets, shared_targets = _by_name(live_targets)
    live_tasks = _walk_parts(boto3_client, "task", window_id)
    tasks, shared_tasks = _by_name(live_tasks)
    wanted = {t["Name"]: t for t in entry.get(TARGETS) or []}
    listed = {t["Name"]: t for t in entry.get(TASKS) or []}
    # A name two live ones share identifies neither: refused if the file uses it.
    shared = sorted((set(wanted) & shared_targets) | (set(listed) & shared_tasks))
    if shared:
        msg = f"{', '.join(shared)}: matches more than one live target or task"
        raise ValidationError(msg, rule="identity")
    gone: set[str] = set()
    if prune and TARGETS in entry:
        gone = {n for n in targets if n not in wanted}
    # A task may name a target by name, or (as an export of one without a
    # name writes it) by the id of one the window has.
    known = set(wanted) | set(targets) | {t["WindowTargetId"] for t in live_targets}
    _check_named(list(listed.values()), known - gone, gone)
    # A task's targets are compared by name: the ids of those this window has.
    names = {t["WindowTargetId"]: n for n, t in targets.items()}
    parts = [_update(boto3_client, "window", name, name, ids, _own(entry), None)]
    for target_name, target in wanted.items():
        if target_name in targets:
            target_ids = {
                **ids,
                "WindowTargetId": targets[target_name]["WindowTargetId"],
            }
            parts.append(
                _update(
                    boto3_client, "target", name, target_name, target_ids, target, None
                )
            )
        else:
            parts.append(_create(boto3_client, "target", name, target_name, target))
    for task_name, task in listed.items():
        if task_name in tasks:
            task_ids = {**ids, "WindowTaskId": tasks[task_name]["WindowTaskId"]}
            parts.append(
                _update(boto3_client, "task", name, task_name, task_ids, task, names)
            )
        else:
            parts.append(_create(boto3_client, "task", name, task_name, task))
    # Deletes after the rest, in reverse: tasks, then the targets they named.
    # Only what has a name of its own: what a file cannot name, it cannot drop.
    deletes: list[PlannedWindowPart] = []
    if prune and TASKS in entry:
        deletes += [
            _delete(boto3_client, "task", name, window_id, t["WindowTaskId"], n)
            for n, t in sorted(tasks.items())
            if n not in listed
        ]
    deletes += [
        _delete(
            boto3_client, "target", name, window_id, targets[n]["WindowTargetId"], n
        )
        for n in sorted(gone)
    ]
    return parts + deletes


def _by_name(found: list[Raw]) -> tuple[dict[str, Raw], set[str]]:
    """Live targets or tasks by name, and the names two or more share.

    Those without a name, or with a shared one, are nothing a file can say:
    they are left as they are.
    """
    named: dict[str, Raw] = {}
    shared: set[str] = set()
    for one in found:
        name = one.get("Name")
        if not name:
            continue
        if name in named:
            shared.add(name)
        named[name] = one
    for name in shared:
        del named[name]
    return named, shared


def _delete(
    boto3_client: Any, part: Part, window: str, window_id: str, part_id: str, name: str
) -> PlannedWindowPart:
    # Read as apply reads it again, to compare.
    read = _read(boto3_client, part, {"WindowId": window_id, _ID[part]: part_id})
    return PlannedWindowPart(
        part=part,
        window=window,
        name=name,
        action="delete",
        window_id=window_id,
        part_id=part_id,
        read=read,
    )


def _update(
    boto3_client: Any,
    part: Part,
    window: str,
    name: str,
    ids: Raw,
    entry: Raw,
    names: dict[str, str] | None,
) -> PlannedWindowPart:
    """A live part and what the file changes in it."""
    raw = _read(boto3_client, part, ids)
    create = _shape(boto3_client, part)
    update = _update_shape(boto3_client, part)
    entry = _kept(entry, raw, create)
    if part == "task":
        entry = _sorted_targets(entry)
    for member in set(entry) - set(update.members) - {_TAGS}:
        if entry[member] != raw.get(member):
            msg = (
                f"{attribute_name(member)}: cannot be changed on an existing "
                f"{_KINDS[part].noun} (live: {raw.get(member)!r}); delete it and "
                "create it again"
            )
            raise ValidationError(
                msg, member=attribute_name(member), rule="not updatable"
            )
    prepared: list[Prepared] = [
        ((member,), CLEAR if value is None else _cleared(value, update.members[member]))
        for member, value in entry.items()
        if member in update.members
    ]
    plan = plan_read(_KINDS[part], boto3_client, ids, _by_names(raw, names), prepared)
    changes = list(plan.changes)
    tags = None
    if part == "window" and _TAGS in entry:
        now = _live_tags(boto3_client, ids["WindowId"], _TAGGED)
        wanted = {t["Key"]: t["Value"] for t in entry[_TAGS] or []}
        if now != wanted:
            tags = (now, wanted)
            changes += [
                Change(path=f"tags.{key}", before=now.get(key), after=wanted.get(key))
                for key in sorted(set(now) | set(wanted))
                if now.get(key) != wanted.get(key)
            ]
    return PlannedWindowPart(
        part=part,
        window=window,
        name=name,
        action="update" if changes else "unchanged",
        window_id=ids["WindowId"],
        part_id=ids.get(_ID[part]) if part != "window" else None,
        changes=tuple(changes),
        read=raw,
        prepared=tuple(prepared) if plan.changes else (),
        tags=tags,
    )


def _by_names(raw: Raw, names: dict[str, str] | None) -> Raw:
    """A live task with its targets by name, as a file says them."""
    if names is None or not raw.get("Targets"):
        return raw
    return _sorted_targets(
        {
            **raw,
            "Targets": [
                {**t, "Values": [names.get(v, v) for v in t.get("Values") or []]}
                if t.get("Key") == BY_TARGET
                else t
                for t in raw["Targets"]
            ],
        }
    )


def _by_ids(request: Raw, ids: dict[str, str]) -> Raw:
    """A task's request with its targets' names resolved to their ids."""
    if not request.get("Targets"):
        return request
    return {
        **request,
        "Targets": [
            {**t, "Values": [_id_of(v, ids) for v in t.get("Values") or []]}
            if t.get("Key") == BY_TARGET
            else t
            for t in request["Targets"]
        ],
    }


def _id_of(name: str, ids: dict[str, str]) -> str:
    if name not in ids:
        msg = (
            f"{BY_TARGET} names {name}, which the window no longer has: "
            "nothing was written; plan again"
        )
        raise _Gone(msg)
    return ids[name]


class _Gone(SSMKitError):
    """What a plan named is gone since."""


# -- applying -----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class WindowResult:
    """What applying a plan did to one window, target or task.

    Attributes:
        part: ``"window"``, ``"target"`` or ``"task"``.
        window: The window's name.
        name: The part's name.
        outcome: ``"created"``, ``"changed"``, ``"unchanged"``, ``"deleted"``,
            ``"conflict"`` (changed since the plan; nothing written),
            ``"failed"``, or ``"not_started"`` (its window, or a target it
            names, was not written).
        window_id: The window's id (for a create, the new one).
        part_id: The target's or task's id.
        error: Why it is a conflict, failed or was not started.
    """

    part: Part
    window: str
    name: str
    outcome: Outcome
    window_id: str | None = None
    part_id: str | None = None
    error: SSMKitError | None = None

    @property
    def failed_targets(self) -> int:
        """As for an association's result: a window part starts no run."""
        return 0

    def to_json(self) -> dict[str, Any]:
        """One line of a report: plain JSON types only."""
        return {
            "kind": "maintenance_window"
            if self.part == "window"
            else f"maintenance_window_{self.part}",
            "window": self.window,
            "name": self.name,
            "outcome": self.outcome,
            "window_id": self.window_id,
            "id": self.part_id if self.part != "window" else self.window_id,
            "error": error_json(self.error),
        }


class _Skip(SSMKitError):
    """A part not written because what it depends on was not."""


def apply_windows(
    boto3_client: Any,
    parts: Iterable[PlannedWindowPart],
    *,
    progress: Callable[[WindowResult], object] | None = None,
    before_write: Callable[[], None] | None = None,
) -> list[WindowResult]:
    """Carry out the planned parts in order: windows, targets, tasks, deletes.

    A part whose window or named target was not written is ``not_started``:
    a task never runs against a target list half written. ``before_write``
    is called before each write; when it raises ``ssmkit._bulk.Stopped``,
    that part and the rest are ``not_started``.
    """
    parts = list(parts)
    results: list[WindowResult] = []
    window_ids: dict[str, str | None] = {}
    # Per window: its targets' ids by name, and the names not written.
    target_ids: dict[str, dict[str, str]] = {}
    unwritten: dict[str, set[str]] = {}

    def record(result: WindowResult) -> None:
        results.append(result)
        if progress is not None:
            progress(result)

    for index, part in enumerate(parts):
        try:
            result = _one(
                boto3_client, part, window_ids, target_ids, unwritten, before_write
            )
        except Stopped:
            for rest in parts[index:]:
                record(not_started(rest, "the run was stopped before it"))
            break
        record(result)
    return results


def _one(
    boto3_client: Any,
    part: PlannedWindowPart,
    window_ids: dict[str, str | None],
    target_ids: dict[str, dict[str, str]],
    unwritten: dict[str, set[str]],
    before_write: Callable[[], None] | None,
) -> WindowResult:
    window = part.window
    if part.part == "window" and part.action != "delete":
        result = _carry_out(boto3_client, part, part.window_id, {}, before_write)
        ok = result.outcome in ("created", "changed", "unchanged")
        target_ids[window] = {}
        unwritten[window] = set()
        if ok and part.window_id:
            # The targets a task may name: those the window has, by name and
            # by id. Read here, the window is found still there, or not.
            try:
                target_ids[window] = _live_target_ids(boto3_client, part.window_id)
            except DoesNotExistException as exc:
                result = _conflict(result, "was deleted since the plan", exc)
                ok = False
        window_ids[window] = result.window_id if ok else None
        return result
    window_id = window_ids.get(window, part.window_id)
    if part.action != "delete" and window_id is None:
        unwritten.setdefault(window, set()).add(part.name)
        return not_started(part, f"maintenance window {window} was not written")
    if part.part == "task" and part.action != "delete":
        blocked = sorted(set(_names_of(part)) & unwritten.get(window, set()))
        if blocked:
            return not_started(part, f"its target {', '.join(blocked)} was not written")
    result = _carry_out(
        boto3_client, part, window_id, target_ids.get(window, {}), before_write
    )
    if part.part == "target" and part.action != "delete":
        if result.outcome in ("created", "changed", "unchanged") and result.part_id:
            target_ids.setdefault(window, {})[part.name] = result.part_id
        else:
            unwritten.setdefault(window, set()).add(part.name)
    return result


def _names_of(part: PlannedWindowPart) -> list[str]:
    if part.request is not None:
        return _names_in(part.request.get("Targets"))
    found: list[str] = []
    for path, value in part._prepared:
        if path == ("Targets",) and isinstance(value, list):
            found += _names_in(value)
    return found


def _live_target_ids(boto3_client: Any, window_id: str) -> dict[str, str]:
    """A window's targets' ids, by name (where one is theirs alone) and by id."""
    found = _walk_parts(boto3_client, "target", window_id)
    named, _ = _by_name(found)
    ids = {t["WindowTargetId"]: t["WindowTargetId"] for t in found}
    return {**ids, **{n: t["WindowTargetId"] for n, t in named.items()}}


def not_started(part: PlannedWindowPart, why: str | None = None) -> WindowResult:
    """The result of a part never written; ``why``, if it was held back."""
    return WindowResult(
        part=part.part,
        window=part.window,
        name=part.name,
        outcome="not_started",
        window_id=part.window_id,
        part_id=part.part_id,
        error=_Skip(f"{part.label}: {why}; nothing was written") if why else None,
    )


def _carry_out(
    boto3_client: Any,
    part: PlannedWindowPart,
    window_id: str | None,
    target_ids: dict[str, str],
    before_write: Callable[[], None] | None,
) -> WindowResult:
    result = WindowResult(
        part=part.part,
        window=part.window,
        name=part.name,
        outcome="unchanged",
        window_id=window_id,
        part_id=part.part_id,
    )
    try:
        if part.action == "unchanged":
            return result
        if part.action == "create":
            return _create_part(
                boto3_client, part, window_id, target_ids, result, before_write
            )
        ids = {"WindowId": window_id}
        if part.part != "window":
            ids[_ID[part.part]] = part.part_id
        try:
            now = (
                _whole(boto3_client, str(window_id))
                if part.part == "window" and part.action == "delete"
                else _read(boto3_client, part.part, ids)
            )
        except DoesNotExistException as exc:
            return _conflict(result, "was deleted since the plan", exc)
        if now != part._read:
            return _conflict(result, "was changed since the plan", None)
        # Tags have no version of their own: compared with the plan's.
        if part._tags is not None and (
            _live_tags(boto3_client, str(window_id), _TAGGED) != part._tags[0]
        ):
            return _conflict(result, "had its tags changed since the plan", None)
        if before_write is not None:
            before_write()
        if part.action == "delete":
            _remove(boto3_client, part, ids)
            return attrs.evolve(result, outcome="deleted")
        if part._prepared:
            _update_part(boto3_client, part, ids, now, target_ids)
        # The tags last: a write refused leaves them as they were too.
        if part._tags is not None:
            _write_tags(boto3_client, str(window_id), *part._tags, _TAGGED)
        return attrs.evolve(result, outcome="changed")
    except SSMKitError as exc:
        return attrs.evolve(result, outcome="failed", error=exc)


def _update_part(
    boto3_client: Any,
    part: PlannedWindowPart,
    ids: Raw,
    now: Raw,
    target_ids: dict[str, str],
) -> None:
    """The planned changes, merged again into the part as read just now."""
    plan = plan_read(
        _KINDS[part.part],
        boto3_client,
        ids,
        _by_names(now, _names(target_ids)) if part.part == "task" else now,
        list(part._prepared),
    )
    if plan.is_noop:
        return
    request = plan.request
    if part.part == "task":
        request = _by_ids(request, {**_ids_of(now, target_ids), **target_ids})
    invoke(boto3_client, _KINDS[part.part].update_operation, request)


def _names(target_ids: dict[str, str]) -> dict[str, str]:
    """Ids to the names a file says them by; an id stands for itself."""
    return {i: n for n, i in target_ids.items() if n != i}


def _ids_of(raw: Raw, target_ids: dict[str, str]) -> dict[str, str]:
    """Ids a live task names that no target name stands for: kept as they are."""
    known = set(target_ids.values())
    return {v: v for v in _names_in(raw.get("Targets")) if v not in known}


def _create_part(
    boto3_client: Any,
    part: PlannedWindowPart,
    window_id: str | None,
    target_ids: dict[str, str],
    result: WindowResult,
    before_write: Callable[[], None] | None,
) -> WindowResult:
    request = dict(part.request or {})
    if part.part == "window":
        # Name is not unique in the service: one created since the plan
        # would be doubled.
        there = [
            w["WindowId"]
            for w in _walk_windows(boto3_client)
            if w.get("Name") == part.name
        ]
        if there:
            return _conflict(
                result, f"was created since the plan ({', '.join(there)})", None
            )
    else:
        # Nor is a target's or a task's within its window.
        there = [
            one[_ID[part.part]]
            for one in _walk_parts(boto3_client, part.part, str(window_id))
            if one.get("Name") == part.name
        ]
        if there:
            return _conflict(
                result, f"was created since the plan ({', '.join(there)})", None
            )
        request["WindowId"] = window_id
        if part.part == "task":
            request = _by_ids(request, target_ids)
    if before_write is not None:
        before_write()
    answer = invoke(boto3_client, _CREATE[part.part], request)
    made = answer[_ID[part.part]]
    if part.part == "window":
        return attrs.evolve(result, outcome="created", window_id=made)
    return attrs.evolve(result, outcome="created", part_id=made)


def _remove(boto3_client: Any, part: PlannedWindowPart, ids: Raw) -> None:
    if part.part == "window":
        invoke(boto3_client, "DeleteMaintenanceWindow", ids)
    elif part.part == "target":
        # Safe: "the system checks if the target is being referenced by a
        # task. If the target is being referenced, the system returns an
        # error and doesn't deregister the target".
        invoke(
            boto3_client, "DeregisterTargetFromMaintenanceWindow", {**ids, "Safe": True}
        )
    else:
        invoke(boto3_client, "DeregisterTaskFromMaintenanceWindow", ids)


def _conflict(
    result: WindowResult, what: str, cause: SSMKitError | None
) -> WindowResult:
    label = (
        f"maintenance window {result.window}"
        if result.part == "window"
        else f"{result.part} {result.window}/{result.name}"
    )
    error = SSMKitError(f"{label} {what}: nothing was written; plan again")
    error.__cause__ = cause
    return attrs.evolve(result, outcome="conflict", error=error)


def apply_in_parallel(
    boto3_client: Any,
    parts: Iterable[PlannedWindowPart],
    *,
    concurrency: int,
    max_rate: float | None,
    progress: Callable[[WindowResult], object] | None,
    stop: threading.Event | None = None,
) -> list[WindowResult]:
    """Each window with its parts, in order; windows side by side.

    On Ctrl-C, or once ``stop`` (a run's around this one) is set, the
    windows under way finish the part under way and start no other; the
    ``KeyboardInterrupt`` goes on.
    """
    groups: list[list[PlannedWindowPart]] = []
    for part in parts:
        same = groups and groups[-1][0].window == part.window
        if same and not (part.part == "window" and part.action == "delete"):
            groups[-1].append(part)
        else:
            groups.append([part])
    stop = stop if stop is not None else threading.Event()
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


# -- export -------------------------------------------------------------------------


def export_windows(
    boto3_client: Any, *, show_sensitive: bool = False
) -> tuple[list[Raw], list[str]]:
    """Live windows as a file's entries, and what was left out.

    Windows (and targets and tasks) without a name, or whose name another
    shares, have no identity in a file: they are returned as left out.
    """
    entries: list[Raw] = []
    skipped: list[str] = []
    found = list(_walk_windows(boto3_client))
    names = [w.get("Name") for w in found]
    for identity in found:
        window_id = identity["WindowId"]
        name = identity.get("Name")
        if not name or names.count(name) > 1:
            skipped.append(window_id)
            continue
        ids = {"WindowId": window_id}
        entry = _entry_of(
            _read(boto3_client, "window", ids),
            _shape(boto3_client, "window"),
            show_sensitive,
        )
        target_names: dict[str, str] = {}
        targets = []
        live_targets = _walk_parts(boto3_client, "target", window_id)
        counted = [t.get("Name") for t in live_targets]
        for target in live_targets:
            if not target.get("Name") or counted.count(target["Name"]) > 1:
                skipped.append(target["WindowTargetId"])
                continue
            target_names[target["WindowTargetId"]] = target["Name"]
            targets.append(
                _entry_of(target, _shape(boto3_client, "target"), show_sensitive)
            )
        tasks = []
        live_tasks = _walk_parts(boto3_client, "task", window_id)
        counted = [t.get("Name") for t in live_tasks]
        for task in live_tasks:
            if not task.get("Name") or counted.count(task["Name"]) > 1:
                skipped.append(task["WindowTaskId"])
                continue
            raw = _read(
                boto3_client, "task", {**ids, "WindowTaskId": task["WindowTaskId"]}
            )
            tasks.append(
                _entry_of(
                    _by_names(raw, target_names),
                    _shape(boto3_client, "task"),
                    show_sensitive,
                )
            )
        tags = _live_tags(boto3_client, window_id, _TAGGED)
        if tags:
            entry[_TAGS] = [{"Key": k, "Value": v} for k, v in tags.items()]
        if targets:
            entry[TARGETS] = targets
        if tasks:
            entry[TASKS] = tasks
        entries.append(entry)
    return entries, skipped


def _entry_of(raw: Raw, shape: StructureShape, show_sensitive: bool) -> Raw:
    stored: Raw = {}
    for member in ("Name", *shape.members):
        if (
            member in raw
            and member not in stored
            and member not in ("WindowId", "ClientToken", _TAGS)
        ):
            value = prune(raw[member], shape.members[member])
            if value is not DROP:
                stored[member] = value
    if "TaskType" in stored:
        MAINTENANCE_WINDOW_TASK.carry(stored, raw)
    return mask(stored, shape, show_sensitive=show_sensitive)  # type: ignore[no-any-return]
