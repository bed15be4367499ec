"""Typed models: build an association's description from boto3's dict and back.

Run it: ``python docs/examples/models.py``
"""

from __future__ import annotations

import datetime

import attrs

import ssmkit
from ssmkit.models import (
    AlarmConfiguration,
    AssociationDescription,
    AssociationStatusName,
)

# What boto3's describe_association() returns under "AssociationDescription".
raw = {
    "Name": "AWS-RunPatchBaseline",
    "AssociationId": "8dfe3659-4309-493a-8755-0123456789ab",
    "AssociationVersion": "3",
    "Date": datetime.datetime(2026, 11, 1, 9, 30, tzinfo=datetime.timezone.utc),
    "Status": {
        "Date": datetime.datetime(2026, 11, 1, 9, 31, tzinfo=datetime.timezone.utc),
        "Name": "Success",
        "Message": "Associated with 12 targets",
    },
    "Targets": [{"Key": "tag:Patch", "Values": ["weekly"]}],
    "ScheduleExpression": "cron(0 2 ? * SUN *)",
    "Parameters": {"Operation": ["Install"]},
    "AlarmConfiguration": {"Alarms": [{"Name": "patching-errors"}]},
    "SomeMemberFromTheFuture": "is kept, never an error",
}

association = ssmkit.from_boto(AssociationDescription, raw)
assert association.status is not None
print(
    association.association_id, association.status.name is AssociationStatusName.SUCCESS
)
print(repr(association.targets))
print("Parameters kept out of repr:", "Install" not in repr(association))

# Models are frozen; change one with attrs.evolve and convert back.
louder = attrs.evolve(
    association,
    alarm_configuration=AlarmConfiguration(
        alarms=[*association.alarm_configuration.alarms]
        if association.alarm_configuration
        else [],
        ignore_poll_alarm_failure=False,
    ),
)
wire = ssmkit.to_boto(louder)
print(wire["AlarmConfiguration"])

# Frozen all the way down: lists are tuples, maps frozen, and models hashable.
assert association.targets is not None
assert association.targets[0].values == ("weekly",)
print(len({association, louder, association}), "distinct descriptions")
