"""Waiting for the runs a change starts: association runs, commands, automations.

"When you update an association, the association immediately runs against
the specified targets." A wait reads the service until the run of the
version asked for has finished, and never reports an earlier run's result:
``Overview.Status`` may still be an earlier run's while the new one starts,
so only the executions of that version count.
"""

from __future__ import annotations

import datetime
import itertools
import logging
import random
import re
import time
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ._base_client import invoke, translated
from .errors import ServiceError, ThrottlingError, WaitTimeoutError
from .models import AssociationDescription
from .models._base import FrozenDict

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Mapping

__all__ = [
    "AssociationRun",
    "AssociationRunTarget",
    "AssociationUpdate",
    "CommandRun",
    "CommandRunInvocation",
    "wait_for_association_run",
    "wait_for_automation_execution",
    "wait_for_command",
]

log = logging.getLogger("ssmkit")

T = TypeVar("T")

#: What a run reads before it has finished; any other status is an outcome.
RUNNING = frozenset({"Pending", "InProgress", "Waiting", "Delayed"})

_COUNT = re.compile(r"(\w+)=(\d+)")
#: An AssociationVersion: 1, 2, ... in ASCII digits.
_VERSION = re.compile(r"[1-9][0-9]*")

_EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)

#: The first pause between two reads, and the longest, in seconds.
FIRST_PAUSE = 0.5
LONGEST_PAUSE = 15.0


def _frozen_counts(counts: Mapping[str, int]) -> FrozenDict[str, int]:
    return FrozenDict(counts)


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
        targets: One entry per target, once the run has finished.
        target_counts: How many targets are at each status, as the service
            counts them while the run goes on (``{"InProgress": 3,
            "Success": 1}``).
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
    target_counts: FrozenDict[str, int] = attrs.field(
        factory=FrozenDict, converter=_frozen_counts
    )

    @property
    def running(self) -> bool:
        """Whether the run has yet to finish."""
        return self.status in RUNNING


@attrs.frozen(kw_only=True)
class AssociationUpdate:
    """A safe update of an association that waited for the run it started.

    Attributes:
        association: The association as the service stored it.
        changed: Whether the update wrote; a change that left everything as
            it was writes nothing and starts no run.
        run: The run of the version written, finished; ``None`` when nothing
            was written, or when the association runs only on its schedule
            (``apply_only_at_cron_interval``), so that no run starts now.
    """

    association: AssociationDescription
    changed: bool
    run: AssociationRun | None = None


def whole_run(run: AssociationRun) -> dict[str, Any]:
    """A run with every attribute, in JSON's types but for its dates."""
    return attrs.asdict(
        run,
        value_serializer=lambda _, __, v: dict(v) if isinstance(v, FrozenDict) else v,
    )


def not_seen(association_id: str, version: str) -> AssociationRun:
    """A run a wait never saw start: it counts as not finished, not as fine."""
    return AssociationRun(
        association_id=association_id,
        association_version=version,
        execution_id="",
        status="Pending",
    )


def pauses(
    *, first: float = FIRST_PAUSE, longest: float = LONGEST_PAUSE
) -> Callable[[int], float]:
    """Exponential backoff with full jitter: a pause drawn from 0 to the cap."""

    def pause(attempt: int) -> float:
        return random.uniform(0, min(longest, first * 2**attempt))

    return pause


def _seconds(timeout: float) -> float:
    try:
        return float(timeout)
    except OverflowError:
        return float("inf")  # an int too large for a float: for ever


def check_timeout(timeout: float) -> None:
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        msg = f"timeout must be a number of seconds, not {type(timeout).__name__}"
        raise TypeError(msg)
    if not _seconds(timeout) > 0:
        msg = f"timeout must be more than 0 seconds, got {timeout!r}"
        raise ValueError(msg)


