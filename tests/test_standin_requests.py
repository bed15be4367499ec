"""The local SSM refuses what AWS refuses, as AWS answers it, for any client."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from ssmkit.testing import StandIn
    from ssmkit.testing.server import Server

RUN = "AWS-RunShellScript"


@pytest.fixture
def unchecked(stand_in: StandIn) -> Any:
    """A client that sends what it is given: botocore's checks are off."""
    return boto3.client(
        "ssm",
        region_name="us-east-1",
        config=Config(parameter_validation=False),
    )


def refused(call: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response["Error"]
    status = caught.value.response["ResponseMetadata"]["HTTPStatusCode"]
    return error["Code"], error["Message"], status


def test_constraints_from_the_model_are_refused_as_aws_words_them(
    unchecked: Any, stand_in: StandIn
) -> None:
    code, message, status = refused(
        lambda: unchecked.create_association(
            Name=RUN,
            ScheduleExpression="cron(0 2 ? * SUN *)",
            ApplyOnlyAtCronInterval=True,
            ScheduleOffset=9,
            MaxConcurrency="lots",
        )
    )
    assert (code, status) == ("ValidationException", 400)
    assert message == (
        "2 validation errors detected: Value '9' at 'scheduleOffset' failed to "
        "satisfy constraint: Member must have value less than or equal to 6; "
        "Value 'lots' at 'maxConcurrency' failed to satisfy constraint: Member "
        "must satisfy regular expression pattern: "
        "^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$"
    )
    code, message, _ = refused(
        lambda: unchecked.create_association(
            Name=RUN, ComplianceSeverity="SEVERE", AssociationName="x"
        )
    )
    assert "at 'complianceSeverity' failed to satisfy constraint: Member must " in (
        message
    )
    assert "at 'associationName'" in message
    code, message, _ = refused(lambda: unchecked.create_association())
    assert message == (
        "1 validation error detected: Value null at 'name' failed to satisfy "
        "constraint: Member must not be null"
    )
    assert unchecked.list_associations()["Associations"] == []


def test_a_member_of_the_wrong_type_changes_nothing(unchecked: Any) -> None:
    code, _, status = refused(
        lambda: unchecked.create_association(
            Name=RUN,
            ScheduleExpression="cron(0 2 ? * SUN *)",
            ApplyOnlyAtCronInterval=True,
            ScheduleOffset="2",
        )
    )
    assert (code, status) == ("SerializationException", 400)
    code, _, _ = refused(lambda: unchecked.list_associations(MaxResults="5"))
    assert code == "SerializationException"
    assert unchecked.list_associations()["Associations"] == []


def test_a_schedule_that_is_not_one_is_refused(boto: Any) -> None:
    code, _, _ = refused(
        lambda: boto.create_association(Name=RUN, ScheduleExpression="not a schedule")
    )
    assert code == "InvalidSchedule"
    made = boto.create_association(Name=RUN, ScheduleExpression="rate(30 minutes)")
    association = made["AssociationDescription"]
    code, _, _ = refused(
        lambda: boto.update_association(
            AssociationId=association["AssociationId"], ScheduleExpression="daily"
        )
    )
    assert code == "InvalidSchedule"


def post(server: Server, body: bytes, target: str | None) -> tuple[int, str, Any]:
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        # As any SigV4 client signs: the server tells the service by it.
        "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261124/us-east-1/"
        "ssm/aws4_request, SignedHeaders=host, Signature=0",
    }
    if target is not None:
        headers["X-Amz-Target"] = target
    request = urllib.request.Request(
        server.url + "/", data=body, method="POST", headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers["Content-Type"], json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], json.load(error)


@pytest.mark.parametrize(
    ("body", "target", "code"),
    [
        (b"{not json", "AmazonSSM.ListAssociations", "SerializationException"),
        (b"[]", "AmazonSSM.ListAssociations", "SerializationException"),
        (b"{}", "AmazonSSM.NoSuchOperation", "UnknownOperationException"),
        (b"{}", None, "UnknownOperationException"),
        (
            b'{"Name": "AWS-RunShellScript", "Targets": "oops"}',
            "AmazonSSM.CreateAssociation",
            "SerializationException",
        ),
    ],
    ids=["bad-json", "not-an-object", "unknown-action", "no-target", "wrong-type"],
)
def test_malformed_requests_get_a_400_json_error(
    server: Server, body: bytes, target: str | None, code: str
) -> None:
    status, content_type, answer = post(server, body, target)
    assert (status, answer["__type"]) == (400, code)
    assert content_type == "application/x-amz-json-1.1"
    assert answer["message"]
    listed = post(server, b"{}", "AmazonSSM.ListAssociations")
    assert listed[0] == 200
    assert all(a.get("Targets") != "oops" for a in listed[2]["Associations"])


def post_in_process(body: bytes, target: str | None) -> tuple[int, str, Any]:
    """A raw request to the local SSM in the tests' process, as any client sends.

    moto answers the ``requests`` library's calls in process too.
    """
    import requests

    headers = {"Content-Type": "application/x-amz-json-1.1"}
    if target is not None:
        headers["X-Amz-Target"] = target
    answer = requests.post(
        "https://ssm.us-east-1.amazonaws.com/", data=body, headers=headers, timeout=30
    )
    return answer.status_code, answer.headers["Content-Type"], answer.json()


