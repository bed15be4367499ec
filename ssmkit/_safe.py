"""Safe updates: change what you name, keep everything else, never race.

Two AWS rules make a naive update destructive:

* ``UpdateAssociation``: "When you call UpdateAssociation, the system removes
  all optional parameters from the request and overwrites the association with
  null values for those parameters. This is by design. You must specify all
  optional parameters in the call, even if you are not changing the
  parameters. This includes the Name parameter."
* ``UpdateMaintenanceWindowTask``: "When you update a maintenance window task
  that has options specified in TaskInvocationParameters, you must provide
  again all the TaskInvocationParameters values that you want to retain. The
  values you don't specify again are removed."

So every safe update reads the resource, builds the whole request from what is
stored, overlays the caller's changes, and writes it back. The members carried
over are the update operation's input members as the boto3 client's own
service model lists them at run time, copied from the raw answer, so members
that ssmkit's models do not know survive. For associations, ``AssociationVersion``
makes the write a compare-and-swap: "You must specify the latest association
version in the service."
"""

from __future__ import annotations

import inspect
import random
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs
from botocore.model import StructureShape

from ._base_client import invoke
from ._changes import AssociationChanges, MaintenanceWindowTaskChanges
from ._convert import from_boto, to_boto
from ._sentinel import CLEAR
from ._validate import attribute_name, check_value, member_path
from .errors import (
    ConcurrentUpdateError,
    InvalidAssociationVersion,
    ServiceError,
    TooManyUpdates,
    ValidationError,
)
from .models import AssociationDescription, GetMaintenanceWindowTaskResult

if TYPE_CHECKING:
    from botocore.model import Shape
    from mypy_boto3_ssm import SSMClient
    from typing_extensions import Unpack

__all__ = [
    "ASSOCIATION",
    "MAINTENANCE_WINDOW_TASK",
    "Kind",
    "Outcome",
    "UpdatePlan",
    "apply_update",
    "plan_association_update",
    "plan_maintenance_window_task_update",
    "plan_update",
    "prepare",
    "safe_update",
    "safe_update_association",
    "safe_update_maintenance_window_task",
    "show_changes",
]

M = TypeVar("M")
Raw = dict[str, Any]

#: How many times a lost compare-and-swap race is run again from a fresh read.
RACE_ATTEMPTS = 8
#: How many attempts a write gets while the service answers TooManyUpdates.
BUSY_ATTEMPTS = 5
#: Full-jitter exponential backoff: a random delay up to base * 2**attempt, capped.
BACKOFF_BASE = 0.05
BACKOFF_CAP = 1.0


def _backoff(attempt: int) -> None:
    time.sleep(random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt)))


