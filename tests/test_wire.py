"""Wire values walked by their shapes: paths, puts, overlays, diffs."""

from __future__ import annotations

import datetime

import botocore.session
import pytest
from botocore.model import ShapeResolver

from ssmkit import CLEAR, errors
from ssmkit._wire import Change, diff, jsonable, overlay, prune, put, resolve

MODEL = botocore.session.get_session().get_service_model("ssm")
TASK = MODEL.operation_model("UpdateMaintenanceWindowTask").input_shape
ASSOCIATION = MODEL.operation_model("UpdateAssociation").input_shape


def test_paths_resolve_to_wire_names_and_keys() -> None:
    path, leaf = resolve(TASK, "task_invocation_parameters.run_command.timeout_seconds")
    assert path == ("TaskInvocationParameters", "RunCommand", "TimeoutSeconds")
    assert leaf.type_name == "integer"
    # In a map of plain values, the rest of the text is the key, dots and all.
    assert resolve(ASSOCIATION, "parameters.a.b")[0] == ("Parameters", "a.b")
    # In a map of structures, one step is the key.
    assert resolve(TASK, "task_parameters.p.values")[0] == (
        "TaskParameters",
        "p",
        "Values",
    )
    assert resolve(TASK, "priority", {"priority": "Priority"})[0] == ("Priority",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nope", "no member 'nope'"),
        (
            "task_invocation_parameters.run_command.nope",
            "in task_invocation_parameters",
        ),
        ("priority.more", "is a integer, it has no members"),
        ("targets.key", "is a list, it has no members"),
        ("parameters.", "an empty key"),
    ],
)
def test_paths_that_name_nothing_are_refused(text: str, message: str) -> None:
    with pytest.raises(errors.ValidationError, match=message):
        resolve(TASK if not text.startswith("parameters") else ASSOCIATION, text)


def test_put_copies_only_along_the_path() -> None:
    stored = {
        "TaskInvocationParameters": {
            "RunCommand": {"Comment": "c", "TimeoutSeconds": 600}
        },
        "Targets": [{"Key": "k", "Values": ["v"]}],
    }
    path = ("TaskInvocationParameters", "RunCommand", "TimeoutSeconds")
    changed = put(stored, path, 1800, TASK)
    assert changed["TaskInvocationParameters"]["RunCommand"] == {
        "Comment": "c",
        "TimeoutSeconds": 1800,
    }
    assert stored["TaskInvocationParameters"]["RunCommand"]["TimeoutSeconds"] == 600
    assert changed["Targets"] is stored["Targets"]
    cleared = put(
        stored, ("TaskInvocationParameters", "RunCommand", "Comment"), CLEAR, TASK
    )
    assert cleared["TaskInvocationParameters"]["RunCommand"] == {"TimeoutSeconds": 600}
    # Clearing under what is absent changes nothing; setting there creates it.
    assert put(stored, ("LoggingInfo", "S3Region"), CLEAR, TASK) is stored
    assert put({}, ("LoggingInfo", "S3Region"), "us-east-1", TASK) == {
        "LoggingInfo": {"S3Region": "us-east-1"}
    }


def test_overlay_merges_structures_and_replaces_the_rest() -> None:
    shape = TASK.members["TaskInvocationParameters"]
    current = {"RunCommand": {"Comment": "c", "TimeoutSeconds": 600}}
    given = {"RunCommand": {"Comment": CLEAR, "DocumentHash": "h"}}
    assert overlay(current, given, shape) == {
        "RunCommand": {"TimeoutSeconds": 600, "DocumentHash": "h"}
    }
    assert overlay(["a"], ["b"], TASK.members["Targets"]) == ["b"]
    assert overlay(None, {"RunCommand": {"Comment": "c"}}, shape) == {
        "RunCommand": {"Comment": "c"}
    }


def test_diff_walks_down_to_the_changed_leaves() -> None:
    before = {
        "Priority": 1,
        "TaskParameters": {"a": {"Values": ["1"]}, "b": {"Values": ["2"]}},
        "Targets": [{"Key": "k", "Values": ["v"]}],
    }
    after = {
        "Priority": 2,
        "TaskParameters": {"b": {"Values": ["3"]}, "c": {"Values": ["4"]}},
        "Targets": [{"Key": "k", "Values": ["v"]}],
        "Name": "new",
    }
    found = diff(before, after, TASK)
    assert [(c.path, c.action, c.sensitive) for c in found] == [
        ("task_parameters.a.values", "remove", True),
        ("task_parameters.b.values", "change", True),
        ("task_parameters.c.values", "add", True),
        ("priority", "change", False),
        ("name", "add", False),
    ]
    assert [c.render() for c in found] == [
        "- task_parameters.a.values: <sensitive>",
        "~ task_parameters.b.values: (sensitive value changed)",
        "+ task_parameters.c.values: <sensitive>",
        "~ priority: 1 -> 2",
        '+ name: "new"',
    ]
    assert found[1].render(show_sensitive=True) == (
        '~ task_parameters.b.values: ["2"] -> ["3"]'
    )
    assert diff(before, before, TASK) == []


