"""``python -m ssmkit``: the ssmkit command."""

from __future__ import annotations

import sys


def run() -> int:
    """Run the command, or say how to install what it needs."""
    try:
        from .cli import main  # the command's extra is optional
    except ImportError as exc:
        print(
            f"ssmkit: error: the command needs its extra ({exc.name} is missing): "
            "pip install 'ssmkit[cli]'",
            file=sys.stderr,
        )
        return 2
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
