"""expected_version=: write only if nobody wrote since the version you read."""

import boto3

import ssmkit
from ssmkit import errors
from ssmkit.testing import mock_ssm

with mock_ssm():  # a local SSM: leave this line out to work on your account
    client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))
    association_id = client.create_association(
        name="AWS-RunPatchBaseline"
    ).association_id
    client.update_association(association_id, max_errors="5")  # now at version 2

    try:
        client.update_association(
            association_id, expected_version="1", max_errors="10%"
        )
    except errors.ConcurrentUpdateError as exc:
        print(f"not written: {exc}")  # the association is at version 2 by now
    else:
        raise AssertionError("written over a newer version")
