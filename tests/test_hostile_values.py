"""Hostile and careless values in Python calls: nothing leaked, nothing lost, no crash.

Each test drives the library as a user would, through botocore's real
serializer and parser (the local SSM, or tests/wire.py).
"""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest

import ssmkit
from ssmkit import errors, from_boto, to_boto, to_json
from ssmkit.models import (
    AssociationDescription,
    MaintenanceWindowLambdaParameters,
    MaintenanceWindowTaskInvocationParameters,
    Parameter,
)
from ssmkit.testing import StandIn

from .wire import wired_client

SECRET = "hunter2-deep-inside"


# -- JSON masks models wherever they sit ----------------------------------------


@pytest.mark.parametrize(
    "shape",
    [
        lambda a: [a],
        lambda a: (a,),
        lambda a: {"prod": a},
        lambda a: {"prod": [a, {"again": (a,)}]},
        lambda a: [[a]],
    ],
)
def test_to_json_masks_models_inside_lists_tuples_and_maps(shape: Any) -> None:
    association = AssociationDescription(
        name="x", parameters={"commands": [f"echo {SECRET}"]}
    )
    text = to_json(shape(association))
    assert SECRET not in text
    assert '"<sensitive>"' in text
    shown = to_json(shape(association), show_sensitive=True)
    assert SECRET in shown


# -- refusals quote no secret -----------------------------------------------------


def test_a_structure_given_as_a_list_is_refused_without_quoting_its_secrets(
    stand_in: StandIn, boto: Any, window: str
) -> None:
    client = ssmkit.Client(boto3_client=boto)
    task_id = boto.register_task_with_maintenance_window(
        WindowId=window,
        TaskArn="AWS-RestartEC2Instance",
        TaskType="AUTOMATION",
        Priority=1,
    )["WindowTaskId"]
    stand_in.requests.clear()
    hostile = [{"Lambda": {"Payload": SECRET}}]
    with pytest.raises(errors.ValidationError) as caught:
        client.update_maintenance_window_task(
            window, task_id, paths={"task_invocation_parameters": hostile}
        )
    assert str(caught.value) == (
        "task_invocation_parameters: must be a structure (got <sensitive>)"
    )
    assert stand_in.operations == []  # refused before any call


# -- errors pickle as they were ---------------------------------------------------


def test_a_service_error_round_trips_through_pickle_unchanged() -> None:
    boto, wire = wired_client()
    wire.fail("AssociationDoesNotExist", "no such association")
    client = ssmkit.Client(boto3_client=boto)
    with pytest.raises(errors.AssociationDoesNotExist) as caught:
        client.describe_association(association_id="a1")
    error = caught.value
    for _ in range(3):
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error)
        assert (
            str(again)
            == str(error)
            == ("DescribeAssociation: AssociationDoesNotExist: no such association")
        )
        assert again.args == error.args
        assert (again.code, again.message, again.operation, again.request_id) == (
            "AssociationDoesNotExist",
            "no such association",
            "DescribeAssociation",
            "request-1",
        )
        error = again
    unknown = errors.ServiceError("m", code="SomethingNew", operation="Op")
    assert str(pickle.loads(pickle.dumps(unknown))) == "Op: SomethingNew: m"


# -- answers that do not fit ------------------------------------------------------


def test_a_member_that_does_not_fit_is_refused_where_read_and_the_model_prints() -> (
    None
):
    boto, wire = wired_client()
    client = ssmkit.Client(boto3_client=boto)
    wire.answer(
        {
            "AssociationDescription": {
                "Name": "x",
                "Parameters": {"commands": [SECRET]},
                "Targets": [{"Key": 5, "Values": []}],
            }
        }
    )
    found = client.describe_association(association_id="a1")
    assert repr(found) == (
        "AssociationDescription(name='x', parameters={'commands': <sensitive>}, "
        "targets=<does not fit>)"
    )
    assert found.name == "x"
    with pytest.raises(errors.UnexpectedResponseError, match=r"Targets\[0\].Key"):
        _ = found.targets
    # Whatever reads every member reads it too, and is refused the same way.
    for reads_all in (hash, to_boto, pickle.dumps, lambda m: m == m):
        with pytest.raises(errors.UnexpectedResponseError):
            reads_all(found)


