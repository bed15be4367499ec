"""Testing your own code against the stand-in: state, faults and a concurrent writer."""

from typing import Any

import boto3

import ssmkit
from ssmkit.testing import mock_ssm


def rename(boto3_client: Any, association_id: str, name: str) -> None:
    """The code under test: a safe rename."""
    ssmkit.safe_update_association(boto3_client, association_id, association_name=name)


def test_rename_survives_a_busy_service_and_a_rival_writer() -> None:
    with mock_ssm() as ssm:
        client = boto3.client("ssm", region_name="us-east-1")
        association_id = client.create_association(
            Name="AWS-RunShellScript", MaxErrors="1", AssociationName="old"
        )["AssociationDescription"]["AssociationId"]

        ssm.fail_next("UpdateAssociation", "TooManyUpdates")  # the next call is refused
        ssm.before(  # and someone else writes just before the retry
            "UpdateAssociation",
            lambda params: client.update_association(
                AssociationId=association_id, Name="AWS-RunShellScript", MaxErrors="3"
            ),
        )
        rename(client, association_id, "new")

        stored = client.describe_association(AssociationId=association_id)
        assert stored["AssociationDescription"]["AssociationName"] == "new"
        assert (
            stored["AssociationDescription"]["MaxErrors"] == "3"
        )  # the rival's change kept
        assert ssm.operations.count("UpdateAssociation") == 3


test_rename_survives_a_busy_service_and_a_rival_writer()
print("passed")
