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

import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

import attrs
from botocore.model import StructureShape

from ._base_client import _PLAIN, check_as_botocore, invoke, invoke_checked
from ._change_members import MEMBERS
from ._convert import from_answer, from_boto, to_boto
from ._mask import MASK, is_sensitive
from ._schedules import SCHEDULES, check_offset, check_schedule
from ._sentinel import CLEAR
from ._signatures import show_changes
from ._validate import attribute_name, check_no_placeholder, check_value
from ._waits import AssociationUpdate, check_timeout, wait_for_association_run
from ._wire import (
    DROP,
    Change,
    along,
    apply_diff,
    diff,
    once,
    prunable,
    pruner,
    put,
    resolve,
)
from .errors import (
    ConcurrentUpdateError,
    DoesNotExistException,
    InvalidAssociationVersion,
    ServiceError,
    TooManyUpdates,
    ValidationError,
)
from .models import (
    AssociationDescription,
    GetMaintenanceWindowResult,
    GetMaintenanceWindowTaskResult,
    GetPatchBaselineResult,
    MaintenanceWindowTarget,
)

if TYPE_CHECKING:
    from botocore.model import Shape
    from mypy_boto3_ssm import SSMClient
    from typing_extensions import Unpack

    from ._changes import AssociationChanges, MaintenanceWindowTaskChanges

__all__ = [
    "ASSOCIATION",
    "MAINTENANCE_WINDOW",
    "MAINTENANCE_WINDOW_TARGET",
    "MAINTENANCE_WINDOW_TASK",
    "PATCH_BASELINE",
    "Kind",
    "Outcome",
    "Prepared",
    "UpdatePlan",
    "apply_update",
    "plan_association_update",
    "plan_maintenance_window_task_update",
    "plan_read",
    "plan_update",
    "prepare",
    "safe_update",
    "safe_update_association",
    "safe_update_maintenance_window_task",
    "show_changes",
]

