"""The models' base: finding a model by name, area modules, comparing models."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import types
import uuid
from typing import Any

import attrs
import pytest

import ssmkit
from ssmkit import models
from ssmkit.models import _base
from ssmkit.models._base import (
    FrozenDict,
    Model,
    model_named,
    module_of,
    on_first_use,
)


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("Target", "target"),
        ("AssociationDescription", "association_description"),
        ("S3OutputLocation", "s3_output_location"),
        (
            "MaintenanceWindowRunCommandParameters",
            "maintenance_window_run_command_parameters",
        ),
        ("InstanceAssociationOutputLocation", "instance_association_output_location"),
    ],
)
def test_a_model_s_module_is_its_name_in_snake_case(name: str, module: str) -> None:
    assert module_of(name) == module


def test_every_model_is_found_by_its_name_in_its_own_module() -> None:
    from ssmkit.models import _shapes

    modules = [m.name for m in pkgutil.iter_modules(_shapes.__path__)]
    assert len(modules) > 300
    for name in modules:
        module = importlib.import_module(f"{_shapes.__name__}.{name}")
        (defined,) = [
            value
            for value in vars(module).values()
            if isinstance(value, type) and value.__module__ == module.__name__
        ]
        assert module_of(defined.__name__) == name
        assert model_named(defined.__name__) is defined
        assert getattr(ssmkit.models, defined.__name__) is defined


def test_an_area_module_builds_a_model_when_first_asked_for_it() -> None:
    area = types.ModuleType("ssmkit_test_area")
    sys.modules[area.__name__] = area
    try:
        area.__getattr__, area.__dir__ = on_first_use(  # type: ignore[attr-defined]
            area.__name__, ["Target", "Alarm"]
        )
        assert "Target" not in vars(area)
        assert area.Target is ssmkit.models.Target  # type: ignore[attr-defined]
        # Kept: the next read is a plain attribute.
        assert vars(area)["Target"] is ssmkit.models.Target
        assert dir(area) == sorted({*vars(area), "Target", "Alarm"})
        with pytest.raises(AttributeError) as caught:
            area.Targets  # type: ignore[attr-defined]  # noqa: B018
        assert str(caught.value) == (
            "module 'ssmkit_test_area' has no attribute 'Targets'"
        )
    finally:
        del sys.modules[area.__name__]


@attrs.frozen(kw_only=True, repr=False, eq=False)
class _One(Model):
    value: Any = None


@attrs.frozen(kw_only=True, repr=False, eq=False)
class _Two(Model):
    first: Any = None
    second: Any = None


@pytest.mark.parametrize("cls", [_One, _Two])
def test_models_of_one_member_or_more_compare_and_hash_by_their_members(
    cls: type[Any],
) -> None:
    _base._MEMBERS.pop(cls, None)  # compared here for the first time
    members = [field.name for field in attrs.fields(cls)]
    same = dict.fromkeys(members, (1, "two"))
    a, b = cls(**same), cls(**same)
    assert a == b
    assert hash(a) == hash(b)
    for name in members:
        other = cls(**{**same, name: "else"})
        assert a != other
        assert hash(a) != hash(other)
    # Another class with equal members is not equal.
    assert _One(value=1) != _Two(first=1)
    assert (a == object()) is False
    assert a.__eq__(object()) is NotImplemented
    assert len({a, b}) == 1


def test_a_frozen_map_from_pairs_holds_and_shows_them() -> None:
    frozen = FrozenDict([("a", 1), ("b", 2)])
    assert frozen == {"a": 1, "b": 2}
    assert "a" in frozen
    assert "c" not in frozen
    assert repr(frozen) == "{'a': 1, 'b': 2}"


def test_a_value_an_enum_does_not_know_is_its_own_name_and_text() -> None:
    known = models.AssociationStatusName.SUCCESS
    assert str(known) == "Success"
    # A value never seen in this process: made here, not found in the cache.
    value = f"Paused{uuid.uuid4().hex[:8]}"
    newer = models.AssociationStatusName(value)
    assert (newer.name, newer.value, str(newer)) == (value, value, value)
    assert models.AssociationStatusName(value) is newer


def test_unknown_members_are_refused_in_words() -> None:
    with pytest.raises(TypeError) as caught:
        models.Target(unknown_members=["Colour"])  # type: ignore[arg-type]
    assert str(caught.value) == "unknown_members: expected a mapping, got list"
    with pytest.raises(TypeError) as caught:
        models.Target(unknown_members={"Colour": {"Shade": {1, 2}}})
    assert str(caught.value) == (
        "unknown_members: Colour.Shade: boto3 cannot send a set"
    )
    with pytest.raises(ValueError, match="unknown_members") as refused:
        models.Target(unknown_members={"Values": ["i-1"], "Key": "InstanceIds"})
    assert str(refused.value) == (
        "Target.unknown_members: Key, Values is a member of the model; give it "
        "as its attribute"
    )


def test_a_sensitive_member_is_marked_so() -> None:
    assert _base.wire("Value", sensitive=True) == {
        _base.WIRE_NAME: "Value",
        _base.SENSITIVE: True,
    }
    assert _base.wire("Name") == {_base.WIRE_NAME: "Name"}
    (field,) = [f for f in attrs.fields(models.Parameter) if f.name == "value"]
    assert field.metadata[_base.SENSITIVE] is True


def test_a_member_of_an_answer_is_built_when_first_read(boto: Any) -> None:
    made = boto.create_association(
        Name="AWS-RunShellScript",
        Targets=[{"Key": "InstanceIds", "Values": ["i-1"]}],
    )["AssociationDescription"]
    client = ssmkit.Client(boto3_client=boto)
    answer = client.describe_association(association_id=made["AssociationId"])
    cls = type(answer)
    # A descriptor made now, as the models' module makes one when imported.
    descriptor = cls.__dict__["targets"]
    fresh = _base.ReadOnFirstUse(descriptor._slot, cls, "targets")
    assert fresh.__get__(None, cls) is fresh
    built = fresh.__get__(answer, cls)
    assert built == (models.Target(key="InstanceIds", values=("i-1",)),)
    assert fresh.__get__(answer, cls) is built
    assert answer.targets is built
