"""The models cover every shape and member, and convert without losing a bit."""

from __future__ import annotations

import datetime
import keyword
import pickle
import subprocess
import sys
from typing import Any

import attrs
import botocore
import pytest
from botocore.model import Shape, StructureShape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ssmkit
from ssmkit import from_boto, models, to_boto
from ssmkit.models import (
    SENSITIVE,
    WIRE_NAME,
    AssociationComplianceSeverity,
    AssociationDescription,
    AssociationStatusName,
    FrozenDict,
    MaintenanceWindowTaskInvocationParameters,
    SSMEnum,
)
from ssmkit.models._base import to_tuple

from .service_model import SERVICE, reached_structures, result_shapes
from .strategies import shape_dicts

STRUCTURES = reached_structures()
RESULTS = result_shapes()
ALL_SHAPES = {**STRUCTURES, **RESULTS}


def model_class(name: str) -> type[Any]:
    cls = getattr(models, name, None)
    assert cls is not None, f"ssmkit.models has no class for the shape {name}"
    return cls  # type: ignore[no-any-return]


def test_every_operation_reaches_its_shapes() -> None:
    # The count grows when botocore adds shapes: regenerating catches up.
    assert len(STRUCTURES) >= 180
    assert len(RESULTS) >= 40


@pytest.mark.parametrize("shape_name", sorted(ALL_SHAPES))
def test_every_shape_has_a_class_and_every_member_an_attribute(shape_name: str) -> None:
    shape = ALL_SHAPES[shape_name]
    cls = model_class(shape_name)
    assert attrs.has(cls), f"{shape_name} is not an attrs class"
    fields = {
        f.metadata[WIRE_NAME]: f for f in attrs.fields(cls) if WIRE_NAME in f.metadata
    }
    required = set(shape.required_members)
    for member, member_shape in shape.members.items():
        assert member in fields, (
            f"{shape_name}.{member} has no attribute in ssmkit.models.{shape_name}"
        )
        field = fields[member]
        expected = botocore.xform_name(member)
        if keyword.iskeyword(expected):
            expected += "_"
        assert field.name == expected, f"{shape_name}.{member} is named {field.name}"
        if member in required:
            assert field.default is attrs.NOTHING, f"{shape_name}.{member} is required"
        else:
            assert field.default is None, f"{shape_name}.{member} is optional"
        sensitive = _sensitive(member_shape)
        assert bool(field.metadata.get(SENSITIVE)) == sensitive, (
            f"{shape_name}.{member}"
        )
        assert field.repr is not sensitive, f"{shape_name}.{member} repr"
    assert set(fields) == set(shape.members), (
        f"{shape_name} has attributes the model lacks"
    )


def _sensitive(shape: Shape) -> bool:
    if shape.metadata.get("sensitive"):
        return True
    if shape.type_name == "list":
        return _sensitive(shape.member)  # type: ignore[attr-defined]
    if shape.type_name == "map":
        return _sensitive(shape.value)  # type: ignore[attr-defined]
    return False


@pytest.mark.parametrize("shape_name", sorted(ALL_SHAPES))
@given(data=st.data())
def test_round_trip_is_lossless(shape_name: str, data: st.DataObject) -> None:
    boto_dict = data.draw(shape_dicts(shape_name))
    cls = model_class(shape_name)
    model = from_boto(cls, boto_dict)
    assert to_boto(model) == boto_dict
    _assert_typed(model, ALL_SHAPES[shape_name])
    # Frozen all the way down: hashable, picklable, evolvable, JSON both ways.
    assert hash(model) == hash(from_boto(cls, boto_dict))
    assert pickle.loads(pickle.dumps(model)) == model
    assert attrs.evolve(model) == model
    # A sensitive value that is the placeholder itself is refused on the way
    # back in, whoever wrote it (see the test of that below).
    if "<sensitive>" not in repr(boto_dict):
        shown = ssmkit.to_json(model, show_sensitive=True)
        assert ssmkit.from_json(cls, shown) == model


