"""What every generated model builds on: field metadata, frozen containers, enums."""

from __future__ import annotations

import enum
import functools
import importlib
import operator
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from .._mask import mask_field

__all__ = [
    "SENSITIVE",
    "UNKNOWN",
    "WIRE_NAME",
    "FrozenDict",
    "Model",
    "ReadOnFirstUse",
    "SSMEnum",
    "model_named",
    "module_of",
    "on_first_use",
    "read_on_first_use",
    "to_bytes",
    "to_frozendict",
    "to_tuple",
    "to_unknown",
    "unmodeled",
    "wire",
]

K = TypeVar("K")
V = TypeVar("V")
M = TypeVar("M", bound=type)

#: Key in ``attrs.field(metadata=...)`` holding the member's name on the wire
#: (``"AssociationId"``). SSM's names follow no single rule, so the name is
#: recorded per field and never derived from the attribute name.
WIRE_NAME = "ssmkit.wire_name"

#: Key in ``attrs.field(metadata=...)`` that is ``True`` for members the service
#: model marks sensitive. Their values are masked in ``repr``.
SENSITIVE = "ssmkit.sensitive"

#: Key in ``attrs.field(metadata=...)`` that is ``True`` on every model's
#: ``unknown_members`` field: the members of a boto3 dict that the model has no
#: attribute for (members newer than this release of ssmkit), in boto3's form,
#: frozen. It has no wire name of its own.
UNKNOWN = "ssmkit.unknown"


def wire(name: str, *, sensitive: bool = False) -> dict[str, Any]:
    """Build the metadata of a model field.

    Args:
        name: The member's name on the wire.
        sensitive: Whether the service model marks the member sensitive.

    Returns:
        The mapping to pass as ``attrs.field(metadata=...)``.
    """
    if sensitive:
        return {WIRE_NAME: name, SENSITIVE: True}
    return {WIRE_NAME: name}


