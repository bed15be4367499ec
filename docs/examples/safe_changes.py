"""A structure merges member by member; CLEAR removes a member."""

import boto3

import ssmkit
from ssmkit import CLEAR
from ssmkit.models import InstanceAssociationOutputLocation, S3OutputLocation
from ssmkit.testing import mock_ssm

with mock_ssm():  # a local SSM: leave this line out to work on your account
    client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))
    association_id = client.create_association(
        name="AWS-RunPatchBaseline",
        calendar_names=["change-freeze"],
        output_location=InstanceAssociationOutputLocation(
            s3_location=S3OutputLocation(
                output_s3_bucket_name="patch-logs", output_s3_key_prefix="ssm/"
            )
        ),
    ).association_id

    # The bucket is kept, the prefix changes, and the calendar goes.
    updated = client.update_association(
        association_id,
        output_location=InstanceAssociationOutputLocation(
            s3_location=S3OutputLocation(output_s3_key_prefix="patching/")
        ),
        calendar_names=CLEAR,
    )
    print(updated.output_location, updated.calendar_names)
    assert updated.output_location == InstanceAssociationOutputLocation(
        s3_location=S3OutputLocation(
            output_s3_bucket_name="patch-logs", output_s3_key_prefix="patching/"
        )
    )
