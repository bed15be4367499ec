"""Associations as code: a file of associations, planned and applied.

The service is the state: no state file. Each entry of the file is a
``CreateAssociation`` request in boto3's shape, and its ``AssociationName`` is
its identity. A member present in an entry is managed (apply makes it so), a
member absent is left as it is live, and a member set to ``null`` is managed
as absent (apply removes it). Structures apply the same rule member by member;
lists and maps are values, replaced whole.

Updates go through the safe update with the ``AssociationVersion`` read when
the plan was made, so a change made by someone else between plan and apply is
reported as a conflict, never overwritten. An entry already in place costs no
write: "When you update an association, the association immediately runs
against the specified targets."
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import attrs

from ._base_client import invoke, translated
from ._bulk import (
    Rollout,
    Stopped,
    check_pace,
    check_rollout,
    error_json,
    failed_targets,
    paced,
    run_json,
)
from ._files import dump_document, read_document
from ._mask import MASK, is_sensitive, mask
from ._safe import ASSOCIATION, Prepared, apply_update, plan_read
from ._schedules import SCHEDULES, check_schedule
from ._sentinel import CLEAR
from ._validate import attribute_name, check_value, member_path
from ._waits import AssociationRun
from ._wire import DROP, Change, diff, prune
from .errors import (
    AssociationDoesNotExist,
    ConcurrentUpdateError,
    InvalidResourceId,
    SSMKitError,
    ThrottlingError,
    ValidationError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from botocore.model import Shape, StructureShape


__all__ = [
    "PLACEHOLDER",
    "ApplyResult",
    "AssociationsPlan",
    "PlannedAssociation",
    "apply_associations",
    "creation_problems",
    "dump_associations",
    "export_associations",
    "load_associations",
    "plan_associations",
]

Raw = dict[str, Any]
T = TypeVar("T")
Action = Literal["create", "update", "unchanged", "delete"]

#: What an export writes for a sensitive value it was not asked to show. Plan
#: and apply keep the live value in its place and never send it.
PLACEHOLDER = MASK

#: The top-level keys of a file.
_KEYS = ("Associations", "Prune")
#: Members of CreateAssociation that UpdateAssociation cannot change.
_TAGS = "Tags"
_RESOURCE = "Association"


# -- the file -----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Desired:
    """A file of associations, read and checked.

    Attributes:
        entries: Each association as the file has it (``null`` kept as ``None``).
        name_prefix: The scope ``--prune`` may delete in (``Prune.NamePrefix``).
        source: Where it came from, for messages.
    """

    entries: tuple[Raw, ...]
    name_prefix: str | None
    source: str


def load_associations(desired: Any, boto3_client: Any) -> Desired:
    """Read and check a file of associations, before any call.

    Args:
        desired: A path to a ``.yaml``/``.yml`` or ``.json`` file, a document
            (``{"Associations": [...], "Prune": {"NamePrefix": "..."}}``) or
            the list of entries.
        boto3_client: The boto3 client whose service model judges the entries.

    Raises:
        ssmkit.errors.ValidationError: The file cannot be read, or any entry
            breaks the model's constraints or a documented rule; the message
            lists every problem.
    """
    document, source = read_desired(desired)
    problems: list[str] = []
    if "MaintenanceWindows" in document:
        problems.append(
            "MaintenanceWindows: this plans associations only; "
            "plan the whole file with ssmkit plan (Client.plan)"
        )
    unknown = sorted(set(document) - set(_KEYS) - {"MaintenanceWindows"})
    if unknown:
        problems.append(
            f"unknown top-level key {', '.join(map(str, unknown))} "
            f"(expected {' and '.join(_KEYS)})"
        )
    entries = document.get("Associations")
    problems += association_problems(entries, boto3_client)
    prefix = _prefix(document.get("Prune"), problems)
    if problems:
        raise _refused(source, problems)
    return Desired(entries=tuple(entries or ()), name_prefix=prefix, source=source)


def read_desired(desired: Any) -> tuple[dict[Any, Any], str]:
    """A file's document, from a path, a document, or a list of associations.

    Raises:
        ssmkit.errors.ValidationError: It cannot be read, or is no mapping.
    """
    source = "<entries>"
    if isinstance(desired, (str, os.PathLike)):
        source = os.fspath(desired)
        desired = _read(Path(desired))
    if isinstance(desired, list):
        desired = {"Associations": desired}
    if not isinstance(desired, dict):
        msg = f"{source}: expected a mapping with Associations:, or a list of entries"
        raise ValidationError(msg, rule="file")
    return desired, source


def association_problems(entries: Any, boto3_client: Any) -> list[str]:
    """Everything wrong with a file's ``Associations``, before any call."""
    if not isinstance(entries, list):
        return ["Associations: expected a list of associations"]
    problems: list[str] = []
    shape = _create_shape(boto3_client)
    names: dict[str, int] = {}
    for index, entry in enumerate(entries):
        label = f"Associations[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{label}: expected a mapping of members")
            continue
        name = entry.get("AssociationName")
        if isinstance(name, str):
            label = f"{label} ({name})"
            if name in names:
                problems.append(
                    f"{label}: the name is already used by Associations[{names[name]}]"
                )
            names.setdefault(name, index)
        else:
            problems.append(f"{label}: AssociationName is required, as a string")
        problems += [f"{label}: {p}" for p in _entry_problems(entry, shape)]
    return problems


