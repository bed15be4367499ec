"""The models' maps and freezing: laws, for maps built in any order."""

from __future__ import annotations

import collections
import pickle
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ssmkit.models._base import FrozenDict, freeze, thaw

leaves = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=5), st.binary(max_size=4)
)
values = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(max_size=3), inner, max_size=3),
    ),
    max_leaves=12,
)
maps = st.dictionaries(st.text(max_size=4), values, max_size=6)


def reordered(data: dict[str, Any]) -> dict[str, Any]:
    """The same items, inserted in the reverse order, all the way down."""
    out: dict[str, Any] = {}
    for key in reversed(list(data)):
        value = data[key]
        out[key] = reordered(value) if isinstance(value, dict) else value
    return out


@given(maps)
def test_equal_maps_hash_alike_whatever_their_order(data: dict[str, Any]) -> None:
    first, second = FrozenDict(data), FrozenDict(reordered(data))
    assert first == second
    assert hash(first) == hash(second)
    assert first == data  # equal to the dict it was made from
    assert thaw(first) == data


@given(maps, maps)
def test_maps_equal_only_when_their_items_are(
    one: dict[str, Any], other: dict[str, Any]
) -> None:
    assert (FrozenDict(one) == FrozenDict(other)) == (one == other)
    mapping = collections.ChainMap(other)  # a Mapping that is no dict
    assert (FrozenDict(one) == mapping) == (one == dict(other))


@given(maps)
def test_a_frozen_map_survives_pickling(data: dict[str, Any]) -> None:
    frozen = FrozenDict(data)
    copy = pickle.loads(pickle.dumps(frozen))
    assert copy == frozen
    assert hash(copy) == hash(frozen)


class _Mine(dict):  # type: ignore[type-arg]
    """A dict subclass, as a caller's own mapping may be."""


class _Listed(list):  # type: ignore[type-arg]
    """A list subclass."""


def test_freezing_reaches_every_nesting() -> None:
    value = {
        "a": _Mine(b=_Listed([{"c": [1, bytearray(b"x")]}])),
        "t": ({"d": [2]},),
    }
    frozen = freeze(value)
    hash(frozen)  # hashable all the way down
    inner = frozen["a"]
    assert type(inner) is FrozenDict
    assert type(inner["b"]) is tuple
    assert type(inner["b"][0]) is FrozenDict
    assert inner["b"][0]["c"] == (1, b"x")
    assert type(frozen["t"][0]) is FrozenDict
    assert frozen["t"][0]["d"] == (2,)


def test_a_frozen_map_cannot_change() -> None:
    frozen = FrozenDict({"a": [1]})
    assert not hasattr(frozen, "__setitem__")
    assert frozen["a"] == (1,)