def test_a_structure_that_arrives_as_a_string_is_an_unexpected_response() -> None:
    boto, wire = wired_client()
    client = ssmkit.Client(boto3_client=boto)
    wire.answer({"AssociationDescription": {"Name": "x", "Status": SECRET}})
    with pytest.raises(errors.UnexpectedResponseError) as caught:
        client.describe_association(association_id="a1")
    assert str(caught.value) == (
        "DescribeAssociation: the service's answer does not fit botocore's model "
        "of it, and could not be read (AttributeError)"
    )
    assert isinstance(caught.value.__cause__, AttributeError)
    # In pages too.
    wire.answer({"Associations": [{"Name": "x", "Overview": "not a structure"}]})
    with pytest.raises(errors.UnexpectedResponseError, match="ListAssociations"):
        list(client.list_associations())


def test_errors_raised_outside_the_parser_are_not_renamed() -> None:
    boto, _ = wired_client()
    client = ssmkit.Client(boto3_client=boto)

    def broken_handler(**_: Any) -> None:
        raise KeyError("a user's own handler")

    boto.meta.events.register("before-call.ssm.DescribeAssociation", broken_handler)
    with pytest.raises(KeyError, match="a user's own handler"):
        client.describe_association(association_id="a1")


# -- blobs are frozen -------------------------------------------------------------


def test_a_bytearray_blob_is_frozen_to_bytes() -> None:
    given = MaintenanceWindowLambdaParameters(payload=bytearray(b"{}"))
    assert type(given.payload) is bytes
    assert hash(given) == hash(MaintenanceWindowLambdaParameters(payload=b"{}"))
    nested = MaintenanceWindowTaskInvocationParameters(lambda_=given)
    assert hash(nested) == hash(
        from_boto(MaintenanceWindowTaskInvocationParameters, to_boto(nested))
    )
    built = from_boto(MaintenanceWindowLambdaParameters, {"Payload": bytearray(b"x")})
    assert type(built.payload) is bytes
    kept = from_boto(Parameter, {"Name": "n", "Blob": bytearray(b"x")})
    assert kept.unknown_members == {"Blob": b"x"}
    assert hash(kept)
    with pytest.raises(TypeError, match="expected bytes, got int"):
        MaintenanceWindowLambdaParameters(payload=5)  # type: ignore[arg-type]
    assert json.loads(to_json(given, show_sensitive=True)) == {"Payload": "e30="}


# -- the placeholder is never sent --------------------------------------------------


def test_the_placeholder_is_refused_by_safe_updates_and_creates(
    stand_in: StandIn, boto: Any
) -> None:
    client = ssmkit.Client(boto3_client=boto)
    made = client.create_association(
        name="AWS-RunShellScript", parameters={"commands": [f"echo {SECRET}"]}
    ).association_id
    assert made is not None
    stand_in.requests.clear()
    for call in (
        lambda: client.update_association(
            made, parameters={"commands": ["<sensitive>"]}
        ),
        lambda: client.update_association(
            made, paths={"parameters.commands": ["x <sensitive>"]}
        ),
        lambda: client.create_association(
            name="AWS-RunShellScript", parameters={"commands": ["<sensitive>"]}
        ),
    ):
        with pytest.raises(errors.ValidationError, match="placeholder <sensitive>"):
            call()
    assert stand_in.operations == []
    described = boto.describe_association(AssociationId=made)["AssociationDescription"]
    assert described["Parameters"] == {"commands": [f"echo {SECRET}"]}


