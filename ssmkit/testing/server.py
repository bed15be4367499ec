"""Serve the stand-in SSM over HTTP on 127.0.0.1.

Run it::

    python -m ssmkit.testing.server --port 5055

then point any SDK or the CLI at it with ``--endpoint-url http://127.0.0.1:5055``
(any access key works). It prints its URL on the first line once it accepts
connections, and stops cleanly on Ctrl-C or SIGTERM. A busy port or one out of
range ends it at once with one line and exit status 2.

Faults and runs are set at start-up (``--fail OPERATION:CODE[:TIMES[:AFTER]]``,
as ``ssmkit.testing.StandIn.fail_next`` does in process) or while it runs,
through the control endpoint beside moto's own ``/moto-api/``:

``POST /ssmkit-api/fail``
    ``{"operation": "UpdateAssociation", "code": "TooManyUpdates", "times": 2,
    "after": 0, "message": "..."}``: ``ssmkit.testing.StandIn.fail_next``.
``POST /ssmkit-api/fail-runs``
    ``{"resource_ids": ["i-0123456789abcdef0"], "region": "us-east-1"}``:
    ``ssmkit.testing.StandIn.fail_runs``.
``POST /ssmkit-api/run-duration``
    ``{"seconds": 30, "region": "us-east-1"}``:
    ``ssmkit.testing.StandIn.set_run_duration``.
``POST /ssmkit-api/run-maintenance-window``
    ``{"window_id": "mw-...", "region": "us-east-1"}``: answers
    ``{"WindowExecutionId": ...}``.
``POST /ssmkit-api/latency``
    ``{"seconds": 0.02}``: each API call answered that much later, as
    ``--latency`` does at start-up; calls side by side wait side by side.
``GET /ssmkit-api/requests``
    ``{"requests": [{"operation": ..., "params": {...}}]}``, every request
    served, blobs in base64, dates in seconds since the epoch as sent.

Each answers JSON; a bad body gets a 400 with ``{"error": "..."}``.

Any web page the developer's browser opens can send requests to 127.0.0.1, so
these, and moto's ``/moto-api/``, are served only with a ``Host`` of the
address the server is bound to (``127.0.0.1:PORT`` or ``localhost:PORT``),
and a ``POST`` only with ``Content-Type: application/json``; anything else is
403. Recorded requests are shown with sensitive members masked unless the
server was started with ``--show-sensitive``. An API request whose body is not
UTF-8 JSON, or nests deeper than 64 levels, is answered 400 in AWS's error
shape; a body over 8 MB is refused with 413 before it is read.
"""

from __future__ import annotations

import argparse
import base64
import errno
import io
import json
import logging
import signal
import socket
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

try:
    from moto.core.base_backend import BackendDict
    from moto.core.models import MockAWS
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server
except ImportError as exc:  # pragma: no cover - tested in a process without flask
    msg = (
        "the local SSM server needs moto's server, which ssmkit's 'testing' "
        "extra installs (pip install '.[testing]' in a checkout of ssmkit)"
    )
    raise ImportError(msg, name=exc.name) from exc

from . import StandIn
from ._checks import Refused, read_body
from ._patch import install, uninstall

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from types import FrameType

    from werkzeug.serving import BaseWSGIServer

__all__ = ["Server", "main"]