def _read(path: Path) -> Any:
    # Strictly: a key given twice, or an alias, could make the file mean
    # something other than it says, and prune what it lists.
    return read_document(path)


def _prefix(scope: Any, problems: list[str]) -> str | None:
    if scope is None:
        return None
    prefix = scope.get("NamePrefix") if isinstance(scope, dict) else None
    if not isinstance(prefix, str) or not prefix or set(scope) != {"NamePrefix"}:
        problems.append("Prune: expected NamePrefix: a non-empty name prefix")
        return None
    return prefix


def _refused(source: str, problems: list[str]) -> ValidationError:
    count = len(problems)
    head = f"{source}: {count} problem{'' if count == 1 else 's'}, nothing was written"
    return ValidationError("\n  ".join([head, *problems]), rule="file")


def _create_shape(boto3_client: Any) -> StructureShape:
    model = boto3_client.meta.service_model.operation_model("CreateAssociation")
    return model.input_shape  # type: ignore[no-any-return]


def _update_shape(boto3_client: Any) -> StructureShape:
    model = boto3_client.meta.service_model.operation_model("UpdateAssociation")
    return model.input_shape  # type: ignore[no-any-return]


def _entry_problems(
    entry: Raw,
    shape: StructureShape,
    *,
    operation: str = "CreateAssociation",
    rules: Callable[[Raw, Raw], None] = ASSOCIATION.rules,
    set_here: frozenset[str] = frozenset(),
) -> list[str]:
    """Everything wrong with one entry, judged as the create request it must be.

    ``set_here`` are the request's members the file does not hold (a
    window's id, a client token): they are neither allowed nor required.

    Each member is judged on its own, and within it every problem is
    gathered, so every one is listed, not only the first; the cross-member
    rules are judged on the members that passed.
    """
    problems = [
        f"{path}: holds the placeholder {PLACEHOLDER}, which stands only for a "
        "whole sensitive value kept from what is live; here it would be "
        "sent as text: write the value"
        for path in _stray_placeholders(entry, shape)
    ]
    unknown = sorted(set(entry) - (set(shape.members) - set_here))
    if unknown:
        problems.append(f"{operation} has no member {', '.join(map(str, unknown))}")
    members = shape.members
    written: Raw = {}
    for member, value in entry.items():
        if member not in members or member in set_here:
            continue
        try:
            one = _written({member: value}, shape, member="")
            if member not in one:
                continue  # null, or a placeholder for a live value
            found: list[ValidationError] = []
            check_value(
                one[member], members[member], attribute_name(member), problems=found
            )
            if member in SCHEDULES and isinstance(one[member], str):
                check_schedule(one[member], attribute_name(member))
            problems += [str(p) for p in found]
            if not found:
                written[member] = one[member]
        except ValidationError as exc:
            problems.append(str(exc))
    # Required, and absent or null (a bad value is refused as itself above).
    missing = [
        m for m in shape.required_members if entry.get(m) is None and m not in set_here
    ]
    problems += [f"{attribute_name(m)}: is required (got None)" for m in missing]
    try:
        # The documented cross-member rules, on the entry as a create sends it:
        # every entry must be able to create its association from nothing. They
        # are judged on the members that passed, so every problem is listed.
        rules(dict(written), {})
    except ValidationError as exc:
        problems.append(str(exc))
    tags = [t.get("Key") for t in entry.get("Tags") or [] if isinstance(t, dict)]
    twice = sorted({str(k) for k in tags if tags.count(k) > 1})
    if twice:
        keys, verb = ("the key", "is") if len(twice) == 1 else ("the keys", "are")
        problems.append(f"tags: {keys} {', '.join(twice)} {verb} given more than once")
    return problems


def creation_problems(request: Raw, shape: StructureShape) -> list[str]:
    """Everything wrong with a ``CreateAssociation`` request, as for an entry.

    A new association has no live value for a placeholder to keep, so one
    anywhere is a problem.
    """
    problems = _entry_problems(request, shape)
    problems += [
        f"{path}: holds the placeholder {PLACEHOLDER} and there is no live "
        "association to keep a value from: write the value"
        for path in _placeholders(request, shape)
    ]
    return problems