def _poll(
    read: Callable[[], T | None],
    finished: Callable[[T], bool],
    status: Callable[[T], str],
    *,
    what: str,
    timeout: float,
    pause: Callable[[int], float] | None,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    cancelled: threading.Event | None = None,
    seen: Callable[[T], object] | None = None,
) -> T:
    """Read until ``finished``; back off between reads; give up at ``timeout``.

    A ``cancelled`` event set meanwhile ends the wait at once, as a timeout
    does, with what was last read. ``seen`` is given each state read
    before the finished one.
    """
    pause = pause or pauses()
    timeout = _seconds(timeout)
    deadline = clock() + timeout
    last: T | None = None
    reads = 0
    why = f"did not finish within {timeout:g} s"
    for attempt in itertools.count():
        reads += 1
        try:
            state = read()
        except ThrottlingError:
            # Busy: this read tells nothing new; the next, later, may.
            log.debug("%s: throttled; reading again later", what)
        else:
            if state is not None:
                last = state
                if seen is not None and not finished(state):
                    seen(state)
        if last is not None and finished(last):
            log.debug("%s: %s after %d reads", what, status(last), reads)
            return last
        remaining = deadline - clock()
        if remaining <= 0:
            break
        # The last pause ends at the deadline, for one more read there.
        wait = min(pause(attempt), remaining)
        if cancelled is None:
            sleep(wait)
        elif cancelled.wait(wait):
            why = "the wait was interrupted"
            break
    shown = status(last) if last is not None else "not started"
    log.debug("%s: still %s after %d reads", what, shown, reads)
    msg = f"{what}: {why} (last seen: {shown})"
    raise WaitTimeoutError(msg, last=last)


def wait_for_association_run(
    boto3_client: Any,
    association_id: str,
    *,
    version: str | None = None,
    timeout: float = 600.0,
    pause: Callable[[int], float] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    cancelled: threading.Event | None = None,
    seen: Callable[[AssociationRun], object] | None = None,
) -> AssociationRun:
    """Wait until the run of one version of an association has finished.

    See ``ssmkit.Client.wait_for_association_run``. ``seen`` is given the
    run each time it is read, and once more when finished, with its targets.
    """
    check_timeout(timeout)
    if version is not None and (
        not isinstance(version, str) or not _VERSION.fullmatch(version)
    ):
        msg = f"version must be an AssociationVersion such as '3', got {version!r}"
        raise (TypeError if not isinstance(version, str) else ValueError)(msg)
    if version is None:
        described = invoke(
            boto3_client, "DescribeAssociation", {"AssociationId": association_id}
        )["AssociationDescription"]
        version = str(described["AssociationVersion"])
    chosen = version
    run = _poll(
        lambda: _read(boto3_client, association_id, chosen),
        lambda run: not run.running,
        lambda run: run.status,
        what=f"association {association_id} version {version}: its run",
        timeout=timeout,
        pause=pause,
        clock=clock,
        sleep=sleep,
        cancelled=cancelled,
        seen=seen,
    )
    targets, ended = _targets(boto3_client, association_id, run.execution_id)
    # AWS's answers may leave the run's own end out: its last target's.
    run = attrs.evolve(run, targets=targets, finished=run.finished or ended)
    if seen is not None:
        seen(run)
    return run


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
            listed = page.get("AssociationExecutions", [])
            ran = [e for e in listed if str(e.get("AssociationVersion")) == version]
            if ran or any(_older(e, version) for e in listed):
                # Runs of earlier versions are older still: none further on.
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
        target_counts=counts_of(newest.get("ResourceCountByStatus")),
    )


def counts_of(text: str | None) -> dict[str, int]:
    """``ResourceCountByStatus`` read: AWS writes it ``{Success=2, Failed=1}``."""
    return {status: int(n) for status, n in _COUNT.findall(text or "")}


def _older(execution: dict[str, Any], version: str) -> bool:
    listed = str(execution.get("AssociationVersion"))
    return listed.isdigit() and int(listed) < int(version)


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


# -- Run Command ----------------------------------------------------------------------

#: A command or invocation that reads one of these has yet to finish.
COMMAND_RUNNING = frozenset({"Pending", "InProgress", "Delayed", "Cancelling"})


@attrs.frozen(kw_only=True)
class CommandRunInvocation:
    """What one managed node made of a command.

    Attributes:
        instance_id: The node.
        status: ``Success``, ``Failed``, ``TimedOut``, ``Cancelled``, ...
        response_code: The exit code of its (first) plugin, once it ran.
        output: What the plugins printed, as the service keeps it (the
            first 2,500 characters).
        error: What the command wrote to stderr, for an invocation that did
            not succeed.
    """

    instance_id: str
    status: str | None = None
    response_code: int | None = None
    output: str | None = None
    error: str | None = None


