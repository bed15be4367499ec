"""Change an association, then wait for the run the change starts."""

import boto3

import ssmkit
from ssmkit.testing import mock_ssm

with mock_ssm() as ssm:  # a local SSM: leave this line out to work on your account
    ssm.set_run_duration(1.5)  # the local SSM's runs take time, as AWS's do
    ssm.fail_runs(["i-0bbbbbbbbbbbbbbb2"])
    client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))
    created = client.create_association(
        name="AWS-RunShellScript",
        targets=[
            ssmkit.models.Target(
                key="InstanceIds", values=["i-0aaaaaaaaaaaaaaa1", "i-0bbbbbbbbbbbbbbb2"]
            )
        ],
        parameters={"commands": ["uptime"]},
    )

    updated = client.update_association(created.association_id, max_errors="1")
    run = client.wait_for_association_run(
        updated.association_id, version=updated.association_version, timeout=300
    )
    print(run.association_version, run.status, run.succeeded)  # 2 Failed False
    for target in run.targets:
        print(target.resource_id, target.status)

    try:
        ssm.set_run_duration(60)
        client.update_association(created.association_id, max_errors="2")
        client.wait_for_association_run(created.association_id, timeout=1)
    except ssmkit.errors.WaitTimeoutError as exc:
        print(exc.last.status if exc.last else "not started")  # Pending