M = TypeVar("M")
log = logging.getLogger("ssmkit")
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

    Its text, ``repr`` and JSON mask what the service model marks sensitive;
    ``request`` holds the values themselves.

    Attributes:
        operation: The AWS operation the update calls (``"UpdateAssociation"``).
        request: The exact keyword arguments the boto3 method would get.
        changes: Each changed leaf (a scalar, a list, a map entry) with its
            path, old and new value.
        runs: Whether the write makes the resource run at once: "When you
            update an association, the association immediately runs against
            the specified targets", unless ``ApplyOnlyAtCronInterval`` is set.
        before: The resource as it is (converted when first read).
        after: The resource as it would be (converted when first read).
    """

    operation: str
    request: dict[str, Any] = attrs.field(repr=False)
    runs: bool = attrs.field(repr=False, default=False)
    _model: type[M] = attrs.field(repr=False, alias="model")
    _before: dict[str, Any] = attrs.field(repr=False, alias="before_raw")
    # What is stored, as a request, and the request's members before the
    # identity and token are added: the changes lie between the two.
    _stored: dict[str, Any] = attrs.field(repr=False, alias="stored")
    _sent: dict[str, Any] = attrs.field(repr=False, alias="sent")
    # The resource as it would be is worked out when asked: the members of
    # ``_before`` that the update's input carries give way to ``_sent``.
    _replaced: frozenset[str] = attrs.field(repr=False, alias="replaced")
    _shape: StructureShape = attrs.field(repr=False, eq=False, alias="shape")
    # The changes, found when first asked for: a write needs only to know
    # whether there are any.
    _found: list[tuple[Change, ...]] = attrs.field(
        repr=False, eq=False, init=False, factory=list
    )

    @property
    def changes(self) -> tuple[Change, ...]:
        """Each changed leaf (a scalar, a list, a map entry), in member order."""
        if not self._found:
            self._found.append(tuple(diff(self._stored, self._sent, self._shape)))
        return self._found[0]

    @property
    def before(self) -> M:
        """The resource as it is."""
        return from_boto(self._model, self._before)

    @property
    def after(self) -> M:
        """The resource as it would be."""
        after = {k: v for k, v in self._before.items() if k not in self._replaced}
        after.update(self._sent)
        return from_boto(self._model, after)

    @property
    def is_noop(self) -> bool:
        """Whether the update would change nothing (and so would not be sent)."""
        # As ``not self.changes``: the diff finds a change wherever they differ.
        return self._stored == self._sent

    def render(self, *, show_sensitive: bool = False) -> str:
        """The plan as text: one line per changed leaf.

        Args:
            show_sensitive: Show the values of sensitive members instead of
                masking them.

        Returns:
            Lines like ``~ schedule_expression: "rate(1 day)" -> "rate(2 days)"``,
            ``+ parameters.Operation: <sensitive>`` or
            ``- calendar_names: ["change-freeze"]``.
        """
        if self.is_noop:
            return f"{self.operation}: nothing would change"
        count = len(self.changes)
        lines = [f"{self.operation}: {count} change{'' if count == 1 else 's'}"]
        lines += [f"  {c.render(show_sensitive=show_sensitive)}" for c in self.changes]
        if self.runs:
            # Only associations run when written.
            lines.append("  (writing it runs the association at once)")
        return "\n".join(lines)

    def to_json(self, *, show_sensitive: bool = False) -> dict[str, Any]:
        """The plan in plain JSON types, masked unless asked.

        Returns:
            ``{"operation", "noop", "runs", "changes": [{"path", "action",
            "before", "after"}]}``; ``action`` is ``add``, ``remove`` or ``change``.
        """
        return {
            "operation": self.operation,
            "noop": self.is_noop,
            "runs": self.runs,
            "changes": [c.to_json(show_sensitive=show_sensitive) for c in self.changes],
        }

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        paths = ", ".join(c.path for c in self.changes)
        return f"UpdatePlan(operation={self.operation!r}, changes=[{paths}])"


@attrs.frozen(kw_only=True)
class Kind(Generic[M]):
    """How one kind of resource is read, compared and written."""

    read_operation: str
    read_key: str | None
    update_operation: str
    create_operation: str
    identity: tuple[str, ...]
    token: str | None
    managed: frozenset[str]
    model: type[M]
    noun: str
    carry: Callable[[Raw, Raw], None]
    rules: Callable[[Raw, Raw], None]
    finish: Callable[[Raw, Raw], None]
    runs: Callable[[Raw], bool]
    #: How the resource is read, when ``read_operation`` is not a plain get.
    read: Callable[[Any, Raw], Raw] | None = None


# -- building the request ---------------------------------------------------------

#: A change as ``prepare`` gives it: a wire path and a value in boto3's
#: form, or ``CLEAR``.
Prepared = tuple[tuple[str, ...], Any]


def prepare(
    kind: Kind[M],
    boto3_client: Any,
    changes: Mapping[str, Any],
    paths: Mapping[str, Any] | None = None,
    known: tuple[StructureShape, _Facts] | None = None,
) -> list[Prepared]:
    """Check the caller's changes before any call: names, then values.

    Args:
        changes: Keyword changes, by attribute name; ``None`` means keep.
        paths: Changes by dotted path (``parameters.Operation``); ``None``
            values mean keep here too.
        known: The update's input shape and its facts, if already found.

    Returns:
        Each change as a wire path and its value in boto3's form (``CLEAR``
        kept as is), keywords first.
    """
    shape, facts = known or _known(kind, boto3_client)
    unknown = [n for n in changes if n not in facts.by_name]
    if unknown:
        named = ", ".join(sorted(unknown))
        msg = f"{kind.update_operation} has no member named {named}"
        raise TypeError(msg)
    wanted: list[tuple[tuple[str, ...], str, Any]] = [
        ((facts.by_name[n],), n, v) for n, v in changes.items() if v is not None
    ]
    for text, value in (paths or {}).items():
        if value is not None:
            path, _ = resolve(shape, text, facts.by_name)
            wanted.append((path, text, value))
    prepared: list[Prepared] = []
    for path, name, value in wanted:
        if value is CLEAR:
            _check_clear(kind, facts, shape, path, name)
            prepared.append((path, CLEAR))
            continue
        if len(path) == 1:  # a keyword change: its facts were found once
            leaf, masked = shape.members[path[0]], path[0] in facts.masked
        else:
            shapes = along(shape, path)
            leaf, masked = shapes[-1], any(is_sensitive(s) for s in shapes)
        try:
            # Plain values, the common case, skip the converter's dispatch.
            given = value if value.__class__ in _PLAIN else to_boto(value)
        except ValidationError as exc:
            shown = MASK if masked else str(exc)
            msg = f"{name}: {shown}"
            raise ValidationError(msg, member=name, rule="type") from None
        check_value(given, leaf, name, masked=masked)
        check_no_placeholder(given, leaf, name, masked=masked)
        if len(path) == 1 and path[0] in SCHEDULES and isinstance(given, str):
            check_schedule(given, name)
        prepared.append((path, given))
    return prepared


def _check_edited(request: Raw, stored: Raw, shape: StructureShape) -> None:
    """What ``prepare`` checks of a change, for the members ``modify=`` changed."""
    for member, value in request.items():
        if value == stored.get(member) or member not in shape.members:
            continue
        name = attribute_name(member)
        check_no_placeholder(value, shape.members[member], name)
        if member in SCHEDULES and isinstance(value, str):
            check_schedule(value, name)


def _check_clear(
    kind: Kind[M], facts: _Facts, shape: Shape, path: tuple[str, ...], name: str
) -> None:
    """Refuse to remove what a write cannot go without."""
    parent = along(shape, path)[-2]
    if len(path) == 1:
        required = path[0] in facts.required
        why = f"{kind.create_operation} requires it"
    else:
        required = parent.type_name == "structure" and path[-1] in (
            parent.required_members
        )
        why = f"{parent.name} requires it; clear what holds it instead"
    if required:
        msg = f"{name}: cannot be removed ({why})"
        raise ValidationError(msg, member=name, rule="required")


def _known(kind: Kind[M], boto3_client: Any) -> tuple[StructureShape, _Facts]:
    """The update's input shape, and its facts."""
    shape = _input_shape(kind, boto3_client)
    return shape, _facts(kind, boto3_client, shape)