def _stray_placeholders(
    value: Any, shape: Shape | None, where: str = "", *, within: bool = False
) -> list[str]:
    """Where the placeholder stands in an entry other than for a whole live value.

    It may stand for a whole sensitive member, or a whole value within one (a
    map's value, a structure's member), which plan keeps from the live
    association. Inside a list, within a longer text, or where nothing is
    sensitive, it would be sent as the text it is.
    """
    if isinstance(value, str):
        return [where or "value"] if PLACEHOLDER in value else []
    kind = shape.type_name if shape is not None else None
    within = within or (shape is not None and is_sensitive(shape))
    found: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(key, str) and PLACEHOLDER in key:
                found.append(f"{where}.{key}" if where else key)
                continue
            if kind == "structure":
                child = shape.members.get(key)  # type: ignore[union-attr]
                at = member_path(where, str(key))
            else:
                child = shape.value if kind == "map" else None  # type: ignore[union-attr]
                at = f"{where}.{key}"
            whole = inner == PLACEHOLDER and child is not None
            if whole and (within or is_sensitive(child)):
                continue
            found += _stray_placeholders(inner, child, at, within=within)
    elif isinstance(value, list):
        item = shape.member if kind == "list" else None  # type: ignore[union-attr]
        for index, inner in enumerate(value):
            found += _stray_placeholders(inner, item, f"{where}[{index}]")
    return found


def _written(value: Any, shape: Shape | None, *, member: str) -> Any:
    """The value as it would be sent: ``null`` and placeholders left out.

    Raises:
        ssmkit.errors.ValidationError: ``null`` stands where it cannot mean
            "absent": in a list, a map, or for a member its structure requires.
    """
    kind = shape.type_name if shape is not None else None
    if kind == "structure" and isinstance(value, dict):
        required = shape.required_members  # type: ignore[union-attr]
        members = shape.members  # type: ignore[union-attr]
        out: Raw = {}
        for key, inner in value.items():
            where = member_path(member, key)
            if inner is None:
                if key in required and member:
                    msg = f"{where}: cannot be null ({shape.name} requires it)"  # type: ignore[union-attr]
                    raise ValidationError(msg, member=where, rule="required")
                continue
            if _placeholder(inner, members.get(key)):
                continue
            out[key] = _written(inner, members.get(key), member=where)
        return out
    if kind == "map" and isinstance(value, dict):
        inner_shape = shape.value  # type: ignore[union-attr]
        out = {}
        for key, inner in value.items():
            if inner is None:
                msg = f"{member}.{key}: null is not a value in a map"
                raise ValidationError(msg, member=member, rule="not null")
            if not _placeholder(inner, inner_shape, within=is_sensitive(shape)):  # type: ignore[arg-type]
                out[key] = _written(inner, inner_shape, member=f"{member}.{key}")
        return out
    if kind == "list" and isinstance(value, list):
        if any(item is None for item in value):
            msg = f"{member}: null is not a value in a list"
            raise ValidationError(msg, member=member, rule="not null")
        item_shape = shape.member  # type: ignore[union-attr]
        return [
            _written(item, item_shape, member=f"{member}[{index}]")
            for index, item in enumerate(value)
        ]
    return value


def _placeholder(value: Any, shape: Shape | None, *, within: bool = False) -> bool:
    """Whether ``value`` is an export's placeholder for a sensitive value."""
    return (
        value == PLACEHOLDER and shape is not None and (within or is_sensitive(shape))
    )


# -- planning -----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PlannedAssociation:
    """What applying a file does to one association.

    Attributes:
        name: The association's name, its identity in the file.
        action: ``"create"``, ``"update"``, ``"unchanged"`` or ``"delete"``.
        association_id: The live association (``None`` for a create).
        version: Its ``AssociationVersion`` when the plan was made: an update
            or a delete is carried out only if it still is.
        changes: Each changed leaf, masked where sensitive when shown.
        runs: Whether carrying it out makes the association run at once on
            its targets.
        request: For a create, the ``CreateAssociation`` request.
    """

    name: str
    action: Action
    association_id: str | None = None
    version: str | None = None
    changes: tuple[Change, ...] = attrs.field(default=(), repr=False)
    runs: bool = False
    request: Raw | None = attrs.field(default=None, repr=False)
    _prepared: tuple[Prepared, ...] = attrs.field(
        default=(), repr=False, alias="prepared"
    )
    _tags: tuple[dict[str, str], dict[str, str]] | None = attrs.field(
        default=None, repr=False, alias="tags"
    )

    @property
    def writes(self) -> bool:
        """Whether an ``UpdateAssociation`` is part of carrying it out."""
        return bool(self._prepared)

    def render(self, *, show_sensitive: bool = False) -> str:
        """The entry as lines of text: a heading, then one line per change."""
        where = f" ({self.association_id})" if self.association_id else ""
        heading = {
            "create": f"+ create {self.name}",
            "update": f"~ update {self.name}{where}, at version {self.version}",
            "unchanged": f"= unchanged {self.name}{where}",
            "delete": f"- delete {self.name}{where}, at version {self.version}",
        }[self.action]
        if self.runs:
            heading += " (runs at once on its targets)"
        lines = [heading]
        lines += [
            f"    {c.render(show_sensitive=show_sensitive)}" for c in self.changes
        ]
        return "\n".join(lines)

    def to_json(self, *, show_sensitive: bool = False) -> dict[str, Any]:
        """The entry in plain JSON types, masked unless asked."""
        return {
            "name": self.name,
            "action": self.action,
            "association_id": self.association_id,
            "version": self.version,
            "runs": self.runs,
            "changes": [c.to_json(show_sensitive=show_sensitive) for c in self.changes],
        }