@attrs.frozen(kw_only=True)
class CommandRun:
    """A command sent with ``SendCommand``, as last read.

    Attributes:
        command_id: The command.
        status: The command's status: ``Success`` once every node succeeded.
        succeeded: Whether it ended in ``Success``.
        invocations: One per node.
    """

    command_id: str
    status: str
    succeeded: bool = False
    invocations: tuple[CommandRunInvocation, ...] = ()

    @property
    def running(self) -> bool:
        """Whether the command, or one of its invocations, has yet to finish."""
        return self.status in COMMAND_RUNNING or any(
            i.status in COMMAND_RUNNING for i in self.invocations
        )


def wait_for_command(
    boto3_client: Any,
    command_id: str,
    *,
    timeout: float = 600.0,
    pause: Callable[[int], float] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> CommandRun:
    """Wait until a command has finished on every node.

    See ``ssmkit.Client.wait_for_command``.
    """
    check_timeout(timeout)
    run = _poll(
        lambda: _command(boto3_client, command_id),
        lambda run: not run.running,
        lambda run: run.status,
        what=f"command {command_id}",
        timeout=timeout,
        pause=pause,
        clock=clock,
        sleep=sleep,
    )
    return attrs.evolve(
        run,
        invocations=tuple(
            attrs.evolve(i, error=_stderr(boto3_client, command_id, i.instance_id))
            if i.status != "Success"
            else i
            for i in run.invocations
        ),
    )


def _command(boto3_client: Any, command_id: str) -> CommandRun | None:
    """The command and its invocations, or ``None`` if it is not listed.

    Right after ``SendCommand`` the service may list none of its invocations
    yet (and answer ``GetCommandInvocation`` with ``InvocationDoesNotExist``):
    that is a command not yet started, not an error.
    """
    request: dict[str, Any] = {"CommandId": command_id}
    commands = invoke(boto3_client, "ListCommands", request).get("Commands", [])
    if not commands:
        return None
    status = str(commands[0].get("Status") or "Pending")
    paginator = boto3_client.get_paginator("list_command_invocations")
    found = []
    with translated("ListCommandInvocations", boto3_client, request):
        for page in paginator.paginate(CommandId=command_id, Details=True):
            for invocation in page.get("CommandInvocations", []):
                plugins = invocation.get("CommandPlugins") or []
                outputs = [p.get("Output") for p in plugins if p.get("Output")]
                code = plugins[0].get("ResponseCode") if plugins else None
                found.append(
                    CommandRunInvocation(
                        instance_id=str(invocation.get("InstanceId")),
                        status=invocation.get("Status"),
                        response_code=None if code is None else int(code),
                        output="\n".join(outputs) if outputs else None,
                    )
                )
    return CommandRun(
        command_id=command_id,
        status=status,
        succeeded=status == "Success",
        invocations=tuple(found),
    )


def _stderr(boto3_client: Any, command_id: str, instance_id: str) -> str | None:
    try:
        answer = invoke(
            boto3_client,
            "GetCommandInvocation",
            {"CommandId": command_id, "InstanceId": instance_id},
        )
    except ServiceError as exc:
        if exc.code == "InvocationDoesNotExist":
            return None
        raise
    return answer.get("StandardErrorContent") or None


# -- Automation -----------------------------------------------------------------------

#: An automation execution that reads one of these has finished.
AUTOMATION_DONE = frozenset(
    {
        "Success",
        "TimedOut",
        "Cancelled",
        "Failed",
        "Rejected",
        "ChangeCalendarOverrideRejected",
        "CompletedWithSuccess",
        "CompletedWithFailure",
        "Exited",
    }
)


def wait_for_automation_execution(
    client: Any,
    execution_id: str,
    *,
    timeout: float = 600.0,
    pause: Callable[[int], float] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Any:
    """Wait until an automation execution has finished; return it, typed.

    See ``ssmkit.Client.wait_for_automation_execution``. ``client`` is an
    ``ssmkit.Client``.
    """
    check_timeout(timeout)
    return _poll(
        lambda: client.get_automation_execution(automation_execution_id=execution_id),
        lambda found: str(found.automation_execution_status) in AUTOMATION_DONE,
        lambda found: str(found.automation_execution_status),
        what=f"automation execution {execution_id}",
        timeout=timeout,
        pause=pause,
        clock=clock,
        sleep=sleep,
    )
