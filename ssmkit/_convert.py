"""Conversion between ssmkit's models and boto3's dicts, and JSON.

Every model field records its wire name in its metadata (``WIRE_NAME``), and
the hooks built here rename by that record, never by deriving a name. Data
flows one way: a boto3 dict goes through ``from_boto`` once (an operation's
answer through ``from_answer``, which leaves its lists, maps and structures
to be converted when first read), a model goes back through ``to_boto``
once. cattrs is imported, and the converter built, on the first conversion,
not at ``import ssmkit``.
"""

from __future__ import annotations

import base64
import datetime
import json
import types
import typing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from ._mask import MASK
from ._sentinel import Clear
from .errors import UnexpectedResponseError, ValidationError
from .models._base import (
    SENSITIVE,
    UNKNOWN,
    WIRE_NAME,
    FrozenDict,
    ReadOnFirstUse,
    SSMEnum,
    freeze,
    thaw,
    wire_value,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    import cattrs

__all__ = [
    "from_answer",
    "from_boto",
    "from_json",
    "make_converter",
    "member_builder",
    "to_boto",
    "to_json",
]

T = TypeVar("T")


def _structure_datetime(value: Any, _: type) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            # Not quoted: the value may be a secret.
            msg = "expected a date in ISO 8601"
            raise ValueError(msg) from None
    msg = f"expected a datetime, got {type(value).__name__}"
    raise TypeError(msg)


def _structure_bytes(value: Any, _: type) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode()
    msg = f"expected bytes, got {type(value).__name__}"
    raise TypeError(msg)


def _structure_base64(value: Any, _: type) -> bytes:
    # JSON carries a blob as the AWS CLI prints it: base64.
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except ValueError:
            msg = "expected base64 text for a blob"
            raise TypeError(msg) from None
    return _structure_bytes(value, bytes)


_PRIMITIVES = (str, int, bool, float)

#: What a value that does not fit its model raises while it is converted; a
#: value nested deeper than Python recurses is one too.
_MISFITS = (KeyError, TypeError, ValueError, AttributeError, RecursionError)


def _kind(value: Any, expected: type, where: str) -> Any:
    """``value`` if it is of the member's kind; the slow path of a compiled check."""
    if isinstance(value, expected) and not (
        expected is int and isinstance(value, bool)
    ):
        return value
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    msg = f"{where}: expected {expected.__name__}, got {type(value).__name__}"
    raise TypeError(msg)


def _mapping(value: Any, where: str) -> Any:
    if isinstance(value, Mapping):
        return value
    msg = f"{where}: expected a mapping, got {type(value).__name__}"
    raise TypeError(msg)


def _enum(value: Any, cls: type[SSMEnum], where: str) -> SSMEnum:
    if isinstance(value, str):
        return cls(value)
    msg = f"{where}: expected a {cls.__name__} value, got {type(value).__name__}"
    raise TypeError(msg)


def _seq(value: Any, where: str) -> Any:
    """A list member's value, refusing what would iterate into something else.

    A string where a list is expected (``values="i-0abc"``) would otherwise
    become a list of its characters.
    """
    if isinstance(value, (list, tuple)):
        return value
    msg = f"{where}: expected a list, got {type(value).__name__}"
    raise TypeError(msg)


def _unknown_boto(
    o: Any, known: frozenset[str], cls: type, *, from_json: bool = False
) -> Any:
    """The members of ``o`` that ``cls`` has no attribute for, frozen; or ``None``.

    The slow path of a compiled structure function, taken only when ``o``
    holds such a member: members newer than ssmkit's models are kept, to go
    back to the service as they came. ``from_json`` reads dates and blobs
    back from their JSON text first.
    """
    if from_json:
        from ._installed import from_json_value
    kept = {}
    for key, value in o.items():
        if key in known or value is None:
            continue
        if not isinstance(key, str):
            msg = f"{cls.__name__}: a member's name must be a string, got {key!r}"
            raise TypeError(msg)
        if from_json:
            value = from_json_value(cls.__name__, key, value)
        kept[key] = freeze(wire_value(value, f"{cls.__name__}.{key}"))
    return FrozenDict.of_frozen(kept) if kept else None


def _unknown_json(o: Any, known: frozenset[str], cls: type) -> Any:
    """As ``_unknown_boto``, with dates and blobs read back from their JSON text."""
    return _unknown_boto(o, known, cls, from_json=True)


def _is_unknown(field: Any) -> bool:
    return bool(field.metadata.get(UNKNOWN))


def _as_dict(expr: str, where: str) -> str:
    # The common case, a dict, costs one class check; the rest is _mapping's.
    return f"({expr} if {expr}.__class__ is dict else mapping({expr}, {where!r}))"


def _without_none(annotation: Any) -> Any:
    if (
        isinstance(annotation, types.UnionType)
        or typing.get_origin(annotation) is typing.Union
    ):
        kept = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(kept) == 1:
            return kept[0]
    return annotation


def _expression(
    annotation: Any,
    expr: str,
    slot: str,
    leaf: Callable[[Any, str, str, str], str],
    where: str,
    sequence: type = tuple,
) -> str:
    """The Python expression converting ``expr`` of a field type, for compiled hooks.

    Lists and maps are rebuilt item by item: tuples and frozen dicts on
    the way in (``sequence`` is ``tuple``), lists and dicts on the way out;
    everything else is ``leaf``'s, which differs by direction.
    """
    inner = _without_none(annotation)
    origin, args = typing.get_origin(inner), typing.get_args(inner)
    if origin in (list, tuple):
        item = _expression(
            args[0], f"i{slot}", f"{slot}_", leaf, f"{where}[]", sequence
        )
        made = "tuple" if sequence is tuple else "list"
        # The common case, a list, costs one class check; the rest is seq's.
        listed = f"({expr} if {expr}.__class__ is list else seq({expr}, {where!r}))"
        if item == f"i{slot}":
            return f"{made}({listed})"
        return f"{made}([{item} for i{slot} in {listed}])"
    if origin in (dict, FrozenDict):
        value = _expression(
            args[1], f"i{slot}", f"{slot}_", leaf, f"{where}{{}}", sequence
        )
        items = f"{_as_dict(expr, where)}.items()"
        built = f"{{k{slot}: {value} for k{slot}, i{slot} in {items}}}"
        # Its values are built frozen: the map needs no freezing of its own.
        return f"frozen({built})" if sequence is tuple else built
    return leaf(inner, expr, slot, where)


def _structure_leaf(
    names: dict[str, Any], converter: cattrs.Converter, compiling: set[type]
) -> Callable[[Any, str, str, str], str]:
    """The expressions of a compiled structure function's single values."""
    import attrs

    def leaf(inner: Any, expr: str, slot: str, where: str) -> str:
        if inner in _PRIMITIVES:
            # The common case costs one class check; the rest is _kind's.
            names[f"p{slot}"] = inner
            slow = f"kind({expr}, p{slot}, {where!r})"
            return f"({expr} if {expr}.__class__ is p{slot} else {slow})"
        if isinstance(inner, type) and issubclass(inner, SSMEnum):
            names[f"m{slot}"], names[f"e{slot}"] = inner._value2member_map_, inner
            return f"(m{slot}.get({expr}) or enum({expr}, e{slot}, {where!r}))"
        if isinstance(inner, type) and attrs.has(inner):
            if inner in compiling:
                # A shape that holds itself: look its function up when called.
                names[f"h{slot}"] = lambda value, _, inner=inner: (
                    converter.get_structure_hook(inner)(value, None)
                )
            else:
                names[f"h{slot}"] = converter.get_structure_hook(inner)
            return f"h{slot}({_as_dict(expr, where)}, None)"
        names[f"h{slot}"] = converter.get_structure_hook(inner)
        names[f"t{slot}"] = inner
        if inner is datetime.datetime:
            # botocore's own dates, the common case, cost one class check.
            slow = f"h{slot}({expr}, t{slot})"
            return f"({expr} if {expr}.__class__ is t{slot} else {slow})"
        return f"h{slot}({expr}, t{slot})"

    return leaf


def _structure_names() -> dict[str, Any]:
    return {
        "seq": _seq,
        "mapping": _mapping,
        "kind": _kind,
        "enum": _enum,
        "frozen": FrozenDict.of_frozen,
    }


def _slot_of(cls: type, name: str) -> Any:
    """The slot's own descriptor, beneath a member read on first use."""
    found = getattr(cls, name, None)
    if isinstance(found, ReadOnFirstUse):
        return found._slot
    return found


def _compile_structure(
    cls: type,
    converter: cattrs.Converter,
    compiling: set[type],
    *,
    deferring: bool = False,
    unknown: Callable[[Any, frozenset[str], type], Any] = _unknown_boto,
) -> Callable[[Any, Any], Any]:
    """Compile the function that builds ``cls`` from a boto3 dict.

    One ``dict.get`` per member, primitives taken as they are, enums looked up
    in their member map, lists, maps and nested models built inline or by their
    own compiled function. boto3 leaves absent members out rather than sending
    ``None``, so a member that is absent (or ``None``) stays ``None``. This is
    cattrs' hook-factory mechanism with code specialised to SSM's shapes: the
    generic per-field hooks were most of the conversion's cost.

    ``deferring`` compiles the function for an answer: a member read on first
    use (``ReadOnFirstUse``) is kept as the list or dict botocore parsed, and
    converted, with the same checks, when read.

    Members the model has no attribute for are kept in ``unknown_members``,
    found by one subset check of the dict's keys against the known names.
    """
    import attrs

    attrs.resolve_types(cls)
    names = _structure_names()
    names["cls"] = cls
    arguments = []
    required: list[str] = []
    compiling.add(cls)
    leaf = _structure_leaf(names, converter, compiling)

    def build(annotation: Any, expr: str, slot: str, wire: str) -> str:
        return _expression(annotation, expr, slot, leaf, f"{cls.__name__}.{wire}")

    fields = attrs.fields(cls)
    names["known"] = frozenset(
        f.metadata[WIRE_NAME] for f in fields if not _is_unknown(f)
    )
    names["unknown"] = unknown
    for index, field in enumerate(fields):
        slot = str(index)
        if _is_unknown(field):
            arguments.append("(None if o.keys() <= known else unknown(o, known, cls))")
            continue
        wire = field.metadata[WIRE_NAME]
        if deferring and isinstance(getattr(cls, field.name), ReadOnFirstUse):
            # Kept as parsed if it is of the kind parsed; anything else is
            # converted now, or refused.
            names[f"b{slot}"] = _built_later(cls, field.name, converter)
            raw = (
                "list"
                if typing.get_origin(_without_none(field.type)) is tuple
                else "dict"
            )
            value = f"(v{slot} if v{slot}.__class__ is {raw} else b{slot}(v{slot}))"
        else:
            value = build(field.type, f"v{slot}", slot, wire)
        if field.default is attrs.NOTHING:
            required.append(f"    v{slot} = o[{wire!r}]")
            arguments.append(value)
        else:
            absent = f"(v{slot} := get({wire!r})) is None"
            arguments.append(f"(None if {absent} else {value})")
    # The values built here are already what the model's converters would make
    # of them (tuples, frozen dicts, all the way down), so a slotted model is
    # filled slot by slot rather than through __init__, which would convert
    # each list and map again.
    slots = [_slot_of(cls, f.name) for f in fields]
    if all(isinstance(d, types.MemberDescriptorType) for d in slots):
        names["new"] = object.__new__
        lines = ["def structure(o, _=None):", "    get = o.get", *required]
        lines.append("    m = new(cls)")
        for index, (descriptor, value) in enumerate(zip(slots, arguments, strict=True)):
            names[f"s{index}"] = descriptor.__set__
            lines.append(f"    s{index}(m, {value})")
        source = "\n".join([*lines, "    return m"]) + "\n"
    else:
        given = ", ".join(
            f"{f.name}={v}" for f, v in zip(fields, arguments, strict=True)
        )
        lines = ["def structure(o, _=None):", "    get = o.get", *required]
        source = "\n".join([*lines, f"    return cls({given})"]) + "\n"
    label = "answer" if deferring else "structure"
    exec(compile(source, f"<ssmkit {label} {cls.__qualname__}>", "exec"), names)
    compiling.discard(cls)
    return names["structure"]  # type: ignore[no-any-return]


def _built_later(
    cls: type, name: str, converter: cattrs.Converter
) -> Callable[[Any], Any]:
    """``member_builder(cls, name)``, compiled when first needed: seldom."""
    made: list[Callable[[Any], Any]] = []

    def build(value: Any) -> Any:
        if not made:
            made.append(member_builder(cls, name, converter))
        return made[0](value)

    return build


def member_builder(
    cls: type, name: str, converter: cattrs.Converter | None = None
) -> Callable[[Any], Any]:
    """The function converting one member's boto3 value, never ``None``, of ``cls``.

    What ``ReadOnFirstUse`` calls on first read. A value that does not fit is
    refused with ``UnexpectedResponseError``, naming the member.
    """
    import attrs

    if converter is None:
        converter = _CONVERTERS.get("boto") or _converter()
    attrs.resolve_types(cls)
    field = attrs.fields_dict(cls)[name]
    names = _structure_names()
    leaf = _structure_leaf(names, converter, set())
    where = f"{cls.__name__}.{field.metadata[WIRE_NAME]}"
    body = _expression(field.type, "v", "0", leaf, where)
    source = f"def build(v):\n    return {body}\n"
    exec(compile(source, f"<ssmkit member {where}>", "exec"), names)
    build = names["build"]

    def built(value: Any) -> Any:
        try:
            return build(value)
        except _MISFITS as exc:
            raise _unexpected(cls, exc, _diagnose(field.type, value, where)) from exc

    return built


def _compile_unstructure(
    cls: type, converter: cattrs.Converter, compiling: set[type]
) -> Callable[[Any], Any]:
    """Compile the function that gives a model's boto3 dict, leaving out ``None``.

    The counterpart of ``_compile_structure``. A plain ``str`` where the
    model says enum goes out as it is.
    """
    import attrs

    attrs.resolve_types(cls)
    names: dict[str, Any] = {"SSMEnum": SSMEnum, "seq": _seq, "mapping": _mapping}
    compiling.add(cls)
    lines = ["def unstructure(obj):", "    out = {}"]

    def leaf(inner: Any, expr: str, slot: str, where: str) -> str:
        if inner in _PRIMITIVES or inner in (datetime.datetime, bytes):
            return expr
        if isinstance(inner, type) and issubclass(inner, SSMEnum):
            return f"({expr}._value_ if isinstance({expr}, SSMEnum) else {expr})"
        if not (isinstance(inner, type) and attrs.has(inner)):
            names[f"h{slot}"] = converter.unstructure
        elif inner in compiling:
            # A shape that holds itself: look its function up when called.
            names[f"h{slot}"] = lambda value, inner=inner: (
                converter.get_unstructure_hook(inner)(value)
            )
        else:
            names[f"h{slot}"] = converter.get_unstructure_hook(inner)
        return f"h{slot}({expr})"

    def build(annotation: Any, expr: str, slot: str, name: str) -> str:
        where = f"{cls.__name__}.{name}"
        return _expression(annotation, expr, slot, leaf, where, list)

    names["thaw"] = thaw
    for index, field in enumerate(attrs.fields(cls)):
        slot = str(index)
        lines.append(f"    v{slot} = obj.{field.name}")
        lines.append(f"    if v{slot} is not None:")
        if _is_unknown(field):
            # Members newer than the model go back as they came.
            lines.append(f"        out.update(thaw(v{slot}))")
            continue
        wire = field.metadata[WIRE_NAME]
        value = build(field.type, f"v{slot}", slot, field.name)
        lines.append(f"        out[{wire!r}] = {value}")
    lines.append("    return out")
    source = "\n".join(lines) + "\n"
    exec(compile(source, f"<ssmkit unstructure {cls.__qualname__}>", "exec"), names)
    compiling.discard(cls)
    return names["unstructure"]  # type: ignore[no-any-return]


def _unstructure_enum(value: Any) -> Any:
    # A plain string given where the model says enum goes out as it is.
    return value._value_ if isinstance(value, SSMEnum) else value


def make_converter() -> cattrs.Converter:
    """Build a converter between ssmkit's models and boto3's dicts.

    Members that boto3 sends and the models do not know are kept in each
    model's ``unknown_members`` and given back; ``None`` fields are left out
    of the dicts produced; enum values the models do not
    know are kept (see ``ssmkit.models.SSMEnum``); datetimes and bytes pass
    through as they are. Lists come in as tuples and maps as frozen dicts,
    and go out as lists and dicts. A value of the wrong kind (``5`` for a
    string, a string for a list) is refused with a ``TypeError`` naming the
    member.

    Returns:
        A configured ``cattrs.Converter``.
    """
    return _make(_structure_bytes)


def _make(
    blobs: Callable[[Any, type], bytes],
    unknown: Callable[[Any, frozenset[str], type], Any] = _unknown_boto,
) -> cattrs.Converter:
    import attrs
    import cattrs

    converter = cattrs.Converter(forbid_extra_keys=False, detailed_validation=False)
    # The classes whose functions are being compiled, to find a shape that
    # holds itself.
    structuring: set[type] = set()
    unstructuring: set[type] = set()

    def structure_factory(cls: type) -> Callable[[Any, Any], Any]:
        return _compile_structure(cls, converter, structuring, unknown=unknown)

    def unstructure_factory(cls: type) -> Callable[[Any], Any]:
        return _compile_unstructure(cls, converter, unstructuring)

    def container_factory(annotation: Any) -> Callable[[Any, Any], Any]:
        # A list or map at the top: a single-member result, say.
        names: dict[str, Any] = {"seq": _seq, "mapping": _mapping}
        names["frozen"], names["kind"], names["enum"] = (
            FrozenDict.of_frozen,
            _kind,
            _enum,
        )

        def leaf(inner: Any, expr: str, slot: str, where: str) -> str:
            names[f"h{slot}"], names[f"t{slot}"] = (
                converter.get_structure_hook(inner),
                inner,
            )
            if inner in _PRIMITIVES:
                return f"kind({expr}, t{slot}, {where!r})"
            return f"h{slot}({expr}, t{slot})"

        body = _expression(annotation, "o", "0", leaf, "value")
        source = f"def structure(o, _=None):\n    return {body}\n"
        exec(compile(source, "<ssmkit structure value>", "exec"), names)
        return names["structure"]  # type: ignore[no-any-return]

    def is_container(annotation: Any) -> bool:
        return typing.get_origin(annotation) in (tuple, FrozenDict)

    converter.register_structure_hook_factory(attrs.has, structure_factory)
    converter.register_structure_hook_factory(is_container, container_factory)
    converter.register_unstructure_hook_factory(attrs.has, unstructure_factory)
    converter.register_structure_hook(datetime.datetime, _structure_datetime)
    converter.register_unstructure_hook(datetime.datetime, lambda value: value)
    converter.register_structure_hook(bytes, blobs)
    converter.register_unstructure_hook(bytes, lambda value: value)
    # By class, not by predicate: singledispatch would otherwise find ``str``
    # first in an SSMEnum's MRO and pass the enum object through.
    converter.register_structure_hook(SSMEnum, lambda value, cls: cls(value))
    converter.register_unstructure_hook(SSMEnum, _unstructure_enum)
    converter.register_unstructure_hook(Clear, _refuse_clear)
    unstructure = converter.unstructure
    converter.register_unstructure_hook(
        tuple, lambda value: [unstructure(item) for item in value]
    )
    converter.register_unstructure_hook(
        FrozenDict, lambda value: {k: unstructure(v) for k, v in value.items()}
    )
    return converter


# Built on first use: importing cattrs and compiling costs more than ``import
# ssmkit`` should.
_CONVERTERS: dict[str, cattrs.Converter] = {}


def _converter(purpose: str = "boto") -> cattrs.Converter:
    found = _CONVERTERS.get(purpose)
    if found is None:
        if purpose == "json":
            made = _make(_structure_base64, _unknown_json)
        else:
            made = _make(_structure_bytes)
        found = _CONVERTERS.setdefault(purpose, made)
    return found


def _named(cls: Any) -> str:
    return getattr(cls, "__name__", None) or str(cls)


def from_boto(cls: type[T], data: Any) -> T:
    """Build a model from a boto3 dict.

    Args:
        cls: The model class, for example ``ssmkit.models.AssociationDescription``;
            or a container of models, ``tuple[Target, ...]``.
        data: The dict boto3 returned (or would accept) for that shape. Members
            the model has no attribute for, at any depth, are kept in that
            model's ``unknown_members``, and ``to_boto`` gives them back.

    Returns:
        An instance of ``cls``.

    Raises:
        ssmkit.errors.ValidationError: ``data`` lacks a required member or holds
            a value of the wrong kind; the message names the member.
    """
    # The common case, a model from a dict, goes straight to its compiled
    # function; anything else takes cattrs' dispatch.
    hook = _MODEL_HOOKS.get(cls)
    if hook is not None and data.__class__ is dict:
        try:
            return hook(data, cls)  # type: ignore[no-any-return]
        except _MISFITS as exc:
            raise _refusal(cls, exc, _diagnose(cls, data, _named(cls))) from exc
    converter = _CONVERTERS.get("boto") or _converter()
    found = _structure(converter, cls, data)
    if hasattr(cls, "__attrs_attrs__"):
        _MODEL_HOOKS[cls] = converter.get_structure_hook(cls)
    return found


#: Each model's compiled function, from the converter ``from_boto`` uses.
_MODEL_HOOKS: dict[Any, Callable[[Any, Any], Any]] = {}


def from_answer(cls: type[T], data: Any) -> T:
    """Build the model of an operation's answer, as the client's methods do.

    As ``from_boto``, but the lists, maps and structures of a model whose
    members are marked ``ReadOnFirstUse`` are kept as botocore parsed them
    and converted when first read, with the same checks: most answers are
    read in part, and converting what is never read was most of a call's
    cost over boto3's. A value that does not fit is refused with
    ``UnexpectedResponseError``, naming the member, here or on first read.
    """
    hook = _ANSWER_HOOKS.get(cls)
    if hook is None:
        hook = _answer_hook(cls)
    try:
        return hook(data)  # type: ignore[no-any-return]
    except _MISFITS as exc:
        raise _unexpected(cls, exc, _diagnose(cls, data, _named(cls))) from exc


#: The function building each answer's model, or container of models.
_ANSWER_HOOKS: dict[Any, Callable[..., Any]] = {}


def _answer_hook(cls: Any) -> Callable[..., Any]:
    import attrs

    converter = _CONVERTERS.get("boto") or _converter()
    if not (isinstance(cls, type) and attrs.has(cls)):
        structure = converter.get_structure_hook(cls)
        hook: Callable[..., Any] = lambda data: structure(data, cls)  # noqa: E731
    elif any(isinstance(v, ReadOnFirstUse) for v in vars(cls).values()):
        hook = _compile_structure(cls, converter, set(), deferring=True)
    else:
        hook = converter.get_structure_hook(cls)
    return _ANSWER_HOOKS.setdefault(cls, hook)


def _unexpected(
    cls: Any, exc: Exception, found: str | None = None
) -> UnexpectedResponseError:
    msg = f"the service's answer does not fit {_named(cls)}: {found or _why(exc)}"
    return UnexpectedResponseError(msg)


def _refusal(cls: Any, exc: Exception, found: str | None = None) -> ValidationError:
    msg = f"cannot build {_named(cls)} from the data given: {found or _why(exc)}"
    return ValidationError(msg)


def _why(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"a required member is missing: {exc}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return f"{type(exc).__name__}: {exc}"


def _structure(converter: cattrs.Converter, cls: type[T], data: Any) -> T:
    try:
        if hasattr(cls, "__attrs_attrs__") and not isinstance(data, Mapping):
            msg = f"expected a mapping, got {type(data).__name__}"
            raise TypeError(msg)
        return converter.structure(data, cls)
    except _MISFITS as exc:
        json = converter is _CONVERTERS.get("json")
        where = _named(cls) if hasattr(cls, "__attrs_attrs__") else "value"
        raise _refusal(cls, exc, _diagnose(cls, data, where, json=json)) from exc


def _diagnose(
    annotation: Any, value: Any, where: str, *, json: bool = False
) -> str | None:
    """Where in ``value`` it does not fit ``annotation``; see ``_misfit``."""
    try:
        return _misfit(annotation, value, where, json=json)
    except RecursionError:
        return f"{where}: nested too deeply"


def _misfit(
    annotation: Any, value: Any, where: str, *, json: bool = False
) -> str | None:
    """Where in ``value`` it does not fit ``annotation``, named from the top.

    The compiled functions name only the member at fault within its own
    shape (``Target.Key``), to stay fast; when one fails, this walks the
    value again, slowly, to say where it lies in the whole
    (``AssociationDescription.Targets[0].Key: expected str, got int``).

    Returns:
        The first misfit found, as ``path: what is wrong``; ``None`` when the
        walk finds none.
    """
    import attrs

    inner = _without_none(annotation)
    if value is None:
        return None
    origin, args = typing.get_origin(inner), typing.get_args(inner)
    if origin in (list, tuple):
        if not isinstance(value, (list, tuple)):
            return f"{where}: expected a list, got {type(value).__name__}"
        for index, item in enumerate(value):
            found = _misfit(args[0], item, f"{where}[{index}]", json=json)
            if found:
                return found
        return None
    if origin in (dict, FrozenDict):
        if not isinstance(value, Mapping):
            return f"{where}: expected a mapping, got {type(value).__name__}"
        for key, item in value.items():
            found = _misfit(args[1], item, f"{where}.{key}", json=json)
            if found:
                return found
        return None
    if isinstance(inner, type) and attrs.has(inner):
        return _misfit_model(inner, value, where, json=json)
    if isinstance(inner, type) and issubclass(inner, SSMEnum):
        if isinstance(value, str):
            return None
        return f"{where}: expected a {inner.__name__} value, got {type(value).__name__}"
    if inner in _PRIMITIVES:
        try:
            _kind(value, inner, where)
        except TypeError as exc:
            return str(exc)
        return None
    convert = {
        datetime.datetime: _structure_datetime,
        bytes: _structure_base64 if json else _structure_bytes,
    }.get(inner)
    if convert is not None:
        try:
            convert(value, inner)
        except (TypeError, ValueError) as exc:
            return f"{where}: {exc}"
    return None


def _misfit_model(cls: type, value: Any, where: str, *, json: bool) -> str | None:
    import attrs

    if not isinstance(value, Mapping):
        return f"{where}: expected a mapping, got {type(value).__name__}"
    attrs.resolve_types(cls)
    known = set()
    for field in attrs.fields(cls):
        if _is_unknown(field):
            continue
        wire = field.metadata[WIRE_NAME]
        known.add(wire)
        if value.get(wire) is None:
            if field.default is attrs.NOTHING:
                return f"{where}.{wire}: a required member is missing"
            continue
        found = _misfit(field.type, value[wire], f"{where}.{wire}", json=json)
        if found:
            return found
    for key, item in value.items():
        if key in known or item is None:
            continue
        if not isinstance(key, str):
            return f"{where}: a member's name must be a string, got {key!r}"
        if json:
            from ._installed import from_json_value

            try:
                from_json_value(cls.__name__, key, item)
            except ValueError as exc:
                return str(exc)
    return None


def _refuse_clear(value: Clear) -> Any:
    # It would be sent as the text "CLEAR", replacing what it means to remove.
    msg = (
        "ssmkit.CLEAR stands for a whole member of a safe update, not for a value "
        "within one: to remove a member inside it, name its path in paths="
    )
    raise TypeError(msg)


def to_boto(obj: Any) -> Any:
    """Give back the boto3 form of a model (or of a list or dict of models).

    Args:
        obj: A model instance, or a list or dict holding them, or a plain value.

    Returns:
        The dict (or list, or value) boto3 accepts. Members that are ``None``
        are left out; tuples become lists and frozen dicts dicts.

    Raises:
        ssmkit.errors.ValidationError: A model holds a value of the wrong kind,
            such as a string where a list is expected.
    """
    converter = _CONVERTERS.get("boto") or _converter()
    try:
        return converter.unstructure(obj)
    except TypeError as exc:
        where = type(obj).__name__
        msg = f"cannot convert {where} for boto3: {exc}"
        raise ValidationError(msg) from exc


# -- JSON -----------------------------------------------------------------------


def _each_sensitive(
    annotation: Any,
    value: Any,
    visit: Callable[[Any, Any], None],
    unknown: Callable[[str, Any, Any], None],
) -> None:
    """Call ``visit(container, key)`` for each sensitive member within ``value``.

    ``value`` is in boto3's form; ``annotation`` is the type it is of. Each
    member a model has no attribute for goes to ``unknown(owner, container,
    key)`` instead, ``owner`` being the model's shape name: whether it is
    sensitive is for the installed botocore's model to say.
    """
    import attrs

    inner = _without_none(annotation)
    origin, args = typing.get_origin(inner), typing.get_args(inner)
    if origin in (tuple, list) and isinstance(value, list):
        for item in value:
            _each_sensitive(args[0], item, visit, unknown)
    elif origin in (FrozenDict, dict) and isinstance(value, dict):
        for item in value.values():
            _each_sensitive(args[1], item, visit, unknown)
    elif isinstance(inner, type) and attrs.has(inner) and isinstance(value, dict):
        attrs.resolve_types(inner)
        known = set()
        for field in attrs.fields(inner):
            if _is_unknown(field):
                continue
            wire = field.metadata[WIRE_NAME]
            known.add(wire)
            if wire not in value:
                continue
            if field.metadata.get(SENSITIVE):
                visit(value, wire)
            else:
                _each_sensitive(field.type, value[wire], visit, unknown)
        for key in [k for k in value if k not in known]:
            unknown(inner.__name__, value, key)


def _masked(value: Any) -> Any:
    # A map's keys are shown; every value is masked.
    if isinstance(value, dict):
        return dict.fromkeys(value, MASK)
    return MASK


def _mask_within(
    obj: Any,
    data: Any,
    visit: Callable[[Any, Any], None],
    unknown: Callable[[str, Any, Any], None],
) -> None:
    """Mask the sensitive members of every model within ``obj``, in ``data``.

    ``data`` is ``to_boto(obj)``: models may sit in lists, tuples and maps of
    any depth, and each is masked by its own class.
    """
    if isinstance(obj, Mapping) and isinstance(data, dict):
        for key, item in obj.items():
            _mask_within(item, data[key], visit, unknown)
    elif isinstance(obj, (list, tuple)) and isinstance(data, list):
        for item, value in zip(obj, data, strict=True):
            _mask_within(item, value, visit, unknown)
    elif hasattr(type(obj), "__attrs_attrs__"):
        _each_sensitive(type(obj), data, visit, unknown)


def _holds_mask(value: Any) -> bool:
    """Whether the placeholder of a masked value is anywhere within ``value``."""
    if isinstance(value, str):
        return value == MASK
    if isinstance(value, dict):
        return any(_holds_mask(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_mask(item) for item in value)
    return False


def to_json(obj: Any, *, show_sensitive: bool = False, indent: int | None = 2) -> str:
    """A model as JSON, the way the AWS CLI prints it.

    Members are named as on the wire, dates are ISO 8601 and blobs base64.
    Members the service model marks sensitive are written as
    ``"<sensitive>"`` (a map keeps its keys) unless ``show_sensitive`` is set.

    Args:
        obj: A model, or a list or tuple of models.
        show_sensitive: Write sensitive values as they are.
        indent: As ``json.dumps``; ``None`` for one line.

    Returns:
        The JSON text.

    Raises:
        ssmkit.errors.ValidationError: A model holds a value of the wrong kind.
    """
    data = to_boto(obj)
    if not show_sensitive:
        from ._installed import mask_unknown

        def mask(container: Any, key: Any) -> None:
            container[key] = _masked(container[key])

        def mask_new(owner: str, container: Any, key: Any) -> None:
            container[key] = mask_unknown(owner, key, container[key])

        _mask_within(obj, data, mask, mask_new)
    from ._wire import jsonable  # dates and blobs as the command prints them too

    return json.dumps(jsonable(data), indent=indent)


def from_json(cls: type[T], text: str | bytes) -> T:
    """Build a model from JSON such as ``to_json`` or the AWS CLI writes.

    Args:
        cls: The model class; or a container of models, ``tuple[Target, ...]``.
        text: The JSON text.

    Returns:
        An instance of ``cls``.

    Raises:
        ssmkit.errors.ValidationError: The text is not JSON, does not fit
            ``cls``, or holds ``"<sensitive>"`` where a sensitive value was
            masked when it was written (write it with ``show_sensitive=True``
            to read it back). A sensitive value that is that text itself is
            refused too: it cannot be told from a masked one, and sending a
            placeholder as a secret would lose the secret.
    """
    try:
        data = json.loads(text)
    except ValueError as exc:
        msg = f"cannot read {_named(cls)}: not JSON ({exc})"
        raise ValidationError(msg) from None
    except RecursionError:
        msg = f"cannot read {_named(cls)}: nested too deeply"
        raise ValidationError(msg) from None
    name = _named(cls)
    if isinstance(data, dict) and list(data) == [name]:
        # The AWS CLI prints an answer with its member around it.
        msg = (
            f"cannot read {name}: the JSON holds one member named {name}; "
            f"pass what is inside it (the AWS CLI prints the answer around it)"
        )
        raise ValidationError(msg, rule="envelope")
    masked: list[str] = []

    def check(container: Any, key: Any) -> None:
        if _holds_mask(container[key]):
            masked.append(str(key))

    def check_new(owner: str, container: Any, key: Any) -> None:
        # Whether or not the installed model calls it sensitive: a placeholder
        # sent as a value would replace whatever the service holds.
        check(container, key)

    try:
        _each_sensitive(cls, data, check, check_new)
    except RecursionError:
        msg = f"cannot read {name}: nested too deeply"
        raise ValidationError(msg) from None
    if masked:
        msg = (
            f"cannot read {_named(cls)}: {', '.join(masked)} was masked when written; "
            "write it with show_sensitive=True to read it back"
        )
        raise ValidationError(msg, member=masked[0], rule="masked")
    return _structure(_converter("json"), cls, data)
