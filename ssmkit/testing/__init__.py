"""A local SSM that behaves as AWS documents, for ssmkit's tests and yours.

moto implements much of SSM but none of the association operations, nor
GetMaintenanceWindowTask, UpdateMaintenanceWindowTask or the automation
executions, and it drops ``AlarmConfiguration`` on maintenance window tasks and
commands. ``mock_ssm`` starts moto's ``mock_aws`` and adds those operations
on moto's SSM backend, including the inconvenient parts: ``UpdateAssociation``
nulls every optional member the request omits, ``AssociationVersion`` is a
compare-and-swap token, and ``UpdateMaintenanceWindowTask`` replaces
``TaskInvocationParameters`` whole. Every other moto service keeps working
inside, and moto's reset clears the stand-in's state too.

Example::

    import boto3
    from ssmkit.testing import mock_ssm

    def test_retries_when_busy():
        with mock_ssm() as ssm:
            client = boto3.client("ssm", region_name="us-east-1")
            created = client.create_association(Name="AWS-RunShellScript")
            ssm.fail_next("UpdateAssociation", "TooManyUpdates", times=2)
            ...  # code under test calls update_association and must retry
            assert [r.operation for r in ssm.requests].count("UpdateAssociation") == 3

The same service runs over HTTP with ``python -m ssmkit.testing.server``.
It needs ssmkit's ``testing`` extra (``pip install '.[testing]'`` in a checkout).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

try:
    from moto import mock_aws
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ssm.models import ssm_backends
except ImportError as exc:  # pragma: no cover - tested in a process without moto
    msg = (
        "ssmkit.testing needs moto, which ssmkit's 'testing' extra installs "
        "(pip install '.[testing]' in a checkout of ssmkit)"
    )
    raise ImportError(msg, name=exc.name) from exc

from . import _organization
from ._patch import install, uninstall
from ._service import MODEL, fail, service_for

__all__ = ["Request", "StandIn", "mock_ssm"]

F = TypeVar("F", bound=Callable[..., Any])
Params = dict[str, Any]

_inside_hook = threading.local()


@attrs.frozen
class Request:
    """One request the stand-in received: the operation and its members.

    ``account_id`` and ``region`` say whose SSM served it: the account of the
    credentials it was signed with, and its Region.
    """

    operation: str
    params: Params = attrs.field(repr=False)
    account_id: str = DEFAULT_ACCOUNT_ID
    region: str = "us-east-1"


@attrs.define
class _Fault:
    code: str
    message: str
    times: int
    after: int
    when: Callable[[Params], bool] | None


@attrs.define
class _Hook:
    callback: Callable[[Params], object]
    times: int | None


class StandIn:
    """A handle on the local SSM: inject faults, run hooks, read the requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: dict[str, list[_Fault]] = {}
        self._hooks: dict[str, list[_Hook]] = {}
        self.requests: list[Request] = []

    def fail_next(
        self,
        operation: str,
        code: str,
        *,
        times: int = 1,
        after: int = 0,
        message: str | None = None,
        when: Callable[[Params], bool] | None = None,
    ) -> None:
        """Make the next calls of an operation fail with an error code.

        Args:
            operation: The AWS operation name, such as ``"UpdateAssociation"``.
            code: The error code to answer, such as ``"TooManyUpdates"``,
                ``"ThrottlingException"`` or ``"InternalServerError"``.
            times: How many calls fail.
            after: How many matching calls succeed first.
            message: The error message; a generic one by default.
            when: Only calls whose request members satisfy this count.
        """
        if times < 1 or after < 0:
            msg = "times must be at least 1 and after at least 0"
            raise ValueError(msg)
        fault = _Fault(code, message or f"Injected {code}", times, after, when)
        with self._lock:
            self._faults.setdefault(operation, []).append(fault)

    def before(
        self,
        operation: str,
        callback: Callable[[Params], object],
        *,
        times: int | None = 1,
    ) -> None:
        """Run ``callback(request_members)`` just before an operation is served.

        This is how a test plays a concurrent writer: the callback may call the
        stand-in itself (for example to update the same association), and those
        nested calls neither run hooks nor appear in ``requests``.

        Args:
            operation: The AWS operation name.
            callback: Called with the request's members.
            times: How many calls run it; ``None`` for every call.
        """
        with self._lock:
            self._hooks.setdefault(operation, []).append(_Hook(callback, times))

    def create_organization(
        self, accounts: int, *, management_account: str = DEFAULT_ACCOUNT_ID
    ) -> list[str]:
        """Make an organization of ``accounts`` member accounts; their ids.

        The management account is moto's default account (the one any
        credentials but an assumed role's are for). Each member account has
        the role ``OrganizationAccountAccessRole``, which the management
        account may assume, as AWS Organizations makes it for an account it
        creates. Calling again adds accounts to the same organization.

        Each account keeps its own SSM state, in each Region: a client made
        from credentials of an assumed role is served as that role's account.
        A role that does not exist, or whose trust policy asks for an external
        id the request does not give, cannot be assumed (``AccessDenied``).
        """
        return _organization.create_organization(
            accounts, management_account=_account(management_account)
        )

    def enable_region(self, account_id: str, region: str) -> None:
        """Enable an opt-in Region for an account, as ``EnableRegion`` does.

        Regions AWS introduced after March 20, 2019 (``af-south-1``,
        ``ap-east-1``, ...) are disabled until the account enables them: SSM
        refuses every call there (``UnrecognizedClientException``), and the
        Account Management API's ``ListRegions`` says ``DISABLED``.
        """
        _organization.set_region(_account(account_id), region, enabled=True)

    def disable_region(self, account_id: str, region: str) -> None:
        """Disable an opt-in Region for an account again."""
        _organization.set_region(_account(account_id), region, enabled=False)

    def run_maintenance_window(
        self,
        window_id: str,
        *,
        region: str = "us-east-1",
        account_id: str = DEFAULT_ACCOUNT_ID,
    ) -> str:
        """Run a maintenance window now, as its schedule would.

        Each task registered with the window gets a successful task execution,
        which ``DescribeMaintenanceWindowExecutionTasks`` and
        ``GetMaintenanceWindowExecutionTask`` then report.

        Args:
            window_id: The window to run.
            region: The region the window was created in.
            account_id: The account the window was created in.

        Returns:
            The window execution id.
        """
        backend = _backend(account_id, region)
        service = service_for(backend)
        with service.lock:
            return service.run_maintenance_window(window_id, backend.windows)

    def fail_runs(
        self,
        resource_ids: Iterable[str],
        *,
        region: str = "us-east-1",
        account_id: str = DEFAULT_ACCOUNT_ID,
    ) -> None:
        """Make association runs and commands fail on these managed nodes from now on.

        Each run (at create, at update, or by ``StartAssociationsOnce``) then
        reports those targets ``Failed`` and the others ``Success``; the
        association's ``Overview`` and ``Status`` read ``Failed``. A command
        sent from now on reads ``Failed`` on those nodes once it has run, with
        a ``ResponseCode`` of 1. Runs and commands already recorded are left as
        they are.

        Args:
            resource_ids: The managed nodes whose runs fail; empty to make
                every run succeed again.
            region: The region the associations are in.
            account_id: The account the associations are in.
        """
        if isinstance(resource_ids, str):
            msg = "resource_ids must be a collection of node ids, not one string"
            raise TypeError(msg)
        resource_ids = list(resource_ids)
        odd = [i for i in resource_ids if not isinstance(i, str)]
        if odd:
            msg = f"resource_ids must be node ids as strings, got {odd[0]!r}"
            raise TypeError(msg)
        service = service_for(_backend(account_id, region))
        with service.lock:
            service.failing = set(resource_ids)

    def set_run_duration(
        self,
        seconds: float,
        *,
        region: str = "us-east-1",
        account_id: str = DEFAULT_ACCOUNT_ID,
    ) -> None:
        """Make association runs and automation executions take time, as in AWS.

        An association run started from now on (at create, at update, or by
        ``StartAssociationsOnce``) reads ``Pending``, then ``InProgress``, per
        target and as a whole, and its outcome once ``seconds`` of wall time
        have passed; ``fail_runs`` decides which targets fail. The
        association's ``Overview`` reads ``Pending`` meanwhile. An automation
        execution started from now on reads ``Pending``, ``InProgress``, then
        ``Success``. A command sent from now on reads ``Pending``, then
        ``InProgress``, then ``Success``, or ``Failed`` on the nodes
        ``fail_runs`` names; for the first quarter of its run, as AWS right
        after ``SendCommand``, none of its invocations is listed and
        ``GetCommandInvocation`` answers ``InvocationDoesNotExist``. 0, the
        default, finishes each association run and command at once (failed on
        the nodes ``fail_runs`` names) and leaves automation executions
        ``InProgress`` until stopped.

        Args:
            seconds: How long each run takes, 0 or more.
            region: The region the associations are in.
            account_id: The account the associations are in.
        """
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            msg = f"seconds must be a number, not {type(seconds).__name__}"
            raise TypeError(msg)
        if not 0 <= seconds <= 86_400:
            msg = f"seconds must be from 0 to 86400, got {seconds!r}"
            raise ValueError(msg)
        service = service_for(_backend(account_id, region))
        with service.lock:
            service.run_duration = float(seconds)

    def keep_on_update(
        self,
        members: Iterable[str],
        *,
        region: str = "us-east-1",
        account_id: str = DEFAULT_ACCOUNT_ID,
    ) -> None:
        """Make ``UpdateAssociation`` keep these members when a request omits them.

        By default the local SSM follows the API reference: "the system removes
        all optional parameters from the request and overwrites the association
        with null values for those parameters". AWS's published
        ``update-association`` examples show a partial update keeping ``Name``
        and ``Targets``; ``keep_on_update(["Name", "Targets"])`` behaves as they
        do, so a test can check code against both readings. An empty list
        restores the default.

        Args:
            members: ``UpdateAssociation`` members, as the API names them.
            region: The region the associations are in.
            account_id: The account the associations are in.
        """
        if isinstance(members, str):
            msg = "members must be a collection of member names, not one string"
            raise TypeError(msg)
        names = frozenset(members)
        update = MODEL.operation_model("UpdateAssociation").input_shape
        unknown = sorted(names - set(update.members if update is not None else ()))
        if unknown:
            msg = f"UpdateAssociation has no member {', '.join(unknown)}"
            raise ValueError(msg)
        service = service_for(_backend(account_id, region))
        with service.lock:
            service.kept_on_update = names

    def client(
        self, region: str = "us-east-1", *, account_id: str | None = None, **kwargs: Any
    ) -> Any:
        """A boto3 SSM client of this local SSM.

        Args:
            region: The region; each region has its own associations.
            account_id: A member account of ``create_organization``: the
                client's credentials are its ``OrganizationAccountAccessRole``'s.
                By default, moto's default account.
            **kwargs: More arguments for ``boto3.client`` (a ``config``, say).
        """
        import boto3

        if account_id is not None and _account(account_id) != DEFAULT_ACCOUNT_ID:
            sts = boto3.client("sts", region_name=region)
            found = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
                RoleSessionName="ssmkit-testing",
            )["Credentials"]
            kwargs = {
                "aws_access_key_id": found["AccessKeyId"],
                "aws_secret_access_key": found["SecretAccessKey"],
                "aws_session_token": found["SessionToken"],
                **kwargs,
            }
        return boto3.client("ssm", region_name=region, **kwargs)

    def requests_for(self, operation: str) -> list[Params]:
        """The members of every request of one operation, in order."""
        return [r.params for r in self.requests if r.operation == operation]

    @property
    def operations(self) -> list[str]:
        """The operation of every request, in order."""
        return [r.operation for r in self.requests]

    def _before(
        self,
        operation: str,
        params: Params,
        account_id: str = DEFAULT_ACCOUNT_ID,
        region: str = "us-east-1",
    ) -> None:
        if getattr(_inside_hook, "active", False):
            return
        with self._lock:
            self.requests.append(Request(operation, params, account_id, region))
            hooks = self._due_hooks(operation)
            fault = self._due_fault(operation, params)
        for hook in hooks:
            _inside_hook.active = True
            try:
                hook.callback(params)
            finally:
                _inside_hook.active = False
        if fault is not None:
            raise fail(fault.code, fault.message)

    def _due_hooks(self, operation: str) -> list[_Hook]:
        due = []
        for hook in list(self._hooks.get(operation, [])):
            due.append(hook)
            if hook.times is not None:
                hook.times -= 1
                if hook.times == 0:
                    self._hooks[operation].remove(hook)
        return due

    def _due_fault(self, operation: str, params: Params) -> _Fault | None:
        for fault in list(self._faults.get(operation, [])):
            if fault.when is not None and not fault.when(params):
                continue
            if fault.after:
                fault.after -= 1
                return None
            fault.times -= 1
            if fault.times == 0:
                self._faults[operation].remove(fault)
            return fault
        return None


