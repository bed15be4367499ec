"""Client.update_associations: one change set, many associations, none lost."""

from __future__ import annotations

import re
import signal
import threading
import time
from typing import Any

import attrs
import boto3
import pytest

import ssmkit
from ssmkit import errors
from ssmkit._bulk import Stopped, _PacedPaginator, paced
from ssmkit.models import AssociationFilter, AssociationFilterKey
from ssmkit.testing import StandIn

RUN = "AWS-RunShellScript"


@pytest.fixture
def client(boto: Any) -> ssmkit.Client:
    return ssmkit.Client(boto3_client=boto)


@pytest.fixture
def ids(boto: Any) -> list[str]:
    return [
        boto.create_association(Name=RUN, AssociationName=f"bulk-{i}", MaxErrors="1")[
            "AssociationDescription"
        ]["AssociationId"]
        for i in range(6)
    ]


def max_errors(boto: Any, association_id: str) -> str:
    answer = boto.describe_association(AssociationId=association_id)
    return answer["AssociationDescription"]["MaxErrors"]  # type: ignore[no-any-return]


def test_one_failure_never_stops_the_others(
    boto: Any, client: ssmkit.Client, ids: list[str], stand_in: StandIn
) -> None:
    stand_in.fail_next(
        "UpdateAssociation",
        "InvalidTarget",
        when=lambda p: p["AssociationId"] == ids[2],
    )
    seen: list[str] = []
    results = client.update_associations(
        association_ids=ids,
        concurrency=3,
        progress=lambda r: seen.append(r.association_id),
        max_errors="5",
    )
    assert [r.association_id for r in results] == ids
    assert [r.outcome for r in results] == [
        "changed",
        "changed",
        "failed",
        "changed",
        "changed",
        "changed",
    ]
    assert isinstance(results[2].error, errors.InvalidTarget)
    assert results[2].to_json()["error"]["code"] == "InvalidTarget"
    assert sorted(seen) == sorted(ids)
    assert [max_errors(boto, i) for i in ids] == ["5", "5", "1", "5", "5", "5"]
    assert (results[0].version_before, results[0].version_after) == ("1", "2")


def test_filters_select_and_unchanged_costs_no_write(
    boto: Any, client: ssmkit.Client, ids: list[str], stand_in: StandIn
) -> None:
    other = boto.create_association(Name="AWS-UpdateSSMAgent", MaxErrors="1")[
        "AssociationDescription"
    ]["AssociationId"]
    client.update_association(ids[0], max_errors="5")
    stand_in.requests.clear()
    results = client.update_associations(
        filters=[AssociationFilter(key=AssociationFilterKey.NAME, value=RUN)],
        max_errors="5",
    )
    assert [r.association_id for r in results] == ids
    assert [r.outcome for r in results] == ["unchanged"] + ["changed"] * 5
    assert stand_in.operations.count("UpdateAssociation") == 5
    assert max_errors(boto, other) == "1"


def test_dry_run_plans_and_writes_nothing(
    boto: Any, client: ssmkit.Client, ids: list[str], stand_in: StandIn
) -> None:
    results = client.update_associations(
        association_ids=ids, dry_run=True, max_errors="5"
    )
    assert {r.outcome for r in results} == {"planned"}
    assert results[0].plan is not None
    assert [(c.path, c.before, c.after) for c in results[0].plan.changes] == [
        ("max_errors", "1", "5")
    ]
    assert "UpdateAssociation" not in stand_in.operations
    assert {max_errors(boto, i) for i in ids} == {"1"}


def test_a_dry_run_says_what_is_already_so_and_where_each_starts(
    boto: Any, client: ssmkit.Client, ids: list[str], stand_in: StandIn
) -> None:
    client.update_association(ids[0], max_errors="5")  # already as asked
    stand_in.requests.clear()
    results = client.update_associations(
        association_ids=ids[:3],
        dry_run=True,
        modify=lambda a: attrs.evolve(a, max_errors="5"),
    )
    assert [r.to_json() for r in results] == [
        {
            "association_id": ids[0],
            "outcome": "unchanged",
            "version_before": "2",
            "version_after": None,
            "error": None,
        },
        *(
            {
                "association_id": i,
                "outcome": "planned",
                "version_before": "1",
                "version_after": None,
                "error": None,
            }
            for i in ids[1:3]
        ),
    ]
    assert "UpdateAssociation" not in stand_in.operations


