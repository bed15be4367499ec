"""Serve the stand-in SSM over HTTP on 127.0.0.1.

Run it::

    python -m ssmkit.testing.server --port 5055

then point any SDK or the CLI at it with ``--endpoint-url http://127.0.0.1:5055``
(any access key works). It prints its URL on the first line and stops cleanly on
Ctrl-C. ``--fail OPERATION:CODE[:TIMES[:AFTER]]`` injects faults, as
:meth:`ssmkit.testing.StandIn.fail_next` does in process.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from typing import TYPE_CHECKING

from moto.server import ThreadedMotoServer

from . import StandIn
from ._patch import install, uninstall

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import FrameType

__all__ = ["Server", "main"]


class Server:
    """The stand-in served over HTTP, started and stopped in process.

    Args:
        port: The TCP port on 127.0.0.1; 0 picks a free one.
    """

    def __init__(self, port: int = 0) -> None:
        self._server = ThreadedMotoServer(
            ip_address="127.0.0.1", port=port, verbose=False
        )
        self.stand_in = StandIn()
        self._started = False

    @property
    def url(self) -> str:
        """The endpoint URL, once started."""
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"

    def start(self) -> Server:
        install(self.stand_in)
        self._server.start()
        self._started = True
        return self

    def stop(self) -> None:
        if self._started:
            self._server.stop()
            uninstall(self.stand_in)
            self._started = False

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


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
        "--port", type=int, default=5055, help="TCP port (0: any free one)"
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
    with Server(port=args.port) as server:
        for operation, code, times, after in args.fail:
            server.stand_in.fail_next(operation, code, times=times, after=after)
        print(server.url, flush=True)
        stopping.wait()
    print("stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