def _reversed(value: Any) -> Any:
    """The same value with every dict's keys in the other order, at every depth."""
    if isinstance(value, dict):
        return {k: _reversed(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed(item) for item in value]
    return value


@pytest.mark.parametrize("shape_name", sorted(ALL_SHAPES))
@given(data=st.data())
def test_equal_models_hash_alike_whatever_the_order_of_their_maps(
    shape_name: str, data: st.DataObject
) -> None:
    cls = model_class(shape_name)
    first = data.draw(shape_dicts(shape_name))
    second = data.draw(shape_dicts(shape_name))
    a, b = from_boto(cls, first), from_boto(cls, _reversed(first))
    assert a == b
    assert hash(a) == hash(b)
    # Built as an answer is, members read on first use: the same model.
    answered = ssmkit._convert.from_answer(cls, _reversed(first))
    assert answered == a
    assert hash(answered) == hash(a)
    other = from_boto(cls, second)
    # The law both ways: equal models hash alike, and a model equals only its like.
    assert (other == a) == (to_boto(other) == to_boto(a))
    if other == a:
        assert hash(other) == hash(a)
    assert a != to_boto(a)
    assert a.__eq__(object()) is NotImplemented


def _assert_typed(value: Any, shape: Shape) -> None:
    """The model holds precise types: models, enums, datetimes, all the way down."""
    if isinstance(shape, StructureShape):
        assert type(value).__name__ == shape.name
        for field in attrs.fields(type(value)):
            inner = getattr(value, field.name)
            if inner is not None:
                _assert_typed(inner, shape.members[field.metadata[WIRE_NAME]])
    elif shape.type_name == "list":
        assert isinstance(value, tuple)
        for item in value:
            _assert_typed(item, shape.member)  # type: ignore[attr-defined]
    elif shape.type_name == "map":
        assert isinstance(value, FrozenDict)
        for item in value.values():
            _assert_typed(item, shape.value)  # type: ignore[attr-defined]
    elif shape.type_name == "string" and shape.enum:  # type: ignore[attr-defined]
        assert isinstance(value, SSMEnum)
        assert type(value).__name__ == shape.name
    elif shape.type_name == "timestamp":
        assert isinstance(value, datetime.datetime)
    elif shape.type_name == "blob":
        assert isinstance(value, bytes)


@pytest.mark.parametrize("shape_name", sorted(ALL_SHAPES))
@given(data=st.data())
def test_members_the_model_lacks_are_kept(shape_name: str, data: st.DataObject) -> None:
    boto_dict = data.draw(shape_dicts(shape_name))
    extended = {**boto_dict, "AMemberFromTheFuture": {"Nested": [1, 2]}}
    cls = model_class(shape_name)
    model = from_boto(cls, extended)
    assert model.unknown_members == {"AMemberFromTheFuture": {"Nested": (1, 2)}}
    assert to_boto(model) == extended
    assert model != from_boto(cls, boto_dict)


@pytest.mark.parametrize("shape_name", sorted(ALL_SHAPES))
def test_models_are_frozen(shape_name: str) -> None:
    cls = model_class(shape_name)
    instance = from_boto(cls, _minimal(ALL_SHAPES[shape_name]))
    first = attrs.fields(cls)[0]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(instance, first.name, None)


def _minimal(shape: Shape) -> Any:
    if isinstance(shape, StructureShape):
        return {m: _minimal(shape.members[m]) for m in shape.required_members}
    return {
        "list": [],
        "map": {},
        "integer": 0,
        "long": 0,
        "boolean": False,
        "double": 0.5,
        "float": 0.5,
        "blob": b"x",
        "timestamp": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
    }.get(shape.type_name, "x")


def test_unknown_enum_value_parses_and_round_trips() -> None:
    raw = {
        "Name": "doc",
        "ComplianceSeverity": "CATASTROPHIC",
        "Status": {
            "Date": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
            "Name": "Paused",
            "Message": "m",
        },
    }
    model = from_boto(AssociationDescription, raw)
    assert isinstance(model.compliance_severity, AssociationComplianceSeverity)
    assert model.compliance_severity == "CATASTROPHIC"
    assert model.compliance_severity.is_known is False
    assert model.status is not None
    assert model.status.name == "Paused"
    assert isinstance(model.status.name, AssociationStatusName)
    assert to_boto(model) == raw
    assert type(to_boto(model)["ComplianceSeverity"]) is str


def test_known_enum_values_are_members() -> None:
    model = from_boto(AssociationDescription, {"ComplianceSeverity": "HIGH"})
    assert model.compliance_severity is AssociationComplianceSeverity.HIGH
    assert model.compliance_severity.is_known is True
    # A plain string where the model says enum still goes out unchanged.
    assert to_boto(AssociationDescription(compliance_severity="LOW")) == {  # type: ignore[arg-type]
        "ComplianceSeverity": "LOW"
    }


def test_sensitive_members_stay_out_of_repr() -> None:
    model = from_boto(
        AssociationDescription,
        {"Name": "doc", "Parameters": {"password": ["hunter2"]}},
    )
    assert model.parameters == {"password": ("hunter2",)}
    assert repr(model) == (
        "AssociationDescription(name='doc', parameters={'password': <sensitive>})"
    )


def test_python_keyword_members_get_a_trailing_underscore() -> None:
    raw = {"Lambda": {"ClientContext": "ctx", "Qualifier": "1"}}
    model = from_boto(MaintenanceWindowTaskInvocationParameters, raw)
    assert model.lambda_ is not None
    assert model.lambda_.client_context == "ctx"
    assert to_boto(model) == raw


def test_none_is_never_emitted() -> None:
    assert to_boto(AssociationDescription(name="doc")) == {"Name": "doc"}


def test_from_boto_names_what_is_missing() -> None:
    with pytest.raises(ssmkit.errors.ValidationError, match="Alarm"):
        from_boto(models.Alarm, {})
    with pytest.raises(ValueError, match="Alarm"):  # ValidationError is a ValueError
        from_boto(models.Alarm, {})


def test_timestamps_keep_their_timezone_and_instant() -> None:
    moment = datetime.datetime(
        2026, 11, 22, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    model = from_boto(AssociationDescription, {"Date": moment})
    assert model.date is moment
    assert to_boto(model)["Date"] is moment


def test_every_enum_shape_has_an_enum_class() -> None:
    for name in sorted(models.__all__):
        obj = getattr(models, name)
        if isinstance(obj, type) and issubclass(obj, SSMEnum) and obj is not SSMEnum:
            shape = SERVICE.shape_for(name)
            assert [m.value for m in obj] == list(shape.enum)  # type: ignore[attr-defined]


@pytest.fixture
def fresh_converter() -> Any:
    """A converter made while each test runs: its hooks are compiled there."""
    return ssmkit.make_converter()


@pytest.mark.parametrize("shape_name", sorted(ALL_SHAPES))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_fresh_converter_round_trips_every_shape(
    fresh_converter: Any, shape_name: str, data: st.DataObject
) -> None:
    converter = fresh_converter
    boto_dict = data.draw(shape_dicts(shape_name))
    model = converter.structure(boto_dict, model_class(shape_name))
    assert converter.unstructure(model) == boto_dict
    _assert_typed(model, ALL_SHAPES[shape_name])


def test_a_fresh_converter_converts_leaves_as_boto3_has_them() -> None:
    converter = ssmkit.make_converter()
    when = datetime.datetime(2026, 1, 2, tzinfo=datetime.timezone.utc)
    assert converter.structure(when, datetime.datetime) is when
    assert converter.structure(when.timestamp(), datetime.datetime) == when
    assert converter.structure("2026-01-02T00:00:00+00:00", datetime.datetime) == when
    assert converter.unstructure(when) is when
    assert converter.structure(bytearray(b"ab"), bytes) == b"ab"
    assert converter.structure("ab", bytes) == b"ab"
    assert converter.unstructure(b"ab") == b"ab"
    status = converter.structure("Success", models.AssociationStatusName)
    assert status is models.AssociationStatusName.SUCCESS
    assert converter.unstructure(status) == "Success"
    assert type(converter.unstructure(status)) is str
    later = converter.structure("Later", models.AssociationStatusName)
    assert converter.unstructure(later) == "Later"
    with pytest.raises(TypeError, match="expected a datetime, got list"):
        converter.structure([], datetime.datetime)
    with pytest.raises(TypeError, match="expected bytes, got int"):
        converter.structure(5, bytes)
    # Unknown members are kept, a missing required one is named.
    target = converter.structure({"Key": "k", "Values": ["v"], "New": 1}, models.Target)
    assert target == models.Target(key="k", values=["v"], unknown_members={"New": 1})
    assert converter.unstructure(target) == {"Key": "k", "Values": ["v"], "New": 1}
    with pytest.raises(KeyError, match="Name"):
        converter.structure({}, models.Alarm)


def test_a_string_where_a_list_is_expected_is_refused_both_ways() -> None:
    with pytest.raises(TypeError, match=r"^expected a list, got str$"):
        models.Target(key="InstanceIds", values="i-0abc")
    with pytest.raises(TypeError, match=r"^expected a list, got dict$"):
        models.Target(key="InstanceIds", values={"i-0abc": 1})
    with pytest.raises(TypeError, match=r"^expected a mapping, got list$"):
        models.AssociationDescription(parameters=[("a", ["b"])])  # type: ignore[arg-type]
    with pytest.raises(ssmkit.errors.ValidationError) as caught:
        to_boto(models.AssociationDescription(target_maps=[{"InstanceIds": "i-1"}]))  # type: ignore[dict-item]
    assert str(caught.value) == (
        "cannot convert AssociationDescription for boto3: "
        "AssociationDescription.target_maps[]{}: expected a list, got str"
    )
    with pytest.raises(ssmkit.errors.ValidationError) as caught:
        from_boto(models.Target, {"Key": "k", "Values": "abc"})
    assert str(caught.value) == (
        "cannot build Target from the data given: "
        "Target.Values: expected a list, got str"
    )
    # A tuple is a list as far as boto3 is concerned.
    assert to_boto(models.Target(key="k", values=("a",))) == {  # type: ignore[arg-type]
        "Key": "k",
        "Values": ["a"],
    }


def test_a_fresh_converter_refuses_a_string_for_a_list_and_says_where(
    fresh_converter: Any,
) -> None:
    converter = fresh_converter
    for cls, data, where in (
        (models.Target, {"Key": "k", "Values": "abc"}, "Target.Values"),
        (models.AlarmConfiguration, {"Alarms": "cpu"}, "AlarmConfiguration.Alarms"),
        (
            models.AssociationDescription,
            {"TargetMaps": "m"},
            "AssociationDescription.TargetMaps",
        ),
        (
            models.AssociationDescription,
            {"TargetMaps": [{"InstanceIds": "i-1"}]},
            "AssociationDescription.TargetMaps[]{}",
        ),
    ):
        with pytest.raises(TypeError) as caught:
            converter.structure(data, cls)
        assert str(caught.value) == f"{where}: expected a list, got str"
    for model, where in (
        (
            models.AssociationDescription(target_maps=[{"InstanceIds": "i-1"}]),  # type: ignore[dict-item]
            "AssociationDescription.target_maps[]{}",
        ),
    ):
        with pytest.raises(TypeError) as caught:
            converter.unstructure(model)
        assert str(caught.value) == f"{where}: expected a list, got str"


def test_a_fresh_process_converts_before_anything_else_touched_the_models() -> None:
    # Field types are strings until resolved: the first conversion in a new
    # process must resolve them itself, both ways.
    code = (
        "import ssmkit\n"
        "from ssmkit.models import AssociationDescription\n"
        "data = {'Name': 'n', 'Targets': [{'Key': 'k', 'Values': ['v']}],"
        " 'Overview': {'Status': 'Success'}}\n"
        "model = ssmkit.from_boto(AssociationDescription, data)\n"
        "assert model.targets[0].values == ('v',), model\n"
        "assert ssmkit.to_boto(model) == data, ssmkit.to_boto(model)\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_a_fresh_converter_converts_dates_and_blobs_inside_models(
    fresh_converter: Any,
) -> None:
    converter = fresh_converter
    described = converter.structure(
        {"Name": "n", "Date": "2026-01-02T00:00:00+00:00"},
        models.AssociationDescription,
    )
    assert described.date == datetime.datetime(2026, 1, 2, tzinfo=datetime.timezone.utc)
    task = converter.structure(
        {"Payload": "abc"}, models.MaintenanceWindowLambdaParameters
    )
    assert task.payload == b"abc"


def test_every_model_is_a_shape_the_round_trips_cover() -> None:
    # The round trips above are parametrized by the shapes the operations reach;
    # a model they did not reach would go unchecked.
    classes = {
        name
        for name in models.__all__
        if attrs.has(getattr(models, name)) and name not in ("Model",)
    }
    assert classes == set(ALL_SHAPES)


def test_a_converter_builds_a_users_own_attrs_classes_too() -> None:
    # Models without slots are built through __init__, converters and all.
    @attrs.define(slots=False, kw_only=True)
    class Mine:
        name: str = attrs.field(metadata={WIRE_NAME: "Name"})
        tags: tuple[str, ...] | None = attrs.field(
            default=None, converter=to_tuple, metadata={WIRE_NAME: "Tags"}
        )

    converter = ssmkit.make_converter()
    built = converter.structure({"Name": "n", "Tags": ["a"]}, Mine)
    assert built == Mine(name="n", tags=("a",))
    assert converter.unstructure(built) == {"Name": "n", "Tags": ["a"]}


def test_json_masks_every_model_of_a_list_and_refuses_a_placeholder() -> None:
    parameters = [
        models.Parameter(name="/a", type="SecureString", value="hunter2"),
        models.Parameter(name="/b", type="String", value="open"),
    ]
    text = ssmkit.to_json(parameters, indent=None)
    assert "hunter2" not in text
    assert "open" not in text  # a parameter's value is sensitive whatever its type
    assert '"Name": "/a"' in text
    with pytest.raises(ssmkit.errors.ValidationError) as caught:
        ssmkit.from_json(tuple[models.Parameter, ...], text)
    assert "Value was masked when written" in str(caught.value)
    shown = ssmkit.to_json(parameters, show_sensitive=True)
    assert ssmkit.from_json(tuple[models.Parameter, ...], shown) == tuple(parameters)


def test_json_carries_dates_and_blobs_as_the_aws_cli_prints_them() -> None:
    when = datetime.datetime(2026, 11, 24, 6, 30, tzinfo=datetime.timezone.utc)
    params = models.MaintenanceWindowLambdaParameters(payload=b"\x00\xff")
    task = models.GetMaintenanceWindowTaskResult(
        window_id="mw-0123456789abcdef0",
        task_invocation_parameters=models.MaintenanceWindowTaskInvocationParameters(
            lambda_=params
        ),
    )
    text = ssmkit.to_json(task, show_sensitive=True, indent=None)
    assert '"Payload": "AP8="' in text
    assert ssmkit.from_json(models.GetMaintenanceWindowTaskResult, text) == task
    execution = models.AssociationExecution(created_time=when)
    assert '"2026-11-24T06:30:00+00:00"' in ssmkit.to_json(execution)
    assert (
        ssmkit.from_json(models.AssociationExecution, ssmkit.to_json(execution))
        == execution
    )
    with pytest.raises(ssmkit.errors.ValidationError, match="not JSON"):
        ssmkit.from_json(models.AssociationExecution, "{nope")