@attrs.frozen(kw_only=True)
class AssociationsPlan:
    """What applying a file of associations would do; nothing is written.

    Attributes:
        associations: One entry per association touched or checked, in the
            file's order, then the deletes.
        prune: Whether live associations missing from the file are deleted.
        name_prefix: The scope deletes are limited to.
        source: The file planned.
    """

    associations: tuple[PlannedAssociation, ...]
    prune: bool = False
    name_prefix: str | None = None
    source: str = "<entries>"

    def _with(self, action: Action) -> tuple[PlannedAssociation, ...]:
        return tuple(a for a in self.associations if a.action == action)

    @property
    def entries(self) -> tuple[PlannedAssociation, ...]:
        """Every entry, as for ``ssmkit.Plan``: the associations."""
        return self.associations

    @property
    def create(self) -> tuple[PlannedAssociation, ...]:
        """The associations to create."""
        return self._with("create")

    @property
    def update(self) -> tuple[PlannedAssociation, ...]:
        """The associations to update."""
        return self._with("update")

    @property
    def unchanged(self) -> tuple[PlannedAssociation, ...]:
        """The associations already as the file has them."""
        return self._with("unchanged")

    @property
    def delete(self) -> tuple[PlannedAssociation, ...]:
        """The associations to delete (with ``prune``)."""
        return self._with("delete")

    @property
    def pending(self) -> bool:
        """Whether applying would change anything."""
        return any(a.action != "unchanged" for a in self.associations)

    def counts(self) -> dict[str, int]:
        """How many associations each action has."""
        actions: tuple[Action, ...] = ("create", "update", "unchanged", "delete")
        return {a: len(self._with(a)) for a in actions}

    def summary(self) -> str:
        """``Plan: 1 to create, 2 to update, 5 unchanged, 0 to delete.``"""
        return summary(self.counts(), prune=self.prune)

    def render(self, *, show_sensitive: bool = False) -> str:
        """The plan as text: each association, then the summary."""
        lines = [a.render(show_sensitive=show_sensitive) for a in self.associations]
        return "\n".join([*lines, self.summary()])

    def to_json(self, *, show_sensitive: bool = False) -> dict[str, Any]:
        """The plan in plain JSON types, masked unless asked."""
        return {
            "associations": [
                a.to_json(show_sensitive=show_sensitive) for a in self.associations
            ],
            "counts": self.counts(),
            "prune": self.prune,
            "name_prefix": self.name_prefix,
        }

    def __str__(self) -> str:
        return self.render()


def summary(counts: dict[str, int], *, prune: bool) -> str:
    """A plan's last line, from the number of entries of each action."""
    text = (
        f"Plan: {counts['create']} to create, {counts['update']} to update, "
        f"{counts['unchanged']} unchanged"
    )
    if prune:
        text += f", {counts['delete']} to delete"
    return text + "."


def plan_associations(
    boto3_client: Any, desired: Any, *, prune: bool = False, concurrency: int = 8
) -> AssociationsPlan:
    """Plan a file of associations against the service; write nothing.

    Costs one ListAssociations walk, a DescribeAssociation per entry that
    exists, and a ListTagsForResource per existing entry that has ``Tags``.

    Raises:
        ssmkit.errors.ValidationError: The file is refused: any entry is bad,
            a name matches more than one live association, or ``prune`` is
            asked without a ``Prune.NamePrefix`` scope. Every problem is listed.
    """
    read = load_associations(desired, boto3_client)
    check_pace(concurrency, None, boto3_client)
    plan, problems = plan_read_associations(
        boto3_client, read, prune=prune, concurrency=concurrency
    )
    if problems:
        raise _refused(read.source, problems)
    return plan


