"""Getting started: update one member of an association, keep the rest."""

import boto3

import ssmkit
from ssmkit.testing import (
    mock_ssm,
)  # a local SSM; with real AWS, leave out `with mock_ssm()`

with mock_ssm():
    client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))
    created = client.create_association(name="AWS-RunPatchBaseline", max_errors="1")
    association_id = created.association_id or ""
    # --8<-- [start:five-lines]
    updated = client.update_association(association_id, max_errors="5")
    print(updated.association_version, updated.max_errors, updated.name)
    # --8<-- [end:five-lines]
