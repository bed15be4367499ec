"""An answer's lists, maps and structures are converted when first read.

Every answer here goes through botocore's real parser (tests/wire.py); the
models built that way are compared with the ones ``from_boto`` builds at once.
"""

from __future__ import annotations

import pickle
import threading
from typing import Any

import attrs
import botocore
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ssmkit
from ssmkit import errors, from_boto, models, to_boto
from ssmkit._convert import from_answer
from ssmkit.models import AssociationDescription, AssociationOverview, Target
from ssmkit.models._base import ReadOnFirstUse

from .service_model import SERVICE, reached_structures, result_shapes
from .strategies import shape_dicts
from .wire import Wire, wired_client

SHAPES = {**reached_structures(), **result_shapes()}


def _read_on_first_use(cls: type[Any]) -> set[str]:
    return {n for n, v in vars(cls).items() if isinstance(v, ReadOnFirstUse)}


#: The models answers are converted to at the top, found from the service
#: model as a user meets them: what each method returns, or yields.
def _answered() -> set[str]:
    found = set()
    client = ssmkit.Client
    for name in SERVICE.operation_names:
        method = getattr(client, botocore.xform_name(name))
        returns = method.__annotations__.get("return", "")
        returns = returns.removeprefix("Iterator[").removesuffix("]")
        if returns.isidentifier() and returns in SHAPES:
            found.add(returns)
    return found


ANSWERED = sorted(_answered())


@pytest.fixture
def wired() -> tuple[ssmkit.Client, Wire]:
    boto3_client, wire = wired_client()
    return ssmkit.Client(boto3_client=boto3_client), wire


def test_every_answers_lists_maps_and_structures_are_read_on_first_use() -> None:
    assert len(ANSWERED) > 60
    for name in ANSWERED:
        shape = SHAPES[name]
        containers = {
            attrs_name
            for member, attrs_name in _attribute_names(name).items()
            if shape.members[member].type_name in ("list", "map", "structure")
        }
        assert _read_on_first_use(getattr(models, name)) == containers, name
    # A model never answered at the top is built at once, read as a plain slot.
    assert not _read_on_first_use(Target)


def _attribute_names(name: str) -> dict[str, str]:
    cls = getattr(models, name)
    return {
        f.metadata[models.WIRE_NAME]: f.name
        for f in attrs.fields(cls)
        if models.WIRE_NAME in f.metadata
    }


@pytest.mark.parametrize("shape_name", ANSWERED)
@given(data=st.data())
def test_an_answer_read_later_is_the_model_from_boto_builds(
    shape_name: str, data: st.DataObject
) -> None:
    boto_dict = data.draw(shape_dicts(shape_name))
    cls = getattr(models, shape_name)
    built = from_boto(cls, boto_dict)

    def answer() -> Any:
        # Each use below reads a model nothing has read yet.
        return from_answer(cls, boto_dict)

    assert answer() == built
    assert built == answer()
    assert hash(answer()) == hash(built)
    assert pickle.loads(pickle.dumps(answer())) == built
    assert attrs.evolve(answer()) == built
    assert repr(answer()) == repr(built)
    assert to_boto(answer()) == boto_dict
    read = answer()
    for field in attrs.fields(cls):
        value = getattr(read, field.name)
        assert value == getattr(built, field.name)
        # Built once, kept: the second read is the same object.
        assert getattr(read, field.name) is value
        assert not isinstance(value, (list, dict))


DESCRIPTION = {
    "Name": "AWS-RunShellScript",
    "AssociationId": "a1",
    "AssociationVersion": "3",
    "Targets": [{"Key": "tag:Env", "Values": ["prod"]}],
    "Overview": {"Status": "Success", "AssociationStatusAggregatedCount": {"Ok": 2}},
    "Parameters": {"commands": ["echo hi"]},
}