def plan_read_associations(
    boto3_client: Any, read: Desired, *, prune: bool, concurrency: int
) -> tuple[AssociationsPlan, list[str]]:
    """``plan_associations`` of a file read, and what is wrong with it live.

    The entries found live are read ``concurrency`` at a time: each is a
    ``DescribeAssociation`` (and a ``ListTagsForResource`` for one with
    ``Tags``), independent of the others.
    """
    if prune and read.name_prefix is None:
        msg = (
            f"{read.source}: pruning needs a scope: add Prune: {{NamePrefix: ...}} "
            "to the file; only associations whose names start with it are deleted"
        )
        raise ValidationError(msg, rule="prune scope")
    live: dict[str, list[Raw]] = {}
    for summary in _walk(boto3_client):
        name = summary.get("AssociationName")
        if name:
            live.setdefault(name, []).append(summary)
    problems: list[str] = []
    planned: list[PlannedAssociation] = []

    def one(entry: Raw) -> PlannedAssociation | str:
        name = entry["AssociationName"]
        found = live.get(name, [])
        if len(found) > 1:
            ids = ", ".join(sorted(s["AssociationId"] for s in found))
            return f"{name}: matches {len(found)} live associations: {ids}"
        try:
            if found:
                return _patient(lambda: _plan_update(boto3_client, entry, found[0]))
            return _plan_create(boto3_client, entry)
        except ValidationError as exc:
            return f"{name}: {exc}"

    for done in _each(one, read.entries, concurrency):
        if isinstance(done, str):
            problems.append(done)
        else:
            planned.append(done)
    if problems:
        return AssociationsPlan(associations=(), source=read.source), problems
    if prune:
        named = {e["AssociationName"] for e in read.entries}
        prefix = read.name_prefix or ""
        for name, summaries in sorted(live.items()):
            if name.startswith(prefix) and name not in named:
                planned += [
                    PlannedAssociation(
                        name=name,
                        action="delete",
                        association_id=s["AssociationId"],
                        version=s.get("AssociationVersion"),
                    )
                    for s in summaries
                ]
    plan = AssociationsPlan(
        associations=tuple(planned),
        prune=prune,
        name_prefix=read.name_prefix,
        source=read.source,
    )
    return plan, []


def _each(one: Callable[[Raw], T], entries: Sequence[Raw], concurrency: int) -> list[T]:
    """``one`` on each entry, ``concurrency`` at once; the results in order.

    On Ctrl-C or an error, the reads not yet started are not started.
    """
    if concurrency <= 1 or len(entries) <= 1:
        return [one(entry) for entry in entries]
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="ssmkit-plan")
    try:
        return list(pool.map(one, entries))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


#: How often a read the service keeps refusing as too many is tried again,
#: over botocore's own retries, and the longest pause between two.
_PATIENCE = 6
_LONGEST_PAUSE = 5.0


def _patient(read: Callable[[], T]) -> T:
    """``read()``, waiting out throttling with backoff and full jitter."""
    for attempt in range(_PATIENCE):
        try:
            return read()
        except ThrottlingError:
            if attempt == _PATIENCE - 1:
                raise
            time.sleep(random.uniform(0, min(_LONGEST_PAUSE, 0.25 * 2**attempt)))
    raise AssertionError  # pragma: no cover - the loop returns or raises


def _walk(boto3_client: Any, filters: list[Raw] | None = None) -> Iterable[Raw]:
    paginator = boto3_client.get_paginator("list_associations")
    request = {"AssociationFilterList": filters} if filters else {}
    # The service's refusals come out as ssmkit's, like every other call's.
    with translated("ListAssociations", boto3_client, request):
        for page in paginator.paginate(**request):
            yield from page.get("Associations", [])


def _plan_create(boto3_client: Any, entry: Raw) -> PlannedAssociation:
    shape = _create_shape(boto3_client)
    missing = _placeholders(entry, shape)
    if missing:
        msg = (
            f"{', '.join(missing)}: holds the placeholder {PLACEHOLDER} (exported "
            "without --show-sensitive) and there is no live value to keep: "
            "write the value"
        )
        raise ValidationError(msg)  # one of the file's problems
    request = _written(entry, shape, member="")
    ASSOCIATION.rules(request, {})
    return PlannedAssociation(
        name=entry["AssociationName"],
        action="create",
        changes=tuple(diff(None, request, shape)),
        runs=request.get("ApplyOnlyAtCronInterval") is not True,
        request=request,
    )


