"""The local SSM's maintenance windows, window targets and patch baselines.

moto keeps them but lacks their updates and ``GetPatchBaseline``, drops
members, and finds no window target once a filter is given; the stand-in
serves them as AWS documents, ``Replace`` included.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from botocore.exceptions import ClientError

import ssmkit
from ssmkit import CLEAR
from ssmkit.models import Target
from ssmkit.testing import StandIn, mock_ssm


@pytest.fixture
def ssm() -> Any:
    with mock_ssm() as stand_in:
        yield stand_in


@pytest.fixture
def boto(ssm: Any) -> Any:
    return ssm.client()


def window(boto: Any, **extra: Any) -> str:
    return boto.create_maintenance_window(  # type: ignore[no-any-return]
        Name="patching",
        Description="Sunday patching",
        Schedule="cron(0 2 ? * SUN *)",
        ScheduleTimezone="Europe/Paris",
        Duration=4,
        Cutoff=1,
        AllowUnassociatedTargets=True,
        **extra,
    )["WindowId"]


def code(caught: pytest.ExceptionInfo[ClientError]) -> str:
    return caught.value.response["Error"]["Code"]  # type: ignore[no-any-return]


def test_a_window_keeps_what_it_was_created_with(boto: Any) -> None:
    got = boto.get_maintenance_window(WindowId=window(boto))
    assert got["AllowUnassociatedTargets"] is True
    assert got["Enabled"] is True
    assert got["Description"] == "Sunday patching"
    assert "CreatedDate" in got


def test_a_window_update_without_replace_modifies_only_what_it_is_sent(
    boto: Any,
) -> None:
    window_id = window(boto)
    answer = boto.update_maintenance_window(WindowId=window_id, Enabled=False)
    assert answer["Enabled"] is False
    assert answer["Description"] == "Sunday patching"
    got = boto.get_maintenance_window(WindowId=window_id)
    assert (got["Enabled"], got["Schedule"]) == (False, "cron(0 2 ? * SUN *)")


def test_a_window_update_with_replace_nulls_what_it_is_not_sent(boto: Any) -> None:
    window_id = window(boto)
    with pytest.raises(ClientError) as caught:
        boto.update_maintenance_window(WindowId=window_id, Duration=3, Replace=True)
    assert code(caught) == "ValidationException"
    boto.update_maintenance_window(
        WindowId=window_id,
        Name="patching",
        Schedule="rate(7 days)",
        Duration=3,
        Cutoff=1,
        AllowUnassociatedTargets=False,
        Replace=True,
    )
    got = boto.get_maintenance_window(WindowId=window_id)
    assert "Description" not in got
    assert "ScheduleTimezone" not in got
    assert got["AllowUnassociatedTargets"] is False


def test_a_missing_window_is_reported(boto: Any) -> None:
    with pytest.raises(ClientError) as caught:
        boto.update_maintenance_window(WindowId="mw-0123456789abcdef0", Duration=2)
    assert code(caught) == "DoesNotExistException"


def test_window_targets_are_found_by_filter_and_keep_their_owner(boto: Any) -> None:
    window_id = window(boto)
    ids = [
        boto.register_target_with_maintenance_window(
            WindowId=window_id,
            ResourceType="INSTANCE",
            Targets=[{"Key": "tag:Patch", "Values": [name]}],
            OwnerInformation=f"owner-{name}",
            Name=name,
        )["WindowTargetId"]
        for name in ("weekly", "nightly")
    ]
    found = boto.describe_maintenance_window_targets(
        WindowId=window_id, Filters=[{"Key": "WindowTargetId", "Values": [ids[1]]}]
    )["Targets"]
    assert [t["Name"] for t in found] == ["nightly"]
    assert found[0]["OwnerInformation"] == "owner-nightly"


def test_a_window_target_update_with_replace_nulls_what_it_is_not_sent(
    boto: Any,
) -> None:
    window_id = window(boto)
    target_id = boto.register_target_with_maintenance_window(
        WindowId=window_id,
        ResourceType="INSTANCE",
        Targets=[{"Key": "tag:Patch", "Values": ["weekly"]}],
        OwnerInformation="owner",
        Name="weekly",
        Description="each week",
    )["WindowTargetId"]
    kept = boto.update_maintenance_window_target(
        WindowId=window_id, WindowTargetId=target_id, Name="renamed"
    )
    assert (kept["Name"], kept["OwnerInformation"]) == ("renamed", "owner")
    replaced = boto.update_maintenance_window_target(
        WindowId=window_id,
        WindowTargetId=target_id,
        Targets=[{"Key": "tag:Patch", "Values": ["daily"]}],
        Replace=True,
    )
    assert set(replaced) - {"ResponseMetadata"} == {
        "WindowId",
        "WindowTargetId",
        "Targets",
    }


def test_a_baseline_is_read_and_updated_as_documented(boto: Any) -> None:
    baseline_id = boto.create_patch_baseline(
        Name="linux", OperatingSystem="AMAZON_LINUX_2", ApprovedPatches=["KB1"]
    )["BaselineId"]
    got = boto.get_patch_baseline(BaselineId=baseline_id)
    assert got["RejectedPatchesAction"] == "ALLOW_AS_DEPENDENCY"
    assert got["GlobalFilters"] == {"PatchFilters": []}
    updated = boto.update_patch_baseline(BaselineId=baseline_id, Description="ours")
    assert (updated["Description"], updated["ApprovedPatches"]) == ("ours", ["KB1"])
    replaced = boto.update_patch_baseline(
        BaselineId=baseline_id, Name="linux", Replace=True
    )
    assert "Description" not in replaced
    assert "ApprovedPatches" not in replaced or replaced["ApprovedPatches"] == []


def test_the_safe_updates_keep_everything_the_raw_ones_lose(
    ssm: Any, boto: Any
) -> None:
    client = ssmkit.Client(boto3_client=boto)
    window_id = window(boto)
    # Removing one member the raw way takes Replace, and loses the rest.
    client.update_maintenance_window(window_id, description=CLEAR)
    got = boto.get_maintenance_window(WindowId=window_id)
    assert "Description" not in got
    assert got["ScheduleTimezone"] == "Europe/Paris"
    assert got["AllowUnassociatedTargets"] is True

    target_id = client.register_target_with_maintenance_window(
        window_id=window_id,
        resource_type="INSTANCE",
        targets=[Target(key="tag:Patch", values=["weekly"])],
        owner_information="owner",
    )
    result = client.update_maintenance_window_target(
        window_id, target_id, name="weekly-nodes"
    )
    assert result.owner_information == "owner"
    assert ssm.requests_for("UpdateMaintenanceWindowTarget") == [
        {"WindowId": window_id, "WindowTargetId": target_id, "Name": "weekly-nodes"}
    ]

    baseline_id = client.create_patch_baseline(
        name="linux", approved_patches=["KB1"], description="ours"
    )
    baseline = client.update_patch_baseline(
        baseline_id,
        modify=lambda b: attrs.evolve(
            b, approved_patches=[*(b.approved_patches or ()), "KB2"]
        ),
    )
    assert baseline.approved_patches == ("KB1", "KB2")
    assert baseline.description == "ours"
    assert ssm.requests_for("UpdatePatchBaseline") == [
        {"BaselineId": baseline_id, "ApprovedPatches": ["KB1", "KB2"]}
    ]


def test_a_target_a_task_names_is_kept_when_deregistered_safely(
    stand_in: StandIn,
) -> None:
    boto = stand_in.client()
    window_id = boto.create_maintenance_window(
        Name="safe-window",
        Schedule="cron(0 2 ? * SUN *)",
        Duration=2,
        Cutoff=1,
        AllowUnassociatedTargets=False,
    )["WindowId"]
    target_id = boto.register_target_with_maintenance_window(
        WindowId=window_id,
        ResourceType="INSTANCE",
        Targets=[{"Key": "tag:Role", "Values": ["web"]}],
    )["WindowTargetId"]
    boto.register_task_with_maintenance_window(
        WindowId=window_id,
        TaskArn="AWS-RunShellScript",
        TaskType="RUN_COMMAND",
        Targets=[{"Key": "WindowTargetIds", "Values": [target_id]}],
        MaxConcurrency="1",
        MaxErrors="1",
    )
    with pytest.raises(ClientError) as raised:
        boto.deregister_target_from_maintenance_window(
            WindowId=window_id, WindowTargetId=target_id, Safe=True
        )
    assert raised.value.response["Error"]["Code"] == "TargetInUseException"
    listed = boto.describe_maintenance_window_targets(WindowId=window_id)["Targets"]
    assert [t["WindowTargetId"] for t in listed] == [target_id]
    # Without Safe it goes; asked again, it is no more.
    boto.deregister_target_from_maintenance_window(
        WindowId=window_id, WindowTargetId=target_id
    )
    assert boto.describe_maintenance_window_targets(WindowId=window_id)["Targets"] == []
    with pytest.raises(ClientError) as raised:
        boto.deregister_target_from_maintenance_window(
            WindowId=window_id, WindowTargetId=target_id
        )
    assert raised.value.response["Error"]["Code"] == "DoesNotExistException"
