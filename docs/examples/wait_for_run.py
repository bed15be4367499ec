"""Change an association, then wait for the run the change starts."""

import boto3

import ssmkit
from ssmkit.testing import mock_ssm

with mock_ssm() as ssm:  # a local SSM: leave this line out to work on your account
    ssm.set_run_duration(1.5)  # the local SSM's runs take time, as AWS's do
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

    ssm.fail_runs(["i-0bbbbbbbbbbbbbbb2"])  # from now on, runs fail on this node

    # Write the change, then wait for the run of the version written.
    done = client.update_association(
        created.association_id, max_errors="1", wait=True, timeout=300
    )
    run = done.run  # None only if nothing was written, or it runs on a schedule
    if run is not None:
        print(run.association_version, run.status, run.succeeded)  # 2 Failed False
        for target in run.targets:
            print(target.resource_id, target.status)

    # Or wait later, for the run of a version named.
    first = client.wait_for_association_run(
        created.association_id, version="1", timeout=300
    )
    print(first.status)  # Success

    try:
        ssm.set_run_duration(60)
        client.update_association(created.association_id, max_errors="2")
        client.wait_for_association_run(created.association_id, timeout=1)
    except ssmkit.errors.WaitTimeoutError as exc:
        print(exc.last.status if exc.last else "not started")  # Pending