def _input_shape(kind: Kind[M], boto3_client: Any) -> StructureShape:
    # The boto3 client's own model: members newer than ssmkit's models count too.
    model = boto3_client.meta.service_model.operation_model(kind.update_operation)
    return model.input_shape  # type: ignore[no-any-return]


def _stored(kind: Kind[M], facts: _Facts, shape: StructureShape, raw: Raw) -> Raw:
    """What is stored, as a request: sending it would change nothing."""
    stored: Raw = {}
    get = raw.get
    for member, pruning in facts.carrying:
        value = get(member)
        if value is None:
            continue
        if pruning is not None:
            value = pruning(value)
            if value is DROP:
                continue
        stored[member] = value
    kind.carry(stored, raw)
    return stored


def _plan(
    kind: Kind[M],
    boto3_client: Any,
    ids: Raw,
    raw: Raw,
    changes: list[Prepared],
    modify: Callable[[M], M] | None,
    known: tuple[StructureShape, _Facts] | None = None,
) -> UpdatePlan[M]:
    """Plan the update of ``raw`` with ``changes`` as ``prepare`` gave them."""
    shape, facts = known or _known(kind, boto3_client)
    stored = _stored(kind, facts, shape, raw)
    # put() copies along each path: nothing stored is mutated.
    request = stored
    for path, given in changes:
        request = put(request, path, given, shape)
    if request is stored:
        request = dict(stored)
    if modify is not None:
        before_model = from_boto(kind.model, raw)
        # Taken before modify= runs, so an edit made in place is seen too.
        before_wire = to_boto(before_model)
        after_model = modify(before_model)
        if not isinstance(after_model, kind.model):
            got = type(after_model).__name__
            msg = f"modify= must return a {kind.model.__name__}, got {got}"
            raise TypeError(msg)
        after_wire = to_boto(after_model)
        for member in facts.fixed & (set(before_wire) | set(after_wire)):
            if before_wire.get(member) != after_wire.get(member):
                where = attribute_name(member)
                msg = f"{where}: ssmkit sets it, modify= cannot change it"
                raise ValidationError(msg, member=where, rule="not updatable")
        apply_diff(request, before_wire, after_wire, shape, "")
        _check_edited(request, stored, shape)
    kind.rules(request, stored)

    full = {**ids, **request}
    kind.finish(full, stored)
    if kind.token is not None:
        full[kind.token] = raw[kind.token]
    return UpdatePlan(
        operation=kind.update_operation,
        request=full,
        runs=stored != request and kind.runs(request),
        model=kind.model,
        before_raw=raw,
        stored=stored,
        sent=request,
        replaced=facts.replaced,
        shape=shape,
    )


@attrs.frozen
class _Facts:
    """What a safe update needs to know of an update's input shape, found once.

    It holds names only, never a shape: the facts are kept as long as their
    shape lives (see ``_wire.once``), and a shape held here would live forever.
    """

    fixed: frozenset[str]  # the members ssmkit sets: identity, token, Replace
    by_name: dict[str, str]  # attribute name -> member, for the changeable members
    # Each member copied from the stored resource, with the function pruning
    # it if it can hold a list too short to send (functions hold no shape).
    carrying: tuple[tuple[str, Callable[[Any], Any] | None], ...]
    required: frozenset[str]  # the members the create operation cannot go without
    replaced: frozenset[str]  # the members a write replaces: all but the fixed
    masked: frozenset[str]  # the members whose values are never shown


