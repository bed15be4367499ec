"""The exceptions ssmkit raises.

Every exception derives from :class:`SSMKitError`::

    SSMKitError
    ├── ValidationError (also ValueError)   bad input, found before any call
    ├── ConcurrentUpdateError               a safe update kept losing the race
    ├── UnexpectedResponseError             an answer lacked a member ssmkit needs
    ├── ConfigurationError                  no client could be made: how to fix it
    └── ServiceError                        the service refused: .code .message
        │                                   .operation .request_id
        ├── NotFoundError
        │   ├── AssociationDoesNotExist, AssociationExecutionDoesNotExist,
        │   ├── AutomationDefinitionNotFoundException,
        │   ├── AutomationDefinitionVersionNotFoundException,
        │   ├── AutomationExecutionNotFoundException, DoesNotExistException,
        │   └── InvalidDocument, InvocationDoesNotExist
        ├── ConflictError
        │   ├── AssociationAlreadyExists, DuplicateInstanceId,
        │   ├── IdempotentParameterMismatch, InvalidAssociationVersion,
        │   └── InvalidAutomationStatusUpdateException, StatusUnchanged
        ├── ThrottlingError
        │   └── ThrottlingException, TooManyUpdates
        ├── LimitExceededError
        │   ├── AssociationLimitExceeded, AssociationVersionLimitExceeded,
        │   ├── AutomationExecutionLimitExceededException,
        │   └── ResourceLimitExceededException
        ├── InvalidRequestError
        │   └── FeatureNotAvailableException, InvalidAssociation,
        │       InvalidAssociationVersion,
        │       InvalidAutomationExecutionParametersException, InvalidCommandId,
        │       InvalidDocumentVersion, InvalidFilterKey, InvalidFilterValue,
        │       InvalidInstanceId, InvalidNextToken, InvalidNotificationConfig,
        │       InvalidOutputFolder, InvalidOutputLocation, InvalidParameters,
        │       InvalidPluginName, InvalidRole, InvalidSchedule, InvalidTag,
        │       InvalidTarget, InvalidTargetMaps, InvalidUpdate,
        │       MaxDocumentSizeExceeded, UnsupportedPlatformType
        └── InternalServerError

Each leaf is named exactly like the error code the service sends. A code
ssmkit does not know becomes a plain :class:`ServiceError` with that
``code``. The original :class:`botocore.exceptions.ClientError` is always the
``__cause__``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from botocore.exceptions import ClientError

__all__ = [
    "AssociationAlreadyExists",
    "AssociationDoesNotExist",
    "AssociationExecutionDoesNotExist",
    "AssociationLimitExceeded",
    "AssociationVersionLimitExceeded",
    "AutomationDefinitionNotFoundException",
    "AutomationDefinitionVersionNotFoundException",
    "AutomationExecutionLimitExceededException",
    "AutomationExecutionNotFoundException",
    "ConcurrentUpdateError",
    "ConfigurationError",
    "ConflictError",
    "DoesNotExistException",
    "DuplicateInstanceId",
    "FeatureNotAvailableException",
    "IdempotentParameterMismatch",
    "InternalServerError",
    "InvalidAssociation",
    "InvalidAssociationVersion",
    "InvalidAutomationExecutionParametersException",
    "InvalidAutomationStatusUpdateException",
    "InvalidCommandId",
    "InvalidDocument",
    "InvalidDocumentVersion",
    "InvalidFilterKey",
    "InvalidFilterValue",
    "InvalidInstanceId",
    "InvalidNextToken",
    "InvalidNotificationConfig",
    "InvalidOutputFolder",
    "InvalidOutputLocation",
    "InvalidParameters",
    "InvalidPluginName",
    "InvalidRequestError",
    "InvalidRole",
    "InvalidSchedule",
    "InvalidTag",
    "InvalidTarget",
    "InvalidTargetMaps",
    "InvalidUpdate",
    "InvocationDoesNotExist",
    "LimitExceededError",
    "MaxDocumentSizeExceeded",
    "NotFoundError",
    "ResourceLimitExceededException",
    "SSMKitError",
    "ServiceError",
    "StatusUnchanged",
    "ThrottlingError",
    "ThrottlingException",
    "TooManyUpdates",
    "UnexpectedResponseError",
    "UnsupportedPlatformType",
    "ValidationError",
    "error_for_code",
    "from_client_error",
]


class SSMKitError(Exception):
    """The root of every exception ssmkit raises."""


class ValidationError(SSMKitError, ValueError):
    """Bad input, found before any call was made.

    Attributes:
        member: The member at fault, as a dotted path of attribute names
            (``"alarm_configuration.alarms"``), when one is to blame.
        rule: The rule broken, in words (``"length at least 1"``).
    """

    def __init__(
        self, message: str, *, member: str | None = None, rule: str | None = None
    ):
        super().__init__(message)
        self.member = member
        self.rule = rule


class ConcurrentUpdateError(SSMKitError):
    """A safe update lost the race to other writers more times than allowed.

    The resource was not changed by ssmkit. ``__cause__`` holds the last
    :class:`InvalidAssociationVersion`.

    Attributes:
        expected_version: The version the update was built on (or was told to
            expect), when known.
        actual_version: The version found instead, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        expected_version: str | None = None,
        actual_version: str | None = None,
    ):
        super().__init__(message)
        self.expected_version = expected_version
        self.actual_version = actual_version