def test_a_described_association_reads_as_built(
    wired: tuple[ssmkit.Client, Wire],
) -> None:
    client, wire = wired
    wire.answer({"AssociationDescription": DESCRIPTION})
    found = client.describe_association(association_id="a1")
    assert found.targets == (Target(key="tag:Env", values=("prod",)),)
    assert found.overview == AssociationOverview(
        status="Success", association_status_aggregated_count={"Ok": 2}
    )
    assert found.parameters == {"commands": ("echo hi",)}
    assert isinstance(found.parameters["commands"], tuple)
    assert found == from_boto(AssociationDescription, DESCRIPTION)


def test_a_value_that_does_not_fit_is_refused_when_read_naming_it(
    wired: tuple[ssmkit.Client, Wire],
) -> None:
    client, wire = wired
    # botocore's parser passes a JSON number through where a string belongs.
    bad = {**DESCRIPTION, "Targets": [{"Key": 5, "Values": ["prod"]}]}
    wire.answer({"AssociationDescription": bad})
    found = client.describe_association(association_id="a1")
    assert found.name == "AWS-RunShellScript"
    assert found.overview is not None
    for _ in range(2):  # refused on every read, never half built
        with pytest.raises(errors.UnexpectedResponseError) as caught:
            _ = found.targets
        assert str(caught.value) == (
            "the service's answer does not fit AssociationDescription: "
            "AssociationDescription.Targets[0].Key: expected str, got int"
        )
    with pytest.raises(errors.UnexpectedResponseError):
        _ = found == from_boto(AssociationDescription, DESCRIPTION)


def test_a_top_level_value_that_does_not_fit_is_refused_at_once(
    wired: tuple[ssmkit.Client, Wire],
) -> None:
    client, wire = wired
    wire.answer({"AssociationDescription": {**DESCRIPTION, "AssociationVersion": 3}})
    with pytest.raises(errors.UnexpectedResponseError) as caught:
        client.describe_association(association_id="a1")
    message = str(caught.value)
    assert "AssociationDescription.AssociationVersion: expected str, got int" in message


def test_a_list_member_of_another_kind_is_refused_at_once() -> None:
    # Not from botocore, whose parser gives lists for lists; but a model is
    # never built around a string where a list belongs.
    with pytest.raises(
        errors.UnexpectedResponseError, match="expected a list, got str"
    ):
        from_answer(AssociationDescription, {"Targets": "i-0abc"})


def test_a_structure_given_as_a_dict_is_refused_at_construction() -> None:
    with pytest.raises(
        TypeError, match=r"AssociationDescription.overview: expected a model, got dict"
    ):
        AssociationDescription(overview={"Status": "Success"})  # type: ignore[arg-type]
    # So is it in a model that no answer is converted to at the top.
    with pytest.raises(
        TypeError,
        match=r"TargetLocation.target_location_alarm_configuration: expected a model",
    ):
        models.TargetLocation(target_location_alarm_configuration={"Alarms": []})  # type: ignore[arg-type]
    # Lists and maps are frozen by their converters, as before.
    made = AssociationDescription(targets=[Target(key="k", values=["v"])])
    assert made.targets == (Target(key="k", values=("v",)),)


def test_reads_from_many_threads_agree(wired: tuple[ssmkit.Client, Wire]) -> None:
    client, wire = wired
    wire.answer({"AssociationDescription": DESCRIPTION})
    found = client.describe_association(association_id="a1")
    seen: list[Any] = []
    start = threading.Barrier(8)

    def read() -> None:
        start.wait()
        seen.append((found.targets, found.overview, found.parameters))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = from_boto(AssociationDescription, DESCRIPTION)
    assert seen == [(expected.targets, expected.overview, expected.parameters)] * 8


def test_walked_items_read_as_built(wired: tuple[ssmkit.Client, Wire]) -> None:
    client, wire = wired
    item = {
        "Name": "AWS-RunShellScript",
        "AssociationId": "a1",
        "Targets": [{"Key": "InstanceIds", "Values": ["i-1", "i-2"]}],
        "Overview": {"Status": "Pending"},
    }
    wire.answer({"Associations": [item], "NextToken": "t"})
    wire.answer({"Associations": [item]})
    found = list(client.list_associations())
    assert found == [from_boto(models.Association, item)] * 2
    assert [a.targets[0].values for a in found] == [("i-1", "i-2")] * 2