class Server:
    """The stand-in served over HTTP, started and stopped in process.

    Args:
        port: The TCP port on 127.0.0.1; 0 picks a free one.
        show_sensitive: Show sensitive members of recorded requests in clear
            at ``GET /ssmkit-api/requests``; masked by default.

    Raises:
        OSError: From ``start``, when the port cannot be bound.
    """

    def __init__(
        self, port: int = 0, *, show_sensitive: bool = False, latency: float = 0.0
    ) -> None:
        self._port = port
        self._show_sensitive = show_sensitive
        self.stand_in = StandIn()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._control: _Control | None = None
        self._latency = _checked_latency(latency)

    def set_latency(self, seconds: float) -> None:
        """Answer each API call this much later, as a network far away would."""
        self._latency = _checked_latency(seconds)
        if self._control is not None:
            self._control.latency = self._latency

    @property
    def url(self) -> str:
        """The endpoint URL, once started."""
        assert self._server is not None, "start() the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Server:
        """Bind the port and serve; connections are accepted once this returns.

        The first server of a process, or the first after every other one
        has stopped, starts from nothing, as ``mock_ssm`` does: no
        associations, windows or settings left by an earlier one. One started
        while another serves, or inside ``mock_ssm``, serves the same state.
        """
        _check_free(self._port)
        with _serving_lock:
            if not _serving and not MockAWS._nested_count:
                BackendDict.reset()
            _serving.add(self)
        install(self.stand_in)
        try:
            # Bound here, in the caller's thread: the URL works once we return.
            control = _Control(
                self.stand_in,
                _Moto(),
                show_sensitive=self._show_sensitive,
            )
            self._server = make_server(
                "127.0.0.1",
                self._port,
                control,
                threaded=True,
                request_handler=MotoRequestHandler,
            )
        except BaseException:
            uninstall(self.stand_in)
            with _serving_lock:
                _serving.discard(self)
            raise
        port = self._server.server_address[1]
        control.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        control.latency = self._latency
        self._control = control
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="ssmkit-server", daemon=True
        )
        self._thread.start()
        return self

    def client(self, region: str = "us-east-1", **kwargs: Any) -> Any:
        """A boto3 SSM client of this server, with throwaway credentials."""
        import boto3

        return boto3.client(
            "ssm",
            region_name=region,
            endpoint_url=self.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            **kwargs,
        )

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join()
            uninstall(self.stand_in)
            with _serving_lock:
                _serving.discard(self)
            self._server = self._thread = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


#: The servers serving in this process, which share moto's state.
_serving: set[Server] = set()
_serving_lock = threading.Lock()