def test_a_modify_function_is_applied_to_each_as_read(
    boto: Any, client: ssmkit.Client, ids: list[str], stand_in: StandIn
) -> None:
    stand_in.requests.clear()
    results = client.update_associations(
        association_ids=ids[:2],
        modify=lambda a: attrs.evolve(a, max_errors="7", max_concurrency="3"),
    )
    assert [(r.outcome, r.version_after) for r in results] == [("changed", "2")] * 2
    for association_id in ids[:2]:
        stored = boto.describe_association(AssociationId=association_id)
        description = stored["AssociationDescription"]
        assert (description["MaxErrors"], description["MaxConcurrency"]) == ("7", "3")
        assert description["AssociationName"].startswith("bulk-")


def test_an_update_that_writes_nothing_has_no_version_after(
    client: ssmkit.Client, ids: list[str]
) -> None:
    client.update_association(ids[0], max_errors="5")
    first, second = client.update_associations(association_ids=ids[:2], max_errors="5")
    assert (first.outcome, first.version_before, first.version_after) == (
        "unchanged",
        "2",
        None,
    )
    assert (second.outcome, second.version_before, second.version_after) == (
        "changed",
        "1",
        "2",
    )


def test_a_failure_in_a_report_line_names_its_error(
    client: ssmkit.Client, ids: list[str], stand_in: StandIn
) -> None:
    stand_in.fail_next("UpdateAssociation", "InvalidTarget", message="no such target")
    (result,) = client.update_associations(association_ids=ids[:1], max_errors="5")
    assert result.to_json() == {
        "association_id": ids[0],
        "outcome": "failed",
        "version_before": None,
        "version_after": None,
        "error": {
            "type": "InvalidTarget",
            "code": "InvalidTarget",
            "message": str(result.error),
        },
    }
    assert "no such target" in str(result.error)


def test_a_selection_that_is_not_one_is_refused_in_words(
    client: ssmkit.Client, stand_in: StandIn
) -> None:
    stand_in.requests.clear()
    with pytest.raises(TypeError) as caught:
        client.update_associations(max_errors="5")
    assert str(caught.value) == (
        "give association_ids or filters, not both and not neither"
    )
    with pytest.raises(TypeError) as caught:
        client.update_associations(association_ids="abc", max_errors="5")
    assert str(caught.value) == (
        "association_ids must be a collection of ids, not one string"
    )
    assert stand_in.operations == []


def test_concurrent_writer_and_busy_service_lose_nothing(
    boto: Any, client: ssmkit.Client, ids: list[str], stand_in: StandIn
) -> None:
    rival = boto3.client("ssm", region_name="us-east-1")
    stand_in.before(
        "UpdateAssociation",
        lambda p: rival.update_association(
            AssociationId=p["AssociationId"],
            Name=RUN,
            AssociationName="rival",
            MaxErrors="1",
        ),
        times=2,
    )
    stand_in.fail_next("UpdateAssociation", "TooManyUpdates", times=3, after=2)
    results = client.update_associations(
        association_ids=ids, concurrency=4, max_errors="5"
    )
    assert [r.outcome for r in results] == ["changed"] * 6
    assert {max_errors(boto, i) for i in ids} == {"5"}


def test_max_rate_spaces_the_calls(
    client: ssmkit.Client, ids: list[str], stand_in: StandIn
) -> None:
    stand_in.requests.clear()
    started = time.monotonic()
    client.update_associations(
        association_ids=ids[:3], concurrency=3, max_rate=20, max_errors="5"
    )
    elapsed = time.monotonic() - started
    calls = len(stand_in.requests)
    assert calls == 6
    # Six calls at most 20 a second: the last waits at least 5 intervals.
    assert elapsed >= (calls - 1) / 20


