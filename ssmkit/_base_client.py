"""Construction of the facade, and the one path every call takes to boto3."""

from __future__ import annotations

import contextlib
import contextvars
import marshal
import re
import threading
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import boto3
import botocore.exceptions
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from botocore.parsers import ResponseParserError
from botocore.validate import ParamValidationDecorator, ValidationErrors

from ._convert import from_answer, to_boto
from ._mask import MASK, holds_sensitive, is_sensitive
from ._version import __version__
from .errors import (
    ConfigurationError,
    UnexpectedResponseError,
    ValidationError,
    from_client_error,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from botocore.model import Shape
    from mypy_boto3_ssm import SSMClient
else:
    SSMClient = Any

__all__ = ["BaseClient", "check_as_botocore", "invoke", "invoke_checked"]

T = TypeVar("T")

USER_AGENT = f"ssmkit/{__version__}"


def _with_user_agent(config: Config | None) -> Config:
    """The caller's config with ssmkit added to ``user_agent_extra``; nothing lost."""
    if config is None:
        return Config(user_agent_extra=USER_AGENT)
    # Config sets its options as attributes at run time; the stubs do not list them.
    extra: str | None = getattr(config, "user_agent_extra", None)
    if extra and USER_AGENT in extra.split():
        return config
    return config.merge(
        Config(user_agent_extra=f"{extra} {USER_AGENT}" if extra else USER_AGENT)
    )


def validation_error(
    exc: ParamValidationError,
    shape: Shape | None = None,
    request: Mapping[str, Any] | None = None,
) -> ValidationError:
    """Translate botocore's parameter validation failure, naming the member.

    botocore's report quotes each bad value. With the request and its shape,
    the request is validated again to find each problem apart, and a value
    within a member the service model marks sensitive (or a member it cannot
    place) is masked before botocore's own words are put around it. Without
    them, every value is masked.
    """
    report = None
    if shape is not None and request is not None:
        report = _masked_report(shape, request)
    if report is None:
        report = _VALUE_TO_END.sub(
            lambda m: f"for parameter {m.group(1)}, value: {MASK}",
            str(exc.kwargs.get("report", exc)),
        )
    return _reported(report)


def check_as_botocore(shape: Shape, request: Mapping[str, Any]) -> None:
    """Refuse ``request`` as botocore's validator would, as ``invoke`` refuses it.

    Raises:
        ssmkit.errors.ValidationError: botocore's report, masked as
            ``validation_error`` masks it.
    """
    report = _masked_report(shape, request)
    if report is not None:
        raise _reported(report)


def _reported(report: str) -> ValidationError:
    found = re.search(
        r"parameter[s]?:? (?:in input: \"?)?\"?([A-Za-z0-9_.\[\]]+)", report
    )
    return ValidationError(
        report, member=found.group(1) if found else None, rule=report
    )


# "Invalid type for parameter Lambda.Payload, value: abc, type: <class 'str'>":
# without the shape to judge by, everything from the value on is masked.
_VALUE_TO_END = re.compile(r"for parameter (\S+), value: .*", re.DOTALL)


def _masked_report(shape: Shape, request: Mapping[str, Any]) -> str | None:
    from botocore.validate import ParamValidator

    found = ParamValidator().validate(dict(request), shape)
    problems = getattr(found, "_errors", None)
    if not problems:
        return None
    lines = []
    for kind, name, details in problems:
        if "param" in details and _within_sensitive(shape, name or ""):
            real = str(type(details["param"]))
            line = found._format_error((kind, name, {**details, "param": _Hidden()}))
            lines.append(line.replace(str(_Hidden), real))
        else:
            lines.append(found._format_error((kind, name, details)))
    return "\n".join(lines)


class _Hidden:
    """A masked value in botocore's report: prints as the mask, of no type."""

    def __str__(self) -> str:
        return MASK

    __repr__ = __str__


def _within_sensitive(shape: Shape, path: str) -> bool:
    """Whether botocore's path (``Targets[0].Values[1]``) lies in a sensitive member.

    A path that cannot be followed counts as sensitive: better masked than leaked.
    """
    steps = [s for s in re.split(r"\.|\[\d+\]", path) if s]
    current = shape
    for step in steps:
        if is_sensitive(current):
            return True
        while current.type_name == "list":
            current = current.member  # type: ignore[attr-defined]
            if is_sensitive(current):
                return True
        if current.type_name == "structure":
            found = current.members.get(step)  # type: ignore[attr-defined]
            if found is None:
                return True
            current = found
        elif current.type_name == "map":
            current = current.value  # type: ignore[attr-defined]
        else:
            return True
    return holds_sensitive(current)


def invoke(
    boto3_client: Any, operation: str, request: Mapping[str, Any]
) -> dict[str, Any]:
    """Call one operation on a boto3 client, translating its errors into ssmkit's.

    Args:
        boto3_client: A boto3 SSM client.
        operation: The AWS operation name (``"DescribeAssociation"``).
        request: The request's members, in boto3's form.

    Returns:
        boto3's answer.

    Raises:
        ssmkit.errors.ServiceError: The service refused; the leaf class is named
            like the error code.
        ssmkit.errors.ValidationError: botocore found the request malformed.
    """
    method = getattr(boto3_client, xform_name(operation))
    try:
        return method(**request)  # type: ignore[no-any-return]
    except _TRANSLATED as exc:
        # As translated() does; spelled out here, on every call's path.
        _reraise(exc, operation, boto3_client, request)


# The request being sent that ssmkit has checked whole, in this thread, as
# marshal writes it: nothing in it is shared with the request botocore is
# given, so an event handler's edit of what would be sent, at any depth,
# makes the two differ.
_CHECKED: contextvars.ContextVar[bytes | None] = contextvars.ContextVar(
    "ssmkit_checked", default=None
)
_TRUSTING = threading.Lock()


class _TrustChecked:
    """botocore's parameter validator, which passes a request ssmkit checked.

    A safe update's write holds what was read from the service a moment ago
    and the changes ``prepare`` checked, as botocore checks them and more;
    validating the whole request again would do that work twice. Any other
    request, including one made meanwhile by an event handler, is validated as
    before; so is this one if a handler has changed anything in it.
    """

    __slots__ = ("_validator",)

    def __init__(self, validator: Any) -> None:
        self._validator = validator

    def validate(self, params: Any, shape: Shape) -> Any:
        checked = _CHECKED.get()
        if checked is not None and _written(params) == checked:
            return ValidationErrors()
        return self._validator.validate(params, shape)


def _written(request: Any) -> bytes | None:
    # Version 2 writes no back-references, so equal requests give equal bytes.
    try:
        return marshal.dumps(request, 2)
    except ValueError:  # a value marshal cannot write: then it is validated
        return None


def invoke_checked(
    boto3_client: Any, operation: str, request: Mapping[str, Any]
) -> dict[str, Any]:
    """``invoke`` for a request whose every member ssmkit has checked already.

    A client whose validation is off, or whose validation is not built the
    way this knows, is called as ``invoke`` calls it.
    """
    serializer: Any = getattr(boto3_client, "_serializer", None)
    if not isinstance(serializer, ParamValidationDecorator) or not hasattr(
        serializer, "_param_validator"
    ):
        return invoke(boto3_client, operation, request)
    if not isinstance(serializer._param_validator, _TrustChecked):
        with _TRUSTING:
            validator = serializer._param_validator
            if not isinstance(validator, _TrustChecked):
                serializer._param_validator = _TrustChecked(validator)
    written = _written(request)
    if written is None:
        return invoke(boto3_client, operation, request)
    token = _CHECKED.set(written)
    try:
        return invoke(boto3_client, operation, request)
    finally:
        _CHECKED.reset(token)


@contextlib.contextmanager
def translated(
    operation: str, boto3_client: Any = None, request: Mapping[str, Any] | None = None
) -> Iterator[None]:
    """Raise botocore's errors from within as ssmkit's, the original as the cause.

    Args:
        operation: The operation called within.
        boto3_client: The client it is called on, whose service model says
            which values in botocore's parameter report to mask; without it,
            every value there is masked.
        request: The request made within, to find each problem apart.
    """
    try:
        yield
    except _TRANSLATED as exc:
        _reraise(exc, operation, boto3_client, request)


def _reraise(
    exc: Exception,
    operation: str,
    boto3_client: Any,
    request: Mapping[str, Any] | None,
) -> NoReturn:
    """Raise botocore's error, being handled, as ssmkit's; others go on as they are."""
    if isinstance(exc, ClientError):
        raise _translation(exc, operation, boto3_client) from exc
    if isinstance(exc, ParamValidationError):
        # Not chained: botocore's report quotes the values, secrets included.
        raise _translation(exc, operation, boto3_client, request) from None
    unparsed = _unparsed(exc, operation)
    if unparsed is None:
        raise
    raise unparsed from exc


#: What botocore's parser raises on an answer that does not fit its model (a
#: string where a structure belongs): ``ResponseParserError``, or Python's own.
_PARSING = (ResponseParserError, AttributeError, TypeError, KeyError, ValueError)
#: Every error ``invoke`` and ``translated`` look at.
_TRANSLATED = (ClientError, ParamValidationError, *_PARSING)


def _unparsed(exc: Exception, operation: str) -> UnexpectedResponseError | None:
    """``UnexpectedResponseError`` for an answer botocore's parser could not read.

    Anything else of those kinds, raised outside the parser, is not ours to
    rename and goes on as it is. The message names only the kind of failure:
    Python's own messages may quote the value, which may be a secret.
    """
    if isinstance(exc, ResponseParserError) or _raised_in(exc, "botocore/parsers.py"):
        msg = (
            f"{operation}: the service's answer does not fit botocore's model of "
            f"it, and could not be read ({type(exc).__name__})"
        )
        return UnexpectedResponseError(msg)
    return None


def _raised_in(exc: BaseException, path: str) -> bool:
    trace = exc.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename.replace("\\", "/").endswith(path):
            return True
        trace = trace.tb_next
    return False


def _translation(
    exc: ClientError | ParamValidationError,
    operation: str,
    boto3_client: Any,
    request: Mapping[str, Any] | None = None,
) -> Exception:
    if isinstance(exc, ClientError):
        return from_client_error(exc, operation)
    shape = None
    if boto3_client is not None:
        model = boto3_client.meta.service_model.operation_model(operation)
        shape = model.input_shape
    return validation_error(exc, shape, request)


_PLAIN = (str, int, bool, float)


def _request(
    params: Mapping[str, Any], extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The request's members in boto3's form, leaving out the ``None`` ones.

    ``extra`` holds members the method has no argument for, in boto3's form;
    one that the method has an argument for (every key of ``params``) is
    refused, before any call: given twice, one value would silently win.
    """
    # Plain values, the common case, skip the converter's dispatch.
    request = {
        name: value if value.__class__ in _PLAIN else to_boto(value)
        for name, value in params.items()
        if value is not None
    }
    if extra:
        _check_extra(params, extra)
        request.update(
            (name, value if value.__class__ in _PLAIN else to_boto(value))
            for name, value in extra.items()
        )
    return request


def _check_extra(params: Mapping[str, Any], extra: Mapping[str, Any]) -> None:
    from collections.abc import Mapping as MappingABC

    if not isinstance(extra, MappingABC):
        msg = f"extra_params must be a mapping, got {type(extra).__name__}"
        raise ValidationError(msg, member="extra_params", rule="a mapping")
    odd = sorted(repr(k) for k in extra if not isinstance(k, str))
    if odd:
        msg = f"extra_params: member names are strings in boto3's form, got {odd[0]}"
        raise ValidationError(msg, member="extra_params", rule="names are strings")
    taken = sorted(k for k in extra if k in params)
    if taken:
        argument = xform_name(taken[0])
        msg = (
            f"extra_params: {', '.join(taken)} has an argument of its own "
            f"({argument}=); give it there"
        )
        raise ValidationError(msg, member="extra_params", rule="not a typed member")


def _request_facts(
    boto3_client: Any, operation: str
) -> tuple[tuple[tuple[str, Shape], ...], tuple[str, ...]]:
    """An operation's input members that hold something sensitive, and schedules."""
    model = boto3_client.meta.service_model.operation_model(operation)
    shape = model.input_shape
    if shape is None:
        return (), ()
    # Loaded with the first call, not the client: most calls hold no schedule.
    from ssmkit._schedules import SCHEDULES

    members = shape.members
    sensitive = tuple(
        (name, member) for name, member in members.items() if holds_sensitive(member)
    )
    scheduled = tuple(name for name in SCHEDULES if name in members)
    return sensitive, scheduled


class BaseClient:
    """Holds the boto3 SSM client and makes every call through it."""

    #: Per operation, what ``_check_request`` looks at; see ``_request_facts``.
    _request_facts: dict[str, tuple[tuple[tuple[str, Shape], ...], tuple[str, ...]]]

    def __init__(
        self,
        *,
        boto3_client: SSMClient | None = None,
        boto3_session: boto3.session.Session | None = None,
        boto_config: Config | None = None,
    ) -> None:
        """Wrap a boto3 SSM client, or make one.

        Args:
            boto3_client: The boto3 SSM client to use, as it is. It cannot be
                combined with ``boto3_session`` or ``boto_config``.
            boto3_session: The session to make the client from; by default,
                boto3's default session.
            boto_config: The botocore configuration of the client made
                (retries, timeouts, ...). ssmkit adds itself to its
                ``user_agent_extra`` and changes nothing else.

        Raises:
            TypeError: ``boto3_client`` was given together with a session or
                a config, or is not an SSM client.
            ssmkit.errors.ConfigurationError: No client could be made: no
                region, an invalid one, or a profile that does not exist.
        """
        if boto3_client is not None:
            if boto3_session is not None or boto_config is not None:
                msg = (
                    "pass either boto3_client, or boto3_session and/or boto_config: "
                    "a ready client's session and config cannot be changed"
                )
                raise TypeError(msg)
            service = getattr(
                getattr(boto3_client, "meta", None), "service_model", None
            )
            if getattr(service, "service_name", None) != "ssm":
                msg = f"boto3_client must be an SSM client, got {boto3_client!r}"
                raise TypeError(msg)
            self._boto3_client = boto3_client
            self._request_facts = {}
            return
        self._request_facts = {}
        config = _with_user_agent(boto_config)
        try:
            if boto3_session is not None:
                self._boto3_client = boto3_session.client("ssm", config=config)
            else:
                self._boto3_client = boto3.client("ssm", config=config)
        except botocore.exceptions.NoRegionError as exc:
            msg = (
                "no AWS region for the SSM client: set AWS_DEFAULT_REGION, set "
                "region in the profile's ~/.aws/config, or pass "
                "boto3_session=boto3.Session(region_name=...)"
            )
            raise ConfigurationError(msg) from exc
        except (
            botocore.exceptions.InvalidRegionError,
            botocore.exceptions.ProfileNotFound,
        ) as exc:
            msg = f"cannot make the SSM client: {exc}"
            raise ConfigurationError(msg) from exc

    @property
    def boto3_client(self) -> SSMClient:
        """The boto3 SSM client every call goes through."""
        return self._boto3_client

    def __repr__(self) -> str:
        region = self._boto3_client.meta.region_name
        return f"{type(self).__name__}(region={region!r})"

    def _call(
        self,
        operation: str,
        params: Mapping[str, Any],
        extra: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Call an operation with the given members, leaving out the ``None`` ones.

        ``extra`` holds members the method has no argument for. The answer
        comes without boto3's ``ResponseMetadata``, which is not the
        service's result.
        """
        request = _request(params, extra)
        self._check_request(operation, request)
        result = invoke(self._boto3_client, operation, request)
        result.pop("ResponseMetadata", None)
        return result

    def _paginate(
        self,
        operation: str,
        params: Mapping[str, Any],
        extra: Mapping[str, Any] | None,
        result_key: str,
        item_type: Any,
        *,
        limit: int | None = None,
    ) -> Iterator[Any]:
        """Walk every page of an operation lazily, one page in memory at a time.

        ``limit`` stops the walk after that many items: the page that holds
        the last one is the last fetched.
        """
        if limit is not None and (isinstance(limit, bool) or limit < 0):
            msg = f"limit must be a number of items, 0 or more, got {limit!r}"
            raise ValidationError(msg, member="limit", rule="at least 0")
        if extra:
            walked = sorted(k for k in ("NextToken", "PaginationConfig") if k in extra)
            if walked:
                msg = (
                    f"extra_params: {', '.join(walked)}: the iterator walks the pages "
                    "itself; max_results= sets a page's size and limit= stops early"
                )
                raise ValidationError(msg, member="extra_params", rule="pages")
        request = _request(params, extra)
        self._check_request(operation, request)
        return self._walk(operation, request, result_key, item_type, limit)

    def _walk(
        self,
        operation: str,
        request: dict[str, Any],
        result_key: str,
        item_type: Any,
        limit: int | None,
    ) -> Iterator[Any]:
        if limit == 0:
            return
        paginator = self._boto3_client.get_paginator(xform_name(operation))  # type: ignore[call-overload]
        count = 0
        with translated(operation, self._boto3_client, request):
            for page in paginator.paginate(**request):
                for item in page.get(result_key, ()):
                    yield from_answer(item_type, item)
                    count += 1
                    if count == limit:
                        return

    def _check_request(self, operation: str, request: Mapping[str, Any]) -> None:
        """What botocore cannot know is wrong with a request, refused before it.

        The mask's placeholder where a sensitive value is sent stands for a
        value that was hidden: sent, it would replace the secret. A schedule
        is checked against AWS's documented syntax. Each is found from facts
        of the operation worked out once, so a call that has neither costs a
        lookup.
        """
        facts = self._request_facts.get(operation)
        if facts is None:
            facts = self._request_facts[operation] = _request_facts(
                self._boto3_client, operation
            )
        sensitive, scheduled = facts
        for name, shape in sensitive:
            value = request.get(name)
            if value is not None:
                from ssmkit._validate import attribute_name, check_no_placeholder

                check_no_placeholder(value, shape, attribute_name(name))
        batch = operation == "CreateAssociationBatch"
        if not scheduled and not batch:
            return
        # Loaded with the first call that holds a schedule, not the client.
        from ssmkit._schedules import check_request_schedule

        for name in scheduled:
            check_request_schedule(request, name)
        if batch:
            for entry in request.get("Entries") or ():
                if isinstance(entry, dict):
                    check_request_schedule(entry, "ScheduleExpression")

    @staticmethod
    def _member(result: Mapping[str, Any], operation: str, key: str) -> Any:
        try:
            return result[key]
        except KeyError:
            msg = f"{operation} answered without {key}"
            raise UnexpectedResponseError(msg) from None
