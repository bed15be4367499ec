"""The local SSM's organization, roles and Regions, as AWS documents them.

Called through boto3, as any code under test calls them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.iam.models import iam_backends

if TYPE_CHECKING:
    from ssmkit.testing import StandIn

ROLE = "OrganizationAccountAccessRole"


def credentials(account_id: str, **extra: Any) -> dict[str, str]:
    sts = boto3.client("sts", region_name="us-east-1")
    found = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{ROLE}",
        RoleSessionName="test",
        **extra,
    )["Credentials"]
    return {
        "aws_access_key_id": found["AccessKeyId"],
        "aws_secret_access_key": found["SecretAccessKey"],
        "aws_session_token": found["SessionToken"],
    }


def refused(call: Any) -> tuple[str, int]:
    """The code and status ``call`` is refused with."""
    found = _refusal(call)
    return found["Code"], found["status"]


def _refusal(call: Any) -> dict[str, Any]:
    """The whole refusal of ``call``: status, content type and error."""
    with pytest.raises(ClientError) as caught:
        call()
    answer = caught.value.response
    return {
        "status": answer["ResponseMetadata"]["HTTPStatusCode"],
        "content-type": answer["ResponseMetadata"]["HTTPHeaders"].get("content-type"),
        **answer["Error"],
    }


def test_each_member_account_has_its_role_and_its_own_ssm(stand_in: StandIn) -> None:
    first, second = stand_in.create_organization(2)
    ssm = boto3.client("ssm", region_name="us-east-1", **credentials(first))
    ssm.put_parameter(Name="/only/here", Value="1", Type="String")
    other = boto3.client("ssm", region_name="us-east-1", **credentials(second))
    assert other.describe_parameters()["Parameters"] == []
    assert [p["Name"] for p in ssm.describe_parameters()["Parameters"]] == [
        "/only/here"
    ]
    # Another Region of the same account is another SSM.
    elsewhere = boto3.client("ssm", region_name="eu-west-1", **credentials(first))
    assert elsewhere.describe_parameters()["Parameters"] == []
    # Calling again adds accounts to the same organization.
    third = stand_in.create_organization(1)
    organizations = boto3.client("organizations", region_name="us-east-1")
    listed = {a["Id"] for a in organizations.list_accounts()["Accounts"]}
    assert {first, second, *third} < listed


def test_a_role_that_does_not_exist_cannot_be_assumed(stand_in: StandIn) -> None:
    [member] = stand_in.create_organization(1)
    sts = boto3.client("sts", region_name="us-east-1")
    code, status = refused(
        lambda: sts.assume_role(
            RoleArn=f"arn:aws:iam::{member}:role/NoSuchRole", RoleSessionName="tt"
        )
    )
    assert (code, status) == ("AccessDenied", 403)
    code, _ = refused(
        lambda: sts.assume_role(
            RoleArn="arn:aws:s3:::not-a-role-at-all", RoleSessionName="tt"
        )
    )
    assert code == "AccessDenied"


def test_a_trust_policy_s_external_id_must_be_given(stand_in: StandIn) -> None:
    [member] = stand_in.create_organization(1)
    iam = iam_backends[member]["global"]
    role = next(r for r in iam.roles.values() if r.name == ROLE)
    policy = json.loads(role.assume_role_policy_document)
    policy["Statement"][0]["Condition"] = {
        "StringEquals": {"sts:ExternalId": ["one-id", "two-id"]}
    }
    iam.update_assume_role_policy(ROLE, json.dumps(policy))
    assert refused(lambda: credentials(member))[0] == "AccessDenied"
    assert (
        refused(lambda: credentials(member, ExternalId="three-id"))[0] == "AccessDenied"
    )
    assert credentials(member, ExternalId="two-id")["aws_session_token"]


def test_a_session_longer_than_the_role_allows_is_refused(stand_in: StandIn) -> None:
    [member] = stand_in.create_organization(1)
    code, status = refused(lambda: credentials(member, DurationSeconds=3601))
    assert (code, status) == ("ValidationError", 400)
    assert credentials(member, DurationSeconds=3600)["aws_access_key_id"]


def test_opt_in_regions_are_disabled_until_enabled(stand_in: StandIn) -> None:
    [member] = stand_in.create_organization(1)
    own = credentials(member)
    account = boto3.client("account", region_name="us-east-1", **own)
    status = account.get_region_opt_status(RegionName="me-south-1")
    assert status["RegionOptStatus"] == "DISABLED"
    assert (
        account.get_region_opt_status(RegionName="eu-west-1")["RegionOptStatus"]
        == "ENABLED_BY_DEFAULT"
    )
    there = boto3.client("ssm", region_name="me-south-1", **own)
    code, _ = refused(there.describe_parameters)
    assert code == "UnrecognizedClientException"

    account.enable_region(RegionName="me-south-1")
    assert there.describe_parameters()["Parameters"] == []
    assert (
        account.get_region_opt_status(RegionName="me-south-1")["RegionOptStatus"]
        == "ENABLED"
    )
    account.disable_region(RegionName="me-south-1")
    assert refused(there.describe_parameters)[0] == "UnrecognizedClientException"
    # One enabled by default cannot be enabled or disabled.
    assert refused(lambda: account.disable_region(RegionName="us-east-1"))[0] == (
        "ValidationException"
    )
    assert refused(lambda: account.get_region_opt_status(RegionName="mars-1"))[0] == (
        "ValidationException"
    )


def test_a_region_is_enabled_and_disabled_again_in_process(stand_in: StandIn) -> None:
    first, second = stand_in.create_organization(2)
    there = boto3.client("ssm", region_name="me-south-1", **credentials(first))
    stand_in.enable_region(first, "me-south-1")
    stand_in.enable_region(second, "me-south-1")
    assert there.describe_parameters()["Parameters"] == []
    stand_in.disable_region(first, "me-south-1")
    assert refused(there.describe_parameters) == ("UnrecognizedClientException", 400)
    # Only that account's: the other keeps the Region it enabled.
    other = boto3.client("ssm", region_name="me-south-1", **credentials(second))
    assert other.describe_parameters()["Parameters"] == []
    account = boto3.client("account", region_name="us-east-1")
    assert (
        account.get_region_opt_status(AccountId=first, RegionName="me-south-1")[
            "RegionOptStatus"
        ]
        == "DISABLED"
    )


def test_list_regions_filters_and_pages(stand_in: StandIn) -> None:
    [member] = stand_in.create_organization(1)
    stand_in.enable_region(member, "af-south-1")
    account = boto3.client("account", region_name="us-east-1", **credentials(member))
    pages = list(
        account.get_paginator("list_regions").paginate(
            RegionOptStatusContains=["ENABLED", "ENABLED_BY_DEFAULT"],
            PaginationConfig={"PageSize": 5},
        )
    )
    regions = [r for page in pages for r in page["Regions"]]
    assert len(pages) == -(-len(regions) // 5)
    names = [r["RegionName"] for r in regions]
    assert "af-south-1" in names
    assert "ap-east-1" not in names
    assert {"us-east-1", "eu-west-1"} <= set(names)
    disabled = account.list_regions(RegionOptStatusContains=["DISABLED"])["Regions"]
    assert {r["RegionOptStatus"] for r in disabled} == {"DISABLED"}
    assert "ap-east-1" in {r["RegionName"] for r in disabled}
    assert refused(lambda: account.list_regions(NextToken="bogus"))[0] == (
        "ValidationException"
    )


def test_only_the_management_account_speaks_for_another(stand_in: StandIn) -> None:
    first, second = stand_in.create_organization(2)
    management = boto3.client("account", region_name="us-east-1")
    management.enable_region(AccountId=first, RegionName="af-south-1")
    answer = management.get_region_opt_status(AccountId=first, RegionName="af-south-1")
    assert answer["RegionOptStatus"] == "ENABLED"
    member = boto3.client("account", region_name="us-east-1", **credentials(second))
    code, _ = refused(
        lambda: member.get_region_opt_status(AccountId=first, RegionName="af-south-1")
    )
    assert code == "AccessDeniedException"


def test_requests_record_their_account_and_region(stand_in: StandIn) -> None:
    [member] = stand_in.create_organization(1)
    boto3.client(
        "ssm", region_name="eu-west-1", **credentials(member)
    ).describe_parameters()
    [request] = [r for r in stand_in.requests if r.operation == "DescribeParameters"]
    assert (request.account_id, request.region) == (member, "eu-west-1")


@pytest.mark.parametrize("bad", [-1, 1.5, True, "2"])
def test_an_organization_of_no_sensible_size_is_refused(
    stand_in: StandIn, bad: Any
) -> None:
    with pytest.raises(ValueError, match="accounts"):
        stand_in.create_organization(bad)
    with pytest.raises(ValueError, match="12 digits"):
        stand_in.enable_region("123", "af-south-1")
    with pytest.raises(ValueError, match="enabled by default"):
        stand_in.enable_region("123456789012", "us-east-1")


def test_the_region_operations_answer_whole_and_refuse_word_for_word(
    stand_in: StandIn,
) -> None:
    [member] = stand_in.create_organization(1)
    stand_in.enable_region(member, "af-south-1")
    account = boto3.client("account", region_name="us-east-1", **credentials(member))
    answer = account.get_region_opt_status(RegionName="af-south-1")
    metadata = answer.pop("ResponseMetadata")
    assert answer == {"RegionName": "af-south-1", "RegionOptStatus": "ENABLED"}
    assert metadata["HTTPStatusCode"] == 200
    assert metadata["HTTPHeaders"]["content-type"] == "application/json"

    listed = account.list_regions(MaxResults=50)
    metadata = listed.pop("ResponseMetadata")
    assert (metadata["HTTPStatusCode"], metadata["HTTPHeaders"]["content-type"]) == (
        200,
        "application/json",
    )
    statuses = {r["RegionName"]: r["RegionOptStatus"] for r in listed["Regions"]}
    assert statuses["af-south-1"] == "ENABLED"
    assert statuses["ap-east-1"] == "DISABLED"
    assert statuses["eu-west-1"] == "ENABLED_BY_DEFAULT"
    # A page of 20 unless asked; none after a page that holds the rest.
    every = [
        r
        for p in account.get_paginator("list_regions").paginate()
        for r in p["Regions"]
    ]
    first = account.list_regions()
    assert first["Regions"] == every[:20]
    assert first["NextToken"] == "20"
    whole = account.list_regions(MaxResults=len(every) - 20, NextToken="20")
    assert whole["Regions"] == every[20:]
    assert "NextToken" not in whole

    assert _refusal(lambda: account.get_region_opt_status(RegionName="mars-1")) == {
        "status": 400,
        "content-type": "application/json",
        "Code": "ValidationException",
        "Message": "'mars-1' is not a valid Region name.",
    }
    assert _refusal(lambda: account.list_regions(NextToken="x")) == {
        "status": 400,
        "content-type": "application/json",
        "Code": "ValidationException",
        "Message": "The NextToken is invalid.",
    }
    # The model's bounds of MaxResults, 1 to 50, checked as the service does.
    unchecked = boto3.client(
        "account",
        region_name="us-east-1",
        config=Config(parameter_validation=False),
        **credentials(member),
    )
    assert unchecked.list_regions(MaxResults=1)["Regions"] == every[:1]
    assert len(unchecked.list_regions(MaxResults=50)["Regions"]) == min(50, len(every))
    for size in (0, 51, "2", True):
        assert _refusal(lambda size=size: unchecked.list_regions(MaxResults=size)) == {
            "status": 400,
            "content-type": "application/json",
            "Code": "ValidationException",
            "Message": "MaxResults must be from 1 to 50.",
        }


def test_another_account_is_spoken_for_only_by_its_management_account(
    stand_in: StandIn,
) -> None:
    first, second = stand_in.create_organization(2)
    management = boto3.client("account", region_name="us-east-1")
    management.enable_region(AccountId=first, RegionName="af-south-1")
    own = boto3.client("account", region_name="us-east-1", **credentials(first))
    # The change reached the account named, as its own view shows.
    assert own.get_region_opt_status(RegionName="af-south-1")["RegionOptStatus"] == (
        "ENABLED"
    )
    member = boto3.client("account", region_name="us-east-1", **credentials(second))
    for other in (first, "999999999999"):
        assert _refusal(
            lambda other=other: member.get_region_opt_status(
                AccountId=other, RegionName="af-south-1"
            )
        ) == {
            "status": 403,
            "content-type": "application/json",
            "Code": "AccessDeniedException",
            "Message": f"Account {second} is not the management account of {other}.",
        }


def test_a_refused_role_is_answered_as_sts_answers(stand_in: StandIn) -> None:
    [member] = stand_in.create_organization(1)
    sts = boto3.client("sts", region_name="us-east-1")
    arn = f"arn:aws:iam::{member}:role/NoSuchRole"
    refusal = _refusal(lambda: sts.assume_role(RoleArn=arn, RoleSessionName="tt"))
    assert refusal == {
        "status": 403,
        "content-type": "text/xml",
        "Type": "Sender",
        "Code": "AccessDenied",
        "Message": f"User: arn:aws:iam::123456789012:root is not authorized to "
        f"perform: sts:AssumeRole on resource: {arn}",
    }


def test_an_organization_is_made_as_organizations_makes_one(stand_in: StandIn) -> None:
    assert stand_in.create_organization(0) == []
    organizations = boto3.client("organizations", region_name="eu-west-1")
    found = organizations.describe_organization()["Organization"]
    assert (found["FeatureSet"], found["MasterAccountId"]) == ("ALL", "123456789012")
    first, second = stand_in.create_organization(2)
    members = {
        a["Id"]: (a["Name"], a["Email"])
        for a in organizations.list_accounts()["Accounts"]
    }
    assert members[first] == ("member-0001", "member-0001@example.com")
    assert members[second] == ("member-0002", "member-0002@example.com")


def _trust(member: str, policy: dict[str, Any]) -> None:
    iam = iam_backends[member]["global"]
    iam.update_assume_role_policy(ROLE, json.dumps(policy))


def test_a_trust_policy_is_read_as_iam_allows_it_to_be_written(
    stand_in: StandIn,
) -> None:
    [member] = stand_in.create_organization(1)
    principal = {"AWS": "arn:aws:iam::123456789012:root"}
    # One statement as an object, not a list; one external id as a string.
    _trust(
        member,
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Principal": principal,
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "only-id"}},
            },
        },
    )
    assert refused(lambda: credentials(member))[0] == "AccessDenied"
    assert refused(lambda: credentials(member, ExternalId="only"))[0] == (
        "AccessDenied"
    )
    assert credentials(member, ExternalId="only-id")["aws_session_token"]


def test_a_role_is_found_by_its_arn_alone(stand_in: StandIn) -> None:
    [member] = stand_in.create_organization(1)
    iam = boto3.client("iam", region_name="us-east-1", **credentials(member))
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    iam.create_role(
        RoleName="Deploy",
        Path="/team/ops/",
        AssumeRolePolicyDocument=document,
        MaxSessionDuration=7200,
    )
    sts = boto3.client("sts", region_name="us-east-1")
    # A role under a path is found by the last part of its name.
    arn = f"arn:aws:iam::{member}:role/team/ops/Deploy"
    assert sts.assume_role(RoleArn=arn, RoleSessionName="tt", DurationSeconds=7200)
    assert _refusal(
        lambda: sts.assume_role(RoleArn=arn, RoleSessionName="tt", DurationSeconds=7201)
    ) == {
        "status": 400,
        "content-type": "text/xml",
        "Type": "Sender",
        "Code": "ValidationError",
        "Message": "The requested DurationSeconds exceeds the MaxSessionDuration "
        "set for this role.",
    }
    # What is not the ARN of a role is no role, whatever it ends with.
    for other in (
        f"arn:aws:sts::{member}:role/{ROLE}",
        f"arn:aws:iam::{member}:user/{ROLE}",
        f"arn:aws:iam::{member}",
    ):
        assert refused(
            lambda other=other: sts.assume_role(RoleArn=other, RoleSessionName="tt")
        ) == ("AccessDenied", 403)
