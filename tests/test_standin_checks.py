"""The local SSM's request checks, word for word, for every kind of shape.

The service model's shapes are botocore's own (``ShapeResolver``), made here
with one member of each kind and each constraint the model uses: ``min`` and
``max`` (a length, or a value), ``pattern``, ``enum`` and ``required``. AWS
words a broken constraint as "Value '9' at 'scheduleOffset' failed to satisfy
constraint: Member must have value less than or equal to 6", and a value of
another JSON type as a ``SerializationException``.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from botocore.model import ShapeResolver

from ssmkit.testing._checks import Refused, check_request

SHAPES: dict[str, Any] = {
    "Request": {
        "type": "structure",
        "required": ["Name"],
        "members": {
            "Name": {"shape": "Name"},
            "Severity": {"shape": "Severity"},
            "Offset": {"shape": "Offset"},
            "Count": {"shape": "Count"},
            "Ratio": {"shape": "Ratio"},
            "Size": {"shape": "Size"},
            "Enabled": {"shape": "Flag"},
            "When": {"shape": "When"},
            "Data": {"shape": "Data"},
            "Targets": {"shape": "Targets"},
            "Parameters": {"shape": "Parameters"},
            "Nested": {"shape": "Nested"},
        },
    },
    "Name": {"type": "string", "min": 3, "max": 8, "pattern": "^[a-z-]+$"},
    "Severity": {"type": "string", "enum": ["LOW", "HIGH"]},
    "Offset": {"type": "integer", "min": 1, "max": 6},
    "Count": {"type": "long", "max": 2**41},
    "Ratio": {"type": "double", "min": 0, "max": 1},
    "Size": {"type": "float", "min": 0.5},
    "Flag": {"type": "boolean"},
    "When": {"type": "timestamp"},
    "Data": {"type": "blob"},
    "Targets": {"type": "list", "member": {"shape": "Target"}, "min": 1, "max": 2},
    "Target": {
        "type": "structure",
        "required": ["Key"],
        "members": {"Key": {"shape": "Name"}, "Values": {"shape": "Values"}},
    },
    "Values": {"type": "list", "member": {"shape": "Name"}},
    "Parameters": {
        "type": "map",
        "key": {"shape": "Name"},
        "value": {"shape": "Values"},
        "max": 2,
    },
    "Nested": {
        "type": "structure",
        "members": {"Inner": {"shape": "Target"}},
    },
}
REQUEST = ShapeResolver(SHAPES).get_shape_by_name("Request")


def refused(request: Any) -> tuple[str, str]:
    with pytest.raises(Refused) as caught:
        check_request(request, REQUEST)
    assert str(caught.value) == caught.value.message
    return caught.value.code, caught.value.message


def constraint(value: str, at: str, rule: str) -> str:
    return f"Value {value} at '{at}' failed to satisfy constraint: Member must {rule}"


def test_a_request_within_every_constraint_passes() -> None:
    check_request(
        {
            "Name": "abc",
            "Severity": "HIGH",
            "Offset": 6,
            "Count": 2**40,
            "Ratio": 0.5,
            "Enabled": False,
            "When": datetime.datetime(2026, 12, 5, tzinfo=datetime.timezone.utc),
            "Data": "YmxvYg==",
            "Targets": [{"Key": "abc", "Values": ["def", "ghi"]}],
            "Parameters": {"abc": ["xyz"], "def": []},
            "Nested": {"Inner": {"Key": "abc"}},
            "Unmodelled": object(),  # a member the model lacks is not judged
        },
        REQUEST,
    )
    for when in (1733400000, 1733400000.5, "2026-12-05T00:00:00Z"):
        check_request({"Name": "abc", "When": when}, REQUEST)
    check_request({"Name": "abc", "Data": b"blob", "Ratio": 1, "Size": 2}, REQUEST)
    check_request({"Name": "abc", "Offset": None}, REQUEST)  # null: not given
    check_request(["anything"], None)  # an operation without input


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ([], "Unexpected list at the request: expected a structure"),
        ({"Name": 7}, "Unexpected int at name: expected a string"),
        (
            {"Name": "abc", "Enabled": 1},
            "Unexpected int at enabled: expected a boolean",
        ),
        (
            {"Name": "abc", "Offset": True},
            "Unexpected bool at offset: expected a integer",
        ),
        (
            {"Name": "abc", "Offset": 2.5},
            "Unexpected float at offset: expected a integer",
        ),
        ({"Name": "abc", "Count": "5"}, "Unexpected str at count: expected a long"),
        ({"Name": "abc", "Ratio": True}, "Unexpected bool at ratio: expected a double"),
        ({"Name": "abc", "Ratio": "0.5"}, "Unexpected str at ratio: expected a double"),
        ({"Name": "abc", "Size": False}, "Unexpected bool at size: expected a float"),
        ({"Name": "abc", "Size": "1"}, "Unexpected str at size: expected a float"),
        ({"Name": "abc", "When": [1]}, "Unexpected list at when: expected a timestamp"),
        ({"Name": "abc", "Data": 5}, "Unexpected int at data: expected a blob"),
        (
            {"Name": "abc", "Targets": {"Key": "abc"}},
            "Unexpected dict at targets: expected a list",
        ),
        (
            {"Name": "abc", "Targets": ["abc"]},
            "Unexpected str at targets.1.member: expected a structure",
        ),
        (
            {"Name": "abc", "Parameters": [["abc"]]},
            "Unexpected list at parameters: expected a map",
        ),
        (
            {"Name": "abc", "Parameters": {"abc": "def"}},
            "Unexpected str at parameters.abc.value: expected a list",
        ),
        (
            {"Name": "abc", "Nested": {"Inner": {"Key": 1}}},
            "Unexpected int at nested.inner.key: expected a string",
        ),
    ],
)
def test_a_value_of_another_type_is_a_serialization_error(
    request_: Any, message: str
) -> None:
    assert refused(request_) == ("SerializationException", message)


@pytest.mark.parametrize(
    ("request_", "problem"),
    [
        ({}, constraint("null", "name", "not be null")),
        ({"Name": None}, constraint("null", "name", "not be null")),
        (
            {"Name": "ab"},
            constraint("'ab'", "name", "have length greater than or equal to 3"),
        ),
        (
            {"Name": "abcdefghi"},
            constraint("'abcdefghi'", "name", "have length less than or equal to 8"),
        ),
        (
            {"Name": "ABC"},
            constraint(
                "'ABC'", "name", "satisfy regular expression pattern: ^[a-z-]+$"
            ),
        ),
        (
            {"Name": "abc", "Severity": "MEDIUM"},
            constraint("'MEDIUM'", "severity", "satisfy enum value set: [LOW, HIGH]"),
        ),
        (
            {"Name": "abc", "Offset": 0},
            constraint("'0'", "offset", "have value greater than or equal to 1"),
        ),
        (
            {"Name": "abc", "Offset": 7},
            constraint("'7'", "offset", "have value less than or equal to 6"),
        ),
        (
            {"Name": "abc", "Count": 2**41 + 1},
            constraint(
                f"'{2**41 + 1}'", "count", f"have value less than or equal to {2**41}"
            ),
        ),
        (
            {"Name": "abc", "Size": 0.25},
            constraint("'0.25'", "size", "have value greater than or equal to 0.5"),
        ),
        (
            {"Name": "abc", "Ratio": 1.5},
            constraint("'1.5'", "ratio", "have value less than or equal to 1"),
        ),
        (
            {"Name": "abc", "Targets": []},
            constraint("'[]'", "targets", "have length greater than or equal to 1"),
        ),
        (
            {"Name": "abc", "Targets": [{"Key": "abc"}] * 3},
            constraint(
                "'[{'Key': 'abc'}, {'Key': 'abc'}, {'Key': 'abc'}]'",
                "targets",
                "have length less than or equal to 2",
            ),
        ),
        (
            {"Name": "abc", "Targets": [{"Key": "abc"}, {"Values": ["abc"]}]},
            constraint("null", "targets.2.member.key", "not be null"),
        ),
        (
            {"Name": "abc", "Targets": [{"Key": "abc", "Values": ["abc", "a"]}]},
            constraint(
                "'a'",
                "targets.1.member.values.2.member",
                "have length greater than or equal to 3",
            ),
        ),
        (
            {"Name": "abc", "Parameters": {"ab": []}},
            constraint(
                "'ab'", "parameters.ab.key", "have length greater than or equal to 3"
            ),
        ),
        (
            {"Name": "abc", "Parameters": {"abc": ["x"]}},
            constraint(
                "'x'",
                "parameters.abc.value.1.member",
                "have length greater than or equal to 3",
            ),
        ),
        (
            {"Name": "abc", "Nested": {"Inner": {}}},
            constraint("null", "nested.inner.key", "not be null"),
        ),
    ],
)
def test_one_broken_constraint_is_one_validation_error(
    request_: dict[str, Any], problem: str
) -> None:
    assert refused(request_) == (
        "ValidationException",
        f"1 validation error detected: {problem}",
    )


def test_every_broken_constraint_is_listed_in_order() -> None:
    code, message = refused(
        {"Severity": "MEDIUM", "Offset": 9, "Parameters": {"a": [], "b": [], "c": []}}
    )
    assert code == "ValidationException"
    assert message == "7 validation errors detected: " + "; ".join(
        [
            constraint("null", "name", "not be null"),
            constraint("'MEDIUM'", "severity", "satisfy enum value set: [LOW, HIGH]"),
            constraint("'9'", "offset", "have value less than or equal to 6"),
            constraint(
                "'{'a': [], 'b': [], 'c': []}'",
                "parameters",
                "have length less than or equal to 2",
            ),
        ]
    ) + "; " + "; ".join(
        constraint(
            f"'{key}'",
            f"parameters.{key}.key",
            "have length greater than or equal to 3",
        )
        for key in "abc"
    )
