"""Bulk: one change set applied to every association a filter selects."""

import boto3

import ssmkit
from ssmkit.models import (
    Alarm,
    AlarmConfiguration,
    AssociationFilter,
    AssociationFilterKey,
)
from ssmkit.testing import mock_ssm

with mock_ssm():  # a local SSM: leave this line out to work on your account
    client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))
    for _ in range(5):
        client.create_association(name="AWS-RunPatchBaseline")

    results = client.update_associations(
        filters=[
            AssociationFilter(
                key=AssociationFilterKey.NAME, value="AWS-RunPatchBaseline"
            )
        ],
        concurrency=4,
        max_rate=10,  # API calls a second, across all threads
        progress=lambda result: print(result.association_id, result.outcome),
        alarm_configuration=AlarmConfiguration(alarms=[Alarm(name="patching-errors")]),
    )
    failed = [r for r in results if r.outcome == "failed"]
    print(f"{len(results) - len(failed)} updated, {len(failed)} failed")
    assert not failed