def _check_free(port: int) -> None:
    """Raise OSError if the port cannot be bound (werkzeug would exit instead)."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))


class _Moto:
    """moto's server, with the app of each service it serves found once.

    moto's own dispatcher finds the app for each request anew, under one lock
    and with a listing of moto's package directory; at a few hundred calls a
    second that, not the service, was the server's work. A request signed for
    a service (the credential scope of its ``Authorization`` header) goes
    straight to that service's app; anything else to moto's dispatcher.
    """

    #: The services whose apps are found once: SSM, and what a run across the
    #: accounts of an organization calls besides.
    SERVICES = frozenset({"ssm", "sts", "organizations", "account", "iam"})

    def __init__(self) -> None:
        self._dispatcher = DomainDispatcherApplication(create_backend_app)
        self._apps: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        service = _signed_for(environ)
        if service not in self.SERVICES:
            return self._dispatcher(environ, start_response)  # type: ignore[no-any-return]
        app = self._apps.get(service)
        if app is None:
            with self._lock:
                app = self._apps.get(service)
                if app is None:
                    app = self._apps[service] = create_backend_app(service)  # type: ignore[arg-type]
        return app(environ, start_response)


def _for_ssm(environ: dict[str, Any]) -> bool:
    """Whether a request is for SSM, by its signature or its operation."""
    target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
    return target.startswith("AmazonSSM.") or _signed_for(environ) in (None, "ssm")


def _signed_for(environ: dict[str, Any]) -> str | None:
    """The service a request is signed for: ``ssm`` of ``Credential=K/D/R/ssm/...``."""
    header = str(environ.get("HTTP_AUTHORIZATION", ""))
    start = header.find("Credential=")
    if start < 0:
        return None
    scope = header[start + len("Credential=") :].split(",", 1)[0].split("/")
    return scope[3] if len(scope) == 5 else None


#: The control endpoint's prefix, beside moto's own /moto-api/.
CONTROL = "/ssmkit-api/"


#: The largest request body served, in bytes. AWS's largest SSM request is far
#: smaller ("The content of the document must not exceed 64KB"); a body above
#: this is refused with 413 from its Content-Length, before it is read.
MAX_BODY = 8 * 1024 * 1024


#: The paths that change or reveal the server's state: ssmkit's and moto's own.
_GUARDED = (CONTROL, "/moto-api/")
#: moto's pages that only read: served to a GET with the server's own Host.
_MOTO_READS = frozenset({"/moto-api/", "/moto-api/data.json"})


class _Control:
    """A WSGI app: the control endpoint, and moto's server for the rest.

    The server runs on a developer's machine, where any web page the browser
    opens can send it requests: a form post (``text/plain``, no preflight), or
    a page whose DNS name rebinds to 127.0.0.1. So control requests are
    served only with a ``Host`` naming the address the server is bound to, and
    those that change state only with ``Content-Type: application/json``,
    which no page can send without the browser asking first. Everything else
    is 403.
    """

    def __init__(
        self, stand_in: StandIn, moto: Any, *, show_sensitive: bool = False
    ) -> None:
        self._stand_in = stand_in
        self._moto = moto
        self._show_sensitive = show_sensitive
        self.hosts: set[str] = set()
        #: Seconds each API call waits before it is served.
        self.latency = 0.0

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        method = environ.get("REQUEST_METHOD", "GET")
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and origin not in {f"http://{h}" for h in self.hosts}:
            # A page of another site: SDKs and the CLI send no Origin, and a
            # browser always does across sites, so this is never a client.
            return _answer(start_response, 403, {"error": f"no requests from {origin}"})
        try:
            refused = _too_large(environ)
        except ValueError as exc:
            return _answer(start_response, 400, {"error": str(exc)})
        if refused is not None:
            return _answer(start_response, 413, {"error": refused})
        if path.startswith(_GUARDED):
            forbidden = self._forbidden(method, path, environ)
            if forbidden is not None:
                return _answer(start_response, 403, {"error": forbidden})
        if not path.startswith(CONTROL):
            bad = _unreadable(environ) if _for_ssm(environ) else None
            if bad is not None:
                return _answer(
                    start_response,
                    400,
                    {"__type": "SerializationException", "message": bad},
                    "application/x-amz-json-1.1",
                )
            if self.latency:
                time.sleep(self.latency)  # each call, side by side, as AWS's
            return _json_failures(self._moto, environ, start_response)
        try:
            status, answer = self._handle(method, path[len(CONTROL) :], environ)
        except KeyError as exc:  # a member missing, or a region unknown
            status, answer = 400, {"error": f"missing or unknown: {exc}"}
        except Exception as exc:  # a bad request, whatever broke: JSON, not HTML
            status, answer = 400, {"error": str(exc) or type(exc).__name__}
        return _answer(start_response, status, answer)

    def _forbidden(self, method: str, path: str, environ: dict[str, Any]) -> str | None:
        host = str(environ.get("HTTP_HOST", ""))
        if host not in self.hosts:
            return f"control requests are served only to Host {sorted(self.hosts)[0]}"
        kind = str(environ.get("CONTENT_TYPE", "")).split(";")[0].strip().lower()
        # moto changes state on some GETs (its recorder, its seed): only its
        # read-only pages are served to a GET, which an <img> can send.
        reads = method in ("GET", "HEAD") and (
            path.startswith(CONTROL) or path in _MOTO_READS
        )
        if not reads and kind != "application/json":
            return (
                "control requests that change state need Content-Type: application/json"
            )
        return None

    def _handle(
        self, method: str, action: str, environ: dict[str, Any]
    ) -> tuple[int, Any]:
        if method in ("GET", "HEAD") and action == "requests":
            # A HEAD is answered as a GET is, without the body.
            return 200, {
                "requests": [
                    {
                        "operation": r.operation,
                        "params": _plain(
                            r.params
                            if self._show_sensitive
                            else _masked(r.operation, r.params)
                        ),
                    }
                    for r in self._stand_in.requests
                ]
            }
        if (method, action) == ("POST", "latency"):
            given = _body(environ)
            self.latency = _checked_latency(given["seconds"])
            return 200, {}
        if method != "POST" or action not in _ACTIONS:
            return 404, {"error": f"no {method} {CONTROL}{action}"}
        return 200, _ACTIONS[action](self._stand_in, _body(environ))


def _body(environ: dict[str, Any]) -> dict[str, Any]:
    size = int(environ.get("CONTENT_LENGTH") or 0)
    given = json.loads(environ["wsgi.input"].read(size) or b"{}")
    if not isinstance(given, dict):
        msg = "expected a JSON object"
        raise ValueError(msg)
    return given


def _checked_latency(seconds: Any) -> float:
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, (int, float))
        or not 0 <= seconds <= 60
    ):
        msg = f"latency must be a number of seconds from 0 to 60, got {seconds!r}"
        raise ValueError(msg)
    return float(seconds)


def _answer(
    start_response: Callable[..., Any],
    status: int,
    answer: Any,
    kind: str = "application/json",
) -> list[bytes]:
    body = json.dumps(answer).encode()
    start_response(
        f"{status} {_REASONS.get(status, 'Error')}",
        [("Content-Type", kind), ("Content-Length", str(len(body)))],
    )
    return [body]


_REASONS = {
    200: "OK",
    500: "Internal Server Error",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    413: "Payload Too Large",
}


def _too_large(environ: dict[str, Any]) -> str | None:
    """Why the body is refused for its size, from its length alone; or None.

    Raises:
        ValueError: The length is not a number, or the chunks cannot be read.
    """
    text = str(environ.get("CONTENT_LENGTH") or "0")
    if not (text.isascii() and text.isdigit()):
        msg = f"Content-Length is not a length: {text[:20]!r}"
        raise ValueError(msg)
    length = int(text)
    if length > MAX_BODY:
        return f"the request body is larger than {MAX_BODY} bytes"
    if length == 0 and "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")):
        # No length to judge by: read at most the limit, and keep what was read.
        try:
            data = environ["wsgi.input"].read(MAX_BODY + 1)
        except Exception as exc:  # werkzeug's reader of malformed chunks
            msg = "the request's chunks cannot be read"
            raise ValueError(msg) from exc
        if len(data) > MAX_BODY:
            return f"the request body is larger than {MAX_BODY} bytes"
        environ["wsgi.input"] = io.BytesIO(data)
        environ["CONTENT_LENGTH"] = str(len(data))
    return None


def _json_failures(
    app: Any, environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    """moto's answer, but a failure of its own in AWS's JSON error shape.

    moto answers what it did not foresee with an HTML page and status 500; an
    SDK cannot read that. It becomes ``InternalFailure``, as AWS names it. A
    500 answered in JSON (a fault a test set, ``InternalServerError``) is
    the service's answer, and goes as it is.
    """
    held: list[Any] = []

    def hold(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
        held[:] = [status, headers]
        if _passed_on(status, headers):
            return start_response(status, headers, *rest)
        return lambda data: None

    try:
        body = app(environ, hold)
    except Exception:  # what moto raises rather than answers
        body, held[:] = [], ["500", []]
    if not held or _passed_on(*held):
        return body  # type: ignore[no-any-return]
    close = getattr(body, "close", None)
    if close is not None:
        close()
    return _answer(
        start_response,
        500,
        {"__type": "InternalFailure", "message": "The local SSM failed to serve this."},
        "application/x-amz-json-1.1",
    )


def _passed_on(status: str, headers: list[tuple[str, str]]) -> bool:
    """Whether an answer goes as it is: all but moto's own failures.

    Those are a status of 500 with a body that is not JSON.
    """
    if not status.startswith("500"):
        return True
    kind = next((v for k, v in headers if k.lower() == "content-type"), "")
    return "json" in kind.split(";")[0].lower()


def _unreadable(environ: dict[str, Any]) -> str | None:
    """Why an API request's body cannot be read as AWS's JSON protocol; or None.

    The body read here is put back for moto to read again.
    """
    if environ.get("REQUEST_METHOD") != "POST":
        return None
    size = int(environ.get("CONTENT_LENGTH") or 0)
    data = environ["wsgi.input"].read(size)
    environ["wsgi.input"] = io.BytesIO(data)
    try:
        read_body(data)
    except Refused as exc:
        return exc.message
    return None


def _masked(operation: str, params: dict[str, Any]) -> Any:
    """A recorded request with what the service model marks sensitive masked."""
    from botocore.model import OperationNotFoundError

    from .._mask import MASK, mask
    from ._service import MODEL

    try:
        shape = MODEL.operation_model(operation).input_shape
    except OperationNotFoundError:  # nothing to judge by: nothing shown
        return dict.fromkeys(params, MASK)
    return mask(params, shape)


def _fail(stand_in: StandIn, given: dict[str, Any]) -> Any:
    operation, code = given["operation"], given["code"]
    times, after = given.get("times", 1), given.get("after", 0)
    if not (isinstance(operation, str) and isinstance(code, str)):
        msg = "operation and code: expected text"
        raise TypeError(msg)
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (times, after)):
        msg = "times and after: expected whole numbers"
        raise TypeError(msg)
    message = given.get("message")
    if message is not None and not isinstance(message, str):
        msg = "message: expected text"
        raise TypeError(msg)
    stand_in.fail_next(operation, code, times=times, after=after, message=message)
    return {}


def _fail_runs(stand_in: StandIn, given: dict[str, Any]) -> Any:
    ids = given["resource_ids"]
    if not isinstance(ids, list):
        msg = "resource_ids: expected a list of managed node ids"
        raise TypeError(msg)
    stand_in.fail_runs(ids, **_where(given))
    return {}


def _run_duration(stand_in: StandIn, given: dict[str, Any]) -> Any:
    stand_in.set_run_duration(given["seconds"], **_where(given))
    return {}


def _run_window(stand_in: StandIn, given: dict[str, Any]) -> Any:
    execution = stand_in.run_maintenance_window(
        str(given["window_id"]), **_where(given)
    )
    return {"WindowExecutionId": execution}


def _where(given: dict[str, Any]) -> dict[str, str]:
    return {k: str(given[k]) for k in ("region", "account_id") if k in given}


_ACTIONS: dict[str, Callable[[StandIn, dict[str, Any]], Any]] = {
    "fail": _fail,
    "fail-runs": _fail_runs,
    "run-duration": _run_duration,
    "run-maintenance-window": _run_window,
}


def _plain(value: Any) -> Any:
    """A request's members in JSON types: blobs in base64.

    Dates are as the request carried them, seconds since the epoch.
    """
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    return value


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        msg = f"expected a port from 0 to 65535, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return port


def _fault(text: str) -> tuple[str, str, int, int]:
    parts = text.split(":")
    if len(parts) < 2 or len(parts) > 4 or not all(parts[:2]):
        msg = f"expected OPERATION:CODE[:TIMES[:AFTER]], got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    if not all(p.isascii() and p.isdigit() for p in parts[2:]):
        msg = f"TIMES and AFTER must be whole numbers in {text!r}"
        raise argparse.ArgumentTypeError(msg)
    numbers = [int(p) for p in parts[2:]]
    times, after = (numbers + [1, 0][len(numbers) :])[:2]
    if times < 1 or after < 0:
        msg = f"TIMES must be 1 or more and AFTER 0 or more in {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return parts[0], parts[1], times, after


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86_400:  # also refuses nan
        msg = f"{text!r} is not a number of seconds from 0 to 86400"
        raise argparse.ArgumentTypeError(msg)
    return seconds


def _latency(text: str) -> float:
    try:
        return _checked_latency(float(text))
    except ValueError:
        msg = f"{text!r} is not a number of seconds from 0 to 60"
        raise argparse.ArgumentTypeError(msg) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m ssmkit.testing.server",
        description="Serve ssmkit's local stand-in SSM over HTTP on 127.0.0.1.",
    )
    parser.add_argument(
        "--port", type=_port, default=5055, help="TCP port (0: any free one)"
    )
    parser.add_argument(
        "--fail",
        type=_fault,
        action="append",
        default=[],
        metavar="OPERATION:CODE[:TIMES[:AFTER]]",
        help="answer the next TIMES calls of OPERATION with CODE, after AFTER calls",
    )
    parser.add_argument(
        "--run-duration",
        type=_seconds,
        default=0.0,
        metavar="SECONDS",
        help="make association runs in us-east-1 take this long (default 0)",
    )
    parser.add_argument(
        "--latency",
        type=_latency,
        default=0.0,
        metavar="SECONDS",
        help="answer each API call this much later, as AWS far away would (default 0)",
    )
    parser.add_argument(
        "--show-sensitive",
        action="store_true",
        help="show sensitive members of recorded requests in clear at "
        "GET /ssmkit-api/requests (masked by default)",
    )
    args = parser.parse_args(argv)
    # One line per request on stderr drowns what matters; errors still show.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    # Explicit, so Ctrl-C works even where the shell started us with SIGINT ignored.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # A thread per connection, each call a short burst of work between two
    # waits on a socket: at the default 5 ms switch interval, a thread back
    # from its socket waits up to 5 ms for another's burst to yield.
    sys.setswitchinterval(0.0005)
    server = Server(
        port=args.port, show_sensitive=args.show_sensitive, latency=args.latency
    )
    try:
        server.start()
    except OSError as exc:
        why = (
            "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc})"
        )
        print(f"{parser.prog}: error: port {args.port} {why}", file=sys.stderr)
        return 2
    try:
        for operation, code, times, after in args.fail:
            server.stand_in.fail_next(operation, code, times=times, after=after)
        server.stand_in.set_run_duration(args.run_duration)
        print(server.url, flush=True)
        stopping.wait()
    finally:
        server.stop()
    print("stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