def test_modify_is_held_to_what_changes_are_held_to(
    stand_in: StandIn, boto: Any, window: str
) -> None:
    import attrs

    client = ssmkit.Client(boto3_client=boto)
    made = client.create_association(
        name="AWS-RunShellScript", parameters={"commands": [f"echo {SECRET}"]}
    ).association_id
    assert made is not None
    stand_in.requests.clear()
    with pytest.raises(errors.ValidationError, match="placeholder <sensitive>"):
        client.update_association(
            made,
            modify=lambda d: attrs.evolve(d, parameters={"commands": ("<sensitive>",)}),
        )
    with pytest.raises(errors.ValidationError, match="is not a schedule"):
        client.update_association(
            made,
            modify=lambda d: attrs.evolve(d, schedule_expression="cron(61 99 bad)"),
        )
    assert "UpdateAssociation" not in stand_in.operations
    # A blob read back from masked JSON is the placeholder's bytes: refused too.
    task = boto.register_task_with_maintenance_window(
        WindowId=window,
        TaskArn="arn:aws:lambda:us-east-1:111122223333:function:f",
        TaskType="LAMBDA",
        Priority=1,
        TaskInvocationParameters={"Lambda": {"Payload": b'{"k": "secret"}'}},
    )["WindowTaskId"]
    tip = from_boto(
        MaintenanceWindowTaskInvocationParameters,
        {"Lambda": {"Payload": "<sensitive>"}},
    )
    with pytest.raises(errors.ValidationError, match="placeholder <sensitive>"):
        client.update_maintenance_window_task(
            window, task, task_invocation_parameters=tip
        )
    with pytest.raises(errors.ValidationError, match="placeholder <sensitive>"):
        client.register_task_with_maintenance_window(
            window_id=window,
            task_arn="arn:aws:lambda:us-east-1:111122223333:function:f",
            task_type="LAMBDA",
            task_invocation_parameters=tip,
        )
    stored = boto.get_maintenance_window_task(WindowId=window, WindowTaskId=task)
    assert stored["TaskInvocationParameters"]["Lambda"]["Payload"] == b'{"k": "secret"}'


def test_a_batch_of_entries_is_checked_for_schedules(
    stand_in: StandIn, boto: Any
) -> None:
    from ssmkit.models import CreateAssociationBatchRequestEntry as Entry

    client = ssmkit.Client(boto3_client=boto)
    stand_in.requests.clear()
    for entry in (
        Entry(name="AWS-RunShellScript", schedule_expression="cron(99 * * * ? *)"),
        Entry(
            name="AWS-RunShellScript",
            schedule_expression="rate(1 day)",
            schedule_offset=2,
        ),
    ):
        with pytest.raises(errors.ValidationError):
            client.create_association_batch(entries=[entry])
    assert stand_in.operations == []


# -- a member the shape does not have ----------------------------------------------


def test_a_stray_key_in_a_sensitive_value_is_refused_without_being_shown() -> None:
    boto, wire = wired_client()
    parameters = {"commands": {"Values": ["uptime"], SECRET: "x"}}

    with pytest.raises(errors.ValidationError) as caught:
        ssmkit.safe_update_maintenance_window_task(
            boto,
            "mw-0123456789abcdef0",
            "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            task_parameters=parameters,
        )

    message = str(caught.value)
    assert message == (
        "task_parameters.commands: holds a member its shape does not have"
    )
    assert caught.value.rule == "holds a member its shape does not have"
    assert SECRET not in repr(caught.value)
    assert wire.requests == []


def test_a_stray_key_elsewhere_is_named() -> None:
    boto, wire = wired_client()
    alarms = {
        "Alarms": [{"Name": "disk"}],
        "IgnorePollAlarmFailure": False,
        "Ignore": 1,
    }

    with pytest.raises(errors.ValidationError) as caught:
        ssmkit.safe_update_association(boto, "a1", alarm_configuration=alarms)

    assert str(caught.value) == "alarm_configuration.ignore: no such member"
    assert caught.value.member == "alarm_configuration.ignore"
    assert caught.value.rule == "no such member"
    assert wire.requests == []


def test_a_union_takes_exactly_one_member() -> None:
    from botocore.session import get_session

    from ssmkit._validate import check_value

    shape = get_session().get_service_model("ssm").shape_for("ExecutionInputs")
    check_value({"Automation": {}}, shape, "inputs")
    for value in ({}, {"Automation": {}, "Automation2": {}}):
        found: list[errors.ValidationError] = []
        check_value(value, shape, "inputs", problems=found)
        assert "inputs: must set exactly one of Automation" in [
            str(p).split(" (")[0] for p in found
        ]


def _problems(shape: Any, value: Any) -> list[tuple[str, str, str]]:
    """Every problem ``check_value`` gathers in ``value``: message, member, rule.

    ``shape`` is a shape of the service model, by name, or one made here.
    """
    from botocore.session import get_session

    from ssmkit._validate import check_value

    if isinstance(shape, str):
        shape = get_session().get_service_model("ssm").shape_for(shape)
    found: list[errors.ValidationError] = []
    check_value(value, shape, "x", problems=found)
    return [(str(p), str(p.member), str(p.rule)) for p in found]


