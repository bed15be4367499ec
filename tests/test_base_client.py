"""The one path every call takes: botocore's refusals as ssmkit's, secrets masked.

Each request goes through botocore's real validator (tests/wire.py answers
nothing: a refused request is never sent).
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ParamValidationError

import ssmkit
from ssmkit import errors
from ssmkit._base_client import invoke, translated

from .wire import wired_client

TASK = {
    "WindowId": "mw-0123456789abcdef0",
    "TaskArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
    "TaskType": "LAMBDA",
    "MaxConcurrency": "1",
    "MaxErrors": "1",
}


def refused(request: dict[str, Any]) -> errors.ValidationError:
    boto, wire = wired_client()
    with pytest.raises(errors.ValidationError) as caught:
        invoke(boto, "RegisterTaskWithMaintenanceWindow", {**TASK, **request})
    assert wire.requests == []
    assert caught.value.rule == str(caught.value)
    return caught.value


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        # A sensitive blob, in a structure within a structure.
        (
            {"TaskInvocationParameters": {"Lambda": {"Payload": 12345}}},
            "Invalid type for parameter TaskInvocationParameters.Lambda.Payload, "
            "value: <sensitive>, type: <class 'int'>, valid types: <class 'bytes'>, "
            "<class 'bytearray'>, file-like object",
        ),
        # A list item within a sensitive map's value.
        (
            {"TaskParameters": {"p": {"Values": [12345]}}},
            "Invalid type for parameter TaskParameters.p.Values[0], value: "
            "<sensitive>, type: <class 'int'>, valid types: <class 'str'>",
        ),
        # A list item within a sensitive map, three structures down.
        (
            {
                "TaskInvocationParameters": {
                    "RunCommand": {"Parameters": {"commands": [12345]}}
                }
            },
            "Invalid type for parameter "
            "TaskInvocationParameters.RunCommand.Parameters.commands[0], value: "
            "<sensitive>, type: <class 'int'>, valid types: <class 'str'>",
        ),
    ],
)
def test_a_refused_value_within_something_sensitive_is_masked(
    request_: dict[str, Any], message: str
) -> None:
    error = refused(request_)
    assert str(error) == message
    assert "12345" not in repr(error.__dict__)
    assert error.__cause__ is None  # botocore's own report quotes the value


@pytest.mark.parametrize(
    ("request_", "message", "member"),
    [
        (
            {"Priority": "high"},
            "Invalid type for parameter Priority, value: high, type: <class 'str'>, "
            "valid types: <class 'int'>",
            "Priority",
        ),
        (
            {"TaskInvocationParameters": {"Lambda": {"Qualifier": 7}}},
            "Invalid type for parameter TaskInvocationParameters.Lambda.Qualifier, "
            "value: 7, type: <class 'int'>, valid types: <class 'str'>",
            "TaskInvocationParameters.Lambda.Qualifier",
        ),
    ],
)
def test_a_refused_value_elsewhere_is_shown_and_named(
    request_: dict[str, Any], message: str, member: str
) -> None:
    error = refused(request_)
    assert str(error) == message
    assert error.member == member


def test_without_the_request_every_value_in_the_report_is_masked() -> None:
    report = (
        "Invalid type for parameter A.B, value: secret, type: <class 'int'>, "
        "valid types: <class 'str'>"
    )
    with pytest.raises(errors.ValidationError) as caught, translated("Operation"):
        raise ParamValidationError(report=report)
    assert str(caught.value) == "Invalid type for parameter A.B, value: <sensitive>"
    assert caught.value.member == "A.B"
    assert caught.value.rule == str(caught.value)

    with pytest.raises(errors.ValidationError) as caught, translated("Operation"):
        raise ParamValidationError(report='Missing required parameter in input: "Name"')
    assert str(caught.value) == 'Missing required parameter in input: "Name"'
    assert caught.value.member == "Name"


# -- extra_params --------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "message", "rule"),
    [
        (
            [("Name", "x")],
            "extra_params must be a mapping, got list",
            "a mapping",
        ),
        (
            {1: "x"},
            "extra_params: member names are strings in boto3's form, got 1",
            "names are strings",
        ),
        (
            {"AssociationId": "a2", "Name": "x"},
            "extra_params: AssociationId, Name has an argument of its own "
            "(association_id=); give it there",
            "not a typed member",
        ),
    ],
)
def test_extra_params_are_refused_before_any_call(
    extra: Any, message: str, rule: str
) -> None:
    boto, wire = wired_client()
    client = ssmkit.Client(boto3_client=boto)
    with pytest.raises(errors.ValidationError) as caught:
        client.describe_association(association_id="a1", extra_params=extra)
    assert str(caught.value) == message
    assert caught.value.member == "extra_params"
    assert caught.value.rule == rule
    assert wire.requests == []


# -- the client's user agent ------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        (None, "ssmkit/"),
        (Config(), "ssmkit/"),
        (Config(user_agent_extra="team/1"), "team/1 ssmkit/"),
    ],
)
def test_ssmkit_is_added_to_the_user_agent_and_nothing_lost(
    given: Config | None, sent: str
) -> None:
    client = ssmkit.Client(
        boto_config=given,
        boto3_session=boto3.session.Session(
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        ),
    )
    extra: str = getattr(client.boto3_client.meta.config, "user_agent_extra", "")
    assert extra.startswith(sent)
    assert extra.count("ssmkit/") == 1


# -- making a client ------------------------------------------------------------


def test_a_ready_client_takes_no_session_nor_config() -> None:
    boto, _ = wired_client()
    with pytest.raises(TypeError) as caught:
        ssmkit.Client(boto3_client=boto, boto_config=Config())
    assert str(caught.value) == (
        "pass either boto3_client, or boto3_session and/or boto_config: "
        "a ready client's session and config cannot be changed"
    )


@pytest.mark.parametrize("other", [True, False])
def test_only_an_ssm_client_is_taken(other: bool) -> None:
    given: Any = (
        boto3.client(
            "s3",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        if other
        else object()
    )
    with pytest.raises(TypeError) as caught:
        ssmkit.Client(boto3_client=given)
    assert str(caught.value) == f"boto3_client must be an SSM client, got {given!r}"


# -- walking pages ----------------------------------------------------------------


def test_a_walk_refuses_a_negative_limit_and_page_options_before_any_call() -> None:
    boto, wire = wired_client()
    client = ssmkit.Client(boto3_client=boto)
    with pytest.raises(errors.ValidationError) as caught:
        list(client.list_associations(limit=-1))
    assert str(caught.value) == "limit must be a number of items, 0 or more, got -1"
    assert (caught.value.member, caught.value.rule) == ("limit", "at least 0")
    with pytest.raises(errors.ValidationError) as caught:
        list(
            client.list_associations(
                extra_params={"PaginationConfig": {}, "NextToken": "x"}
            )
        )
    assert str(caught.value) == (
        "extra_params: NextToken, PaginationConfig: the iterator walks the pages "
        "itself; max_results= sets a page's size and limit= stops early"
    )
    assert (caught.value.member, caught.value.rule) == ("extra_params", "pages")
    assert wire.requests == []


def test_a_walk_s_refusal_is_judged_by_the_request_s_shape() -> None:
    # Not sensitive: the value is shown, as botocore reports it.
    boto, wire = wired_client()
    client = ssmkit.Client(boto3_client=boto)
    with pytest.raises(errors.ValidationError) as caught:
        list(client.list_associations(max_results="x"))  # type: ignore[arg-type]
    assert str(caught.value) == (
        "Invalid type for parameter MaxResults, value: x, type: <class 'str'>, "
        "valid types: <class 'int'>"
    )
    assert wire.requests == []


def test_a_page_without_its_items_holds_none() -> None:
    boto, wire = wired_client()
    wire.answer({})
    assert list(ssmkit.Client(boto3_client=boto).list_associations()) == []


# -- what botocore cannot know ------------------------------------------------------


def test_the_placeholder_and_a_bad_schedule_are_refused_by_their_names() -> None:
    boto, wire = wired_client()
    client = ssmkit.Client(boto3_client=boto)
    with pytest.raises(errors.ValidationError) as caught:
        client.create_association(
            name="AWS-RunShellScript", parameters={"commands": ["<sensitive>"]}
        )
    assert str(caught.value) == (
        "parameters: holds the placeholder <sensitive>, which stands for a hidden "
        "value; sent, it would replace the secret: write the value itself"
    )
    assert (caught.value.member, caught.value.rule) == ("parameters", "placeholder")
    with pytest.raises(errors.ValidationError) as caught:
        client.create_association(
            name="AWS-RunShellScript", schedule_expression="cron(99 * * * ? *)"
        )
    assert str(caught.value) == (
        "schedule_expression: 'cron(99 * * * ? *)' is not a schedule: "
        "minutes 99 is out of range 0-59"
    )
    assert wire.requests == []


def test_the_placeholder_beside_a_secret_is_only_text() -> None:
    # The run command's comment is not sensitive, its parameters are: the
    # placeholder's text in the comment is no hidden value, and is sent.
    boto, wire = wired_client()
    client = ssmkit.Client(boto3_client=boto)
    wire.answer({"WindowTaskId": "4f8d2c6e-1b3a-4e5f-9a7b-0c1d2e3f4a5b"})
    invocation = {"RunCommand": {"Comment": "<sensitive>"}}
    client.register_task_with_maintenance_window(
        window_id="mw-0123456789abcdef0",
        task_arn="AWS-RunShellScript",
        task_type="RUN_COMMAND",
        task_invocation_parameters=invocation,
    )
    [(_, sent)] = wire.requests
    assert sent["TaskInvocationParameters"] == invocation
