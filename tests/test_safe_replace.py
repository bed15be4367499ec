"""The safe updates of windows, window targets and patch baselines.

Their update operations modify only what they are sent, unless ``Replace`` is
set, and then "Optional fields that aren't specified are set to null". Lists
and structures sent are stored whole. So the safe update sends only what
changes, and sends everything, with ``Replace``, only to remove a member.
Every request is checked exactly by botocore's Stubber.
"""

from __future__ import annotations

import datetime
from typing import Any

import attrs
import boto3
import pytest
from botocore.stub import Stubber

import ssmkit
from ssmkit import CLEAR, errors
from ssmkit.models import (
    GetMaintenanceWindowResult,
    GetPatchBaselineResult,
    MaintenanceWindowTarget,
    PatchFilter,
    Target,
)

WHEN = datetime.datetime(2026, 11, 1, 12, 0, tzinfo=datetime.timezone.utc)

WINDOW = {
    "WindowId": "mw-0123456789abcdef0",
    "Name": "patching",
    "Description": "Sunday patching",
    "Schedule": "cron(0 2 ? * SUN *)",
    "ScheduleTimezone": "Europe/Paris",
    "Duration": 4,
    "Cutoff": 1,
    "AllowUnassociatedTargets": False,
    "Enabled": True,
    "CreatedDate": WHEN,
    "ModifiedDate": WHEN,
}
TARGET = {
    "WindowId": "mw-0123456789abcdef0",
    "WindowTargetId": "e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE",
    "ResourceType": "INSTANCE",
    "Targets": [{"Key": "tag:Patch", "Values": ["weekly"]}],
    "OwnerInformation": "team-secret-42",
    "Name": "weekly-nodes",
    "Description": "Nodes patched each week",
}
BASELINE = {
    "BaselineId": "pb-0123456789abcdef0",
    "Name": "linux-baseline",
    "OperatingSystem": "AMAZON_LINUX_2",
    "GlobalFilters": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["AmazonLinux2"]}]},
    "ApprovalRules": {
        "PatchRules": [
            {
                "PatchFilterGroup": {
                    "PatchFilters": [{"Key": "CLASSIFICATION", "Values": ["Security"]}]
                },
                "ApproveAfterDays": 7,
            }
        ]
    },
    "ApprovedPatches": ["KB001"],
    "RejectedPatches": [],
    "Description": "Our Linux patches",
    "PatchGroups": ["web"],
    "CreatedDate": WHEN,
    "ModifiedDate": WHEN,
}


def _without(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in names}


@pytest.fixture
def stubbed() -> tuple[ssmkit.Client, Stubber]:
    boto = boto3.session.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="eu-west-1",
    ).client("ssm")
    with Stubber(boto) as stub:
        yield ssmkit.Client(boto3_client=boto), stub
        stub.assert_no_pending_responses()


# -- maintenance windows ------------------------------------------------------------


def _get_window(stub: Stubber) -> None:
    stub.add_response(
        "get_maintenance_window", WINDOW, {"WindowId": WINDOW["WindowId"]}
    )


def test_a_window_change_sends_only_what_changes(
    stubbed: tuple[ssmkit.Client, Stubber],
) -> None:
    client, stub = stubbed
    stub.add_response(
        "get_maintenance_window", WINDOW, {"WindowId": WINDOW["WindowId"]}
    )
    answer = {**_without(WINDOW, "CreatedDate", "ModifiedDate"), "Duration": 6}
    stub.add_response(
        "update_maintenance_window",
        answer,
        {"WindowId": WINDOW["WindowId"], "Duration": 6},
    )
    result = client.update_maintenance_window(WINDOW["WindowId"], duration=6)
    assert isinstance(result, GetMaintenanceWindowResult)
    assert result.duration == 6
    # What the update's answer lacks is kept from the read.
    assert result.created_date == WHEN
    assert result.description == "Sunday patching"


