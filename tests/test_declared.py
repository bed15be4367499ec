"""Associations as code: a file planned and applied against the local SSM."""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest
import yaml

import ssmkit
from ssmkit import errors
from ssmkit.testing import StandIn

if TYPE_CHECKING:
    from pathlib import Path

PATCH = "AWS-RunPatchBaseline"
INVENTORY = "AWS-GatherSoftwareInventory"
WRITES = ("CreateAssociation", "UpdateAssociation", "DeleteAssociation")
SECRET = "hunter2-planted"


def entries() -> list[dict[str, Any]]:
    return [
        {
            "AssociationName": "team-patch",
            "Name": PATCH,
            "Targets": [{"Key": "tag:Patch", "Values": ["yes"]}],
            "ScheduleExpression": "cron(0 2 ? * SUN *)",
            "Parameters": {"Operation": ["Install"], "RebootOption": ["NoReboot"]},
            "MaxErrors": "10%",
        },
        {
            "AssociationName": "team-inventory",
            "Name": INVENTORY,
            "Targets": [{"Key": "InstanceIds", "Values": ["*"]}],
            "ScheduleExpression": "rate(1 day)",
            "OutputLocation": {
                "S3Location": {
                    "OutputS3BucketName": "logs",
                    "OutputS3KeyPrefix": "inventory/",
                }
            },
        },
    ]


@pytest.fixture
def client(boto: Any) -> ssmkit.Client:
    return ssmkit.Client(boto3_client=boto)


def writes(stand_in: StandIn) -> list[str]:
    return [r.operation for r in stand_in.requests if r.operation in WRITES]


def live(boto: Any, name: str) -> dict[str, Any]:
    found = [
        a
        for page in boto.get_paginator("list_associations").paginate()
        for a in page["Associations"]
        if a.get("AssociationName") == name
    ]
    assert len(found) == 1, found
    answer = boto.describe_association(AssociationId=found[0]["AssociationId"])
    return answer["AssociationDescription"]  # type: ignore[no-any-return]


def applied(client: ssmkit.Client, desired: Any, **kwargs: Any) -> list[Any]:
    return client.apply_associations(client.plan_associations(desired, **kwargs))


def test_apply_to_an_empty_account_creates_each_entry_as_written(
    client: ssmkit.Client, boto: Any, stand_in: StandIn
) -> None:
    plan = client.plan_associations(entries())
    assert [(a.name, a.action, a.runs) for a in plan.associations] == [
        ("team-patch", "create", True),
        ("team-inventory", "create", True),
    ]
    results = client.apply_associations(plan)
    assert [(r.name, r.outcome, r.version_after) for r in results] == [
        ("team-patch", "created", "1"),
        ("team-inventory", "created", "1"),
    ]
    # Sent exactly as written (concurrently, so in any order).
    sent = stand_in.requests_for("CreateAssociation")
    assert sorted(sent, key=lambda e: e["AssociationName"]) == sorted(
        entries(), key=lambda e: e["AssociationName"]
    )
    for entry, result in zip(entries(), results, strict=True):
        stored = live(boto, entry["AssociationName"])
        assert stored["AssociationId"] == result.association_id
        assert {k: stored[k] for k in entry} == entry


def test_a_second_plan_is_empty_and_a_second_apply_writes_nothing(
    client: ssmkit.Client, stand_in: StandIn
) -> None:
    applied(client, entries())
    before = len(writes(stand_in))
    plan = client.plan_associations(entries())
    assert not plan.pending
    assert [a.action for a in plan.associations] == ["unchanged", "unchanged"]
    results = client.apply_associations(plan)
    assert [r.outcome for r in results] == ["unchanged", "unchanged"]
    assert len(writes(stand_in)) == before