def test_max_rate_spaces_each_call_by_its_interval(
    client: ssmkit.Client, ids: list[str], stand_in: StandIn
) -> None:
    # When each call reached the service: at 4 a second, a quarter of a second
    # apart, one after the other.
    arrived: list[float] = []
    for operation in ("DescribeAssociation", "UpdateAssociation"):
        stand_in.before(
            operation, lambda _: arrived.append(time.monotonic()), times=None
        )
    client.update_associations(
        association_ids=ids[:2], concurrency=1, max_rate=4, max_errors="5"
    )
    assert len(arrived) == 4
    # Measured over the whole run, so that one call's own delay, at either
    # end of a gap, does not count as the pace's: 3 intervals in all.
    span = arrived[-1] - arrived[0]
    assert 3 * 0.25 - 0.05 <= span < 3 * 0.25 * 1.6, arrived


def test_a_paced_client_waits_its_turn_for_every_call_and_page(
    boto: Any, stand_in: StandIn
) -> None:
    stop = threading.Event()
    assert paced(boto, None, stop) is boto  # no rate: the client itself
    client = paced(boto, 1000, stop)
    # What is not a call is the client's own.
    assert client.meta is boto.meta
    assert client.exceptions is boto.exceptions
    assert client.can_paginate("list_associations") is True  # positional
    pages = client.get_paginator("list_associations").paginate()
    listing = client.get_paginator("list_associations")
    stand_in.requests.clear()
    assert next(iter(pages))["Associations"] == []
    stop.set()
    # Once stopped, a call or a page that would wait its turn is never sent.
    with pytest.raises(Stopped):
        client.list_associations()
    with pytest.raises(Stopped):
        next(iter(listing.paginate()))
    assert stand_in.operations == ["ListAssociations"]


def test_a_paced_listing_waits_one_turn_a_page(
    boto: Any, ids: list[str], stand_in: StandIn
) -> None:
    turns: list[int] = []
    pages = _PacedPaginator(
        boto.get_paginator("list_associations"), lambda: turns.append(1)
    )
    stand_in.requests.clear()
    listed = list(pages.paginate(PaginationConfig={"PageSize": 4}))
    assert [len(p["Associations"]) for p in listed] == [4, 2]
    # Two pages, two calls, two turns: none for a page that is never asked for.
    assert (len(turns), stand_in.operations.count("ListAssociations")) == (2, 2)
    turns.clear()
    assert len(list(pages.paginate())) == 1
    assert len(turns) == 1


def test_ctrl_c_stops_new_updates_and_finishes_the_running_ones(
    boto: Any, client: ssmkit.Client, ids: list[str], stand_in: StandIn
) -> None:
    seen: list[str] = []

    def progress(result: ssmkit.BulkResult) -> None:
        seen.append(result.outcome)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        client.update_associations(
            association_ids=ids, concurrency=2, progress=progress, max_errors="5"
        )
    written = stand_in.operations.count("UpdateAssociation")
    assert 1 <= written < len(ids)
    assert written == sum(max_errors(boto, i) == "5" for i in ids)


def test_bad_input_fails_before_any_call(
    client: ssmkit.Client, stand_in: StandIn
) -> None:
    stand_in.requests.clear()
    with pytest.raises(errors.ValidationError, match="max_errors"):
        client.update_associations(association_ids=["a"], max_errors="lots")
    with pytest.raises(TypeError, match="association_ids or filters"):
        client.update_associations(max_errors="5")
    with pytest.raises(TypeError, match="no member"):
        client.update_associations(association_ids=["a"], bogus=1)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="concurrency"):
        client.update_associations(association_ids=["a"], concurrency=0, max_errors="5")
    with pytest.raises(ValueError, match="max_rate"):
        client.update_associations(association_ids=["a"], max_rate=0, max_errors="5")
    assert stand_in.operations == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"concurrency": 0}, "concurrency must be a whole number from 1 to 256, got 0"),
        (
            {"concurrency": 257},
            "concurrency must be a whole number from 1 to 256, got 257",
        ),
        (
            {"concurrency": True},
            "concurrency must be a whole number from 1 to 256, got True",
        ),
        (
            {"concurrency": 2.0},
            "concurrency must be a whole number from 1 to 256, got 2.0",
        ),
        (
            {"max_rate": 0.009},
            "max_rate must be a number of calls a second from 0.01 up, got 0.009",
        ),
        (
            {"max_rate": float("nan")},
            "max_rate must be a number of calls a second from 0.01 up, got nan",
        ),
        (
            {"max_rate": float("inf")},
            "max_rate must be a number of calls a second from 0.01 up, got inf",
        ),
        (
            {"max_rate": True},
            "max_rate must be a number of calls a second from 0.01 up, got True",
        ),
        (
            {"max_rate": "5"},
            "max_rate must be a number of calls a second from 0.01 up, got '5'",
        ),
    ],
)
def test_a_pace_that_cannot_be_run_is_refused_in_words(
    client: ssmkit.Client, stand_in: StandIn, options: dict[str, Any], message: str
) -> None:
    plan = client.plan_associations([])
    stand_in.requests.clear()
    whole = f"^{re.escape(message)}$"
    with pytest.raises(ValueError, match=whole):
        client.update_associations(association_ids=["a"], max_errors="5", **options)
    with pytest.raises(ValueError, match=whole):
        client.apply_associations(plan, **options)
    assert stand_in.operations == []


