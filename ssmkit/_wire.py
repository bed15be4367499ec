"""Values in boto3's form, walked by their shapes: merged, pruned, diffed, addressed.

Every walk here is guided by a shape from the boto3 client's own service
model, and copies only what it changes: a value nobody changed is passed on as
it is, and nothing stored is ever mutated. Members a shape does not know are
carried along untouched, so values newer than this botocore survive.

Paths name a place in a value the way a user writes it: structure members by
ssmkit's attribute names, map entries by their key as written
(``task_invocation_parameters.run_command.timeout_seconds``,
``parameters.RebootOption``).
"""

from __future__ import annotations

import base64
import datetime
import json
import weakref
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
from botocore.model import Shape

from ._mask import MASK, is_sensitive, mask
from ._sentinel import CLEAR
from ._validate import attribute_name, check_value, member_path
from ._words import one_line
from .errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable

    from botocore.model import StructureShape

T = TypeVar("T")

__all__ = [
    "DROP",
    "Change",
    "along",
    "apply_diff",
    "diff",
    "jsonable",
    "once",
    "overlay",
    "prunable",
    "prune",
    "pruner",
    "put",
    "resolve",
    "within_sensitive",
]

#: What ``prune`` returns for a value that must not be sent at all.
DROP = object()


def prune(value: Any, shape: Shape) -> Any:
    """A stored value without the parts its input shape forbids.

    The service reports empty lists that it would refuse on input (for example
    ``TargetLocations``, whose input minimum is 1); they are not sent back.
    What needs no pruning is returned as it is, not copied. Only the members
    that can hold such a list are walked, by a function made once per shape.
    """
    return pruner(shape)(value)


def _kept(value: Any) -> Any:
    return value


def pruner(shape: Shape) -> Callable[[Any], Any]:
    """``prune`` for values of ``shape``, made once per shape."""
    return once("pruner", shape, _make_pruner)


#: The names of the shapes whose pruners are being made, to find a shape that
#: holds itself (botocore makes a new object each time it resolves a shape, so
#: only the name repeats).
_MAKING: set[str] = set()


def _make_pruner(shape: Shape) -> Callable[[Any], Any]:
    # What is made holds other pruners and numbers, never a shape: it is kept
    # as long as its shape lives (see once()).
    if not prunable(shape):
        return _kept
    _MAKING.add(shape.name)
    try:
        if shape.type_name == "structure":
            members = shape.members.items()  # type: ignore[attr-defined]
            walked = tuple((m, _inner(s)) for m, s in members if prunable(s))
            return _structure_pruner(walked)
        least = shape.metadata.get("min", 0)
        item = None
        if shape.type_name == "list" and prunable(shape.member):  # type: ignore[attr-defined]
            item = _inner(shape.member)  # type: ignore[attr-defined]
        return _container_pruner(least, item)
    finally:
        _MAKING.discard(shape.name)


def _inner(shape: Shape) -> Callable[[Any], Any]:
    if shape.name in _MAKING:
        # A shape that holds itself: find its pruner when called.
        held = weakref.ref(shape)

        def late(value: Any) -> Any:
            found = held()
            return value if found is None else pruner(found)(value)

        return late
    return pruner(shape)


