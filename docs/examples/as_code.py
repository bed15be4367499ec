"""Associations as code: plan a file, apply it, and plan again: nothing left."""

from pathlib import Path

import boto3

import ssmkit
from ssmkit.testing import mock_ssm

FILE = Path("associations.yaml")  # the file above, in the current directory

with mock_ssm():  # a local SSM: leave this line out to work on your account
    client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))

    plan = client.plan_associations(FILE, prune=True)
    print(plan.render())  # sensitive values masked
    results = client.apply_associations(plan, concurrency=4, max_rate=5)
    for result in results:
        print(result.name, result.outcome, result.association_id)
    assert all(r.outcome in ("created", "changed", "unchanged") for r in results)

    again = client.plan_associations(FILE, prune=True)
    print(again.summary())
    assert not again.pending
