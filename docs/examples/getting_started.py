"""Update one member of an association and keep the rest."""

import boto3

import ssmkit
from ssmkit.testing import mock_ssm

with mock_ssm():  # a local SSM: leave this line out to work on your account
    client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))
    created = client.create_association(name="AWS-RunPatchBaseline", max_errors="1")

    updated = client.update_association(created.association_id, max_errors="5")
    print(updated.association_version, updated.max_errors, updated.name)
