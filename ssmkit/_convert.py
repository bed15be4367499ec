"""Conversion between ssmkit's models and boto3's dicts.

Every model field records its wire name in its metadata (``WIRE_NAME``), and
the hooks built here rename by that record, never by deriving a name. Data
flows one way: a boto3 dict goes through :func:`from_boto` once, a model goes
back through :func:`to_boto` once.
"""

from __future__ import annotations

import datetime
import types
import typing
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import cattrs

from .errors import ValidationError
from .models._base import WIRE_NAME, SSMEnum

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["from_boto", "make_converter", "to_boto"]

T = TypeVar("T")


def _structure_datetime(value: Any, _: type) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
    if isinstance(value, str):
        return datetime.datetime.fromisoformat(value)
    msg = f"expected a datetime, got {type(value).__name__}"
    raise TypeError(msg)


def _structure_bytes(value: Any, _: type) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode()
    msg = f"expected bytes, got {type(value).__name__}"
    raise TypeError(msg)


_PRIMITIVES = (str, int, bool, float)


def _seq(value: Any, where: str) -> Any:
    """A list member's value, refusing what would iterate into something else.

    A string where a list is expected (``values="i-0abc"``) would otherwise
    become a list of its characters.
    """
    if isinstance(value, (list, tuple)):
        return value
    msg = f"{where}: expected a list, got {type(value).__name__}"
    raise TypeError(msg)


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
    leaf: Callable[[Any, str, str], str],
    where: str,
) -> str:
    """The Python expression converting ``expr`` of a field type, for compiled hooks.

    Lists and maps are rebuilt item by item (or copied, when their items need
    no conversion); everything else is ``leaf``'s, which differs by direction.
    """
    inner = _without_none(annotation)
    origin, args = typing.get_origin(inner), typing.get_args(inner)
    if origin is list:
        item = _expression(args[0], f"i{slot}", f"{slot}_", leaf, f"{where}[]")
        if item == f"i{slot}":
            return f"list(seq({expr}, {where!r}))"
        return f"[{item} for i{slot} in seq({expr}, {where!r})]"
    if origin is dict:
        value = _expression(args[1], f"i{slot}", f"{slot}_", leaf, f"{where}{{}}")
        if value == f"i{slot}":
            return f"dict({expr})"
        return f"{{k{slot}: {value} for k{slot}, i{slot} in {expr}.items()}}"
    return leaf(inner, expr, slot)


def _compile_structure(
    cls: type, converter: cattrs.Converter
) -> Callable[[Any, Any], Any]:
    """Compile the function that builds ``cls`` from a boto3 dict.

    One ``dict.get`` per member, primitives taken as they are, enums looked up
    in their member map, lists, maps and nested models built inline or by their
    own compiled function. boto3 leaves absent members out rather than sending
    ``None``, so a member that is absent (or ``None``) stays ``None``. This is
    cattrs' hook-factory mechanism with code specialised to SSM's shapes: the
    generic per-field hooks were most of the conversion's cost.
    """
    attrs.resolve_types(cls)
    names: dict[str, Any] = {"cls": cls, "seq": _seq}
    arguments = []

    def leaf(inner: Any, expr: str, slot: str) -> str:
        if inner in _PRIMITIVES:
            return expr
        if isinstance(inner, type) and issubclass(inner, SSMEnum):
            names[f"m{slot}"], names[f"e{slot}"] = inner._value2member_map_, inner
            return f"(m{slot}.get({expr}) or e{slot}({expr}))"
        if isinstance(inner, type) and attrs.has(inner):
            names[f"h{slot}"] = converter.get_structure_hook(inner)
            return f"h{slot}({expr}, None)"
        names[f"h{slot}"] = converter.get_structure_hook(inner)
        names[f"t{slot}"] = inner
        return f"h{slot}({expr}, t{slot})"

    def build(annotation: Any, expr: str, slot: str, wire: str) -> str:
        return _expression(annotation, expr, slot, leaf, f"{cls.__name__}.{wire}")

    for index, field in enumerate(attrs.fields(cls)):
        wire = field.metadata[WIRE_NAME]
        slot = str(index)
        if field.default is attrs.NOTHING:
            value = build(field.type, f"o[{wire!r}]", slot, wire)
            arguments.append(f"{field.name}={value}")
        else:
            value = build(field.type, f"v{slot}", slot, wire)
            absent = f"(v{slot} := get({wire!r})) is None"
            arguments.append(f"{field.name}=(None if {absent} else {value})")
    source = (
        "def structure(o, _=None):\n"
        "    get = o.get\n"
        f"    return cls({', '.join(arguments)})\n"
    )
    exec(compile(source, f"<ssmkit structure {cls.__qualname__}>", "exec"), names)
    return names["structure"]  # type: ignore[no-any-return]