def _facts(kind: Kind[M], boto3_client: Any, shape: StructureShape) -> _Facts:
    def work(shape: Shape) -> _Facts:
        members = shape.members  # type: ignore[attr-defined]
        fixed = kind.managed | set(kind.identity)
        carried = tuple(m for m in members if m not in fixed)
        service = boto3_client.meta.service_model
        create = service.operation_model(kind.create_operation).input_shape
        return _Facts(
            fixed=frozenset(fixed),
            by_name={attribute_name(m): m for m in carried},
            carrying=tuple(
                (m, pruner(members[m]) if prunable(members[m]) else None)
                for m in carried
            ),
            required=frozenset(create.required_members) & set(carried),
            replaced=frozenset(members) - fixed,
            masked=frozenset(
                m for m in members if is_sensitive(shape) or is_sensitive(members[m])
            ),
        )

    return once(f"facts of {kind.update_operation}", shape, work)


# -- reading and writing ------------------------------------------------------------


def _read(kind: Kind[M], boto3_client: Any, ids: Raw) -> Raw:
    if kind.read is not None:
        return kind.read(boto3_client, ids)
    answer = invoke(boto3_client, kind.read_operation, ids)
    if kind.read_key is not None:
        return answer[kind.read_key]  # type: ignore[no-any-return]
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


def _write(
    kind: Kind[M],
    boto3_client: Any,
    request: Raw,
    what: str,
    checked: bool = False,
) -> Raw:
    """Send the update, waiting out TooManyUpdates (which botocore does not retry).

    Args:
        checked: Whether every member of the request was read from the
            service a moment ago or checked by ``prepare``; then botocore does
            not validate it all again.
    """
    for attempt in range(1, BUSY_ATTEMPTS + 1):
        try:
            send = invoke_checked if checked else invoke
            return send(boto3_client, kind.update_operation, request)
        except TooManyUpdates:
            if attempt == BUSY_ATTEMPTS:
                log.warning(
                    "%s: TooManyUpdates %d times, giving up", what, BUSY_ATTEMPTS
                )
                raise
            log.info("%s: TooManyUpdates, backing off (attempt %d)", what, attempt)
            _backoff(attempt)
    raise AssertionError  # pragma: no cover - the loop returns or raises


def _explain_failure(
    kind: Kind[M], boto3_client: Any, ids: Raw, raw: Raw, exc: ServiceError
) -> ServiceError:
    """The same error, saying whether the resource was left as it was."""
    what = _what(kind, ids)
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
    return type(exc)(
        f"{exc.message} [{note}]",
        code=exc.code,
        operation=exc.operation,
        request_id=exc.request_id,
    )


def _what(kind: Kind[M], ids: Raw) -> str:
    return f"{kind.noun} {'/'.join(ids.values())}"


def plan_update(
    kind: Kind[M],
    boto3_client: Any,
    ids: Raw,
    *,
    expected_version: str | int | None,
    modify: Callable[[M], M] | None,
    changes: Mapping[str, Any],
    paths: Mapping[str, Any] | None = None,
) -> UpdatePlan[M]:
    """Read the resource and plan the update; write nothing."""
    prepared = prepare(kind, boto3_client, changes, paths)
    raw = _read(kind, boto3_client, ids)
    _check_expected(kind, raw, _version(expected_version))
    return _plan(kind, boto3_client, ids, raw, prepared, modify)


def plan_read(
    kind: Kind[M], boto3_client: Any, ids: Raw, raw: Raw, prepared: list[Prepared]
) -> UpdatePlan[M]:
    """Plan changes ``prepare`` checked against a resource already read."""
    return _plan(kind, boto3_client, ids, raw, prepared, None)


def _version(expected: str | int | None) -> str | None:
    # Versions are strings on the wire; an int is what a caller means by "7".
    if expected is None:
        return None
    if isinstance(expected, bool) or not isinstance(expected, (str, int)):
        msg = f"expected_version must be a str or an int, got {type(expected).__name__}"
        raise TypeError(msg)
    return str(expected)


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
    """What a safe update did: the resource now, and the plan it carried out.

    The resource is kept as the service answered; ``result`` converts it when
    asked, so a bulk run that needs only its version does not pay for that.
    """

    raw: Raw
    plan: UpdatePlan[M]
    wrote: bool
    _model: type[M] = attrs.field(alias="model")

    @property
    def result(self) -> M:
        """The resource now, as its model."""
        return from_answer(self._model, self.raw)


