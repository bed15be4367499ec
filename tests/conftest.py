from __future__ import annotations

import os
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, settings

from . import command
from .standin import boto, server, stand_in, window  # noqa: F401  (fixtures)

if TYPE_CHECKING:
    import pytest

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# For mutation testing, where every mutant runs the tests that reach it.
settings.register_profile(
    "quick", max_examples=10, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--command-in-process",
        action="store_true",
        help="run the ssmkit command in the tests' own process (mutation testing)",
    )


def pytest_configure(config: pytest.Config) -> None:
    command.IN_PROCESS = bool(config.getoption("--command-in-process"))