def _compile_unstructure(
    cls: type, converter: cattrs.Converter
) -> Callable[[Any], Any]:
    """Compile the function that gives a model's boto3 dict, leaving out ``None``.

    The counterpart of :func:`_compile_structure`. A plain ``str`` where the
    model says enum goes out as it is.
    """
    attrs.resolve_types(cls)
    names: dict[str, Any] = {"SSMEnum": SSMEnum, "seq": _seq}
    lines = ["def unstructure(obj):", "    out = {}"]

    def leaf(inner: Any, expr: str, slot: str) -> str:
        if inner in _PRIMITIVES or inner in (datetime.datetime, bytes):
            return expr
        if isinstance(inner, type) and issubclass(inner, SSMEnum):
            return f"({expr}._value_ if isinstance({expr}, SSMEnum) else {expr})"
        names[f"h{slot}"] = (
            converter.get_unstructure_hook(inner)
            if isinstance(inner, type) and attrs.has(inner)
            else converter.unstructure
        )
        return f"h{slot}({expr})"

    def build(annotation: Any, expr: str, slot: str, name: str) -> str:
        return _expression(annotation, expr, slot, leaf, f"{cls.__name__}.{name}")

    for index, field in enumerate(attrs.fields(cls)):
        slot = str(index)
        wire = field.metadata[WIRE_NAME]
        value = build(field.type, f"v{slot}", slot, field.name)
        lines.append(f"    v{slot} = obj.{field.name}")
        lines.append(f"    if v{slot} is not None:")
        lines.append(f"        out[{wire!r}] = {value}")
    lines.append("    return out")
    source = "\n".join(lines) + "\n"
    exec(compile(source, f"<ssmkit unstructure {cls.__qualname__}>", "exec"), names)
    return names["unstructure"]  # type: ignore[no-any-return]


def _unstructure_enum(value: Any) -> Any:
    # A plain string given where the model says enum goes out as it is.
    return value._value_ if isinstance(value, SSMEnum) else value


def make_converter() -> cattrs.Converter:
    """Build a converter between ssmkit's models and boto3's dicts.

    Members that boto3 sends and the models do not know are ignored; ``None``
    fields are left out of the dicts produced; enum values the models do not
    know are kept (see :class:`ssmkit.models.SSMEnum`); datetimes and bytes
    pass through as they are.

    Returns:
        A configured :class:`cattrs.Converter`.
    """
    converter = cattrs.Converter(forbid_extra_keys=False, detailed_validation=False)

    def structure_factory(cls: type) -> Callable[[Any, Any], Any]:
        return _compile_structure(cls, converter)

    def unstructure_factory(cls: type) -> Callable[[Any], Any]:
        return _compile_unstructure(cls, converter)

    converter.register_structure_hook_factory(attrs.has, structure_factory)
    converter.register_unstructure_hook_factory(attrs.has, unstructure_factory)
    converter.register_structure_hook(datetime.datetime, _structure_datetime)
    converter.register_unstructure_hook(datetime.datetime, lambda value: value)
    converter.register_structure_hook(bytes, _structure_bytes)
    converter.register_unstructure_hook(bytes, lambda value: value)
    # By class, not by predicate: singledispatch would otherwise find ``str``
    # first in an SSMEnum's MRO and pass the enum object through.
    converter.register_structure_hook(SSMEnum, lambda value, cls: cls(value))
    converter.register_unstructure_hook(SSMEnum, _unstructure_enum)
    return converter


_CONVERTER = make_converter()


def from_boto(cls: type[T], data: Mapping[str, Any]) -> T:
    """Build a model from a boto3 dict.

    Args:
        cls: The model class, for example :class:`ssmkit.models.AssociationDescription`.
        data: The dict boto3 returned (or would accept) for that shape. Keys the
            model does not know are ignored.

    Returns:
        An instance of ``cls``.

    Raises:
        ssmkit.errors.ValidationError: ``data`` lacks a required member or holds
            a value of the wrong kind.
    """
    try:
        return _CONVERTER.structure(data, cls)
    except (KeyError, TypeError, ValueError, cattrs.BaseValidationError) as exc:
        why = f"{type(exc).__name__}: {exc}"
        msg = f"cannot build {cls.__name__} from the data given: {why}"
        raise ValidationError(msg) from exc


def to_boto(obj: Any) -> Any:
    """Give back the boto3 form of a model (or of a list or dict of models).

    Args:
        obj: A model instance, or a list or dict holding them, or a plain value.

    Returns:
        The dict (or list, or value) boto3 accepts. Members that are ``None``
        are left out.

    Raises:
        ssmkit.errors.ValidationError: A model holds a value of the wrong kind,
            such as a string where a list is expected.
    """
    try:
        return _CONVERTER.unstructure(obj)
    except TypeError as exc:
        where = type(obj).__name__
        msg = f"cannot convert {where} for boto3: {exc}"
        raise ValidationError(msg) from exc
