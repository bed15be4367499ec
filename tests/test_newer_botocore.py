"""A botocore newer than ssmkit's generation: nothing lost, leaked or broken.

The newer botocore is the generation's model with members added at every
depth, loaded the way botocore loads any model: from ``AWS_DATA_PATH``. Every
request and answer goes through botocore's real serializer and parser
(tests/wire.py, or botocore's Stubber).
"""

from __future__ import annotations

import copy
import datetime
import gzip
import json
import pickle
import re
from pathlib import Path
from typing import Any

import attrs
import boto3
import botocore.session
import pytest
from botocore.stub import Stubber

import ssmkit
from ssmkit import errors, from_boto, from_json, models, to_boto, to_json
from ssmkit.models import AssociationDescription, OpsItem, Target

from .service_model import GENERATED_FROM
from .wire import Wire

ROOT = Path(__file__).resolve().parent.parent
WHEN = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.timezone.utc)


def generation_model() -> dict[str, Any]:
    (found,) = GENERATED_FROM.glob("ssm/*/service-2.json.gz")
    return json.loads(gzip.decompress(found.read_bytes()))  # type: ignore[no-any-return]


def newer_model() -> dict[str, Any]:
    """The generation's model with members added at every depth."""
    model = copy.deepcopy(generation_model())
    shapes = model["shapes"]
    shapes["FutureSetting"] = {"type": "string"}
    shapes["FutureSecret"] = {"type": "string", "sensitive": True}
    shapes["FutureWhen"] = {"type": "timestamp"}
    shapes["FutureBlob"] = {"type": "blob"}
    shapes["FutureLimits"] = {
        "type": "structure",
        "members": {
            "Size": {"shape": "FutureSetting"},
            "Token": {"shape": "FutureSecret"},
        },
    }
    shapes["FutureEvent"] = {
        "type": "structure",
        "members": {
            "When": {"shape": "FutureWhen"},
            "Data": {"shape": "FutureBlob"},
            "Secret": {"shape": "FutureSecret"},
            "Marks": {"shape": "FutureMarks"},
        },
    }
    shapes["FutureMarks"] = {
        "type": "map",
        "key": {"shape": "FutureSetting"},
        "value": {"shape": "FutureWhen"},
    }
    # Sensitive as a whole: every member within it is secret, whatever its shape.
    shapes["FutureSealed"] = {
        "type": "structure",
        "sensitive": True,
        "members": {
            "Size": {"shape": "FutureSetting"},
            "Limits": {"shape": "FutureLimits"},
        },
    }
    shapes["FutureHistory"] = {"type": "list", "member": {"shape": "FutureEvent"}}
    shapes["FutureVault"] = {
        "type": "map",
        "key": {"shape": "FutureSetting"},
        "value": {"shape": "FutureSecret"},
    }
    added = {
        # The top of an answer, a list's items, a nested structure, a map's values.
        "AssociationDescription": [
            "FutureSetting",
            "FutureWhen",
            "FutureLimits",
            "FutureHistory",
            "FutureVault",
        ],
        "Target": ["FutureSetting", "FutureSecret", "FutureSealed"],
        "AssociationOverview": ["FutureSetting", "FutureBlob"],
        "OpsItemDataValue": ["FutureSetting", "FutureSecret"],
        # And requests.
        "DescribeAssociationRequest": ["FutureSetting", "FutureSecret"],
        "ListAssociationsRequest": ["FutureSetting"],
    }
    for shape, members in added.items():
        for member in members:
            shapes[shape]["members"][member] = {"shape": member}
    return model


