"""ssmkit: typed AWS Systems Manager client whose updates touch only what you name."""

from . import errors, models
from ._client import Client
from ._convert import from_boto, make_converter, to_boto
from ._version import __version__
from .errors import SSMKitError

__all__ = [
    "Client",
    "SSMKitError",
    "__version__",
    "errors",
    "from_boto",
    "make_converter",
    "models",
    "to_boto",
]
