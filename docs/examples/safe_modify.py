"""modify=: a function from the association as it is to how it should be."""

import attrs
import boto3

import ssmkit
from ssmkit.models import (
    AssociationDescription,
    InstanceAssociationOutputLocation,
    S3OutputLocation,
)
from ssmkit.testing import mock_ssm


def without_prefix(current: AssociationDescription) -> AssociationDescription:
    location = current.output_location
    assert location is not None
    assert location.s3_location is not None
    s3 = attrs.evolve(location.s3_location, output_s3_key_prefix=None)
    return attrs.evolve(current, output_location=attrs.evolve(location, s3_location=s3))


with mock_ssm():  # a local SSM: leave this line out to work on your account
    client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))
    association_id = client.create_association(
        name="AWS-RunPatchBaseline",
        output_location=InstanceAssociationOutputLocation(
            s3_location=S3OutputLocation(
                output_s3_bucket_name="patch-logs", output_s3_key_prefix="ssm/"
            )
        ),
    ).association_id

    updated = client.update_association(association_id, modify=without_prefix)
    print(updated.output_location)  # the bucket alone