def test_a_window_change_that_changes_nothing_writes_nothing(
    stubbed: tuple[ssmkit.Client, Stubber],
) -> None:
    client, stub = stubbed
    stub.add_response(
        "get_maintenance_window", WINDOW, {"WindowId": WINDOW["WindowId"]}
    )
    result = client.update_maintenance_window(WINDOW["WindowId"], duration=4)
    assert result.duration == 4


def test_removing_a_window_member_sends_everything_else_with_replace(
    stubbed: tuple[ssmkit.Client, Stubber],
) -> None:
    client, stub = stubbed
    stub.add_response(
        "get_maintenance_window", WINDOW, {"WindowId": WINDOW["WindowId"]}
    )
    sent = {
        **_without(WINDOW, "Description", "CreatedDate", "ModifiedDate"),
        "Enabled": False,
        "Replace": True,
    }
    stub.add_response("update_maintenance_window", _without(sent, "Replace"), sent)
    result = client.update_maintenance_window(
        WINDOW["WindowId"], description=CLEAR, enabled=False
    )
    assert result.description is None
    assert result.enabled is False
    assert result.schedule == WINDOW["Schedule"]


def test_a_window_member_it_cannot_go_without_is_not_removed(
    stubbed: tuple[ssmkit.Client, Stubber],
) -> None:
    client, _ = stubbed
    with pytest.raises(errors.ValidationError) as caught:
        client.update_maintenance_window(WINDOW["WindowId"], schedule=CLEAR)
    assert str(caught.value) == (
        "schedule: cannot be removed (CreateMaintenanceWindow requires it)"
    )


def test_a_window_plan_writes_nothing(stubbed: tuple[ssmkit.Client, Stubber]) -> None:
    client, stub = stubbed
    stub.add_response(
        "get_maintenance_window", WINDOW, {"WindowId": WINDOW["WindowId"]}
    )
    plan = client.plan_maintenance_window_update(
        WINDOW["WindowId"], modify=lambda w: attrs.evolve(w, cutoff=2)
    )
    assert plan.request == {"WindowId": WINDOW["WindowId"], "Cutoff": 2}
    assert [c.path for c in plan.changes] == ["cutoff"]
    assert plan.after.cutoff == 2


# -- maintenance window targets ----------------------------------------------------


def _describe_target(stub: Stubber, target: dict[str, Any] | None = TARGET) -> None:
    stub.add_response(
        "describe_maintenance_window_targets",
        {"Targets": [target] if target else []},
        {
            "WindowId": TARGET["WindowId"],
            "Filters": [
                {"Key": "WindowTargetId", "Values": [TARGET["WindowTargetId"]]}
            ],
        },
    )


def test_a_window_target_is_read_by_filter_and_only_its_change_sent(
    stubbed: tuple[ssmkit.Client, Stubber],
) -> None:
    client, stub = stubbed
    _describe_target(stub)
    new_targets = [{"Key": "tag:Patch", "Values": ["weekly", "nightly"]}]
    stub.add_response(
        "update_maintenance_window_target",
        {**_without(TARGET, "ResourceType"), "Targets": new_targets},
        {
            "WindowId": TARGET["WindowId"],
            "WindowTargetId": TARGET["WindowTargetId"],
            "Targets": new_targets,
        },
    )
    result = client.update_maintenance_window_target(
        TARGET["WindowId"],
        TARGET["WindowTargetId"],
        targets=[Target(key="tag:Patch", values=["weekly", "nightly"])],
    )
    assert isinstance(result, MaintenanceWindowTarget)
    assert result.targets == (Target(key="tag:Patch", values=("weekly", "nightly")),)
    assert result.resource_type == "INSTANCE"
    assert "team-secret-42" not in repr(result)


def test_a_window_target_plan_masks_its_owner_information(
    stubbed: tuple[ssmkit.Client, Stubber],
) -> None:
    client, stub = stubbed
    _describe_target(stub)
    plan = client.plan_maintenance_window_target_update(
        TARGET["WindowId"], TARGET["WindowTargetId"], owner_information="new-secret"
    )
    assert plan.request["OwnerInformation"] == "new-secret"
    shown = plan.render() + repr(plan) + repr(plan.changes)
    assert "secret" not in shown
    assert "owner_information" in plan.render()