def test_a_union_set_twice_is_one_problem_among_those_within() -> None:
    both = {"AzureConfiguration": {}, "GcpConfiguration": {"Nope": 1}}
    one_of = "must set exactly one of AzureConfiguration, GcpConfiguration"
    required = "is required"
    assert _problems("CloudConnectorConfiguration", both) == [
        (f"x: {one_of} (got 2)", "x", one_of),
        *(
            (f"x.{path}: {required} (got None)", f"x.{path}", required)
            for path in (
                "azure_configuration.tenant_id",
                "azure_configuration.application_id",
                "gcp_configuration.workload_identity_pool_provider",
                "gcp_configuration.service_account_email",
            )
        ),
        (
            "x.gcp_configuration.nope: no such member",
            "x.gcp_configuration.nope",
            "no such member",
        ),
    ]


def test_stray_keys_in_a_secret_are_one_problem_and_its_members_are_checked() -> None:
    # Within something sensitive, a stray key might be a value: said once,
    # unnamed, and what the shape does have is checked all the same.
    stray = "holds a member its shape does not have"
    value = {"Values": [5], "Stray": 1, "Other": 2}
    assert _problems("MaintenanceWindowTaskParameterValueExpression", value) == [
        (f"x: {stray}", "x", stray),
        (
            "x.values[0]: must be a string (got <sensitive>)",
            "x.values[0]",
            "must be a string",
        ),
    ]


LIST, MAP, STRING = "must be a list", "must be a map", "must be a string"


@pytest.mark.parametrize(
    ("shape_name", "value", "rule"),
    [
        ("AssociationName", 5, STRING),
        ("MaxErrors", "", "length must be at least 1"),
        ("MaxErrors", "11111111", "length must be at most 7"),
        (
            "MaxErrors",
            "lots",
            "must match the pattern ^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$",
        ),
        (
            "AssociationComplianceSeverity",
            "urgent",
            "must be one of CRITICAL, HIGH, MEDIUM, LOW, UNSPECIFIED",
        ),
    ],
)
def test_a_string_s_problem_is_said_word_for_word(
    shape_name: str, value: Any, rule: str
) -> None:
    assert _problems(shape_name, value) == [(f"x: {rule} (got {value!r})", "x", rule)]


@pytest.mark.parametrize(
    ("shape_name", "value", "expected"),
    [
        (
            "Targets",
            {"Key": "k"},
            [("x: must be a list (got {'Key': 'k'})", "x", LIST)],
        ),
        (
            "AlarmList",
            [],
            [
                (
                    "x: length must be at least 1 (got [])",
                    "x",
                    "length must be at least 1",
                )
            ],
        ),
        (
            "AlarmList",
            [{"Name": "a"}, {"Name": "b"}],
            [
                (
                    "x: length must be at most 1 (got [{'Name': 'a'}, {'Name': 'b'}])",
                    "x",
                    "length must be at most 1",
                )
            ],
        ),
        # Each item's problems, all of them.
        (
            "Targets",
            [{"Key": 5}, {"Values": "v"}],
            [
                ("x[0].key: must be a string (got 5)", "x[0].key", STRING),
                ("x[1].values: must be a list (got 'v')", "x[1].values", LIST),
            ],
        ),
        ("TargetMap", ["k"], [("x: must be a map (got ['k'])", "x", MAP)]),
        (
            "TargetMap",
            {},
            [
                (
                    "x: length must be at least 1 (got {})",
                    "x",
                    "length must be at least 1",
                )
            ],
        ),
        # A key's problems and each value's.
        (
            "TargetMap",
            {"": ["v"], "k": "v", "j": 5},
            [
                (
                    "x key: length must be at least 1 (got '')",
                    "x key",
                    "length must be at least 1",
                ),
                ("x.k: must be a list (got 'v')", "x.k", LIST),
                ("x.j: must be a list (got 5)", "x.j", LIST),
            ],
        ),
        # Within a sensitive map, no value is shown, at any depth; its keys are.
        (
            "Parameters",
            ["commands"],
            [("x: must be a map (got <sensitive>)", "x", MAP)],
        ),
        (
            "Parameters",
            {"commands": [5, "ok", 6], "other": "x"},
            [
                (
                    "x.commands[0]: must be a string (got <sensitive>)",
                    "x.commands[0]",
                    STRING,
                ),
                (
                    "x.commands[2]: must be a string (got <sensitive>)",
                    "x.commands[2]",
                    STRING,
                ),
                ("x.other: must be a list (got <sensitive>)", "x.other", LIST),
            ],
        ),
    ],
)
def test_every_problem_of_a_list_or_a_map_is_gathered_word_for_word(
    shape_name: str, value: Any, expected: list[tuple[str, str, str]]
) -> None:
    assert _problems(shape_name, value) == expected