def test_one_member_changed_in_the_file_changes_it_alone(
    client: ssmkit.Client, boto: Any, stand_in: StandIn
) -> None:
    applied(client, entries())
    patch = live(boto, "team-patch")
    alarms = {"IgnorePollAlarmFailure": False, "Alarms": [{"Name": "cpu-high"}]}
    # Added out of band: the file does not mention it, so it is not managed.
    boto.update_association(
        **{
            k: v
            for k, v in patch.items()
            if k in ("AssociationId", "AssociationVersion", "AssociationName")
            or k in ("Name", "Targets", "ScheduleExpression", "Parameters")
            or k == "MaxErrors"
        },
        AlarmConfiguration=alarms,
    )
    desired = entries()
    desired[0]["ScheduleExpression"] = "cron(0 3 ? * SUN *)"
    plan = client.plan_associations(desired)
    assert [a.action for a in plan.associations] == ["update", "unchanged"]
    (update,) = plan.update
    assert [c.render() for c in update.changes] == [
        '~ schedule_expression: "cron(0 2 ? * SUN *)" -> "cron(0 3 ? * SUN *)"'
    ]
    assert update.version == "2"
    results = client.apply_associations(plan)
    assert [r.outcome for r in results] == ["changed", "unchanged"]
    (sent,) = stand_in.requests_for("UpdateAssociation")[1:]
    assert sent["ScheduleExpression"] == "cron(0 3 ? * SUN *)"
    assert sent["AlarmConfiguration"] == alarms
    assert sent["AssociationVersion"] == "2"
    now = live(boto, "team-patch")
    assert now["AlarmConfiguration"] == alarms
    assert now["ScheduleExpression"] == "cron(0 3 ? * SUN *)"
    assert now["Parameters"] == desired[0]["Parameters"]


def test_null_removes_a_member_and_a_nested_null_removes_only_that(
    client: ssmkit.Client, boto: Any
) -> None:
    applied(client, entries())
    desired = entries()
    desired[0]["MaxErrors"] = None
    desired[1]["OutputLocation"] = {"S3Location": {"OutputS3KeyPrefix": None}}
    plan = client.plan_associations(desired)
    assert [[c.render() for c in a.changes] for a in plan.associations] == [
        ['- max_errors: "10%"'],
        ['- output_location.s3_location.output_s3_key_prefix: "inventory/"'],
    ]
    client.apply_associations(plan)
    assert "MaxErrors" not in live(boto, "team-patch")
    assert live(boto, "team-inventory")["OutputLocation"] == {
        "S3Location": {"OutputS3BucketName": "logs"}
    }
    assert not client.plan_associations(desired).pending


def test_a_writer_between_plan_and_apply_is_a_conflict_and_keeps_its_change(
    client: ssmkit.Client, boto: Any, stand_in: StandIn
) -> None:
    applied(client, entries())
    desired = entries()
    for entry in desired:
        entry["MaxConcurrency"] = "5"
    plan = client.plan_associations(desired)
    theirs = live(boto, "team-patch")
    boto.update_association(
        AssociationId=theirs["AssociationId"],
        AssociationVersion=theirs["AssociationVersion"],
        Name=PATCH,
        AssociationName="team-patch",
        Targets=theirs["Targets"],
        MaxConcurrency="50%",
    )
    updates = len(stand_in.requests_for("UpdateAssociation"))
    results = client.apply_associations(plan)
    assert [r.outcome for r in results] == ["conflict", "changed"]
    assert isinstance(results[0].error, errors.ConcurrentUpdateError)
    assert "changed since the plan" in str(results[0].error)
    # Only the other association was written.
    sent = stand_in.requests_for("UpdateAssociation")[updates:]
    assert [s["AssociationName"] for s in sent] == ["team-inventory"]
    assert sent[0]["AssociationVersion"] == "1"
    assert live(boto, "team-patch")["MaxConcurrency"] == "50%"
    assert live(boto, "team-inventory")["MaxConcurrency"] == "5"


def test_a_deleted_or_newly_created_association_is_a_conflict(
    client: ssmkit.Client, boto: Any, stand_in: StandIn
) -> None:
    applied(client, entries()[:1])
    desired = entries()
    desired[0]["MaxConcurrency"] = "5"
    plan = client.plan_associations(desired)
    assert [a.action for a in plan.associations] == ["update", "create"]
    boto.delete_association(AssociationId=live(boto, "team-patch")["AssociationId"])
    boto.create_association(Name=INVENTORY, AssociationName="team-inventory")
    before = len(writes(stand_in))
    results = client.apply_associations(plan)
    assert [r.outcome for r in results] == ["conflict", "conflict"]
    assert "deleted since the plan" in str(results[0].error)
    assert "created since the plan" in str(results[1].error)
    assert len(writes(stand_in)) == before


