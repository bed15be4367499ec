"""Maintenance windows as code: planned and applied against the local SSM."""

from __future__ import annotations

import copy
from typing import Any

import attrs
import boto3
import pytest

import ssmkit
from ssmkit import errors
from ssmkit.testing import StandIn, mock_ssm

WINDOW: dict[str, Any] = {
    "Name": "patch-sunday",
    "Schedule": "cron(0 2 ? * SUN *)",
    "Duration": 4,
    "Cutoff": 1,
    "AllowUnassociatedTargets": False,
    "Tags": [{"Key": "team", "Value": "ops"}],
    "Targets": [
        {
            "Name": "web",
            "ResourceType": "INSTANCE",
            "Targets": [{"Key": "tag:Role", "Values": ["web"]}],
        },
        {
            "Name": "dbs",
            "ResourceType": "INSTANCE",
            "Targets": [{"Key": "tag:Role", "Values": ["db"]}],
        },
    ],
    "Tasks": [
        {
            "Name": "patch",
            "TaskArn": "AWS-RunPatchBaseline",
            "TaskType": "RUN_COMMAND",
            "Targets": [{"Key": "WindowTargetIds", "Values": ["web", "dbs"]}],
            "Priority": 1,
            "MaxConcurrency": "10%",
            "MaxErrors": "1",
            "TaskInvocationParameters": {
                "RunCommand": {
                    "Parameters": {
                        "Operation": ["Install"],
                        "RebootOption": ["RebootIfNeeded"],
                    },
                    "TimeoutSeconds": 600,
                }
            },
        },
        {
            # No targets: an Automation task may go without.
            "Name": "report",
            "TaskArn": "AWS-RestartEC2Instance",
            "TaskType": "AUTOMATION",
            "Priority": 2,
        },
    ],
}


@pytest.fixture
def ssm() -> Any:
    with mock_ssm() as stand_in:
        yield stand_in


@pytest.fixture
def client(ssm: StandIn) -> ssmkit.Client:
    return ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))


def document(*windows: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"MaintenanceWindows": [copy.deepcopy(w) for w in windows], **extra}


def applied(client: ssmkit.Client, doc: dict[str, Any], **options: Any) -> list[Any]:
    results = client.apply(client.plan(doc, **options))
    assert all(r.error is None for r in results), [r.error for r in results]
    return results


def live_window(client: ssmkit.Client) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The one window: its id, its targets' ids by name, its tasks by name."""
    boto = client.boto3_client
    [window] = boto.describe_maintenance_windows()["WindowIdentities"]
    window_id = window["WindowId"]
    targets = {
        t["Name"]: t["WindowTargetId"]
        for t in boto.describe_maintenance_window_targets(WindowId=window_id)["Targets"]
    }
    tasks = {
        t["Name"]: boto.get_maintenance_window_task(
            WindowId=window_id, WindowTaskId=t["WindowTaskId"]
        )
        for t in boto.describe_maintenance_window_tasks(WindowId=window_id)["Tasks"]
    }
    return window_id, targets, tasks


