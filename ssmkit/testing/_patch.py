"""Teach moto's SSM responses the operations it lacks, while anyone needs them."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from botocore import xform_name
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, EmptyResult
from moto.ssm.responses import SimpleSystemManagerResponse

from . import _organization
from ._checks import Refused, check_request, read_body
from ._documents import (
    ServiceFault,
    describe_managed,
    filters_of,
    get_managed,
    list_managed,
    managed,
    matches,
)
from ._service import MODEL, Service, fail, page, service_for

if TYPE_CHECKING:
    from botocore.model import Shape

    from . import StandIn

__all__ = ["install", "uninstall"]

Handler = Callable[[SimpleSystemManagerResponse], Any]

#: Operations served wholly by the stand-in (moto lacks them, or drops members).
_OWN = (
    "create_association",
    "create_association_batch",
    "delete_association",
    "describe_association",
    "describe_association_execution_targets",
    "describe_association_executions",
    "describe_automation_executions",
    "describe_effective_instance_associations",
    "describe_instance_associations_status",
    "describe_maintenance_window_execution_tasks",
    "get_automation_execution",
    "get_maintenance_window_execution_task",
    "list_association_versions",
    "list_associations",
    "start_associations_once",
    "start_automation_execution",
    "stop_automation_execution",
    "update_association",
    "update_association_status",
)
#: Maintenance window task operations, which need moto's windows to exist.
_TASKS = (
    "deregister_task_from_maintenance_window",
    "describe_maintenance_window_tasks",
    "get_maintenance_window_task",
    "register_task_with_maintenance_window",
    "update_maintenance_window_task",
)

#: Window, window target and patch baseline operations, served from moto's
#: objects by the stand-in.
_KEPT_BY_MOTO = (
    "create_maintenance_window",
    "deregister_target_from_maintenance_window",
    "describe_maintenance_window_targets",
    "get_maintenance_window",
    "get_patch_baseline",
    "update_maintenance_window",
    "update_maintenance_window_target",
    "update_patch_baseline",
)

#: Tag operations: the stand-in keeps the tags of the resources it serves.
_TAGS = ("add_tags_to_resource", "list_tags_for_resource", "remove_tags_from_resource")

#: Document operations: the stand-in answers for the managed documents.
_DOCUMENTS = ("create_document", "describe_document", "get_document", "list_documents")

#: Served by the stand-in (the tag operations whatever the resource type, the
#: document operations whatever the document), so checked as the service
#: checks them; what moto serves (commands among them) keeps moto's behaviour.
_CHECKED = frozenset(
    name
    for name in MODEL.operation_names
    if xform_name(name) in (*_OWN, *_TASKS, *_KEPT_BY_MOTO, *_TAGS, *_DOCUMENTS)
)

_lock = threading.Lock()
_users: list[StandIn] = []
_MISSING = object()
#: What each patched name resolved to before: the patches delegate to these.
_delegate: dict[str, Any] = {}
#: What the class itself held under each name, put back by uninstall().
_restore: dict[str, Any] = {}


def members(response: SimpleSystemManagerResponse) -> dict[str, Any]:
    """The request's members as the service reads them.

    The JSON protocol carries blobs (a Lambda task's ``Payload``) as base64
    text; they are decoded here, so what is stored is the bytes the caller
    sent, and moto's serializer encodes them once on the way back.
    """
    # Read and checked whole by _call_action first.
    request: dict[str, Any] = read_body(response.body or "")
    target = response.headers.get("X-Amz-Target", "")
    operation = target.rpartition(".")[2]
    if operation in MODEL.operation_names:
        shape = MODEL.operation_model(operation).input_shape
        if shape is not None:
            request = _blobs_decoded(request, shape)
    return request


def _blobs_decoded(value: Any, shape: Shape) -> Any:
    kind = shape.type_name
    if kind == "blob" and isinstance(value, str):
        return base64.b64decode(value)
    if kind == "structure" and isinstance(value, dict):
        members = shape.members  # type: ignore[attr-defined]
        return {
            k: _blobs_decoded(v, members[k]) if k in members else v
            for k, v in value.items()
        }
    if kind == "list" and isinstance(value, list):
        return [_blobs_decoded(v, shape.member) for v in value]  # type: ignore[attr-defined]
    if kind == "map" and isinstance(value, dict):
        return {k: _blobs_decoded(v, shape.value) for k, v in value.items()}  # type: ignore[attr-defined]
    return value


def _service(response: SimpleSystemManagerResponse) -> Service:
    return service_for(response.ssm_backend)


def _answer(result: dict[str, Any]) -> ActionResult:
    return ActionResult(result) if result else EmptyResult()


def _own(name: str) -> Handler:
    def handler(self: SimpleSystemManagerResponse) -> ActionResult:
        service = _service(self)
        with service.lock:
            service.settle()  # runs under way read as they are now
            return _answer(getattr(service, name)(members(self)))

    handler.__name__ = name
    return handler


def _task(name: str) -> Handler:
    def handler(self: SimpleSystemManagerResponse) -> ActionResult:
        service = _service(self)
        with service.lock:
            windows = self.ssm_backend.windows
            return _answer(getattr(service, name)(members(self), windows))

    handler.__name__ = name
    return handler


def _kept_by_moto(name: str) -> Handler:
    def handler(self: SimpleSystemManagerResponse) -> ActionResult:
        service = _service(self)
        with service.lock:
            return _answer(getattr(service, name)(members(self), self.ssm_backend))

    handler.__name__ = name
    return handler


def _tags(name: str) -> Handler:
    def handler(self: SimpleSystemManagerResponse) -> Any:
        request = members(self)
        if request.get("ResourceType") not in Service.TAGGED:
            return _delegate[name](self)
        service = _service(self)
        with service.lock:
            return _answer(getattr(service, name)(request))

    handler.__name__ = name
    return handler


def _unset_dropped(answer: dict[str, Any]) -> dict[str, Any]:
    # AWS answers unset string members of commands and invocations as ""
    # (OutputS3BucketName, ServiceRole, Comment, StandardErrorContent; see
    # AWS's list-commands and get-command-invocation examples), whatever the
    # model's length limits say; only members with no value are left out.
    return {k: v for k, v in answer.items() if v is not None}


def _send_command(self: SimpleSystemManagerResponse) -> ActionResult:
    # moto drops AlarmConfiguration; the stand-in keeps it with the command.
    result = _delegate["send_command"](self)
    command = _unset_dropped(result.result["Command"])
    service = _service(self)
    with service.lock:
        service.remember_command_alarms(command, members(self))
        service.time_command(command["CommandId"])
        service.show_timed(command)
        service.show_cancelled(command)
    return ActionResult({"Command": command})


def _list_commands(self: SimpleSystemManagerResponse) -> ActionResult:
    result = _delegate["list_commands"](self)
    service = _service(self)
    commands = [_unset_dropped(command) for command in result.result["Commands"]]
    for command in commands:
        service.add_command_alarms(command)
        service.show_timed(command)
        service.show_cancelled(command)
    return ActionResult({**result.result, "Commands": commands})


def _get_command_invocation(self: SimpleSystemManagerResponse) -> ActionResult:
    service = _service(self)
    if service.unseen_yet(members(self).get("CommandId", "")):
        raise fail(
            "InvocationDoesNotExist",
            "The command id and managed node id you specified didn't match any "
            "invocations. Verify the command id and the managed node id and try "
            "again.",
        )
    result = _delegate["get_command_invocation"](self)
    invocation = _unset_dropped(result.result)
    service.show_timed(invocation)
    service.show_cancelled(invocation)
    return ActionResult(invocation)


def _list_command_invocations(self: SimpleSystemManagerResponse) -> ActionResult:
    params = members(self)
    backend = self.ssm_backend
    service = _service(self)
    commands = backend.list_commands(params.get("CommandId"), params.get("InstanceId"))
    invocations = []
    for command in commands:
        if service.unseen_yet(command.command_id):
            continue  # as AWS, right after SendCommand: none listed yet
        for invocation in command.invocations:
            if params.get("InstanceId") in (None, invocation["InstanceId"]):
                found = _unset_dropped(invocation)
                found["CommandId"] = command.command_id
                service.show_cancelled(found)
                found["RequestedDateTime"] = command.requested_date_time
                found["DocumentVersion"] = "$DEFAULT"
                if params.get("Details"):
                    found["CommandPlugins"] = [
                        {
                            "Name": invocation["PluginName"],
                            "Status": found["Status"],
                            "ResponseCode": invocation["ResponseCode"],
                            "Output": invocation.get("StandardOutputContent", ""),
                        }
                    ]
                service.show_timed(found)
                invocations.append(found)
    return ActionResult(page(invocations, params, "CommandInvocations"))


def _cancel_command(self: SimpleSystemManagerResponse) -> ActionResult:
    params = members(self)
    command = self.ssm_backend.get_command_by_id(params["CommandId"])
    # CancelCommand: "Attempts to cancel the command specified by the Command ID.
    # There is no guarantee that the command will be terminated and the
    # underlying process stopped." InstanceIds: "(Optional) A list of managed
    # node IDs on which you want to cancel the command. If not provided, the
    # command is canceled on every node on which it was requested."
    everywhere = [i["InstanceId"] for i in command.invocations]
    service = _service(self)
    with service.lock:
        service.cancel(
            command.command_id, params.get("InstanceIds") or everywhere, everywhere
        )
    return EmptyResult()


#: Statuses AWS answers its server-side faults with; every other error is a
#: 400, throttling included, so botocore's retry modes see what AWS sends.
_STATUS = {
    "InternalServerError": 500,
    "InternalFailure": 500,
    "ServiceUnavailable": 503,
}


def _refusal(code: str, message: str, status: int | None = None) -> Any:
    """An error answer as the JSON protocol carries it."""
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "x-amzn-RequestId": str(uuid.uuid4()),
    }
    body = json.dumps({"__type": code, "message": message})
    return status or _STATUS.get(code, 400), headers, body


def _call_action(self: SimpleSystemManagerResponse) -> Any:
    target = self.headers.get("X-Amz-Target") or ""
    if not target:
        return _refusal("UnknownOperationException", "No X-Amz-Target header given.")
    operation = target.rpartition(".")[2]
    if not _organization.region_enabled(self.current_account, self.region):
        # A Region the account has not enabled: as AWS answers there.
        return _refusal(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        )
    if operation not in MODEL.operation_names:
        message = f"Unknown operation {operation}."
        return _refusal("UnknownOperationException", message)
    try:
        raw = read_body(self.body or "")
    except Refused as exc:
        return _refusal(exc.code, exc.message)
    if not isinstance(raw, dict):
        return _refusal("SerializationException", "The request body is not an object.")
    # The stand-in's own operations are checked as the service checks them,
    # whatever the client checked; moto's keep moto's constraints, but a member
    # of the wrong type is refused for every operation, as AWS refuses it, and
    # never stored as some other value.
    try:
        check_request(raw, MODEL.operation_model(operation).input_shape)
    except Refused as exc:
        if operation in _CHECKED or exc.code == "SerializationException":
            return _refusal(exc.code, exc.message)
    try:
        for user in list(_users):
            user._before(operation, members(self), self.current_account, self.region)
    except ServiceException as exc:
        return _refusal(exc.code, exc.message)
    try:
        return _delegate["call_action"](self)
    except NotImplementedError:
        message = f"The local SSM does not serve {operation}."
        return _refusal("NotImplemented", message, 501)


# -- the managed documents ------------------------------------------------------------
# "AWS provides predefined documents ... owned by Amazon": every account sees
# them. moto starts with none, so the catalogued ones are answered here, and
# a document the account made itself is moto's to answer.


def _describe_document(self: SimpleSystemManagerResponse) -> Any:
    params = members(self)
    name = str(params.get("Name", ""))
    if not managed(self.ssm_backend, name):
        return _delegate["describe_document"](self)
    try:
        return ActionResult(describe_managed(name, params))
    except ServiceFault as exc:
        raise fail(exc.code, exc.message) from None


def _get_document(self: SimpleSystemManagerResponse) -> Any:
    params = members(self)
    name = str(params.get("Name", ""))
    if not managed(self.ssm_backend, name):
        return _delegate["get_document"](self)
    try:
        return ActionResult(get_managed(name, params))
    except ServiceFault as exc:
        raise fail(exc.code, exc.message) from None


#: CreateDocument, Name: "You can't use the following strings as document name
#: prefixes. These are reserved by Amazon Web Services for use as document name
#: prefixes: aws, amazon, amzn, AWSEC2, AWSConfigRemediation, AWSSupport".
_RESERVED = ("aws", "amazon", "amzn")


def _create_document(self: SimpleSystemManagerResponse) -> Any:
    name = str(members(self).get("Name", ""))
    if name.lower().startswith(_RESERVED):
        message = (
            f"The document name {name} is not valid: aws, amazon, amzn, AWSEC2, "
            "AWSConfigRemediation and AWSSupport are reserved name prefixes."
        )
        raise fail("ValidationException", message)
    return _delegate["create_document"](self)


def _list_documents(self: SimpleSystemManagerResponse) -> Any:
    """The account's documents, then the managed ones, in pages."""
    params = members(self)
    backend = self.ssm_backend
    try:
        filters = filters_of(params)
    except ServiceFault as exc:
        raise fail(exc.code, exc.message) from None
    own = []
    for _, documents in sorted(backend._documents.items()):
        document = documents.get_default_version()
        entry = document.list_describe(tags=backend._get_documents_tags(document.name))
        if matches(entry, filters, backend.account_id):
            own.append(entry)
    taken = {d["Name"] for d in own}
    every = own + [d for d in list_managed(filters) if d["Name"] not in taken]
    return ActionResult(page(every, params, "DocumentIdentifiers", limit=10))


def _patches() -> dict[str, Any]:
    patches: dict[str, Any] = {name: _own(name) for name in _OWN}
    patches.update({name: _task(name) for name in _TASKS})
    patches.update({name: _tags(name) for name in _TAGS})
    patches.update({name: _kept_by_moto(name) for name in _KEPT_BY_MOTO})
    patches.update(
        send_command=_send_command,
        list_commands=_list_commands,
        get_command_invocation=_get_command_invocation,
        list_command_invocations=_list_command_invocations,
        cancel_command=_cancel_command,
        create_document=_create_document,
        describe_document=_describe_document,
        get_document=_get_document,
        list_documents=_list_documents,
        call_action=_call_action,
    )
    return patches


def install(user: StandIn) -> None:
    """Patch moto's SSM responses, once for all users."""
    with _lock:
        if not _users:
            _organization.install()
            cls = SimpleSystemManagerResponse
            for name, patch in _patches().items():
                _delegate[name] = getattr(cls, name, None)
                _restore[name] = cls.__dict__.get(name, _MISSING)
                setattr(cls, name, patch)
        _users.append(user)


def uninstall(user: StandIn) -> None:
    """Undo the patches when the last user is done."""
    with _lock:
        _users.remove(user)
        if _users:
            return
        cls = SimpleSystemManagerResponse
        for name, original in _restore.items():
            if original is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, original)
        _restore.clear()
        _delegate.clear()
        _organization.uninstall()