def _plan_update(boto3_client: Any, entry: Raw, summary: Raw) -> PlannedAssociation:
    association_id = summary["AssociationId"]
    ids = {"AssociationId": association_id}
    raw = invoke(boto3_client, "DescribeAssociation", ids)["AssociationDescription"]
    create = _create_shape(boto3_client)
    update = _update_shape(boto3_client)
    entry = _kept(entry, raw, create)
    for member in set(entry) - set(update.members) - {_TAGS}:
        if entry[member] != raw.get(member):
            name = attribute_name(member)
            msg = (
                f"{name}: cannot be changed on an existing association "
                f"(live: {raw.get(member)!r}); delete it and create it again"
            )
            raise ValidationError(msg)  # one of the file's problems
    prepared: list[Prepared] = [
        ((member,), CLEAR if value is None else _cleared(value, update.members[member]))
        for member, value in entry.items()
        if member in update.members
    ]
    plan = plan_read(ASSOCIATION, boto3_client, ids, raw, prepared)
    changes = list(plan.changes)
    tags = None
    if _TAGS in entry:
        now = _live_tags(boto3_client, association_id)
        wanted = {t["Key"]: t["Value"] for t in entry[_TAGS] or []}
        if now != wanted:
            tags = (now, wanted)
            changes += [
                Change(path=f"tags.{key}", before=now.get(key), after=wanted.get(key))
                for key in sorted(set(now) | set(wanted))
                if now.get(key) != wanted.get(key)
            ]
    return PlannedAssociation(
        name=entry["AssociationName"],
        action="update" if changes else "unchanged",
        association_id=association_id,
        version=raw.get("AssociationVersion"),
        changes=tuple(changes),
        runs=plan.runs,
        prepared=tuple(prepared) if plan.changes else (),
        tags=tags,
    )


def _live_tags(
    boto3_client: Any, resource_id: str, resource_type: str = _RESOURCE
) -> dict[str, str]:
    answer = invoke(
        boto3_client,
        "ListTagsForResource",
        {"ResourceType": resource_type, "ResourceId": resource_id},
    )
    return {t["Key"]: t["Value"] for t in answer.get("TagList", [])}


def _placeholders(
    value: Any, shape: Shape | None, where: str = "", *, within: bool = False
) -> list[str]:
    """Where an entry holds the export's placeholder for a sensitive value."""
    if shape is None:
        return []
    within = within or is_sensitive(shape)
    if within and value == PLACEHOLDER:
        return [where]
    kind = shape.type_name
    found: list[str] = []
    if kind == "structure" and isinstance(value, dict):
        for key, inner in value.items():
            at = member_path(where, key)
            found += _placeholders(inner, shape.members.get(key), at, within=within)  # type: ignore[attr-defined]
    elif kind == "map" and isinstance(value, dict):
        for key, inner in value.items():
            found += _placeholders(inner, shape.value, f"{where}.{key}", within=within)  # type: ignore[attr-defined]
    elif kind == "list" and isinstance(value, list):
        for index, inner in enumerate(value):
            at = f"{where}[{index}]"
            found += _placeholders(inner, shape.member, at, within=within)  # type: ignore[attr-defined]
    return found


def _kept(
    value: Any, live: Any, shape: Shape | None, where: str = "", *, within: bool = False
) -> Any:
    """``value`` with each placeholder replaced by the live value in its place.

    Raises:
        ssmkit.errors.ValidationError: A placeholder has no live value to keep.
    """
    if shape is None:
        return value
    within = within or is_sensitive(shape)
    kind = shape.type_name
    if kind in ("structure", "map") and isinstance(value, dict):
        live = live if isinstance(live, dict) else {}
        out = {}
        for key, inner in value.items():
            if kind == "structure":
                child, at = shape.members.get(key), member_path(where, key)  # type: ignore[attr-defined]
            else:
                child, at = shape.value, f"{where}.{key}"  # type: ignore[attr-defined]
            if (within and inner == PLACEHOLDER) or _placeholder(inner, child):
                if key not in live:
                    msg = (
                        f"{at}: holds the placeholder {PLACEHOLDER} and there is "
                        "no live value to keep: write the value"
                    )
                    raise ValidationError(msg, member=at, rule="placeholder")
                out[key] = live[key]
            else:
                out[key] = _kept(inner, live.get(key), child, at, within=within)
        return out
    if kind == "list" and isinstance(value, list):
        live = live if isinstance(live, list) else []
        item = shape.member  # type: ignore[attr-defined]
        return [
            _kept(inner, live[i] if i < len(live) else None, item, f"{where}[{i}]")
            for i, inner in enumerate(value)
        ]
    return value


def _cleared(value: Any, shape: Shape) -> Any:
    """A structure's ``null`` members as ``CLEAR``: managed as absent."""
    if shape.type_name == "structure" and isinstance(value, dict):
        members = shape.members  # type: ignore[attr-defined]
        return {
            k: CLEAR if v is None else _cleared(v, members[k]) if k in members else v
            for k, v in value.items()
        }
    return value


# -- applying -----------------------------------------------------------------------

Outcome = Literal[
    "created", "changed", "unchanged", "deleted", "conflict", "failed", "not_started"
]


