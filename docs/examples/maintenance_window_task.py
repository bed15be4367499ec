"""Safe updates of a maintenance window task: TaskInvocationParameters merge."""

import boto3

import ssmkit
from ssmkit.models import (
    MaintenanceWindowRunCommandParameters,
    MaintenanceWindowTaskInvocationParameters,
    MaintenanceWindowTaskType,
    Target,
)
from ssmkit.testing import mock_ssm

with mock_ssm():  # a local SSM: leave this line out to work on your account
    boto3_client = boto3.client("ssm", region_name="us-east-1")
    client = ssmkit.Client(boto3_client=boto3_client)
    window_id = boto3_client.create_maintenance_window(
        Name="patching",
        Schedule="cron(0 2 ? * SUN *)",
        Duration=3,
        Cutoff=1,
        AllowUnassociatedTargets=True,
    )["WindowId"]
    task_id = client.register_task_with_maintenance_window(
        window_id=window_id,
        task_arn="AWS-RunShellScript",
        task_type=MaintenanceWindowTaskType.RUN_COMMAND,
        targets=[
            Target(
                key="WindowTargetIds", values=["e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE"]
            )
        ],
        max_concurrency="2",
        max_errors="1",
        task_invocation_parameters=MaintenanceWindowTaskInvocationParameters(
            run_command=MaintenanceWindowRunCommandParameters(
                comment="weekly patching", output_s3_bucket_name="patch-logs"
            )
        ),
    )
    task = client.update_maintenance_window_task(
        window_id,
        task_id,
        task_invocation_parameters=MaintenanceWindowTaskInvocationParameters(
            run_command=MaintenanceWindowRunCommandParameters(
                output_s3_bucket_name="new-logs"
            )
        ),
    )
    run_command = task.task_invocation_parameters.run_command  # type: ignore[union-attr]
    print(run_command.comment, run_command.output_s3_bucket_name)  # both there
    assert run_command is not None
    assert run_command.comment == "weekly patching"