@attrs.frozen(kw_only=True)
class UpdatePlan(Generic[M]):
    """What a safe update would send, and what it would change; nothing is written.

    Attributes:
        operation: The AWS operation the update calls (``"UpdateAssociation"``).
        request: The exact keyword arguments the boto3 method would get.
        changes: For each member that changes, by ssmkit's attribute name, its
            old and new value in boto3's form (``None`` where absent).
        before: The resource as it is (converted when first read).
        after: The resource as it would be (converted when first read).
        sensitive: The attribute names of members the service model marks
            sensitive; their values are masked in :meth:`render`.
    """

    operation: str
    request: dict[str, Any] = attrs.field(repr=False)
    changes: dict[str, tuple[Any, Any]] = attrs.field(repr=False)
    sensitive: frozenset[str] = attrs.field(repr=False, factory=frozenset)
    _model: type[M] = attrs.field(repr=False, alias="model")
    _before: dict[str, Any] = attrs.field(repr=False, alias="before_raw")
    _after: dict[str, Any] = attrs.field(repr=False, alias="after_raw")

    @property
    def before(self) -> M:
        """The resource as it is."""
        return from_boto(self._model, self._before)

    @property
    def after(self) -> M:
        """The resource as it would be."""
        return from_boto(self._model, self._after)

    @property
    def is_noop(self) -> bool:
        """Whether the update would change nothing (and so would not be sent)."""
        return not self.changes

    def render(self, *, show_sensitive: bool = False) -> str:
        """The plan as text: one line per member that changes.

        Args:
            show_sensitive: Show the values of sensitive members instead of
                masking them.

        Returns:
            Lines like ``schedule_expression: 'rate(1 day)' -> 'rate(2 days)'``.
        """
        if self.is_noop:
            return f"{self.operation}: nothing would change"
        lines = [f"{self.operation}: {len(self.changes)} member(s) would change"]
        for name, (old, new) in self.changes.items():
            if name in self.sensitive and not show_sensitive:
                lines.append(f"  {name}: <sensitive> -> <sensitive>")
            else:
                lines.append(f"  {name}: {_show(old)} -> {_show(new)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


def _show(value: Any) -> str:
    return "(absent)" if value is None else repr(value)


@attrs.frozen(kw_only=True)
class Kind(Generic[M]):
    """How one kind of resource is read, compared and written."""

    read_operation: str
    read_key: str | None
    update_operation: str
    identity: tuple[str, ...]
    token: str | None
    managed: frozenset[str]
    model: type[M]
    noun: str
    carry: Callable[[Raw, Raw], None]
    rules: Callable[[Raw, Raw], None]
    finish: Callable[[Raw, Raw], None]


# -- building the request ---------------------------------------------------------

_DROP = object()


def _prune(value: Any, shape: Shape) -> Any:
    """A stored value without the parts its input shape forbids.

    The service reports empty lists that it would refuse on input (for example
    ``TargetLocations``, whose input minimum is 1); they are not sent back.
    What needs no pruning is returned as it is, not copied: nothing here
    mutates a value it did not build.
    """
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members  # type: ignore[attr-defined]
        pruned: dict[str, Any] | None = None
        for member, inner in value.items():
            if member not in members:
                continue
            kept = _prune(inner, members[member])
            if kept is not inner:
                pruned = dict(value) if pruned is None else pruned
                if kept is _DROP:
                    del pruned[member]
                else:
                    pruned[member] = kept
        return value if pruned is None else pruned
    if kind in ("list", "map") and isinstance(value, (list, dict)):
        if len(value) < shape.metadata.get("min", 0):
            return _DROP
        if kind == "list":
            items = [_prune(item, shape.member) for item in value]  # type: ignore[attr-defined]
            if all(new is old for new, old in zip(items, value, strict=True)):
                return value
            return [item for item in items if item is not _DROP]
    return value


def _overlay(current: Any, given: Any, shape: Shape) -> Any:
    """A structure is merged member by member; anything else is replaced."""
    if shape.type_name != "structure" or not isinstance(current, dict):
        return given  # fresh from to_boto(): nobody else holds it
    members = shape.members  # type: ignore[attr-defined]
    merged = dict(current)
    for member, value in given.items():
        inner = members.get(member)
        merged[member] = (
            _overlay(current.get(member), value, inner) if inner is not None else value
        )
    return merged


def _apply_diff(
    target: Raw, before: Raw, after: Raw, shape: StructureShape, path: str
) -> None:
    """Apply to ``target`` exactly what changed from ``before`` to ``after``."""
    members = shape.members
    for member in sorted(set(before) | set(after)):
        old, new = before.get(member), after.get(member)
        if old == new:
            continue
        inner = members.get(member)
        where = member_path(path, member)
        if inner is None:
            msg = f"{where}: the update cannot change it"
            raise ValidationError(msg, member=where, rule="not updatable")
        if member not in after:
            target.pop(member, None)
        elif (
            inner.type_name == "structure"
            and isinstance(old, dict)
            and isinstance(target.get(member), dict)
        ):
            nested = dict(target[member])
            _apply_diff(nested, old, new, inner, where)  # type: ignore[arg-type]
            target[member] = nested
        else:
            check_value(new, inner, where)
            target[member] = new  # fresh from to_boto()


def prepare(
    kind: Kind[M], boto3_client: Any, changes: Mapping[str, Any]
) -> dict[str, Any]:
    """Check the caller's changes before any call: names, then values.

    Returns:
        The changes by wire member name, in boto3's form (``CLEAR`` kept as is).
    """
    shape = _input_shape(kind, boto3_client)
    by_name = _facts(kind, shape).by_name
    unknown = sorted(set(changes) - set(by_name))
    if unknown:
        msg = f"{kind.update_operation} has no member named {', '.join(unknown)}"
        raise TypeError(msg)
    prepared: dict[str, Any] = {}
    for name, value in changes.items():
        member = by_name[name]
        if value is CLEAR:
            prepared[member] = CLEAR
            continue
        given = to_boto(value)
        check_value(given, shape.members[member], name)
        prepared[member] = given
    return prepared


def _input_shape(kind: Kind[M], boto3_client: Any) -> StructureShape:
    # The boto3 client's own model: members newer than ssmkit's models count too.
    model = boto3_client.meta.service_model.operation_model(kind.update_operation)
    return model.input_shape  # type: ignore[no-any-return]


def _plan(
    kind: Kind[M],
    boto3_client: Any,
    ids: Raw,
    raw: Raw,
    changes: Mapping[str, Any],
    modify: Callable[[M], M] | None,
) -> UpdatePlan[M]:
    """Plan the update of ``raw`` with ``changes`` as :func:`prepare` gave them."""
    shape = _input_shape(kind, boto3_client)
    fixed = kind.managed | set(kind.identity)

    facts = _facts(kind, shape)
    # What is stored, as a request: sending it would change nothing.
    stored: Raw = {}
    for member in facts.carried:
        if member in raw:
            value = raw[member]
            if member in facts.prunable:
                value = _prune(value, shape.members[member])
            if value is not _DROP:
                stored[member] = value
    kind.carry(stored, raw)

    # A shallow copy: merges build new dicts, so nothing stored is mutated.
    request = dict(stored)
    for member, given in changes.items():
        if given is CLEAR:
            request.pop(member, None)
        else:
            request[member] = _overlay(
                request.get(member), given, shape.members[member]
            )
    if modify is not None:
        before_model = from_boto(kind.model, raw)
        after_model = modify(before_model)
        if not isinstance(after_model, kind.model):
            got = type(after_model).__name__
            msg = f"modify= must return a {kind.model.__name__}, got {got}"
            raise TypeError(msg)
        before_wire, after_wire = to_boto(before_model), to_boto(after_model)
        for member in fixed & (set(before_wire) | set(after_wire)):
            if before_wire.get(member) != after_wire.get(member):
                where = attribute_name(member)
                msg = f"{where}: ssmkit sets it, modify= cannot change it"
                raise ValidationError(msg, member=where, rule="not updatable")
        _apply_diff(request, before_wire, after_wire, shape, "")
    kind.rules(request, stored)

    changed = {
        attribute_name(m): (stored.get(m), request.get(m))
        for m in shape.members
        if stored.get(m) != request.get(m)
    }
    full = {**ids, **request}
    kind.finish(full, stored)
    if kind.token is not None:
        full[kind.token] = raw[kind.token]
    after_raw = {k: v for k, v in raw.items() if k not in shape.members or k in fixed}
    after_raw.update(request)
    return UpdatePlan(
        operation=kind.update_operation,
        request=full,
        changes=changed,
        sensitive=facts.sensitive,
        model=kind.model,
        before_raw=raw,
        after_raw=after_raw,
    )


@attrs.frozen
class _Facts:
    """What a safe update needs to know of an update's input shape, found once."""

    shape: StructureShape  # kept, so the id it is cached under stays its own
    by_name: dict[str, str]  # attribute name -> member, for the changeable members
    carried: tuple[str, ...]  # the members copied from the stored resource
    prunable: frozenset[str]  # the members that can hold a list the input forbids
    sensitive: frozenset[str]  # attribute names of sensitive members


_FACTS: dict[tuple[int, str], _Facts] = {}


def _facts(kind: Kind[M], shape: StructureShape) -> _Facts:
    key = (id(shape), kind.update_operation)
    found = _FACTS.get(key)
    if found is None or found.shape is not shape:
        fixed = kind.managed | set(kind.identity)
        carried = tuple(m for m in shape.members if m not in fixed)
        found = _Facts(
            shape=shape,
            by_name={attribute_name(m): m for m in carried},
            carried=carried,
            prunable=frozenset(m for m in carried if _prunable(shape.members[m], 0)),
            sensitive=frozenset(
                attribute_name(m)
                for m, inner in shape.members.items()
                if _is_sensitive(inner)
            ),
        )
        _FACTS[key] = found
    return found


def _prunable(shape: Shape, depth: int) -> bool:
    """Whether a value of this shape can hold a list or map shorter than allowed."""
    if depth > 20:  # a recursive shape: assume so
        return True
    kind = shape.type_name
    if kind in ("list", "map") and shape.metadata.get("min", 0) > 0:
        return True
    if kind == "list":
        return _prunable(shape.member, depth + 1)  # type: ignore[attr-defined]
    if kind == "structure":
        return any(_prunable(m, depth + 1) for m in shape.members.values())  # type: ignore[attr-defined]
    return False


def _is_sensitive(shape: Shape) -> bool:
    if shape.metadata.get("sensitive"):
        return True
    if shape.type_name == "list":
        return _is_sensitive(shape.member)  # type: ignore[attr-defined]
    if shape.type_name == "map":
        return _is_sensitive(shape.value)  # type: ignore[attr-defined]
    return False


# -- reading and writing ------------------------------------------------------------


def _read(kind: Kind[M], boto3_client: Any, ids: Raw) -> Raw:
    answer = invoke(boto3_client, kind.read_operation, ids)
    if kind.read_key is not None:
        return answer[kind.read_key]  # type: ignore[no-any-return]
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


def _write(kind: Kind[M], boto3_client: Any, request: Raw) -> Raw:
    """Send the update, waiting out TooManyUpdates (which botocore does not retry)."""
    for attempt in range(1, BUSY_ATTEMPTS + 1):
        try:
            return invoke(boto3_client, kind.update_operation, request)
        except TooManyUpdates:
            if attempt == BUSY_ATTEMPTS:
                raise
            _backoff(attempt)
    raise AssertionError  # pragma: no cover - the loop returns or raises


def _explain_failure(
    kind: Kind[M], boto3_client: Any, ids: Raw, raw: Raw, exc: ServiceError
) -> ServiceError:
    """The same error, saying whether the resource was left as it was."""
    what = f"{kind.noun} {'/'.join(ids.values())}"
    try:
        now = _read(kind, boto3_client, ids)
    except ServiceError:
        note = f"{what} could not be read back to check it"
    else:
        if kind.token is not None:
            if now.get(kind.token) == raw.get(kind.token):
                note = f"{what} is unchanged (still version {raw.get(kind.token)})"
            else:
                version = now.get(kind.token)
                note = f"{what} is now at version {version}: read it before retrying"
        else:
            unchanged = now == raw
            note = (
                f"{what} is unchanged"
                if unchanged
                else f"{what} has changed since it was read"
            )
    explained = type(exc)(
        f"{exc.message} [{note}]",
        code=exc.code,
        operation=exc.operation,
        request_id=exc.request_id,
    )
    explained.__cause__ = exc.__cause__
    return explained


def plan_update(
    kind: Kind[M],
    boto3_client: Any,
    ids: Raw,
    *,
    expected_version: str | None,
    modify: Callable[[M], M] | None,
    changes: Mapping[str, Any],
) -> UpdatePlan[M]:
    """Read the resource and plan the update; write nothing."""
    prepared = prepare(kind, boto3_client, changes)
    raw = _read(kind, boto3_client, ids)
    _check_expected(kind, raw, expected_version)
    return _plan(kind, boto3_client, ids, raw, prepared, modify)


def _check_expected(kind: Kind[M], raw: Raw, expected_version: str | None) -> None:
    if expected_version is None or kind.token is None:
        return
    actual = raw.get(kind.token)
    if actual != expected_version:
        msg = (
            f"expected version {expected_version}, found {actual}: nothing was written"
        )
        raise ConcurrentUpdateError(
            msg, expected_version=expected_version, actual_version=actual
        )


@attrs.frozen(kw_only=True)
class Outcome(Generic[M]):
    """What a safe update did: the resource now, and the plan it last carried out."""

    result: M
    plan: UpdatePlan[M]

    @property
    def wrote(self) -> bool:
        return not self.plan.is_noop


def safe_update(
    kind: Kind[M],
    boto3_client: Any,
    ids: Raw,
    *,
    expected_version: str | None,
    modify: Callable[[M], M] | None,
    changes: Mapping[str, Any],
) -> M:
    """Read, merge, validate and write back, retrying lost races from a fresh read."""
    return apply_update(
        kind,
        boto3_client,
        ids,
        expected_version=expected_version,
        modify=modify,
        changes=changes,
    ).result


def apply_update(
    kind: Kind[M],
    boto3_client: Any,
    ids: Raw,
    *,
    expected_version: str | None,
    modify: Callable[[M], M] | None,
    changes: Mapping[str, Any],
) -> Outcome[M]:
    """:func:`safe_update`, telling also whether it wrote and from what."""
    prepared = prepare(kind, boto3_client, changes)
    last: InvalidAssociationVersion | None = None
    for attempt in range(1, RACE_ATTEMPTS + 1):
        raw = _read(kind, boto3_client, ids)
        _check_expected(kind, raw, expected_version)
        plan = _plan(kind, boto3_client, ids, raw, prepared, modify)
        if plan.is_noop:
            # An update runs the association at once: a no-op must not write.
            return Outcome(result=plan.before, plan=plan)
        try:
            answer = _write(kind, boto3_client, plan.request)
        except InvalidAssociationVersion as exc:
            # Someone wrote between the read and the write; nothing of ours landed.
            last = exc
            if expected_version is not None:
                msg = (
                    f"version {expected_version} was replaced by another writer: "
                    "nothing was written"
                )
                raise ConcurrentUpdateError(
                    msg, expected_version=expected_version
                ) from exc
            _backoff(attempt)
            continue
        except ServiceError as exc:
            raise _explain_failure(kind, boto3_client, ids, raw, exc) from exc.__cause__
        result = answer[kind.read_key] if kind.read_key else _result(answer, raw)
        return Outcome(result=from_boto(kind.model, result), plan=plan)
    msg = (
        f"lost {RACE_ATTEMPTS} races to other writers and gave up: nothing was written"
    )
    raise ConcurrentUpdateError(msg) from last


def _result(answer: Raw, raw: Raw) -> Raw:
    # UpdateMaintenanceWindowTask answers with the task less what cannot change.
    merged = {k: v for k, v in raw.items() if k not in answer}
    merged.update({k: v for k, v in answer.items() if k != "ResponseMetadata"})
    return merged


# -- the two kinds ------------------------------------------------------------------


def _nothing(request: Raw, stored: Raw) -> None:
    return None


def _association_rules(request: Raw, stored: Raw) -> None:
    cron_only = request.get("ApplyOnlyAtCronInterval") is True
    for member in ("ScheduleOffset", "Duration"):
        # "To use offsets, you must specify the ApplyOnlyAtCronInterval parameter."
        # Duration "applies only when [...] the command specifies the
        # ApplyOnlyAtCronInterval parameter".
        if request.get(member) is not None and not cron_only:
            name = attribute_name(member)
            msg = f"{name}: needs apply_only_at_cron_interval=True"
            raise ValidationError(
                msg, member=name, rule="needs apply_only_at_cron_interval"
            )
    # ApplyOnlyAtCronInterval: "This parameter isn't supported for rate expressions."
    if cron_only and str(request.get("ScheduleExpression", "")).startswith("rate("):
        msg = "apply_only_at_cron_interval: not supported with rate() expressions"
        raise ValidationError(
            msg,
            member="apply_only_at_cron_interval",
            rule="not with rate() expressions",
        )
    # TargetMaps: "Both Targets and TargetMaps can't be specified together."
    if "Targets" in request and "TargetMaps" in request:
        if request["Targets"] and request["TargetMaps"]:
            msg = (
                "targets and target_maps can't be sent together: to switch from one "
                "to the other, clear the first (ssmkit.CLEAR) in the same call"
            )
            raise ValidationError(msg, member="target_maps", rule="not with targets")
        # One of them is empty: leave out the empty one.
        request.pop("Targets" if not request["Targets"] else "TargetMaps")
    alarms = request.get("AlarmConfiguration")
    if alarms is not None and not alarms.get("Alarms"):
        msg = "alarm_configuration.alarms: needs at least one alarm"
        raise ValidationError(
            msg, member="alarm_configuration.alarms", rule="length at least 1"
        )


_PLACEHOLDERS = ("MaxConcurrency", "MaxErrors")


def _task_carry(stored: Raw, raw: Raw) -> None:
    # MaxConcurrency/MaxErrors: "For maintenance window tasks without a target
    # specified, you can't supply a value for this option. Instead, the system
    # inserts a placeholder value of 1." The placeholder is not sent back.
    if not raw.get("Targets"):
        for member in _PLACEHOLDERS:
            stored.pop(member, None)


def _task_rules(request: Raw, stored: Raw) -> None:
    if request.get("Targets"):
        # "a value can be omitted only when you are registering or updating a
        # targetless task. You must provide a value in all other cases."
        for member in _PLACEHOLDERS:
            if not request.get(member):
                name = attribute_name(member)
                msg = f"{name}: a task with targets needs a value"
                raise ValidationError(msg, member=name, rule="required with targets")
        return
    for member in _PLACEHOLDERS:
        if member in request and request[member] != stored.get(member):
            name = attribute_name(member)
            msg = f"{name}: a task without targets can't have a value"
            raise ValidationError(msg, member=name, rule="not without targets")
        request.pop(member, None)


def _task_finish(full: Raw, stored: Raw) -> None:
    # Without Replace, "If the value for a parameter in UpdateMaintenanceWindowTask
    # is null, then the corresponding field isn't modified". Removing a member
    # takes Replace, under which "Optional fields that aren't specified are set to
    # null": the full request keeps the rest.
    if any(member not in full for member in stored):
        full["Replace"] = True


ASSOCIATION: Kind[AssociationDescription] = Kind(
    read_operation="DescribeAssociation",
    read_key="AssociationDescription",
    update_operation="UpdateAssociation",
    identity=("AssociationId",),
    token="AssociationVersion",
    managed=frozenset({"AssociationVersion"}),
    model=AssociationDescription,
    noun="association",
    carry=_nothing,
    rules=_association_rules,
    finish=_nothing,
)

MAINTENANCE_WINDOW_TASK: Kind[GetMaintenanceWindowTaskResult] = Kind(
    read_operation="GetMaintenanceWindowTask",
    read_key=None,
    update_operation="UpdateMaintenanceWindowTask",
    identity=("WindowId", "WindowTaskId"),
    token=None,
    managed=frozenset({"Replace"}),
    model=GetMaintenanceWindowTaskResult,
    noun="maintenance window task",
    carry=_task_carry,
    rules=_task_rules,
    finish=_task_finish,
)


# -- the public helpers -------------------------------------------------------------


def _given(changes: Mapping[str, Any]) -> dict[str, Any]:
    # ``None`` means "keep", as leaving the keyword out does.
    return {name: value for name, value in changes.items() if value is not None}


def safe_update_association(
    boto3_client: SSMClient,
    association_id: str,
    /,
    *,
    expected_version: str | None = None,
    modify: Callable[[AssociationDescription], AssociationDescription] | None = None,
    **changes: Unpack[AssociationChanges],
) -> AssociationDescription:
    """UpdateAssociation, changing only the members named and keeping the rest.

    AWS: "When you call UpdateAssociation, the system removes all optional
    parameters from the request and overwrites the association with null values
    for those parameters." This reads the association, sends every member it
    has with the changes overlaid, and uses ``AssociationVersion`` so that a
    write racing another writer is refused and run again from a fresh read.

    A change costs two calls (DescribeAssociation, UpdateAssociation); a change
    that would leave everything as it is costs one and writes nothing, because
    "When you update an association, the association immediately runs against
    the specified targets."

    Args:
        boto3_client: A boto3 SSM client.
        association_id: The association to update.
        expected_version: Only write if the association is at this version;
            otherwise raise, writing nothing.
        modify: A function given the current
            :class:`~ssmkit.models.AssociationDescription` that returns an edited
            copy (``attrs.evolve``); what it changed, and only that, is applied.
            This is how nested members are removed.
        **changes: The members to change, by attribute name. A scalar, list or
            map replaces the current value; a structure is merged member by
            member, so its ``None`` members keep their current values;
            ``ssmkit.CLEAR`` removes the member.

    Returns:
        The association as the service stored it.

    Raises:
        TypeError: A keyword names no member of ``UpdateAssociation``.
        ssmkit.errors.ValidationError: A value breaks the service model's
            constraints or a documented cross-member rule; nothing was sent.
        ssmkit.errors.ConcurrentUpdateError: ``expected_version`` did not match,
            or other writers won every race; nothing was written.
        ssmkit.errors.ServiceError: The service refused; the message says
            whether the association was left as it was.
    """
    return safe_update(
        ASSOCIATION,
        boto3_client,
        {"AssociationId": association_id},
        expected_version=expected_version,
        modify=modify,
        changes=_given(changes),
    )


def plan_association_update(
    boto3_client: SSMClient,
    association_id: str,
    /,
    *,
    expected_version: str | None = None,
    modify: Callable[[AssociationDescription], AssociationDescription] | None = None,
    **changes: Unpack[AssociationChanges],
) -> UpdatePlan[AssociationDescription]:
    """Plan what :func:`safe_update_association` would send, without writing.

    Takes the same arguments. Costs one call (DescribeAssociation).

    Returns:
        The plan: ``.request``, ``.changes``, ``.is_noop``, ``.before``, ``.after``.
    """
    return plan_update(
        ASSOCIATION,
        boto3_client,
        {"AssociationId": association_id},
        expected_version=expected_version,
        modify=modify,
        changes=_given(changes),
    )


def safe_update_maintenance_window_task(
    boto3_client: SSMClient,
    window_id: str,
    window_task_id: str,
    /,
    *,
    modify: Callable[[GetMaintenanceWindowTaskResult], GetMaintenanceWindowTaskResult]
    | None = None,
    **changes: Unpack[MaintenanceWindowTaskChanges],
) -> GetMaintenanceWindowTaskResult:
    """UpdateMaintenanceWindowTask, changing only the members named.

    AWS: "When you update a maintenance window task that has options specified
    in TaskInvocationParameters, you must provide again all the
    TaskInvocationParameters values that you want to retain. The values you
    don't specify again are removed." This reads the task, merges the changes
    into it (``task_invocation_parameters`` member by member, so changing
    ``run_command.output_s3_bucket_name`` keeps ``comment`` and the rest) and
    sends the whole task back. Removing a member uses ``Replace=True`` with
    every other member sent. For a task without targets, the placeholder
    ``MaxConcurrency``/``MaxErrors`` of ``"1"`` the service reports is not sent
    back: "For maintenance window tasks without a target specified, you can't
    supply a value for this option."

    Maintenance window tasks have no version to compare and swap: a writer that
    changes the task between the read and the write can lose its change.

    Args:
        boto3_client: A boto3 SSM client.
        window_id: The maintenance window.
        window_task_id: The task to update.
        modify: A function given the current
            :class:`~ssmkit.models.GetMaintenanceWindowTaskResult` that returns an
            edited copy; what it changed, and only that, is applied.
        **changes: The members to change, by attribute name, as for
            :func:`safe_update_association`.

    Returns:
        The task as the service stored it.

    Raises:
        TypeError: A keyword names no member of ``UpdateMaintenanceWindowTask``.
        ssmkit.errors.ValidationError: A value breaks the service model's
            constraints or a documented rule; nothing was sent.
        ssmkit.errors.ServiceError: The service refused; the message says
            whether the task was left as it was.
    """
    return safe_update(
        MAINTENANCE_WINDOW_TASK,
        boto3_client,
        {"WindowId": window_id, "WindowTaskId": window_task_id},
        expected_version=None,
        modify=modify,
        changes=_given(changes),
    )


def plan_maintenance_window_task_update(
    boto3_client: SSMClient,
    window_id: str,
    window_task_id: str,
    /,
    *,
    modify: Callable[[GetMaintenanceWindowTaskResult], GetMaintenanceWindowTaskResult]
    | None = None,
    **changes: Unpack[MaintenanceWindowTaskChanges],
) -> UpdatePlan[GetMaintenanceWindowTaskResult]:
    """Plan a :func:`safe_update_maintenance_window_task` without writing.

    Takes the same arguments. Costs one call (GetMaintenanceWindowTask).

    Returns:
        The plan: ``.request``, ``.changes``, ``.is_noop``, ``.before``, ``.after``.
    """
    return plan_update(
        MAINTENANCE_WINDOW_TASK,
        boto3_client,
        {"WindowId": window_id, "WindowTaskId": window_task_id},
        expected_version=None,
        modify=modify,
        changes=_given(changes),
    )


def show_changes(func: Callable[..., Any], changes: type) -> None:
    """Spell the ``**changes`` keywords out in ``func``'s signature, for ``help()``.

    Type checkers read them from the ``Unpack[...]`` annotation; this makes
    ``inspect.signature`` and ``help()`` list them too. ``func`` is not wrapped.
    """
    signature = inspect.signature(func)
    kept = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    spelled = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=getattr(kind, "__forward_arg__", kind),
        )
        for name, kind in changes.__annotations__.items()
    ]
    func.__signature__ = signature.replace(parameters=[*kept, *spelled])  # type: ignore[attr-defined]


for _function, _changes in (
    (safe_update_association, AssociationChanges),
    (plan_association_update, AssociationChanges),
    (safe_update_maintenance_window_task, MaintenanceWindowTaskChanges),
    (plan_maintenance_window_task_update, MaintenanceWindowTaskChanges),
):
    show_changes(_function, _changes)