@attrs.frozen(kw_only=True)
class ApplyResult:
    """What applying a plan did to one association.

    Attributes:
        name: The association's name.
        association_id: Its id (for a create, the new one; ``None`` if the
            create failed).
        outcome: ``"created"``, ``"changed"``, ``"unchanged"``, ``"deleted"``,
            ``"conflict"`` (someone changed it since the plan; nothing was
            written), ``"failed"``, or ``"not_started"`` when a rollout
            stopped before it (``max_failed_runs``).
        version_before: The version the plan was made at.
        version_after: The version written.
        error: Why it is a conflict or failed.
        run: With ``wait``, the run the write started, as last read.
    """

    name: str
    association_id: str | None
    outcome: Outcome
    version_before: str | None = None
    version_after: str | None = None
    error: SSMKitError | None = None
    run: AssociationRun | None = None

    @property
    def failed_targets(self) -> int:
        """Targets of its run that did not succeed; a run not seen to end counts 1."""
        return failed_targets(self.run)

    def to_json(self) -> dict[str, Any]:
        """One line of a report: plain JSON types only."""
        data: dict[str, Any] = {
            "name": self.name,
            "association_id": self.association_id,
            "outcome": self.outcome,
            "version_before": self.version_before,
            "version_after": self.version_after,
            "error": error_json(self.error),
        }
        if self.run is not None:
            data["run"] = run_json(self.run)
        return data


def apply_associations(
    boto3_client: Any,
    plan: AssociationsPlan,
    *,
    concurrency: int = 4,
    max_rate: float | None = None,
    progress: Callable[[ApplyResult], object] | None = None,
    wait: bool = False,
    timeout: float = 600.0,
    canary: int | None = None,
    max_failed_runs: int | None = None,
    watch: Callable[[AssociationRun], object] | None = None,
    stop: threading.Event | None = None,
    interrupted: threading.Event | None = None,
) -> list[ApplyResult]:
    """Carry out a plan: create, update with the planned version, delete.

    ``stop`` and ``interrupted``, when given, are a run's around this one (a
    fleet's): once ``stop`` is set, no write starts; once ``interrupted`` is,
    the waits end too.

    Returns:
        One result per association in the plan, in its order; after Ctrl-C,
        those finished (the ``KeyboardInterrupt`` goes on).
    """
    check_pace(concurrency, max_rate, boto3_client)
    check_rollout(wait, timeout, canary, max_failed_runs, dry_run=False, watch=watch)
    stop = stop if stop is not None else threading.Event()
    client = paced(boto3_client, max_rate, stop)
    rollout = Rollout(
        stop,
        timeout=timeout,
        max_failed_runs=max_failed_runs,
        watch=watch,
        interrupted=interrupted,
    )

    def before_write() -> None:
        if stop.is_set():
            raise Stopped

    def one(item: PlannedAssociation) -> ApplyResult | None:
        try:
            result = _carry_out(client, item, before_write)
        except Stopped:
            return None
        except SSMKitError as exc:
            return ApplyResult(
                name=item.name,
                association_id=item.association_id,
                outcome="failed",
                version_before=item.version,
                error=exc,
            )
        started = result.outcome in ("created", "changed") and result.version_after
        if not (wait and item.runs and started and result.association_id):
            return result
        # What was written runs at once: its run is judged before more starts.
        run, error = rollout.judge(
            client, result.association_id, str(result.version_after)
        )
        return attrs.evolve(result, run=run, error=error)

    return rollout.go(
        plan.associations,
        one,
        canary=canary,
        concurrency=concurrency,
        progress=progress,
        key=lambda r: r.name,
        # An entry already as the file says needs no call to stay so.
        never=lambda item: ApplyResult(
            name=item.name,
            association_id=item.association_id,
            outcome="unchanged" if item.action == "unchanged" else "not_started",
            version_before=item.version,
        ),
        name=lambda item: item.name,
    )


def _carry_out(
    client: Any, item: PlannedAssociation, before_write: Callable[[], None]
) -> ApplyResult:
    result = ApplyResult(
        name=item.name,
        association_id=item.association_id,
        outcome="unchanged",
        version_before=item.version,
    )
    if item.action == "unchanged":
        return result
    if item.action == "create":
        return _create(client, item, before_write)
    ids = {"AssociationId": item.association_id}
    if item.action == "delete":
        try:
            now = invoke(client, "DescribeAssociation", ids)["AssociationDescription"]
        except AssociationDoesNotExist as exc:
            return _conflict(result, "was deleted since the plan", exc)
        if now.get("AssociationVersion") != item.version:
            found = now.get("AssociationVersion")
            return _conflict(result, f"is at version {found} since the plan", None)
        before_write()
        invoke(client, "DeleteAssociation", ids)
        return attrs.evolve(result, outcome="deleted")
    version = item.version
    if item._tags is not None:
        # Tags have no version token of their own: they are compared with
        # what the plan read, and, when no member is written (which would
        # check the version), so is the version.
        try:
            if not item.writes:
                now = invoke(client, "DescribeAssociation", ids)[
                    "AssociationDescription"
                ]
                if now.get("AssociationVersion") != item.version:
                    found = now.get("AssociationVersion")
                    return _conflict(
                        result, f"is at version {found} since the plan", None
                    )
            tags_now = _live_tags(client, item.association_id or "")
        except (AssociationDoesNotExist, InvalidResourceId) as exc:
            return _conflict(result, "was deleted since the plan", exc)
        if tags_now != item._tags[0]:
            return _conflict(result, "had its tags changed since the plan", None)
    if item.writes:
        try:
            done = apply_update(
                ASSOCIATION,
                client,
                ids,
                expected_version=item.version,
                modify=None,
                changes={},
                prepared=list(item._prepared),
                before_write=before_write,
            )
        except ConcurrentUpdateError as exc:
            return _conflict(result, "was changed since the plan", exc)
        except AssociationDoesNotExist as exc:
            return _conflict(result, "was deleted since the plan", exc)
        if done.wrote:
            version = done.raw.get("AssociationVersion")
    if item._tags is not None:
        before_write()
        _write_tags(client, item.association_id or "", *item._tags)
    return attrs.evolve(result, outcome="changed", version_after=version)


