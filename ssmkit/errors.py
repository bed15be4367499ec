"""The exceptions ssmkit raises.

Every exception derives from ``SSMKitError``:

    SSMKitError
    ├── ValidationError (also ValueError)   bad input, found before any call
    ├── ConcurrentUpdateError               a safe update kept losing the race
    ├── UnexpectedResponseError             an answer lacked a member ssmkit needs
    ├── ConfigurationError                  no client could be made: how to fix it
    ├── AccountAccessError                  a fleet's account could not be reached
    ├── WaitTimeoutError (also TimeoutError) a wait ended before the run did
    └── ServiceError                        the service refused: .code .message
        │                                   .operation .request_id
        ├── NotFoundError          AssociationDoesNotExist, ParameterNotFound, ...
        ├── ConflictError          AssociationAlreadyExists, StatusUnchanged, ...
        ├── ThrottlingError        ThrottlingException, TooManyUpdates, ...
        ├── LimitExceededError     ParameterLimitExceeded, TooManyTagsError, ...
        ├── InvalidRequestError    InvalidTarget, ValidationException, ...
        └── AccessDeniedException, InternalServerError, TargetNotConnected, ...

Every error code in the service model has a leaf class, named exactly like the
code and placed under the family its meaning puts it in; the reference lists
them all. The leaves are loaded on first use. A code ssmkit does not know
becomes a plain ``ServiceError`` with that ``code``. The original
``botocore.exceptions.ClientError`` is always the ``__cause__``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from botocore.exceptions import ClientError

_BASES = [
    "AccountAccessError",
    "ConcurrentUpdateError",
    "ConfigurationError",
    "ConflictError",
    "InvalidRequestError",
    "LimitExceededError",
    "NotFoundError",
    "SSMKitError",
    "ServiceError",
    "ThrottlingError",
    "UnexpectedResponseError",
    "ValidationError",
    "WaitTimeoutError",
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
    ``InvalidAssociationVersion``.

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


class AccountAccessError(SSMKitError):
    """An account of a fleet could not be reached: its role could not be assumed.

    botocore's own exception, when there is one, is the ``__cause__``.

    Attributes:
        account_id: The account.
        role_arn: The role that could not be assumed, if one was tried.
        code: The error code STS answered with (``AccessDenied``, say).
    """

    def __init__(
        self,
        message: str,
        *,
        account_id: str,
        role_arn: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.account_id = account_id
        self.role_arn = role_arn
        self.code = code

    def __reduce__(self) -> Any:
        return (_rebuilt_access, (str(self), self.account_id, self.role_arn, self.code))


def _rebuilt_access(
    message: str, account_id: str, role_arn: str | None, code: str | None
) -> AccountAccessError:
    return AccountAccessError(
        message, account_id=account_id, role_arn=role_arn, code=code
    )


class WaitTimeoutError(SSMKitError, TimeoutError):
    """A wait ended before the run it waited for had finished.

    Attributes:
        last: The run as last read (an ``ssmkit.AssociationRun``, say), or
            ``None`` if it had not started.
    """

    def __init__(self, message: str, *, last: Any = None) -> None:
        super().__init__(message)
        self.last = last

    def __reduce__(self) -> Any:
        return (_rebuilt_timeout, (str(self), self.last))


def _rebuilt_timeout(message: str, last: Any) -> WaitTimeoutError:
    return WaitTimeoutError(message, last=last)


class UnexpectedResponseError(SSMKitError):
    """The service's answer lacks a member ssmkit needs, or holds one that does not fit.

    A value that does not fit its shape (a number where the service model says
    string) is refused when the member holding it is converted: at once for
    plain members, on first read for lists, maps and structures.
    """


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

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its parts, not from its text: the text is made of them,
        # and made again from it would say the code twice.
        parts = (type(self), self.message, self.code, self.operation, self.request_id)
        return (_service_error, parts, self.__dict__)

    def __init_subclass__(cls, *, family: bool = False, **kwargs: Any) -> None:
        # A leaf stands for the error code it is named after; a family groups leaves.
        super().__init_subclass__(**kwargs)
        if not family:
            cls.error_code = cls.__name__
            _BY_CODE[cls.__name__] = cls


_BY_CODE: dict[str, type[ServiceError]] = {}


def _service_error(
    cls: type[ServiceError],
    message: str,
    code: str,
    operation: str,
    request_id: str | None,
) -> ServiceError:
    """A ``ServiceError`` unpickled: made as it was first made."""
    return cls(message, code=code, operation=operation, request_id=request_id)


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


def error_for_code(code: str) -> type[ServiceError]:
    """The exception class for an error code; ``ServiceError`` for unknown codes.

    Args:
        code: An error code as the service sends it.

    Returns:
        The leaf class named like ``code``, or ``ServiceError``.
    """
    if code in _LEAVES:
        importlib.import_module("._service_errors", __package__)
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


if not TYPE_CHECKING:
    # Hidden from type checkers, which see each leaf imported below instead: a
    # module ``__getattr__`` would make any name, misspelt or not, ``Any``.

    def __getattr__(name: str) -> Any:
        """Load the leaves the first time one of them is asked for."""
        if name in _LEAVES:
            module = importlib.import_module("._service_errors", __package__)
            return getattr(module, name)
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted({*globals(), *_LEAVES})


# -- generated: the leaves --
if TYPE_CHECKING:
    from ._service_errors import (
        AccessDeniedException,
        AlreadyExistsException,
        AssociatedInstances,
        AssociationAlreadyExists,
        AssociationDoesNotExist,
        AssociationExecutionDoesNotExist,
        AssociationLimitExceeded,
        AssociationVersionLimitExceeded,
        AutomationDefinitionNotApprovedException,
        AutomationDefinitionNotFoundException,
        AutomationDefinitionVersionNotFoundException,
        AutomationExecutionLimitExceededException,
        AutomationExecutionNotFoundException,
        AutomationStepNotFoundException,
        ComplianceTypeCountLimitExceededException,
        ConflictException,
        CustomSchemaCountLimitExceededException,
        DocumentAlreadyExists,
        DocumentLimitExceeded,
        DocumentPermissionLimit,
        DocumentVersionLimitExceeded,
        DoesNotExistException,
        DuplicateDocumentContent,
        DuplicateDocumentVersionName,
        DuplicateInstanceId,
        FeatureNotAvailableException,
        HierarchyLevelLimitExceededException,
        HierarchyTypeMismatchException,
        IdempotentParameterMismatch,
        IncompatiblePolicyException,
        InternalServerError,
        InvalidActivation,
        InvalidActivationId,
        InvalidAggregatorException,
        InvalidAllowedPatternException,
        InvalidAssociation,
        InvalidAssociationVersion,
        InvalidAutomationExecutionParametersException,
        InvalidAutomationSignalException,
        InvalidAutomationStatusUpdateException,
        InvalidCommandId,
        InvalidDeleteInventoryParametersException,
        InvalidDeletionIdException,
        InvalidDocument,
        InvalidDocumentContent,
        InvalidDocumentOperation,
        InvalidDocumentSchemaVersion,
        InvalidDocumentType,
        InvalidDocumentVersion,
        InvalidFilter,
        InvalidFilterKey,
        InvalidFilterOption,
        InvalidFilterValue,
        InvalidInstanceId,
        InvalidInstanceInformationFilterValue,
        InvalidInstancePropertyFilterValue,
        InvalidInventoryGroupException,
        InvalidInventoryItemContextException,
        InvalidInventoryRequestException,
        InvalidItemContentException,
        InvalidKeyId,
        InvalidNextToken,
        InvalidNotificationConfig,
        InvalidOptionException,
        InvalidOutputFolder,
        InvalidOutputLocation,
        InvalidParameters,
        InvalidPermissionType,
        InvalidPluginName,
        InvalidPolicyAttributeException,
        InvalidPolicyTypeException,
        InvalidResourceId,
        InvalidResourceType,
        InvalidResultAttributeException,
        InvalidRole,
        InvalidSchedule,
        InvalidTag,
        InvalidTarget,
        InvalidTargetMaps,
        InvalidTypeNameException,
        InvalidUpdate,
        InvocationDoesNotExist,
        ItemContentMismatchException,
        ItemSizeLimitExceededException,
        MalformedResourcePolicyDocumentException,
        MaxDocumentSizeExceeded,
        NoLongerSupportedException,
        OpsItemAccessDeniedException,
        OpsItemAlreadyExistsException,
        OpsItemConflictException,
        OpsItemInvalidParameterException,
        OpsItemLimitExceededException,
        OpsItemNotFoundException,
        OpsItemRelatedItemAlreadyExistsException,
        OpsItemRelatedItemAssociationNotFoundException,
        OpsMetadataAlreadyExistsException,
        OpsMetadataInvalidArgumentException,
        OpsMetadataKeyLimitExceededException,
        OpsMetadataLimitExceededException,
        OpsMetadataNotFoundException,
        OpsMetadataTooManyUpdatesException,
        ParameterAlreadyExists,
        ParameterLimitExceeded,
        ParameterMaxVersionLimitExceeded,
        ParameterNotFound,
        ParameterPatternMismatchException,
        ParameterVersionLabelLimitExceeded,
        ParameterVersionNotFound,
        PoliciesLimitExceededException,
        ResourceDataSyncAlreadyExistsException,
        ResourceDataSyncConflictException,
        ResourceDataSyncCountExceededException,
        ResourceDataSyncInvalidConfigurationException,
        ResourceDataSyncNotFoundException,
        ResourceInUseException,
        ResourceLimitExceededException,
        ResourceNotFoundException,
        ResourcePolicyConflictException,
        ResourcePolicyInvalidParameterException,
        ResourcePolicyLimitExceededException,
        ResourcePolicyNotFoundException,
        ServiceQuotaExceededException,
        ServiceSettingNotFound,
        StatusUnchanged,
        SubTypeCountLimitExceededException,
        TargetInUseException,
        TargetNotConnected,
        ThrottlingException,
        TooManyTagsError,
        TooManyUpdates,
        TotalSizeLimitExceededException,
        UnsupportedCalendarException,
        UnsupportedFeatureRequiredException,
        UnsupportedInventoryItemContextException,
        UnsupportedInventorySchemaVersionException,
        UnsupportedOperatingSystem,
        UnsupportedOperationException,
        UnsupportedParameterType,
        UnsupportedPlatformType,
        ValidationException,
    )

__all__ = [
    "AccessDeniedException",
    "AccountAccessError",
    "AlreadyExistsException",
    "AssociatedInstances",
    "AssociationAlreadyExists",
    "AssociationDoesNotExist",
    "AssociationExecutionDoesNotExist",
    "AssociationLimitExceeded",
    "AssociationVersionLimitExceeded",
    "AutomationDefinitionNotApprovedException",
    "AutomationDefinitionNotFoundException",
    "AutomationDefinitionVersionNotFoundException",
    "AutomationExecutionLimitExceededException",
    "AutomationExecutionNotFoundException",
    "AutomationStepNotFoundException",
    "ComplianceTypeCountLimitExceededException",
    "ConcurrentUpdateError",
    "ConfigurationError",
    "ConflictError",
    "ConflictException",
    "CustomSchemaCountLimitExceededException",
    "DocumentAlreadyExists",
    "DocumentLimitExceeded",
    "DocumentPermissionLimit",
    "DocumentVersionLimitExceeded",
    "DoesNotExistException",
    "DuplicateDocumentContent",
    "DuplicateDocumentVersionName",
    "DuplicateInstanceId",
    "FeatureNotAvailableException",
    "HierarchyLevelLimitExceededException",
    "HierarchyTypeMismatchException",
    "IdempotentParameterMismatch",
    "IncompatiblePolicyException",
    "InternalServerError",
    "InvalidActivation",
    "InvalidActivationId",
    "InvalidAggregatorException",
    "InvalidAllowedPatternException",
    "InvalidAssociation",
    "InvalidAssociationVersion",
    "InvalidAutomationExecutionParametersException",
    "InvalidAutomationSignalException",
    "InvalidAutomationStatusUpdateException",
    "InvalidCommandId",
    "InvalidDeleteInventoryParametersException",
    "InvalidDeletionIdException",
    "InvalidDocument",
    "InvalidDocumentContent",
    "InvalidDocumentOperation",
    "InvalidDocumentSchemaVersion",
    "InvalidDocumentType",
    "InvalidDocumentVersion",
    "InvalidFilter",
    "InvalidFilterKey",
    "InvalidFilterOption",
    "InvalidFilterValue",
    "InvalidInstanceId",
    "InvalidInstanceInformationFilterValue",
    "InvalidInstancePropertyFilterValue",
    "InvalidInventoryGroupException",
    "InvalidInventoryItemContextException",
    "InvalidInventoryRequestException",
    "InvalidItemContentException",
    "InvalidKeyId",
    "InvalidNextToken",
    "InvalidNotificationConfig",
    "InvalidOptionException",
    "InvalidOutputFolder",
    "InvalidOutputLocation",
    "InvalidParameters",
    "InvalidPermissionType",
    "InvalidPluginName",
    "InvalidPolicyAttributeException",
    "InvalidPolicyTypeException",
    "InvalidRequestError",
    "InvalidResourceId",
    "InvalidResourceType",
    "InvalidResultAttributeException",
    "InvalidRole",
    "InvalidSchedule",
    "InvalidTag",
    "InvalidTarget",
    "InvalidTargetMaps",
    "InvalidTypeNameException",
    "InvalidUpdate",
    "InvocationDoesNotExist",
    "ItemContentMismatchException",
    "ItemSizeLimitExceededException",
    "LimitExceededError",
    "MalformedResourcePolicyDocumentException",
    "MaxDocumentSizeExceeded",
    "NoLongerSupportedException",
    "NotFoundError",
    "OpsItemAccessDeniedException",
    "OpsItemAlreadyExistsException",
    "OpsItemConflictException",
    "OpsItemInvalidParameterException",
    "OpsItemLimitExceededException",
    "OpsItemNotFoundException",
    "OpsItemRelatedItemAlreadyExistsException",
    "OpsItemRelatedItemAssociationNotFoundException",
    "OpsMetadataAlreadyExistsException",
    "OpsMetadataInvalidArgumentException",
    "OpsMetadataKeyLimitExceededException",
    "OpsMetadataLimitExceededException",
    "OpsMetadataNotFoundException",
    "OpsMetadataTooManyUpdatesException",
    "ParameterAlreadyExists",
    "ParameterLimitExceeded",
    "ParameterMaxVersionLimitExceeded",
    "ParameterNotFound",
    "ParameterPatternMismatchException",
    "ParameterVersionLabelLimitExceeded",
    "ParameterVersionNotFound",
    "PoliciesLimitExceededException",
    "ResourceDataSyncAlreadyExistsException",
    "ResourceDataSyncConflictException",
    "ResourceDataSyncCountExceededException",
    "ResourceDataSyncInvalidConfigurationException",
    "ResourceDataSyncNotFoundException",
    "ResourceInUseException",
    "ResourceLimitExceededException",
    "ResourceNotFoundException",
    "ResourcePolicyConflictException",
    "ResourcePolicyInvalidParameterException",
    "ResourcePolicyLimitExceededException",
    "ResourcePolicyNotFoundException",
    "SSMKitError",
    "ServiceError",
    "ServiceQuotaExceededException",
    "ServiceSettingNotFound",
    "StatusUnchanged",
    "SubTypeCountLimitExceededException",
    "TargetInUseException",
    "TargetNotConnected",
    "ThrottlingError",
    "ThrottlingException",
    "TooManyTagsError",
    "TooManyUpdates",
    "TotalSizeLimitExceededException",
    "UnexpectedResponseError",
    "UnsupportedCalendarException",
    "UnsupportedFeatureRequiredException",
    "UnsupportedInventoryItemContextException",
    "UnsupportedInventorySchemaVersionException",
    "UnsupportedOperatingSystem",
    "UnsupportedOperationException",
    "UnsupportedParameterType",
    "UnsupportedPlatformType",
    "ValidationError",
    "ValidationException",
    "WaitTimeoutError",
    "error_for_code",
    "from_client_error",
]

#: The error codes that have a class of their own, in ``_service_errors``.
_LEAVES = frozenset(__all__).difference(_BASES)
# -- end of generated --
