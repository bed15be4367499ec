"""What is sensitive, found from the service model, and how it is masked."""

from __future__ import annotations

import botocore.session

from ssmkit._mask import MASK, holds_sensitive, is_sensitive, mask

MODEL = botocore.session.get_session().get_service_model("ssm")


def shape(name: str):  # type: ignore[no-untyped-def]
    return MODEL.shape_for(name)


def test_sensitivity_is_found_at_every_depth() -> None:
    assert is_sensitive(shape("Parameters"))
    assert not is_sensitive(shape("AssociationDescription"))
    assert holds_sensitive(shape("AssociationDescription"))
    assert holds_sensitive(shape("MaintenanceWindowTaskInvocationParameters"))
    assert holds_sensitive(shape("MaintenanceWindowLambdaParameters"))
    assert not holds_sensitive(shape("Target"))
    assert not holds_sensitive(shape("AlarmConfiguration"))
    assert not holds_sensitive(shape("MaintenanceWindowAutomationParameters"))
    # A list whose items hold something sensitive.
    assert holds_sensitive(shape("MaintenanceWindowTaskParametersList"))


def test_masking_keeps_map_keys_and_what_is_not_sensitive() -> None:
    task = {
        "Name": "visible",
        "Description": "secret",
        "TaskParameters": {"password": {"Values": ["secret"]}},
        "TaskInvocationParameters": {
            "RunCommand": {
                "Comment": "visible",
                "TimeoutSeconds": 600,
                "Parameters": {"commands": ["secret"]},
            },
            "Lambda": {"Payload": b"secret", "Qualifier": "1"},
            "Automation": {"Parameters": {"InstanceId": ["i-1"]}},
        },
        "Targets": [{"Key": "InstanceIds", "Values": ["i-1"]}],
        "Unknown": "kept",
    }
    masked = mask(task, shape("GetMaintenanceWindowTaskResult"))
    assert masked == {
        "Name": "visible",
        "Description": MASK,
        "TaskParameters": {"password": MASK},
        "TaskInvocationParameters": {
            "RunCommand": {
                "Comment": "visible",
                "TimeoutSeconds": 600,
                "Parameters": {"commands": MASK},
            },
            "Lambda": {"Payload": MASK, "Qualifier": "1"},
            "Automation": {"Parameters": {"InstanceId": ["i-1"]}},
        },
        "Targets": [{"Key": "InstanceIds", "Values": ["i-1"]}],
        "Unknown": "kept",
    }
    # Nothing is mutated, and what needs no masking is not copied.
    assert task["Description"] == "secret"
    assert masked["Targets"] is task["Targets"]
    assert (
        mask(task, shape("GetMaintenanceWindowTaskResult"), show_sensitive=True) is task
    )


def test_lists_of_structures_are_masked_item_by_item() -> None:
    tasks = [
        {"WindowTaskId": "t1", "Description": "secret"},
        {"WindowTaskId": "t2"},
    ]
    assert mask(tasks, shape("MaintenanceWindowTaskList")) == [
        {"WindowTaskId": "t1", "Description": MASK},
        {"WindowTaskId": "t2"},
    ]


def test_values_without_a_shape_or_absent_are_as_they_are() -> None:
    assert mask(None, shape("Parameters")) is None
    value = {"a": ["b"]}
    assert mask(value, None) is value
    assert mask("plain", shape("Parameters")) == MASK


def test_sensitivity_newer_than_this_model_is_found_where_it_hides() -> None:
    # Shapes the SSM model does not have today: a plain map of sensitive
    # values, a recursive structure, a list of structures holding a secret.
    from botocore.model import ServiceModel

    model = ServiceModel(
        {
            "metadata": {"protocol": "json", "apiVersion": "2014-11-06"},
            "operations": {},
            "shapes": {
                "Outer": {
                    "type": "structure",
                    "members": {
                        "Settings": {"shape": "Settings"},
                        "Node": {"shape": "Node"},
                        "Plain": {"shape": "Plain"},
                        "Accounts": {"shape": "Accounts"},
                    },
                },
                "Accounts": {
                    "type": "map",
                    "key": {"shape": "Plain"},
                    "value": {"shape": "Account"},
                },
                "Account": {
                    "type": "structure",
                    "members": {
                        "Name": {"shape": "Plain"},
                        "Key": {"shape": "Secret"},
                    },
                },
                "Settings": {
                    "type": "map",
                    "key": {"shape": "Plain"},
                    "value": {"shape": "Secret"},
                },
                "Node": {
                    "type": "structure",
                    "members": {
                        "Child": {"shape": "Node"},
                        "Name": {"shape": "Plain"},
                    },
                },
                "Plain": {"type": "string"},
                "Secret": {"type": "string", "sensitive": True},
            },
        }
    )
    outer = model.shape_for("Outer")
    assert holds_sensitive(outer)
    assert holds_sensitive(model.shape_for("Settings"))
    assert not holds_sensitive(model.shape_for("Node"))
    value = {
        "Settings": {"token": "secret"},
        "Node": {"Name": "n", "Child": {"Name": "m"}},
        "Plain": "p",
        "Accounts": {"prod": {"Name": "production", "Key": "secret"}},
    }
    assert mask(value, outer) == {
        "Settings": {"token": MASK},
        "Node": {"Name": "n", "Child": {"Name": "m"}},
        "Plain": "p",
        "Accounts": {"prod": {"Name": "production", "Key": MASK}},
    }
