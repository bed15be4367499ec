"""A rollout: two canaries first, stopping at the first target that fails."""

import boto3

import ssmkit
from ssmkit.models import AssociationFilter, AssociationFilterKey, Target
from ssmkit.testing import mock_ssm

with mock_ssm() as ssm:  # a local SSM: leave this line out to work on your account
    ssm.set_run_duration(0.5)
    ssm.fail_runs(["i-0bbbbbbbbbbbbbbb2"])  # one node fails its runs
    client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))
    for node in ["i-0aaaaaaaaaaaaaaa1"] * 3 + ["i-0bbbbbbbbbbbbbbb2"] * 3:
        client.create_association(
            name="AWS-RunPatchBaseline",
            targets=[Target(key="InstanceIds", values=[node])],
        )

    results = client.update_associations(
        filters=[
            AssociationFilter(
                key=AssociationFilterKey.NAME, value="AWS-RunPatchBaseline"
            )
        ],
        wait=True,
        timeout=1800,
        canary=2,
        max_failed_runs=0,
        concurrency=1,
        max_concurrency="10%",
    )
    for result in results:
        status = result.run.status if result.run else "-"
        print(result.association_id, result.outcome, status)
    # The canaries succeed; the first failed run stops the rest.
    outcomes = [r.outcome for r in results]
    assert outcomes.count("not_started") == 2