def safe_update(
    kind: Kind[M],
    boto3_client: Any,
    ids: Raw,
    *,
    expected_version: str | int | None,
    modify: Callable[[M], M] | None,
    changes: Mapping[str, Any],
    paths: Mapping[str, Any] | None = None,
) -> M:
    """Read, merge, validate and write back, retrying lost races from a fresh read."""
    return apply_update(
        kind,
        boto3_client,
        ids,
        expected_version=expected_version,
        modify=modify,
        changes=changes,
        paths=paths,
    ).result


def apply_update(
    kind: Kind[M],
    boto3_client: Any,
    ids: Raw,
    *,
    expected_version: str | int | None,
    modify: Callable[[M], M] | None,
    changes: Mapping[str, Any],
    paths: Mapping[str, Any] | None = None,
    before_write: Callable[[], None] | None = None,
    prepared: list[Prepared] | None = None,
) -> Outcome[M]:
    """``safe_update``, telling also whether it wrote and from what.

    Args:
        before_write: Called just before each write; it may raise to stop
            the update with nothing written (a bulk run's Ctrl-C does).
        prepared: Changes already checked, as ``prepare`` gives them;
            then ``changes`` and ``paths`` are not read.
    """
    known = _known(kind, boto3_client)
    if prepared is None:
        prepared = prepare(kind, boto3_client, changes, paths, known)
    expected = _version(expected_version)
    what = _what(kind, ids)
    last: InvalidAssociationVersion | None = None
    # The read and plan of a write refused as a lost race: it may have landed.
    pending: tuple[Raw, UpdatePlan[M]] | None = None
    for attempt in range(1, RACE_ATTEMPTS + 1):
        raw = _read(kind, boto3_client, ids)
        if pending is not None and _landed(kind, boto3_client, *pending, raw):
            return _landed_outcome(kind, raw, pending[1], what)
        _check_expected(kind, raw, expected)
        plan = _plan(kind, boto3_client, ids, raw, prepared, modify, known)
        if plan.is_noop:
            # An update runs the association at once: a no-op must not write.
            log.debug("%s: nothing to change, nothing written", what)
            return Outcome(raw=raw, plan=plan, wrote=False, model=kind.model)
        if before_write is not None:
            before_write()
        if log.isEnabledFor(logging.INFO):  # the changes are found only to be shown
            log.info(
                "%s: %s of %s",
                what,
                kind.update_operation,
                ", ".join(c.path for c in plan.changes),
            )
        try:
            # What a modify= function edits is validated by botocore too, and
            # so is a write whose stored part pruning changed: it is not
            # what was read.
            checked = modify is None and not _pruned(known[1], raw, plan._stored)
            if checked:
                _check_touched(known[0], plan.request, prepared)
            answer = _write(kind, boto3_client, plan.request, what, checked)
        except InvalidAssociationVersion as exc:
            last = exc
            if expected is not None:
                now = _read(kind, boto3_client, ids)
                if _landed(kind, boto3_client, raw, plan, now):
                    return _landed_outcome(kind, now, plan, what)
                msg = (
                    f"version {expected} was replaced by another writer: "
                    "nothing was written"
                )
                raise ConcurrentUpdateError(msg, expected_version=expected) from exc
            log.info("%s: lost a race to another writer (attempt %d)", what, attempt)
            pending = (raw, plan)
            _backoff(attempt)
            continue
        except ServiceError as exc:
            raise _explain_failure(kind, boto3_client, ids, raw, exc) from exc.__cause__
        result = (
            answer[kind.read_key]
            if kind.read_key
            else _result(answer, raw, _input_shape(kind, boto3_client))
        )
        return Outcome(raw=result, plan=plan, wrote=True, model=kind.model)
    log.warning("%s: lost %d races to other writers", what, RACE_ATTEMPTS)
    msg = (
        f"lost {RACE_ATTEMPTS} races to other writers and gave up: nothing was written"
    )
    raise ConcurrentUpdateError(msg) from last


def _pruned(facts: _Facts, raw: Raw, stored: Raw) -> bool:
    """Whether pruning changed a member read (a list too short to send)."""
    return any(
        pruning is not None and member in raw and stored.get(member) != raw[member]
        for member, pruning in facts.carrying
    )


