"""Every example in the docs runs, so none can rot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "docs" / "examples").glob("*.py"))


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(example: Path) -> None:
    # An example of pytest tests runs as pytest runs it, with ssmkit's fixtures.
    tests = "\ndef test_" in example.read_text(encoding="utf-8")
    runner = ["-m", "pytest", "-q", "-p", "no:cacheprovider"] if tests else []
    result = subprocess.run(
        [sys.executable, *runner, str(example)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=example.parent,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
