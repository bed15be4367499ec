"""The pytest fixtures ``ssm`` and ``ssm_server``, used as a user's tests use them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

USER_TESTS = """
import pytest
from botocore.exceptions import ClientError


def test_in_process(ssm):
    client = ssm.client()
    made = client.create_association(Name="AWS-RunShellScript")
    ssm.fail_next("DescribeAssociation", "AssociationDoesNotExist")
    with pytest.raises(ClientError):
        client.describe_association(
            AssociationId=made["AssociationDescription"]["AssociationId"]
        )
    assert ssm.operations == [
        "CreateAssociation", "DescribeAssociation"
    ]


def test_each_test_starts_empty(ssm):
    assert ssm.client().list_associations()["Associations"] == []


def test_over_http(ssm_server):
    client = ssm_server.client()
    client.create_association(Name="AWS-RunShellScript")
    assert ssm_server.url.startswith("http://127.0.0.1:")
    assert ssm_server.stand_in.operations[-1] == "CreateAssociation"
"""


def test_a_user_needs_no_setup_code(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(textwrap.dedent(USER_TESTS))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_without_moto_the_extra_to_install_is_named(tmp_path: Path) -> None:
    # moto hidden: what a project without the testing extra sees.
    code = (
        "import sys; sys.modules['moto'] = None\n"
        "try:\n"
        "    import ssmkit.testing\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == (
        "ssmkit.testing needs moto, which ssmkit's 'testing' extra installs "
        "(pip install '.[testing]' in a checkout of ssmkit)"
    )
    # The plugin itself loads without moto: pytest keeps working.
    plugin = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.modules['moto'] = None; import ssmkit._pytest_plugin",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert plugin.returncode == 0, plugin.stderr