def test_a_name_shared_by_live_associations_refuses_the_file(
    client: ssmkit.Client, boto: Any, stand_in: StandIn
) -> None:
    ids = sorted(
        boto.create_association(Name=PATCH, AssociationName="team-patch")[
            "AssociationDescription"
        ]["AssociationId"]
        for _ in range(2)
    )
    before = len(writes(stand_in))
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations(entries())
    assert f"team-patch: matches 2 live associations: {ids[0]}, {ids[1]}" in str(
        caught.value
    )
    assert "nothing was written" in str(caught.value)
    assert len(writes(stand_in)) == before


def test_every_problem_in_the_file_is_listed_before_any_call(
    client: ssmkit.Client, stand_in: StandIn
) -> None:
    desired = entries()
    desired[0]["ScheduleOffset"] = 9
    desired[1]["Colour"] = "blue"
    desired.append({"Name": PATCH})
    desired.append(dict(entries()[0]))
    desired.append({"AssociationName": "team-x", "Name": PATCH, "Targets": [None]})
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations({"Associations": desired, "Prunes": {}})
    lines = str(caught.value).splitlines()
    assert lines[0] == "<entries>: 6 problems, nothing was written"
    assert [line.strip() for line in lines[1:]] == [
        "unknown top-level key Prunes (expected Associations and Prune)",
        "Associations[0] (team-patch): schedule_offset: value must be at most 6 "
        "(got 9)",
        "Associations[1] (team-inventory): CreateAssociation has no member Colour",
        "Associations[2]: AssociationName is required, as a string",
        "Associations[3] (team-patch): the name is already used by Associations[0]",
        "Associations[4] (team-x): targets: null is not a value in a list",
    ]
    assert stand_in.requests == []


def test_a_nested_member_the_shape_lacks_is_named_before_any_call(
    client: ssmkit.Client, stand_in: StandIn
) -> None:
    desired = entries()
    desired[0]["Targets"][0]["Colour"] = "blue"
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations(desired)
    lines = [line.strip() for line in str(caught.value).splitlines()]
    assert lines[1:] == [
        "Associations[0] (team-patch): targets[0].colour: no such member"
    ]
    assert stand_in.requests == []


def test_cross_member_rules_are_checked_as_a_create_would_be(
    client: ssmkit.Client,
) -> None:
    desired = entries()
    desired[0]["ScheduleOffset"] = 2
    with pytest.raises(errors.ValidationError, match="needs apply_only_at_cron"):
        client.plan_associations(desired)


def test_switching_from_target_maps_to_targets_takes_a_null(
    client: ssmkit.Client, boto: Any
) -> None:
    boto.create_association(
        Name=PATCH,
        AssociationName="team-patch",
        TargetMaps=[{"InstanceIds": ["i-1"]}],
    )
    with pytest.raises(errors.ValidationError, match="can't be sent together"):
        client.plan_associations(entries()[:1])
    desired = entries()[:1]
    desired[0]["TargetMaps"] = None
    applied(client, desired)
    stored = live(boto, "team-patch")
    assert stored["Targets"] == desired[0]["Targets"]
    assert not stored.get("TargetMaps")


def test_prune_deletes_only_within_the_file_scope(
    client: ssmkit.Client, boto: Any, stand_in: StandIn
) -> None:
    applied(client, entries())
    old = boto.create_association(Name=PATCH, AssociationName="team-old")
    boto.create_association(Name=PATCH, AssociationName="other-team")
    boto.create_association(Name=PATCH)  # no name: never in a scope
    document = {"Prune": {"NamePrefix": "team-"}, "Associations": entries()}
    plan = client.plan_associations(document, prune=True)
    assert [(a.name, a.action) for a in plan.delete] == [("team-old", "delete")]
    assert plan.summary() == "Plan: 0 to create, 0 to update, 2 unchanged, 1 to delete."
    results = client.apply_associations(plan)
    assert [r.outcome for r in results] == ["unchanged", "unchanged", "deleted"]
    assert stand_in.requests_for("DeleteAssociation") == [
        {"AssociationId": old["AssociationDescription"]["AssociationId"]}
    ]
    names = {a.get("AssociationName") for a in boto.list_associations()["Associations"]}
    assert names == {"team-patch", "team-inventory", "other-team", None}
    # Without --prune, nothing is planned for deletion.
    assert not client.plan_associations(document).delete


