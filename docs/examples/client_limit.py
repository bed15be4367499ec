"""Pages of a size, and a limit on how many items a walk takes."""

import boto3

import ssmkit
from ssmkit.testing import mock_ssm

with mock_ssm():  # a local SSM: leave this line out to work on your account
    client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))
    for n in range(5):
        client.create_association(name="AWS-RunShellScript", association_name=f"n-{n}")

    # Pages of two, and stop after three associations: two calls, not more.
    first = list(client.list_associations(max_results=2, limit=3))
    print([a.association_name for a in first])
    assert len(first) == 3