def module_of(name: str) -> str:
    """The private module that defines the model ``name``: snake_case."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def model_named(name: str) -> Any:
    """The model (or enum) ``name``, its module imported if it is not yet."""
    return getattr(
        importlib.import_module(f"ssmkit.models._shapes.{module_of(name)}"), name
    )


def on_first_use(
    area: str, names: Iterable[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """An area module's ``__getattr__`` and ``__dir__``: a model built on first use.

    Each model is defined in a module of its own under ``ssmkit.models._shapes``;
    its annotations name other models as ``models.Name``, imported when they
    are resolved.
    """
    module = sys.modules[area]
    known = frozenset(names)

    def __getattr__(name: str) -> Any:
        if name not in known:
            msg = f"module {area!r} has no attribute {name!r}"
            raise AttributeError(msg)
        value = model_named(name)
        setattr(module, name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(module), *known})

    return __getattr__, __dir__


class Model:
    """Base of ssmkit's models: a repr that shows only the members that are set.

    Shapes have dozens of optional members; a repr listing every ``None`` would
    bury the few that matter. The values of sensitive members are masked; of a
    sensitive map, the keys are shown. Members ssmkit does not know are shown
    under ``unknown_members``, masked by what the installed botocore's model
    says of them (a member it does not know either is masked whole). A member
    of an answer that does not fit its shape is shown as ``<does not fit>``:
    reading it raises ``UnexpectedResponseError``, and so does whatever reads
    every member (``==``, ``hash``, pickle, ``to_boto``).
    """

    __slots__ = ()

    # Equal when of the same class with equal members, as attrs would write it
    # for each class; written once here, so no class compiles its own.
    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        members = _members(self.__class__)
        return bool(members(self) == members(other))

    def __hash__(self) -> int:
        return hash((self.__class__, _members(self.__class__)(self)))

    def __repr__(self) -> str:
        import attrs  # loaded with the first model; not at ``import ssmkit``

        from ..errors import UnexpectedResponseError

        shown = []
        for field in attrs.fields(type(self)):  # type: ignore[arg-type]
            try:
                value = getattr(self, field.name)
            except UnexpectedResponseError:
                # A member of an answer that does not fit its shape: refused
                # where it is read, but the model stays printable.
                shown.append(f"{field.name}=<does not fit>")
                continue
            if value is None:
                continue
            if field.metadata.get(SENSITIVE):
                value = mask_field(value)
            elif field.metadata.get(UNKNOWN):
                from .._installed import masked_unknown

                value = masked_unknown(type(self).__name__, value)
            shown.append(f"{field.name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


#: Each model class's members, read as one tuple; made when first compared.
_MEMBERS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def _members(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    found = _MEMBERS.get(cls)
    if found is None:
        import attrs

        names = [field.name for field in attrs.fields(cls)]
        getter = operator.attrgetter(*names)
        found = getter if len(names) > 1 else lambda model: (getter(model),)
        _MEMBERS[cls] = found
    return found


class ReadOnFirstUse:
    """A list, map or structure member of an answer, converted when first read.

    An operation's answer keeps these members as botocore parsed them until
    one is read; reading it converts it, with every check ``from_boto`` makes,
    and keeps what was built, so later reads cost a plain lookup. Whatever
    reads a model reads through this: ``==``, ``hash``, pickle,
    ``attrs.evolve``, ``repr`` and ``to_boto`` see only built values. A model
    made by hand, or by ``from_boto``, holds built values from the start.

    What is built is never a ``list`` or a ``dict`` (lists become tuples, maps
    ``FrozenDict``, structures models), which is how a member not yet built is
    told apart.
    """

    __slots__ = ("_build", "_name", "_owner", "_slot")

    def __init__(self, slot: Any, owner: type, name: str) -> None:
        self._slot = slot
        self._owner = owner
        self._name = name
        self._build: Callable[[Any], Any] | None = None

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = self._slot.__get__(obj, owner)
        if value.__class__ is list or value.__class__ is dict:
            return self._built(obj, value)
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        # Lists and maps come here frozen by their field's converter; a list or
        # dict can only be a structure given in the wrong form. Refused before
        # it is stored: read back, it would pass for an answer's, unconverted.
        _refuse_unbuilt(self._owner, self._name, value)
        self._slot.__set__(obj, value)

    def _built(self, obj: Any, raw: Any) -> Any:
        build = self._build
        if build is None:
            from .._convert import member_builder

            build = self._build = member_builder(self._owner, self._name)
        value = build(raw)
        self._slot.__set__(obj, value)
        return value

    def __repr__(self) -> str:
        return f"<member {self._owner.__name__}.{self._name}, read on first use>"


def read_on_first_use(*names: str) -> Callable[[M], M]:
    """Mark the members of an answer's model that are converted when first read.

    Applied above ``attrs.frozen``, to the slotted class it makes.

    Args:
        names: Attribute names of list, map and structure members.

    Returns:
        The class decorator.
    """

    def mark(cls: M) -> M:
        for name in names:
            setattr(cls, name, ReadOnFirstUse(cls.__dict__[name], cls, name))
        return cls

    return mark


class SSMEnum(str, enum.Enum):
    """Base of ssmkit's enumerations: a ``str`` that also admits values added later.

    The service adds enum values over time. A value ssmkit does not know yet
    becomes a pseudo-member of the enumeration whose ``value`` is the string
    the service sent, so it parses, compares equal to that string and goes
    back to the service unchanged.
    """

    @classmethod
    def _missing_(cls, value: object) -> SSMEnum | None:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        # Cache it so that repeated parses give the same object.
        return cls._value2member_map_.setdefault(value, member)  # type: ignore[return-value]

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_known(self) -> bool:
        """Whether this value was in the service model ssmkit was built from."""
        return type(self).__members__.get(self._name_) is self


class FrozenDict(Mapping[K, V]):
    """A mapping that cannot change and can be hashed: the models' maps.

    It compares equal to a ``dict`` with the same items. Its values are frozen
    too, lists becoming tuples and dicts frozen dicts, so a model that
    holds one is hashable all the way down. (The standard library has no
    hashable mapping, and ssmkit depends on nothing beyond boto3, attrs and
    cattrs; this is the whole of what the models need.)
    """

    __slots__ = ("_data", "_hash")

    _data: dict[K, V]
    _hash: int | None

    def __init__(self, data: Mapping[K, V] | Iterable[tuple[K, V]] = (), /) -> None:
        items = data.items() if isinstance(data, Mapping) else data
        self._data = {key: freeze(value) for key, value in items}
        self._hash = None

    @classmethod
    def of_frozen(cls, data: dict[K, V]) -> FrozenDict[K, V]:
        """Wrap ``data``, whose values are frozen already, without copying it."""
        made = object.__new__(cls)
        made._data = data
        made._hash = None
        return made

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenDict):
            return self._data == other._data
        if isinstance(other, Mapping):
            # Its values as this map holds them: a list equals its tuple here.
            return self._data == {key: freeze(item) for key, item in other.items()}
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[type[FrozenDict[K, V]], tuple[dict[K, V]]]:
        return (type(self), (self._data,))


#: What ``freeze`` changes: containers, and blobs that can change.
_THAWED = (list, tuple, dict, bytearray, memoryview)


def freeze(value: Any) -> Any:
    """``value`` with every list made a tuple and every dict a ``FrozenDict``."""
    cls = value.__class__
    if cls is FrozenDict:
        return value
    if cls is tuple:
        if any(isinstance(item, _THAWED) for item in value):
            return tuple(freeze(item) for item in value)
        return value
    if cls is list:
        return tuple(freeze(item) for item in value)
    if isinstance(value, dict):
        return FrozenDict(value)
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, (list, tuple)):  # a subclass: its items frozen too
        return tuple(freeze(item) for item in value)
    return value


def thaw(value: Any) -> Any:
    """What ``freeze`` made, in boto3's form again: tuples as lists, maps as dicts."""
    cls = value.__class__
    if cls is tuple:
        return [thaw(item) for item in value]
    if cls is FrozenDict:
        return {key: thaw(item) for key, item in value.items()}
    return value


