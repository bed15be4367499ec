"""One key of a map changes, one goes, the rest stay: paths=."""

import boto3

import ssmkit
from ssmkit import CLEAR
from ssmkit.testing import mock_ssm

with mock_ssm():  # a local SSM: leave this line out to work on your account
    client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))
    association_id = client.create_association(
        name="AWS-RunPatchBaseline",
        parameters={
            "Operation": ["Install"],
            "RebootOption": ["NoReboot"],
            "SnapshotId": ["weekly"],
        },
    ).association_id

    updated = client.update_association(
        association_id,
        paths={
            "parameters.Operation": ["Scan"],
            "parameters.RebootOption": CLEAR,
        },
    )
    print(dict(updated.parameters or {}))  # Operation: Scan, SnapshotId kept
    assert updated.parameters == {"Operation": ("Scan",), "SnapshotId": ("weekly",)}