WHOLE = "must be a whole number"


@pytest.mark.parametrize("kind", ["integer", "long"])
@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (1, None),
        (6, None),
        (0, ("x: value must be at least 1 (got 0)", "value must be at least 1")),
        (7, ("x: value must be at most 6 (got 7)", "value must be at most 6")),
        (True, (f"x: {WHOLE} (got True)", WHOLE)),
        (1.0, (f"x: {WHOLE} (got 1.0)", WHOLE)),
        ("3", (f"x: {WHOLE} (got '3')", WHOLE)),
    ],
)
def test_a_whole_number_is_checked(
    kind: str, value: Any, problem: tuple[str, str] | None
) -> None:
    from botocore.model import Shape

    shape = Shape("Offset", {"type": kind, "min": 1, "max": 6})
    expected = [] if problem is None else [(problem[0], "x", problem[1])]
    assert _problems(shape, value) == expected


def test_a_timestamp_is_a_datetime() -> None:
    import datetime

    from botocore.model import Shape

    from ssmkit._validate import check_value

    shape = Shape("When", {"type": "timestamp"})
    check_value(
        datetime.datetime(2026, 12, 7, tzinfo=datetime.timezone.utc), shape, "x"
    )
    with pytest.raises(errors.ValidationError) as caught:
        check_value("2026-12-07", shape, "x")
    assert (str(caught.value), caught.value.member, caught.value.rule) == (
        "x: must be a datetime (got '2026-12-07')",
        "x",
        "must be a datetime",
    )


BYTES = "must be bytes or text"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (b"abcd", None),
        ("abcd", None),
        (bytearray(b"ab"), None),
        (
            b"abcde",
            ("x: length must be at most 4 (got b'abcde')", "length must be at most 4"),
        ),
        # Text is sent as its UTF-8 bytes: six of them.
        (
            "\u00e9\u00e9\u00e9",
            (
                "x: length must be at most 4 (got '\u00e9\u00e9\u00e9')",
                "length must be at most 4",
            ),
        ),
        (5, (f"x: {BYTES} (got 5)", BYTES)),
        (["ab"], (f"x: {BYTES} (got ['ab'])", BYTES)),
    ],
)
def test_a_blob_is_bytes_or_text_and_its_length_is_in_bytes(
    value: Any, problem: tuple[str, str] | None
) -> None:
    from botocore.model import Shape

    shape = Shape("Payload", {"type": "blob", "max": 4})
    expected = [] if problem is None else [(problem[0], "x", problem[1])]
    assert _problems(shape, value) == expected


def test_a_member_named_as_a_python_keyword_is_named_with_its_underscore() -> None:
    rule = "length must be at least 1"
    value = {"Lambda": {"Qualifier": ""}}
    assert _problems("MaintenanceWindowTaskInvocationParameters", value) == [
        (f"x.lambda_.qualifier: {rule} (got '')", "x.lambda_.qualifier", rule)
    ]


def test_a_sensitive_blob_s_problem_never_shows_it() -> None:
    assert _problems("MaintenanceWindowLambdaPayload", 5) == [
        (f"x: {BYTES} (got <sensitive>)", "x", BYTES)
    ]


@pytest.mark.parametrize("kind", ["float", "double"])
@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (1.5, None),
        (2, None),
        (-1.0, "x: value must be at least 0 (got -1.0)"),
        (10.5, "x: value must be at most 10 (got 10.5)"),
        (True, "x: must be a number (got True)"),
        ("1.5", "x: must be a number (got '1.5')"),
    ],
)
def test_a_number_with_a_fraction_is_checked(
    kind: str, value: Any, problem: str | None
) -> None:
    from botocore.model import Shape

    from ssmkit._validate import check_value

    shape = Shape("Ratio", {"type": kind, "min": 0, "max": 10})
    if problem is None:
        check_value(value, shape, "x")
        return
    with pytest.raises(errors.ValidationError) as caught:
        check_value(value, shape, "x")
    assert str(caught.value) == problem
