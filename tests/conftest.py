from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from .standin import boto, server, stand_in, window  # noqa: F401  (fixtures)

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
