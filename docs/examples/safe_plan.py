"""A plan: what a safe update would send and change; nothing is written."""

import boto3

import ssmkit
from ssmkit.testing import mock_ssm

with mock_ssm():  # a local SSM: leave this line out to work on your account
    client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))
    association_id = client.create_association(
        name="AWS-RunPatchBaseline", parameters={"Operation": ["Scan"]}
    ).association_id

    plan = client.plan_association_update(
        association_id, max_errors="10%", paths={"parameters.Operation": ["Install"]}
    )
    print(plan)
    # UpdateAssociation: 2 changes
    #   ~ parameters.Operation: (sensitive value changed)
    #   + max_errors: "10%"
    #   (writing it runs the association at once)
    print(plan.to_json(), plan.is_noop, plan.runs, plan.before.association_version)
    assert [c.render() for c in plan.changes] == [
        "~ parameters.Operation: (sensitive value changed)",
        '+ max_errors: "10%"',
    ]
