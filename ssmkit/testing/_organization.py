"""Accounts, roles and Regions: what a fleet of accounts needs of the local SSM.

moto keeps each service's state per account (the account of the credentials
a request is signed with, which for an assumed role is the role's account) and
per Region, and serves Organizations and STS. It leaves out three things that
a run across accounts must survive, added here as AWS documents them:

- ``AssumeRole`` of a role that does not exist, or whose trust policy asks for
  an external id the request does not give, is refused with ``AccessDenied``;
- Regions are enabled per account: those introduced after March 20, 2019 are
  disabled until the account enables them, and a call to a disabled Region is
  refused;
- the Account Management API's ``ListRegions``, ``GetRegionOptStatus``,
  ``EnableRegion`` and ``DisableRegion`` say and change which.
"""

from __future__ import annotations

import functools
import json
import threading
import uuid
from typing import Any
from xml.sax.saxutils import escape

from moto.account.models import account_backends
from moto.account.responses import AccountResponse
from moto.core.exceptions import ServiceException
from moto.iam.models import iam_backends
from moto.organizations.models import organizations_backends
from moto.sts.responses import TokenResponse

__all__ = [
    "OPT_IN_REGIONS",
    "create_organization",
    "install",
    "region_enabled",
    "set_region",
    "uninstall",
]

#: "Regions introduced before March 20, 2019, are enabled by default ...
#: Regions introduced after March 20, 2019, such as Asia Pacific (Hong Kong)
#: and Middle East (Bahrain), are disabled by default" (AWS Account
#: Management, "Specify which AWS Regions your account can use").
OPT_IN_REGIONS = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-south-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ca-west-1",
        "eu-central-2",
        "eu-south-1",
        "eu-south-2",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
    }
)

_lock = threading.Lock()
_installed = 0
_restore: dict[tuple[type, str], Any] = {}
_MISSING = object()

#: The Account Management API's Region operations, by their REST path.
_REGION_PATHS = {
    "{0}/listRegions$": "list_regions",
    "{0}/getRegionOptStatus$": "get_region_opt_status",
    "{0}/enableRegion$": "enable_region",
    "{0}/disableRegion$": "disable_region",
}


def _opted_in(account_id: str) -> set[str]:
    """The opt-in Regions an account has enabled, kept with moto's state.

    Held on moto's account backend, so moto's reset clears it too.
    """
    backend = account_backends[account_id]["aws"]
    found: set[str] | None = getattr(backend, "_ssmkit_opted_in", None)
    if found is None:
        found = set()
        backend._ssmkit_opted_in = found  # type: ignore[attr-defined]
    return found


def region_enabled(account_id: str, region: str) -> bool:
    """Whether calls in ``region`` are served for ``account_id``."""
    return region not in OPT_IN_REGIONS or region in _opted_in(account_id)


def set_region(account_id: str, region: str, *, enabled: bool) -> None:
    """Enable or disable an opt-in Region for an account, as ``EnableRegion`` does.

    Raises:
        ValueError: ``region`` is not an opt-in Region: those enabled by
            default cannot be disabled.
    """
    if region not in OPT_IN_REGIONS:
        msg = f"{region} is enabled by default and cannot be enabled or disabled"
        raise ValueError(msg)
    regions = _opted_in(account_id)
    if enabled:
        regions.add(region)
    else:
        regions.discard(region)


@functools.cache
def _all_regions() -> list[str]:
    """The Regions of the ``aws`` partition, as botocore knows them."""
    import botocore.session

    return sorted(botocore.session.get_session().get_available_regions("ec2"))


def _status(account_id: str, region: str) -> str:
    if region not in OPT_IN_REGIONS:
        return "ENABLED_BY_DEFAULT"
    return "ENABLED" if region in _opted_in(account_id) else "DISABLED"


def _target_account(response: Any) -> str:
    """The account a Region operation is for: its ``AccountId``, or the caller's.

    "To use this parameter, the caller must be an identity in the
    organization's management account or a delegated administrator account."
    """
    caller = str(response.current_account)
    asked = response._get_param("AccountId")
    if asked is None or asked == caller:
        return caller
    manager = organizations_backends.master_accounts.get(asked, (None,))[0]
    if manager != caller:
        raise ServiceException(
            "AccessDeniedException",
            f"Account {caller} is not the management account of {asked}.",
        )
    return str(asked)


def _region_param(response: Any) -> str:
    region = response._get_param("RegionName")
    if region not in _all_regions():
        raise ServiceException(
            "ValidationException", f"{region!r} is not a valid Region name."
        )
    return str(region)


def _list_regions(self: Any) -> Any:
    account_id = _target_account(self)
    wanted = self._get_param("RegionOptStatusContains") or None
    size = self._get_param("MaxResults")
    if size is None:
        size = 20
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 50:
        raise ServiceException(
            "ValidationException", "MaxResults must be from 1 to 50."
        )
    token = self._get_param("NextToken")
    regions = [
        {"RegionName": r, "RegionOptStatus": _status(account_id, r)}
        for r in _all_regions()
        if wanted is None or _status(account_id, r) in wanted
    ]
    start = 0
    if token is not None:
        if not str(token).isdigit() or int(token) > len(regions):
            raise ServiceException("ValidationException", "The NextToken is invalid.")
        start = int(token)
    answer: dict[str, Any] = {"Regions": regions[start : start + size]}
    if start + size < len(regions):
        answer["NextToken"] = str(start + size)
    return 200, {"Content-Type": "application/json"}, json.dumps(answer)