class ConfigurationError(SSMKitError):
    """No SSM client could be made (no region, say); the message says the fix.

    botocore's own exception is the ``__cause__``.
    """


class UnexpectedResponseError(SSMKitError):
    """The service answered without a member that ssmkit needs to give a result."""


class ServiceError(SSMKitError):
    """The service refused a request.

    Attributes:
        code: The error code the service sent (``"AssociationDoesNotExist"``).
        message: The service's message.
        operation: The AWS operation name (``"DescribeAssociation"``).
        request_id: The request id, for AWS support.
    """

    #: The error code a leaf class stands for; ``None`` on families.
    error_code: ClassVar[str | None] = None

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        operation: str = "",
        request_id: str | None = None,
    ):
        self.code = code or self.error_code or type(self).__name__
        self.message = message
        self.operation = operation
        self.request_id = request_id
        text = (
            f"{operation}: {self.code}: {message}"
            if operation
            else f"{self.code}: {message}"
        )
        super().__init__(text)

    def __init_subclass__(cls, *, family: bool = False, **kwargs: Any) -> None:
        # A leaf stands for the error code it is named after; a family groups leaves.
        super().__init_subclass__(**kwargs)
        if not family:
            cls.error_code = cls.__name__
            _BY_CODE[cls.__name__] = cls


_BY_CODE: dict[str, type[ServiceError]] = {}


class NotFoundError(ServiceError, family=True):
    """The resource named does not exist."""


class ConflictError(ServiceError, family=True):
    """The request conflicts with the resource's current state."""


class ThrottlingError(ServiceError, family=True):
    """The service is asking callers to slow down."""


class LimitExceededError(ServiceError, family=True):
    """An account or resource quota would be exceeded."""


class InvalidRequestError(ServiceError, family=True):
    """The service judged the request invalid."""


# -- not found ------------------------------------------------------------------


class AssociationDoesNotExist(NotFoundError):
    """The specified association doesn't exist."""


class AssociationExecutionDoesNotExist(NotFoundError):
    """The specified execution ID doesn't exist."""


class AutomationDefinitionNotFoundException(NotFoundError):
    """An Automation runbook with the specified name couldn't be found."""


class AutomationDefinitionVersionNotFoundException(NotFoundError):
    """An Automation runbook with the specified name and version couldn't be found."""


class AutomationExecutionNotFoundException(NotFoundError):
    """There is no automation execution for the requested automation execution ID."""


class DoesNotExistException(NotFoundError):
    """The ID given for a resource, such as a maintenance window, doesn't exist."""


class InvalidDocument(NotFoundError):
    """The specified SSM document doesn't exist."""


class InvocationDoesNotExist(NotFoundError):
    """The command ID and managed node ID given didn't match any invocations."""


# -- conflict -------------------------------------------------------------------


class AssociationAlreadyExists(ConflictError):
    """The specified association already exists."""


class DuplicateInstanceId(ConflictError):
    """A managed node ID can't be specified in more than one association."""


class IdempotentParameterMismatch(ConflictError):
    """An idempotent call was retried with parameters that don't match the original."""


class InvalidAssociationVersion(ConflictError, InvalidRequestError):
    """The association version given isn't valid, or is no longer the latest.

    ``UpdateAssociation`` answers this when its ``AssociationVersion`` does
    not match the stored one: someone else wrote in between.
    """


