"""``python -m ssmkit``: the ssmkit command."""

from __future__ import annotations

import sys


def run() -> int:
    """Run the command, or say how to install what it needs.

    The arguments are parsed first, so ``--help`` and a usage error answer
    without loading the command itself.
    """
    from .cli._parser import build_parser

    args = build_parser().parse_args()
    try:
        from .cli._main import run as run_command  # the command's extra is optional
    except ImportError as exc:
        print(
            f"ssmkit: error: the command needs ssmkit's cli extra ({exc.name} is "
            "missing): install ssmkit with it, as pip install '.[cli]' in a checkout",
            file=sys.stderr,
        )
        return 2
    return run_command(args)


if __name__ == "__main__":
    raise SystemExit(run())