def _check_touched(
    shape: StructureShape, request: Raw, changes: list[Prepared]
) -> None:
    """Validate, as botocore would, each member of the write a change reached.

    ``prepare`` checked each change's value; a change by path lands inside
    what is stored, or builds what holds it (``logging_info.s3_key_prefix``
    where there was no ``LoggingInfo``), which must hold its own required
    members too. What the changes did not reach is as it was read.
    """
    touched = {path[0] for path, _ in changes}
    checked = {
        member: value
        for member, value in request.items()
        if member in touched or member in shape.required_members
    }
    check_as_botocore(shape, checked)


def _landed(
    kind: Kind[M], boto3_client: Any, raw: Raw, plan: UpdatePlan[M], now: Raw
) -> bool:
    """Whether a write refused as a lost race had in fact landed.

    botocore retries a write whose answer was lost (a dropped connection, a
    5xx); the retry then carries a version that is no longer the latest. The
    write was ours when the next version holds exactly what was sent.
    """
    if kind.token is None:
        return False
    token = str(raw[kind.token])
    if not token.isdigit() or now.get(kind.token) != str(int(token) + 1):
        return False
    shape = _input_shape(kind, boto3_client)
    facts = _facts(kind, boto3_client, shape)
    sent = {k: v for k, v in plan.request.items() if k not in facts.fixed}
    return _stored(kind, facts, shape, now) == sent


def _landed_outcome(
    kind: Kind[M], now: Raw, plan: UpdatePlan[M], what: str
) -> Outcome[M]:
    log.info("%s: the write landed; its answer was lost", what)
    return Outcome(raw=now, plan=plan, wrote=True, model=kind.model)


def _result(answer: Raw, raw: Raw, shape: StructureShape) -> Raw:
    # UpdateMaintenanceWindowTask answers with the task less what cannot change;
    # a member the update can change and the answer lacks was removed.
    merged = {
        k: v for k, v in raw.items() if k not in answer and k not in shape.members
    }
    merged.update({k: v for k, v in answer.items() if k != "ResponseMetadata"})
    return merged


# -- the two kinds ------------------------------------------------------------------


def _nothing(request: Raw, stored: Raw) -> None:
    return None


def _association_carry(stored: Raw, raw: Raw) -> None:
    # The service may report an empty Targets beside TargetMaps (or the other
    # way round); "Both Targets and TargetMaps can't be specified together", so
    # the empty one is not part of what is stored.
    if "Targets" in stored and "TargetMaps" in stored:
        for member in ("Targets", "TargetMaps"):
            if not stored[member]:
                del stored[member]
                return


def _association_runs(request: Raw) -> bool:
    # "When you update an association, the association immediately runs against
    # the specified targets. You can add the ApplyOnlyAtCronInterval parameter to
    # run the association during the next schedule run."
    return request.get("ApplyOnlyAtCronInterval") is not True


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
    check_offset(request, "ScheduleExpression")
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


def _window_rules(request: Raw, stored: Raw) -> None:
    check_offset(request, "Schedule")


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
    create_operation="CreateAssociation",
    identity=("AssociationId",),
    token="AssociationVersion",
    managed=frozenset({"AssociationVersion"}),
    model=AssociationDescription,
    noun="association",
    carry=_association_carry,
    rules=_association_rules,
    finish=_nothing,
    runs=_association_runs,
)

MAINTENANCE_WINDOW_TASK: Kind[GetMaintenanceWindowTaskResult] = Kind(
    read_operation="GetMaintenanceWindowTask",
    read_key=None,
    update_operation="UpdateMaintenanceWindowTask",
    create_operation="RegisterTaskWithMaintenanceWindow",
    identity=("WindowId", "WindowTaskId"),
    token=None,
    managed=frozenset({"Replace"}),
    model=GetMaintenanceWindowTaskResult,
    noun="maintenance window task",
    carry=_task_carry,
    rules=_task_rules,
    finish=_task_finish,
    runs=lambda request: False,
)


def _only_changes(full: Raw, stored: Raw) -> None:
    # UpdateMaintenanceWindow, UpdateMaintenanceWindowTarget, UpdatePatchBaseline:
    # without Replace, "Only specified parameters are modified" ("If a parameter
    # is null, then the corresponding field isn't modified"), so only what
    # changes is sent: a writer racing this one keeps every member this one
    # leaves alone. A list sent is stored whole. Removing a member takes Replace:
    # "If True, then all fields that are required by the Create[...] operation
    # are also required for this API request. Optional fields that aren't
    # specified are set to null", so then the full request, every other member
    # as it was read, is sent.
    if any(member not in full for member in stored):
        full["Replace"] = True
        return
    for member, value in stored.items():
        if full.get(member) == value:
            del full[member]


