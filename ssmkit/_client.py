"""The facade application code imports: ``ssmkit.Client``.

Methods import what they use when first called, by absolute name: a relative
import inside a function asks importlib's Python code for the package's name
on every call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

# boto3 before ssmkit's own modules: measured in fresh processes, boto3's
# modules import several milliseconds slower when these come first.
import boto3  # noqa: F401

from ._change_members import MEMBERS
from ._operations import Operations
from ._signatures import show_changes

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Mapping

    from typing_extensions import Unpack

    from ._bulk import BulkResult
    from ._changes import (
        AssociationChanges,
        MaintenanceWindowChanges,
        MaintenanceWindowTargetChanges,
        MaintenanceWindowTaskChanges,
        PatchBaselineChanges,
    )
    from ._declared import ApplyResult, AssociationsPlan
    from ._plan import Plan
    from ._safe import UpdatePlan
    from ._waits import AssociationRun, AssociationUpdate, CommandRun
    from ._windows_code import WindowResult
    from .models import (
        AssociationDescription,
        AssociationFilter,
        AutomationExecution,
        GetMaintenanceWindowResult,
        GetMaintenanceWindowTaskResult,
        GetPatchBaselineResult,
        MaintenanceWindowTarget,
    )

# The safe helpers, the bulk runner and the plans are imported by the methods
# that use them, on first use: making a client does not pay for them.

__all__ = ["Client"]


class Client(Operations):
    """A typed SSM client over boto3: one method per operation, models in and out.

    Build it with nothing (boto3's default session), a session and/or a
    botocore ``Config``, or a ready boto3 SSM client:

        client = ssmkit.Client()
        client = ssmkit.Client(boto3_session=session, boto_config=config)
        client = ssmkit.Client(boto3_client=boto3.client("ssm"))

    Method names match boto3's. ``update_association``,
    ``update_maintenance_window_task``, ``update_maintenance_window``,
    ``update_maintenance_window_target`` and ``update_patch_baseline`` are
    safe: they change only the members named. A ``Client`` is as thread-safe
    as the boto3 client under it. Throttling is retried by botocore's own
    retry modes; the caller's ``Config`` decides how.
    """

    @overload
    def update_association(
        self,
        association_id: str,
        /,
        *,
        expected_version: str | int | None = None,
        modify: Callable[[AssociationDescription], AssociationDescription]
        | None = None,
        paths: Mapping[str, Any] | None = None,
        wait: Literal[False] = False,
        timeout: float = 600.0,
        **changes: Unpack[AssociationChanges],
    ) -> AssociationDescription: ...

    @overload
    def update_association(
        self,
        association_id: str,
        /,
        *,
        expected_version: str | int | None = None,
        modify: Callable[[AssociationDescription], AssociationDescription]
        | None = None,
        paths: Mapping[str, Any] | None = None,
        wait: Literal[True],
        timeout: float = 600.0,
        **changes: Unpack[AssociationChanges],
    ) -> AssociationUpdate: ...

    @overload
    def update_association(
        self,
        association_id: str,
        /,
        *,
        expected_version: str | int | None = None,
        modify: Callable[[AssociationDescription], AssociationDescription]
        | None = None,
        paths: Mapping[str, Any] | None = None,
        wait: bool,
        timeout: float = 600.0,
        **changes: Unpack[AssociationChanges],
    ) -> AssociationDescription | AssociationUpdate: ...

    def update_association(
        self,
        association_id: str,
        /,
        *,
        expected_version: str | int | None = None,
        modify: Callable[[AssociationDescription], AssociationDescription]
        | None = None,
        paths: Mapping[str, Any] | None = None,
        wait: bool = False,
        timeout: float = 600.0,
        **changes: Unpack[AssociationChanges],
    ) -> AssociationDescription | AssociationUpdate:
        """UpdateAssociation, changing only the members named and keeping the rest.

        See ``ssmkit.safe_update_association``, which this calls with this
        client's boto3 client: describe, merge, validate, then write with
        ``AssociationVersion`` as a compare-and-swap token. Two calls for a
        change, one for a change that changes nothing.

        With ``wait=True`` it then waits, up to ``timeout`` seconds, for the
        run the write starts, and returns an ``ssmkit.AssociationUpdate``:
        the association and that run.
        """
        from ssmkit._safe import safe_update_association

        return safe_update_association(
            self.boto3_client,
            association_id,
            expected_version=expected_version,
            modify=modify,
            paths=paths,
            wait=wait,
            timeout=timeout,
            **changes,
        )

    def wait_for_association_run(
        self,
        association_id: str,
        /,
        *,
        version: str | None = None,
        timeout: float = 600.0,
    ) -> AssociationRun:
        """Wait until the run of one version of an association has finished.

        "When you update an association, the association immediately runs
        against the specified targets." This reads the association's runs
        until the run of ``version`` has an outcome, and never reports an
        earlier run's: only runs of that version count (``Overview.Status``
        can still be an earlier run's while the new one starts). Reads back
        off exponentially with full jitter, from half a second to 15 seconds
        between reads; throttling is retried as every call is; the number of
        calls is logged at debug.

        Args:
            association_id: The association.
            version: Its ``AssociationVersion`` whose run to wait for; the
                latest when ``None``.
            timeout: Seconds to wait at most.

        Returns:
            The run, with one entry per target; ``succeeded`` says whether it
            ended in ``Success``.

        Raises:
            ssmkit.errors.WaitTimeoutError: The run had not finished in time;
                its ``last`` is the run as last read (``None`` if it had not
                started).
        """
        from ssmkit import _waits

        return _waits.wait_for_association_run(
            self.boto3_client, association_id, version=version, timeout=timeout
        )

    def wait_for_command(
        self, command_id: str, /, *, timeout: float = 600.0
    ) -> CommandRun:
        """Wait until a command sent with ``SendCommand`` has finished on every node.

        Right after ``SendCommand`` the service may not list the command or
        its invocations yet, or answer ``InvocationDoesNotExist`` (botocore's
        own ``CommandExecuted`` waiter fails there): that reads as not yet
        started. Reads back off as ``wait_for_association_run``'s do.

        Args:
            command_id: The command.
            timeout: Seconds to wait at most.

        Returns:
            The command, with one invocation per node: its status, exit code,
            output, and, for one that did not succeed, what it wrote to stderr.

        Raises:
            ssmkit.errors.WaitTimeoutError: The command had not finished in
                time; its ``last`` is the command as last read.
        """
        from ssmkit import _waits

        return _waits.wait_for_command(self.boto3_client, command_id, timeout=timeout)

    def wait_for_automation_execution(
        self, execution_id: str, /, *, timeout: float = 600.0
    ) -> AutomationExecution:
        """Wait until an automation execution has finished.

        Finished is a status of ``Success``, ``Failed``, ``TimedOut``,
        ``Cancelled``, ``Rejected``, ``ChangeCalendarOverrideRejected``,
        ``CompletedWithSuccess``, ``CompletedWithFailure`` or ``Exited``.
        Reads back off as ``wait_for_association_run``'s do.

        Args:
            execution_id: The automation execution.
            timeout: Seconds to wait at most.

        Returns:
            The execution as ``GetAutomationExecution`` last answered, with its
            step executions.

        Raises:
            ssmkit.errors.WaitTimeoutError: It had not finished in time; its
                ``last`` is the execution as last read.
        """
        from ssmkit import _waits

        found: AutomationExecution = _waits.wait_for_automation_execution(
            self, execution_id, timeout=timeout
        )
        return found

    def plan_association_update(
        self,
        association_id: str,
        /,
        *,
        expected_version: str | int | None = None,
        modify: Callable[[AssociationDescription], AssociationDescription]
        | None = None,
        paths: Mapping[str, Any] | None = None,
        **changes: Unpack[AssociationChanges],
    ) -> UpdatePlan[AssociationDescription]:
        """DescribeAssociation, then plan what ``update_association`` would send."""
        from ssmkit._safe import plan_association_update

        return plan_association_update(
            self.boto3_client,
            association_id,
            expected_version=expected_version,
            modify=modify,
            paths=paths,
            **changes,
        )

    def update_associations(
        self,
        *,
        association_ids: Iterable[str] | None = None,
        filters: list[AssociationFilter] | None = None,
        skip: Collection[str] = (),
        concurrency: int = 8,
        max_rate: float | None = None,
        progress: Callable[[BulkResult], object] | None = None,
        dry_run: bool = False,
        modify: Callable[[AssociationDescription], AssociationDescription]
        | None = None,
        paths: Mapping[str, Any] | None = None,
        wait: bool = False,
        timeout: float = 600.0,
        canary: int | None = None,
        max_failed_runs: int | None = None,
        watch: Callable[[AssociationRun], object] | None = None,
        **changes: Unpack[AssociationChanges],
    ) -> list[BulkResult]:
        """Apply one safe update to many associations.

        Each association gets ``update_association`` with the same changes,
        on a pool of threads sharing this client. One failure never stops the
        others, and nothing is retried past the safe update's own bounds.

        Args:
            association_ids: The associations to update.
            filters: Or: update every association ``ListAssociations`` finds
                with these filters (walked lazily, page by page).
            skip: Association ids to leave out, such as those an earlier run
                reported done.
            concurrency: How many updates run at once.
            max_rate: At most this many API calls a second, across all threads,
                listing included (SSM's API limits are low); no limit by default.
            progress: Called in the calling thread with each result as it comes.
            dry_run: Plan each update instead of writing (``outcome="planned"``).
            modify: As for ``update_association``.
            paths: As for ``update_association``.
            wait: After each write, wait for the run it starts (see
                ``wait_for_association_run``): each result's ``run`` is that
                run. Waits count against ``concurrency``.
            timeout: With ``wait``, the seconds each run may take.
            canary: With ``wait``, a rollout in two waves: the first
                ``canary`` associations, their runs judged before the rest
                start.
            max_failed_runs: With ``wait``, stop as soon as more targets than
                this have failed (a run not seen to finish counts as one):
                writes not yet sent are not sent, and what never started is
                ``not_started``. The selection is then read whole first.
            watch: With ``wait``, called with each run each time it is read
                while it goes on, and once finished, from the thread waiting
                for it: for a live view of the runs under way.
            **changes: As for ``update_association``.

        Returns:
            One ``ssmkit.BulkResult`` per association, in selection order (in
            a rollout, those never started too).

        Raises:
            TypeError: Neither or both of ``association_ids`` and ``filters``, or
                an unknown keyword.
            ssmkit.errors.ValidationError: A change breaks the service model's
                constraints; nothing was called.
            KeyboardInterrupt: On Ctrl-C, after the updates under way have
                finished and been passed to ``progress``; none is started after.
        """
        from ssmkit._bulk import update_associations

        return update_associations(
            self.boto3_client,
            association_ids=association_ids,
            filters=filters,
            skip=skip,
            concurrency=concurrency,
            max_rate=max_rate,
            progress=progress,
            dry_run=dry_run,
            modify=modify,
            changes=changes,
            paths=paths,
            wait=wait,
            timeout=timeout,
            canary=canary,
            max_failed_runs=max_failed_runs,
            watch=watch,
        )

    def plan_associations(
        self, desired: Any, *, prune: bool = False, concurrency: int = 8
    ) -> AssociationsPlan:
        """Plan a file of associations against the service; write nothing.

        The file (YAML or JSON, by extension) holds ``Associations:``, a list
        of ``CreateAssociation`` requests in boto3's shape, each with an
        ``AssociationName``: its identity. A member an entry has is managed,
        a member it lacks is left as it is live, and ``null`` removes it.

        Args:
            desired: A path to the file, the parsed document, or the list of
                entries.
            prune: Also plan to delete live associations missing from the
                file, within the file's scope (``Prune: {NamePrefix: ...}``).
            concurrency: How many live associations are read at once; reads
                the service refuses as too many are tried again later.

        Returns:
            The plan: ``create``, ``update``, ``unchanged`` and ``delete``
            entries, ``render()`` and ``to_json()``, masked where sensitive.

        Raises:
            ssmkit.errors.ValidationError: The file is refused before any
                write: a bad entry, a name shared by several live
                associations, or ``prune`` without a scope. Every problem is
                listed.
        """
        from ssmkit._declared import plan_associations

        return plan_associations(
            self.boto3_client, desired, prune=prune, concurrency=concurrency
        )

    def apply_associations(
        self,
        plan: AssociationsPlan,
        *,
        concurrency: int = 4,
        max_rate: float | None = None,
        progress: Callable[[ApplyResult], object] | None = None,
        wait: bool = False,
        timeout: float = 600.0,
        canary: int | None = None,
        max_failed_runs: int | None = None,
        watch: Callable[[AssociationRun], object] | None = None,
    ) -> list[ApplyResult]:
        """Carry out a plan from ``plan_associations``.

        Creates with ``CreateAssociation``; updates with the safe update,
        written only if the association is still at the version read when
        the plan was made; deletes likewise. An association someone else
        changed (or created, or deleted) since the plan is reported as a
        ``"conflict"`` and left as it is; the rest go on. Unchanged entries
        cost no call.

        Args:
            plan: The plan to carry out.
            concurrency: How many associations at once.
            max_rate: At most this many API calls a second, across all threads.
            progress: Called in the calling thread with each result as it comes.
            wait: After each create or update that runs at once, wait for its
                run (``ApplyResult.run``), as ``update_associations`` does.
            timeout: With ``wait``, the seconds each run may take.
            canary: With ``wait``, carry out the first ``canary`` entries and
                judge their runs before the rest.
            max_failed_runs: With ``wait``, stop once more targets than this
                have failed; entries never reached are ``"not_started"``.
            watch: With ``wait``, called with each run as it is read, as
                for ``update_associations``.

        Returns:
            One ``ssmkit.ApplyResult`` per association, in the plan's order.

        Raises:
            KeyboardInterrupt: On Ctrl-C, after the calls under way have
                finished and been passed to ``progress``; none is started after.
        """
        from ssmkit._declared import apply_associations

        return apply_associations(
            self.boto3_client,
            plan,
            concurrency=concurrency,
            max_rate=max_rate,
            progress=progress,
            wait=wait,
            timeout=timeout,
            canary=canary,
            max_failed_runs=max_failed_runs,
            watch=watch,
        )

    def export_associations(
        self,
        *,
        filters: list[AssociationFilter] | None = None,
        show_sensitive: bool = False,
    ) -> tuple[dict[str, Any], list[str]]:
        """Live associations as a file's document, for ``plan_associations``.

        Args:
            filters: ``ListAssociations`` filters; every association by default.
            show_sensitive: Write sensitive values. Otherwise each is the
                placeholder ``<sensitive>``, which plan and apply keep as it
                is live and never send.

        Returns:
            The document (``{"Associations": [...]}``) and the ids of
            associations left out because they have no name, or share it.
        """
        from ssmkit._convert import to_boto
        from ssmkit._declared import export_associations

        raw_filters = [to_boto(f) for f in filters] if filters else None
        return export_associations(
            self.boto3_client, filters=raw_filters, show_sensitive=show_sensitive
        )

    def plan(self, desired: Any, *, prune: bool = False, concurrency: int = 8) -> Plan:
        """Plan a whole file against the service, every kind in it; write nothing.

        The file (YAML or JSON, by extension) holds ``Associations:``, as for
        ``plan_associations``, and ``MaintenanceWindows:``: each a
        ``CreateMaintenanceWindow`` request with its ``Targets`` (each a
        ``RegisterTargetWithMaintenanceWindow`` request) and ``Tasks`` (each
        a ``RegisterTaskWithMaintenanceWindow`` request), without
        ``WindowId``, known by ``Name``. A task's ``WindowTargetIds`` name
        targets of its window. A kind the file does not hold is not managed.

        Args:
            desired: A path to the file, or the parsed document.
            prune: Also delete what the file no longer lists, within
                ``Prune.NamePrefix``: associations and windows so named, and
                within each window the file names, the targets and tasks it
                does not list.
            concurrency: How many live associations are read at once.

        Raises:
            ssmkit.errors.ValidationError: The file is refused; every problem
                is listed.
        """
        from ssmkit._plan import plan

        return plan(self.boto3_client, desired, prune=prune, concurrency=concurrency)

    def apply(
        self,
        plan: Plan,
        *,
        concurrency: int = 4,
        max_rate: float | None = None,
        progress: Callable[[ApplyResult | WindowResult], object] | None = None,
        wait: bool = False,
        timeout: float = 600.0,
        canary: int | None = None,
        max_failed_runs: int | None = None,
        watch: Callable[[AssociationRun], object] | None = None,
    ) -> list[ApplyResult | WindowResult]:
        """Carry out a plan from ``plan``: the associations, then the windows.

        Associations are applied as ``apply_associations`` does, with its
        waits and waves. Windows have no version token: each window, target
        and task is read again just before it is written, and one that
        differs from what the plan read is a ``"conflict"``, left as it is.
        Each window is written before its targets, and its targets before
        the tasks that name them; a task whose window or target was not
        written is ``"not_started"``. Within a window, what the plan deletes
        goes last: tasks, then targets.

        Returns:
            One ``ssmkit.ApplyResult`` per association and one
            ``ssmkit.WindowResult`` per window, target and task, in the plan's
            order.

        Raises:
            KeyboardInterrupt: On Ctrl-C, after the calls under way have
                finished and been passed to ``progress``; none is started after.
        """
        from ssmkit._plan import apply

        return apply(
            self.boto3_client,
            plan,
            concurrency=concurrency,
            max_rate=max_rate,
            progress=progress,
            wait=wait,
            timeout=timeout,
            canary=canary,
            max_failed_runs=max_failed_runs,
            watch=watch,
        )

    def export(
        self,
        *,
        filters: list[AssociationFilter] | None = None,
        show_sensitive: bool = False,
    ) -> tuple[dict[str, Any], list[str]]:
        """Associations and maintenance windows as a file's document, for ``plan``.

        Args:
            filters: ``ListAssociations`` filters, narrowing the associations;
                every maintenance window is exported.
            show_sensitive: Write sensitive values. Otherwise each is the
                placeholder ``<sensitive>``, which plan and apply keep as it
                is live and never send.

        Returns:
            The document (``{"Associations": [...], "MaintenanceWindows":
            [...]}``) and the ids of what was left out because it has no
            name, or shares it.
        """
        from ssmkit._convert import to_boto
        from ssmkit._kinds import KINDS

        raw_filters = [to_boto(f) for f in filters] if filters else None
        document: dict[str, Any] = {}
        left_out: list[str] = []
        for kind in KINDS:
            entries, skipped = kind.export(
                self.boto3_client, raw_filters, show_sensitive
            )
            document[kind.key] = entries
            left_out += skipped
        return document, left_out

    def update_maintenance_window_task(
        self,
        window_id: str,
        window_task_id: str,
        /,
        *,
        modify: Callable[
            [GetMaintenanceWindowTaskResult], GetMaintenanceWindowTaskResult
        ]
        | None = None,
        paths: Mapping[str, Any] | None = None,
        **changes: Unpack[MaintenanceWindowTaskChanges],
    ) -> GetMaintenanceWindowTaskResult:
        """UpdateMaintenanceWindowTask, changing only the members named.

        See ``ssmkit.safe_update_maintenance_window_task``, which this calls
        with this client's boto3 client.
        """
        from ssmkit._safe import safe_update_maintenance_window_task

        return safe_update_maintenance_window_task(
            self.boto3_client,
            window_id,
            window_task_id,
            modify=modify,
            paths=paths,
            **changes,
        )

    def plan_maintenance_window_task_update(
        self,
        window_id: str,
        window_task_id: str,
        /,
        *,
        modify: Callable[
            [GetMaintenanceWindowTaskResult], GetMaintenanceWindowTaskResult
        ]
        | None = None,
        paths: Mapping[str, Any] | None = None,
        **changes: Unpack[MaintenanceWindowTaskChanges],
    ) -> UpdatePlan[GetMaintenanceWindowTaskResult]:
        """GetMaintenanceWindowTask, then plan a safe task update; write nothing."""
        from ssmkit._safe import plan_maintenance_window_task_update

        return plan_maintenance_window_task_update(
            self.boto3_client,
            window_id,
            window_task_id,
            modify=modify,
            paths=paths,
            **changes,
        )

    def update_maintenance_window(
        self,
        window_id: str,
        /,
        *,
        modify: Callable[[GetMaintenanceWindowResult], GetMaintenanceWindowResult]
        | None = None,
        paths: Mapping[str, Any] | None = None,
        **changes: Unpack[MaintenanceWindowChanges],
    ) -> GetMaintenanceWindowResult:
        """UpdateMaintenanceWindow, changing only the members named.

        Reads the window (GetMaintenanceWindow), merges the changes and sends
        only the members that change, without ``Replace``: "Only specified
        parameters are modified." Removing a member (``ssmkit.CLEAR``) takes
        ``Replace=True``, under which "Optional fields that aren't specified are
        set to null"; then every other member is sent back as it was read.

        Maintenance windows have no version to compare and swap: when a member
        is removed, a change another writer made between the read and the
        write can be undone. Otherwise only the members named are written.

        Args:
            window_id: The maintenance window.
            modify: A function given the current ``GetMaintenanceWindowResult``
                that returns an edited copy; what it changed, and only that, is
                applied.
            paths: Changes deeper than a member, by dotted path.
            **changes: The members to change, by attribute name, as for
                ``update_association``.

        Returns:
            The window as the service stored it.

        Raises:
            TypeError: A keyword names no member of ``UpdateMaintenanceWindow``.
            ssmkit.errors.ValidationError: A value breaks the service model's
                constraints, or a change removes a member the window cannot go
                without; nothing was sent.
            ssmkit.errors.ServiceError: The service refused.
        """
        return self._replace_update(  # type: ignore[no-any-return]
            "MAINTENANCE_WINDOW",
            {"WindowId": window_id},
            modify,
            paths,
            changes,
            plan=False,
        )

    def plan_maintenance_window_update(
        self,
        window_id: str,
        /,
        *,
        modify: Callable[[GetMaintenanceWindowResult], GetMaintenanceWindowResult]
        | None = None,
        paths: Mapping[str, Any] | None = None,
        **changes: Unpack[MaintenanceWindowChanges],
    ) -> UpdatePlan[GetMaintenanceWindowResult]:
        """GetMaintenanceWindow, then plan a safe window update; write nothing."""
        return self._replace_update(  # type: ignore[no-any-return]
            "MAINTENANCE_WINDOW",
            {"WindowId": window_id},
            modify,
            paths,
            changes,
            plan=True,
        )

    def update_maintenance_window_target(
        self,
        window_id: str,
        window_target_id: str,
        /,
        *,
        modify: Callable[[MaintenanceWindowTarget], MaintenanceWindowTarget]
        | None = None,
        paths: Mapping[str, Any] | None = None,
        **changes: Unpack[MaintenanceWindowTargetChanges],
    ) -> MaintenanceWindowTarget:
        """UpdateMaintenanceWindowTarget, changing only the members named.

        There is no GetMaintenanceWindowTarget: the target is read with
        DescribeMaintenanceWindowTargets, filtered by its id. Then, as for
        ``update_maintenance_window``, only the members that change are
        sent, and removing a member sends them all with ``Replace=True``.
        ``targets`` is a list, so it is always stored whole: give the whole
        new list. Window targets have no version to compare and swap.

        Args:
            window_id: The maintenance window.
            window_target_id: The target to update.
            modify: As for ``update_maintenance_window``, given the current
                ``MaintenanceWindowTarget``.
            paths: Changes deeper than a member, by dotted path.
            **changes: The members to change, by attribute name.

        Returns:
            The target as the service stored it.

        Raises:
            TypeError: A keyword names no member of
                ``UpdateMaintenanceWindowTarget``.
            ssmkit.errors.ValidationError: A value breaks the service model's
                constraints, or a change removes ``targets``; nothing was sent.
            ssmkit.errors.DoesNotExistException: The window has no such target.
            ssmkit.errors.ServiceError: The service refused.
        """
        return self._replace_update(  # type: ignore[no-any-return]
            "MAINTENANCE_WINDOW_TARGET",
            {"WindowId": window_id, "WindowTargetId": window_target_id},
            modify,
            paths,
            changes,
            plan=False,
        )

    def plan_maintenance_window_target_update(
        self,
        window_id: str,
        window_target_id: str,
        /,
        *,
        modify: Callable[[MaintenanceWindowTarget], MaintenanceWindowTarget]
        | None = None,
        paths: Mapping[str, Any] | None = None,
        **changes: Unpack[MaintenanceWindowTargetChanges],
    ) -> UpdatePlan[MaintenanceWindowTarget]:
        """Read a window target, then plan a safe update of it; write nothing."""
        return self._replace_update(  # type: ignore[no-any-return]
            "MAINTENANCE_WINDOW_TARGET",
            {"WindowId": window_id, "WindowTargetId": window_target_id},
            modify,
            paths,
            changes,
            plan=True,
        )

    def update_patch_baseline(
        self,
        baseline_id: str,
        /,
        *,
        modify: Callable[[GetPatchBaselineResult], GetPatchBaselineResult]
        | None = None,
        paths: Mapping[str, Any] | None = None,
        **changes: Unpack[PatchBaselineChanges],
    ) -> GetPatchBaselineResult:
        """UpdatePatchBaseline, changing only the members named.

        Reads the baseline (GetPatchBaseline) and, as for
        ``update_maintenance_window``, sends only the members that change;
        removing a member sends them all with ``Replace=True``. Lists
        (``approved_patches``, ``rejected_patches``, ``sources``) are stored
        whole: give the whole new list, or use ``modify=`` to edit the current
        one. Structures such as ``approval_rules`` and ``global_filters`` merge
        member by member. Patch baselines have no version to compare and swap.

        Args:
            baseline_id: The patch baseline.
            modify: As for ``update_maintenance_window``, given the current
                ``GetPatchBaselineResult``.
            paths: Changes deeper than a member, by dotted path.
            **changes: The members to change, by attribute name.

        Returns:
            The baseline as the service stored it.

        Raises:
            TypeError: A keyword names no member of ``UpdatePatchBaseline``.
            ssmkit.errors.ValidationError: A value breaks the service model's
                constraints, or a change removes a member the baseline cannot
                go without; nothing was sent.
            ssmkit.errors.ServiceError: The service refused.
        """
        return self._replace_update(  # type: ignore[no-any-return]
            "PATCH_BASELINE",
            {"BaselineId": baseline_id},
            modify,
            paths,
            changes,
            plan=False,
        )

    def plan_patch_baseline_update(
        self,
        baseline_id: str,
        /,
        *,
        modify: Callable[[GetPatchBaselineResult], GetPatchBaselineResult]
        | None = None,
        paths: Mapping[str, Any] | None = None,
        **changes: Unpack[PatchBaselineChanges],
    ) -> UpdatePlan[GetPatchBaselineResult]:
        """GetPatchBaseline, then plan a safe baseline update; write nothing."""
        return self._replace_update(  # type: ignore[no-any-return]
            "PATCH_BASELINE",
            {"BaselineId": baseline_id},
            modify,
            paths,
            changes,
            plan=True,
        )

    def _replace_update(
        self,
        kind: str,
        ids: dict[str, str],
        modify: Callable[[Any], Any] | None,
        paths: Mapping[str, Any] | None,
        changes: Mapping[str, Any],
        *,
        plan: bool,
    ) -> Any:
        """The safe update (or its plan) of a resource whose update has ``Replace``."""
        from ssmkit import _safe

        how = _safe.plan_update if plan else _safe.safe_update
        return how(
            getattr(_safe, kind),
            self.boto3_client,
            ids,
            expected_version=None,
            modify=modify,
            changes=changes,
            paths=paths,
        )


for _method, _changes in (
    (Client.update_association, "AssociationChanges"),
    (Client.plan_association_update, "AssociationChanges"),
    (Client.update_associations, "AssociationChanges"),
    (Client.update_maintenance_window_task, "MaintenanceWindowTaskChanges"),
    (Client.plan_maintenance_window_task_update, "MaintenanceWindowTaskChanges"),
    (Client.update_maintenance_window, "MaintenanceWindowChanges"),
    (Client.plan_maintenance_window_update, "MaintenanceWindowChanges"),
    (Client.update_maintenance_window_target, "MaintenanceWindowTargetChanges"),
    (Client.plan_maintenance_window_target_update, "MaintenanceWindowTargetChanges"),
    (Client.update_patch_baseline, "PatchBaselineChanges"),
    (Client.plan_patch_baseline_update, "PatchBaselineChanges"),
):
    show_changes(_method, MEMBERS[_changes])