@pytest.mark.parametrize(
    ("body", "target", "refusal"),
    [
        (b"{not json", "ListAssociations", "The request body is not JSON."),
        (b"[]", "ListAssociations", "The request body is not an object."),
        (b'"{}"', "ListAssociations", "The request body is not an object."),
        (
            '{"MaxResults": 5}'.encode("utf-8-sig"),
            "ListAssociations",
            "The request body is not UTF-8 JSON: it starts with a byte order mark.",
        ),
        (
            b'{"MaxResults": ' + b"[" * 64 + b"]" * 64 + b"}",
            "ListAssociations",
            "The request body nests deeper than 64 levels.",
        ),
        (
            b"[" * 100_000 + b"]" * 100_000,
            "ListAssociations",
            "The request body nests deeper than 64 levels.",
        ),
    ],
    ids=["not-json", "a-list", "a-string", "bom", "65-levels", "100000-levels"],
)
def test_a_body_that_cannot_be_read_is_refused_alike_in_process_and_over_http(
    server: Server, stand_in: StandIn, body: bytes, target: str, refusal: str
) -> None:
    expected = (
        400,
        "application/x-amz-json-1.1",
        {"__type": "SerializationException", "message": refusal},
    )
    assert post(server, body, f"AmazonSSM.{target}") == expected
    assert post_in_process(body, f"AmazonSSM.{target}") == expected
    assert stand_in.requests == []


def test_a_body_at_the_depth_limit_is_read(server: Server, stand_in: StandIn) -> None:
    # 64 levels: the object and 63 lists; AWS's own limit is not documented.
    body = b'{"AssociationFilterList": ' + b"[" * 63 + b"]" * 63 + b"}"
    for status, _, answer in (
        post(server, body, "AmazonSSM.ListAssociations"),
        post_in_process(body, "AmazonSSM.ListAssociations"),
    ):
        assert (status, answer["__type"]) == (400, "SerializationException")
        assert "nests" not in answer["message"]


@pytest.mark.parametrize(
    ("target", "refusal"),
    [
        (None, ("UnknownOperationException", "No X-Amz-Target header given.")),
        (
            "AmazonSSM.NoSuchOperation",
            ("UnknownOperationException", "Unknown operation NoSuchOperation."),
        ),
    ],
)
def test_a_request_naming_no_operation_is_refused_alike_in_process_and_over_http(
    server: Server,
    stand_in: StandIn,
    target: str | None,
    refusal: tuple[str, str],
) -> None:
    code, message = refusal
    expected = (
        400,
        "application/x-amz-json-1.1",
        {"__type": code, "message": message},
    )
    assert post(server, b"{}", target) == expected
    assert post_in_process(b"{}", target) == expected


def test_a_required_member_sent_as_null_is_refused_as_missing(
    server: Server,
) -> None:
    # AWS reads JSON null as absent: "Value null at 'name' failed to satisfy
    # constraint: Member must not be null".
    body = json.dumps({"Name": None, "AssociationName": "null-name"}).encode()
    status, _, answer = post(server, body, "AmazonSSM.CreateAssociation")
    assert (status, answer["__type"]) == (400, "ValidationException")
    assert answer["message"] == (
        "1 validation error detected: Value null at 'name' failed to satisfy "
        "constraint: Member must not be null"
    )
    nested = {
        "Name": RUN,
        "AssociationName": "null-alarm-name",
        "AlarmConfiguration": {"Alarms": [{"Name": None}]},
    }
    status, _, answer = post(
        server, json.dumps(nested).encode(), "AmazonSSM.CreateAssociation"
    )
    assert (status, answer["__type"]) == (400, "ValidationException")
    assert answer["message"] == (
        "1 validation error detected: Value null at "
        "'alarmConfiguration.alarms.1.member.name' failed to satisfy "
        "constraint: Member must not be null"
    )
    listed = post(server, b"{}", "AmazonSSM.ListAssociations")[2]["Associations"]
    assert not {"null-name", "null-alarm-name"} & {
        a.get("AssociationName") for a in listed
    }


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("ScheduleOffset", True),  # an integer: JSON true is not a number
        ("ScheduleOffset", 2.5),  # nor is a number with a fraction
        ("ApplyOnlyAtCronInterval", 1),  # a boolean: 1 is not true
        ("Name", 7),
        ("Targets", {"Key": "InstanceIds"}),  # a list
        ("Parameters", ["commands"]),  # a map
    ],
)
def test_a_value_of_another_json_type_is_a_serialization_error(
    server: Server, member: str, value: object
) -> None:
    request = {
        "Name": RUN,
        "AssociationName": f"typed-{member}",
        "ScheduleExpression": "cron(0 2 ? * SUN *)",
        "ApplyOnlyAtCronInterval": True,
        member: value,
    }
    status, _, answer = post(
        server, json.dumps(request).encode(), "AmazonSSM.CreateAssociation"
    )
    assert (status, answer["__type"]) == (400, "SerializationException")
    listed = post(server, b"{}", "AmazonSSM.ListAssociations")[2]["Associations"]
    assert f"typed-{member}" not in {a.get("AssociationName") for a in listed}