def _read_window_target(boto3_client: Any, ids: Raw) -> Raw:
    # There is no GetMaintenanceWindowTarget: "The supported filter keys are
    # Type, WindowTargetId, and OwnerInformation."
    answer = invoke(
        boto3_client,
        "DescribeMaintenanceWindowTargets",
        {
            "WindowId": ids["WindowId"],
            "Filters": [{"Key": "WindowTargetId", "Values": [ids["WindowTargetId"]]}],
        },
    )
    for target in answer.get("Targets", ()):
        if target.get("WindowTargetId") == ids["WindowTargetId"]:
            return target  # type: ignore[no-any-return]
    msg = f"maintenance window {ids['WindowId']} has no target {ids['WindowTargetId']}"
    raise DoesNotExistException(
        msg, operation="DescribeMaintenanceWindowTargets", request_id=None
    )


MAINTENANCE_WINDOW: Kind[GetMaintenanceWindowResult] = Kind(
    read_operation="GetMaintenanceWindow",
    read_key=None,
    update_operation="UpdateMaintenanceWindow",
    create_operation="CreateMaintenanceWindow",
    identity=("WindowId",),
    token=None,
    managed=frozenset({"Replace"}),
    model=GetMaintenanceWindowResult,
    noun="maintenance window",
    carry=_nothing,
    rules=_window_rules,
    finish=_only_changes,
    runs=lambda request: False,
)

MAINTENANCE_WINDOW_TARGET: Kind[MaintenanceWindowTarget] = Kind(
    read_operation="DescribeMaintenanceWindowTargets",
    read_key=None,
    update_operation="UpdateMaintenanceWindowTarget",
    create_operation="RegisterTargetWithMaintenanceWindow",
    identity=("WindowId", "WindowTargetId"),
    token=None,
    managed=frozenset({"Replace"}),
    model=MaintenanceWindowTarget,
    noun="maintenance window target",
    carry=_nothing,
    rules=_nothing,
    finish=_only_changes,
    runs=lambda request: False,
    read=_read_window_target,
)

PATCH_BASELINE: Kind[GetPatchBaselineResult] = Kind(
    read_operation="GetPatchBaseline",
    read_key=None,
    update_operation="UpdatePatchBaseline",
    create_operation="CreatePatchBaseline",
    identity=("BaselineId",),
    token=None,
    managed=frozenset({"Replace"}),
    model=GetPatchBaselineResult,
    noun="patch baseline",
    carry=_nothing,
    rules=_nothing,
    finish=_only_changes,
    runs=lambda request: False,
)


# -- the public helpers -------------------------------------------------------------


@overload
def safe_update_association(
    boto3_client: SSMClient,
    association_id: str,
    /,
    *,
    expected_version: str | int | None = None,
    modify: Callable[[AssociationDescription], AssociationDescription] | None = None,
    paths: Mapping[str, Any] | None = None,
    wait: Literal[False] = False,
    timeout: float = 600.0,
    **changes: Unpack[AssociationChanges],
) -> AssociationDescription: ...


@overload
def safe_update_association(
    boto3_client: SSMClient,
    association_id: str,
    /,
    *,
    expected_version: str | int | None = None,
    modify: Callable[[AssociationDescription], AssociationDescription] | None = None,
    paths: Mapping[str, Any] | None = None,
    wait: Literal[True],
    timeout: float = 600.0,
    **changes: Unpack[AssociationChanges],
) -> AssociationUpdate: ...


@overload
def safe_update_association(
    boto3_client: SSMClient,
    association_id: str,
    /,
    *,
    expected_version: str | int | None = None,
    modify: Callable[[AssociationDescription], AssociationDescription] | None = None,
    paths: Mapping[str, Any] | None = None,
    wait: bool,
    timeout: float = 600.0,
    **changes: Unpack[AssociationChanges],
) -> AssociationDescription | AssociationUpdate: ...


