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
``POST /ssmkit-api/run-maintenance-window``
    ``{"window_id": "mw-...", "region": "us-east-1"}``: answers
    ``{"WindowExecutionId": ...}``.
``GET /ssmkit-api/requests``
    ``{"requests": [{"operation": ..., "params": {...}}]}``, every request
    served, blobs in base64.

Each answers JSON; a bad body gets a 400 with ``{"error": "..."}``.
"""

from __future__ import annotations

import argparse
import base64
import errno
import json
import logging
import signal
import socket
import sys
import threading
from typing import TYPE_CHECKING, Any

try:
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server
except ImportError as exc:  # pragma: no cover - tested in a process without flask
    msg = (
        "the local SSM server needs moto's server, which the 'testing' extra "
        "installs: pip install 'ssmkit[testing]'"
    )
    raise ImportError(msg, name=exc.name) from exc

from . import StandIn
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

    Raises:
        OSError: From ``start``, when the port cannot be bound.
    """

    def __init__(self, port: int = 0) -> None:
        self._port = port
        self.stand_in = StandIn()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The endpoint URL, once started."""
        assert self._server is not None, "start() the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Server:
        """Bind the port and serve; connections are accepted once this returns."""
        _check_free(self._port)
        install(self.stand_in)
        try:
            # Bound here, in the caller's thread: the URL works once we return.
            self._server = make_server(
                "127.0.0.1",
                self._port,
                _Control(
                    self.stand_in, DomainDispatcherApplication(create_backend_app)
                ),
                threaded=True,
                request_handler=MotoRequestHandler,
            )
        except BaseException:
            uninstall(self.stand_in)
            raise
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
            self._server = self._thread = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _check_free(port: int) -> None:
    """Raise OSError if the port cannot be bound (werkzeug would exit instead)."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))


def _moto_app() -> Any:
    return DomainDispatcherApplication(create_backend_app)


#: The control endpoint's prefix, beside moto's own /moto-api/.
CONTROL = "/ssmkit-api/"


class _Control:
    """A WSGI app: the control endpoint, and moto's server for the rest."""

    def __init__(self, stand_in: StandIn, moto: Any) -> None:
        self._stand_in = stand_in
        self._moto = moto

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        if not path.startswith(CONTROL):
            return self._moto(environ, start_response)  # type: ignore[no-any-return]
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            status, answer = self._handle(method, path[len(CONTROL) :], environ)
        except (ValueError, KeyError, TypeError) as exc:
            status, answer = 400, {"error": str(exc) or type(exc).__name__}
        body = json.dumps(answer).encode()
        start_response(
            f"{status} {'OK' if status == 200 else 'Error'}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]

    def _handle(
        self, method: str, action: str, environ: dict[str, Any]
    ) -> tuple[int, Any]:
        if (method, action) == ("GET", "requests"):
            return 200, {
                "requests": [
                    {"operation": r.operation, "params": _plain(r.params)}
                    for r in self._stand_in.requests
                ]
            }
        if method != "POST" or action not in _ACTIONS:
            return 404, {"error": f"no {method} {CONTROL}{action}"}
        size = int(environ.get("CONTENT_LENGTH") or 0)
        given = json.loads(environ["wsgi.input"].read(size) or b"{}")
        if not isinstance(given, dict):
            msg = "expected a JSON object"
            raise ValueError(msg)
        return 200, _ACTIONS[action](self._stand_in, given)


def _fail(stand_in: StandIn, given: dict[str, Any]) -> Any:
    stand_in.fail_next(
        str(given["operation"]),
        str(given["code"]),
        times=int(given.get("times", 1)),
        after=int(given.get("after", 0)),
        message=given.get("message"),
    )
    return {}


def _fail_runs(stand_in: StandIn, given: dict[str, Any]) -> Any:
    ids = given["resource_ids"]
    if not isinstance(ids, list):
        msg = "resource_ids: expected a list of managed node ids"
        raise TypeError(msg)
    stand_in.fail_runs(ids, **_where(given))
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
    "run-maintenance-window": _run_window,
}


def _plain(value: Any) -> Any:
    """A request's members in JSON types: blobs in base64, dates in ISO 8601."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if hasattr(value, "isoformat"):
        return value.isoformat()
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
    try:
        numbers = [int(p) for p in parts[2:]]
    except ValueError:
        msg = f"TIMES and AFTER must be whole numbers in {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    times, after = (numbers + [1, 0][len(numbers) :])[:2]
    return parts[0], parts[1], times, after


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
    args = parser.parse_args(argv)
    # One line per request on stderr drowns what matters; errors still show.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    # Explicit, so Ctrl-C works even where the shell started us with SIGINT ignored.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    server = Server(port=args.port)
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
        print(server.url, flush=True)
        stopping.wait()
    finally:
        server.stop()
    print("stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