class InvalidAutomationStatusUpdateException(ConflictError):
    """The specified update status operation isn't valid."""


class StatusUnchanged(ConflictError):
    """The updated status is the same as the current status."""


# -- throttling -----------------------------------------------------------------


class ThrottlingException(ThrottlingError):
    """The request rate is too high; botocore's retry modes retry it."""


class TooManyUpdates(ThrottlingError):
    """Concurrent updates to a resource that supports one update at a time."""


# -- limits ---------------------------------------------------------------------


class AssociationLimitExceeded(LimitExceededError):
    """The account has as many active associations as it may."""


class AssociationVersionLimitExceeded(LimitExceededError):
    """The association has reached the maximum number of versions (1,000)."""


class AutomationExecutionLimitExceededException(LimitExceededError):
    """Too many Automation executions are running at once."""


class ResourceLimitExceededException(LimitExceededError):
    """The caller has exceeded the default resource quotas."""


# -- invalid request ------------------------------------------------------------


class FeatureNotAvailableException(InvalidRequestError):
    """A LAMBDA or STEP_FUNCTIONS task was registered where that isn't available."""


class InvalidAssociation(InvalidRequestError):
    """The association isn't valid or doesn't exist."""


class InvalidAutomationExecutionParametersException(InvalidRequestError):
    """The parameters given for the Automation runbook are incorrect."""


class InvalidCommandId(InvalidRequestError):
    """The specified command ID isn't valid."""


class InvalidDocumentVersion(InvalidRequestError):
    """The document version isn't valid or doesn't exist."""


class InvalidFilterKey(InvalidRequestError):
    """The specified filter key isn't valid."""


class InvalidFilterValue(InvalidRequestError):
    """The filter value isn't valid."""


class InvalidInstanceId(InvalidRequestError):
    """The managed node isn't valid, isn't reachable, or isn't yours to use."""


class InvalidNextToken(InvalidRequestError):
    """The specified token isn't valid."""


class InvalidNotificationConfig(InvalidRequestError):
    """One or more notification configuration items isn't valid."""


class InvalidOutputFolder(InvalidRequestError):
    """The S3 bucket doesn't exist."""


class InvalidOutputLocation(InvalidRequestError):
    """The output location isn't valid or doesn't exist."""


class InvalidParameters(InvalidRequestError):
    """The document parameters given are missing, unknown or of the wrong kind."""


class InvalidPluginName(InvalidRequestError):
    """The plugin name isn't valid."""


class InvalidRole(InvalidRequestError):
    """The role isn't valid, or lacks the trust policy it needs."""


class InvalidSchedule(InvalidRequestError):
    """The schedule is invalid: check the cron or rate expression."""


class InvalidTag(InvalidRequestError):
    """The specified tag key or value isn't valid."""


class InvalidTarget(InvalidRequestError):
    """The target isn't valid, doesn't exist, or isn't yours to use."""


class InvalidTargetMaps(InvalidRequestError):
    """The TargetMaps parameter isn't valid."""


class InvalidUpdate(InvalidRequestError):
    """The update isn't valid."""


class MaxDocumentSizeExceeded(InvalidRequestError):
    """The document exceeds the size limit of 64 KB."""


class UnsupportedPlatformType(InvalidRequestError):
    """The document doesn't support the platform of the managed nodes given."""


# -- server ---------------------------------------------------------------------


class InternalServerError(ServiceError):
    """An error occurred on the server side."""


def error_for_code(code: str) -> type[ServiceError]:
    """The exception class for an error code; :class:`ServiceError` for unknown codes.

    Args:
        code: An error code as the service sends it.

    Returns:
        The leaf class named like ``code``, or :class:`ServiceError`.
    """
    return _BY_CODE.get(code, ServiceError)


def from_client_error(exc: ClientError, operation: str) -> ServiceError:
    """Translate botocore's ``ClientError`` into ssmkit's exception for its code.

    Args:
        exc: The error botocore raised.
        operation: The AWS operation name.

    Returns:
        The exception to raise ``from exc``.
    """
    error = exc.response.get("Error", {})
    code = str(error.get("Code", "Unknown"))
    metadata = exc.response.get("ResponseMetadata", {})
    return error_for_code(code)(
        str(error.get("Message", "")),
        code=code,
        operation=operation,
        request_id=metadata.get("RequestId"),
    )