def test_prune_needs_a_scope(client: ssmkit.Client) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations(entries(), prune=True)
    assert str(caught.value) == (
        "<entries>: pruning needs a scope: add Prune: {NamePrefix: ...} to the "
        "file; only associations whose names start with it are deleted"
    )
    assert caught.value.rule == "prune scope"
    with pytest.raises(errors.ValidationError, match="Prune: expected NamePrefix"):
        client.plan_associations({"Associations": [], "Prune": {"NamePrefix": ""}})


def test_a_delete_planned_at_one_version_is_not_done_at_another(
    client: ssmkit.Client, boto: Any, stand_in: StandIn
) -> None:
    made = boto.create_association(Name=PATCH, AssociationName="team-old")
    description = made["AssociationDescription"]
    plan = client.plan_associations(
        {"Prune": {"NamePrefix": "team-"}, "Associations": []}, prune=True
    )
    boto.update_association(
        AssociationId=description["AssociationId"],
        AssociationVersion="1",
        Name=PATCH,
        AssociationName="team-old",
        MaxErrors="3",
    )
    (result,) = client.apply_associations(plan)
    assert result.outcome == "conflict"
    assert stand_in.requests_for("DeleteAssociation") == []


def test_export_then_plan_shows_no_change(
    client: ssmkit.Client, boto: Any, stand_in: StandIn, tmp_path: Path
) -> None:
    desired = entries()
    desired[0]["Parameters"]["Secret"] = [SECRET]
    desired[0]["Tags"] = [{"Key": "team", "Value": "ops"}]
    boto.create_association(Name=PATCH)  # no name: left out
    applied(client, desired)
    document, left_out = client.export_associations()
    assert len(left_out) == 1
    assert SECRET not in json.dumps(document)
    # Created concurrently: listed in either order.
    exported = {e["AssociationName"]: e for e in document["Associations"]}
    assert sorted(exported) == ["team-inventory", "team-patch"]
    assert exported["team-patch"]["Parameters"] == {
        "Operation": "<sensitive>",
        "RebootOption": "<sensitive>",
        "Secret": "<sensitive>",
    }
    assert exported["team-patch"]["Tags"] == [{"Key": "team", "Value": "ops"}]
    path = tmp_path / "live.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    before = len(writes(stand_in))
    plan = client.plan_associations(path)
    assert [a.action for a in plan.associations] == ["unchanged", "unchanged"]
    assert client.apply_associations(plan)[0].outcome == "unchanged"
    assert len(writes(stand_in)) == before
    shown, _ = client.export_associations(show_sensitive=True)
    (patch,) = [
        e for e in shown["Associations"] if e["AssociationName"] == "team-patch"
    ]
    assert patch["Parameters"]["Secret"] == [SECRET]


def test_a_placeholder_keeps_the_live_value_and_is_never_sent(
    client: ssmkit.Client, boto: Any, stand_in: StandIn
) -> None:
    desired = entries()
    desired[0]["Parameters"]["Secret"] = [SECRET]
    applied(client, desired)
    desired[0]["Parameters"] = {
        "Operation": ["Scan"],
        "RebootOption": "<sensitive>",
        "Secret": "<sensitive>",
    }
    plan = client.plan_associations(desired)
    (update,) = plan.update
    assert [c.render() for c in update.changes] == [
        "~ parameters.Operation: (sensitive value changed)"
    ]
    assert SECRET not in plan.render()
    assert SECRET not in json.dumps(plan.to_json())
    assert '["Install"] -> ["Scan"]' in plan.render(show_sensitive=True)
    client.apply_associations(plan)
    assert live(boto, "team-patch")["Parameters"] == {
        "Operation": ["Scan"],
        "RebootOption": ["NoReboot"],
        "Secret": [SECRET],
    }
    assert all(
        "<sensitive>" not in json.dumps(sent)
        for sent in stand_in.requests_for("UpdateAssociation")
    )


