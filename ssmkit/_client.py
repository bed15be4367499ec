"""The facade application code imports: ``ssmkit.Client``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._changes import AssociationChanges, MaintenanceWindowTaskChanges
from ._operations import Operations
from ._safe import (
    plan_association_update,
    plan_maintenance_window_task_update,
    safe_update_association,
    safe_update_maintenance_window_task,
    show_changes,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from typing_extensions import Unpack

    from ._safe import UpdatePlan
    from .models import AssociationDescription, GetMaintenanceWindowTaskResult

__all__ = ["Client"]


class Client(Operations):
    """A typed SSM client over boto3: one method per operation, models in and out.

    Build it with nothing (boto3's default session), a session and/or a
    botocore ``Config``, or a ready boto3 SSM client::

        client = ssmkit.Client()
        client = ssmkit.Client(boto3_session=session, boto_config=config)
        client = ssmkit.Client(boto3_client=boto3.client("ssm"))

    Method names match boto3's. ``update_association`` and
    ``update_maintenance_window_task`` are safe: they change only the members
    named. A ``Client`` is as thread-safe as the boto3 client under it.
    Throttling is retried by botocore's own retry modes; the caller's
    ``Config`` decides how.
    """

    def update_association(
        self,
        association_id: str,
        /,
        *,
        expected_version: str | None = None,
        modify: Callable[[AssociationDescription], AssociationDescription]
        | None = None,
        **changes: Unpack[AssociationChanges],
    ) -> AssociationDescription:
        """UpdateAssociation, changing only the members named and keeping the rest.

        See :func:`ssmkit.safe_update_association`, which this calls with this
        client's boto3 client: describe, merge, validate, then write with
        ``AssociationVersion`` as a compare-and-swap token. Two calls for a
        change, one for a change that changes nothing.
        """
        return safe_update_association(
            self.boto3_client,
            association_id,
            expected_version=expected_version,
            modify=modify,
            **changes,
        )

    def plan_association_update(
        self,
        association_id: str,
        /,
        *,
        expected_version: str | None = None,
        modify: Callable[[AssociationDescription], AssociationDescription]
        | None = None,
        **changes: Unpack[AssociationChanges],
    ) -> UpdatePlan[AssociationDescription]:
        """DescribeAssociation, then plan what :meth:`update_association` would send."""
        return plan_association_update(
            self.boto3_client,
            association_id,
            expected_version=expected_version,
            modify=modify,
            **changes,
        )

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
        **changes: Unpack[MaintenanceWindowTaskChanges],
    ) -> GetMaintenanceWindowTaskResult:
        """UpdateMaintenanceWindowTask, changing only the members named.

        See :func:`ssmkit.safe_update_maintenance_window_task`, which this calls
        with this client's boto3 client.
        """
        return safe_update_maintenance_window_task(
            self.boto3_client, window_id, window_task_id, modify=modify, **changes
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
        **changes: Unpack[MaintenanceWindowTaskChanges],
    ) -> UpdatePlan[GetMaintenanceWindowTaskResult]:
        """GetMaintenanceWindowTask, then plan a safe task update; write nothing."""
        return plan_maintenance_window_task_update(
            self.boto3_client, window_id, window_task_id, modify=modify, **changes
        )


for _method, _changes in (
    (Client.update_association, AssociationChanges),
    (Client.plan_association_update, AssociationChanges),
    (Client.update_maintenance_window_task, MaintenanceWindowTaskChanges),
    (Client.plan_maintenance_window_task_update, MaintenanceWindowTaskChanges),
):
    show_changes(_method, _changes)