def test_a_missing_window_target_is_reported(
    stubbed: tuple[ssmkit.Client, Stubber],
) -> None:
    client, stub = stubbed
    _describe_target(stub, None)
    with pytest.raises(errors.DoesNotExistException, match="has no target"):
        client.update_maintenance_window_target(
            TARGET["WindowId"], TARGET["WindowTargetId"], name="renamed"
        )


def test_a_window_target_keeps_its_targets(
    stubbed: tuple[ssmkit.Client, Stubber],
) -> None:
    client, _ = stubbed
    with pytest.raises(errors.ValidationError, match="targets: cannot be removed"):
        client.update_maintenance_window_target(
            TARGET["WindowId"], TARGET["WindowTargetId"], targets=CLEAR
        )


# -- patch baselines ---------------------------------------------------------------


def test_a_baseline_list_edited_by_modify_is_sent_whole_and_alone(
    stubbed: tuple[ssmkit.Client, Stubber],
) -> None:
    client, stub = stubbed
    stub.add_response(
        "get_patch_baseline", BASELINE, {"BaselineId": BASELINE["BaselineId"]}
    )
    answer = {
        **_without(BASELINE, "PatchGroups"),
        "ApprovedPatches": ["KB001", "KB002"],
    }
    stub.add_response(
        "update_patch_baseline",
        answer,
        {"BaselineId": BASELINE["BaselineId"], "ApprovedPatches": ["KB001", "KB002"]},
    )

    def approve(current: GetPatchBaselineResult) -> GetPatchBaselineResult:
        return attrs.evolve(
            current, approved_patches=[*(current.approved_patches or ()), "KB002"]
        )

    result = client.update_patch_baseline(BASELINE["BaselineId"], modify=approve)
    assert result.approved_patches == ("KB001", "KB002")
    # Not a member of the update: kept from the read.
    assert result.patch_groups == ("web",)


def test_a_baseline_structure_merges_and_is_sent_whole(
    stubbed: tuple[ssmkit.Client, Stubber],
) -> None:
    client, stub = stubbed
    stub.add_response(
        "get_patch_baseline", BASELINE, {"BaselineId": BASELINE["BaselineId"]}
    )
    rules = BASELINE["ApprovalRules"]["PatchRules"]
    sent_rules = {"PatchRules": [{**rules[0], "ApproveAfterDays": 3}]}
    stub.add_response(
        "update_patch_baseline",
        {**_without(BASELINE, "PatchGroups"), "ApprovalRules": sent_rules},
        {"BaselineId": BASELINE["BaselineId"], "ApprovalRules": sent_rules},
    )
    result = client.update_patch_baseline(
        BASELINE["BaselineId"],
        modify=lambda b: attrs.evolve(
            b,
            approval_rules=attrs.evolve(
                b.approval_rules,
                patch_rules=[
                    attrs.evolve(b.approval_rules.patch_rules[0], approve_after_days=3)
                ],
            ),
        ),
    )
    assert result.approval_rules is not None
    assert result.approval_rules.patch_rules[0].approve_after_days == 3


def test_removing_a_baseline_member_sends_everything_else_with_replace(
    stubbed: tuple[ssmkit.Client, Stubber],
) -> None:
    client, stub = stubbed
    stub.add_response(
        "get_patch_baseline", BASELINE, {"BaselineId": BASELINE["BaselineId"]}
    )
    # What GetPatchBaseline reports and UpdatePatchBaseline does not take
    # (OperatingSystem, PatchGroups, dates) is not sent.
    sent = {
        **_without(
            BASELINE,
            "Description",
            "OperatingSystem",
            "PatchGroups",
            "CreatedDate",
            "ModifiedDate",
        ),
        "Replace": True,
    }
    stub.add_response(
        "update_patch_baseline",
        {
            **_without(BASELINE, "Description", "PatchGroups"),
        },
        sent,
    )
    result = client.update_patch_baseline(BASELINE["BaselineId"], description=CLEAR)
    assert result.description is None
    assert result.approved_patches == ("KB001",)