def test_a_placeholder_for_a_whole_sensitive_member_keeps_it_whole(
    client: ssmkit.Client, boto: Any
) -> None:
    applied(client, entries()[:1])
    desired = entries()[:1]
    desired[0]["Parameters"] = "<sensitive>"
    desired[0]["MaxErrors"] = "20%"
    plan = client.plan_associations(desired)
    (update,) = plan.update
    assert [c.render() for c in update.changes] == ['~ max_errors: "10%" -> "20%"']
    client.apply_associations(plan)
    assert live(boto, "team-patch")["Parameters"] == {
        "Operation": ["Install"],
        "RebootOption": ["NoReboot"],
    }


def test_a_placeholder_with_no_live_value_in_its_place_is_refused(
    client: ssmkit.Client, stand_in: StandIn
) -> None:
    applied(client, entries()[:1])
    desired = entries()[:1]
    desired[0]["Parameters"]["Missing"] = "<sensitive>"
    stand_in.requests.clear()
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations(desired)
    assert str(caught.value) == (
        "<entries>: 1 problem, nothing was written\n"
        "  team-patch: parameters.Missing: holds the placeholder <sensitive> and "
        "there is no live value to keep: write the value"
    )
    assert writes(stand_in) == []


def test_a_placeholder_with_nothing_to_keep_is_refused(
    client: ssmkit.Client, stand_in: StandIn
) -> None:
    desired = entries()
    desired[0]["Parameters"]["Operation"] = "<sensitive>"
    desired[0]["Parameters"]["RebootOption"] = "<sensitive>"
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations(desired)
    assert str(caught.value) == (
        "<entries>: 1 problem, nothing was written\n"
        "  team-patch: parameters.Operation, parameters.RebootOption: holds the "
        "placeholder <sensitive> (exported without --show-sensitive) and there is "
        "no live value to keep: write the value"
    )
    assert writes(stand_in) == []


def test_tags_are_managed_when_the_entry_has_them(
    client: ssmkit.Client, boto: Any, stand_in: StandIn
) -> None:
    desired = entries()[:1]
    desired[0]["Tags"] = [
        {"Key": "team", "Value": "ops"},
        {"Key": "tier", "Value": "1"},
    ]
    applied(client, desired)
    association_id = live(boto, "team-patch")["AssociationId"]
    desired[0]["Tags"] = [{"Key": "team", "Value": "sre"}]
    plan = client.plan_associations(desired)
    (update,) = plan.update
    assert [c.render() for c in update.changes] == [
        '~ tags.team: "ops" -> "sre"',
        '- tags.tier: "1"',
    ]
    # Tags alone do not run the association, and cost no UpdateAssociation.
    assert not update.runs
    assert [r.outcome for r in client.apply_associations(plan)] == ["changed"]
    assert stand_in.requests_for("UpdateAssociation") == []
    tags = boto.list_tags_for_resource(
        ResourceType="Association", ResourceId=association_id
    )["TagList"]
    assert tags == [{"Key": "team", "Value": "sre"}]
    # Absent from the entry: left as they are.
    del desired[0]["Tags"]
    assert not client.plan_associations(desired).pending


def test_a_member_update_cannot_change_is_refused(
    client: ssmkit.Client, boto: Any
) -> None:
    boto.create_association(
        Name=PATCH, AssociationName="legacy", InstanceId="i-0123456789abcdef0"
    )
    entry = {
        "AssociationName": "legacy",
        "Name": PATCH,
        "InstanceId": "i-0123456789abcdef1",
    }
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations([entry])
    assert str(caught.value) == (
        "<entries>: 1 problem, nothing was written\n"
        "  legacy: instance_id: cannot be changed on an existing association "
        "(live: 'i-0123456789abcdef0'); delete it and create it again"
    )
    # As it is live: nothing to change.
    entry["InstanceId"] = "i-0123456789abcdef0"
    (planned,) = client.plan_associations([entry]).associations
    assert planned.action == "unchanged"