def _get_region_opt_status(self: Any) -> Any:
    account_id = _target_account(self)
    region = _region_param(self)
    answer = {"RegionName": region, "RegionOptStatus": _status(account_id, region)}
    return 200, {"Content-Type": "application/json"}, json.dumps(answer)


def _switch(enabled: bool) -> Any:
    def handler(self: Any) -> Any:
        account_id = _target_account(self)
        region = _region_param(self)
        try:
            set_region(account_id, region, enabled=enabled)
        except ValueError as exc:
            raise ServiceException("ValidationException", str(exc)) from None
        return 200, {"Content-Type": "application/json"}, ""

    return handler


def _role_of(role_arn: str) -> tuple[str, str] | None:
    """The account and name of ``arn:aws:iam::ACCOUNT:role/PATH/NAME``."""
    parts = str(role_arn).split(":", 5)
    if len(parts) != 6 or parts[2] != "iam" or not parts[5].startswith("role/"):
        return None
    return parts[4], parts[5].rsplit("/", 1)[1]


def _external_ids(policy: Any) -> set[str] | None:
    """The external ids a trust policy's ``sts:ExternalId`` allows; or None."""
    try:
        statements = json.loads(policy).get("Statement", [])
    except (TypeError, ValueError, AttributeError):
        return None
    if isinstance(statements, dict):
        statements = [statements]
    allowed: set[str] | None = None
    for statement in statements:
        condition = (statement or {}).get("Condition", {}).get("StringEquals", {})
        value = condition.get("sts:ExternalId")
        if value is not None:
            allowed = (allowed or set()) | set(
                value if isinstance(value, list) else [value]
            )
    return allowed


def _sts_error(status: int, code: str, message: str) -> Any:
    """An error answer as STS's query protocol carries it."""
    body = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<Error><Type>Sender</Type><Code>{code}</Code>"
        f"<Message>{escape(message)}</Message></Error>"
        f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    )
    return status, {"Content-Type": "text/xml", "status": status}, body


def _assume_role(self: Any) -> Any:
    """``AssumeRole``, refused as AWS refuses it.

    "AccessDenied: User ... is not authorized to perform: sts:AssumeRole on
    resource" is what a role that does not exist, or whose trust policy the
    request does not meet, is answered with.
    """
    role_arn = self._get_param("RoleArn")
    found = _role_of(role_arn)
    role = None
    if found is not None:
        account_id, name = found
        roles = iam_backends[account_id]["global"].roles.values()
        role = next((r for r in roles if r.name == name), None)
    if role is not None:
        allowed = _external_ids(role.assume_role_policy_document)
        if allowed is not None and self._get_param("ExternalId") not in allowed:
            role = None
    if role is None:
        return _sts_error(
            403,
            "AccessDenied",
            f"User: arn:aws:iam::{self.current_account}:root is not authorized "
            f"to perform: sts:AssumeRole on resource: {role_arn}",
        )
    duration = self._get_int_param("DurationSeconds", 3600)
    most = int(getattr(role, "max_session_duration", None) or 3600)
    if duration > most:
        # "The requested DurationSeconds exceeds the MaxSessionDuration set
        # for this role."
        return _sts_error(
            400,
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set "
            "for this role.",
        )
    return _restore[(TokenResponse, "assume_role")](self)


def install() -> None:
    """Add the operations and checks, once for all users."""
    global _installed
    from moto.account import urls

    with _lock:
        _installed += 1
        if _installed > 1:
            return
        patches: dict[tuple[type, str], Any] = {
            (TokenResponse, "assume_role"): _assume_role,
            (AccountResponse, "list_regions"): _list_regions,
            (AccountResponse, "get_region_opt_status"): _get_region_opt_status,
            (AccountResponse, "enable_region"): _switch(enabled=True),
            (AccountResponse, "disable_region"): _switch(enabled=False),
        }
        for (cls, name), patch in patches.items():
            _restore[(cls, name)] = cls.__dict__.get(name, _MISSING)
            setattr(cls, name, patch)
        for path in _REGION_PATHS:
            urls.url_paths.setdefault(path, AccountResponse.dispatch)


def uninstall() -> None:
    """Undo ``install`` when its last user is done."""
    global _installed
    from moto.account import urls

    with _lock:
        _installed -= 1
        if _installed:
            return
        for (cls, name), original in _restore.items():
            if original is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, original)
        _restore.clear()
        for path in _REGION_PATHS:
            urls.url_paths.pop(path, None)


def create_organization(accounts: int, *, management_account: str) -> list[str]:
    """An organization of ``accounts`` member accounts; their ids, in order.

    Each member account has the role ``OrganizationAccountAccessRole``, which
    its management account may assume, as Organizations makes it for an
    account it creates. An organization the management account has already is
    added to.
    """
    if isinstance(accounts, bool) or not isinstance(accounts, int) or accounts < 0:
        msg = f"accounts must be a whole number, got {accounts!r}"
        raise ValueError(msg)
    backend = organizations_backends[management_account]["aws"]
    if backend.org is None:
        # Organizations is served from us-east-1 whatever the caller's Region.
        backend.create_organization("us-east-1", FeatureSet="ALL")
    made = []
    start = len(backend.accounts)
    for n in range(start, start + accounts):
        status = backend.create_account(
            AccountName=f"member-{n:04d}", Email=f"member-{n:04d}@example.com"
        )
        made.append(status["CreateAccountStatus"]["AccountId"])
    return made
