"""Across accounts and Regions: one plan, one change, one report for a fleet.

A fleet is a set of targets, each an account and a Region. The accounts are
given, or are the active accounts of an AWS Organization (or of some of its
organizational units); the Regions are given, or are those each account has
enabled. In each account, the fleet assumes one role, through the STS
endpoint of the session's Region (its tokens are valid in every Region,
opt-in ones included), and refreshes the credentials before they expire. The
account the session itself is in is used as it is.

Work runs target by target, ``concurrency`` at once: each target gets a
client of its own, made when it starts and dropped when it ends, so a fleet of
thousands holds no more clients than it runs at once. One target's failure
(a role that cannot be assumed, a call refused, an exception) is its result
and never stops the others; a Region the account has not enabled is skipped.
"""

from __future__ import annotations

import copy
import re
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import attrs
from botocore.credentials import RefreshableCredentials

from ._bulk import check_pace, check_rollout, run_all
from ._plan import Plan
from .errors import AccountAccessError, SSMKitError, ValidationError

if TYPE_CHECKING:
    import boto3
    from typing_extensions import Unpack

    from ._bulk import BulkResult
    from ._changes import AssociationChanges
    from ._client import Client
    from ._declared import ApplyResult
    from ._plan import CheckedFile
    from ._waits import AssociationRun
    from ._windows_code import WindowResult
    from .models import AssociationDescription, AssociationFilter

__all__ = [
    "Fleet",
    "FleetPlan",
    "FleetProgress",
    "FleetResult",
    "FleetTarget",
]

T = TypeVar("T")
Outcome = Literal["ok", "failed", "skipped"]

#: A Region's name: ``us-east-1``, ``us-gov-west-1``, ``eusc-de-east-1``.
_REGION = re.compile(r"[a-z]{2,8}(-[a-z]+)+-[1-9][0-9]?")
_ACCOUNT = re.compile(r"[0-9]{12}")
#: An organizational unit's or root's id.
_PARENT = re.compile(r"(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})")
#: How the session assumes each account's role, in CloudTrail.
SESSION_NAME = "ssmkit-fleet"
#: Regions are read from each account only when one is asked for this way.
ENABLED = "enabled"


@attrs.frozen
class FleetTarget:
    """One account in one Region."""

    account_id: str
    region: str


@attrs.frozen
class FleetResult(Generic[T]):
    """What a fleet's work did in one account and Region.

    Attributes:
        account_id: The account.
        region: The Region.
        outcome: ``"ok"``; ``"failed"``, with ``error`` (the account's role
            could not be assumed, the work raised, or a change in it failed);
            ``"skipped"``, with ``reason`` (a Region the account has not
            enabled, or work never started because the run stopped).
        value: What the work returned: a plan, the results of an apply, ...
        error: Why it failed.
        reason: Why it was skipped.
    """

    account_id: str
    region: str
    outcome: Outcome
    value: T | None = None
    error: BaseException | None = None
    reason: str | None = None

    @property
    def target(self) -> FleetTarget:
        """The account and Region."""
        return FleetTarget(self.account_id, self.region)


@attrs.frozen
class FleetProgress:
    """How far a fleet's work is, after one more target ended.

    Attributes:
        done: Targets ended, whatever their outcome.
        failed: Of those, the ones that failed.
        skipped: Of those, the ones skipped.
        remaining: Targets not ended yet.
        result: The target that just ended.
    """

    done: int
    failed: int
    skipped: int
    remaining: int
    result: FleetResult[Any]


@attrs.frozen
class _Access:
    """How to reach one account: its credentials, or the session's own."""

    account_id: str
    credentials: RefreshableCredentials | None
    regions: tuple[str, ...]
    disabled: tuple[str, ...] = ()
    error: BaseException | None = None