def a_model(instance: Any, attribute: Any, value: Any) -> None:
    """A structure field's validator: a model or ``None``, not a dict or a list.

    Raises:
        TypeError: ``value`` is a dict or a list, which would otherwise be
            kept as given where a model belongs.
    """
    _refuse_unbuilt(type(instance), attribute.name, value)


def _refuse_unbuilt(owner: type, name: str, value: Any) -> None:
    if value.__class__ is list or value.__class__ is dict:
        msg = f"{owner.__name__}.{name}: expected a model, got {type(value).__name__}"
        raise TypeError(msg)


def to_tuple(value: Iterable[Any] | None) -> tuple[Any, ...] | None:
    """A list field's converter: any iterable but a string or a mapping, frozen.

    Raises:
        TypeError: ``value`` is a string, bytes or a mapping, which would
            otherwise iterate into characters or keys.
    """
    if value is None or value.__class__ is tuple:
        return freeze(value)  # type: ignore[no-any-return]
    if isinstance(value, (str, bytes, Mapping)):
        msg = f"expected a list, got {type(value).__name__}"
        raise TypeError(msg)
    return tuple(freeze(item) for item in value)


def to_bytes(value: bytes | bytearray | memoryview | None) -> bytes | None:
    """A blob field's converter: a ``bytearray`` or ``memoryview`` frozen to bytes.

    As lists become tuples: a model holds nothing that can change, so it can
    be hashed.

    Raises:
        TypeError: ``value`` is not bytes-like.
    """
    if value is None or value.__class__ is bytes:
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    msg = f"expected bytes, got {type(value).__name__}"
    raise TypeError(msg)


def to_frozendict(value: Mapping[Any, Any] | None) -> FrozenDict[Any, Any] | None:
    """A map field's converter: any mapping, frozen.

    Raises:
        TypeError: ``value`` is not a mapping.
    """
    if value is None or isinstance(value, FrozenDict):
        return value
    if not isinstance(value, Mapping):
        msg = f"expected a mapping, got {type(value).__name__}"
        raise TypeError(msg)
    return FrozenDict(value)


@functools.cache
def _wire_scalars() -> tuple[type, ...]:
    # Found on first use, not at ``import ssmkit``.
    import datetime
    import decimal

    return (
        str,
        int,
        float,
        bytes,
        bytearray,
        memoryview,
        datetime.datetime,
        datetime.date,
        decimal.Decimal,
    )


def to_unknown(value: Mapping[str, Any] | None) -> FrozenDict[str, Any] | None:
    """The ``unknown_members`` field's converter: a mapping frozen, ``None`` if empty.

    Members whose value is ``None`` are left out, as boto3 leaves out members
    it has no value for; so a model with no unknown members holds ``None``,
    however it was made, and compares equal to one made without them.

    Raises:
        TypeError: ``value`` is not a mapping, or a key is not a string.
    """
    if value is None:
        return None
    if not isinstance(value, Mapping):
        msg = f"unknown_members: expected a mapping, got {type(value).__name__}"
        raise TypeError(msg)
    kept = {}
    for key, item in value.items():
        if not isinstance(key, str):
            msg = f"unknown_members: a member's name must be a string, got {key!r}"
            raise TypeError(msg)
        if item is not None:
            kept[key] = freeze(wire_value(item, key))
    return FrozenDict.of_frozen(kept) if kept else None


def wire_value(value: Any, where: str) -> Any:
    """A value given for a member no model has, in boto3's form.

    Models become their boto3 dicts and enum members their strings, at any
    depth, so the value goes back as boto3 takes it; what boto3 never takes
    (a set, an object) is refused.

    Raises:
        TypeError: ``value`` holds something boto3 cannot send.
    """
    if value is None or isinstance(value, _wire_scalars()):
        return value._value_ if isinstance(value, SSMEnum) else value
    if isinstance(value, Model):
        from .._convert import to_boto

        return to_boto(value)
    if isinstance(value, Mapping):
        return {k: wire_value(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [wire_value(v, f"{where}[{i}]") for i, v in enumerate(value)]
    msg = f"unknown_members: {where}: boto3 cannot send a {type(value).__name__}"
    raise TypeError(msg)


def unmodeled(instance: Any, attribute: Any, value: Any) -> None:
    """The ``unknown_members`` field's validator: no member the model has.

    A member the model has an attribute for belongs there; held twice, the
    two values could disagree and one of them would be lost on the wire.

    Raises:
        ValueError: A key is the wire name of one of the model's members.
    """
    if value is None:
        return
    import attrs

    known = {f.metadata.get(WIRE_NAME) for f in attrs.fields(type(instance))}
    clash = sorted(k for k in value if k in known)
    if clash:
        names = ", ".join(clash)
        msg = (
            f"{type(instance).__name__}.unknown_members: {names} "
            "is a member of the model; give it as its attribute"
        )
        raise ValueError(msg)
