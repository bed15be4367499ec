"""``ssmkit.Fleet``: every account and Region of an organization, each on its own.

Against the local SSM, whose organization, roles and Regions behave as AWS
documents them: the member accounts keep their own SSM state in each Region.
"""

from __future__ import annotations

import datetime
import json
import re
import socket
from typing import TYPE_CHECKING, Any

import attrs
import boto3
import pytest
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.iam.models import iam_backends
from moto.sts.models import sts_backends

import ssmkit
from ssmkit import errors

from .wire import Body

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ssmkit.testing import StandIn

ROLE = "OrganizationAccountAccessRole"
INVENTORY = {
    "AssociationName": "inventory",
    "Name": "AWS-GatherSoftwareInventory",
    "Targets": [{"Key": "InstanceIds", "Values": ["*"]}],
    "ScheduleExpression": "rate(1 day)",
}


def names(stand_in: StandIn, account_id: str, region: str) -> list[str]:
    """The association names one account has in one Region, read as that account."""
    client = stand_in.client(region, account_id=account_id)
    pages = client.get_paginator("list_associations").paginate()
    return sorted(
        a.get("AssociationName", "") for p in pages for a in p["Associations"]
    )


def assumed(account_id: str) -> list[Any]:
    """Every session of a role the fleet assumed in ``account_id``."""
    sessions = sts_backends[account_id]["aws"].assumed_roles
    return [s for s in sessions if s.session_name == "ssmkit-fleet"]