def _structure_pruner(
    walked: tuple[tuple[str, Callable[[Any], Any]], ...],
) -> Callable[[Any], Any]:
    def structure(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        pruned: dict[str, Any] | None = None
        for member, inner_pruner in walked:
            inner = value.get(member)
            if inner is None:
                continue
            kept = inner_pruner(inner)
            if kept is not inner:
                pruned = dict(value) if pruned is None else pruned
                if kept is DROP:
                    del pruned[member]
                else:
                    pruned[member] = kept
        return value if pruned is None else pruned

    return structure


def _container_pruner(
    least: int, item: Callable[[Any], Any] | None
) -> Callable[[Any], Any]:
    def container(value: Any) -> Any:
        if not isinstance(value, (list, dict)):
            return value
        if len(value) < least:
            return DROP
        if item is None or not isinstance(value, list):
            return value
        items = [item(old) for old in value]
        # Equal only when every item is the one given: a pruned item lacks
        # what the given one has, and DROP equals nothing.
        if items == value:
            return value
        return [new for new in items if new is not DROP]

    return container


# Facts worked out once per shape, found by the shape's identity: a lookup on
# every value walked, so cheaper than a WeakKeyDictionary's, and still gone
# with the shape (the boto3 client's service model).
_ONCE: dict[tuple[str, int], tuple[weakref.ref[Shape], Any]] = {}


def once(what: str, shape: Shape, work: Callable[[Shape], T]) -> T:
    """``work(shape)``, worked out once per shape and kept while the shape lives.

    What is kept must not hold the shape itself, or it would never go.
    """
    key = (what, id(shape))
    found = _ONCE.get(key)
    if found is not None and found[0]() is shape:
        return found[1]  # type: ignore[no-any-return]
    value = work(shape)

    def forget(_: weakref.ref[Shape]) -> None:
        _ONCE.pop(key, None)

    _ONCE[key] = (weakref.ref(shape, forget), value)
    return value


def prunable(shape: Shape) -> bool:
    """Whether a value of this shape can hold a list or map shorter than allowed."""
    return once("prunable", shape, lambda s: _can_hold_short(s, 0))


def _can_hold_short(shape: Shape, depth: int) -> bool:
    if depth > 20:  # a shape that holds itself: assume so
        return True
    kind = shape.type_name
    if kind in ("list", "map") and shape.metadata.get("min", 0) > 0:
        return True
    if kind == "list":
        return _can_hold_short(shape.member, depth + 1)  # type: ignore[attr-defined]
    if kind == "structure":
        members = shape.members.values()  # type: ignore[attr-defined]
        return any(_can_hold_short(m, depth + 1) for m in members)
    return False


def _order(shape: Shape) -> dict[str, int]:
    members = shape.members  # type: ignore[attr-defined]
    return once("order", shape, lambda s: {m: i for i, m in enumerate(members)})


def overlay(current: Any, given: Any, shape: Shape | None) -> Any:
    """``given`` over ``current``: a structure merges member by member, else replaces.

    ``CLEAR`` among a structure's given members removes that member.
    """
    if shape is None or shape.type_name != "structure" or not isinstance(given, dict):
        return given  # never changed in place: a bulk run shares it among updates
    if not isinstance(current, dict):
        current = {}
    members = shape.members  # type: ignore[attr-defined]
    merged = dict(current)
    for member, value in given.items():
        if value is CLEAR:
            merged.pop(member, None)
        else:
            merged[member] = overlay(current.get(member), value, members.get(member))
    return merged


def put(
    container: dict[str, Any], path: tuple[str, ...], value: Any, shape: Shape
) -> dict[str, Any]:
    """``container`` with ``value`` overlaid at ``path`` (wire names and keys).

    ``CLEAR`` removes what is at the path; clearing under an absent member
    changes nothing. Only the dicts along the path are copied.
    """
    head, rest = path[0], path[1:]
    inner = _child(shape, head)
    out = dict(container)
    if not rest:
        if value is CLEAR:
            out.pop(head, None)
        else:
            out[head] = overlay(out.get(head), value, inner)
        return out
    current = out.get(head)
    if not isinstance(current, dict):
        if value is CLEAR:
            return container
        current = {}
    assert inner is not None  # resolve() only gives paths through known shapes
    out[head] = put(current, rest, value, inner)
    return out


def along(shape: Shape, path: tuple[str, ...]) -> list[Shape]:
    """The shapes from ``shape`` down a wire path ``resolve`` gave, leaf last."""
    shapes = [shape]
    for step in path:
        inner = _child(shapes[-1], step)
        assert inner is not None  # resolve() only gives paths through known shapes
        shapes.append(inner)
    return shapes


def within_sensitive(shape: Shape, path: tuple[str, ...]) -> bool:
    """Whether what lies at ``path`` is within a member marked sensitive."""
    return any(is_sensitive(s) for s in along(shape, path))


def _child(shape: Shape, key: str) -> Shape | None:
    if shape.type_name == "structure":
        return shape.members.get(key)  # type: ignore[attr-defined,no-any-return]
    if shape.type_name == "map":
        return shape.value  # type: ignore[attr-defined,no-any-return]
    return None


def resolve(
    shape: StructureShape, text: str, members: dict[str, str] | None = None
) -> tuple[tuple[str, ...], Shape]:
    """The wire path and shape of a dotted path a user wrote.

    Args:
        shape: The structure the path starts in.
        text: ``run_command.timeout_seconds``, ``parameters.RebootOption``. In a
            map whose values are plain (not structures or maps), the rest of
            the text is the key, dots and all.
        members: The attribute names the first step may take, by name; all of
            ``shape``'s members by default.

    Returns:
        The path in wire names and keys, and the shape found at its end.

    Raises:
        ssmkit.errors.ValidationError: The path names nothing in the shape.
    """
    steps = text.split(".")
    path: list[str] = []
    current: Shape = shape
    where = ""
    index = 0
    while index < len(steps):
        step = steps[index]
        kind = current.type_name
        if kind == "structure":
            names = (
                members
                if members is not None and not path
                else {attribute_name(m): m for m in current.members}  # type: ignore[attr-defined]
            )
            member = names.get(step)
            if member is None:
                known = ", ".join(sorted(names))
                at = f" in {where}" if where else ""
                msg = f"{text}: no member {step!r}{at}; expected one of {known}"
                raise ValidationError(msg, member=text, rule="no such member")
            path.append(member)
            current = current.members[member]  # type: ignore[attr-defined]
            where = member_path(where, member)
        elif kind == "map":
            value = current.value  # type: ignore[attr-defined]
            if value.type_name in ("structure", "map"):
                key = step
            else:
                key = ".".join(steps[index:])
                index = len(steps) - 1
            if not key:
                msg = f"{text}: an empty key in {where}"
                raise ValidationError(msg, member=text, rule="no such member")
            path.append(key)
            current = value
            where = f"{where}.{key}"
        else:
            msg = f"{text}: {where} is a {kind}, it has no members"
            raise ValidationError(msg, member=text, rule="no such member")
        index += 1
    return tuple(path), current


def apply_diff(
    target: dict[str, Any],
    before: dict[str, Any],
    after: dict[str, Any],
    shape: Shape,
    path: str,
) -> None:
    """Apply to ``target`` exactly what changed from ``before`` to ``after``.

    ``before`` and ``after`` are the boto3 forms of models, which leave out
    members the models do not know; ``target`` is the stored value, which has
    them. Structures and maps are walked key by key, and list items that
    are left as they were (or only changed within) are taken from ``target``,
    so what the models do not know survives at every depth.

    Raises:
        ssmkit.errors.ValidationError: A change to a member the shape does
            not let the update change.
    """
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        inner = _child(shape, key)
        where = (
            member_path(path, key)
            if shape.type_name == "structure"
            else f"{path}.{key}"
        )
        if inner is None:
            msg = f"{where}: the update cannot change it"
            raise ValidationError(msg, member=where, rule="not updatable")
        if key not in after:
            target.pop(key, None)
            continue
        target[key] = _edited(target.get(key), old, new, inner, where)
        if not path:
            # The whole new value is checked once, at its member, after what
            # the update cannot change is refused as such.
            check_value(new, inner, where)


def _edited(stored: Any, old: Any, new: Any, shape: Shape, where: str) -> Any:
    """``stored`` edited as ``old`` became ``new``, keeping what models drop."""
    kind = shape.type_name
    if (
        kind in ("structure", "map")
        and isinstance(stored, dict)
        and isinstance(old, dict)
    ):
        edited = dict(stored)
        apply_diff(edited, old, new, shape, where)
        return edited
    if kind == "list" and isinstance(stored, list) and isinstance(old, list):
        if len(stored) != len(old):
            return new
        item = shape.member  # type: ignore[attr-defined]
        if len(old) == len(new):
            # Edited in place: each item keeps its own unknown members.
            return [
                _edited(s, o, n, item, f"{where}[{i}]") if o != n else s
                for i, (s, o, n) in enumerate(zip(stored, old, new, strict=True))
            ]
        # Items added, removed or moved: an item as it was is taken as stored.
        return [stored[old.index(n)] if n in old else n for n in new]
    return new


@attrs.frozen
class Change:
    """One changed leaf of a plan: a scalar, a list, or a map entry.

    Attributes:
        path: Where, in ssmkit's attribute names and map keys as written
            (``parameters.RebootOption``).
        before: The value as it is, in boto3's form (``None``: absent).
        after: The value as it would be (``None``: absent).
        sensitive: Whether the value lies within a member the service model
            marks sensitive.
    """

    path: str
    before: Any = attrs.field(repr=False)
    after: Any = attrs.field(repr=False)
    sensitive: bool = False
    _shape: Shape | None = attrs.field(
        default=None, repr=False, eq=False, alias="shape"
    )

    @property
    def action(self) -> str:
        """``"add"``, ``"remove"`` or ``"change"``."""
        if self.before is None:
            return "add"
        if self.after is None:
            return "remove"
        return "change"

    def shown(self, value: Any, *, show_sensitive: bool = False) -> Any:
        """``before`` or ``after`` as it may be shown: JSON types, masked."""
        if value is None:
            return None
        if self.sensitive and not show_sensitive:
            return MASK
        return jsonable(mask(value, self._shape, show_sensitive=show_sensitive))

    def render(self, *, show_sensitive: bool = False) -> str:
        """``~ path: old -> new``, ``+ path: new`` or ``- path: old``.

        One line, whatever a map key or a value holds: control characters,
        newlines among them, are written as their escapes (``\\x0d``, ``\\n``).
        """
        return one_line(self._line(show_sensitive))

    def _line(self, show_sensitive: bool) -> str:
        old = _text(self.shown(self.before, show_sensitive=show_sensitive))
        new = _text(self.shown(self.after, show_sensitive=show_sensitive))
        if self.action == "add":
            return f"+ {self.path}: {new}"
        if self.action == "remove":
            return f"- {self.path}: {old}"
        if old == new == MASK:
            # "<sensitive> -> <sensitive>" would read as no change at all.
            return f"~ {self.path}: (sensitive value changed)"
        return f"~ {self.path}: {old} -> {new}"

    def to_json(self, *, show_sensitive: bool = False) -> dict[str, Any]:
        """The change in plain JSON types, masked unless asked."""
        return {
            "path": self.path,
            "action": self.action,
            "before": self.shown(self.before, show_sensitive=show_sensitive),
            "after": self.shown(self.after, show_sensitive=show_sensitive),
        }


def _text(value: Any) -> str:
    return value if value == MASK else json.dumps(value, ensure_ascii=False)


#: Values a diff compares whole, never walks into.
_SCALARS = frozenset({str, int, bool, float, type(None), datetime.datetime, bytes})


def diff(
    before: Any,
    after: Any,
    shape: Shape | None,
    path: str = "",
    *,
    within: bool = False,
) -> list[Change]:
    """The changed leaves from ``before`` to ``after``, in the shape's member order.

    Structures are walked member by member and maps key by key; a list or a
    scalar that differs is one change. ``None`` stands for absent.
    """
    if before == after:
        return []
    within = within or (shape is not None and is_sensitive(shape))
    kind = shape.type_name if shape is not None else None
    if (
        kind in ("structure", "map")
        and isinstance(before or {}, dict)
        and isinstance(after or {}, dict)
    ):
        old, new = before or {}, after or {}
        keys = [k for k, a in old.items() if (b := new.get(k)) is not a and a != b]
        if new.keys() - old.keys():
            keys += [k for k, b in new.items() if b is not None and k not in old]
        found: list[Change] = []
        if kind == "structure":
            members = shape.members  # type: ignore[union-attr]
            order = _order(shape)  # type: ignore[arg-type]
            keys.sort(key=lambda k: order.get(k, len(order)))
            for key in keys:
                a, b, inner = old.get(key), new.get(key), members.get(key)
                if a.__class__ in _SCALARS and b.__class__ in _SCALARS:
                    # A leaf, the common case: what the recursion would give.
                    sensitive = within or (inner is not None and is_sensitive(inner))
                    where = member_path(path, key)
                    found.append(Change(where, a, b, sensitive, shape=inner))
                    continue
                found += diff(a, b, inner, member_path(path, key), within=within)
        else:
            value = shape.value  # type: ignore[union-attr]
            for key in keys:
                where = f"{path}.{key}" if path else key
                found += diff(old.get(key), new.get(key), value, where, within=within)
        if found:
            return found
    return [Change(path, before, after, within, shape=shape)]


def jsonable(value: Any) -> Any:
    """A boto3 value in plain JSON types, as the AWS CLI prints it.

    Dates become ISO 8601 text and blobs base64.
    """
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    return value
