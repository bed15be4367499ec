"""pytest fixtures for the local SSM, registered when ssmkit is installed.

``ssm`` gives each test a fresh local SSM in process; ``ssm_server`` one
served over HTTP for the session, for the AWS CLI and other clients:

    def test_my_code_retries(ssm):
        client = ssm.client()
        ssm.fail_next("UpdateAssociation", "TooManyUpdates")
        ...

They need the ``testing`` extra (``pip install '.[testing]'`` in a checkout); this
module imports nothing from it until a fixture is used, so a project without
the extra is not affected.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ssmkit.testing import StandIn
    from ssmkit.testing.server import Server

__all__ = ["ssm", "ssm_server"]


@pytest.fixture
def ssm(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    """A local SSM for one test: moto's ``mock_aws`` with ssmkit's stand-in.

    Yields the ``ssmkit.testing.StandIn`` handle: ``.client()`` for a
    boto3 client, ``.fail_next()``, ``.fail_runs()``, ``.requests``. boto3
    clients made inside need no credentials; the region defaults to
    ``us-east-1``.
    """
    from ssmkit.testing import mock_ssm

    monkeypatch.setenv(
        "AWS_DEFAULT_REGION", os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    )
    with mock_ssm() as stand_in:
        yield stand_in


@pytest.fixture(scope="session")
def ssm_server() -> Iterator[Server]:
    """The local SSM over HTTP on 127.0.0.1 for the whole session.

    Yields the ``ssmkit.testing.server.Server``: ``.url`` for
    ``--endpoint-url``, ``.client()``, and ``.stand_in``. Its state lasts the
    session: give each test its own names.
    """
    from ssmkit.testing.server import Server

    with Server() as server:
        yield server