def test_the_safe_updates_spell_out_their_members() -> None:
    import inspect

    parameters = inspect.signature(ssmkit.Client.update_patch_baseline).parameters
    assert "approved_patches" in parameters
    assert "replace" not in parameters
    assert "baseline_id" in parameters


def test_a_baseline_plan_writes_nothing(stubbed: tuple[ssmkit.Client, Stubber]) -> None:
    client, stub = stubbed
    stub.add_response(
        "get_patch_baseline", BASELINE, {"BaselineId": BASELINE["BaselineId"]}
    )
    plan = client.plan_patch_baseline_update(
        BASELINE["BaselineId"], rejected_patches=["KB666"]
    )
    assert plan.request == {
        "BaselineId": BASELINE["BaselineId"],
        "RejectedPatches": ["KB666"],
    }
    assert plan.after.rejected_patches == ("KB666",)
    assert plan.after.approved_patches == ("KB001",)


# -- each method passes on what it is given ----------------------------------------


def _get_baseline(stub: Stubber) -> None:
    stub.add_response(
        "get_patch_baseline", BASELINE, {"BaselineId": BASELINE["BaselineId"]}
    )


#: Per kind: its update and plan methods, their ids, its read, and a change
#: given as a ``modify``, as a dotted path and as the request it makes.
_KINDS: dict[str, tuple[str, tuple[str, ...], Any, Any, dict[str, Any], Any]] = {
    "window": (
        "maintenance_window",
        (WINDOW["WindowId"],),
        _get_window,
        lambda w: attrs.evolve(w, cutoff=2),
        {"cutoff": 2},
        ({"WindowId": WINDOW["WindowId"], "Cutoff": 2}, {**WINDOW, "Cutoff": 2}),
    ),
    "target": (
        "maintenance_window_target",
        (TARGET["WindowId"], TARGET["WindowTargetId"]),
        _describe_target,
        lambda t: attrs.evolve(t, name="renamed"),
        {"name": "renamed"},
        (
            {
                "WindowId": TARGET["WindowId"],
                "WindowTargetId": TARGET["WindowTargetId"],
                "Name": "renamed",
            },
            {**_without(TARGET, "ResourceType"), "Name": "renamed"},
        ),
    ),
    "baseline": (
        "patch_baseline",
        (BASELINE["BaselineId"],),
        _get_baseline,
        lambda b: attrs.evolve(
            b,
            global_filters=attrs.evolve(
                b.global_filters,
                patch_filters=[
                    attrs.evolve(b.global_filters.patch_filters[0], values=["AL2"])
                ],
            ),
        ),
        {"global_filters.patch_filters": [PatchFilter(key="PRODUCT", values=["AL2"])]},
        (
            {
                "BaselineId": BASELINE["BaselineId"],
                "GlobalFilters": {
                    "PatchFilters": [{"Key": "PRODUCT", "Values": ["AL2"]}]
                },
            },
            {
                **_without(BASELINE, "PatchGroups"),
                "GlobalFilters": {
                    "PatchFilters": [{"Key": "PRODUCT", "Values": ["AL2"]}]
                },
            },
        ),
    ),
}


@pytest.mark.parametrize("given", ["modify", "paths"])
@pytest.mark.parametrize("kind", sorted(_KINDS))
def test_each_update_and_plan_sends_the_change_it_is_given(
    stubbed: tuple[ssmkit.Client, Stubber], kind: str, given: str
) -> None:
    client, stub = stubbed
    name, ids, read, modify, paths, (request, answer) = _KINDS[kind]
    change = {"modify": modify} if given == "modify" else {"paths": paths}
    read(stub)
    plan = getattr(client, f"plan_{name}_update")(*ids, **change)
    assert plan.request == request
    read(stub)
    if kind == "window":
        answer = _without(answer, "CreatedDate", "ModifiedDate")
    stub.add_response(f"update_{name}", answer, request)
    getattr(client, f"update_{name}")(*ids, **change)