def _conflict(result: ApplyResult, what: str, cause: SSMKitError | None) -> ApplyResult:
    msg = f"association {result.name} {what}: nothing was written; plan again"
    error = ConcurrentUpdateError(msg, expected_version=result.version_before)
    error.__cause__ = cause
    return attrs.evolve(result, outcome="conflict", error=error)


def _create(
    client: Any, item: PlannedAssociation, before_write: Callable[[], None]
) -> ApplyResult:
    result = ApplyResult(name=item.name, association_id=None, outcome="created")
    # AssociationName is not unique in the service: one created since the plan
    # would be doubled.
    filters = [{"key": "AssociationName", "value": item.name}]
    there = [
        s["AssociationId"]
        for s in _walk(client, filters)
        if s.get("AssociationName") == item.name
    ]
    if there:
        return _conflict(
            result, f"was created since the plan ({', '.join(there)})", None
        )
    before_write()
    answer = invoke(client, "CreateAssociation", item.request or {})
    created = answer["AssociationDescription"]
    return attrs.evolve(
        result,
        association_id=created["AssociationId"],
        version_after=created.get("AssociationVersion"),
    )


def _write_tags(
    client: Any,
    resource_id: str,
    now: dict[str, str],
    wanted: dict[str, str],
    resource_type: str = _RESOURCE,
) -> None:
    resource = {"ResourceType": resource_type, "ResourceId": resource_id}
    gone = sorted(set(now) - set(wanted))
    if gone:
        invoke(client, "RemoveTagsFromResource", {**resource, "TagKeys": gone})
    added = [{"Key": k, "Value": v} for k, v in wanted.items() if now.get(k) != v]
    if added:
        invoke(client, "AddTagsToResource", {**resource, "Tags": added})


# -- export -------------------------------------------------------------------------


def export_associations(
    boto3_client: Any,
    *,
    filters: Sequence[Raw] | None,
    show_sensitive: bool,
) -> tuple[dict[str, Any], list[str]]:
    """Live associations as a file's document, and the ids left out.

    Each entry holds the members ``CreateAssociation`` takes, as the service
    stores them, and its tags. Sensitive values are ``PLACEHOLDER``
    unless ``show_sensitive``. Associations without a name, or whose name
    another shares, have no identity in a file (a plan of it would refuse
    it): their ids are returned as left out.
    """
    shape = _create_shape(boto3_client)
    entries: list[Raw] = []
    skipped: list[str] = []
    found = list(_walk(boto3_client, list(filters) if filters else None))
    names = Counter(s.get("AssociationName") for s in found)
    for summary in found:
        association_id = summary["AssociationId"]
        name = summary.get("AssociationName")
        if not name or names[name] > 1:
            skipped.append(association_id)
            continue
        ids = {"AssociationId": association_id}
        raw = invoke(boto3_client, "DescribeAssociation", ids)["AssociationDescription"]
        entries.append(_entry_of(boto3_client, raw, shape, show_sensitive))
    return {"Associations": entries}, skipped


def _entry_of(
    boto3_client: Any, raw: Raw, shape: StructureShape, show_sensitive: bool
) -> Raw:
    stored: Raw = {}
    for member in ("AssociationName", "Name", *shape.members):
        if member in raw and member not in stored and member != _TAGS:
            value = prune(raw[member], shape.members[member])
            if value is not DROP:
                stored[member] = value
    ASSOCIATION.carry(stored, raw)
    tags = _live_tags(boto3_client, raw["AssociationId"])
    if tags:
        stored[_TAGS] = [{"Key": k, "Value": v} for k, v in tags.items()]
    return mask(stored, shape, show_sensitive=show_sensitive)  # type: ignore[no-any-return]


def dump_associations(
    document: dict[str, Any], path: str | os.PathLike[str], *, ascii_only: bool = False
) -> str:
    """A document as the text of a file named ``path``: YAML or JSON by extension.

    ``ascii_only`` escapes every other character, for a terminal.
    """
    return dump_document(document, path, ascii_only=ascii_only)