def safe_update_association(
    boto3_client: SSMClient,
    association_id: str,
    /,
    *,
    expected_version: str | int | None = None,
    modify: Callable[[AssociationDescription], AssociationDescription] | None = None,
    paths: Mapping[str, Any] | None = None,
    wait: bool = False,
    timeout: float = 600.0,
    **changes: Unpack[AssociationChanges],
) -> AssociationDescription | AssociationUpdate:
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
            ``ssmkit.models.AssociationDescription`` that returns an edited
            copy (``attrs.evolve``); what it changed, and only that, is applied.
        paths: Changes deeper than a member, by dotted path: structure members
            by attribute name, map entries by their key as written
            (``{"parameters.Operation": ["Scan"], "parameters.RebootOption":
            ssmkit.CLEAR}`` changes one parameter, removes another and keeps
            the rest). Values are as for ``**changes``.
        **changes: The members to change, by attribute name. A scalar, list or
            map replaces the current value; a structure is merged member by
            member, so its ``None`` members keep their current values;
            ``ssmkit.CLEAR`` removes the member; ``None`` keeps it, as leaving
            the keyword out does.
        wait: Once written, wait for the run the write starts to finish,
            and return it with the association.
        timeout: How long to wait for that run, in seconds.

    Returns:
        The association as the service stored it; with ``wait=True``, an
        ``ssmkit.AssociationUpdate``: the association and the run of the
        version written (``None`` when nothing was written, or when the
        association runs only on its schedule). A run that failed is
        returned, not raised: the change was written.

    Raises:
        TypeError: A keyword names no member of ``UpdateAssociation``.
        ssmkit.errors.ValidationError: A value breaks the service model's
            constraints or a documented cross-member rule, a path names
            nothing, or a change removes a member the association cannot go
            without (``name``); nothing was sent.
        ssmkit.errors.ConcurrentUpdateError: ``expected_version`` did not match,
            or other writers won every race; nothing was written.
        ssmkit.errors.ServiceError: The service refused; the message says
            whether the association was left as it was.
        ssmkit.errors.WaitTimeoutError: With ``wait=True``, the change was
            written but its run did not finish within ``timeout``; the error
            carries the run as last seen.
    """
    if not wait:
        return safe_update(
            ASSOCIATION,
            boto3_client,
            {"AssociationId": association_id},
            expected_version=expected_version,
            modify=modify,
            changes=changes,
            paths=paths,
        )
    # Checked before the write: a wait that cannot start must not follow one.
    check_timeout(timeout)
    done = apply_update(
        ASSOCIATION,
        boto3_client,
        {"AssociationId": association_id},
        expected_version=expected_version,
        modify=modify,
        changes=changes,
        paths=paths,
    )
    run = None
    # ApplyOnlyAtCronInterval: the write starts no run; it waits for its schedule.
    if done.wrote and not done.raw.get("ApplyOnlyAtCronInterval"):
        run = wait_for_association_run(
            boto3_client,
            association_id,
            version=str(done.raw["AssociationVersion"]),
            timeout=timeout,
        )
    return AssociationUpdate(association=done.result, changed=done.wrote, run=run)


def plan_association_update(
    boto3_client: SSMClient,
    association_id: str,
    /,
    *,
    expected_version: str | int | None = None,
    modify: Callable[[AssociationDescription], AssociationDescription] | None = None,
    paths: Mapping[str, Any] | None = None,
    **changes: Unpack[AssociationChanges],
) -> UpdatePlan[AssociationDescription]:
    """Plan what ``safe_update_association`` would send, without writing.

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
        changes=changes,
        paths=paths,
    )


def safe_update_maintenance_window_task(
    boto3_client: SSMClient,
    window_id: str,
    window_task_id: str,
    /,
    *,
    modify: Callable[[GetMaintenanceWindowTaskResult], GetMaintenanceWindowTaskResult]
    | None = None,
    paths: Mapping[str, Any] | None = None,
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
            ``ssmkit.models.GetMaintenanceWindowTaskResult`` that returns an
            edited copy; what it changed, and only that, is applied.
        paths: Changes deeper than a member, by dotted path, as for
            ``safe_update_association``
            (``{"task_invocation_parameters.run_command.timeout_seconds": 1800}``).
        **changes: The members to change, by attribute name, as for
            ``safe_update_association``.

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
        changes=changes,
        paths=paths,
    )


def plan_maintenance_window_task_update(
    boto3_client: SSMClient,
    window_id: str,
    window_task_id: str,
    /,
    *,
    modify: Callable[[GetMaintenanceWindowTaskResult], GetMaintenanceWindowTaskResult]
    | None = None,
    paths: Mapping[str, Any] | None = None,
    **changes: Unpack[MaintenanceWindowTaskChanges],
) -> UpdatePlan[GetMaintenanceWindowTaskResult]:
    """Plan a ``safe_update_maintenance_window_task`` without writing.

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
        changes=changes,
        paths=paths,
    )


for _function, _changes in (
    (safe_update_association, "AssociationChanges"),
    (plan_association_update, "AssociationChanges"),
    (safe_update_maintenance_window_task, "MaintenanceWindowTaskChanges"),
    (plan_maintenance_window_task_update, "MaintenanceWindowTaskChanges"),
):
    show_changes(_function, MEMBERS[_changes])