@pytest.mark.parametrize("concurrency", [1, 256])
def test_the_bounds_of_a_pace_are_accepted(
    client: ssmkit.Client, concurrency: int
) -> None:
    assert (
        client.update_associations(
            association_ids=[], max_errors="5", concurrency=concurrency, max_rate=0.01
        )
        == []
    )


def test_each_call_of_a_bulk_run_is_made_on_a_thread_named_for_it(
    client: ssmkit.Client, ids: list[str], stand_in: StandIn
) -> None:
    # The name a log line's %(threadName)s shows for each call.
    names: list[str] = []
    for operation in ("DescribeAssociation", "UpdateAssociation"):
        stand_in.before(
            operation,
            lambda _: names.append(threading.current_thread().name),
            times=None,
        )
    client.update_associations(association_ids=ids, max_errors="2", concurrency=3)
    assert len(names) == 2 * len(ids)
    assert {name.rpartition("_")[0] for name in names} == {"ssmkit-bulk"}
    assert len(set(names)) <= 3
    # Each thread has ended by the time the run returns.
    assert not any(t.name.startswith("ssmkit-bulk") for t in threading.enumerate())


def test_max_rate_counts_the_listing_too(
    client: ssmkit.Client, ids: list[str], stand_in: StandIn
) -> None:
    stand_in.requests.clear()
    started = time.monotonic()
    client.update_associations(
        filters=[
            AssociationFilter(key=AssociationFilterKey.ASSOCIATION_NAME, value="bulk-0")
        ],
        max_rate=5,
        max_errors="5",
    )
    elapsed = time.monotonic() - started
    assert stand_in.operations == [
        "ListAssociations",
        "DescribeAssociation",
        "UpdateAssociation",
    ]
    # Three calls at most five a second: the last waits at least two intervals.
    assert elapsed >= 2 / 5


def test_skip_leaves_associations_out(
    boto: Any, client: ssmkit.Client, ids: list[str], stand_in: StandIn
) -> None:
    skipped = set(ids[:4])
    results = client.update_associations(
        filters=[AssociationFilter(key=AssociationFilterKey.NAME, value=RUN)],
        skip=skipped,
        max_errors="5",
    )
    assert [r.association_id for r in results] == ids[4:]
    assert [max_errors(boto, i) for i in ids] == ["1"] * 4 + ["5"] * 2
    by_id = client.update_associations(
        association_ids=ids, skip=skipped, dry_run=True, max_errors="6"
    )
    assert [r.association_id for r in by_id] == ids[4:]


