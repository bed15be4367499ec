"""Request members newer than ssmkit: extra_params=, validated by botocore."""

import boto3

import ssmkit
from ssmkit import errors
from ssmkit.testing import mock_ssm

with mock_ssm():  # a local SSM: leave this line out to work on your account
    client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))
    created = client.create_association(name="AWS-RunShellScript")

    # Request members newer than this release of ssmkit go in extra_params=, in
    # boto3's form, and botocore validates them like any other member. A member
    # the method has an argument for is refused before any call:
    try:
        client.describe_association(
            association_id=created.association_id,
            extra_params={"AssociationVersion": "1"},
        )
    except errors.ValidationError as exc:
        print(exc)  # ... has an argument of its own (association_version=) ...