def test_a_change_in_json() -> None:
    change = Change("priority", 1, None)
    assert change.to_json() == {
        "path": "priority",
        "action": "remove",
        "before": 1,
        "after": None,
    }


def test_jsonable_prints_as_the_aws_cli_does() -> None:
    when = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    assert jsonable({"a": [when, b"\x00\x01"]}) == {
        "a": ["2026-01-02T03:04:05+00:00", "AAE="]
    }


def test_resolve_refuses_to_the_letter() -> None:
    with pytest.raises(errors.ValidationError) as caught:
        resolve(TASK, "task_invocation_parameters.run_command.nope")
    assert str(caught.value).startswith(
        "task_invocation_parameters.run_command.nope: no member 'nope' in "
        "task_invocation_parameters.run_command; expected one of "
        "cloud_watch_output_config, comment, document_hash, "
    )
    assert caught.value.member == "task_invocation_parameters.run_command.nope"
    assert caught.value.rule == "no such member"
    # The first step may be held to the members a caller may change.
    with pytest.raises(errors.ValidationError) as caught:
        resolve(TASK, "window_id", {"priority": "Priority"})
    assert (
        str(caught.value)
        == "window_id: no member 'window_id'; expected one of priority"
    )
    with pytest.raises(errors.ValidationError) as caught:
        resolve(TASK, "priority.more")
    assert (
        str(caught.value) == "priority.more: priority is a integer, it has no members"
    )
    assert (caught.value.member, caught.value.rule) == (
        "priority.more",
        "no such member",
    )
    with pytest.raises(errors.ValidationError) as caught:
        resolve(TASK, "task_parameters..values")
    assert (
        str(caught.value) == "task_parameters..values: an empty key in task_parameters"
    )
    assert (caught.value.member, caught.value.rule) == (
        "task_parameters..values",
        "no such member",
    )


def test_a_change_masks_what_it_holds_that_is_sensitive() -> None:
    tasks = MODEL.shape_for("MaintenanceWindowTaskList")
    change = Change(
        "tasks",
        [{"WindowTaskId": "t1", "Description": "secret"}],
        [{"WindowTaskId": "t2", "Description": "secret"}],
        False,
        shape=tasks,
    )
    assert change.to_json() == {
        "path": "tasks",
        "action": "change",
        "before": [{"WindowTaskId": "t1", "Description": "<sensitive>"}],
        "after": [{"WindowTaskId": "t2", "Description": "<sensitive>"}],
    }
    assert "secret" in change.render(show_sensitive=True)
    assert "secret" not in change.render()


def test_what_lies_within_a_sensitive_member_is_known() -> None:
    from ssmkit._wire import within_sensitive

    assert within_sensitive(ASSOCIATION, ("Parameters", "commands"))
    assert within_sensitive(ASSOCIATION, ("Parameters",))
    assert not within_sensitive(ASSOCIATION, ("MaxErrors",))
    assert within_sensitive(TASK, ("TaskInvocationParameters", "Lambda", "Payload"))
    assert not within_sensitive(TASK, ("TaskInvocationParameters", "Lambda"))


def test_text_is_shown_as_written() -> None:
    change = Change("association_name", "café", "naïve", False)
    assert change.render() == '~ association_name: "café" -> "naïve"'
    secret = Change("parameters.commands", ["a"], ["b"], True)
    assert secret.to_json(show_sensitive=True) == {
        "path": "parameters.commands",
        "action": "change",
        "before": ["a"],
        "after": ["b"],
    }
    assert secret.to_json()["before"] == "<sensitive>"


def test_a_change_is_one_line_whatever_its_key_and_value_hold() -> None:
    # A map key is free text, and a value's text JSON leaves as it is
    # (ensure_ascii=False): each control is written as its escape.
    key = "parameters.a\nb\rc\x07d\u2028e"
    change = Change(key, None, ["x\u202ey\x85z\ttab"], False)
    assert change.render() == (
        '+ parameters.a\\nb\\x0dc\\x07d\\u2028e: ["x\\u202ey\\x85z\\ttab"]'
    )
    removed = Change(key, "\x1b[2J", None, False)
    assert removed.render() == '- parameters.a\\nb\\x0dc\\x07d\\u2028e: "\\u001b[2J"'
    hidden = Change(key, ["a"], ["b"], True)
    assert hidden.render() == (
        "~ parameters.a\\nb\\x0dc\\x07d\\u2028e: (sensitive value changed)"
    )
    # In JSON, the key as it is.
    assert change.to_json()["path"] == key