def test_files_are_read_by_extension(client: ssmkit.Client, tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"Associations": entries()}))
    (tmp_path / "a.yml").write_text(yaml.safe_dump({"Associations": entries()}))
    for name in ("a.json", "a.yml"):
        assert len(client.plan_associations(tmp_path / name).create) == 2
    (tmp_path / "a.txt").write_text("{}")
    (tmp_path / "bad.yaml").write_text("Associations: [\n")
    for name, message in (
        ("a.txt", "expected a .yaml, .yml or .json file"),
        ("bad.yaml", "malformed YAML"),
        ("missing.json", "No such file"),
    ):
        with pytest.raises(errors.ValidationError, match=message):
            client.plan_associations(tmp_path / name)


def test_apply_refuses_a_pace_it_cannot_run(client: ssmkit.Client) -> None:
    plan = client.plan_associations(entries())
    with pytest.raises(ValueError, match="concurrency"):
        client.apply_associations(plan, concurrency=0)
    with pytest.raises(ValueError, match="max_rate"):
        client.apply_associations(plan, max_rate=float("nan"))


def test_a_failure_is_reported_and_the_rest_go_on(
    client: ssmkit.Client, stand_in: StandIn
) -> None:
    stand_in.fail_next(
        "CreateAssociation",
        "InvalidDocument",
        when=lambda p: p.get("AssociationName") == "team-patch",
    )
    seen: list[str] = []
    results = client.apply_associations(
        client.plan_associations(entries()),
        progress=lambda r: seen.append(r.name),
    )
    assert [r.outcome for r in results] == ["failed", "created"]
    assert isinstance(results[0].error, errors.InvalidDocument)
    assert results[0].to_json()["error"]["code"] == "InvalidDocument"
    assert sorted(seen) == ["team-inventory", "team-patch"]


def test_the_plan_as_json_is_masked(client: ssmkit.Client) -> None:
    desired = entries()
    desired[0]["Parameters"]["Secret"] = [SECRET]
    plan = client.plan_associations(desired)
    data = plan.to_json()
    assert SECRET not in json.dumps(data)
    assert data["counts"] == {"create": 2, "update": 0, "unchanged": 0, "delete": 0}
    assert data["associations"][0]["changes"][0] == {
        "path": "name",
        "action": "add",
        "before": None,
        "after": PATCH,
    }
    assert SECRET in json.dumps(plan.to_json(show_sensitive=True))


