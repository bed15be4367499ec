"""The local SSM's organization, roles and Regions, as AWS documents them.

Called through boto3, as any code under test calls them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3
import pytest
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
    with pytest.raises(ClientError) as caught:
        call()
    answer = caught.value.response
    return answer["Error"]["Code"], answer["ResponseMetadata"]["HTTPStatusCode"]


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