@pytest.fixture(autouse=True)
def home(monkeypatch: pytest.MonkeyPatch) -> None:
    """The session's Region, where the roles are assumed."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture
def members(stand_in: StandIn) -> list[str]:
    return stand_in.create_organization(3)


@pytest.fixture
def ctrl_c() -> Iterator[Callable[[], None]]:
    """Ctrl-C, pressed from a thread of the run; it returns once the run took it.

    The press is a SIGINT to the main thread, where the run is, handled as
    Python does by default (whatever runs the tests may have put its own
    handler in place): a ``KeyboardInterrupt``. The run has taken it when it
    logs that it is finishing the calls under way.
    """
    import logging
    import signal
    import threading

    taken = threading.Event()

    class Taken(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith("interrupted: finishing"):
                taken.set()

    main = threading.main_thread().ident or 0

    def press() -> None:
        signal.pthread_kill(main, signal.SIGINT)
        assert taken.wait(30), "the run did not take the Ctrl-C"

    handler = Taken()
    logging.getLogger("ssmkit").addHandler(handler)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield press
    finally:
        signal.signal(signal.SIGINT, previous)
        logging.getLogger("ssmkit").removeHandler(handler)


def test_map_reaches_every_target_once_as_its_own_account(
    stand_in: StandIn, members: list[str]
) -> None:
    fleet = ssmkit.Fleet(accounts=members, regions=["us-east-1", "eu-west-1"])

    def mark(client: ssmkit.Client, account_id: str, region: str) -> str:
        client.boto3_client.create_association(
            **{**INVENTORY, "AssociationName": f"from-{account_id}-{region}"}
        )
        return f"{account_id}/{region}"

    results = fleet.map(mark)
    expected = [(a, r) for a in members for r in ("us-east-1", "eu-west-1")]
    assert [(r.account_id, r.region, r.outcome) for r in results] == [
        (a, r, "ok") for a, r in expected
    ]
    assert [r.value for r in results] == [f"{a}/{r}" for a, r in expected]
    # Each write landed in its own account and Region, and only there.
    for account_id, region in expected:
        assert names(stand_in, account_id, region) == [f"from-{account_id}-{region}"]
    assert names(stand_in, DEFAULT_ACCOUNT_ID, "us-east-1") == []
    served = {
        (q.account_id, q.region)
        for q in stand_in.requests
        if q.operation == "CreateAssociation"
    }
    assert served == set(expected)
    # One role session per account, whatever its number of Regions.
    for account_id in members:
        [session] = assumed(account_id)
        assert session.role_arn == f"arn:aws:iam::{account_id}:role/{ROLE}"
        assert session.session_name == "ssmkit-fleet"


def test_the_organization_is_every_active_account_the_management_one_as_it_is(
    stand_in: StandIn, members: list[str]
) -> None:
    organizations = boto3.client("organizations", region_name="us-east-1")
    organizations.close_account(AccountId=members[1])
    fleet = ssmkit.Fleet(organization=True)
    assert sorted(fleet.accounts()) == sorted(
        [DEFAULT_ACCOUNT_ID, members[0], members[2]]
    )
    results = fleet.map(lambda c, a, r: a)
    assert sorted(r.value for r in results) == sorted(fleet.accounts())
    # The session's own account is used with the session's credentials.
    assert assumed(DEFAULT_ACCOUNT_ID) == []


def test_units_are_walked_down_to_their_last_account(stand_in: StandIn) -> None:
    organizations = boto3.client("organizations", region_name="us-east-1")
    accounts = stand_in.create_organization(4)
    root_id = organizations.list_roots()["Roots"][0]["Id"]
    top = organizations.create_organizational_unit(ParentId=root_id, Name="prod")[
        "OrganizationalUnit"
    ]["Id"]
    below = organizations.create_organizational_unit(ParentId=top, Name="eu")[
        "OrganizationalUnit"
    ]["Id"]
    organizations.move_account(
        AccountId=accounts[0], SourceParentId=root_id, DestinationParentId=top
    )
    organizations.move_account(
        AccountId=accounts[1], SourceParentId=root_id, DestinationParentId=below
    )
    fleet = ssmkit.Fleet(organizational_units=[top])
    assert sorted(fleet.accounts()) == sorted(accounts[:2])
    assert sorted(ssmkit.Fleet(organizational_units=[below]).accounts()) == [
        accounts[1]
    ]


def test_a_role_that_cannot_be_assumed_is_that_account_s_failure_alone(
    stand_in: StandIn, members: list[str]
) -> None:
    iam_backends[members[1]]["global"].delete_role(ROLE)
    fleet = ssmkit.Fleet(accounts=members, regions=["us-east-1", "eu-west-1"])
    results = fleet.map(lambda c, a, r: len(list(c.list_associations())))
    failed = [r for r in results if r.outcome == "failed"]
    assert [(r.account_id, r.region) for r in failed] == [
        (members[1], "us-east-1"),
        (members[1], "eu-west-1"),
    ]
    error = failed[0].error
    assert isinstance(error, errors.AccountAccessError)
    assert error.code == "AccessDenied"
    assert error.account_id == members[1]
    assert error.role_arn == f"arn:aws:iam::{members[1]}:role/{ROLE}"
    assert [r.value for r in results if r.outcome == "ok"] == [0, 0, 0, 0]


def test_an_exception_in_fn_is_that_target_s_failure_alone(
    stand_in: StandIn, members: list[str]
) -> None:
    def work(client: ssmkit.Client, account_id: str, region: str) -> str:
        if account_id == members[0]:
            raise RuntimeError("broken here")
        return account_id

    results = ssmkit.Fleet(accounts=members).map(work)
    assert [r.outcome for r in results] == ["failed", "ok", "ok"]
    assert isinstance(results[0].error, RuntimeError)
    assert [r.value for r in results[1:]] == members[1:]


def test_a_region_not_enabled_is_skipped_and_enabled_ones_are_found(
    stand_in: StandIn, members: list[str]
) -> None:
    stand_in.enable_region(members[2], "af-south-1")
    fleet = ssmkit.Fleet(accounts=members, regions=["us-east-1", "af-south-1"])
    results = fleet.map(lambda c, a, r: len(list(c.list_associations())))
    assert [(r.account_id, r.region, r.outcome) for r in results] == [
        (members[0], "us-east-1", "ok"),
        (members[0], "af-south-1", "skipped"),
        (members[1], "us-east-1", "ok"),
        (members[1], "af-south-1", "skipped"),
        (members[2], "us-east-1", "ok"),
        (members[2], "af-south-1", "ok"),
    ]
    assert results[1].reason == f"af-south-1 is not enabled in {members[0]}"
    # No call went to a Region the account has not enabled.
    listed = {(q.account_id, q.region) for q in stand_in.requests}
    assert (members[0], "af-south-1") not in listed
    assert (members[2], "af-south-1") in listed

    every = ssmkit.Fleet(accounts=members[1:], regions="enabled").map(lambda c, a, r: r)
    by_account = {
        a: {r.region for r in every if r.account_id == a} for a in members[1:]
    }
    assert "af-south-1" not in by_account[members[1]]
    assert "af-south-1" in by_account[members[2]]
    assert {"us-east-1", "eu-west-1"} <= by_account[members[1]]
    assert all(r.outcome == "ok" for r in every)


def test_an_external_id_is_sent_and_a_trust_policy_that_asks_for_one_is_kept(
    stand_in: StandIn, members: list[str]
) -> None:
    iam = iam_backends[members[0]]["global"]
    role = next(r for r in iam.roles.values() if r.name == ROLE)
    policy = json.loads(role.assume_role_policy_document)
    policy["Statement"][0]["Condition"] = {
        "StringEquals": {"sts:ExternalId": "s3cret-id"}
    }
    iam.update_assume_role_policy(ROLE, json.dumps(policy))

    without = ssmkit.Fleet(accounts=members[:2]).map(lambda c, a, r: a)
    assert [r.outcome for r in without] == ["failed", "ok"]
    assert isinstance(without[0].error, errors.AccountAccessError)

    with_id = ssmkit.Fleet(accounts=members[:2], external_id="s3cret-id").map(
        lambda c, a, r: a
    )
    assert [r.outcome for r in with_id] == ["ok", "ok"]
    assert assumed(members[0])[-1].external_id == "s3cret-id"


def test_credentials_are_refreshed_before_they_expire_and_not_before(
    stand_in: StandIn, members: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.credentials import RefreshableCredentials

    fleet = ssmkit.Fleet(accounts=members[:1], session_duration=900)

    def calls(client: ssmkit.Client, account_id: str, region: str) -> int:
        for _ in range(3):
            list(client.list_associations())
        # A minute left: the next call assumes the role again first.
        monkeypatch.setattr(RefreshableCredentials, "_seconds_remaining", lambda _: 60)
        list(client.list_associations())
        return 4

    [result] = fleet.map(calls)
    assert result.outcome == "ok", result.error
    # Three calls within the session, one refresh when it neared its end.
    sessions = assumed(members[0])
    assert len(sessions) == 2
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    assert all(s.expiration <= now + datetime.timedelta(seconds=900) for s in sessions)
    # Past the role's maximum session, AWS refuses: the account's failure.
    too_long = ssmkit.Fleet(accounts=members[1:2], session_duration=7200)
    [refused] = too_long.map(lambda c, a, r: a)
    assert refused.outcome == "failed"
    assert "MaxSessionDuration" in str(refused.error)


def test_a_target_that_exits_fails_alone_and_results_keep_the_order_given(
    stand_in: StandIn, members: list[str]
) -> None:
    iam_backends[members[2]]["global"].delete_role(ROLE)
    order = [members[1], members[2], members[0]]

    def work(client: ssmkit.Client, account_id: str, region: str) -> str:
        if account_id == members[1]:
            raise SystemExit(3)
        return account_id

    results = ssmkit.Fleet(accounts=order).map(work)
    assert [(r.account_id, r.outcome) for r in results] == [
        (members[1], "failed"),
        (members[2], "failed"),
        (members[0], "ok"),
    ]
    assert isinstance(results[0].error, SystemExit)


def test_plan_then_apply_assumes_each_role_once(
    stand_in: StandIn, members: list[str]
) -> None:
    fleet = ssmkit.Fleet(accounts=members)
    fleet.apply(fleet.plan({"Associations": [INVENTORY]}))
    assert [len(assumed(a)) for a in members] == [1, 1, 1]


def test_progress_counts_every_target_to_the_last(
    stand_in: StandIn, members: list[str]
) -> None:
    iam_backends[members[0]]["global"].delete_role(ROLE)
    told: list[ssmkit.FleetProgress] = []
    fleet = ssmkit.Fleet(
        accounts=members, regions=["us-east-1", "af-south-1"], concurrency=2
    )
    results = fleet.map(lambda c, a, r: a, progress=told.append)
    assert [p.done for p in told] == list(range(1, 7))
    assert [p.remaining for p in told] == list(range(5, -1, -1))
    last = told[-1]
    assert (last.failed, last.skipped) == (2, 2)
    assert sorted((p.result.account_id, p.result.region) for p in told) == sorted(
        (r.account_id, r.region) for r in results
    )


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({}, TypeError),
        ({"accounts": ["111122223333"], "organization": True}, TypeError),
        ({"accounts": "111122223333"}, TypeError),
        ({"accounts": ["1111"]}, ValueError),
        (
            {"accounts": ["111122223333"], "regions": ["us-east-1", "mars-1"]},
            ValueError,
        ),
        ({"accounts": ["111122223333"], "regions": []}, ValueError),
        ({"accounts": ["111122223333"], "regions": "us-east-1"}, ValueError),
        ({"accounts": ["111122223333"], "role_name": "a b"}, ValueError),
        ({"accounts": ["111122223333"], "role_name": "ロール"}, ValueError),
        ({"accounts": []}, ValueError),
        ({"accounts": ["111122223333"], "concurrency": 0}, ValueError),
        ({"accounts": ["111122223333"], "session_duration": 60}, ValueError),
        ({"organizational_units": ["not-a-unit"]}, ValueError),
    ],
)
def test_a_fleet_that_cannot_be_is_refused_before_any_call(
    stand_in: StandIn, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        ssmkit.Fleet(**kwargs)
    assert stand_in.requests == []


# -- as code ----------------------------------------------------------------------


def test_plan_then_apply_then_an_empty_plan(
    stand_in: StandIn, members: list[str]
) -> None:
    regions = ["us-east-1", "eu-west-1"]
    fleet = ssmkit.Fleet(accounts=members, regions=regions)
    # One account has it already, as the file says.
    stand_in.client("eu-west-1", account_id=members[1]).create_association(**INVENTORY)
    plan = fleet.plan({"Associations": [INVENTORY]})
    assert plan.pending
    assert plan.counts() == {"create": 5, "update": 0, "unchanged": 1, "delete": 0}
    text = plan.render()
    assert f"== account {members[1]}, eu-west-1\n= unchanged inventory (" in text
    document = plan.to_json()
    assert len(document["associations"]) == 6
    assert all(
        {"account_id", "region"} <= set(item) for item in document["associations"]
    )
    assert all({"account_id", "region"} <= set(t) for t in document["targets"])

    stand_in.requests.clear()
    results = fleet.apply(plan)
    assert [r.outcome for r in results] == ["ok"] * 6
    unchanged = results[3]
    assert (unchanged.account_id, unchanged.region, unchanged.value) == (
        members[1],
        "eu-west-1",
        [],
    )
    # Nothing to change there: not even a call.
    assert (members[1], "eu-west-1") not in {
        (q.account_id, q.region) for q in stand_in.requests
    }
    for account_id in members:
        for region in regions:
            assert names(stand_in, account_id, region) == ["inventory"]

    again = fleet.plan({"Associations": [INVENTORY]})
    assert not again.pending
    assert again.counts()["unchanged"] == 6


def test_a_bad_file_is_refused_before_any_account_is_reached(
    stand_in: StandIn, members: list[str]
) -> None:
    fleet = ssmkit.Fleet(accounts=members)
    with pytest.raises(errors.ValidationError, match="ScheduleExpresion"):
        fleet.plan({"Associations": [{**INVENTORY, "ScheduleExpresion": "x"}]})
    assert stand_in.requests == []
    assert all(assumed(a) == [] for a in members)


def test_a_conflict_in_one_account_leaves_the_others_applied(
    stand_in: StandIn, members: list[str]
) -> None:
    fleet = ssmkit.Fleet(accounts=members)
    for account_id in members:
        stand_in.client(account_id=account_id).create_association(**INVENTORY)
    changed = {**INVENTORY, "ScheduleExpression": "rate(2 days)"}
    plan = fleet.plan({"Associations": [changed]})
    assert plan.counts()["update"] == 3
    # Someone else changes it in one account between plan and apply.
    other = stand_in.client(account_id=members[1])
    live = other.list_associations()["Associations"][0]
    other.update_association(
        AssociationId=live["AssociationId"],
        Name=INVENTORY["Name"],
        Targets=INVENTORY["Targets"],
        AssociationName="inventory",
        ScheduleExpression="rate(3 days)",
    )
    results = fleet.apply(plan)
    assert [r.outcome for r in results] == ["ok", "failed", "ok"]
    assert [x.outcome for x in results[1].value or ()] == ["conflict"]
    assert isinstance(results[1].error, errors.ConcurrentUpdateError)
    schedules = {
        a: stand_in.client(account_id=a).list_associations()["Associations"][0][
            "ScheduleExpression"
        ]
        for a in members
    }
    assert schedules == {
        members[0]: "rate(2 days)",
        members[1]: "rate(3 days)",
        members[2]: "rate(2 days)",
    }


def test_a_canary_across_the_fleet_stops_the_rollout(
    stand_in: StandIn, members: list[str]
) -> None:
    fleet = ssmkit.Fleet(accounts=members)
    targets = [{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}]
    entry = {**INVENTORY, "Targets": targets}
    plan = fleet.plan({"Associations": [entry]})
    for account_id in members:
        stand_in.fail_runs(["i-0123456789abcdef0"], account_id=account_id)
    told: list[ssmkit.FleetProgress] = []
    results = fleet.apply(
        plan, wait=True, timeout=30, canary=1, max_failed_runs=0, progress=told.append
    )
    assert [r.outcome for r in results] == ["failed", "skipped", "skipped"]
    assert str(results[0].error) == "inventory: 1 target of its run failed"
    assert [x.outcome for x in results[0].value or ()] == ["created"]
    assert results[1].reason == "not started: the run stopped"
    assert results[1].value is None
    assert names(stand_in, members[0], "us-east-1") == ["inventory"]
    # Nothing was written where the rollout never went.
    assert names(stand_in, members[1], "us-east-1") == []
    assert names(stand_in, members[2], "us-east-1") == []
    assert told[-1].done == 3
    assert (told[-1].failed, told[-1].skipped) == (1, 2)

    # Fixed, and run again: the rest is applied, the first left as it is.
    for account_id in members:
        stand_in.fail_runs([], account_id=account_id)
    again = fleet.plan({"Associations": [entry]})
    assert again.counts() == {"create": 2, "update": 0, "unchanged": 1, "delete": 0}
    done = fleet.apply(again, wait=True, timeout=30, canary=1, max_failed_runs=0)
    assert [r.outcome for r in done] == ["ok", "ok", "ok"]
    assert all(names(stand_in, a, "us-east-1") == ["inventory"] for a in members)


def test_apply_refuses_what_is_not_a_fleet_plan(
    stand_in: StandIn, members: list[str]
) -> None:
    fleet = ssmkit.Fleet(accounts=members)
    single = ssmkit.Client(boto3_client=stand_in.client()).plan(
        {"Associations": [INVENTORY]}
    )
    with pytest.raises(TypeError) as refused:
        fleet.apply(single)  # type: ignore[arg-type]
    assert str(refused.value) == ("plan must be a FleetPlan from Fleet.plan, got Plan")


def test_one_change_to_the_associations_of_every_target(
    stand_in: StandIn, members: list[str]
) -> None:
    regions = ["us-east-1", "eu-west-1"]
    fleet = ssmkit.Fleet(accounts=members, regions=regions)
    for account_id in members:
        for region in regions:
            stand_in.client(region, account_id=account_id).create_association(
                **INVENTORY
            )
    selection = [
        ssmkit.models.AssociationFilter(key="AssociationName", value="inventory")
    ]
    planned = fleet.update_associations(
        filters=selection, dry_run=True, schedule_expression="rate(7 days)"
    )
    assert [len(r.value or ()) for r in planned] == [1] * 6
    assert {b.outcome for r in planned for b in r.value or ()} == {"planned"}
    assert "UpdateAssociation" not in stand_in.operations

    # One target's update was done by an earlier run: skipped there.
    first = stand_in.client("eu-west-1", account_id=members[0])
    done_id = first.list_associations()["Associations"][0]["AssociationId"]
    results = fleet.update_associations(
        filters=selection,
        skip=[(members[0], "eu-west-1", done_id)],
        schedule_expression="rate(7 days)",
    )
    assert [r.outcome for r in results] == ["ok"] * 6
    assert [len(r.value or ()) for r in results] == [1, 0, 1, 1, 1, 1]
    written = {
        (q.account_id, q.region)
        for q in stand_in.requests
        if q.operation == "UpdateAssociation"
    }
    assert written == {(a, r) for a in members for r in regions} - {
        (members[0], "eu-west-1")
    }


def test_a_bad_change_is_refused_before_any_account_is_reached(
    stand_in: StandIn, members: list[str]
) -> None:
    fleet = ssmkit.Fleet(accounts=members)
    with pytest.raises(errors.ValidationError, match="max_errors"):
        fleet.update_associations(association_ids=["x"], max_errors="lots")
    with pytest.raises(TypeError) as neither:
        fleet.update_associations(max_errors="1")
    assert str(neither.value) == (
        "give association_ids or filters, not both and not neither"
    )
    with pytest.raises(TypeError) as one_string:
        fleet.update_associations(association_ids="x", max_errors="1")
    assert str(one_string.value) == (
        "association_ids must be a collection of ids, not one string"
    )
    assert stand_in.requests == []
    assert all(assumed(a) == [] for a in members)


def test_a_canary_of_changes_across_the_fleet_stops_the_rollout(
    stand_in: StandIn, members: list[str]
) -> None:
    node = "i-0123456789abcdef0"
    fleet = ssmkit.Fleet(accounts=members)
    for account_id in members:
        stand_in.client(account_id=account_id).create_association(
            **{**INVENTORY, "Targets": [{"Key": "InstanceIds", "Values": [node]}]}
        )
        stand_in.fail_runs([node], account_id=account_id)
    selection = [
        ssmkit.models.AssociationFilter(key="AssociationName", value="inventory")
    ]
    results = fleet.update_associations(
        filters=selection,
        wait=True,
        timeout=30,
        canary=1,
        max_failed_runs=0,
        max_errors="2",
    )
    assert [r.outcome for r in results] == ["failed", "skipped", "skipped"]
    written = [
        q.account_id for q in stand_in.requests if q.operation == "UpdateAssociation"
    ]
    assert written == [members[0]]


def test_export_reads_each_target(stand_in: StandIn, members: list[str]) -> None:
    stand_in.client(account_id=members[2]).create_association(**INVENTORY)
    exported = ssmkit.Fleet(accounts=members).export()
    documents = [r.value[0] if r.value else None for r in exported]
    assert [len(d["Associations"]) if d else None for d in documents] == [0, 0, 1]
    assert documents[2]["Associations"][0]["AssociationName"] == "inventory"


def test_newer_partitions_regions_are_regions() -> None:
    fleet = ssmkit.Fleet(accounts=["111122223333"], regions=["eusc-de-east-1"])
    assert [t.region for t in fleet.targets()] == ["eusc-de-east-1"]


def test_the_canary_is_the_first_target_with_something_to_update(
    stand_in: StandIn, members: list[str]
) -> None:
    node = "i-0123456789abcdef0"
    # The first account has nothing selected; the others' runs fail.
    for account_id in members[1:]:
        stand_in.client(account_id=account_id).create_association(
            **{**INVENTORY, "Targets": [{"Key": "InstanceIds", "Values": [node]}]}
        )
        stand_in.fail_runs([node], account_id=account_id)
    selection = [
        ssmkit.models.AssociationFilter(key="AssociationName", value="inventory")
    ]
    results = ssmkit.Fleet(accounts=members).update_associations(
        filters=selection,
        wait=True,
        timeout=30,
        canary=1,
        max_failed_runs=0,
        max_errors="2",
    )
    assert [(r.account_id, r.outcome) for r in results] == [
        (members[0], "ok"),
        (members[1], "failed"),
        (members[2], "skipped"),
    ]
    assert results[0].value == []
    [changed] = results[1].value or ()
    assert str(results[1].error) == (
        f"{changed.association_id}: 1 target of its run failed"
    )
    written = [
        q.account_id for q in stand_in.requests if q.operation == "UpdateAssociation"
    ]
    assert written == [members[1]]


def test_a_fleet_plan_reads_exactly_so(stand_in: StandIn, members: list[str]) -> None:
    iam_backends[members[1]]["global"].delete_role(ROLE)
    stand_in.client(account_id=members[2]).create_association(**INVENTORY)
    fleet = ssmkit.Fleet(accounts=members, regions=["us-east-1", "af-south-1"])
    plan = fleet.plan({"Associations": [INVENTORY]})
    live = stand_in.client(account_id=members[2]).list_associations()["Associations"][0]
    denied = (
        f"AccountAccessError: {members[1]}: cannot assume "
        f"arn:aws:iam::{members[1]}:role/{ROLE}: AccessDenied"
    )
    create = "\n".join(
        [
            "+ create inventory (runs at once on its targets)",
            '    + name: "AWS-GatherSoftwareInventory"',
            '    + targets: [{"Key": "InstanceIds", "Values": ["*"]}]',
            '    + schedule_expression: "rate(1 day)"',
            '    + association_name: "inventory"',
        ]
    )
    lines = plan.render().split("\n")
    assert lines[:6] == [f"== account {members[0]}, us-east-1", *create.split("\n")]
    assert lines[6] == (
        f"== account {members[0]}, af-south-1: skipped: "
        f"af-south-1 is not enabled in {members[0]}"
    )
    assert lines[7].startswith(f"== account {members[1]}, us-east-1: not planned: ")
    assert denied in lines[7]
    assert lines[9] == f"== account {members[2]}, us-east-1"
    assert lines[10] == f"= unchanged inventory ({live['AssociationId']})"
    assert lines[-1] == (
        "Plan: 1 to create, 0 to update, 1 unchanged. "
        "(2 of 6 targets planned, 2 failed, 2 skipped.)"
    )
    assert str(plan) == plan.render()
    assert plan.failed == tuple(r for r in plan.targets if r.account_id == members[1])
    document = plan.to_json()
    assert document["prune"] is False
    assert document["counts"] == {"create": 1, "update": 0, "unchanged": 1, "delete": 0}
    assert document["targets"][0] == {
        "account_id": members[0],
        "region": "us-east-1",
        "outcome": "ok",
    }
    assert document["targets"][1] == {
        "account_id": members[0],
        "region": "af-south-1",
        "outcome": "skipped",
        "reason": f"af-south-1 is not enabled in {members[0]}",
    }
    assert document["targets"][2]["outcome"] == "failed"
    assert denied in document["targets"][2]["error"]
    assert [(a["account_id"], a["action"]) for a in document["associations"]] == [
        (members[0], "create"),
        (members[2], "unchanged"),
    ]
    assert document["maintenance_windows"] == []
    # A target with nothing in the file's scope says so.
    empty = fleet.plan({"MaintenanceWindows": []})
    assert f"== account {members[0]}, us-east-1: nothing" in empty.render()


def test_roles_are_assumed_at_the_session_region_s_own_endpoint(
    stand_in: StandIn, members: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Even where the session's configuration asks for the global endpoint,
    # whose tokens opt-in Regions refuse.
    monkeypatch.setenv("AWS_STS_REGIONAL_ENDPOINTS", "legacy")
    session = boto3.Session(region_name="us-east-1")
    hosts: list[str] = []
    session.events.register(
        "before-send.sts.AssumeRole", lambda request, **_: hosts.append(request.url)
    )
    ssmkit.Fleet(accounts=members[:2], session=session).map(lambda c, a, r: a)
    assert hosts == ["https://sts.us-east-1.amazonaws.com/"] * 2


def test_no_region_at_all_is_said_plainly(
    stand_in: StandIn, members: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    fleet = ssmkit.Fleet(accounts=members, session=boto3.Session())
    with pytest.raises(errors.ConfigurationError, match="no AWS region"):
        fleet.map(lambda c, a, r: a)
    assert stand_in.requests == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {},
            "name the accounts one way: accounts=, organization=True or "
            "organizational_units=",
        ),
        ({"accounts": ["1111"]}, "not an account id: '1111'"),
        (
            {"accounts": ["111122223333"], "regions": ["mars-1"]},
            "not a Region: 'mars-1'",
        ),
        ({"organizational_units": ["x"]}, "not an organizational unit id: 'x'"),
        (
            {"accounts": ["111122223333"], "regions": []},
            "regions is empty: name at least one Region",
        ),
        ({"accounts": []}, "accounts is empty: name at least one account"),
        (
            {"accounts": ["111122223333"], "role_name": ""},
            "role_name must be an IAM role name, got ''",
        ),
        (
            {"accounts": ["111122223333"], "external_id": "x"},
            "external_id must be text of 2 to 1224 characters",
        ),
        (
            {"accounts": ["111122223333"], "session_duration": 899},
            "session_duration must be whole seconds from 900 to 43200, got 899",
        ),
        (
            {"accounts": ["111122223333"], "session_duration": 43201},
            "session_duration must be whole seconds from 900 to 43200, got 43201",
        ),
        (
            {"accounts": ["111122223333"], "session_duration": True},
            "session_duration must be whole seconds from 900 to 43200, got True",
        ),
        (
            {"accounts": ["111122223333"], "session_duration": 1000.0},
            "session_duration must be whole seconds from 900 to 43200, got 1000.0",
        ),
        ({"accounts": "111122223333"}, "give the account ids as a list, not str"),
        (
            {"accounts": ["111122223333"], "regions": "eu-west-1"},
            """regions must be a list of Regions or "enabled", got 'eu-west-1'""",
        ),
    ],
)
def test_what_cannot_be_is_said_exactly(
    stand_in: StandIn, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises((TypeError, ValueError)) as caught:
        ssmkit.Fleet(**kwargs)
    assert str(caught.value) == message
    if isinstance(caught.value, errors.ValidationError):
        # What was not an id of its kind says which kind.
        kind = message.split(": ")[0].removeprefix("not an ").removeprefix("not a ")
        assert caught.value.rule == kind


def test_the_edges_of_what_can_be(stand_in: StandIn) -> None:
    ssmkit.Fleet(accounts=["111122223333"], external_id="ab", session_duration=900)
    ssmkit.Fleet(
        accounts=["111122223333"], external_id="x" * 1224, session_duration=43200
    )
    with pytest.raises(ValueError, match="external_id"):
        ssmkit.Fleet(accounts=["111122223333"], external_id="x" * 1225)
    ssmkit.Fleet(accounts=["111122223333"], role_name="r" * 64)
    with pytest.raises(ValueError, match="role_name"):
        ssmkit.Fleet(accounts=["111122223333"], role_name="r" * 65)
    fleet = ssmkit.Fleet(
        accounts=["111122223333", "444455556666", "111122223333"],
        regions=["eu-west-1", "us-east-1", "eu-west-1"],
    )
    assert [(t.account_id, t.region) for t in fleet.targets()] == [
        ("111122223333", "eu-west-1"),
        ("111122223333", "us-east-1"),
        ("444455556666", "eu-west-1"),
        ("444455556666", "us-east-1"),
    ]
    assert fleet.role_name == "OrganizationAccountAccessRole"
    assert fleet.concurrency == 16


def _many(count: int) -> list[dict[str, Any]]:
    return [
        {**INVENTORY, "AssociationName": f"inventory-{n:02d}"} for n in range(count)
    ]


def test_ctrl_c_stops_the_writes_of_the_targets_under_way(
    stand_in: StandIn, members: list[str]
) -> None:
    import time

    # The first account lacks one association, the second twenty.
    first = stand_in.client(account_id=members[0])
    for entry in _many(20)[1:]:
        first.create_association(**entry)
    fleet = ssmkit.Fleet(accounts=members[:2], concurrency=2)
    plan = fleet.plan({"Associations": _many(20)})
    assert [r.value.counts()["create"] for r in plan.targets if r.value] == [1, 20]
    stand_in.before("CreateAssociation", lambda _: time.sleep(0.03), times=None)
    stand_in.requests.clear()

    def press(now: ssmkit.FleetProgress) -> None:
        # Ctrl-C as the first target ends, while the other is writing.
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fleet.apply(plan, concurrency=1, progress=press)
    written = [
        q.account_id for q in stand_in.requests if q.operation == "CreateAssociation"
    ]
    assert written.count(members[0]) == 1
    # The second target's writes stopped soon after, not at its twentieth.
    assert 1 <= written.count(members[1]) < 10


def test_a_ctrl_c_inside_progress_tells_that_target_again_counted_once(
    stand_in: StandIn, members: list[str]
) -> None:
    fleet = ssmkit.Fleet(accounts=members, concurrency=1)
    plan = fleet.plan({"Associations": [INVENTORY]})
    told: list[ssmkit.FleetProgress] = []

    def progress(now: ssmkit.FleetProgress) -> None:
        told.append(now)
        if len(told) == 1:
            # Ctrl-C lands as the first target is taken, before it is kept.
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fleet.apply(plan, progress=progress)
    # The target the Ctrl-C cut off is told again, the same result, counted
    # once; no other target started.
    assert len(told) == 2
    assert told[1].result is told[0].result
    assert [(n.done, n.remaining, n.result.outcome) for n in told] == [
        (1, 2, "ok"),
        (1, 2, "ok"),
    ]
    assert names(stand_in, members[0], "us-east-1") == ["inventory"]
    assert names(stand_in, members[1], "us-east-1") == []


def test_apply_paces_watches_and_times_out_each_target_as_asked(
    stand_in: StandIn, members: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    import logging
    import time

    fleet = ssmkit.Fleet(accounts=members[:2])
    plan = fleet.plan({"Associations": _many(4)})
    for account_id in members[:2]:
        stand_in.set_run_duration(30, account_id=account_id)
    seen: list[str] = []
    told: list[ssmkit.FleetProgress] = []
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="ssmkit"):
        results = fleet.apply(
            plan,
            concurrency=16,
            max_rate=4,
            wait=True,
            timeout=0.5,
            watch=lambda run: seen.append(run.association_id),
            progress=told.append,
        )
    elapsed = time.monotonic() - started
    # Four writes a target, four calls a second at most: at least 0.75 s.
    assert elapsed >= 0.75
    assert len(told) == 2
    runs = [x.run for r in results for x in r.value or ()]
    assert len(runs) == 8
    assert all(
        run is not None and run.status in ("Pending", "InProgress") for run in runs
    )
    assert {r.outcome for r in results} == {"failed"}  # runs not seen to end
    assert set(seen) == {x.association_id for r in results for x in r.value or ()}
    # Each target's client pools as many connections as its calls at once.
    assert not [r for r in caplog.records if "pooled" in r.getMessage()]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"max_rate": 0}, "max_rate"),
        ({"concurrency": 0}, "concurrency"),
        ({"canary": 1}, "canary"),
        ({"max_failed_runs": 0}, "max_failed_runs"),
        ({"wait": True, "timeout": -1}, "timeout"),
        ({"watch": print}, "watch"),
    ],
)
def test_a_run_that_cannot_be_is_refused_before_any_write(
    stand_in: StandIn, members: list[str], kwargs: dict[str, Any], match: str
) -> None:
    fleet = ssmkit.Fleet(accounts=members[:1])
    plan = fleet.plan({"Associations": [INVENTORY]})
    stand_in.requests.clear()
    with pytest.raises((ValueError, TypeError), match=match):
        fleet.apply(plan, **kwargs)
    with pytest.raises((ValueError, TypeError), match=match):
        fleet.update_associations(association_ids=["a"], max_errors="1", **kwargs)
    assert stand_in.requests == []


def test_plan_tells_its_progress_and_export_its_filters_and_secrets(
    stand_in: StandIn, members: list[str]
) -> None:
    fleet = ssmkit.Fleet(accounts=members)
    told: list[ssmkit.FleetProgress] = []
    fleet.plan({"Associations": [INVENTORY]}, progress=told.append)
    assert [p.done for p in told] == [1, 2, 3]
    secret = {
        **INVENTORY,
        "AssociationName": "with-secret",
        "Name": "AWS-RunShellScript",
        "Parameters": {"commands": ["echo hunter2"]},
    }
    stand_in.client(account_id=members[0]).create_association(**secret)
    stand_in.client(account_id=members[0]).create_association(**INVENTORY)
    masked = fleet.export()
    assert "hunter2" not in json.dumps([r.value for r in masked])
    shown = fleet.export(show_sensitive=True)
    assert "hunter2" in json.dumps(shown[0].value)
    narrowed = fleet.export(
        filters=[
            ssmkit.models.AssociationFilter(key="AssociationName", value="inventory")
        ],
        progress=told.append,
    )
    document = narrowed[0].value[0] if narrowed[0].value else {}
    assert [a["AssociationName"] for a in document["Associations"]] == ["inventory"]
    assert [p.done for p in told[3:]] == [1, 2, 3]


def test_a_bulk_update_that_cannot_be_says_why_before_any_call(
    stand_in: StandIn, members: list[str]
) -> None:
    fleet = ssmkit.Fleet(accounts=members)
    selection = [ssmkit.models.AssociationFilter(key="AssociationName", value="x")]
    cases: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({}, TypeError, "give association_ids or filters, not both and not neither"),
        (
            {"association_ids": ["a"], "filters": selection},
            TypeError,
            "give association_ids or filters, not both and not neither",
        ),
        (
            {"association_ids": "a1b2"},
            TypeError,
            "association_ids must be a collection of ids, not one string",
        ),
        (
            {"association_ids": ["a"], "paths": {"no_such_member": 1}},
            errors.ValidationError,
            "no member 'no_such_member'",
        ),
        (
            {"association_ids": ["a"], "dry_run": True, "wait": True},
            ValueError,
            "dry run",
        ),
    ]
    for kwargs, error, message in cases:
        with pytest.raises(error) as caught:
            fleet.update_associations(max_errors="1", **kwargs)
        assert message in str(caught.value), kwargs
    assert stand_in.requests == []
    assert all(assumed(a) == [] for a in members)


# -- what a target is told when its account cannot be reached ------------------------


def _refuse(operation: str, session: boto3.session.Session) -> list[str]:
    """Make the session's own calls of an Account operation answer AccessDenied.

    The answer is parsed by botocore as AWS's would be; the calls refused are
    listed.
    """
    from botocore.awsrequest import AWSResponse

    refused: list[str] = []

    def answer(request: Any, **_: Any) -> AWSResponse:
        refused.append(request.url)
        body = json.dumps({"message": "not authorized to perform this"}).encode()
        headers = {"x-amzn-ErrorType": "AccessDeniedException"}
        return AWSResponse(request.url, 403, headers, Body(body))

    session.events.register(f"before-send.account.{operation}", answer)
    return refused


def test_enabled_regions_that_cannot_be_listed_fail_that_account_alone(
    stand_in: StandIn, members: list[str]
) -> None:
    session = boto3.session.Session(region_name="us-east-1")
    refused = _refuse("ListRegions", session)
    # The session's own account is reached with the session, whose
    # ListRegions is refused; the members' roles may list theirs.
    fleet = ssmkit.Fleet(
        accounts=[DEFAULT_ACCOUNT_ID, members[0]], regions="enabled", session=session
    )
    results = fleet.map(lambda c, a, r: r)
    assert len(refused) == 1
    failed = [r for r in results if r.outcome == "failed"]
    assert [(r.account_id, r.region) for r in failed] == [(DEFAULT_ACCOUNT_ID, "")]
    error = failed[0].error
    assert isinstance(error, errors.AccountAccessError)
    assert str(error) == (
        f"{DEFAULT_ACCOUNT_ID}: its enabled Regions could not be listed "
        "(account:ListRegions)"
    )
    assert error.account_id == DEFAULT_ACCOUNT_ID
    ok = [r for r in results if r.outcome == "ok"]
    assert {r.account_id for r in ok} == {members[0]}
    assert "us-east-1" in {r.region for r in ok}


def test_named_regions_are_each_tried_where_enabled_ones_cannot_be_listed(
    stand_in: StandIn,
) -> None:
    session = boto3.session.Session(region_name="us-east-1")
    refused = _refuse("ListRegions", session)
    fleet = ssmkit.Fleet(
        accounts=[DEFAULT_ACCOUNT_ID],
        regions=["us-east-1", "eu-west-1", "af-south-1"],
        session=session,
    )
    results = fleet.map(lambda c, a, r: len(list(c.list_associations())))
    assert len(refused) == 1
    # Not known to be disabled: each is tried, and a disabled one fails there.
    assert [(r.account_id, r.region, r.outcome) for r in results] == [
        (DEFAULT_ACCOUNT_ID, "us-east-1", "ok"),
        (DEFAULT_ACCOUNT_ID, "eu-west-1", "ok"),
        (DEFAULT_ACCOUNT_ID, "af-south-1", "failed"),
    ]
    listed = {q.region for q in stand_in.requests if q.operation == "ListAssociations"}
    assert listed == {"us-east-1", "eu-west-1"}


def test_a_role_out_of_reach_over_the_network_is_that_account_s_failure(
    stand_in: StandIn, members: list[str]
) -> None:
    from botocore.exceptions import EndpointConnectionError

    session = boto3.session.Session(region_name="us-east-1")

    def unreachable(request: Any, **_: Any) -> None:
        body = request.body
        if members[1] in (body.decode() if isinstance(body, bytes) else body):
            raise EndpointConnectionError(endpoint_url=request.url)

    session.events.register("before-send.sts.AssumeRole", unreachable)
    fleet = ssmkit.Fleet(accounts=members[:2], session=session)
    results = fleet.map(lambda c, a, r: a)
    assert [r.outcome for r in results] == ["ok", "failed"]
    error = results[1].error
    assert isinstance(error, errors.AccountAccessError)
    arn = f"arn:aws:iam::{members[1]}:role/{ROLE}"
    assert str(error).startswith(f"{members[1]}: cannot assume {arn}: ")
    assert "Could not connect to the endpoint URL" in str(error)
    assert (error.account_id, error.role_arn, error.code) == (members[1], arn, None)


def test_a_role_out_of_reach_with_enabled_regions_is_one_failed_target(
    stand_in: StandIn, members: list[str]
) -> None:
    iam_backends[members[0]]["global"].delete_role(ROLE)
    results = ssmkit.Fleet(accounts=members[:1], regions="enabled").map(
        lambda c, a, r: r
    )
    # Its Regions are not known: one result says why, for the whole account.
    assert [(r.account_id, r.region, r.outcome) for r in results] == [
        (members[0], "", "failed")
    ]
    assert isinstance(results[0].error, errors.AccountAccessError)


def test_a_unit_without_accounts_reaches_no_account(stand_in: StandIn) -> None:
    organizations = boto3.client("organizations", region_name="us-east-1")
    stand_in.create_organization(1)
    root_id = organizations.list_roots()["Roots"][0]["Id"]
    empty = organizations.create_organizational_unit(ParentId=root_id, Name="none")[
        "OrganizationalUnit"
    ]["Id"]
    stand_in.requests.clear()
    fleet = ssmkit.Fleet(organizational_units=[empty])
    assert fleet.map(lambda c, a, r: a) == []
    assert assumed(DEFAULT_ACCOUNT_ID) == []


def test_a_target_that_could_not_be_planned_is_not_applied(
    stand_in: StandIn, members: list[str]
) -> None:
    iam = iam_backends[members[1]]["global"]
    role = next(r for r in iam.roles.values() if r.name == ROLE)
    trust = role.assume_role_policy_document
    iam.delete_role(ROLE)
    fleet = ssmkit.Fleet(accounts=members)
    plan = fleet.plan({"Associations": [INVENTORY]})
    assert [r.outcome for r in plan.targets] == ["ok", "failed", "ok"]
    # The role is back by the apply: the target still failed to plan.
    iam.create_role(
        role_name=ROLE,
        assume_role_policy_document=trust,
        path="/",
        permissions_boundary=None,
        description="",
        tags=[],
        max_session_duration="3600",
    )
    told: list[ssmkit.FleetProgress] = []
    results = fleet.apply(plan, progress=told.append)
    assert [r.outcome for r in results] == ["ok", "failed", "ok"]
    assert results[1].value is None
    assert results[1].error is plan.targets[1].error
    assert names(stand_in, members[1], "us-east-1") == []
    assert [names(stand_in, a, "us-east-1") for a in (members[0], members[2])] == [
        ["inventory"],
        ["inventory"],
    ]
    assert sorted(n.done for n in told) == [1, 2, 3]
    assert told[-1].failed == 1


def test_said_is_an_error_in_one_line() -> None:
    from ssmkit._fleet import said

    assert said(None) == ""
    assert said(RuntimeError("two\n  lines ")) == "RuntimeError: two lines"
    assert said(KeyboardInterrupt()) == "KeyboardInterrupt"


# -- one change, by id --------------------------------------------------------------


def _ids_by_account(stand_in: StandIn, members: list[str]) -> dict[str, str]:
    """One association in each member account: its id."""
    return {
        a: stand_in.client(account_id=a).create_association(**INVENTORY)[
            "AssociationDescription"
        ]["AssociationId"]
        for a in members
    }


def test_ids_are_updated_in_every_target_and_are_not_found_elsewhere(
    stand_in: StandIn, members: list[str]
) -> None:
    ids = _ids_by_account(stand_in, members)
    iam_backends[members[2]]["global"].delete_role(ROLE)
    stand_in.requests.clear()
    results = ssmkit.Fleet(accounts=members).update_associations(
        association_ids=[ids[members[0]]], max_errors="3"
    )
    assert [(r.account_id, r.region, r.outcome) for r in results] == [
        (members[0], "us-east-1", "ok"),
        (members[1], "us-east-1", "failed"),
        (members[2], "us-east-1", "failed"),
    ]
    assert [b.outcome for b in results[0].value or ()] == ["changed"]
    # The id is one account's: elsewhere it is not found.
    assert [b.outcome for b in results[1].value or ()] == ["failed"]
    assert isinstance(results[1].error, errors.NotFoundError)
    # An account out of reach fails with why, and is not written.
    assert results[2].value is None
    assert isinstance(results[2].error, errors.AccountAccessError)
    written = [
        (q.account_id, q.params["AssociationId"])
        for q in stand_in.requests
        if q.operation == "UpdateAssociation"
    ]
    assert written == [(members[0], ids[members[0]])]


def test_ids_given_by_target_are_updated_there_alone_in_the_order_given(
    stand_in: StandIn, members: list[str]
) -> None:
    ids = _ids_by_account(stand_in, members)
    stand_in.requests.clear()
    told: list[ssmkit.FleetProgress] = []
    results = ssmkit.Fleet(accounts=members).update_associations(
        association_ids={
            (members[2], "us-east-1"): [ids[members[2]], ids[members[2]]],
            (members[0], "us-east-1"): [ids[members[0]]],
        },
        skip=[(members[0], "us-east-1", ids[members[0]])],
        max_errors="3",
        progress=told.append,
    )
    # A target not named has none; one whose ids were all done earlier is ok.
    assert [(r.account_id, r.region, r.outcome) for r in results] == [
        (members[2], "us-east-1", "ok"),
        (members[0], "us-east-1", "ok"),
    ]
    assert [len(r.value or ()) for r in results] == [1, 0]
    written = [
        (q.account_id, q.params["AssociationId"])
        for q in stand_in.requests
        if q.operation == "UpdateAssociation"
    ]
    assert written == [(members[2], ids[members[2]])]
    assert [(n.done, n.remaining) for n in told] == [(1, 1), (2, 0)]


def test_a_target_out_of_reach_while_selecting_is_that_target_s_failure(
    stand_in: StandIn, members: list[str]
) -> None:
    _ids_by_account(stand_in, members)
    iam_backends[members[1]]["global"].delete_role(ROLE)
    selection = [
        ssmkit.models.AssociationFilter(key="AssociationName", value="inventory")
    ]
    results = ssmkit.Fleet(accounts=members).update_associations(
        filters=selection, max_errors="3"
    )
    assert [r.outcome for r in results] == ["ok", "failed", "ok"]
    assert results[1].value is None
    assert isinstance(results[1].error, errors.AccountAccessError)
    assert results[1].reason is None


def test_a_fleet_plan_masks_sensitive_values_unless_asked_and_says_its_deletes(
    stand_in: StandIn, members: list[str]
) -> None:
    stand_in.client(account_id=members[0]).create_association(
        **{**INVENTORY, "AssociationName": "inventory-gone"}
    )
    secret = {**INVENTORY, "Parameters": {"token": ["s3cr3t-value"]}}
    fleet = ssmkit.Fleet(accounts=members[:1])
    plan = fleet.plan(
        {"Prune": {"NamePrefix": "inventory"}, "Associations": [secret]}, prune=True
    )
    assert plan.summary() == (
        "Plan: 1 to create, 0 to update, 0 unchanged, 1 to delete. "
        "(1 of 1 targets planned.)"
    )
    masked = plan.render()
    assert "s3cr3t-value" not in masked
    assert "    + parameters.token: <sensitive>" in masked.split("\n")
    shown = plan.render(show_sensitive=True)
    assert '    + parameters.token: ["s3cr3t-value"]' in shown.split("\n")
    assert "s3cr3t-value" not in json.dumps(plan.to_json())
    create, delete = plan.to_json(show_sensitive=True)["associations"]
    assert (create["action"], delete["action"]) == ("create", "delete")
    assert {
        "path": "parameters.token",
        "action": "add",
        "before": None,
        "after": ["s3cr3t-value"],
    } in create["changes"]


def test_every_unit_below_a_unit_is_walked(stand_in: StandIn) -> None:
    organizations = boto3.client("organizations", region_name="us-east-1")
    accounts = stand_in.create_organization(4)
    root_id = organizations.list_roots()["Roots"][0]["Id"]

    def unit(parent: str, name: str) -> str:
        made = organizations.create_organizational_unit(ParentId=parent, Name=name)
        return str(made["OrganizationalUnit"]["Id"])

    top = unit(root_id, "prod")
    eu, us = unit(top, "eu"), unit(top, "us")
    de = unit(eu, "de")
    for account_id, parent in zip(accounts, (top, eu, us, de), strict=True):
        organizations.move_account(
            AccountId=account_id, SourceParentId=root_id, DestinationParentId=parent
        )
    # Breadth first: the unit's own accounts, then each unit below, in turn.
    assert ssmkit.Fleet(organizational_units=[top]).accounts() == accounts


@pytest.mark.parametrize(
    ("account", "active"),
    [
        ({"Id": "1", "State": "ACTIVE"}, True),
        ({"Id": "1", "State": "SUSPENDED"}, False),
        ({"Id": "1", "Status": "ACTIVE"}, True),
        ({"Id": "1", "Status": "SUSPENDED"}, False),
        # The newer State wins where an answer has both.
        ({"Id": "1", "State": "PENDING_CLOSURE", "Status": "ACTIVE"}, False),
        ({"Id": "1", "State": "ACTIVE", "Status": "SUSPENDED"}, True),
        ({"Id": "1"}, True),
    ],
)
def test_an_account_is_active_as_its_state_or_older_status_says(
    account: dict[str, str], active: bool
) -> None:
    from ssmkit._fleet import _active

    assert _active([account]) == (["1"] if active else [])


# -- an apply's rollout within each target ----------------------------------------


def _failing(stand_in: StandIn, account_id: str, count: int) -> list[dict[str, Any]]:
    """``count`` entries whose runs fail on their one node in ``account_id``."""
    node = "i-0123456789abcdef0"
    stand_in.fail_runs([node], account_id=account_id)
    return [
        {**entry, "Targets": [{"Key": "InstanceIds", "Values": [node]}]}
        for entry in _many(count)
    ]


def test_the_fleet_s_budget_of_failed_runs_bounds_each_target_s_own_writes(
    stand_in: StandIn, members: list[str]
) -> None:
    fleet = ssmkit.Fleet(accounts=members[:1])
    plan = fleet.plan({"Associations": _failing(stand_in, members[0], 3)})
    stand_in.requests.clear()
    [result] = fleet.apply(
        plan, concurrency=1, wait=True, timeout=30, max_failed_runs=0
    )
    # The first run failed: within the target too, no other write started.
    assert result.outcome == "failed"
    assert str(result.error) == "inventory-00: 1 target of its run failed"
    assert stand_in.operations.count("CreateAssociation") == 1
    assert [x.outcome for x in result.value or ()] == [
        "created",
        "not_started",
        "not_started",
    ]


class _AtOnce:
    """How many calls of an operation the local SSM serves at once, at most."""

    def __init__(self, stand_in: StandIn, operation: str) -> None:
        import threading

        self._lock = threading.Lock()
        self._now = 0
        self.most = 0
        stand_in.before(operation, self._inside, times=None)

    def _inside(self, _: object) -> None:
        import time

        with self._lock:
            self._now += 1
            self.most = max(self.most, self._now)
        time.sleep(0.05)
        with self._lock:
            self._now -= 1


def test_a_target_s_writes_run_as_many_at_once_as_asked(
    stand_in: StandIn, members: list[str]
) -> None:
    fleet = ssmkit.Fleet(accounts=members[:1])
    plan = fleet.plan({"Associations": _many(6)})
    writes = _AtOnce(stand_in, "CreateAssociation")
    fleet.apply(plan, concurrency=2)
    assert writes.most == 2
    assert len(names(stand_in, members[0], "us-east-1")) == 6


def test_a_target_is_planned_one_read_at_a_time(
    stand_in: StandIn, members: list[str]
) -> None:
    client = stand_in.client(account_id=members[0])
    for entry in _many(4):
        client.create_association(**entry)
    reads = _AtOnce(stand_in, "DescribeAssociation")
    plan = ssmkit.Fleet(accounts=members[:1]).plan({"Associations": _many(4)})
    # The targets are planned many at once; within each, one read at a time.
    assert plan.counts()["unchanged"] == 4
    assert reads.most == 1


def test_ctrl_c_cuts_the_waits_of_the_targets_under_way_short(
    stand_in: StandIn, ctrl_c: Callable[[], None], members: list[str]
) -> None:
    import time

    fleet = ssmkit.Fleet(accounts=members[:2])
    plan = fleet.plan({"Associations": [INVENTORY]})
    for account_id in members[:2]:
        stand_in.set_run_duration(60, account_id=account_id)
    seen: list[str] = []

    def press(run: Any) -> None:
        # Ctrl-C once a run is being waited for.
        seen.append(run.association_id)
        if len(seen) == 1:
            ctrl_c()

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        fleet.apply(plan, wait=True, timeout=20, watch=press)
    # The waits ended with what they saw, long before their timeout.
    assert time.monotonic() - started < 10
    assert seen


def test_a_run_not_seen_to_end_and_runs_of_many_failed_targets_say_so(
    stand_in: StandIn, members: list[str]
) -> None:
    nodes = ["i-0123456789abcdef0", "i-0123456789abcdef1"]
    entry = {**INVENTORY, "Targets": [{"Key": "InstanceIds", "Values": nodes}]}
    stand_in.fail_runs(nodes, account_id=members[0])
    stand_in.set_run_duration(60, account_id=members[1])
    fleet = ssmkit.Fleet(accounts=members[:2])
    results = fleet.apply(fleet.plan({"Associations": [entry]}), wait=True, timeout=0.5)
    assert str(results[0].error) == "inventory: 2 targets of its run failed"
    # As it was last read: Pending, or InProgress.
    assert re.fullmatch(
        r"inventory: its run had not ended when the wait did \((Pending|InProgress)\)",
        str(results[1].error),
    )


def test_enabled_regions_are_listed_in_the_session_s_region_wherever_it_is_set(
    stand_in: StandIn, members: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The Region is the session's alone: not in the environment or a file.
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    session = boto3.session.Session(region_name="us-east-1")
    fleet = ssmkit.Fleet(accounts=members[:1], regions="enabled", session=session)
    found = fleet.map(lambda c, a, r: len(list(c.list_associations())))
    assert all(r.outcome == "ok" for r in found), [r.error for r in found]
    assert {"us-east-1", "eu-west-1"} <= {r.region for r in found}
    # Each Region was read as the member account, with its role's credentials.
    read = {
        q.account_id for q in stand_in.requests if q.operation == "ListAssociations"
    }
    assert read == {members[0]}


def test_a_role_lost_after_a_plan_of_enabled_regions_fails_each_planned_target(
    stand_in: StandIn, members: list[str]
) -> None:
    plan = ssmkit.Fleet(accounts=members[:1], regions="enabled").plan(
        {"Associations": [INVENTORY]}
    )
    planned = [r.region for r in plan.targets]
    assert "eu-west-1" in planned
    iam_backends[members[0]]["global"].delete_role(ROLE)
    results = ssmkit.Fleet(accounts=members[:1], regions="enabled").apply(plan)
    # The Regions the plan found, each failed: none is looked up again.
    assert [(r.region, r.outcome) for r in results] == [
        (region, "failed") for region in planned
    ]
    assert all(isinstance(r.error, errors.AccountAccessError) for r in results)


def test_the_caller_that_cannot_be_known_is_said_as_the_service_said_it(
    stand_in: StandIn, members: list[str]
) -> None:
    from botocore.awsrequest import AWSResponse

    session = boto3.session.Session(region_name="us-east-1")
    body = (
        b"<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code>"
        b"<Message>The security token included in the request is expired</Message>"
        b"</Error><RequestId>1</RequestId></ErrorResponse>"
    )

    def expired(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, 403, {}, Body(body))

    session.events.register("before-send.sts.GetCallerIdentity", expired)
    with pytest.raises(errors.ServiceError) as refused:
        ssmkit.Fleet(accounts=members, session=session).map(lambda c, a, r: a)
    assert refused.value.code == "ExpiredToken"
    assert refused.value.operation == "GetCallerIdentity"
    assert str(refused.value) == (
        "GetCallerIdentity: ExpiredToken: "
        "The security token included in the request is expired"
    )


def test_a_target_whose_every_write_a_ctrl_c_kept_from_starting_is_skipped(
    stand_in: StandIn,
    ctrl_c: Callable[[], None],
) -> None:
    import time

    session = boto3.session.Session(region_name="us-east-1")
    fleet = ssmkit.Fleet(
        accounts=[DEFAULT_ACCOUNT_ID],
        regions=["us-east-1", "eu-west-1"],
        concurrency=2,
        session=session,
    )
    plan = fleet.plan({"Associations": [INVENTORY]})
    clients: list[str] = []
    told: list[ssmkit.FleetProgress] = []

    def made(**_: Any) -> None:
        # The second target's client is made once the first target has ended
        # and Ctrl-C has stopped the run: the target has started, and none
        # of its writes may.
        clients.append("ssm")
        if len(clients) == 2:
            deadline = time.monotonic() + 30
            while not told and time.monotonic() < deadline:
                time.sleep(0.01)
            ctrl_c()

    session.events.register("creating-client-class.ssm", made)
    with pytest.raises(KeyboardInterrupt):
        # A rollout: each change the stop kept from starting is said.
        fleet.apply(
            plan, wait=True, timeout=30, max_failed_runs=5, progress=told.append
        )
    assert {n.result.account_id for n in told} == {DEFAULT_ACCOUNT_ID}
    outcomes = {n.result.region: n.result for n in told}
    assert set(outcomes) == {"us-east-1", "eu-west-1"}
    assert sorted(r.outcome for r in outcomes.values()) == ["ok", "skipped"]
    [skipped] = [r for r in outcomes.values() if r.outcome == "skipped"]
    assert skipped.reason == "not started: the run stopped"
    assert skipped.value is None
    written = [
        q.region for q in stand_in.requests if q.operation == "CreateAssociation"
    ]
    assert written == [r.region for r in outcomes.values() if r.outcome == "ok"]


def test_a_target_whose_write_failed_fails_with_that_error(
    stand_in: StandIn, members: list[str]
) -> None:
    fleet = ssmkit.Fleet(accounts=members[:2], concurrency=1)
    plan = fleet.plan({"Associations": [INVENTORY]})
    stand_in.fail_next("CreateAssociation", "InvalidDocument", message="no such one")
    results = fleet.apply(plan)
    assert [r.outcome for r in results] == ["failed", "ok"]
    assert [x.outcome for x in results[0].value or ()] == ["failed"]
    assert isinstance(results[0].error, errors.ServiceError)
    assert results[0].error.code == "InvalidDocument"
    assert results[0].error is (results[0].value or ())[0].error


def test_a_role_lost_between_plan_and_apply_fails_that_target_alone(
    stand_in: StandIn, members: list[str]
) -> None:
    plan = ssmkit.Fleet(accounts=members).plan({"Associations": [INVENTORY]})
    iam_backends[members[0]]["global"].delete_role(ROLE)
    told: list[ssmkit.FleetProgress] = []
    # Another fleet: the plan's credentials are not kept by it.
    results = ssmkit.Fleet(accounts=members).apply(plan, progress=told.append)
    assert [r.outcome for r in results] == ["failed", "ok", "ok"]
    assert isinstance(results[0].error, errors.AccountAccessError)
    assert told[0].result is results[0]
    assert (told[0].done, told[0].failed) == (1, 1)
    written = [
        q.account_id for q in stand_in.requests if q.operation == "CreateAssociation"
    ]
    assert sorted(written) == sorted(members[1:])


def test_failed_runs_are_counted_across_targets_against_the_budget(
    stand_in: StandIn, members: list[str]
) -> None:
    nodes = ["i-0123456789abcdef0", "i-0123456789abcdef1"]
    entries = [
        {**entry, "Targets": [{"Key": "InstanceIds", "Values": [node]}]}
        for entry, node in zip(_many(2), nodes, strict=True)
    ]
    # The first run fails in the canary; both fail in the other accounts.
    stand_in.fail_runs(nodes[:1], account_id=members[0])
    for account_id in members[1:]:
        stand_in.fail_runs(nodes, account_id=account_id)
    fleet = ssmkit.Fleet(accounts=members, concurrency=1)
    plan = fleet.plan({"Associations": entries})
    results = fleet.apply(
        plan, concurrency=1, wait=True, timeout=30, canary=1, max_failed_runs=1
    )
    # The canary's one failed run is within the budget of one: the next
    # target is given none left, and stops at its first failed run; the
    # target after it never starts.
    assert [r.outcome for r in results] == ["failed", "failed", "skipped"]
    assert results[2].reason == "not started: the run stopped"
    assert [x.outcome for x in results[1].value or ()] == ["created", "not_started"]
    written = [
        q.account_id for q in stand_in.requests if q.operation == "CreateAssociation"
    ]
    assert written == [members[0], members[0], members[1]]


def test_each_member_session_keeps_the_session_s_profile_settings(
    stand_in: StandIn,
    members: list[str],
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = tmp_path / "config"
    config.write_text(
        "[profile ops]\nregion = us-east-1\nmax_attempts = 1\n"
        "aws_access_key_id = testing\naws_secret_access_key = testing\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    session = boto3.session.Session(profile_name="ops")
    stand_in.fail_next("ListAssociations", "ThrottlingException")
    fleet = ssmkit.Fleet(accounts=members[:1], session=session)
    [result] = fleet.map(lambda c, a, r: len(list(c.list_associations())))
    # The profile allows one attempt: the member's throttled call is not
    # retried, as the session's own would not be.
    assert result.outcome == "failed"
    assert isinstance(result.error, errors.ServiceError)
    assert result.error.code == "ThrottlingException"
    [again] = fleet.map(lambda c, a, r: len(list(c.list_associations())))
    assert (again.outcome, again.value) == ("ok", 0)


def test_the_session_s_own_region_named_is_reached_as_each_member(
    stand_in: StandIn, members: list[str]
) -> None:
    fleet = ssmkit.Fleet(accounts=members[:2], regions=["us-east-1"])
    results = fleet.map(lambda c, a, r: len(list(c.list_associations())))
    assert [(r.account_id, r.region, r.outcome) for r in results] == [
        (members[0], "us-east-1", "ok"),
        (members[1], "us-east-1", "ok"),
    ]
    read = [
        q.account_id for q in stand_in.requests if q.operation == "ListAssociations"
    ]
    assert sorted(read) == sorted(members[:2])
    # Where the session is, no Region is looked up.
    assert "ListRegions" not in stand_in.operations


def test_a_fleet_plan_names_its_file(
    stand_in: StandIn, members: list[str], tmp_path: Any
) -> None:
    file = tmp_path / "fleet.yaml"
    file.write_text(json.dumps({"Associations": [INVENTORY]}))
    fleet = ssmkit.Fleet(accounts=members[:1])
    assert fleet.plan(file).source == str(file)
    assert fleet.plan({"Associations": [INVENTORY]}).source == "<entries>"


def test_a_change_by_filter_updates_only_what_the_filter_selects(
    stand_in: StandIn, members: list[str]
) -> None:
    stand_in.enable_region(members[0], "af-south-1")
    client = stand_in.client(account_id=members[0])
    client.create_association(**INVENTORY)
    client.create_association(**{**INVENTORY, "AssociationName": "other"})
    seen: list[str] = []
    fleet = ssmkit.Fleet(accounts=members[:2], regions=["us-east-1", "af-south-1"])
    results = fleet.update_associations(
        filters=[
            ssmkit.models.AssociationFilter(key="AssociationName", value="inventory")
        ],
        modify=lambda d: attrs.evolve(d, max_concurrency="3"),
        max_errors="4",
        wait=True,
        timeout=30,
        watch=lambda run: seen.append(run.association_id),
    )
    assert [(r.account_id, r.region, r.outcome) for r in results] == [
        (members[0], "us-east-1", "ok"),
        (members[0], "af-south-1", "ok"),
        (members[1], "us-east-1", "ok"),
        (members[1], "af-south-1", "skipped"),
    ]
    assert results[3].reason == f"af-south-1 is not enabled in {members[1]}"
    [updated] = [
        q.params for q in stand_in.requests if q.operation == "UpdateAssociation"
    ]
    live = {a["AssociationName"]: a for a in client.list_associations()["Associations"]}
    # The filter's one, changed as asked and as modify said; the other left.
    assert updated["AssociationId"] == live["inventory"]["AssociationId"]
    assert (updated["MaxErrors"], updated["MaxConcurrency"]) == ("4", "3")
    assert set(seen) == {live["inventory"]["AssociationId"]}


def test_a_change_across_a_fleet_keeps_to_its_budget_within_each_target(
    stand_in: StandIn, members: list[str]
) -> None:
    node = "i-0123456789abcdef0"
    client = stand_in.client(account_id=members[0])
    for entry in _many(3):
        client.create_association(
            **{**entry, "Targets": [{"Key": "InstanceIds", "Values": [node]}]}
        )
    stand_in.fail_runs([node], account_id=members[0])
    [result] = ssmkit.Fleet(accounts=members[:1]).update_associations(
        filters=[ssmkit.models.AssociationFilter(key="Name", value=INVENTORY["Name"])],
        concurrency=1,
        wait=True,
        timeout=30,
        max_failed_runs=0,
        max_errors="4",
    )
    assert result.outcome == "failed"
    assert sorted(b.outcome for b in result.value or ()) == [
        "changed",
        "not_started",
        "not_started",
    ]
    assert stand_in.operations.count("UpdateAssociation") == 1


def test_ctrl_c_stops_a_target_s_updates_under_way(
    stand_in: StandIn, ctrl_c: Callable[[], None], members: list[str]
) -> None:
    client = stand_in.client(account_id=members[0])
    for entry in _many(5):
        client.create_association(**entry)
    updates: list[str] = []

    def press(params: Any) -> None:
        # Ctrl-C as the second update is sent; it is answered once taken.
        updates.append(params["AssociationId"])
        if len(updates) == 2:
            ctrl_c()

    stand_in.before("UpdateAssociation", press, times=None)
    with pytest.raises(KeyboardInterrupt):
        ssmkit.Fleet(accounts=members[:1]).update_associations(
            filters=[
                ssmkit.models.AssociationFilter(key="Name", value=INVENTORY["Name"])
            ],
            concurrency=1,
            max_errors="4",
        )
    # The update under way landed; no other started.
    assert len(updates) == 2


def _near_the_end(
    members: list[str],
    monkeypatch: pytest.MonkeyPatch,
    duration: int,
    remaining: int,
    *,
    refused: bool,
) -> tuple[ssmkit.FleetResult[Any], int]:
    """One call, then another with ``remaining`` seconds of the role's session.

    With ``refused``, the role is gone by then: a refresh fails. Returns the
    target's result and how many sessions of the role were assumed.
    """
    from botocore.credentials import RefreshableCredentials

    iam = iam_backends[members[0]]["global"]
    next(r for r in iam.roles.values() if r.name == ROLE).max_session_duration = 43200

    def call(client: ssmkit.Client, account_id: str, region: str) -> int:
        list(client.list_associations())
        if refused:
            iam.delete_role(ROLE)
        monkeypatch.setattr(
            RefreshableCredentials, "_seconds_remaining", lambda _: remaining
        )
        return len(list(client.list_associations()))

    fleet = ssmkit.Fleet(accounts=members[:1], session_duration=duration)
    [result] = fleet.map(call)
    return result, len(assumed(members[0]))


@pytest.mark.parametrize(
    ("duration", "remaining", "refreshed"),
    [
        # A quarter of the session before its end, at most 15 minutes.
        (900, 230, False),
        (900, 220, True),
        (43200, 910, False),
        (43200, 890, True),
    ],
)
def test_credentials_are_refreshed_a_quarter_of_the_session_before_its_end(
    stand_in: StandIn,
    members: list[str],
    monkeypatch: pytest.MonkeyPatch,
    duration: int,
    remaining: int,
    refreshed: bool,
) -> None:
    result, sessions = _near_the_end(
        members, monkeypatch, duration, remaining, refused=False
    )
    assert result.outcome == "ok", result.error
    assert sessions == (2 if refreshed else 1)


@pytest.mark.parametrize(
    ("duration", "remaining", "fails"),
    [
        # A sixth of the session before its end, at most 10 minutes, the
        # credentials must be refreshed: a refresh that fails then fails the
        # call; before, the call goes on with the credentials it has.
        (900, 155, False),
        (900, 145, True),
        (43200, 605, False),
        (43200, 590, True),
    ],
)
def test_a_refresh_that_fails_fails_the_call_only_near_the_end(
    stand_in: StandIn,
    members: list[str],
    monkeypatch: pytest.MonkeyPatch,
    duration: int,
    remaining: int,
    fails: bool,
) -> None:
    result, _ = _near_the_end(members, monkeypatch, duration, remaining, refused=True)
    if fails:
        assert result.outcome == "failed"
        assert isinstance(result.error, errors.AccountAccessError)
    else:
        assert (result.outcome, result.value) == ("ok", 0)


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (b"<Code>AccessDenied</Code>", "AccessDenied"),
        (b"<Message>go away</Message>", "Unknown: go away"),
        (
            b"<Code>AccessDenied</Code><Message>: go away :</Message>",
            "AccessDenied: : go away",
        ),
    ],
)
def test_a_refused_role_is_said_in_the_words_sts_gave(
    stand_in: StandIn, members: list[str], error: bytes, said: str
) -> None:
    from botocore.awsrequest import AWSResponse

    session = boto3.session.Session(region_name="us-east-1")
    body = b"<ErrorResponse><Error>%s</Error></ErrorResponse>" % error

    def refused(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, 403, {}, Body(body))

    session.events.register("before-send.sts.AssumeRole", refused)
    [result] = ssmkit.Fleet(accounts=members[:1], session=session).map(
        lambda c, a, r: a
    )
    arn = f"arn:aws:iam::{members[0]}:role/{ROLE}"
    assert str(result.error) == f"{members[0]}: cannot assume {arn}: {said}"


def test_roles_are_named_in_the_session_s_partition(
    stand_in: StandIn, members: list[str]
) -> None:
    session = boto3.session.Session(region_name="cn-north-1")
    arns: list[str] = []

    def sent(request: Any, **_: Any) -> None:
        body = request.body
        text = body.decode() if isinstance(body, bytes) else str(body)
        arns.extend(
            part.split("=", 1)[1]
            for part in text.split("&")
            if part.startswith("RoleArn=")
        )

    session.events.register("before-send.sts.AssumeRole", sent)
    ssmkit.Fleet(accounts=members[:1], session=session).map(lambda c, a, r: a)
    assert arns == [f"arn%3Aaws-cn%3Aiam%3A%3A{members[0]}%3Arole%2F{ROLE}"]


def test_an_organization_that_cannot_be_listed_is_said_as_the_service_said_it(
    stand_in: StandIn,
) -> None:
    from botocore.awsrequest import AWSResponse

    stand_in.create_organization(1)
    session = boto3.session.Session(region_name="us-east-1")
    body = json.dumps(
        {"__type": "AccessDeniedException", "Message": "not the management account"}
    ).encode()

    def denied(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, 400, {}, Body(body))

    session.events.register("before-send.organizations.ListAccounts", denied)
    with pytest.raises(errors.ServiceError) as refused:
        ssmkit.Fleet(organization=True, session=session).accounts()
    assert refused.value.operation == "ListAccounts"
    assert str(refused.value) == (
        "ListAccounts: AccessDeniedException: not the management account"
    )


def test_named_regions_are_each_tried_as_the_member_where_its_regions_are_unknown(
    stand_in: StandIn, members: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The Account Management API out of reach (nothing listens there).
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL_ACCOUNT", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    fleet = ssmkit.Fleet(accounts=members[:1], regions=["us-east-1", "eu-west-1"])
    results = fleet.map(lambda c, a, r: len(list(c.list_associations())))
    assert [(r.region, r.outcome) for r in results] == [
        ("us-east-1", "ok"),
        ("eu-west-1", "ok"),
    ]
    read = {
        q.account_id for q in stand_in.requests if q.operation == "ListAssociations"
    }
    assert read == {members[0]}


def test_a_change_across_a_fleet_paces_each_target_and_takes_paths(
    stand_in: StandIn, members: list[str]
) -> None:
    import time

    client = stand_in.client(account_id=members[0])
    for entry in _many(4):
        client.create_association(
            **{**entry, "Parameters": {"applications": ["Enabled"]}}
        )
    started = time.monotonic()
    [result] = ssmkit.Fleet(accounts=members[:1]).update_associations(
        filters=[ssmkit.models.AssociationFilter(key="Name", value=INVENTORY["Name"])],
        max_rate=4,
        paths={"parameters.applications": ["Disabled"]},
    )
    # A read and a write each, four calls a second at most: 1.75 s at least.
    assert time.monotonic() - started >= 1.75
    assert [b.outcome for b in result.value or ()] == ["changed"] * 4
    sent = [q.params for q in stand_in.requests if q.operation == "UpdateAssociation"]
    assert [q["Parameters"] for q in sent] == [{"applications": ["Disabled"]}] * 4


def test_ctrl_c_cuts_the_waits_of_a_change_across_a_fleet_short(
    stand_in: StandIn, ctrl_c: Callable[[], None], members: list[str]
) -> None:
    import time

    for account_id in members[:2]:
        stand_in.client(account_id=account_id).create_association(**INVENTORY)
        stand_in.set_run_duration(60, account_id=account_id)
    seen: list[str] = []

    def press(run: Any) -> None:
        seen.append(run.association_id)
        if len(seen) == 1:
            ctrl_c()

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        ssmkit.Fleet(accounts=members[:2]).update_associations(
            filters=[
                ssmkit.models.AssociationFilter(key="Name", value=INVENTORY["Name"])
            ],
            max_errors="4",
            wait=True,
            timeout=20,
            watch=press,
        )
    # The waits ended with what they saw, long before their timeout.
    assert time.monotonic() - started < 10


def test_the_budget_left_to_a_target_is_what_every_target_before_it_left(
    stand_in: StandIn, members: list[str]
) -> None:
    nodes = ["i-0123456789abcdef0", "i-0123456789abcdef1"]
    entries = [
        {**entry, "Targets": [{"Key": "InstanceIds", "Values": [node]}]}
        for entry, node in zip(_many(2), nodes, strict=True)
    ]
    # One failed run in each of the first two accounts, two in the third.
    stand_in.fail_runs(nodes[:1], account_id=members[0])
    stand_in.fail_runs(nodes[:1], account_id=members[1])
    stand_in.fail_runs(nodes, account_id=members[2])
    fleet = ssmkit.Fleet(accounts=members, concurrency=1)
    plan = fleet.plan({"Associations": entries})
    fleet.apply(plan, concurrency=1, wait=True, timeout=30, canary=1, max_failed_runs=2)
    # Two failed before the third target: it has none left, and stops at
    # its first failed run.
    written = [
        q.account_id for q in stand_in.requests if q.operation == "CreateAssociation"
    ]
    assert written == [members[0], members[0], members[1], members[1], members[2]]
