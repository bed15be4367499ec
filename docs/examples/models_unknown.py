"""A member newer than ssmkit's models is kept, at any depth, and goes back."""

import ssmkit
from ssmkit.models import AssociationDescription

raw = {
    "Name": "AWS-RunPatchBaseline",
    "AssociationId": "8dfe3659-4309-493a-8755-0123456789ab",
    "Targets": [{"Key": "tag:Patch", "Values": ["weekly"], "Weight": 3}],
    "SomeMemberFromTheFuture": "is kept, never an error",
}
association = ssmkit.from_boto(AssociationDescription, raw)
print(association.unknown_members)  # {'SomeMemberFromTheFuture': 'is kept, ...'}
assert association.targets is not None
print(association.targets[0].unknown_members)  # {'Weight': 3}
assert ssmkit.to_boto(association) == raw