def test_apply_into_an_empty_account_writes_everything_as_written(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    plan = client.plan(document(WINDOW))
    assert [(p.part, p.name, p.action) for p in plan.maintenance_windows] == [
        ("window", "patch-sunday", "create"),
        ("target", "web", "create"),
        ("target", "dbs", "create"),
        ("task", "patch", "create"),
        ("task", "report", "create"),
    ]
    assert plan.counts() == {"create": 5, "update": 0, "unchanged": 0, "delete": 0}
    # Sensitive values are masked in the plan's text.
    assert "Install" not in plan.render()
    assert "Install" in plan.render(show_sensitive=True)
    ssm.requests.clear()
    results = client.apply(plan)
    assert [(r.part, r.name, r.outcome) for r in results] == [
        ("window", "patch-sunday", "created"),
        ("target", "web", "created"),
        ("target", "dbs", "created"),
        ("task", "patch", "created"),
        ("task", "report", "created"),
    ]
    window_id, targets, tasks = live_window(client)
    # botocore adds an idempotency token to each create: not the file's.
    writes = [
        attrs.evolve(
            r, params={k: v for k, v in r.params.items() if k != "ClientToken"}
        )
        for r in ssm.requests
        if not r.operation.startswith(("Describe", "Get"))
    ]
    assert [w.operation for w in writes] == [
        "CreateMaintenanceWindow",
        "RegisterTargetWithMaintenanceWindow",
        "RegisterTargetWithMaintenanceWindow",
        "RegisterTaskWithMaintenanceWindow",
        "RegisterTaskWithMaintenanceWindow",
    ]
    own = {k: v for k, v in WINDOW.items() if k not in ("Targets", "Tasks")}
    assert writes[0].params == own
    assert writes[1].params == {"WindowId": window_id, **WINDOW["Targets"][0]}
    patch = {
        **WINDOW["Tasks"][0],
        "WindowId": window_id,
        # The names resolved to the ids of the targets just registered.
        "Targets": [
            {"Key": "WindowTargetIds", "Values": [targets["dbs"], targets["web"]]}
        ],
    }
    assert writes[3].params == patch
    assert writes[4].params == {"WindowId": window_id, **WINDOW["Tasks"][1]}
    assert tasks["report"].get("Targets", []) == []
    # Planned again: nothing to do.
    again = client.plan(document(WINDOW))
    assert not again.pending
    assert {p.action for p in again.maintenance_windows} == {"unchanged"}


def test_export_then_plan_is_empty_and_keeps_secrets_out(
    client: ssmkit.Client,
) -> None:
    applied(client, document(WINDOW))
    exported, left_out = client.export()
    assert left_out == []
    [window] = exported["MaintenanceWindows"]
    [patch] = [t for t in window["Tasks"] if t["Name"] == "patch"]
    # By name, as the file says them; the secret values as the placeholder.
    assert patch["Targets"] == [{"Key": "WindowTargetIds", "Values": ["dbs", "web"]}]
    parameters = patch["TaskInvocationParameters"]["RunCommand"]["Parameters"]
    assert parameters == {"Operation": "<sensitive>", "RebootOption": "<sensitive>"}
    plan = client.plan(exported)
    assert not plan.pending, plan.render()
    shown, _ = client.export(show_sensitive=True)
    [window] = shown["MaintenanceWindows"]
    [patch] = [t for t in window["Tasks"] if t["Name"] == "patch"]
    assert patch["TaskInvocationParameters"]["RunCommand"]["Parameters"] == {
        "Operation": ["Install"],
        "RebootOption": ["RebootIfNeeded"],
    }


def test_a_change_to_one_member_keeps_what_others_changed(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    applied(client, document(WINDOW))
    window_id, targets, tasks = live_window(client)
    task_id = tasks["patch"]["WindowTaskId"]
    # Out of band: another member, and a member of TaskInvocationParameters the
    # file does not hold.
    client.update_maintenance_window_task(
        window_id,
        task_id,
        description="kept",
        paths={"task_invocation_parameters.run_command.comment": "kept too"},
    )
    changed = copy.deepcopy(WINDOW)
    changed["Tasks"][0]["MaxErrors"] = "2"
    plan = client.plan(document(changed))
    assert plan.pending  # an update alone is pending
    [update] = [p for p in plan.maintenance_windows if p.action == "update"]
    assert (update.part, update.name) == ("task", "patch")
    assert [c.path for c in update.changes] == ["max_errors"]
    ssm.requests.clear()
    results = client.apply(plan)
    assert [r.outcome for r in results if r.name == "patch"] == ["changed"]
    [sent] = ssm.requests_for("UpdateMaintenanceWindowTask")
    assert sent["MaxErrors"] == "2"
    # The targets sent back as ids, as the service keeps them.
    assert sent["Targets"] == [
        {"Key": "WindowTargetIds", "Values": [targets["dbs"], targets["web"]]}
    ]
    now = client.boto3_client.get_maintenance_window_task(
        WindowId=window_id, WindowTaskId=task_id
    )
    assert now["MaxErrors"] == "2"
    assert now["Description"] == "kept"
    run_command = now["TaskInvocationParameters"]["RunCommand"]
    assert run_command["Comment"] == "kept too"
    assert run_command["Parameters"]["Operation"] == ["Install"]
    assert run_command["TimeoutSeconds"] == 600


def test_a_rival_write_between_plan_and_apply_is_a_conflict(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    applied(client, document(WINDOW))
    window_id, targets, _ = live_window(client)
    changed = copy.deepcopy(WINDOW)
    changed["Duration"] = 5
    changed["Targets"][0]["Targets"] = [{"Key": "tag:Role", "Values": ["www"]}]
    plan = client.plan(document(changed))
    client.boto3_client.update_maintenance_window(WindowId=window_id, Cutoff=2)
    client.boto3_client.update_maintenance_window_target(
        WindowId=window_id, WindowTargetId=targets["web"], Description="rival"
    )
    ssm.requests.clear()
    results = client.apply(plan)
    outcomes = {(r.part, r.name): r.outcome for r in results}
    assert outcomes[("window", "patch-sunday")] == "conflict"
    assert "changed since the plan" in str(
        next(r.error for r in results if r.part == "window")
    )
    # Its parts are not written either: the window was not.
    assert outcomes[("target", "web")] == "not_started"
    assert ssm.requests_for("UpdateMaintenanceWindow") == []
    assert ssm.requests_for("UpdateMaintenanceWindowTarget") == []
    described = client.boto3_client.get_maintenance_window(WindowId=window_id)
    assert (described["Duration"], described["Cutoff"]) == (4, 2)


def test_a_target_changed_since_the_plan_is_a_conflict_alone(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    applied(client, document(WINDOW))
    window_id, targets, _ = live_window(client)
    changed = copy.deepcopy(WINDOW)
    changed["Targets"][0]["Targets"] = [{"Key": "tag:Role", "Values": ["www"]}]
    changed["Targets"][1]["Targets"] = [{"Key": "tag:Role", "Values": ["dbs"]}]
    plan = client.plan(document(changed))
    client.boto3_client.update_maintenance_window_target(
        WindowId=window_id, WindowTargetId=targets["web"], Description="rival"
    )
    results = client.apply(plan)
    outcomes = {(r.part, r.name): r.outcome for r in results}
    assert outcomes[("target", "web")] == "conflict"
    assert outcomes[("target", "dbs")] == "changed"
    # The task naming the target not written is not written either.
    assert outcomes[("task", "patch")] == "unchanged"
    web = client.boto3_client.describe_maintenance_window_targets(
        WindowId=window_id,
        Filters=[{"Key": "WindowTargetId", "Values": [targets["web"]]}],
    )["Targets"][0]
    assert web["Targets"] == [{"Key": "tag:Role", "Values": ["web"]}]
    assert web["Description"] == "rival"


def test_prune_deletes_within_its_scope_only(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    other = {**copy.deepcopy(WINDOW), "Name": "other-window"}
    old = {**copy.deepcopy(WINDOW), "Name": "patch-old"}
    applied(client, document(WINDOW, other, old))
    smaller = copy.deepcopy(WINDOW)
    del smaller["Targets"][1]
    smaller["Tasks"] = [smaller["Tasks"][1]]
    with pytest.raises(errors.ValidationError, match="pruning needs a scope"):
        client.plan(document(smaller), prune=True)
    plan = client.plan(document(smaller, Prune={"NamePrefix": "patch-"}), prune=True)
    deletes = [
        (p.part, p.window, p.name)
        for p in plan.maintenance_windows
        if p.action == "delete"
    ]
    assert deletes == [
        ("task", "patch-sunday", "patch"),
        ("target", "patch-sunday", "dbs"),
        ("window", "patch-old", "patch-old"),
    ]
    assert "(not in the file)" in plan.render()
    ssm.requests.clear()
    results = client.apply(plan)
    assert [r.outcome for r in results if r.outcome != "unchanged"] == [
        "deleted",
        "deleted",
        "deleted",
    ]
    assert ssm.operations.index("DeregisterTaskFromMaintenanceWindow") < (
        ssm.operations.index("DeregisterTargetFromMaintenanceWindow")
    )
    names = {
        w["Name"]
        for w in client.boto3_client.describe_maintenance_windows()["WindowIdentities"]
    }
    assert names == {"patch-sunday", "other-window"}


def test_every_problem_in_the_file_is_listed_before_any_call(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    bad = copy.deepcopy(WINDOW)
    bad["Duration"] = 99
    bad["Schedule"] = "cron(0 99 * * ? *)"
    bad["Colour"] = "red"
    bad["Targets"].append(copy.deepcopy(bad["Targets"][0]))
    bad["Tasks"][0]["TaskType"] = "RUN_SOMETHING"
    del bad["Tasks"][1]["Name"]
    bad["Tasks"].append(
        {"Name": "bare", "TaskArn": "AWS-RunShellScript", "TaskType": "RUN_COMMAND"}
    )
    ssm.requests.clear()
    with pytest.raises(errors.ValidationError) as raised:
        client.plan(document(bad, {"Schedule": "rate(1 day)"}))
    message = str(raised.value)
    for expected in (
        "duration",
        "(patch-sunday): schedule: 'cron(0 99 * * ? *)' is not a schedule: "
        "hours 99 is out of range 0-23",
        "CreateMaintenanceWindow has no member Colour",
        "Targets[2] (web): the name is already used by Targets[0]",
        "task_type",
        "Tasks[1]: Name is required",
        "Tasks[2] (bare): targets: a RUN_COMMAND task needs one or more targets",
        "MaintenanceWindows[1]: Name is required",
    ):
        assert expected in message, message
    assert ssm.requests == []


def test_a_task_naming_no_target_of_its_window_is_refused(
    client: ssmkit.Client,
) -> None:
    bad = copy.deepcopy(WINDOW)
    bad["Tasks"][0]["Targets"] = [{"Key": "WindowTargetIds", "Values": ["nope"]}]
    with pytest.raises(errors.ValidationError, match="names nope, which is no target"):
        client.plan(document(bad))


def test_the_order_the_service_lists_things_in_makes_no_change(
    client: ssmkit.Client,
) -> None:
    applied(client, document(WINDOW))
    turned = copy.deepcopy(WINDOW)
    turned["Targets"].reverse()
    turned["Tasks"].reverse()
    turned["Tasks"][1]["Targets"][0]["Values"].reverse()
    turned["Tasks"][1]["TaskInvocationParameters"]["RunCommand"]["Parameters"] = {
        "RebootOption": ["RebootIfNeeded"],
        "Operation": ["Install"],
    }
    assert not client.plan(document(turned)).pending


def test_a_placeholder_keeps_the_live_secret_and_is_never_sent(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    applied(client, document(WINDOW))
    exported, _ = client.export()
    exported["MaintenanceWindows"][0]["Tasks"][0]["MaxErrors"] = "3"
    ssm.requests.clear()
    applied(client, exported)
    [sent] = ssm.requests_for("UpdateMaintenanceWindowTask")
    assert "<sensitive>" not in repr(sent)
    assert sent["TaskInvocationParameters"]["RunCommand"]["Parameters"] == {
        "Operation": ["Install"],
        "RebootOption": ["RebootIfNeeded"],
    }


def test_a_file_of_windows_leaves_associations_alone(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    client.boto3_client.create_association(
        Name="AWS-RunShellScript",
        AssociationName="patch-keep",
        Targets=[{"Key": "InstanceIds", "Values": ["i-0aaaaaaaaaaaaaaa1"]}],
        Parameters={"commands": ["uptime"]},
    )
    plan = client.plan(document(WINDOW, Prune={"NamePrefix": "patch-"}), prune=True)
    assert plan.associations is None
    client.apply(plan)
    listed = client.boto3_client.list_associations()["Associations"]
    assert [a["AssociationName"] for a in listed] == ["patch-keep"]
    with pytest.raises(errors.ValidationError, match="plans associations only"):
        client.plan_associations(document(WINDOW, Associations=[]))


def test_a_window_s_tags_are_planned_exported_and_written(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    applied(client, document(WINDOW))
    window_id, _, _ = live_window(client)
    exported, _ = client.export()
    assert exported["MaintenanceWindows"][0]["Tags"] == [
        {"Key": "team", "Value": "ops"}
    ]
    retagged = copy.deepcopy(WINDOW)
    retagged["Tags"] = [{"Key": "team", "Value": "sre"}]
    plan = client.plan(document(retagged))
    [update] = [p for p in plan.maintenance_windows if p.action == "update"]
    assert [(c.path, c.before, c.after) for c in update.changes] == [
        ("tags.team", "ops", "sre")
    ]
    ssm.requests.clear()
    results = client.apply(plan)
    assert [r.outcome for r in results if r.part == "window"] == ["changed"]
    assert ssm.requests_for("UpdateMaintenanceWindow") == []
    tags = client.boto3_client.list_tags_for_resource(
        ResourceType="MaintenanceWindow", ResourceId=window_id
    )["TagList"]
    assert tags == [{"Key": "team", "Value": "sre"}]


def make_window(client: ssmkit.Client, name: str = "raw-window") -> str:
    window_id: str = client.boto3_client.create_maintenance_window(
        Name=name,
        Schedule="cron(0 2 ? * SUN *)",
        Duration=2,
        Cutoff=1,
        AllowUnassociatedTargets=False,
    )["WindowId"]
    return window_id


def test_what_a_file_cannot_name_is_never_pruned(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    boto = client.boto3_client
    window_id = make_window(client)
    unnamed = boto.register_target_with_maintenance_window(
        WindowId=window_id,
        ResourceType="INSTANCE",
        Targets=[{"Key": "tag:Role", "Values": ["web"]}],
    )["WindowTargetId"]
    for name in ("twin", "twin", "solo"):
        boto.register_target_with_maintenance_window(
            WindowId=window_id,
            Name=name,
            ResourceType="INSTANCE",
            Targets=[{"Key": "tag:Role", "Values": ["db"]}],
        )
    # A task that names the target without a name, by its id.
    boto.register_task_with_maintenance_window(
        WindowId=window_id,
        Name="uses-unnamed",
        TaskArn="AWS-RunShellScript",
        TaskType="RUN_COMMAND",
        Targets=[{"Key": "WindowTargetIds", "Values": [unnamed]}],
        MaxConcurrency="1",
        MaxErrors="1",
    )
    exported, left_out = client.export()
    assert unnamed in left_out
    exported["Prune"] = {"NamePrefix": "raw-"}
    # The export plans, with nothing to do: what it left out is left alone.
    assert [t["Name"] for t in exported["MaintenanceWindows"][0]["Targets"]] == ["solo"]
    plan = client.plan(exported, prune=True)
    assert not plan.pending, plan.render()
    # Naming the shared name refuses the file.
    exported["MaintenanceWindows"][0]["Targets"] = [
        {
            "Name": "twin",
            "ResourceType": "INSTANCE",
            "Targets": [{"Key": "tag:Role", "Values": ["db"]}],
        }
    ]
    with pytest.raises(errors.ValidationError, match="twin: matches more than one"):
        client.plan(exported, prune=True)


def test_prune_of_a_target_a_task_still_names_is_refused(
    client: ssmkit.Client,
) -> None:
    applied(client, document(WINDOW))
    smaller = copy.deepcopy(WINDOW)
    del smaller["Targets"][1]  # dbs, which the task patch still names
    with pytest.raises(errors.ValidationError) as raised:
        client.plan(document(smaller, Prune={"NamePrefix": "patch-"}), prune=True)
    assert "names dbs, which --prune would deregister" in str(raised.value)


def test_every_task_naming_a_missing_target_is_listed(client: ssmkit.Client) -> None:
    bad = copy.deepcopy(WINDOW)
    bad["Tasks"][0]["Targets"] = [{"Key": "WindowTargetIds", "Values": ["nope"]}]
    bad["Tasks"].append(
        {
            **copy.deepcopy(WINDOW["Tasks"][0]),
            "Name": "second",
            "Targets": [{"Key": "WindowTargetIds", "Values": ["gone"]}],
        }
    )
    with pytest.raises(errors.ValidationError) as raised:
        client.plan(document(bad))
    assert "names nope" in str(raised.value)
    assert "names gone" in str(raised.value)


def test_a_target_or_task_created_since_the_plan_is_a_conflict(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    small = copy.deepcopy(WINDOW)
    del small["Targets"][1]
    small["Tasks"] = [small["Tasks"][1]]
    applied(client, document(small))
    window_id, _, _ = live_window(client)
    plan = client.plan(document(WINDOW))
    boto = client.boto3_client
    boto.register_target_with_maintenance_window(
        WindowId=window_id,
        Name="dbs",
        ResourceType="INSTANCE",
        Targets=[{"Key": "tag:Role", "Values": ["rival"]}],
    )
    results = client.apply(plan)
    outcomes = {(r.part, r.name): r.outcome for r in results}
    assert outcomes[("target", "dbs")] == "conflict"
    # The task that names it is not written against a target list half made.
    assert outcomes[("task", "patch")] == "not_started"
    dbs = [
        t
        for t in boto.describe_maintenance_window_targets(WindowId=window_id)["Targets"]
        if t.get("Name") == "dbs"
    ]
    assert len(dbs) == 1


def test_a_window_deleted_since_the_plan_is_a_conflict_and_the_rest_go_on(
    client: ssmkit.Client,
) -> None:
    applied(client, document(WINDOW))
    window_id, _, _ = live_window(client)
    more = copy.deepcopy(WINDOW)
    more["Targets"].append(
        {
            "Name": "extra",
            "ResourceType": "INSTANCE",
            "Targets": [{"Key": "tag:Role", "Values": ["x"]}],
        }
    )
    other = {**copy.deepcopy(WINDOW), "Name": "other-window"}
    plan = client.plan(document(more, other))
    client.boto3_client.delete_maintenance_window(WindowId=window_id)
    results = client.apply(plan, concurrency=1)
    outcomes = {(r.window, r.part, r.name): r.outcome for r in results}
    assert outcomes[("patch-sunday", "window", "patch-sunday")] == "conflict"
    assert outcomes[("patch-sunday", "target", "extra")] == "not_started"
    assert outcomes[("other-window", "window", "other-window")] == "created"
    assert outcomes[("other-window", "task", "patch")] == "created"


LAMBDA_WINDOW: dict[str, Any] = {
    "Name": "lambda-window",
    "Schedule": "cron(0 2 ? * SUN *)",
    "Duration": 2,
    "Cutoff": 1,
    "AllowUnassociatedTargets": False,
    "Tasks": [
        {
            "Name": "invoke",
            "TaskArn": "arn:aws:lambda:us-east-1:123456789012:function:patch",
            "TaskType": "LAMBDA",
            "Priority": 1,
            "TaskInvocationParameters": {"Lambda": {"Payload": '{"k": "v"}'}},
        }
    ],
}


def test_a_lambda_payload_settles_and_round_trips(
    ssm: StandIn, client: ssmkit.Client, tmp_path: Any
) -> None:
    applied(client, document(LAMBDA_WINDOW))
    assert not client.plan(document(LAMBDA_WINDOW)).pending
    shown, _ = client.export(show_sensitive=True)
    [task] = shown["MaintenanceWindows"][0]["Tasks"]
    assert task["TaskInvocationParameters"]["Lambda"]["Payload"] == '{"k": "v"}'
    from ssmkit._declared import dump_associations

    for name in ("out.json", "out.yaml"):
        path = tmp_path / name
        path.write_text(dump_associations(shown, path))
        assert not client.plan(path).pending
    bad = copy.deepcopy(LAMBDA_WINDOW)
    bad["Tasks"][0]["TaskInvocationParameters"]["Lambda"]["Payload"] = 42
    ssm.requests.clear()
    with pytest.raises(errors.ValidationError, match="must be bytes or text"):
        client.plan(document(bad))
    assert ssm.requests == []


def test_a_window_without_targets_or_tasks_keeps_its_live_ones_under_prune(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    applied(client, document(WINDOW))
    bare = {k: v for k, v in WINDOW.items() if k not in ("Targets", "Tasks")}
    plan = client.plan(document(bare, Prune={"NamePrefix": "patch-"}), prune=True)
    assert not plan.pending, plan.render()
    assert [p.part for p in plan.maintenance_windows] == ["window"]


def test_a_window_to_prune_that_gained_a_task_since_the_plan_is_kept(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    old = {**copy.deepcopy(WINDOW), "Name": "patch-old"}
    applied(client, document(WINDOW, old))
    plan = client.plan(document(WINDOW, Prune={"NamePrefix": "patch-"}), prune=True)
    [delete] = [p for p in plan.maintenance_windows if p.action == "delete"]
    boto = client.boto3_client
    boto.register_task_with_maintenance_window(
        WindowId=delete.window_id,
        Name="added-since",
        TaskArn="AWS-RestartEC2Instance",
        TaskType="AUTOMATION",
    )
    results = client.apply(plan)
    assert [r.outcome for r in results if r.window == "patch-old"] == ["conflict"]
    names = {w["Name"] for w in boto.describe_maintenance_windows()["WindowIdentities"]}
    assert "patch-old" in names


def test_a_lambda_payload_longer_than_the_model_allows_is_refused(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    long = copy.deepcopy(LAMBDA_WINDOW)
    long["Tasks"][0]["TaskInvocationParameters"]["Lambda"]["Payload"] = "x" * 4097
    ssm.requests.clear()
    with pytest.raises(errors.ValidationError, match="length must be at most 4096"):
        client.plan(document(long))
    assert ssm.requests == []


def test_a_rollout_that_stops_names_every_window_part_it_never_started(
    ssm: StandIn, client: ssmkit.Client
) -> None:
    ssm.fail_runs(["i-0aaaaaaaaaaaaaaa1"])
    associations = [
        {
            "AssociationName": f"roll-{n}",
            "Name": "AWS-RunShellScript",
            "Targets": [{"Key": "InstanceIds", "Values": ["i-0aaaaaaaaaaaaaaa1"]}],
            "Parameters": {"commands": ["uptime"]},
        }
        for n in range(2)
    ]
    plan = client.plan(document(WINDOW, Associations=associations))
    seen: list[Any] = []
    results = client.apply(
        plan,
        wait=True,
        timeout=30,
        canary=1,
        max_failed_runs=0,
        concurrency=1,
        progress=seen.append,
    )
    parts = [r for r in results if isinstance(r, ssmkit.WindowResult)]
    assert [r.outcome for r in parts] == ["not_started"] * 5
    assert all("a rollout stopped before it" in str(r.error) for r in parts)
    # Each was passed on, as every other result is: a report names it.
    assert [r for r in seen if isinstance(r, ssmkit.WindowResult)] == parts
    assert client.boto3_client.describe_maintenance_windows()["WindowIdentities"] == []
