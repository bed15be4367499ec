"""Waiting for the runs a change starts: association runs, for now.

"When you update an association, the association immediately runs against
the specified targets." A wait reads the service until the run of the
version asked for has finished, and never reports an earlier run's result:
``Overview.Status`` may still be an earlier run's while the new one starts,
so only the executions of that version count.
"""

from __future__ import annotations

import datetime
import logging
import random
import time
from typing import TYPE_CHECKING, Any

import attrs

from ._base_client import invoke, translated
from .errors import WaitTimeoutError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["AssociationRun", "AssociationRunTarget", "wait_for_association_run"]

log = logging.getLogger("ssmkit")

#: What a run reads before it has finished; any other status is an outcome.
RUNNING = frozenset({"Pending", "InProgress", "Waiting", "Delayed"})

_EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)

#: The first pause between two reads, and the longest, in seconds.
FIRST_PAUSE = 0.5
LONGEST_PAUSE = 15.0


@attrs.frozen(kw_only=True)
class AssociationRunTarget:
    """One target of an association run.

    Attributes:
        resource_id: The managed node (or other resource) the run was on.
        resource_type: Its type, ``ManagedInstance`` for a node.
        status: ``Pending``, ``InProgress``, ``Success``, ``Failed``, ...
        detailed_status: The service's finer status.
        output_url: Where the run's output is, where the service gives one.
    """

    resource_id: str
    resource_type: str | None = None
    status: str | None = None
    detailed_status: str | None = None
    output_url: str | None = None


@attrs.frozen(kw_only=True)
class AssociationRun:
    """One run of one version of an association, as last read.

    Attributes:
        association_id: The association.
        association_version: The version that ran.
        execution_id: The run's id.
        status: ``Success``, ``Failed``, ... (``Pending`` or ``InProgress``
            while it runs).
        detailed_status: The service's finer status.
        succeeded: Whether the run finished with ``Success``.
        started: When the run started.
        finished: When it finished (``None`` while it runs).
        targets: One entry per target.
    """

    association_id: str
    association_version: str
    execution_id: str
    status: str
    detailed_status: str | None = None
    succeeded: bool = False
    started: datetime.datetime | None = None
    finished: datetime.datetime | None = None
    targets: tuple[AssociationRunTarget, ...] = ()

    @property
    def running(self) -> bool:
        """Whether the run has yet to finish."""
        return self.status in RUNNING


def pauses(
    *, first: float = FIRST_PAUSE, longest: float = LONGEST_PAUSE
) -> Callable[[int], float]:
    """Exponential backoff with full jitter: a pause drawn from 0 to the cap."""

    def pause(attempt: int) -> float:
        return random.uniform(0, min(longest, first * 2**attempt))

    return pause


def wait_for_association_run(
    boto3_client: Any,
    association_id: str,
    *,
    version: str | None = None,
    timeout: float = 600.0,
    pause: Callable[[int], float] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> AssociationRun:
    """Wait until the run of one version of an association has finished.

    See ``ssmkit.Client.wait_for_association_run``.
    """
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        msg = f"timeout must be a number of seconds, not {type(timeout).__name__}"
        raise TypeError(msg)
    if not timeout > 0:
        msg = f"timeout must be more than 0 seconds, got {timeout!r}"
        raise ValueError(msg)
    pause = pause or pauses()
    deadline = clock() + timeout
    if version is None:
        described = invoke(
            boto3_client, "DescribeAssociation", {"AssociationId": association_id}
        )["AssociationDescription"]
        version = str(described["AssociationVersion"])
    calls = 0
    last: AssociationRun | None = None
    for attempt in range(1_000_000):
        calls += 1
        last = _read(boto3_client, association_id, version) or last
        if last is not None and not last.running:
            calls += 1
            targets, ended = _targets(boto3_client, association_id, last.execution_id)
            # AWS's answers may leave the run's own end out: its last target's.
            run = attrs.evolve(last, targets=targets, finished=last.finished or ended)
            log.debug(
                "association %s version %s: run %s %s after %d calls",
                association_id,
                version,
                run.execution_id,
                run.status,
                calls,
            )
            return run
        wait = pause(attempt)
        if clock() + wait > deadline:
            break
        sleep(wait)
    log.debug(
        "association %s version %s: no finished run after %d calls",
        association_id,
        version,
        calls,
    )
    what = last.status if last is not None else "not started"
    msg = (
        f"association {association_id} version {version}: its run did not finish "
        f"within {timeout:g} s (last seen: {what})"
    )
    raise WaitTimeoutError(msg, last=last)


def _read(
    boto3_client: Any, association_id: str, version: str
) -> AssociationRun | None:
    """The newest run of ``version``, or ``None`` before it has started."""
    request = {"AssociationId": association_id}
    paginator = boto3_client.get_paginator("describe_association_executions")
    ran: list[dict[str, Any]] = []
    with translated("DescribeAssociationExecutions", boto3_client, request):
        # The newest runs come first (as AWS's published example of
        # describe-association-executions shows): the first page holding a
        # run of the version holds its newest, and the rest are not read.
        for page in paginator.paginate(**request):
            ran = [
                execution
                for execution in page.get("AssociationExecutions", [])
                if str(execution.get("AssociationVersion")) == version
            ]
            if ran:
                break
    # The newest run of the version: it may have run before (a schedule).
    newest = max(ran, key=lambda e: e.get("CreatedTime") or _EARLIEST, default=None)
    if newest is None:
        return None
    status = str(newest.get("Status") or "Pending")
    return AssociationRun(
        association_id=association_id,
        association_version=version,
        execution_id=str(newest["ExecutionId"]),
        status=status,
        detailed_status=newest.get("DetailedStatus"),
        succeeded=status == "Success",
        started=newest.get("CreatedTime"),
        finished=None if status in RUNNING else newest.get("LastExecutionDate"),
    )


def _targets(
    boto3_client: Any, association_id: str, execution_id: str
) -> tuple[tuple[AssociationRunTarget, ...], datetime.datetime | None]:
    """A run's targets, and when the last of them ran."""
    request = {"AssociationId": association_id, "ExecutionId": execution_id}
    paginator = boto3_client.get_paginator("describe_association_execution_targets")
    found = []
    ended: datetime.datetime | None = None
    with translated("DescribeAssociationExecutionTargets", boto3_client, request):
        for page in paginator.paginate(**request):
            for target in page.get("AssociationExecutionTargets", []):
                source = target.get("OutputSource") or {}
                ran = target.get("LastExecutionDate")
                if ran is not None and (ended is None or ran > ended):
                    ended = ran
                found.append(
                    AssociationRunTarget(
                        resource_id=str(target.get("ResourceId")),
                        resource_type=target.get("ResourceType"),
                        status=target.get("Status"),
                        detailed_status=target.get("DetailedStatus"),
                        output_url=source.get("OutputUrl"),
                    )
                )
    return tuple(found), ended
