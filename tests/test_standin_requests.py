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