def test_an_entry_without_its_document_is_refused_once(
    client: ssmkit.Client,
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations([{"AssociationName": "team-x", "Name": None}])
    assert str(caught.value).splitlines()[1:] == [
        "  Associations[0] (team-x): name: is required (got None)"
    ]


def many(count: int) -> list[dict[str, Any]]:
    return [
        {
            "AssociationName": f"many-{n:03d}",
            "Name": INVENTORY,
            "Targets": [{"Key": "InstanceIds", "Values": ["*"]}],
            "ScheduleExpression": "rate(1 day)",
        }
        for n in range(count)
    ]


def test_a_plan_reads_the_live_associations_side_by_side(
    client: ssmkit.Client, stand_in: StandIn
) -> None:
    client.apply_associations(client.plan_associations(many(12)))
    under_way = [0]
    most = [0]
    lock = threading.Lock()

    threads: set[str] = set()

    def slow(request: dict[str, Any]) -> None:
        with lock:
            threads.add(threading.current_thread().name)
            under_way[0] += 1
            most[0] = max(most[0], under_way[0])
        time.sleep(0.05)  # long enough for the others to start meanwhile
        with lock:
            under_way[0] -= 1

    def read(entries: list[dict[str, Any]], concurrency: int) -> Any:
        most[0] = 0
        threads.clear()
        return client.plan_associations(entries, concurrency=concurrency)

    stand_in.before("DescribeAssociation", slow, times=None)
    side_by_side = read(many(12), 4)
    assert most[0] == 4
    assert len(threads) == 4
    assert all(name.startswith("ssmkit-plan") for name in threads)
    # Each of the plan's threads has ended when it returns.
    assert not [t for t in threading.enumerate() if t.name.startswith("ssmkit-plan")]
    read(many(2), 2)
    assert most[0] == 2
    # One at a time, or one entry, are read in the caller's own thread.
    one_by_one = read(many(12), 1)
    assert (most[0], threads) == (1, {threading.current_thread().name})
    read(many(1), 8)
    assert threads == {threading.current_thread().name}
    # The same plan, in the file's order, either way.
    assert side_by_side == one_by_one
    assert [a.name for a in side_by_side.associations] == [
        e["AssociationName"] for e in many(12)
    ]
    assert {a.action for a in side_by_side.associations} == {"unchanged"}


def test_a_read_that_fails_stops_the_reads_not_yet_started(
    client: ssmkit.Client, boto: Any, stand_in: StandIn
) -> None:
    client.apply_associations(client.plan_associations(many(8)))
    first = live(boto, "many-000")["AssociationId"]
    stand_in.fail_next(
        "DescribeAssociation",
        "AssociationDoesNotExist",
        when=lambda request: request["AssociationId"] == first,
    )
    # The other reads under way wait until the failure has long been seen.
    released = threading.Event()
    threading.Timer(0.5, released.set).start()
    stand_in.before(
        "DescribeAssociation",
        lambda request: request["AssociationId"] == first or released.wait(),
        times=None,
    )
    stand_in.requests.clear()
    with pytest.raises(errors.AssociationDoesNotExist):
        client.plan_associations(many(8), concurrency=2)
    # The failed read, and at most one more on each of the two threads.
    assert 2 <= stand_in.operations.count("DescribeAssociation") <= 3


def test_throttled_reads_still_give_the_same_plan(
    client: ssmkit.Client, stand_in: StandIn
) -> None:
    client.apply_associations(client.plan_associations(many(8)))
    expected = client.plan_associations(many(8), concurrency=1)
    # More refusals than botocore retries one call: ssmkit waits them out.
    stand_in.fail_next("DescribeAssociation", "ThrottlingException", times=9)
    stand_in.requests.clear()
    planned = client.plan_associations(many(8), concurrency=4)
    assert planned == expected
    described = stand_in.operations.count("DescribeAssociation")
    assert described == 8 + 9


@pytest.mark.parametrize("concurrency", [0, -1, 10_000, 2.5])
def test_a_plan_s_concurrency_is_checked_first(
    client: ssmkit.Client, stand_in: StandIn, concurrency: Any
) -> None:
    stand_in.requests.clear()
    with pytest.raises((ValueError, TypeError), match="concurrency"):
        client.plan_associations(many(1), concurrency=concurrency)
    with pytest.raises((ValueError, TypeError), match="concurrency"):
        client.plan({"Associations": many(1)}, concurrency=concurrency)
    assert stand_in.requests == []


def test_throttling_past_botocore_s_retries_is_waited_out(
    client: ssmkit.Client, stand_in: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.config import Config

    client.apply_associations(client.plan_associations(many(2)))
    expected = client.plan_associations(many(2), concurrency=1)
    # A client that retries nothing itself: every refusal reaches ssmkit.
    bare = ssmkit.Client(
        boto3_client=stand_in.client(
            config=Config(retries={"total_max_attempts": 1, "mode": "standard"})
        )
    )
    # Each pause is drawn between 0 and a ceiling that doubles from 0.25 s
    # ("full jitter"); here it is seen, not waited.
    drawn: list[tuple[float, float]] = []
    slept: list[float] = []

    def uniform(low: float, high: float) -> float:
        drawn.append((low, high))
        return high / 2

    monkeypatch.setattr(random, "uniform", uniform)
    monkeypatch.setattr(time, "sleep", slept.append)
    stand_in.fail_next("DescribeAssociation", "ThrottlingException", times=3)
    stand_in.requests.clear()
    assert bare.plan_associations(many(2), concurrency=1) == expected
    assert drawn == [(0, 0.25), (0, 0.5), (0, 1.0)]
    assert slept == [0.125, 0.25, 0.5]
    assert stand_in.operations.count("DescribeAssociation") == 2 + 3
    # Refused for longer than ssmkit waits (six reads, five pauses): the plan
    # says so, writing nothing.
    drawn.clear()
    slept.clear()
    stand_in.requests.clear()
    stand_in.fail_next("DescribeAssociation", "ThrottlingException", times=50)
    with pytest.raises(errors.ThrottlingError):
        bare.plan_associations(many(2), concurrency=1)
    assert drawn == [(0, 0.25), (0, 0.5), (0, 1.0), (0, 2.0), (0, 4.0)]
    assert slept == [0.125, 0.25, 0.5, 1.0, 2.0]
    assert stand_in.operations.count("DescribeAssociation") == 6
    assert writes(stand_in) == []


@pytest.mark.parametrize(
    ("pool", "concurrency", "warned"), [(10, 16, True), (16, 16, False), (10, 8, False)]
)
def test_a_connection_pool_smaller_than_concurrency_is_warned_of(
    stand_in: StandIn,
    caplog: pytest.LogCaptureFixture,
    pool: int,
    concurrency: int,
    warned: bool,
) -> None:
    from botocore.config import Config

    client = ssmkit.Client(
        boto3_client=stand_in.client(config=Config(max_pool_connections=pool))
    )
    warning = (
        f"concurrency {concurrency} is more than the boto3 client's {pool} "
        "pooled connections: each call beyond them opens a connection of its "
        f"own; make the client with "
        f"botocore.config.Config(max_pool_connections={concurrency})"
    )
    runs = {
        "plan": lambda: client.plan_associations(many(2), concurrency=concurrency),
        "plan a file": lambda: client.plan(
            {"Associations": many(2)}, concurrency=concurrency
        ),
        "apply": lambda: client.apply_associations(
            client.plan_associations(many(2)), concurrency=concurrency
        ),
        "update many": lambda: client.update_associations(
            association_ids=[], max_errors="1", concurrency=concurrency
        ),
    }
    for name, run in runs.items():
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="ssmkit"):
            run()
        said = [r.getMessage() for r in caplog.records if "pooled" in r.getMessage()]
        assert said == ([warning] if warned else []), name


def test_the_default_concurrency_of_each_run_over_many(
    stand_in: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    # As documented: plans read 8 at a time, applies write 4, bulk updates 8.
    # A pool of 1 makes each run say how many it runs at once.
    from botocore.config import Config

    client = ssmkit.Client(
        boto3_client=stand_in.client(config=Config(max_pool_connections=1))
    )
    empty, empty_file = client.plan_associations([]), client.plan({"Associations": []})
    runs = {
        "plan": (8, lambda: client.plan_associations(many(2))),
        "plan a file": (8, lambda: client.plan({"Associations": many(2)})),
        "apply": (4, lambda: client.apply_associations(empty)),
        "apply a file": (4, lambda: client.apply(empty_file)),
        "update many": (
            8,
            lambda: client.update_associations(association_ids=[], max_errors="1"),
        ),
    }
    for name, (concurrency, run) in runs.items():
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="ssmkit"):
            run()
        said = [r.getMessage() for r in caplog.records if "pooled" in r.getMessage()]
        assert [s.split(" is ")[0] for s in said] == [f"concurrency {concurrency}"], (
            name,
            said,
        )


def test_every_problem_within_an_entry_is_listed_word_for_word(
    client: ssmkit.Client,
) -> None:
    entry = {
        "AssociationName": "team-x",
        "Name": "AWS-RunShellScript",
        # Alarms is required within, and what is given is of the wrong type.
        "AlarmConfiguration": {"IgnorePollAlarmFailure": "yes"},
        "TargetLocations": [
            {"Accounts": ["111122223333"], "TargetLocationMaxErrors": 5}
        ],
        "MaxErrors": 5,
    }
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations([entry])
    assert str(caught.value).splitlines() == [
        "<entries>: 4 problems, nothing was written",
        "  Associations[0] (team-x): alarm_configuration.alarms: is required "
        "(got None)",
        "  Associations[0] (team-x): alarm_configuration.ignore_poll_alarm_failure: "
        "must be true or false (got 'yes')",
        "  Associations[0] (team-x): target_locations[0].target_location_max_errors: "
        "must be a string (got 5)",
        "  Associations[0] (team-x): max_errors: must be a string (got 5)",
    ]