class mock_ssm:
    """Start moto's ``mock_aws`` with the stand-in's SSM operations added.

    Use it as a context manager, which gives the ``StandIn`` handle, or as
    a decorator. Keyword arguments go to ``moto.mock_aws``.
    """

    def __init__(self, **mock_aws_kwargs: Any) -> None:
        self._kwargs = mock_aws_kwargs
        self._mock: Any = None
        self.stand_in = StandIn()

    def __enter__(self) -> StandIn:
        self._mock = mock_aws(**self._kwargs)
        self._mock.start()
        install(self.stand_in)
        return self.stand_in

    def __exit__(self, *exc_info: object) -> None:
        uninstall(self.stand_in)
        self._mock.stop()

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with mock_ssm(**self._kwargs):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def _account(account_id: str) -> str:
    if not isinstance(account_id, str) or not re.fullmatch(r"\d{12}", account_id):
        msg = f"account_id must be 12 digits, got {account_id!r}"
        raise ValueError(msg)
    return account_id


def _backend(account_id: str, region: str) -> Any:
    """The local SSM of one account and region, refusing ones AWS cannot have."""
    backends = ssm_backends[_account(account_id)]
    if not isinstance(region, str) or region not in backends:
        msg = f"region must be a region SSM is in, such as 'us-east-1', got {region!r}"
        raise ValueError(msg)
    return backends[region]