def interrupted(client: ssmkit.Client, **options: Any) -> None:
    """A bulk run that a Ctrl-C, pressed from a hook, ends as Ctrl-C ends it."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            client.update_associations(max_errors="5", **options)
    finally:
        signal.signal(signal.SIGINT, previous)


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "ssmkit" and r.levelname == "WARNING"
    ]


def test_a_ctrl_c_during_a_read_keeps_its_write_from_being_sent(
    client: ssmkit.Client,
    ids: list[str],
    stand_in: StandIn,
    caplog: pytest.LogCaptureFixture,
) -> None:
    main = threading.main_thread().ident or 0
    answered = threading.Event()

    def press(_: object) -> None:
        # Ctrl-C reaches the main thread while this read is served, often as
        # the run is still starting the thread that serves it; the read is
        # held a moment so that the run has taken the Ctrl-C before it answers.
        signal.pthread_kill(main, signal.SIGINT)
        time.sleep(1)
        answered.set()

    stand_in.before("DescribeAssociation", press)
    stand_in.requests.clear()
    interrupted(client, association_ids=ids[:2], concurrency=1)
    # The call under way was waited for: the run ended after its read was
    # answered; its write, and the next association, were never sent.
    assert answered.is_set()
    assert stand_in.operations == ["DescribeAssociation"]
    assert warnings_of(caplog) == ["interrupted: finishing the 1 call under way"]


def test_ctrl_c_pressed_again_while_the_calls_finish_is_said_and_waits_still(
    client: ssmkit.Client,
    ids: list[str],
    stand_in: StandIn,
    caplog: pytest.LogCaptureFixture,
) -> None:
    main = threading.main_thread().ident or 0
    both = threading.Barrier(2)
    answered = threading.Event()

    def press_twice(_: object) -> None:
        # Both reads are under way; one of them presses Ctrl-C twice, each
        # press held a moment so the run takes it before the next, and both
        # are answered only after.
        if both.wait(timeout=30) == 0:
            for _ in range(2):
                signal.pthread_kill(main, signal.SIGINT)
                time.sleep(1)
            answered.set()
        answered.wait(timeout=30)

    stand_in.before("DescribeAssociation", press_twice, times=2)
    stand_in.requests.clear()
    interrupted(client, association_ids=ids[:3], concurrency=2)
    assert answered.is_set()
    assert stand_in.operations == ["DescribeAssociation"] * 2
    assert warnings_of(caplog) == [
        "interrupted: finishing the 2 calls under way",
        "still finishing the 2 calls under way",
    ]


def test_an_error_while_the_calls_under_way_finish_after_another_is_logged(
    client: ssmkit.Client,
    ids: list[str],
    stand_in: StandIn,
    caplog: pytest.LogCaptureFixture,
) -> None:
    raised: list[str] = []
    # Both writes are sent before either is passed on.
    both = threading.Barrier(2)
    stand_in.before("UpdateAssociation", lambda _: both.wait(timeout=30), times=2)

    def progress(result: ssmkit.BulkResult) -> None:
        raised.append(result.association_id)
        raise RuntimeError(f"progress failed on {result.association_id}")

    with pytest.raises(RuntimeError) as caught:
        client.update_associations(
            association_ids=ids, concurrency=2, progress=progress, max_errors="5"
        )
    # The first error goes on; the call under way beside it was finished,
    # passed on, and its own error logged; nothing more was started.
    assert len(raised) == 2
    assert str(caught.value) == f"progress failed on {raised[0]}"
    assert warnings_of(caplog) == [
        f"after an error, another: progress failed on {raised[1]}"
    ]
    assert stand_in.operations.count("UpdateAssociation") == 2


@pytest.mark.parametrize(
    ("status", "succeeded", "targets", "failed"),
    [
        ("Success", True, ["Success", "Success"], 0),
        ("Success", True, [], 0),
        ("Failed", False, ["Success", "Failed", "TimedOut"], 2),
        # Ended without success and without a target to blame: one failure.
        ("TimedOut", False, [], 1),
        ("Failed", False, ["Success"], 1),
        # Not seen to end: at least one, each failed target counted.
        ("InProgress", False, [], 1),
        ("InProgress", False, ["Failed", "Failed"], 2),
    ],
)
def test_the_failed_targets_of_a_run_as_a_rollout_counts_them(
    status: str, succeeded: bool, targets: list[str], failed: int
) -> None:
    run = ssmkit.AssociationRun(
        association_id="a1",
        association_version="2",
        execution_id="e1",
        status=status,
        succeeded=succeeded,
        targets=tuple(
            ssmkit.AssociationRunTarget(resource_id=f"i-{n}", status=s)
            for n, s in enumerate(targets)
        ),
    )
    result = ssmkit.BulkResult(association_id="a1", outcome="changed", run=run)
    assert result.failed_targets == failed
    assert result.to_json()["run"]["failed_targets"] == failed
    assert ssmkit.BulkResult(association_id="a1", outcome="changed").failed_targets == 0
