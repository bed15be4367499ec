"""The facade application code imports: ``ssmkit.Client``."""

from __future__ import annotations

from ._operations import Operations

__all__ = ["Client"]


class Client(Operations):
    """A typed SSM client over boto3: one method per operation, models in and out.

    Build it with nothing (boto3's default session), a session and/or a
    botocore ``Config``, or a ready boto3 SSM client::

        client = ssmkit.Client()
        client = ssmkit.Client(boto3_session=session, boto_config=config)
        client = ssmkit.Client(boto3_client=boto3.client("ssm"))

    Method names match boto3's. A ``Client`` is as thread-safe as the boto3
    client under it. Throttling is retried by botocore's own retry modes; the
    caller's ``Config`` decides how.
    """