def test_prune_reaches_inside_list_items() -> None:
    shape = ASSOCIATION.members["TargetLocations"]
    stored = [{"Accounts": [], "Regions": ["us-east-1"], "Targets": []}]
    assert prune(stored, shape) == [{"Regions": ["us-east-1"], "Targets": []}]
    kept = [{"Accounts": ["1"], "Regions": ["us-east-1"]}]
    assert prune(kept, shape) is kept


# -- pruning, overlays and paths at the edges -----------------------------------------


def test_prune_walks_every_member_and_keeps_each_prune() -> None:
    stored = {
        "FutureSetting": "kept",  # unknown to this model: walked past, kept
        "TargetLocations": [],  # input minimum 1: dropped
        "AlarmConfiguration": {"Alarms": [], "IgnorePollAlarmFailure": True},
        "TargetMaps": [{}, {"InstanceIds": ["i-1"]}],  # each map needs a key
        "CalendarNames": [],  # no minimum: kept
        "Parameters": {},
    }
    assert prune(stored, ASSOCIATION) == {
        "FutureSetting": "kept",
        "AlarmConfiguration": {"IgnorePollAlarmFailure": True},
        "TargetMaps": [{"InstanceIds": ["i-1"]}],
        "CalendarNames": [],
        "Parameters": {},
    }
    kept = {"CalendarNames": ["c"], "Targets": []}
    assert prune(kept, ASSOCIATION) is kept


def test_overlay_clearing_an_absent_member_changes_nothing() -> None:
    shape = ASSOCIATION.members["AlarmConfiguration"]
    current = {"Alarms": [{"Name": "cpu-high"}]}
    assert overlay(current, {"IgnorePollAlarmFailure": CLEAR}, shape) == current


def test_a_path_through_a_map_of_structures_names_where_it_fails() -> None:
    with pytest.raises(errors.ValidationError) as caught:
        resolve(TASK, "task_parameters.Commands.nope")
    assert str(caught.value) == (
        "task_parameters.Commands.nope: no member 'nope' in "
        "task_parameters.Commands; expected one of values"
    )


def test_a_map_of_maps_takes_one_key_per_step() -> None:
    resolver = ShapeResolver(
        {
            "Root": {"type": "structure", "members": {"Nested": {"shape": "Outer"}}},
            "Outer": {
                "type": "map",
                "key": {"shape": "S"},
                "value": {"shape": "Inner"},
            },
            "Inner": {"type": "map", "key": {"shape": "S"}, "value": {"shape": "S"}},
            "S": {"type": "string"},
        }
    )
    root = resolver.get_shape_by_name("Root")
    path, leaf = resolve(root, "nested.a.b.c")
    assert path == ("Nested", "a", "b.c")
    assert leaf.type_name == "string"


def test_a_sensitive_change_is_masked_unless_asked() -> None:
    change = Change(
        path="parameters.Token", before=None, after="s3cret", sensitive=True
    )
    assert change.shown("s3cret") == "<sensitive>"
    assert change.shown("s3cret", show_sensitive=True) == "s3cret"


def test_prune_reaches_into_a_shape_that_holds_itself() -> None:
    resolver = ShapeResolver(
        {
            "Node": {
                "type": "structure",
                "members": {
                    "Name": {"shape": "S"},
                    "Tags": {"shape": "Tags"},
                    "Children": {"shape": "Nodes"},
                },
            },
            "Nodes": {"type": "list", "member": {"shape": "Node"}},
            "Tags": {"type": "list", "member": {"shape": "S"}, "min": 1},
            "S": {"type": "string"},
        }
    )
    node = resolver.get_shape_by_name("Node")
    stored = {
        "Name": "a",
        "Tags": ["t"],
        "Children": [{"Name": "b", "Children": [{"Name": "c", "Tags": []}]}],
    }
    assert prune(stored, node) == {
        "Name": "a",
        "Tags": ["t"],
        "Children": [{"Name": "b", "Children": [{"Name": "c"}]}],
    }
    kept = {"Name": "a", "Children": [{"Name": "b", "Tags": ["t"]}]}
    assert prune(kept, node) is kept
