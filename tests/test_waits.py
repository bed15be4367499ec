"""Waiting for an association's run, against a local SSM whose runs take time."""

from __future__ import annotations

import _thread
import datetime
import inspect
import logging
import pickle
import re
import signal
import time
from typing import Any

import attrs
import boto3
import pytest

import ssmkit
from ssmkit import errors
from ssmkit._waits import RUNNING, wait_for_association_run
from ssmkit.testing import StandIn, mock_ssm

NODES = ["i-0aaaaaaaaaaaaaaa1", "i-0aaaaaaaaaaaaaaa2"]


@pytest.fixture
def ssm() -> Any:
    with mock_ssm() as stand_in:
        yield stand_in


@pytest.fixture
def client(ssm: StandIn) -> ssmkit.Client:
    return ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))


def create(client: ssmkit.Client, **extra: Any) -> str:
    created = client.boto3_client.create_association(
        Name="AWS-RunShellScript",
        Targets=[{"Key": "InstanceIds", "Values": NODES}],
        Parameters={"commands": ["uptime"]},
        **extra,
    )
    return str(created["AssociationDescription"]["AssociationId"])


def test_a_wait_after_an_update_reports_the_new_run_not_the_last(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    association_id = create(client)  # its first run succeeds at once
    ssm.set_run_duration(0.8)
    ssm.fail_runs([NODES[1]])
    client.update_association(association_id, max_errors="1")
    # The association still reads the first run's Success while this one runs.
    assert (
        client.describe_association(association_id=association_id).overview.status
        == "Pending"
    )  # type: ignore[union-attr]
    ssm.requests.clear()
    started = time.monotonic()
    run = client.wait_for_association_run(association_id, timeout=30)
    assert time.monotonic() - started >= 0.7
    assert (run.association_version, run.status, run.succeeded) == (
        "2",
        "Failed",
        False,
    )
    assert run.started is not None
    assert run.finished is not None
    assert run.finished >= run.started
    assert {(t.resource_id, t.status) for t in run.targets} == {
        (NODES[0], "Success"),
        (NODES[1], "Failed"),
    }
    # The version was read once, then only the runs.
    operations = ssm.operations
    assert operations[0] == "DescribeAssociation"
    assert set(operations[1:-1]) == {"DescribeAssociationExecutions"}
    assert operations[-1] == "DescribeAssociationExecutionTargets"
    # The earlier version's run is found by asking for it.
    first = client.wait_for_association_run(association_id, version="1", timeout=5)
    assert (first.association_version, first.status, first.succeeded) == (
        "1",
        "Success",
        True,
    )
    assert first.execution_id != run.execution_id


def test_a_wait_that_runs_out_of_time_says_what_it_last_saw(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    ssm.set_run_duration(30)
    association_id = create(client)
    started = time.monotonic()
    with pytest.raises(errors.WaitTimeoutError) as raised:
        client.wait_for_association_run(association_id, timeout=1.0)
    assert time.monotonic() - started < 1.5
    assert isinstance(raised.value, TimeoutError)
    assert isinstance(raised.value, errors.SSMKitError)
    last = raised.value.last
    assert isinstance(last, ssmkit.AssociationRun)
    assert last.status in RUNNING
    assert last.finished is None
    assert f"association {association_id} version 1" in str(raised.value)
    copy = pickle.loads(pickle.dumps(raised.value))
    assert (str(copy), copy.last) == (str(raised.value), last)


def test_a_run_that_never_starts_times_out_with_nothing_seen(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    association_id = create(
        client, ScheduleExpression="cron(0 2 ? * SUN *)", ApplyOnlyAtCronInterval=True
    )
    with pytest.raises(
        errors.WaitTimeoutError, match="last seen: not started"
    ) as raised:
        client.wait_for_association_run(association_id, timeout=0.3)
    assert raised.value.last is None


def test_pauses_back_off_and_the_calls_are_bounded(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    ssm.set_run_duration(60)
    association_id = create(client)
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    ssm.requests.clear()
    with pytest.raises(errors.WaitTimeoutError):
        wait_for_association_run(
            client.boto3_client,
            association_id,
            version="1",
            timeout=120,
            pause=lambda attempt: min(15.0, 0.5 * 2**attempt),
            clock=lambda: now[0],
            sleep=sleep,
        )
    assert slept[:6] == [0.5, 1.0, 2.0, 4.0, 8.0, 15.0]
    assert set(slept[5:-1]) == {15.0}
    # The last pause ends at the deadline, where one more read is made.
    assert slept[-1] <= 15.0
    assert sum(slept) == pytest.approx(120)
    # One read per pause, and one more: about a dozen in two minutes.
    assert ssm.operations.count("DescribeAssociationExecutions") == len(slept) + 1
    assert len(slept) <= 13


@pytest.mark.parametrize("timeout", [0, -1, float("nan")])
def test_a_timeout_must_be_some_time(client: ssmkit.Client, timeout: float) -> None:
    with pytest.raises(ValueError, match="more than 0"):
        client.wait_for_association_run("x", timeout=timeout)


def test_full_jitter_stays_under_the_cap() -> None:
    from ssmkit._waits import pauses

    pause = pauses(first=0.5, longest=15)
    for attempt in range(12):
        cap = min(15, 0.5 * 2**attempt)
        drawn = [pause(attempt) for _ in range(200)]
        assert all(0 <= d <= cap for d in drawn)
        assert max(drawn) > cap / 2  # spread over the range, not fixed


def test_a_command_is_waited_for_on_every_node(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    command_id = client.boto3_client.send_command(
        DocumentName="AWS-RunShellScript",
        InstanceIds=NODES,
        Parameters={"commands": ["echo hi"]},
    )["Command"]["CommandId"]
    ssm.requests.clear()
    run = client.wait_for_command(command_id, timeout=10)
    assert isinstance(run, ssmkit.CommandRun)
    assert (run.command_id, run.status, run.succeeded) == (command_id, "Success", True)
    assert sorted(i.instance_id for i in run.invocations) == NODES
    assert {(i.status, i.response_code) for i in run.invocations} == {("Success", 0)}
    assert ssm.requests_for("ListCommandInvocations") == [
        {"CommandId": command_id, "Details": True}
    ]
    # Nothing was fetched for stderr: every node succeeded.
    assert "GetCommandInvocation" not in ssm.operations


def test_a_command_id_that_names_nothing_is_an_error_at_once(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    with pytest.raises(errors.InvalidCommandId):
        client.wait_for_command("8d4b0a4e-0000-4000-8000-000000000009", timeout=30)
    assert ssm.operations == ["ListCommands"]


def test_an_automation_is_waited_for_until_it_ends(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    ssm.set_run_duration(0.6)
    execution_id = client.boto3_client.start_automation_execution(
        DocumentName="AWS-RestartEC2Instance", Parameters={"InstanceId": [NODES[0]]}
    )["AutomationExecutionId"]
    first = client.get_automation_execution(automation_execution_id=execution_id)
    assert first.automation_execution_status == "Pending"
    done = client.wait_for_automation_execution(execution_id, timeout=10)
    assert done.automation_execution_status == "Success"
    assert done.execution_end_time is not None
    assert done.execution_start_time is not None
    assert done.execution_end_time > done.execution_start_time

    ssm.set_run_duration(60)
    slow = client.boto3_client.start_automation_execution(
        DocumentName="AWS-RestartEC2Instance", Parameters={"InstanceId": [NODES[0]]}
    )["AutomationExecutionId"]
    with pytest.raises(errors.WaitTimeoutError, match="last seen: Pending") as raised:
        client.wait_for_automation_execution(slow, timeout=0.4)
    assert raised.value.last.automation_execution_id == slow
    # Stopped, it ends Cancelled, and a wait says so at once.
    client.boto3_client.stop_automation_execution(AutomationExecutionId=slow)
    stopped = client.wait_for_automation_execution(slow, timeout=5)
    assert stopped.automation_execution_status in ("Cancelled", "Cancelling")


# -- rolling out in waves -------------------------------------------------------


def test_each_write_of_a_bulk_update_carries_its_run(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    ids = [create(client) for _ in range(3)]
    ssm.set_run_duration(0.3)
    ssm.fail_runs([NODES[1]])
    results = client.update_associations(
        association_ids=ids, wait=True, timeout=30, max_errors="1"
    )
    assert [r.outcome for r in results] == ["changed"] * 3
    for result in results:
        assert result.run is not None
        assert result.run.association_version == result.version_after == "2"
        assert (result.run.status, result.failed_targets) == ("Failed", 1)
        assert result.to_json()["run"]["failed_targets"] == 1
    # Unchanged: nothing written, so no run to wait for.
    again = client.update_associations(
        association_ids=ids, wait=True, timeout=30, max_errors="1"
    )
    assert [(r.outcome, r.run) for r in again] == [("unchanged", None)] * 3


def test_a_canary_that_fails_stops_the_rollout_before_the_rest(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    ids = [create(client) for _ in range(6)]
    ssm.set_run_duration(0.2)
    ssm.fail_runs([NODES[0]])
    ssm.requests.clear()
    seen: list[str] = []
    results = client.update_associations(
        association_ids=ids,
        wait=True,
        timeout=30,
        canary=2,
        max_failed_runs=0,
        concurrency=4,
        progress=lambda r: seen.append(r.outcome),
        max_errors="1",
    )
    assert [r.association_id for r in results] == ids
    assert [r.outcome for r in results] == ["changed"] * 2 + ["not_started"] * 4
    assert sorted(seen) == sorted(r.outcome for r in results)
    written = [r["AssociationId"] for r in ssm.requests_for("UpdateAssociation")]
    assert sorted(written) == sorted(ids[:2])
    # The others were never read, let alone written.
    read = {r["AssociationId"] for r in ssm.requests_for("DescribeAssociation")}
    assert read <= set(ids[:2])


def test_a_healthy_canary_lets_the_rest_go(ssm: StandIn, client: ssmkit.Client) -> None:
    ids = [create(client) for _ in range(5)]
    ssm.set_run_duration(0.2)
    results = client.update_associations(
        association_ids=ids,
        wait=True,
        timeout=30,
        canary=1,
        max_failed_runs=0,
        max_errors="1",
    )
    assert [r.outcome for r in results] == ["changed"] * 5
    assert all(r.run is not None and r.run.succeeded for r in results)


def test_a_rollout_stops_as_soon_as_the_failures_pass_the_bound(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    ids = [create(client) for _ in range(8)]
    ssm.set_run_duration(0.2)
    ssm.fail_runs([NODES[1]])
    results = client.update_associations(
        association_ids=ids,
        wait=True,
        timeout=30,
        max_failed_runs=2,
        concurrency=1,
        max_errors="1",
    )
    # One failed target a run: the third run passes the bound of 2.
    assert [r.outcome for r in results] == ["changed"] * 3 + ["not_started"] * 5


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"canary": 2}, "give wait=True"),
        ({"max_failed_runs": 0}, "give wait=True"),
        ({"wait": True, "canary": -1}, "canary must be"),
        ({"wait": True, "max_failed_runs": True}, "max_failed_runs must be"),
        ({"wait": True, "timeout": 0}, "timeout must be"),
        ({"wait": True, "dry_run": True}, "nothing runs"),
    ],
)
def test_a_rollout_asked_for_wrongly_is_refused_before_any_call(
    ssm: StandIn, client: ssmkit.Client, given: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        client.update_associations(association_ids=["x"], max_errors="1", **given)
    assert ssm.requests == []


def test_a_command_waited_for_right_after_it_is_sent(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    # Long enough that its first quarter outlasts two calls on a busy machine.
    ssm.set_run_duration(2.0)
    ssm.fail_runs([NODES[1]])
    command_id = client.boto3_client.send_command(
        DocumentName="AWS-RunShellScript",
        InstanceIds=NODES,
        Parameters={"commands": ["echo hi"]},
    )["Command"]["CommandId"]
    # As AWS right after SendCommand: no invocation to be found yet, which
    # botocore's own waiter fails on.
    with pytest.raises(client.boto3_client.exceptions.InvocationDoesNotExist):
        client.boto3_client.get_command_invocation(
            CommandId=command_id, InstanceId=NODES[0]
        )
    assert (
        client.boto3_client.list_command_invocations(CommandId=command_id)[
            "CommandInvocations"
        ]
        == []
    )
    run = client.wait_for_command(command_id, timeout=30)
    assert (run.status, run.succeeded) == ("Failed", False)
    by_node = {i.instance_id: i for i in run.invocations}
    assert (by_node[NODES[0]].status, by_node[NODES[0]].response_code) == ("Success", 0)
    assert (by_node[NODES[1]].status, by_node[NODES[1]].response_code) == ("Failed", 1)
    assert by_node[NODES[1]].error
    assert by_node[NODES[0]].error is None
    # Only the node that failed was asked for its stderr.
    assert ssm.requests_for("GetCommandInvocation")[-1] == {
        "CommandId": command_id,
        "InstanceId": NODES[1],
    }


def test_a_command_that_takes_too_long_times_out_with_what_was_seen(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    ssm.set_run_duration(30)
    command_id = client.boto3_client.send_command(
        DocumentName="AWS-RunShellScript",
        InstanceIds=NODES,
        Parameters={"commands": ["sleep 60"]},
    )["Command"]["CommandId"]
    with pytest.raises(errors.WaitTimeoutError, match="last seen: Pending") as raised:
        client.wait_for_command(command_id, timeout=0.5)
    assert isinstance(raised.value.last, ssmkit.CommandRun)
    assert raised.value.last.invocations == ()


def test_a_wait_reads_once_more_at_its_deadline(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    ssm.set_run_duration(1.0)
    association_id = create(client)
    # A pause longer than what is left is cut to the deadline, not skipped.
    run = wait_for_association_run(
        client.boto3_client, association_id, timeout=2.0, pause=lambda attempt: 60.0
    )
    assert run.status == "Success"


def test_throttling_is_waited_out(ssm: StandIn, client: ssmkit.Client) -> None:
    ssm.set_run_duration(0.5)
    association_id = create(client)
    ssm.fail_next("DescribeAssociationExecutions", "ThrottlingException", times=6)
    run = client.wait_for_association_run(association_id, timeout=30)
    assert run.succeeded


@pytest.mark.parametrize(("version", "error"), [(1, TypeError), ("abc", ValueError)])
def test_a_version_must_be_one(
    client: ssmkit.Client, version: Any, error: type[Exception]
) -> None:
    with pytest.raises(error, match="AssociationVersion"):
        client.wait_for_association_run("x", version=version)


def test_a_run_that_cannot_be_read_is_a_failure_not_an_abort(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    ids = [create(client) for _ in range(3)]
    ssm.set_run_duration(0.2)
    ssm.fail_next("DescribeAssociationExecutions", "AccessDeniedException")
    seen: list[ssmkit.BulkResult] = []
    results = client.update_associations(
        association_ids=ids,
        wait=True,
        timeout=10,
        max_failed_runs=3,
        concurrency=1,
        progress=seen.append,
        max_errors="1",
    )
    assert [r.outcome for r in results] == ["changed"] * 3
    assert [r.failed_targets for r in results] == [1, 0, 0]
    assert len(seen) == 3


def test_a_write_that_runs_only_on_its_schedule_is_not_waited_for(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    ssm.set_run_duration(60)
    association_id = create(
        client, ScheduleExpression="cron(0 2 ? * SUN *)", ApplyOnlyAtCronInterval=True
    )
    started = time.monotonic()
    (result,) = client.update_associations(
        association_ids=[association_id], wait=True, timeout=30, max_errors="1"
    )
    assert time.monotonic() - started < 5
    assert (result.outcome, result.run, result.failed_targets) == ("changed", None, 0)


def test_a_canary_that_needed_no_write_is_not_a_canary(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    ids = [create(client) for _ in range(4)]
    client.update_association(ids[0], max_errors="9")  # already as the change says
    ssm.set_run_duration(0.2)
    ssm.fail_runs(NODES)
    results = client.update_associations(
        association_ids=ids,
        wait=True,
        timeout=10,
        canary=1,
        max_failed_runs=0,
        concurrency=8,
        max_errors="9",
    )
    # The first needed no write; the second was the canary, and it failed.
    assert [r.outcome for r in results] == [
        "unchanged",
        "changed",
        "not_started",
        "not_started",
    ]


def test_a_safe_update_that_waits_returns_the_run_it_started(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    association_id = create(client)  # version 1's run succeeded
    ssm.set_run_duration(0.5)
    ssm.fail_runs([NODES[0]])
    ssm.requests.clear()
    done = client.update_association(association_id, max_errors="2", wait=True)
    assert isinstance(done, ssmkit.AssociationUpdate)
    assert done.changed is True
    assert (done.association.association_version, done.association.max_errors) == (
        "2",
        "2",
    )
    assert done.run is not None
    assert (done.run.association_version, done.run.status, done.run.succeeded) == (
        "2",
        "Failed",
        False,
    )
    assert {(t.resource_id, t.status) for t in done.run.targets} == {
        (NODES[0], "Failed"),
        (NODES[1], "Success"),
    }
    # One read and one write, then only the runs of the version written.
    operations = ssm.operations
    assert operations[:2] == ["DescribeAssociation", "UpdateAssociation"]
    assert set(operations[2:-1]) == {"DescribeAssociationExecutions"}
    assert operations[-1] == "DescribeAssociationExecutionTargets"
    assert ssm.requests_for("UpdateAssociation")[0]["AssociationVersion"] == "1"


def test_a_safe_update_that_changes_nothing_waits_for_nothing(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    association_id = create(client, MaxErrors="1")
    ssm.requests.clear()
    done = ssmkit.safe_update_association(
        client.boto3_client, association_id, max_errors="1", wait=True
    )
    assert (done.changed, done.run, done.association.max_errors) == (False, None, "1")
    assert ssm.operations == ["DescribeAssociation"]


def test_a_safe_update_of_a_scheduled_only_association_waits_for_nothing(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    association_id = create(
        client, ScheduleExpression="cron(0 2 ? * SUN *)", ApplyOnlyAtCronInterval=True
    )
    ssm.requests.clear()
    done = client.update_association(association_id, max_errors="3", wait=True)
    assert (done.changed, done.run) == (True, None)
    assert ssm.operations == ["DescribeAssociation", "UpdateAssociation"]


def test_a_safe_update_whose_run_is_slow_raises_after_the_write(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    association_id = create(client)
    ssm.set_run_duration(30)
    with pytest.raises(errors.WaitTimeoutError) as raised:
        client.update_association(
            association_id, max_errors="4", wait=True, timeout=0.5
        )
    assert f"association {association_id} version 2" in str(raised.value)
    assert raised.value.last is not None
    assert raised.value.last.association_version == "2"
    # The write landed.
    described = client.describe_association(association_id=association_id)
    assert described.association_version == "2"


@pytest.mark.parametrize("timeout", [0, "60", True])
def test_a_safe_update_with_a_wait_that_cannot_start_writes_nothing(
    ssm: StandIn, client: ssmkit.Client, timeout: Any
) -> None:
    association_id = create(client)
    ssm.requests.clear()
    with pytest.raises((TypeError, ValueError), match="timeout"):
        client.update_association(
            association_id, max_errors="4", wait=True, timeout=timeout
        )
    assert ssm.operations == []


def test_a_rollout_shows_each_run_as_it_moves(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    ids = [create(client) for _ in range(2)]
    ssm.set_run_duration(0.8)
    ssm.fail_runs([NODES[1]])
    seen: list[ssmkit.AssociationRun] = []
    results = client.update_associations(
        association_ids=ids, wait=True, timeout=30, max_errors="1", watch=seen.append
    )
    for association_id, result in zip(ids, results, strict=True):
        runs = [r for r in seen if r.association_id == association_id]
        # Read while it ran, with the targets counted, then once finished.
        assert runs[0].running
        assert runs[0].status in ("Pending", "InProgress")
        assert runs[0].target_counts == {runs[0].status: 2}
        assert runs[0].targets == ()
        assert [r.running for r in runs] == [True] * (len(runs) - 1) + [False]
        assert runs[-1] == result.run
        assert runs[-1].target_counts == {"Failed": 1, "Success": 1}
        assert len(runs[-1].targets) == 2


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"watch": print}, ValueError),
        ({"watch": "print", "wait": True}, TypeError),
    ],
)
def test_a_watch_without_a_wait_is_refused_before_any_call(
    ssm: StandIn, client: ssmkit.Client, options: dict[str, Any], error: type
) -> None:
    association_id = create(client)
    ssm.requests.clear()
    with pytest.raises(error, match="watch"):
        client.update_associations(
            association_ids=[association_id], max_errors="1", **options
        )
    plan = client.plan_associations({"Associations": []})
    with pytest.raises(error, match="watch"):
        client.apply_associations(plan, **options)
    assert ssm.operations == ["ListAssociations"]


def test_a_run_reads_the_counts_aws_writes() -> None:
    from ssmkit._waits import counts_of

    # As AWS's published example of describe-association-executions has it.
    assert counts_of("{Success=1}") == {"Success": 1}
    assert counts_of("{Failed=2, Success=10}") == {"Failed": 2, "Success": 10}
    assert counts_of("{}") == {}
    assert counts_of(None) == {}
    run = ssmkit.AssociationRun(
        association_id="a",
        association_version="1",
        execution_id="e",
        status="Success",
        target_counts={"Success": 1},
    )
    assert hash(run) == hash(attrs.evolve(run, target_counts={"Success": 1}))


def test_an_association_deleted_while_its_run_is_waited_for_says_so(
    ssm: StandIn, client: ssmkit.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="ssmkit")
    ids = [create(client) for _ in range(2)]
    ssm.set_run_duration(30)
    boto = client.boto3_client
    # Someone deletes the first once its run has been read.
    ssm.before(
        "DescribeAssociationExecutions",
        lambda request: (
            boto.delete_association(AssociationId=ids[0])
            if request["AssociationId"] == ids[0]
            else None
        ),
        times=None,
    )
    results = client.update_associations(
        association_ids=ids[:1], wait=True, timeout=20, max_errors="1"
    )
    [result] = results
    assert result.outcome == "changed"  # the write landed
    assert result.run is not None
    assert result.run.execution_id == ""  # never seen to finish
    assert (result.run.association_id, result.run.association_version) == (
        ids[0],
        "2",
    )
    assert result.failed_targets == 1
    assert isinstance(result.error, errors.AssociationDoesNotExist)
    assert result.to_json()["error"] is not None
    assert [r.getMessage() for r in caplog.records if r.name == "ssmkit"] == [
        f"association {ids[0]}: its run could not be read: {result.error}"
    ]


def test_a_watch_that_raises_loses_no_result(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    ids = [create(client) for _ in range(4)]
    ssm.set_run_duration(0.3)

    def watch(run: ssmkit.AssociationRun) -> None:
        if run.association_id == ids[1]:
            raise RuntimeError("a watcher gone wrong")

    got: list[ssmkit.BulkResult] = []
    with pytest.raises(RuntimeError, match="gone wrong"):
        client.update_associations(
            association_ids=ids,
            wait=True,
            timeout=20,
            max_errors="1",
            concurrency=4,
            watch=watch,
            progress=got.append,
        )
    # Every other write that landed was passed on before the error went on
    # (one not yet sent when the error came is not sent: under load, some).
    landed = {q["AssociationId"] for q in ssm.requests_for("UpdateAssociation")}
    assert ids[1] in landed
    assert sorted(r.association_id for r in got) == sorted(landed - {ids[1]})
    assert all(r.outcome == "changed" for r in got)


def test_a_ctrl_c_inside_progress_passes_the_result_on_again(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    ids = [create(client) for _ in range(3)]
    got: list[str] = []
    pressed: list[str] = []

    def progress(result: ssmkit.BulkResult) -> None:
        if not pressed:
            # Ctrl-C lands after the call finished, before it was recorded.
            pressed.append(result.association_id)
            raise KeyboardInterrupt
        got.append(result.association_id)

    with pytest.raises(KeyboardInterrupt):
        client.update_associations(
            association_ids=ids, max_errors="1", concurrency=1, progress=progress
        )
    # The result the Ctrl-C cut off is passed on again: nothing written is lost.
    assert pressed[0] in got
    written = [
        i
        for i in ids
        if client.describe_association(association_id=i).max_errors == "1"
    ]
    assert sorted(got) == sorted(written)


def test_the_local_ssm_takes_node_ids_as_strings(ssm: StandIn) -> None:
    for odd in ([None], [1], [b"i-1"]):
        with pytest.raises(TypeError, match="node ids as strings"):
            ssm.fail_runs(odd)  # type: ignore[arg-type]


@pytest.mark.parametrize("version", ["\u00b2", "01", "0", "\u0663", " 1"])
def test_a_version_is_ascii_digits_from_1(client: ssmkit.Client, version: str) -> None:
    with pytest.raises(ValueError, match="AssociationVersion"):
        client.wait_for_association_run("x", version=version, timeout=1)


def test_a_timeout_too_large_for_a_float_waits_for_ever(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    association_id = create(client)
    run = client.wait_for_association_run(association_id, timeout=10**400)
    assert run.succeeded


@pytest.mark.parametrize("status", ["Waiting", "Delayed", "Pending", "InProgress"])
def test_a_run_that_waits_or_is_delayed_has_not_finished(status: str) -> None:
    from botocore.stub import Stubber

    boto = boto3.client(
        "ssm",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    stubber = Stubber(boto)
    started = datetime.datetime(2026, 12, 5, tzinfo=datetime.timezone.utc)
    for now in (status, "Success"):
        stubber.add_response(
            "describe_association_executions",
            {
                "AssociationExecutions": [
                    {
                        "AssociationId": "a" * 36,
                        "AssociationVersion": "2",
                        "ExecutionId": "e" * 36,
                        "Status": now,
                        "CreatedTime": started,
                    }
                ]
            },
            {"AssociationId": "a" * 36},
        )
    stubber.add_response(
        "describe_association_execution_targets",
        {"AssociationExecutionTargets": []},
        {"AssociationId": "a" * 36, "ExecutionId": "e" * 36},
    )
    with stubber:
        run = wait_for_association_run(
            boto, "a" * 36, version="2", timeout=30, pause=lambda attempt: 0.0
        )
    # The first read did not end the wait: the second, Success, did.
    assert run.status == "Success"
    stubber.assert_no_pending_responses()


def test_a_rollout_waits_for_the_run_of_the_version_it_wrote(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    (association_id,) = [create(client)]
    ssm.set_run_duration(0.3)
    written: list[bool] = []
    rival: list[str] = []

    def rival_writes(_: object) -> None:
        # Another writer lands version 3 just after this write, before the
        # first read of the wait.
        if written and not rival:
            answer = client.boto3_client.update_association(
                AssociationId=association_id, MaxConcurrency="7"
            )
            rival.append(answer["AssociationDescription"]["AssociationVersion"])

    ssm.before("UpdateAssociation", lambda _: written.append(True))
    for read in ("DescribeAssociation", "DescribeAssociationExecutions"):
        ssm.before(read, rival_writes, times=None)
    (result,) = client.update_associations(
        association_ids=[association_id],
        wait=True,
        timeout=30,
        canary=1,
        max_errors="1",
    )
    assert rival == ["3"]
    assert result.version_after == "2"
    assert result.run is not None
    assert result.run.association_version == "2"


def test_a_rollout_s_wait_ends_at_its_timeout(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    association_id = create(client)
    ssm.set_run_duration(60)
    started = time.monotonic()
    (result,) = client.update_associations(
        association_ids=[association_id],
        wait=True,
        timeout=0.5,
        max_failed_runs=5,
        max_errors="1",
    )
    assert time.monotonic() - started < 30
    assert result.outcome == "changed"
    assert result.run is not None
    assert result.run.running
    assert result.run.execution_id  # the run as last read, under way
    assert result.error is None
    assert result.failed_targets == 1  # not seen to end: counted as failed


def test_a_ctrl_c_during_a_rollout_s_wait_ends_the_wait_at_once(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    association_id = create(client)
    ssm.set_run_duration(60)
    # Ctrl-C, as the main thread receives it, once the wait has read the run.
    ssm.before(
        "DescribeAssociationExecutions",
        lambda _: _thread.interrupt_main(),
    )
    got: list[ssmkit.BulkResult] = []
    started = time.monotonic()
    # Python's own handler, whatever the process running the tests set.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            client.update_associations(
                association_ids=[association_id],
                wait=True,
                timeout=120,
                max_failed_runs=5,
                max_errors="1",
                progress=got.append,
            )
    finally:
        signal.signal(signal.SIGINT, previous)
    assert time.monotonic() - started < 30
    # The write landed; its run, cut short, is in the result passed on.
    assert [(r.outcome, r.run is not None and r.run.running) for r in got] == [
        ("changed", True)
    ]


def apply_entry(name: str, max_errors: str) -> dict[str, Any]:
    return {
        "AssociationName": name,
        "Name": "AWS-RunShellScript",
        "Targets": [{"Key": "InstanceIds", "Values": NODES}],
        "Parameters": {"commands": ["uptime"]},
        "MaxErrors": max_errors,
    }


def calls(ssm: StandIn) -> list[tuple[str, Any]]:
    """Each request served, in order: its operation and association."""
    return [(r.operation, r.params.get("AssociationId")) for r in ssm.requests]


def test_an_apply_that_waits_carries_the_run_of_each_write(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    client.apply_associations(
        client.plan_associations(
            [apply_entry("kept", "1"), apply_entry("changed", "1")]
        )
    )
    ssm.set_run_duration(0.2)
    ssm.fail_runs([NODES[1]])
    plan = client.plan_associations(
        [
            apply_entry("kept", "1"),
            apply_entry("changed", "2"),
            apply_entry("created", "1"),
        ]
    )
    seen: list[ssmkit.AssociationRun] = []
    results = client.apply_associations(plan, wait=True, timeout=30, watch=seen.append)
    runs = {r.name: r.run for r in results}
    assert runs["kept"] is None  # nothing written: no run
    # Each run is watched as it moves, to where it ended.
    watched = {r.association_id for r in seen}
    assert watched == {r.association_id for r in results if r.name != "kept"}
    for result in results[1:]:
        last = [r for r in seen if r.association_id == result.association_id][-1]
        assert last == result.run
    for name in ("changed", "created"):
        (result,) = [r for r in results if r.name == name]
        run = runs[name]
        assert run is not None, name
        assert run.association_version == result.version_after
        assert (run.status, result.failed_targets) == ("Failed", 1)
        assert result.to_json()["run"]["failed_targets"] == 1


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        (
            {"canary": 1},
            ValueError,
            "canary and max_failed_runs judge the runs: give wait=True too",
        ),
        (
            {"max_failed_runs": 0},
            ValueError,
            "canary and max_failed_runs judge the runs: give wait=True too",
        ),
        (
            {"wait": True, "canary": 0},
            ValueError,
            "canary must be a whole number, 1 or more, got 0",
        ),
        (
            {"wait": True, "max_failed_runs": -1},
            ValueError,
            "max_failed_runs must be a whole number, 0 or more, got -1",
        ),
        (
            {"wait": True, "timeout": 0},
            ValueError,
            "timeout must be a number of seconds more than 0, got 0",
        ),
        (
            {"watch": print},
            ValueError,
            "watch is called with the runs waited for: give wait=True too",
        ),
        ({"watch": "print"}, TypeError, "watch must be callable, got str"),
        ({"wait": True, "watch": 5}, TypeError, "watch must be callable, got int"),
        (
            {"wait": True, "timeout": "30"},
            ValueError,
            "timeout must be a number of seconds more than 0, got '30'",
        ),
        (
            {"wait": True, "timeout": True},
            ValueError,
            "timeout must be a number of seconds more than 0, got True",
        ),
    ],
)
def test_a_rollout_that_cannot_be_run_is_refused_in_words(
    ssm: StandIn,
    client: ssmkit.Client,
    options: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    plan = client.plan_associations({"Associations": []})
    ssm.requests.clear()
    whole = f"^{re.escape(message)}$"
    with pytest.raises(error, match=whole):
        client.apply_associations(plan, **options)
    with pytest.raises(error, match=whole):
        client.update_associations(association_ids=[], max_errors="1", **options)
    assert ssm.operations == []


def test_a_dry_run_that_waits_is_refused_in_words(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    with pytest.raises(
        ValueError, match=r"^a dry run writes nothing, so nothing runs to wait for$"
    ):
        client.update_associations(
            association_ids=[], max_errors="1", wait=True, dry_run=True
        )
    assert ssm.operations == []


def test_an_apply_paces_each_call_by_its_interval(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    plan = client.plan_associations(
        [
            {"AssociationName": f"paced-{n}", "Name": "AWS-RunShellScript"}
            for n in range(3)
        ]
    )
    arrived: list[float] = []
    for operation in ("ListAssociations", "CreateAssociation"):
        ssm.before(operation, lambda _: arrived.append(time.monotonic()), times=None)
    client.apply_associations(plan, concurrency=1, max_rate=4)
    # A create looks for one of its name first: six calls, a quarter second apart.
    assert len(arrived) == 6
    # Measured over the whole run, so that one call's own delay, at either
    # end of a gap, does not count as the pace's: 5 intervals in all.
    span = arrived[-1] - arrived[0]
    assert 5 * 0.25 - 0.05 <= span < 5 * 0.25 * 1.6, arrived


def test_after_a_healthy_canary_the_rest_go_together(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    ids = [create(client) for _ in range(3)]
    ssm.set_run_duration(2)
    ssm.requests.clear()
    results = client.update_associations(
        association_ids=ids,
        wait=True,
        timeout=30,
        canary=1,
        max_failed_runs=0,
        concurrency=2,
        max_errors="1",
    )
    assert [r.outcome for r in results] == ["changed"] * 3
    # The canary's run is seen to end before the rest start; then the other
    # two are written side by side, not one run after another.
    seen = calls(ssm)
    written = [i for op, i in seen if op == "UpdateAssociation"]
    assert written[0] == ids[0]
    assert sorted(written[1:]) == sorted(ids[1:])
    last_update = max(n for n, (op, _) in enumerate(seen) if op == "UpdateAssociation")
    polls_after = [
        i for op, i in seen[last_update:] if op == "DescribeAssociationExecutions"
    ]
    assert set(polls_after) >= set(ids[1:]), seen
    first = results[0]
    assert all(r.error is None for r in results)
    assert first.to_json()["error"] is None
    assert first.run is not None
    assert first.to_json()["run"] == {
        "execution_id": first.run.execution_id,
        "status": "Success",
        "succeeded": True,
        "failed_targets": 0,
    }


def test_a_failure_that_is_not_the_service_s_has_no_code(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    association_id = create(client)  # no cron schedule
    ssm.requests.clear()
    # "To use offsets, you must specify the ApplyOnlyAtCronInterval parameter":
    # judged against what this association holds, so it fails on its own.
    (result,) = client.update_associations(
        association_ids=[association_id], schedule_offset=2
    )
    assert result.outcome == "failed"
    assert isinstance(result.error, errors.ValidationError)
    assert result.to_json()["error"] == {
        "type": "ValidationError",
        "code": None,
        "message": str(result.error),
    }
    assert "UpdateAssociation" not in ssm.operations


def test_an_apply_s_canary_that_fails_leaves_the_rest_unstarted(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    names = ["first", "second", "third"]
    client.apply_associations(
        client.plan_associations([apply_entry(n, "1") for n in [*names, "kept"]])
    )
    plan = client.plan_associations(
        [*(apply_entry(n, "2") for n in names), apply_entry("kept", "1")]
    )
    ssm.set_run_duration(0.2)
    ssm.fail_runs([NODES[0]])
    results = client.apply_associations(
        plan, wait=True, timeout=30, canary=1, max_failed_runs=0, concurrency=4
    )
    # What needed no call is as the file says, started or not.
    assert [(r.name, r.outcome) for r in results] == [
        ("first", "changed"),
        ("second", "not_started"),
        ("third", "not_started"),
        ("kept", "unchanged"),
    ]
    # Those never started name the association and the version planned.
    for result, planned in zip(results[1:3], plan.associations[1:3], strict=True):
        assert result.to_json() == {
            "name": planned.name,
            "association_id": planned.association_id,
            "outcome": "not_started",
            "version_before": "1",
            "version_after": None,
            "error": None,
        }


def test_an_apply_whose_association_is_deleted_during_its_wait_says_so(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    client.apply_associations(client.plan_associations([apply_entry("gone", "1")]))
    plan = client.plan_associations([apply_entry("gone", "2")])
    (association_id,) = [a.association_id for a in plan.associations]
    ssm.set_run_duration(30)
    boto = client.boto3_client
    ssm.before(
        "DescribeAssociationExecutions",
        lambda _: boto.delete_association(AssociationId=association_id),
    )
    (result,) = client.apply_associations(plan, wait=True, timeout=20)
    assert result.outcome == "changed"  # the write landed
    assert result.failed_targets == 1  # its run never seen to end
    assert isinstance(result.error, errors.AssociationDoesNotExist)
    assert result.to_json()["error"]["code"] == "AssociationDoesNotExist"


def test_a_create_that_waits_for_its_schedule_does_not_run_at_once(
    client: ssmkit.Client,
) -> None:
    entry = {
        **apply_entry("on-schedule", "1"),
        "ScheduleExpression": "cron(0 2 ? * SUN *)",
        "ApplyOnlyAtCronInterval": True,
    }
    (planned,) = client.plan_associations([entry]).associations
    assert (planned.action, planned.runs) == ("create", False)
    assert planned.render().splitlines()[0] == "+ create on-schedule"
    (runs,) = client.plan_associations([apply_entry("at-once", "1")]).associations
    assert runs.render().splitlines()[0] == (
        "+ create at-once (runs at once on its targets)"
    )


def test_a_create_holding_a_placeholder_is_refused_word_for_word(
    client: ssmkit.Client,
) -> None:
    entry = apply_entry("secretive", "1")
    entry["Parameters"] = {"commands": "<sensitive>", "workingDirectory": "<sensitive>"}
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations([entry])
    assert str(caught.value) == (
        "<entries>: 1 problem, nothing was written\n"
        "  secretive: parameters.commands, parameters.workingDirectory: holds the "
        "placeholder <sensitive> (exported without --show-sensitive) and there is "
        "no live value to keep: write the value"
    )


def test_a_canary_counts_only_writes_that_ran_however_many_waves_it_takes(
    ssm: StandIn, client: ssmkit.Client, caplog: pytest.LogCaptureFixture
) -> None:
    ids = [create(client) for _ in range(4)]
    client.update_association(ids[0], max_errors="9")  # already as asked
    ssm.set_run_duration(0.1)
    ssm.requests.clear()
    results = client.update_associations(
        association_ids=ids,
        wait=True,
        timeout=30,
        canary=2,
        max_failed_runs=0,
        max_errors="9",
    )
    assert [r.outcome for r in results] == ["unchanged"] + ["changed"] * 3
    # Each read once, each change written once: no wave takes one up again.
    assert ssm.operations.count("DescribeAssociation") == 4
    assert ssm.operations.count("UpdateAssociation") == 3
    # A canary larger than the selection: every one is in it.
    again = client.update_associations(
        association_ids=ids[:2],
        wait=True,
        timeout=30,
        canary=5,
        max_failed_runs=0,
        max_errors="8",
    )
    assert [r.outcome for r in again] == ["changed", "changed"]
    # A failure past the bound says so, once.
    ssm.fail_runs(NODES)
    caplog.set_level(logging.WARNING, logger="ssmkit")
    caplog.clear()
    stopped = client.update_associations(
        association_ids=ids,
        wait=True,
        timeout=30,
        canary=1,
        max_failed_runs=1,
        max_errors="7",
    )
    assert [r.outcome for r in stopped] == ["changed"] + ["not_started"] * 3
    assert [r.getMessage() for r in caplog.records] == [
        "2 targets failed, more than 1: no further write starts"
    ]
    # One target: one failed.
    ssm.fail_runs(NODES[:1])
    caplog.clear()
    one = client.update_associations(
        association_ids=ids,
        wait=True,
        timeout=30,
        canary=1,
        max_failed_runs=0,
        max_errors="6",
    )
    assert [r.outcome for r in one] == ["changed"] + ["not_started"] * 3
    assert [r.getMessage() for r in caplog.records] == [
        "1 target failed, more than 0: no further write starts"
    ]


def test_a_canary_without_a_bound_still_goes_first(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    ids = [create(client) for _ in range(3)]
    ssm.set_run_duration(0.3)
    ssm.requests.clear()
    results = client.update_associations(
        association_ids=ids,
        wait=True,
        timeout=30,
        canary=1,
        concurrency=3,
        max_errors="1",
    )
    assert [r.outcome for r in results] == ["changed"] * 3
    seen = calls(ssm)
    writes = [n for n, (op, _) in enumerate(seen) if op == "UpdateAssociation"]
    canary_polls = [
        n
        for n, (op, i) in enumerate(seen)
        if op == "DescribeAssociationExecutions" and i == ids[0]
    ]
    # The canary's run is read to its end before any other write.
    assert seen[writes[0]][1] == ids[0]
    assert max(canary_polls) < writes[1], seen


@pytest.mark.parametrize(
    "wait",
    [
        ssmkit.Client.wait_for_association_run,
        ssmkit.Client.wait_for_command,
        ssmkit.Client.wait_for_automation_execution,
    ],
)
def test_each_wait_gives_ten_minutes_unless_told(wait: Any) -> None:
    assert inspect.signature(wait).parameters["timeout"].default == 600.0
