"""3. Converting one fully populated AssociationDescription, dict to model and back.

Peers, installed in the benchmarks' own environment (benchmarks/requirements.txt):
Pydantic models (aws-resource-validator-ssm), lazy dataclasses
(boto3-dataclass-ssm), and no conversion at all (mypy-boto3-ssm TypedDicts).

Run: python benchmarks/bench_conversion.py
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from _common import client_answering, full, ratios, report

import ssmkit
from ssmkit.models import AssociationDescription

NUMBER = 500


def timed(fn: Callable[[], object]) -> Callable[[], object]:
    # Each peer is measured against ssmkit, alternately, round by round.
    return fn


def main() -> None:
    boto = client_answering(
        lambda op, req: {"AssociationDescription": full("AssociationDescription")}
    )
    data: dict[str, Any] = boto.describe_association(AssociationId="a1")[
        "AssociationDescription"
    ]
    results = {
        "ssmkit (attrs + cattrs)": timed(
            lambda: ssmkit.to_boto(ssmkit.from_boto(AssociationDescription, data))
        )
    }
    assert ssmkit.to_boto(ssmkit.from_boto(AssociationDescription, data)) == data

    try:
        from aws_resource_validator.pydantic_models.ssm.ssm_classes import (
            AssociationDescriptionTypeDef,
        )
    except ImportError:
        print(
            "aws-resource-validator-ssm is not installed: pip install -r benchmarks/requirements.txt"
        )
    else:

        def pydantic_round_trip() -> object:
            return AssociationDescriptionTypeDef.model_validate(data).model_dump(
                exclude_none=True
            )

        results["Pydantic (aws-resource-validator-ssm)"] = timed(pydantic_round_trip)

    try:
        from boto3_dataclass_ssm.type_defs import AssociationDescription as Lazy
    except ImportError:
        print(
            "boto3-dataclass-ssm is not installed: pip install -r benchmarks/requirements.txt"
        )
    else:
        names = [f.name for f in dataclasses.fields(Lazy)]
        attributes = [a for a in vars(Lazy) if a[0].isupper()]

        def lazy_round_trip() -> object:
            # Lazy: fields read the raw dict on access, so read every one.
            model = Lazy.make_one(data)
            for attribute in attributes:
                getattr(model, attribute)
            return model.boto3_raw_data

        assert names == ["boto3_raw_data"]
        results["dataclasses, read every field (boto3-dataclass-ssm)"] = timed(
            lazy_round_trip
        )

    results["no conversion (mypy-boto3-ssm TypedDict)"] = timed(lambda: dict(data))
    ours = results.pop("ssmkit (attrs + cattrs)")
    print("ssmkit's round trip against each peer's (per-round ratios, ssmkit / peer)")
    for name, peer in results.items():
        report(f"against {name}", ratios(peer, ours, number=NUMBER), unit="trip")


if __name__ == "__main__":
    main()