@pytest.fixture
def newer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Install the newer model where botocore looks first; its data path."""
    model = newer_model()
    folder = tmp_path / "ssm" / model["metadata"]["apiVersion"]
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps(model))
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
    return tmp_path


def wired(attempts: int = 1) -> tuple[ssmkit.Client, Wire]:
    """An ssmkit client over a boto3 client of the botocore session as set up now."""
    boto = boto3.session.Session(
        botocore_session=botocore.session.get_session()
    ).client(
        "ssm",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return ssmkit.Client(boto3_client=boto), Wire(boto)


DESCRIPTION = {
    "AssociationId": "8dfe3659-4309-493a-8755-0123456789ab",
    "Name": "AWS-RunShellScript",
    "AssociationVersion": "3",
    "Parameters": {"commands": ["echo SECRET-PARAMETER"]},
    "Targets": [
        {
            "Key": "tag:Env",
            "Values": ["prod"],
            "FutureSetting": "in-a-list",
            "FutureSecret": "SECRET-IN-A-LIST",
        }
    ],
    "Overview": {
        "Status": "Success",
        "FutureSetting": "nested",
        "FutureBlob": "YmxvYg==",  # b"blob" on the wire
    },
    "FutureSetting": "at-the-top",
    "FutureWhen": WHEN.timestamp(),
    "FutureLimits": {"Size": "big", "Token": "SECRET-IN-A-STRUCTURE"},
}

#: The answer as botocore parses it: dates and blobs typed.
PARSED = {
    **DESCRIPTION,
    "Overview": {**DESCRIPTION["Overview"], "FutureBlob": b"blob"},
    "FutureWhen": WHEN,
}


def described(newer: Path) -> AssociationDescription:
    client, wire = wired()
    wire.answer({"AssociationDescription": DESCRIPTION})
    return client.describe_association(association_id=DESCRIPTION["AssociationId"])


# -- models keep what they do not know -------------------------------------------


def test_an_answer_keeps_members_newer_than_the_models_at_every_depth(
    newer: Path,
) -> None:
    found = described(newer)
    assert found.unknown_members == {
        "FutureSetting": "at-the-top",
        "FutureWhen": WHEN,
        "FutureLimits": {"Size": "big", "Token": "SECRET-IN-A-STRUCTURE"},
    }
    assert found.targets is not None
    assert found.targets[0].unknown_members == {
        "FutureSetting": "in-a-list",
        "FutureSecret": "SECRET-IN-A-LIST",
    }
    assert found.overview is not None
    assert found.overview.unknown_members == {
        "FutureSetting": "nested",
        "FutureBlob": b"blob",
    }
    assert to_boto(found) == PARSED


def test_every_round_trip_keeps_them_whole(newer: Path) -> None:
    def fresh() -> AssociationDescription:
        # An answer nothing has read yet: its members are converted on first read.
        return described(newer)

    built = from_boto(AssociationDescription, PARSED)
    assert to_boto(built) == PARSED
    assert fresh() == built
    assert hash(fresh()) == hash(built)
    assert pickle.loads(pickle.dumps(fresh())) == built
    assert to_boto(pickle.loads(pickle.dumps(fresh()))) == PARSED
    assert attrs.evolve(fresh()) == built
    assert to_boto(attrs.evolve(fresh(), max_errors="1")) == {
        **PARSED,
        "MaxErrors": "1",
    }
    text = to_json(fresh(), show_sensitive=True)
    assert from_json(AssociationDescription, text) == built
    assert to_boto(from_json(AssociationDescription, text)) == PARSED


@pytest.mark.parametrize(
    "path",
    [
        ("FutureSetting",),
        ("Targets", 0, "FutureSetting"),
        ("Overview", "FutureSetting"),
        ("FutureLimits", "Size"),
    ],
)
def test_answers_that_differ_only_in_an_unknown_member_are_not_equal(
    newer: Path, path: tuple[Any, ...]
) -> None:
    other = copy.deepcopy(PARSED)
    place = other
    for step in path[:-1]:
        place = place[step]
    place[path[-1]] = "something else"
    one, two = (
        from_boto(AssociationDescription, PARSED),
        from_boto(AssociationDescription, other),
    )
    assert one != two
    assert hash(one) != hash(two)
    assert to_boto(two) == other


def test_a_map_of_structures_keeps_them_in_each_value(newer: Path) -> None:
    client, wire = wired()
    item = {
        "OpsItemId": "oi-0123456789ab",
        "OperationalData": {
            "runbook": {"Value": "x", "Type": "SearchableString", "FutureSetting": "m"},
        },
    }
    wire.answer({"OpsItem": item})
    found = client.get_ops_item(ops_item_id="oi-0123456789ab")
    assert found.operational_data is not None
    assert found.operational_data["runbook"].unknown_members == {"FutureSetting": "m"}
    assert to_boto(found) == item
    assert found == from_boto(OpsItem, item)


def test_sensitive_unknown_members_are_masked_at_every_depth(newer: Path) -> None:
    found = described(newer)
    for shown in (repr(found), to_json(found), str(found)):
        assert "SECRET" not in shown
    assert "unknown_members={'FutureSetting': 'at-the-top'" in repr(found)
    assert "'FutureSecret': <sensitive>" in repr(found)
    assert "'Token': <sensitive>" in repr(found)
    written = json.loads(to_json(found))
    assert written["Targets"][0]["FutureSecret"] == "<sensitive>"
    assert written["Targets"][0]["FutureSetting"] == "in-a-list"
    assert written["FutureLimits"] == {"Size": "big", "Token": "<sensitive>"}
    assert written["FutureWhen"] == WHEN.isoformat()
    shown = json.loads(to_json(found, show_sensitive=True))
    assert shown["Targets"][0]["FutureSecret"] == "SECRET-IN-A-LIST"


def test_a_masked_unknown_member_is_refused_on_the_way_back(newer: Path) -> None:
    found = described(newer)
    written = to_json(attrs.evolve(found, parameters=None, targets=None))
    with pytest.raises(errors.ValidationError) as caught:
        from_json(AssociationDescription, written)
    assert "FutureLimits was masked when written" in str(caught.value)
    with pytest.raises(errors.ValidationError) as caught:
        from_json(AssociationDescription, to_json(found))
    assert {"Parameters", "FutureSecret", "FutureLimits"} <= set(
        re.findall(r"\w+", str(caught.value))
    )
    # Anywhere in an unknown member, even one the installed model calls plain.
    with pytest.raises(errors.ValidationError, match="FutureSetting was masked"):
        from_json(
            Target, '{"Key": "k", "Values": [], "FutureSetting": ["<sensitive>"]}'
        )


def test_a_member_no_model_knows_is_kept_and_masked_when_shown() -> None:
    # Neither ssmkit's models nor the installed botocore know it: it cannot be
    # judged, so it is shown as a name only.
    target = from_boto(Target, {"Key": "k", "Values": ["v"], "Mystery": "what is it"})
    assert target.unknown_members == {"Mystery": "what is it"}
    assert repr(target) == (
        "Target(key='k', values=('v',), unknown_members={'Mystery': <sensitive>})"
    )
    assert json.loads(to_json(target))["Mystery"] == "<sensitive>"
    assert from_json(Target, to_json(target, show_sensitive=True)) == target


def test_unknown_members_given_by_hand() -> None:
    made = Target(
        key="k", values=["v"], unknown_members={"New": [{"A": 1}], "No": None}
    )
    assert made.unknown_members == {"New": ({"A": 1},)}
    assert to_boto(made) == {"Key": "k", "Values": ["v"], "New": [{"A": 1}]}
    assert hash(made) == hash(from_boto(Target, to_boto(made)))
    # Empty is the same as none at all.
    assert Target(key="k", values=["v"], unknown_members={}) == Target(
        key="k", values=["v"]
    )
    assert Target(key="k", values=["v"], unknown_members={}).unknown_members is None
    with pytest.raises(ValueError, match=r"Target.unknown_members: Key is a member"):
        Target(key="k", values=["v"], unknown_members={"Key": "other"})
    with pytest.raises(TypeError, match="must be a string"):
        Target(key="k", values=["v"], unknown_members={1: "x"})  # type: ignore[dict-item]
    with pytest.raises(errors.ValidationError, match="must be a string"):
        from_boto(Target, {"Key": "k", "Values": ["v"], 1: "x"})


# -- methods send what they do not know ------------------------------------------


def test_extra_params_reach_the_wire_through_botocore(newer: Path) -> None:
    boto = botocore.session.get_session().create_client(
        "ssm",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client = ssmkit.Client(boto3_client=boto)
    with Stubber(boto) as stub:
        stub.add_response(
            "describe_association",
            {"AssociationDescription": {"AssociationId": "a1"}},
            expected_params={"AssociationId": "a1", "FutureSetting": "on"},
        )
        client.describe_association(
            association_id="a1", extra_params={"FutureSetting": "on"}
        )
        stub.add_response(
            "list_associations",
            {"Associations": [{"AssociationId": "a1"}]},
            expected_params={"FutureSetting": "on", "MaxResults": 5},
        )
        assert [
            a.association_id
            for a in client.list_associations(
                max_results=5, extra_params={"FutureSetting": "on"}
            )
        ] == ["a1"]
        stub.assert_no_pending_responses()


def test_extra_params_are_serialized_as_botocore_serializes_them(newer: Path) -> None:
    client, wire = wired()
    wire.answer({"AssociationDescription": {"AssociationId": "a1"}})
    client.describe_association(
        association_id="a1", extra_params={"FutureSetting": "on"}
    )
    assert wire.requests == [
        ("DescribeAssociation", {"AssociationId": "a1", "FutureSetting": "on"})
    ]


def test_extra_params_are_validated_by_botocore(newer: Path) -> None:
    client, wire = wired()
    with pytest.raises(errors.ValidationError, match="Unknown parameter in input"):
        client.describe_association(association_id="a1", extra_params={"NoSuch": "x"})
    with pytest.raises(
        errors.ValidationError, match="Invalid type for parameter FutureSetting"
    ):
        client.describe_association(
            association_id="a1", extra_params={"FutureSetting": 5}
        )
    assert wire.requests == []


@pytest.mark.parametrize(
    ("call", "extra", "named"),
    [
        ("describe_association", {"AssociationId": "a2"}, "association_id"),
        # Taken even when the argument is not given.
        ("describe_association", {"AssociationVersion": "2"}, "association_version"),
        ("list_associations", {"MaxResults": 5}, "max_results"),
    ],
)
def test_extra_params_that_have_an_argument_are_refused_before_any_call(
    call: str, extra: dict[str, Any], named: str
) -> None:
    client, wire = wired()
    arguments = {"association_id": "a1"} if call == "describe_association" else {}
    with pytest.raises(
        errors.ValidationError
    ) as caught:  # at the call, not when walked
        getattr(client, call)(**arguments, extra_params=extra)
    assert f"({named}=)" in str(caught.value)
    assert caught.value.member == "extra_params"
    assert wire.requests == []


def test_extra_params_must_be_a_mapping_of_names() -> None:
    client, wire = wired()
    with pytest.raises(errors.ValidationError, match="must be a mapping"):
        client.describe_association(association_id="a1", extra_params=[("A", 1)])  # type: ignore[arg-type]
    with pytest.raises(errors.ValidationError, match="names are strings"):
        client.describe_association(association_id="a1", extra_params={1: "x"})  # type: ignore[dict-item]
    assert wire.requests == []


def test_whole_results_hold_no_response_metadata() -> None:
    client, wire = wired()
    wire.answer({"Successful": [], "Failed": []})
    entries = [models.CreateAssociationBatchRequestEntry(name="AWS-RunShellScript")]
    result = client.create_association_batch(entries=entries)
    assert result.unknown_members is None
    assert to_boto(result) == {"Successful": [], "Failed": []}


# -- paths are named from the top -------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "data", "where"),
    [
        (
            AssociationDescription,
            {"Targets": [{"Key": "k", "Values": ["v"]}, {"Key": 5, "Values": []}]},
            "AssociationDescription.Targets[1].Key: expected str, got int",
        ),
        (
            AssociationDescription,
            {"Parameters": {"commands": ["a", 7]}},
            "AssociationDescription.Parameters.commands[1]: expected str, got int",
        ),
        (
            AssociationDescription,
            {"AlarmConfiguration": {"Alarms": [{}]}},
            "AssociationDescription.AlarmConfiguration.Alarms[0].Name: "
            "a required member is missing",
        ),
        (
            OpsItem,
            {"OperationalData": {"runbook": {"Type": "Bad"}, "other": "x"}},
            "OpsItem.OperationalData.other: expected a mapping, got str",
        ),
        (
            AssociationDescription,
            {"Date": [1]},
            "AssociationDescription.Date: expected a datetime, got list",
        ),
    ],
)
def test_from_boto_names_the_whole_path_from_the_top(
    cls: type[Any], data: dict[str, Any], where: str
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        from_boto(cls, data)
    assert (
        str(caught.value) == f"cannot build {cls.__name__} from the data given: {where}"
    )
    # The same path from JSON, and on first read of an answer's member.
    with pytest.raises(errors.ValidationError) as caught:
        from_json(cls, json.dumps(data, default=str))
    assert where.split(":")[0] in str(caught.value)


def test_models_module_names_the_class_it_lacks() -> None:
    with pytest.raises(AttributeError, match="'NoSuchShape'"):
        _ = models.NoSuchShape


# -- what an attacker or a careless caller gives ---------------------------------


def test_within_an_unknown_member_what_botocore_cannot_place_is_masked(
    newer: Path,
) -> None:
    found = from_boto(
        AssociationDescription,
        {"FutureLimits": {"Size": "s", "Token": "t", "NewerToken": "SECRET-1"}},
    )
    assert "SECRET-1" not in repr(found)
    assert "SECRET-1" not in to_json(found)
    assert json.loads(to_json(found))["FutureLimits"] == {
        "Size": "s",
        "Token": "<sensitive>",
        "NewerToken": "<sensitive>",
    }
    # A member of a shape botocore marks sensitive is sensitive, printed alone.
    value = from_boto(
        models.MaintenanceWindowTaskParameterValueExpression,
        {"Values": ["v"], "FutureSetting": "SECRET-2"},
    )
    assert "SECRET-2" not in repr(value)
    assert "SECRET-2" not in to_json(value)


def test_a_refused_unknown_date_is_not_quoted(newer: Path) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        from_json(AssociationDescription, '{"FutureWhen": "hunter2-not-a-date"}')
    assert "hunter2" not in str(caught.value)
    assert "AssociationDescription.FutureWhen: expected a date in ISO 8601" in str(
        caught.value
    )
    with pytest.raises(errors.ValidationError) as caught:
        from_boto(AssociationDescription, {"Date": "hunter2-not-a-date"})
    assert "hunter2" not in str(caught.value)
    # A date the AWS CLI writes as seconds is a date too.
    read = from_json(
        AssociationDescription, json.dumps({"FutureWhen": WHEN.timestamp()})
    )
    assert read.unknown_members == {"FutureWhen": WHEN}


@pytest.mark.parametrize(
    "secret",
    ["pw, type hunter2", "pw\nfor parameter X, value: hunter2", ["hunter2"]],
)
def test_a_refused_sensitive_extra_param_is_never_quoted(
    newer: Path, secret: Any
) -> None:
    client, wire = wired()
    given = {"FutureSecret": secret if not isinstance(secret, str) else [secret]}
    with pytest.raises(errors.ValidationError) as caught:
        client.describe_association(association_id="a1", extra_params=given)
    assert "hunter2" not in str(caught.value)
    assert str(caught.value) == (
        "Invalid type for parameter FutureSecret, value: <sensitive>, "
        "type: <class 'list'>, valid types: <class 'str'>"
    )
    # Not in the chain either, where a logged traceback would print it.
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    assert wire.requests == []


def test_the_placeholder_is_never_sent_through_extra_params(newer: Path) -> None:
    client, wire = wired()
    for given in ("<sensitive>", "x <sensitive> y"):
        with pytest.raises(errors.ValidationError, match="placeholder <sensitive>"):
            client.describe_association(
                association_id="a1", extra_params={"FutureSecret": given}
            )
    assert wire.requests == []
    # Where nothing is sensitive, it is text like any other.
    wire.answer({"AssociationDescription": {"AssociationId": "a1"}})
    client.describe_association(
        association_id="a1", extra_params={"FutureSetting": "<sensitive>"}
    )
    assert wire.requests[-1][1]["FutureSetting"] == "<sensitive>"


@pytest.mark.parametrize(
    "given",
    [
        {"NextToken": "mine"},
        {"PaginationConfig": {"PageSize": 50, "StartingToken": "T"}},
    ],
)
def test_extra_params_cannot_steer_the_pages(newer: Path, given: Any) -> None:
    client, wire = wired()
    with pytest.raises(errors.ValidationError, match="walks the pages itself"):
        client.list_associations(max_results=5, extra_params=given)
    assert wire.requests == []


def test_unknown_members_hold_only_what_boto3_sends() -> None:
    frozen = Target(key="k", values=[], unknown_members={"X": (bytearray(b"x"),)})
    assert frozen.unknown_members == {"X": (b"x",)}
    assert type(frozen.unknown_members["X"][0]) is bytes
    assert hash(frozen) == hash(
        Target(key="k", values=[], unknown_members={"X": [b"x"]})
    )
    built = from_boto(Target, {"Key": "k", "Values": [], "X": (bytearray(b"y"),)})
    assert hash(built)
    # Models and enum members go in as boto3 would send them.
    given = Target(
        key="k",
        values=[],
        unknown_members={
            "Inner": Target(key="i", values=["v"]),
            "Status": models.AssociationStatusName.SUCCESS,
        },
    )
    assert to_boto(given) == {
        "Key": "k",
        "Values": [],
        "Inner": {"Key": "i", "Values": ["v"]},
        "Status": "Success",
    }
    assert type(to_boto(given)["Status"]) is str
    with pytest.raises(
        TypeError, match=r"unknown_members: X\[0\]: boto3 cannot send a set"
    ):
        Target(key="k", values=[], unknown_members={"X": [{1, 2}]})


def test_the_aws_cli_envelope_is_refused_with_a_hint() -> None:
    text = json.dumps({"AssociationDescription": {"AssociationId": "a1"}})
    with pytest.raises(errors.ValidationError, match="pass what is inside it"):
        from_json(AssociationDescription, text)


def test_a_value_nested_without_end_is_refused_not_crashed() -> None:
    deep: Any = "x"
    for _ in range(5000):
        deep = {"A": [deep]}
    with pytest.raises(errors.ValidationError, match="nested too deeply"):
        from_boto(Target, {"Key": "k", "Values": [], "Deep": deep})
    text = '{"Key": "k", "Values": [], "Deep": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(errors.ValidationError, match="nested too deeply"):
        from_json(Target, text)


HISTORY = [
    {
        "When": WHEN,
        "Data": b"\x00raw",
        "Secret": "SECRET-IN-HISTORY",
        "Marks": {"first": WHEN},
    }
]


def test_dates_and_blobs_deep_in_an_unknown_member_come_back_from_json(
    newer: Path,
) -> None:
    built = from_boto(
        AssociationDescription,
        {"AssociationId": "a1", "FutureHistory": HISTORY, "FutureVault": {"k": "v"}},
    )
    text = to_json(built, show_sensitive=True)
    assert from_json(AssociationDescription, text) == built
    again = from_json(AssociationDescription, text).unknown_members
    assert again is not None
    (event,) = again["FutureHistory"]
    assert event["When"] == WHEN
    assert event["Data"] == b"\x00raw"
    assert event["Marks"]["first"] == WHEN
    assert again["FutureVault"] == {"k": "v"}


def test_what_is_sensitive_deep_in_an_unknown_member_is_masked(newer: Path) -> None:
    built = from_boto(
        AssociationDescription,
        {
            "FutureHistory": [*HISTORY, "not a structure"],
            "FutureVault": {"k": "SECRET-IN-VAULT"},
            "FutureLimits": "not a structure either",
        },
    )
    written = json.loads(to_json(built))
    assert written["FutureHistory"] == [
        {
            "When": WHEN.isoformat(),
            "Data": "AHJhdw==",
            "Secret": "<sensitive>",
            "Marks": {"first": WHEN.isoformat()},
        },
        "<sensitive>",
    ]
    assert written["FutureVault"] == {"k": "<sensitive>"}
    assert written["FutureLimits"] == "<sensitive>"
    assert "SECRET" not in repr(built)


@pytest.mark.parametrize(
    ("given", "where"),
    [
        (
            {"FutureHistory": [{"When": "not a date"}]},
            "AssociationDescription.FutureHistory[0].When: expected a date in ISO 8601",
        ),
        (
            {"FutureHistory": [{"Data": "not base64!"}]},
            "AssociationDescription.FutureHistory[0].Data: expected base64 text",
        ),
        (
            {"FutureHistory": [{"Marks": {"m": "never"}}]},
            "AssociationDescription.FutureHistory[0].Marks.m: expected a date",
        ),
    ],
)
def test_an_unknown_member_that_does_not_fit_is_refused_naming_its_path(
    newer: Path, given: dict[str, Any], where: str
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        from_json(AssociationDescription, json.dumps(given))
    assert where in str(caught.value)


def test_a_placeholder_deep_in_a_file_keeps_a_newer_secret_in_its_place(
    newer: Path,
) -> None:
    # The newer model makes a secret of each Target: in a file, the export's
    # placeholder stands for it, item by item, and is never sent.
    client, wire = wired()
    live = {
        "AssociationId": "8dfe3659-4309-493a-8755-0123456789ab",
        "AssociationName": "deep",
        "Name": "AWS-RunShellScript",
        "AssociationVersion": "3",
        "Targets": [
            {"Key": "tag:Env", "Values": ["prod"], "FutureSecret": "SECRET-ONE"},
            {"Key": "tag:Tier", "Values": ["1"], "FutureSecret": "SECRET-TWO"},
        ],
    }
    summary = {k: live[k] for k in ("AssociationId", "AssociationName", "Name")}
    entry = {
        "AssociationName": "deep",
        "Name": "AWS-RunShellScript",
        "Targets": [
            {"Key": "tag:Env", "Values": ["prod"], "FutureSecret": "<sensitive>"},
            {"Key": "tag:Tier", "Values": ["2"], "FutureSecret": "<sensitive>"},
        ],
    }
    wire.answer({"Associations": [summary]})
    wire.answer({"AssociationDescription": live})
    plan = client.plan_associations([entry])
    (update,) = plan.update
    # Each live secret kept in its place: only the tier changes.
    assert [c.render() for c in update.changes] == [
        '~ targets: [{"Key": "tag:Env", "Values": ["prod"], "FutureSecret": '
        '"<sensitive>"}, {"Key": "tag:Tier", "Values": ["1"], "FutureSecret": '
        '"<sensitive>"}] -> [{"Key": "tag:Env", "Values": ["prod"], '
        '"FutureSecret": "<sensitive>"}, {"Key": "tag:Tier", "Values": ["2"], '
        '"FutureSecret": "<sensitive>"}]'
    ]
    shown = update.changes[0].render(show_sensitive=True)
    assert shown.count("SECRET-ONE") == shown.count("SECRET-TWO") == 2
    assert "SECRET" not in plan.render() + json.dumps(plan.to_json())
    # A third target has no live secret in its place: refused, by its path.
    wire.answer({"Associations": [summary]})
    wire.answer({"AssociationDescription": live})
    entry["Targets"].append(
        {"Key": "tag:Zone", "Values": ["a"], "FutureSecret": "<sensitive>"}
    )
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations([entry])
    assert str(caught.value) == (
        "<entries>: 1 problem, nothing was written\n"
        "  deep: targets[2].future_secret: holds the placeholder <sensitive> and "
        "there is no live value to keep: write the value"
    )
    assert "SECRET" not in str(caught.value)


def test_a_placeholder_deep_in_a_new_entry_is_refused_by_its_path(
    newer: Path,
) -> None:
    client, wire = wired()
    entry = {
        "AssociationName": "fresh",
        "Name": "AWS-RunShellScript",
        "Targets": [
            {"Key": "tag:Zone", "Values": ["a"], "FutureSecret": "<sensitive>"},
            {"Key": "tag:Env", "Values": ["prod"], "FutureSecret": "SECRET-OK"},
            {"Key": "tag:Tier", "Values": ["1"], "FutureSecret": "<sensitive>"},
        ],
    }
    wire.answer({"Associations": []})  # nothing live: a create
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations([entry])
    assert str(caught.value) == (
        "<entries>: 1 problem, nothing was written\n"
        "  fresh: targets[0].future_secret, targets[2].future_secret: holds the "
        "placeholder <sensitive> "
        "(exported without --show-sensitive) and there is no live value to "
        "keep: write the value"
    )
    assert "SECRET-OK" not in str(caught.value)


def test_a_placeholder_within_a_sensitive_structure_keeps_each_live_value(
    newer: Path,
) -> None:
    # Within a structure the newer model makes a secret as a whole, each
    # member, at any depth, is secret: the placeholder stands for it.
    client, wire = wired()
    sealed = {"Size": "SECRET-SIZE", "Limits": {"Size": "SECRET-LIMIT"}}
    live = {
        "AssociationId": "8dfe3659-4309-493a-8755-0123456789ab",
        "AssociationName": "sealed",
        "Name": "AWS-RunShellScript",
        "AssociationVersion": "3",
        "Targets": [{"Key": "tag:Env", "Values": ["prod"], "FutureSealed": sealed}],
    }
    summary = {k: live[k] for k in ("AssociationId", "AssociationName", "Name")}
    placeholders = {"Size": "<sensitive>", "Limits": {"Size": "<sensitive>"}}
    entry = {
        "AssociationName": "sealed",
        "Name": "AWS-RunShellScript",
        "Targets": [
            {"Key": "tag:Env", "Values": ["prod"], "FutureSealed": placeholders}
        ],
    }
    wire.answer({"Associations": [summary]})
    wire.answer({"AssociationDescription": live})
    (unchanged,) = client.plan_associations([entry]).unchanged
    assert unchanged.changes == ()
    # Nothing live to keep: refused, each by its path, no secret quoted.
    wire.answer({"Associations": []})
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations([entry])
    assert str(caught.value) == (
        "<entries>: 1 problem, nothing was written\n"
        "  sealed: targets[0].future_sealed.size, "
        "targets[0].future_sealed.limits.size: holds the placeholder <sensitive> "
        "(exported without --show-sensitive) and there is no live value to "
        "keep: write the value"
    )


def test_a_wrong_value_within_a_sensitive_structure_is_never_shown(
    newer: Path,
) -> None:
    from ssmkit._validate import check_value

    shape = botocore.session.get_session().get_service_model("ssm").shape_for("Target")
    sealed = {"Size": 5, "Limits": {"Size": 6}}
    found: list[errors.ValidationError] = []
    check_value({"Key": "k", "FutureSealed": sealed}, shape, "x", problems=found)
    # Its members are not sensitive of themselves: the structure makes them so.
    assert [str(p) for p in found] == [
        "x.future_sealed.size: must be a string (got <sensitive>)",
        "x.future_sealed.limits.size: must be a string (got <sensitive>)",
    ]
