"""``ssmkit.CLEAR``: the value that removes a member in a safe update."""

from __future__ import annotations

import enum

__all__ = ["CLEAR", "Clear"]


class Clear(enum.Enum):
    """The type of ``CLEAR``, for annotations."""

    CLEAR = "CLEAR"

    def __repr__(self) -> str:
        return "ssmkit.CLEAR"


#: Pass as a change to remove the member:
#: ``client.update_association(association_id, output_location=CLEAR)``.
CLEAR = Clear.CLEAR