class _Held:
    """A botocore session, and the lock its clients are made under."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.lock = threading.Lock()


class Fleet:
    """The accounts and Regions that one piece of work runs across.

    Example::

        fleet = ssmkit.Fleet(organization=True, regions=["eu-west-1", "us-east-1"])
        plan = fleet.plan("associations.yaml")
        print(plan.render())
        results = fleet.apply(plan)
    """

    def __init__(
        self,
        *,
        accounts: Iterable[str] | None = None,
        organization: bool = False,
        organizational_units: Iterable[str] | None = None,
        role_name: str = "OrganizationAccountAccessRole",
        regions: Iterable[str] | str | None = None,
        session: boto3.session.Session | None = None,
        external_id: str | None = None,
        concurrency: int = 16,
        endpoint_url: str | None = None,
        session_duration: int = 3600,
    ) -> None:
        """Name the fleet; no call is made until it is used.

        Args:
            accounts: The account ids.
            organization: Every active account of the session's organization
                (``ListAccounts``).
            organizational_units: The ids of organizational units (or of the
                root): every active account in them and in the units below
                them (``ListAccountsForParent``).
            role_name: The role assumed in each account. The session's own
                account, when a target, is used as it is.
            regions: The Regions; by default, the session's; ``"enabled"``:
                each account's enabled Regions (``account:ListRegions``).
            session: The boto3 session the fleet starts from: it lists the
                organization and assumes the roles. By default, boto3's.
            external_id: The ``ExternalId`` each role's trust policy asks for.
            concurrency: How many targets run at once.
            endpoint_url: One endpoint for every service the fleet calls (SSM,
                STS, Organizations, Account Management): a local SSM's.
            session_duration: Seconds each role session lasts
                (``DurationSeconds``, 900 to the role's maximum); credentials
                are refreshed before they expire, however long the run.

        Raises:
            TypeError: The accounts are given more than one way, or none.
            ValueError: An account id, unit id, Region or concurrency that
                cannot be.
        """
        chosen = [accounts is not None, organization, organizational_units is not None]
        if sum(chosen) != 1:
            msg = (
                "name the accounts one way: accounts=, organization=True or "
                "organizational_units="
            )
            raise TypeError(msg)
        self._accounts = (
            None if accounts is None else _ids(accounts, _ACCOUNT, "account id")
        )
        if self._accounts == ():
            msg = "accounts is empty: name at least one account"
            raise ValueError(msg)
        self._units = (
            None
            if organizational_units is None
            else _ids(organizational_units, _PARENT, "organizational unit id")
        )
        if not isinstance(role_name, str) or not re.fullmatch(
            r"[A-Za-z0-9_+=,.@/-]{1,64}", role_name
        ):
            msg = f"role_name must be an IAM role name, got {role_name!r}"
            raise ValueError(msg)
        self.role_name = role_name
        if regions == ENABLED:
            self._regions: tuple[str, ...] | None = None
        elif regions is None:
            self._regions = ()
        elif isinstance(regions, str):
            msg = f'regions must be a list of Regions or "enabled", got {regions!r}'
            raise ValueError(msg)
        else:
            self._regions = _ids(regions, _REGION, "Region")
            if not self._regions:
                msg = "regions is empty: name at least one Region"
                raise ValueError(msg)
        if external_id is not None and not (
            isinstance(external_id, str) and 2 <= len(external_id) <= 1224
        ):
            msg = "external_id must be text of 2 to 1224 characters"
            raise ValueError(msg)
        self.external_id = external_id
        check_pace(concurrency, None)
        self.concurrency = concurrency
        if (
            isinstance(session_duration, bool)
            or not isinstance(session_duration, int)
            or not 900 <= session_duration <= 43200
        ):
            msg = (
                "session_duration must be whole seconds from 900 to 43200, "
                f"got {session_duration!r}"
            )
            raise ValueError(msg)
        self.session_duration = session_duration
        self.endpoint_url = endpoint_url
        import boto3

        self._session = session if session is not None else boto3.session.Session()
        self._caller: str | None = None
        self._loader: Any = None
        self._handlers: Any = None
        # Each account's role credentials, refreshed as they near their end:
        # a plan and then its apply assume each role once.
        self._assumed: dict[str, RefreshableCredentials] = {}
        self._lock = threading.Lock()

    # -- who and where ---------------------------------------------------------------

    def _client(self, service: str, region: str | None = None) -> Any:
        """A client of the session itself."""
        return self._session.client(
            service,  # type: ignore[call-overload]
            region_name=region or self.home_region,
            endpoint_url=self.endpoint_url,
        )

    @property
    def home_region(self) -> str:
        """The session's Region: where the roles are assumed."""
        region = self._session.region_name
        if not region:
            from .errors import ConfigurationError

            msg = "no AWS region: give the session one, or set AWS_DEFAULT_REGION"
            raise ConfigurationError(msg)
        return region

    def accounts(self) -> list[str]:
        """The accounts, as given or as the organization lists them now.

        Raises:
            ssmkit.errors.ServiceError: The organization could not be listed.
        """
        if self._accounts is not None:
            return list(self._accounts)
        from ._base_client import translated

        organizations = self._client("organizations")
        found: dict[str, None] = {}
        with translated("ListAccounts", organizations, {}):
            if self._units is None:
                pages = organizations.get_paginator("list_accounts").paginate()
                for page in pages:
                    found.update(dict.fromkeys(_active(page["Accounts"])))
            else:
                for unit in self._units:
                    for account in _under(organizations, unit):
                        found[account] = None
        return list(found)

    def _named_regions(self) -> tuple[str, ...]:
        """The Regions named: the session's by default; none for ``"enabled"``."""
        if self._regions is None:
            return ()
        return self._regions or (self.home_region,)

    def targets(self) -> list[FleetTarget]:
        """Every account and Region named, before any account is reached.

        With ``regions="enabled"`` the Regions are known only once each account
        is reached: each account is then listed with the session's Region.
        """
        regions = self._regions or (self.home_region,)
        return [FleetTarget(a, r) for a in self.accounts() for r in regions]

    def _caller_account(self) -> str:
        with self._lock:
            if self._caller is None:
                from ._base_client import translated

                sts = self._sts()
                with translated("GetCallerIdentity", sts, {}):
                    self._caller = str(sts.get_caller_identity()["Account"])
            return self._caller

    def _sts(self) -> Any:
        """STS at the session Region's own endpoint, never the global one.

        Tokens from the global endpoint are not valid in Regions an account
        has opted in to; a Regional endpoint's are valid in every Region.
        """
        sts = self._client("sts")
        if self.endpoint_url is None and sts.meta.endpoint_url.rstrip("/") == (
            "https://sts.amazonaws.com"
        ):
            sts = self._session.client(
                "sts",
                region_name=self.home_region,
                endpoint_url=f"https://sts.{self.home_region}.amazonaws.com",
            )
        return sts

    def _access(
        self, account_id: str, sts: Any, known: tuple[str, ...] | None = None
    ) -> _Access:
        """Reach one account: assume its role, and find its Regions.

        ``known``: the Regions to use, found earlier (by a plan); no
        Region is looked up then.
        """
        credentials = None
        if account_id != self._caller_account():
            with self._lock:
                credentials = self._assumed.get(account_id)
        if credentials is None and account_id != self._caller_account():
            try:
                credentials = _assumed(
                    sts,
                    account_id,
                    self.role_name,
                    self.external_id,
                    self.session_duration,
                )
                with self._lock:
                    self._assumed[account_id] = credentials
            except AccountAccessError as exc:
                regions = known if known is not None else self._named_regions()
                return _Access(account_id, None, regions, error=exc)
        if known is not None:
            return _Access(account_id, credentials, known)
        wanted = self._regions or (self.home_region,)
        if self._regions is not None and wanted == (self.home_region,):
            return _Access(account_id, credentials, wanted)  # where the session is
        enabled = self._enabled_regions(credentials)
        if self._regions is None:
            if enabled is None:
                error = AccountAccessError(
                    f"{account_id}: its enabled Regions could not be listed "
                    "(account:ListRegions)",
                    account_id=account_id,
                )
                return _Access(account_id, credentials, (), error=error)
            return _Access(account_id, credentials, tuple(sorted(enabled)))
        if enabled is None:  # not known: each Region is tried
            return _Access(account_id, credentials, wanted)
        return _Access(
            account_id,
            credentials,
            tuple(r for r in wanted if r in enabled),
            tuple(r for r in wanted if r not in enabled),
        )

    def _enabled_regions(
        self, credentials: RefreshableCredentials | None
    ) -> set[str] | None:
        """The Regions an account has enabled; ``None`` if it may not say."""
        from botocore.exceptions import BotoCoreError, ClientError

        account = self._member_session(credentials).create_client(
            "account", region_name=self.home_region, endpoint_url=self.endpoint_url
        )
        try:
            pages = account.get_paginator("list_regions").paginate(
                RegionOptStatusContains=["ENABLED", "ENABLED_BY_DEFAULT"]
            )
            return {r["RegionName"] for page in pages for r in page["Regions"]}
        except (ClientError, BotoCoreError):
            return None
        finally:
            account.close()

    def _member_session(self, credentials: RefreshableCredentials | None) -> Any:
        """A botocore session with an account's credentials.

        What every session would load or register alike is made once and
        shared: the service models (the data loader) and botocore's own event
        handlers (copied, as botocore copies them for each client). A session
        then costs a fraction of a millisecond, not several.
        """
        import copy

        import botocore.session
        from botocore.credentials import CredentialProvider, CredentialResolver
        from botocore.hooks import HierarchicalEmitter

        own = self._session._session
        if credentials is None:
            return own
        # The session's profile, for its settings (retries, CA bundle, ...);
        # botocore finds the default one itself, and raises when there is none.
        named = self._session.profile_name
        profile = None if named == "default" else named
        with self._lock:
            if self._loader is None:
                self._loader = own.get_component("data_loader")
                self._handlers = HierarchicalEmitter()
                # Made to register botocore's handlers on the emitter, once.
                botocore.session.Session(event_hooks=self._handlers, profile=profile)

        class _Given(CredentialProvider):
            METHOD = "assume-role"

            def load(self) -> Any:
                return credentials

        member = botocore.session.Session(
            event_hooks=copy.copy(self._handlers),
            include_builtin_handlers=False,
            profile=profile,
        )
        member.register_component("data_loader", self._loader)
        member.register_component("credential_provider", CredentialResolver([_Given()]))
        return member

    def _ssm(self, session: _Held, region: str, pool: int) -> Client:
        from botocore.config import Config

        from ._client import Client

        # botocore's sessions are not made to create clients from two threads.
        with session.lock:
            boto3_client = session.session.create_client(
                "ssm",
                region_name=region,
                endpoint_url=self.endpoint_url,
                config=Config(max_pool_connections=max(10, pool)),
            )
        return Client(boto3_client=boto3_client)

    # -- the work --------------------------------------------------------------------

    def map(
        self,
        fn: Callable[[Client, str, str], T],
        *,
        progress: Callable[[FleetProgress], object] | None = None,
    ) -> list[FleetResult[T]]:
        """Call ``fn(client, account_id, region)`` for every target.

        ``client`` is an ``ssmkit.Client`` of that account and Region, closed
        once ``fn`` returns.

        Returns:
            One result per target, account by account and Region by Region.
            After Ctrl-C the targets under way end, each is told to
            ``progress``, and the ``KeyboardInterrupt`` goes on. A target
            whose telling a Ctrl-C cut short (raised inside ``progress``) is
            told again, the same result, counted once.
        """
        tally = _Tally(progress)
        stop = threading.Event()
        accounts = self.accounts()
        reached = self._reach(accounts, None, stop)
        early, items = _split(reached)
        tally.expect(len(early) + len(items))
        for result in early:
            tally.tell(result)
        done = self._each(items, fn, stop, tally)
        return _ordered([*early, *done], accounts, self._regions)

    def _reach(
        self,
        accounts: Sequence[str],
        known: Mapping[str, tuple[str, ...]] | None,
        stop: threading.Event,
    ) -> list[_Access]:
        """Reach each account, ``concurrency`` at once."""
        if not accounts:
            return []
        sts = self._sts()
        self._caller_account()
        return run_all(
            accounts,
            lambda a: self._access(a, sts, None if known is None else known[a]),
            concurrency=self.concurrency,
            progress=None,
            stop=stop,
        )

    def _each(
        self,
        items: Sequence[tuple[_Access, str]],
        fn: Callable[[Client, str, str], T],
        stop: threading.Event,
        tally: _Tally,
        judge: Callable[[FleetResult[T]], FleetResult[T]] | None = None,
        interrupted: threading.Event | None = None,
        pool: int = 10,
    ) -> list[FleetResult[T]]:
        """``fn`` in each target, ``concurrency`` at once; each result told.

        On Ctrl-C, ``stop`` and ``interrupted`` are set: no target starts,
        and work under way that watches them (an apply's writes and waits)
        stops starting more.
        """

        # One botocore session per account, shared by its Regions (a session
        # costs several times what a client from it does), and dropped once
        # the account's last target ends: targets run account by account, so
        # no more sessions are held than accounts are under way.
        left = Counter(access.account_id for access, _ in items)
        sessions: dict[str, _Held] = {}
        lock = threading.Lock()

        def session_of(access: _Access) -> _Held:
            with lock:
                held = sessions.get(access.account_id)
            if held is None:
                made = _Held(self._member_session(access.credentials))
                with lock:
                    held = sessions.setdefault(access.account_id, made)
            return held

        def one(item: tuple[_Access, str]) -> FleetResult[T] | None:
            access, region = item
            if stop.is_set():
                return None
            client = None
            try:
                # A connection for each of the target's own calls at once.
                client = self._ssm(session_of(access), region, pool)
                value = fn(client, access.account_id, region)
                result: FleetResult[T] = FleetResult(
                    access.account_id, region, "ok", value=value
                )
            except (Exception, SystemExit) as exc:  # each target's own failure
                result = FleetResult(access.account_id, region, "failed", error=exc)
            finally:
                if client is not None:
                    client.boto3_client.close()
                with lock:
                    left[access.account_id] -= 1
                    if not left[access.account_id]:
                        sessions.pop(access.account_id, None)
            return judge(result) if judge is not None else result

        done = run_all(
            items,
            one,
            concurrency=self.concurrency,
            progress=tally.tell,
            stop=stop,
            interrupted=interrupted,
        )
        ended = {(r.account_id, r.region) for r in done}
        for access, region in items:
            if (access.account_id, region) not in ended:
                never: FleetResult[T] = FleetResult(
                    access.account_id, region, "skipped", reason=NOT_STARTED
                )
                tally.tell(never)
                done.append(never)
        return done

    # -- as code ---------------------------------------------------------------------

    def plan(
        self,
        desired: Any,
        *,
        prune: bool = False,
        progress: Callable[[FleetProgress], object] | None = None,
    ) -> FleetPlan:
        """Plan a whole file in every target; write nothing.

        The file is read and checked once, before any account is reached;
        then each target is planned as ``Client.plan`` plans it. A target that
        could not be planned is a failed result; the others are planned.

        Raises:
            ssmkit.errors.ValidationError: The file is refused.
        """
        from ._plan import check_file, plan_checked

        model = self._client("ssm")  # its service model only: no call
        checked = check_file(model, desired, prune=prune)

        def one(client: Client, account_id: str, region: str) -> Plan:
            return plan_checked(client.boto3_client, _own_copy(checked), 1)

        return FleetPlan(
            targets=tuple(self.map(one, progress=progress)),
            prune=prune,
            source=checked.source,
        )

    def apply(
        self,
        plan: FleetPlan,
        *,
        concurrency: int = 4,
        max_rate: float | None = None,
        progress: Callable[[FleetProgress], object] | None = None,
        wait: bool = False,
        timeout: float = 600.0,
        canary: int | None = None,
        max_failed_runs: int | None = None,
        watch: Callable[[AssociationRun], object] | None = None,
    ) -> list[FleetResult[list[ApplyResult | WindowResult]]]:
        """Carry out a fleet's plan, target by target.

        Each target's plan is applied as ``Client.apply`` applies it, with its
        conflict rules. A target whose plan failed or was skipped keeps that
        result; one with nothing to change is ``ok`` and costs no call.

        Args:
            plan: From ``Fleet.plan``.
            concurrency: Writes at once within a target (targets run
                ``Fleet.concurrency`` at once).
            max_rate: Calls a second within each target.
            progress: Told of each target as it ends; told again, counted
                once, if a Ctrl-C cut the telling short (see ``map``).
            wait: Wait for each run a write starts.
            timeout: Seconds each run is waited for.
            canary: With ``wait``, apply the first N targets with changes
                first, and judge their runs before the rest start.
            max_failed_runs: With ``wait``, stop once more than K targets of
                runs have failed, counted across the fleet: no target starts
                after that (each is ``skipped``, not started), and a target
                under way stops as its own rollout would, with what is left
                of the fleet's budget.
            watch: Told of each run as it is read.

        Returns:
            One result per target: ``ok`` when every change in it landed,
            ``failed`` when any failed, was a conflict or started a run with
            failed targets (``error``: the first such), with the target's own
            results as its value.
        """
        from ._plan import apply as apply_plan

        check_pace(concurrency, max_rate)
        check_rollout(
            wait, timeout, canary, max_failed_runs, dry_run=False, watch=watch
        )
        if not isinstance(plan, FleetPlan):
            msg = f"plan must be a FleetPlan from Fleet.plan, got {type(plan).__name__}"
            raise TypeError(msg)
        plans = {r.target: r.value for r in plan.targets if r.value is not None}
        budget = _Budget(max_failed_runs)

        def one(
            client: Client, account_id: str, region: str
        ) -> list[ApplyResult | WindowResult]:
            # The fleet's stop and Ctrl-C reach the writes and waits under way.
            return apply_plan(
                client.boto3_client,
                plans[FleetTarget(account_id, region)],
                concurrency=concurrency,
                max_rate=max_rate,
                wait=wait,
                timeout=timeout,
                max_failed_runs=budget.left(),
                watch=watch,
                stop=budget.stop,
                interrupted=budget.interrupted,
            )

        tally = _Tally(progress)
        tally.expect(len(plan.targets))
        ended: dict[FleetTarget, FleetResult[Any]] = {}
        regions: dict[str, list[str]] = {}
        for result in plan.targets:
            if result.outcome != "ok" or result.value is None:
                ended[result.target] = attrs.evolve(result, value=None)
            elif not result.value.pending:
                ended[result.target] = FleetResult(
                    result.account_id, result.region, "ok", value=[]
                )
            else:
                regions.setdefault(result.account_id, []).append(result.region)
                continue
            tally.tell(ended[result.target])
        known = {a: tuple(r) for a, r in regions.items()}
        reached = self._reach(list(known), known, budget.stop)
        for result in self._rollout(reached, one, budget, canary, tally, concurrency):
            ended[result.target] = result
        return [ended[r.target] for r in plan.targets]

    def _rollout(
        self,
        reached: Sequence[_Access],
        one: Callable[[Client, str, str], Any],
        budget: _Budget,
        canary: int | None,
        tally: _Tally,
        pool: int,
    ) -> list[FleetResult[Any]]:
        """Run ``one`` in waves: the first ``canary`` targets, then the rest.

        The rest start only if the canary's runs stayed within the budget;
        otherwise each is ``skipped``, not started.
        """
        early, items = _split(reached)
        for result in early:
            tally.tell(result)
        done: list[FleetResult[Any]] = [*early]
        for wave in (items[: canary or 0], items[canary or 0 :]):
            if not wave:
                continue
            if budget.stop.is_set():
                for access, region in wave:
                    never: FleetResult[Any] = FleetResult(
                        access.account_id, region, "skipped", reason=NOT_STARTED
                    )
                    tally.tell(never)
                    done.append(never)
                continue
            done += self._each(
                wave,
                one,
                budget.stop,
                tally,
                judge=lambda r: _judged(budget.count(r)),
                interrupted=budget.interrupted,
                pool=pool,
            )
        return done

    def update_associations(
        self,
        *,
        association_ids: Iterable[str]
        | Mapping[tuple[str, str], Iterable[str]]
        | None = None,
        filters: list[AssociationFilter] | None = None,
        skip: Iterable[tuple[str, str, str]] = (),
        concurrency: int = 8,
        max_rate: float | None = None,
        progress: Callable[[FleetProgress], object] | None = None,
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
    ) -> list[FleetResult[list[BulkResult]]]:
        """One safe update to the associations selected in every target.

        Each target runs ``Client.update_associations`` with the same
        selection and changes (checked once, before any account is reached).

        Args:
            association_ids: The associations, by id (an id is one account's
                and Region's: elsewhere it is not found, and fails); or, for
                each target, ``(account_id, region)``, its ids (a target it
                does not name has none).
            filters: ``ListAssociations`` filters, applied in each target.
            skip: ``(account_id, region, association_id)`` of updates done
                earlier (the command's ``--report`` holds them).
            concurrency: Updates at once within a target.
            max_rate: Calls a second within each target.
            progress: Told of each target as it ends; told again, counted
                once, if a Ctrl-C cut the telling short (see ``map``).
            dry_run: Plan each update; write nothing.
            modify: As for ``Client.update_associations``.
            paths: As for ``Client.update_associations``.
            wait: Wait for each run an update starts.
            timeout: Seconds each run is waited for.
            canary: With ``wait``, update the first N targets first, and judge
                their runs before the rest start.
            max_failed_runs: With ``wait``, stop once more than K targets of
                runs have failed, counted across the fleet.
            watch: Told of each run as it is read.
            **changes: The changes, as for ``Client.update_associations``.

        Returns:
            One result per target, its value the target's ``BulkResult``s:
            ``failed`` when any update in it failed or started a run with
            failed targets.
        """
        from ._safe import ASSOCIATION, prepare

        check_pace(concurrency, max_rate)
        check_rollout(
            wait, timeout, canary, max_failed_runs, dry_run=dry_run, watch=watch
        )
        if (association_ids is None) == (filters is None):
            msg = "give association_ids or filters, not both and not neither"
            raise TypeError(msg)
        if isinstance(association_ids, (str, bytes)):
            msg = "association_ids must be a collection of ids, not one string"
            raise TypeError(msg)
        # Bad changes fail before any account is reached.
        prepare(ASSOCIATION, self._client("ssm"), dict(changes), paths)
        done = fleet_skip(skip)
        budget = _Budget(max_failed_runs)
        tally = _Tally(progress)
        accounts = self.accounts()
        # What each target updates, known before the first write: the
        # canary is the first targets that have something to update.
        chosen: dict[FleetTarget, list[str]] = {}
        ended: list[FleetResult[list[BulkResult]]] = []
        if isinstance(association_ids, Mapping):
            for (account_id, region), ids in association_ids.items():
                chosen[FleetTarget(account_id, region)] = list(ids)
        elif association_ids is not None:
            ids = list(association_ids)
            early, items = _split(self._reach(accounts, None, budget.stop))
            ended += early
            for access, region in items:
                chosen[FleetTarget(access.account_id, region)] = ids
        else:

            def select(client: Client, account_id: str, region: str) -> list[str]:
                return [
                    a.association_id
                    for a in client.list_associations(association_filter_list=filters)
                    if a.association_id
                ]

            for found in self.map(select):
                if found.value is None:
                    ended.append(
                        FleetResult(
                            found.account_id,
                            found.region,
                            found.outcome,
                            error=found.error,
                            reason=found.reason,
                        )
                    )
                else:
                    chosen[found.target] = found.value
        for target, ids in list(chosen.items()):
            skipped = done.get((target.account_id, target.region), ())
            chosen[target] = [i for i in dict.fromkeys(ids) if i not in skipped]
            if not chosen[target]:
                del chosen[target]
                ended.append(
                    FleetResult(target.account_id, target.region, "ok", value=[])
                )
        tally.expect(len(ended) + len(chosen))
        for told in ended:
            tally.tell(told)

        def one(client: Client, account_id: str, region: str) -> list[BulkResult]:
            from ._bulk import update_associations

            # The fleet's stop and Ctrl-C reach the updates and waits under way.
            return update_associations(
                client.boto3_client,
                association_ids=chosen[FleetTarget(account_id, region)],
                filters=None,
                skip=(),
                concurrency=concurrency,
                max_rate=max_rate,
                progress=None,
                dry_run=dry_run,
                modify=modify,
                changes=dict(changes),
                paths=paths,
                wait=wait,
                timeout=timeout,
                max_failed_runs=budget.left(),
                watch=watch,
                stop=budget.stop,
                interrupted=budget.interrupted,
            )

        regions: dict[str, list[str]] = {}
        for target in chosen:
            regions.setdefault(target.account_id, []).append(target.region)
        known = {a: tuple(r) for a, r in regions.items()}
        reached = self._reach(list(known), known, budget.stop)
        ended += self._rollout(reached, one, budget, canary, tally, concurrency)
        order = (
            accounts
            if association_ids is None or not isinstance(association_ids, Mapping)
            else list(dict.fromkeys(t[0] for t in association_ids))
        )
        return _ordered(ended, order, self._regions)

    def export(
        self,
        *,
        filters: list[AssociationFilter] | None = None,
        show_sensitive: bool = False,
        progress: Callable[[FleetProgress], object] | None = None,
    ) -> list[FleetResult[tuple[dict[str, Any], list[str]]]]:
        """Each target's associations and maintenance windows, as ``Client.export``.

        Returns:
            One result per target, its value the document and the ids left
            out.
        """
        return self.map(
            lambda client, _a, _r: client.export(
                filters=filters, show_sensitive=show_sensitive
            ),
            progress=progress,
        )


#: Why a target was skipped that a stop left unstarted.
NOT_STARTED = "not started: the run stopped"


def _judged(
    result: FleetResult[list[ApplyResult | WindowResult]],
) -> FleetResult[list[ApplyResult | WindowResult]]:
    """A target whose changes did not all land is ``failed``: the first says why.

    One the run's stop reached before any of its changes is ``skipped``, not
    started.
    """
    reached = [done for done in result.value or () if done.outcome != "not_started"]
    if result.outcome == "ok" and not reached:  # a target runs only with changes
        return FleetResult(
            result.account_id, result.region, "skipped", reason=NOT_STARTED
        )
    for done in result.value or ():
        failed = done.outcome != "not_started" and done.failed_targets
        if done.outcome in ("failed", "conflict") or failed:
            error = done.error or SSMKitError(_run_trouble(done))
            return attrs.evolve(result, outcome="failed", error=error)
    return result


def _run_trouble(done: Any) -> str:
    """What went wrong with the run a write started: failed, or not seen to end."""
    run = getattr(done, "run", None)
    if run is not None and run.running:
        # Timed out, or cut short by Ctrl-C: not known to have succeeded.
        return (
            f"{_name_of(done)}: its run had not ended when the wait did ({run.status})"
        )
    n = done.failed_targets
    return f"{_name_of(done)}: {n} target{'' if n == 1 else 's'} of its run failed"


def _split(
    reached: Sequence[_Access],
) -> tuple[list[FleetResult[Any]], list[tuple[_Access, str]]]:
    """The results known without work (failed, skipped), and the work to do."""
    early: list[FleetResult[Any]] = []
    items: list[tuple[_Access, str]] = []
    for access in reached:
        if access.error is not None:
            early += [
                FleetResult(access.account_id, r, "failed", error=access.error)
                for r in access.regions or ("",)
            ]
            continue
        early += [
            FleetResult(
                access.account_id,
                r,
                "skipped",
                reason=f"{r} is not enabled in {access.account_id}",
            )
            for r in access.disabled
        ]
        items += [(access, r) for r in access.regions]
    return early, items


class _Tally:
    """Counts targets as they end, and tells ``progress`` of each."""

    def __init__(self, progress: Callable[[FleetProgress], object] | None) -> None:
        self._progress = progress
        self._lock = threading.Lock()
        self.total = 0
        self.done = 0
        self.failed = 0
        self.skipped = 0
        # Of results counted: one told again, after a Ctrl-C landed in
        # ``progress`` as it took it, is not counted twice.
        self._counted: set[int] = set()

    def expect(self, total: int) -> None:
        self.total = total

    def tell(self, result: FleetResult[Any]) -> None:
        with self._lock:
            if id(result) not in self._counted:
                self._counted.add(id(result))
                self.done += 1
                self.failed += result.outcome == "failed"
                self.skipped += result.outcome == "skipped"
            said = FleetProgress(
                done=self.done,
                failed=self.failed,
                skipped=self.skipped,
                remaining=max(0, self.total - self.done),
                result=result,
            )
        if self._progress is not None:
            self._progress(said)


def _name_of(result: Any) -> str:
    return str(getattr(result, "name", None) or getattr(result, "association_id", ""))


class _Budget:
    """The failed targets of runs a fleet may still have: ``max_failed_runs``.

    Counted as each target ends; a target starting is given what is left.
    """

    def __init__(self, most: int | None) -> None:
        self.most = most
        self.failed = 0
        # Set when the budget is spent, or on Ctrl-C: no write starts.
        self.stop = threading.Event()
        # Set on Ctrl-C: the waits for runs end too.
        self.interrupted = threading.Event()
        self._lock = threading.Lock()

    def left(self) -> int | None:
        if self.most is None:
            return None
        with self._lock:
            return max(0, self.most - self.failed)

    def count(self, result: FleetResult[Any]) -> FleetResult[Any]:
        failed = sum(
            getattr(done, "failed_targets", 0)
            for done in result.value or ()
            if done.outcome != "not_started"
        )
        with self._lock:
            self.failed += failed
            if self.most is not None and self.failed > self.most:
                self.stop.set()
        return result


@attrs.frozen
class FleetPlan:
    """What applying a file would do in every target of a fleet.

    Attributes:
        targets: One result per target, its value the target's ``Plan``; a
            target that could not be planned is ``failed``, one in a Region
            not enabled ``skipped``.
        prune: Whether what the file no longer lists is deleted.
        source: The file planned.
    """

    targets: tuple[FleetResult[Plan], ...]
    prune: bool = False
    source: str = "<entries>"

    @property
    def pending(self) -> bool:
        """Whether applying would change anything anywhere."""
        return any(r.value is not None and r.value.pending for r in self.targets)

    @property
    def failed(self) -> tuple[FleetResult[Plan], ...]:
        """The targets that could not be planned."""
        return tuple(r for r in self.targets if r.outcome == "failed")

    def counts(self) -> dict[str, int]:
        """How many entries each action has, across the fleet."""
        total = {"create": 0, "update": 0, "unchanged": 0, "delete": 0}
        for result in self.targets:
            if result.value is not None:
                for action, n in result.value.counts().items():
                    total[action] += n
        return total

    def summary(self) -> str:
        """The counts across the fleet, and the targets not planned."""
        from ._declared import summary

        text = summary(self.counts(), prune=self.prune)
        planned = sum(r.outcome == "ok" for r in self.targets)
        skipped = sum(r.outcome == "skipped" for r in self.targets)
        parts = [f"{planned} of {len(self.targets)} targets planned"]
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        if skipped:
            parts.append(f"{skipped} skipped")
        return f"{text} ({', '.join(parts)}.)"

    def render(self, *, show_sensitive: bool = False) -> str:
        """The plan as text, grouped by account and Region, then the summary."""
        blocks = []
        for result in self.targets:
            head = f"== account {result.account_id}, {result.region}"
            if result.outcome == "failed":
                blocks.append(f"{head}: not planned: {said(result.error)}")
            elif result.outcome == "skipped":
                blocks.append(f"{head}: skipped: {result.reason}")
            elif result.value is not None and not result.value.entries:
                blocks.append(f"{head}: nothing")
            elif result.value is not None:
                lines = [
                    e.render(show_sensitive=show_sensitive)
                    for e in result.value.entries
                ]
                blocks.append("\n".join([head, *lines]))
        return "\n".join([*blocks, self.summary()])

    def to_json(self, *, show_sensitive: bool = False) -> dict[str, Any]:
        """The plan in plain JSON types: every item carries its account and Region."""
        from ._kinds import KINDS

        document: dict[str, Any] = {kind.json_key: [] for kind in KINDS}
        targets = []
        for result in self.targets:
            where = {"account_id": result.account_id, "region": result.region}
            target: dict[str, Any] = {**where, "outcome": result.outcome}
            if result.error is not None:
                target["error"] = said(result.error)
            if result.reason is not None:
                target["reason"] = result.reason
            targets.append(target)
            if result.value is None:
                continue
            for kind in KINDS:
                for entry in result.value.of(kind.key) or ():
                    item = entry.to_json(show_sensitive=show_sensitive)
                    document[kind.json_key].append({**where, **item})
        return {
            **document,
            "targets": targets,
            "counts": self.counts(),
            "prune": self.prune,
        }

    def __str__(self) -> str:
        return self.render()


def said(error: BaseException | None) -> str:
    """An error in one line: its type and message."""
    if error is None:
        return ""
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _own_copy(checked: CheckedFile) -> CheckedFile:
    """A target's own copy of the file, so no target sees another's changes."""
    return attrs.evolve(checked, document=copy.deepcopy(checked.document))


def _ids(values: Iterable[str], pattern: re.Pattern[str], what: str) -> tuple[str, ...]:
    if isinstance(values, (str, bytes, Mapping)):
        msg = f"give the {what}s as a list, not {type(values).__name__}"
        raise TypeError(msg)
    found: dict[str, None] = {}
    for value in values:
        if not isinstance(value, str) or not pattern.fullmatch(value):
            msg = (
                f"not an {what}: {value!r}"
                if what[0] in "aeiouAEIOU"
                else (f"not a {what}: {value!r}")
            )
            raise ValidationError(msg, rule=what)
        found[value] = None
    return tuple(found)


def _active(accounts: Sequence[Mapping[str, Any]]) -> list[str]:
    """The ids of the accounts that are active (``State``, or the older ``Status``)."""
    return [
        str(a["Id"])
        for a in accounts
        if (a.get("State") or a.get("Status") or "ACTIVE") == "ACTIVE"
    ]


def _under(organizations: Any, parent: str) -> list[str]:
    """The active accounts in a unit and every unit below it."""
    found: list[str] = []
    seen: set[str] = set()
    parents = [parent]
    while parents:
        unit = parents.pop(0)
        if unit in seen:
            continue
        seen.add(unit)
        pages = organizations.get_paginator("list_accounts_for_parent").paginate(
            ParentId=unit
        )
        for page in pages:
            found += _active(page["Accounts"])
        pages = organizations.get_paginator(
            "list_organizational_units_for_parent"
        ).paginate(ParentId=unit)
        for page in pages:
            parents += [u["Id"] for u in page["OrganizationalUnits"]]
    return found


def _assumed(
    sts: Any,
    account_id: str,
    role_name: str,
    external_id: str | None,
    duration: int,
) -> RefreshableCredentials:
    """An account's role's credentials, refreshed before they expire.

    Raises:
        ssmkit.errors.AccountAccessError: The role could not be assumed.
    """
    from botocore.credentials import RefreshableCredentials
    from botocore.exceptions import BotoCoreError, ClientError

    arn = f"arn:{_partition(sts)}:iam::{account_id}:role/{role_name}"
    request: dict[str, Any] = {
        "RoleArn": arn,
        "RoleSessionName": SESSION_NAME,
        "DurationSeconds": duration,
    }
    if external_id is not None:
        request["ExternalId"] = external_id

    def fetch() -> dict[str, Any]:
        try:
            found = sts.assume_role(**request)["Credentials"]
        except ClientError as exc:
            error = exc.response.get("Error", {})
            msg = (
                f"{account_id}: cannot assume {arn}: {error.get('Code', 'Unknown')}: "
                f"{error.get('Message', '')}".rstrip(": ")
            )
            raise AccountAccessError(
                msg, account_id=account_id, role_arn=arn, code=error.get("Code")
            ) from exc
        except BotoCoreError as exc:
            msg = f"{account_id}: cannot assume {arn}: {exc}"
            raise AccountAccessError(msg, account_id=account_id, role_arn=arn) from exc
        return {
            "access_key": found["AccessKeyId"],
            "secret_key": found["SecretAccessKey"],
            "token": found["SessionToken"],
            "expiry_time": found["Expiration"].isoformat(),
        }

    # botocore refreshes 15 minutes before the end (10 at the latest): for a
    # 15-minute session that would be before every call. A quarter (a sixth)
    # of the session, at most botocore's margins, refreshes once per session.
    return RefreshableCredentials.create_from_metadata(
        metadata=fetch(),
        refresh_using=fetch,
        method="assume-role",
        advisory_timeout=min(15 * 60, duration // 4),
        mandatory_timeout=min(10 * 60, duration // 6),
    )


def _partition(client: Any) -> str:
    return str(getattr(client.meta, "partition", None) or "aws")


def _ordered(
    results: list[FleetResult[T]],
    accounts: Sequence[str],
    regions: tuple[str, ...] | None,
) -> list[FleetResult[T]]:
    """Account by account, in the order given; Regions in the order named."""
    account_rank = {a: i for i, a in enumerate(accounts)}
    region_rank = {r: i for i, r in enumerate(regions or ())}
    return sorted(
        results,
        key=lambda r: (
            account_rank.get(r.account_id, len(account_rank)),
            region_rank.get(r.region, len(region_rank)),
            r.region,
        ),
    )


def fleet_skip(
    report: Iterable[tuple[str, str, str]],
) -> Mapping[tuple[str, str], Collection[str]]:
    """Group ``(account_id, region, association_id)`` done earlier by target."""
    grouped: dict[tuple[str, str], set[str]] = {}
    for account_id, region, association_id in report:
        grouped.setdefault((account_id, region), set()).add(association_id)
    return grouped
