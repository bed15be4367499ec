"""Associations as code, word for word: what a plan shows and a result records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.stub import Stubber

import ssmkit
from ssmkit import errors
from ssmkit._declared import dump_associations

from .test_declared import INVENTORY, PATCH, applied, entries, live

if TYPE_CHECKING:
    from ssmkit.testing import StandIn


@pytest.fixture
def client(boto: Any) -> ssmkit.Client:
    return ssmkit.Client(boto3_client=boto)


def test_a_plan_of_each_action_as_text_json_and_results(
    client: ssmkit.Client, boto: Any
) -> None:
    applied(client, entries())
    made = boto.create_association(Name=INVENTORY, AssociationName="team-old")
    desired = entries()
    desired[1]["MaxConcurrency"] = "5"
    desired.append(
        {
            "AssociationName": "team-new",
            "Name": INVENTORY,
            "Targets": [{"Key": "InstanceIds", "Values": ["*"]}],
        }
    )
    document = {"Prune": {"NamePrefix": "team-"}, "Associations": desired}
    plan = client.plan_associations(document, prune=True)
    patch = live(boto, "team-patch")["AssociationId"]
    inventory = live(boto, "team-inventory")["AssociationId"]
    old = made["AssociationDescription"]["AssociationId"]
    assert plan.render() == "\n".join(
        [
            f"= unchanged team-patch ({patch})",
            f"~ update team-inventory ({inventory}), at version 1 "
            "(runs at once on its targets)",
            '    + max_concurrency: "5"',
            "+ create team-new (runs at once on its targets)",
            '    + name: "AWS-GatherSoftwareInventory"',
            '    + targets: [{"Key": "InstanceIds", "Values": ["*"]}]',
            '    + association_name: "team-new"',
            f"- delete team-old ({old}), at version 1",
            "Plan: 1 to create, 1 to update, 1 unchanged, 1 to delete.",
        ]
    )
    assert str(plan) == plan.render()

    def entry(name: str, action: str, association_id: Any, **rest: Any) -> Any:
        version = None if association_id is None else "1"
        return {
            "name": name,
            "action": action,
            "association_id": association_id,
            "version": version,
            "runs": action in ("update", "create"),
            "changes": rest.get("changes", []),
        }

    def add(path: str, after: Any) -> dict[str, Any]:
        return {"path": path, "action": "add", "before": None, "after": after}

    assert plan.to_json() == {
        "associations": [
            entry("team-patch", "unchanged", patch),
            entry(
                "team-inventory",
                "update",
                inventory,
                changes=[add("max_concurrency", "5")],
            ),
            entry(
                "team-new",
                "create",
                None,
                changes=[
                    add("name", INVENTORY),
                    add("targets", [{"Key": "InstanceIds", "Values": ["*"]}]),
                    add("association_name", "team-new"),
                ],
            ),
            entry("team-old", "delete", old),
        ],
        "counts": {"create": 1, "update": 1, "unchanged": 1, "delete": 1},
        "prune": True,
        "name_prefix": "team-",
    }
    results = client.apply_associations(plan)
    created = live(boto, "team-new")["AssociationId"]

    def result(name: str, association_id: str, outcome: str, *versions: Any) -> Any:
        before, after = versions
        return {
            "name": name,
            "association_id": association_id,
            "outcome": outcome,
            "version_before": before,
            "version_after": after,
            "error": None,
        }

    assert [r.to_json() for r in results] == [
        result("team-patch", patch, "unchanged", "1", None),
        result("team-inventory", inventory, "changed", "1", "2"),
        result("team-new", created, "created", None, "1"),
        result("team-old", old, "deleted", "1", None),
    ]


def test_one_problem_is_said_in_the_singular_two_in_the_plural(
    client: ssmkit.Client, stand_in: StandIn
) -> None:
    desired = entries()
    desired[0]["MaxErrors"] = "lots"
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations(desired)
    assert str(caught.value) == (
        "<entries>: 1 problem, nothing was written\n"
        "  Associations[0] (team-patch): max_errors: must match the pattern "
        "^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$ (got 'lots')"
    )
    assert caught.value.rule == "file"
    desired[1]["MaxErrors"] = "many"
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations(desired)
    assert str(caught.value).startswith("<entries>: 2 problems, nothing was written")
    assert stand_in.operations == []


def test_a_conflict_says_the_version_planned_and_what_it_met(
    client: ssmkit.Client, boto: Any
) -> None:
    applied(client, entries())
    made = boto.create_association(Name=INVENTORY, AssociationName="team-old")
    desired = entries()
    for entry in desired:
        entry["MaxConcurrency"] = "5"
    plan = client.plan_associations(
        {"Prune": {"NamePrefix": "team-"}, "Associations": desired}, prune=True
    )
    for name, document in (("team-patch", PATCH), ("team-old", INVENTORY)):
        boto.update_association(
            AssociationId=live(boto, name)["AssociationId"],
            AssociationVersion="1",
            Name=document,
            AssociationName=name,
            MaxConcurrency="50%",
        )
    boto.delete_association(AssociationId=live(boto, "team-inventory")["AssociationId"])
    changed, deleted, old = client.apply_associations(plan)
    assert [r.outcome for r in (changed, deleted, old)] == ["conflict"] * 3
    assert [str(r.error) for r in (changed, deleted, old)] == [
        "association team-patch was changed since the plan: nothing was "
        "written; plan again",
        "association team-inventory was deleted since the plan: nothing was "
        "written; plan again",
        "association team-old is at version 2 since the plan: nothing was "
        "written; plan again",
    ]
    for result in (changed, deleted, old):
        assert isinstance(result.error, errors.ConcurrentUpdateError)
        assert result.error.expected_version == "1"
    # What the service answered is the cause, where there was an answer.
    assert isinstance(changed.error.__cause__, errors.ConcurrentUpdateError)
    assert isinstance(deleted.error.__cause__, errors.AssociationDoesNotExist)
    assert old.error.__cause__ is None
    assert (
        live(boto, "team-old")["AssociationId"]
        == (made["AssociationDescription"]["AssociationId"])
    )


def test_members_and_only_the_tags_that_differ_are_planned_and_written(
    client: ssmkit.Client, boto: Any, stand_in: StandIn
) -> None:
    desired = entries()[:1]
    desired[0]["Tags"] = [
        {"Key": "team", "Value": "ops"},
        {"Key": "tier", "Value": "1"},
    ]
    applied(client, desired)
    desired[0]["MaxErrors"] = "20%"
    desired[0]["Tags"] = [
        {"Key": "team", "Value": "ops"},
        {"Key": "tier", "Value": "2"},
    ]
    plan = client.plan_associations(desired)
    (update,) = plan.update
    assert [c.render() for c in update.changes] == [
        '~ max_errors: "10%" -> "20%"',
        '~ tags.tier: "1" -> "2"',
    ]
    stand_in.requests.clear()
    (result,) = client.apply_associations(plan)
    assert (result.outcome, result.version_before, result.version_after) == (
        "changed",
        "1",
        "2",
    )
    assert live(boto, "team-patch")["MaxErrors"] == "20%"
    association_id = live(boto, "team-patch")["AssociationId"]
    assert stand_in.requests_for("AddTagsToResource") == [
        {
            "ResourceType": "Association",
            "ResourceId": association_id,
            "Tags": [{"Key": "tier", "Value": "2"}],
        }
    ]
    assert stand_in.requests_for("RemoveTagsFromResource") == []


def test_an_export_holds_what_the_filters_select_name_first(
    client: ssmkit.Client,
) -> None:
    applied(client, entries())
    document, left_out = client.export_associations(
        filters=[
            ssmkit.models.AssociationFilter(
                key=ssmkit.models.AssociationFilterKey.NAME, value=INVENTORY
            )
        ]
    )
    assert left_out == []
    (exported,) = document["Associations"]
    assert exported["AssociationName"] == "team-inventory"
    # A file reads best with each entry's name, then its document, first.
    assert list(exported)[:2] == ["AssociationName", "Name"]


def test_a_file_is_written_as_its_characters_unless_asked_for_ascii() -> None:
    document = {"Associations": [{"AssociationName": "café", "Name": PATCH}]}
    assert "café" in dump_associations(document, "live.yaml")
    assert "café" in dump_associations(document, "live.json")
    assert "café" not in dump_associations(document, "live.yaml", ascii_only=True)


def test_an_export_of_an_association_whose_answer_omits_its_tags() -> None:
    # TagList is not a required member of ListTagsForResource's answer.
    boto = boto3.client("ssm", region_name="us-east-1")
    description = {
        "AssociationId": "11111111-2222-3333-4444-555555555555",
        "AssociationName": "untagged",
        "Name": PATCH,
        "AssociationVersion": "1",
    }
    with Stubber(boto) as stub:
        stub.add_response("list_associations", {"Associations": [description]}, {})
        stub.add_response(
            "describe_association",
            {"AssociationDescription": description},
            {"AssociationId": description["AssociationId"]},
        )
        stub.add_response(
            "list_tags_for_resource",
            {},
            {"ResourceType": "Association", "ResourceId": description["AssociationId"]},
        )
        document, left_out = ssmkit.Client(boto3_client=boto).export_associations()
        stub.assert_no_pending_responses()
    assert (document, left_out) == (
        {"Associations": [{"AssociationName": "untagged", "Name": PATCH}]},
        [],
    )


def test_a_create_applied_only_at_its_cron_interval_does_not_run(
    client: ssmkit.Client,
) -> None:
    desired = entries()
    desired[1]["ScheduleExpression"] = "cron(0 2 ? * SUN *)"
    desired[1]["ApplyOnlyAtCronInterval"] = True
    patch, inventory = client.plan_associations(desired).create
    assert (patch.runs, inventory.runs) == (True, False)
    assert patch.render().splitlines()[0] == (
        "+ create team-patch (runs at once on its targets)"
    )
    assert inventory.render().splitlines()[0] == "+ create team-inventory"


def test_a_delete_meets_an_association_deleted_since_the_plan(
    client: ssmkit.Client, boto: Any, stand_in: StandIn
) -> None:
    made = boto.create_association(Name=PATCH, AssociationName="team-old")
    plan = client.plan_associations(
        {"Prune": {"NamePrefix": "team-"}, "Associations": []}, prune=True
    )
    boto.delete_association(
        AssociationId=made["AssociationDescription"]["AssociationId"]
    )
    stand_in.requests.clear()
    (result,) = client.apply_associations(plan)
    assert (result.outcome, str(result.error)) == (
        "conflict",
        "association team-old was deleted since the plan: nothing was "
        "written; plan again",
    )
    assert result.error is not None
    assert isinstance(result.error.__cause__, errors.AssociationDoesNotExist)
    assert stand_in.operations == ["DescribeAssociation"]


def test_a_create_looks_for_its_name_and_names_each_made_since_the_plan(
    client: ssmkit.Client, boto: Any, stand_in: StandIn
) -> None:
    plan = client.plan_associations(entries()[1:])
    made = [
        boto.create_association(Name=INVENTORY, AssociationName="team-inventory")[
            "AssociationDescription"
        ]["AssociationId"]
        for _ in range(2)
    ]
    listed = [
        a["AssociationId"]
        for a in boto.list_associations()["Associations"]
        if a["AssociationId"] in made
    ]
    stand_in.requests.clear()
    (result,) = client.apply_associations(plan)
    assert str(result.error) == (
        f"association team-inventory was created since the plan ({listed[0]}, "
        f"{listed[1]}): nothing was written; plan again"
    )
    assert stand_in.requests_for("ListAssociations") == [
        {
            "AssociationFilterList": [
                {"key": "AssociationName", "value": "team-inventory"}
            ]
        }
    ]


def test_an_export_leaves_out_each_association_without_a_name_of_its_own(
    client: ssmkit.Client, boto: Any
) -> None:
    def made(**members: Any) -> str:
        answer = boto.create_association(Name=INVENTORY, **members)
        return answer["AssociationDescription"]["AssociationId"]  # type: ignore[no-any-return]

    shared = [made(AssociationName="team-twice"), made(AssociationName="team-twice")]
    unnamed = made()
    made(AssociationName="team-once")
    document, left_out = client.export_associations()
    assert [e["AssociationName"] for e in document["Associations"]] == ["team-once"]
    assert sorted(left_out) == sorted([*shared, unnamed])


def test_a_failed_update_keeps_its_id_and_the_version_it_was_planned_at(
    client: ssmkit.Client, boto: Any, stand_in: StandIn
) -> None:
    applied(client, entries()[:1])
    desired = entries()[:1]
    desired[0]["MaxErrors"] = "20%"
    plan = client.plan_associations(desired)
    stand_in.fail_next("UpdateAssociation", "InvalidDocument")
    (result,) = client.apply_associations(plan)
    association_id = live(boto, "team-patch")["AssociationId"]
    assert (
        result.outcome,
        result.association_id,
        result.version_before,
        result.version_after,
    ) == ("failed", association_id, "1", None)
    assert isinstance(result.error, errors.InvalidDocument)


@pytest.mark.parametrize(
    ("document", "problems"),
    [
        (
            {"Associations": {"team-patch": PATCH}},
            ["Associations: expected a list of associations"],
        ),
        (
            {"Associations": [], "Prune": ["team-"]},
            ["Prune: expected NamePrefix: a non-empty name prefix"],
        ),
        (
            {"Associations": [], "Prune": {"NamePrefix": ""}},
            ["Prune: expected NamePrefix: a non-empty name prefix"],
        ),
        (
            {"Prune": {"NamePrefix": "team-"}},
            ["Associations: expected a list of associations"],
        ),
        (
            {"Associations": [], "MaintenanceWindows": [], "Size": 1, "Colour": 2},
            [
                "MaintenanceWindows: this plans associations only; plan the whole "
                "file with ssmkit plan (Client.plan)",
                "unknown top-level key Colour, Size (expected Associations and Prune)",
            ],
        ),
        (
            {"Associations": [PATCH, ["team-patch"], entries()[1]]},
            [
                "Associations[0]: expected a mapping of members",
                "Associations[1]: expected a mapping of members",
            ],
        ),
    ],
)
def test_associations_that_are_not_a_list_of_mappings_are_refused_word_for_word(
    client: ssmkit.Client, stand_in: StandIn, document: Any, problems: list[str]
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations(document)
    count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
    assert str(caught.value).splitlines() == [
        f"<entries>: {count}, nothing was written",
        *(f"  {problem}" for problem in problems),
    ]
    assert stand_in.operations == []


def test_a_plan_of_a_file_names_its_file(client: ssmkit.Client, tmp_path: Any) -> None:
    path = tmp_path / "associations.yaml"
    dump = dump_associations({"Associations": entries()}, path)
    path.write_text(dump)
    assert client.plan_associations(path).source == str(path)
    assert client.plan_associations(str(path)).source == str(path)
    assert client.plan_associations(entries()).source == "<entries>"


def test_an_export_whose_listing_is_refused_says_so_word_for_word(
    client: ssmkit.Client, stand_in: StandIn
) -> None:
    filters = [
        ssmkit.models.AssociationFilter(
            key=ssmkit.models.AssociationFilterKey.NAME,
            value=5,  # type: ignore[arg-type]
        )
    ]
    with pytest.raises(errors.ValidationError) as caught:
        client.export_associations(filters=filters)
    assert str(caught.value) == (
        "Invalid type for parameter AssociationFilterList[0].value, value: 5, "
        "type: <class 'int'>, valid types: <class 'str'>"
    )
    stand_in.fail_next("ListAssociations", "InternalServerError", times=10)
    with pytest.raises(errors.InternalServerError) as refused:
        client.export_associations()
    assert str(refused.value) == (
        "ListAssociations: InternalServerError: Injected InternalServerError"
    )


def stray(path: str) -> str:
    return (
        f"{path}: holds the placeholder <sensitive>, which stands only for a whole "
        "sensitive value kept from what is live; here it would be sent as text: "
        "write the value"
    )


@pytest.mark.parametrize(
    ("entry", "problems"),
    [
        (
            {
                "Name": "AWS-RunShellScript",
                "Parameters": {"commands": ["echo <sensitive>"]},
            },
            [stray("parameters.commands[0]")],
        ),
        # Within a list, a structure, a member the shape lacks, or as a key: the
        # placeholder would be sent as text.
        (
            {"Name": PATCH, "Targets": [{"Key": "tag:x", "Values": ["<sensitive>"]}]},
            [stray("targets[0].values[0]")],
        ),
        (
            {
                "Name": PATCH,
                "OutputLocation": {"S3Location": {"OutputS3BucketName": "<sensitive>"}},
            },
            [stray("output_location.s3_location.output_s3_bucket_name")],
        ),
        (
            {"Name": PATCH, "Colour": {"a": "<sensitive>"}, "Size": ["<sensitive>"]},
            [
                stray("colour.a"),
                stray("size[0]"),
                "CreateAssociation has no member Colour, Size",
            ],
        ),
        (
            {
                "Name": PATCH,
                "<sensitive>": 1,
                "Parameters": {"<sensitive>": ["x"], "b<sensitive>": ["y"]},
            },
            [
                stray("<sensitive>"),
                stray("parameters.<sensitive>"),
                stray("parameters.b<sensitive>"),
                "CreateAssociation has no member <sensitive>",
            ],
        ),
        # Standing for a whole sensitive value, it is not stray.
        (
            {
                "Name": "AWS-RunShellScript",
                "Parameters": {
                    "a": "<sensitive>",
                    "b": ["x <sensitive>"],
                    "c": "<sensitive>",
                    "d": ["<sensitive>"],
                },
            },
            [stray("parameters.b[0]"), stray("parameters.d[0]")],
        ),
        # A null in a map or a list, or for a required member, cannot mean
        # "absent"; elsewhere it does, and what follows it is judged.
        (
            {"Name": PATCH, "Parameters": {"a": None}},
            ["parameters.a: null is not a value in a map"],
        ),
        (
            {"Name": PATCH, "Targets": [None]},
            ["targets: null is not a value in a list"],
        ),
        (
            {
                "Name": PATCH,
                "Targets": [{"Key": "tag:x", "Values": ["a"]}, {"Values": [None]}],
            },
            ["targets[1].values: null is not a value in a list"],
        ),
        (
            {"Name": PATCH, "Parameters": {"a": [None]}},
            ["parameters.a: null is not a value in a list"],
        ),
        (
            {"Name": PATCH, "OutputLocation": {"S3Location": {"Colour": [1]}}},
            ["output_location.s3_location.colour: no such member"],
        ),
        (
            {
                "Name": PATCH,
                "OutputLocation": {
                    "S3Location": {"OutputS3Region": None, "OutputS3BucketName": "a"}
                },
            },
            [
                "output_location.s3_location.output_s3_bucket_name: length must be "
                "at least 3 (got 'a')"
            ],
        ),
        (
            {"Name": PATCH, "OutputLocation": {"S3Location": {"Colour": {"a": 1}}}},
            ["output_location.s3_location.colour: no such member"],
        ),
        (
            {"Name": PATCH, "AlarmConfiguration": {"Alarms": None}},
            [
                "alarm_configuration.alarms: cannot be null "
                "(AlarmConfiguration requires it)"
            ],
        ),
        # A member the shape lacks, or a null, is passed over: what follows
        # is judged too.
        (
            {"Colour": 1, "Name": PATCH, "Size": 2, "MaxErrors": "bogus"},
            [
                "CreateAssociation has no member Colour, Size",
                "max_errors: must match the pattern "
                "^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$ (got 'bogus')",
            ],
        ),
        (
            {"OutputLocation": None, "Name": PATCH, "MaxErrors": "bogus"},
            [
                "max_errors: must match the pattern "
                "^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$ (got 'bogus')",
            ],
        ),
        (
            {"Name": PATCH, "ScheduleExpression": "cron(0 99 * * ? *)"},
            [
                "schedule_expression: 'cron(0 99 * * ? *)' is not a schedule: "
                "hours 99 is out of range 0-23"
            ],
        ),
        (
            {
                "Name": PATCH,
                "Tags": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}],
            },
            ["tags: the key a is given more than once"],
        ),
        (
            {
                "Name": PATCH,
                "Tags": [{"Key": k, "Value": "1"} for k in ("b", "a", "b", "a", "c")],
            },
            ["tags: the keys a, b are given more than once"],
        ),
    ],
)
def test_each_problem_of_an_entry_word_for_word(
    client: ssmkit.Client, entry: dict[str, Any], problems: list[str]
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations([{"AssociationName": "team-x", **entry}])
    assert str(caught.value).splitlines()[1:] == [
        f"  Associations[0] (team-x): {problem}" for problem in problems
    ]


def test_a_file_that_is_no_mapping_is_refused_naming_it(
    client: ssmkit.Client, tmp_path: Any
) -> None:
    path = tmp_path / "associations.yaml"
    path.write_text("just words\n")
    for desired, source in ((path, str(path)), (5, "<entries>")):
        with pytest.raises(errors.ValidationError) as caught:
            client.plan_associations(desired)
        assert (str(caught.value), caught.value.rule) == (
            f"{source}: expected a mapping with Associations:, or a list of entries",
            "file",
        )


def test_a_null_in_a_new_entry_is_left_out_of_its_create(
    client: ssmkit.Client, stand_in: StandIn
) -> None:
    desired = entries()[1:]
    desired[0]["MaxErrors"] = None
    desired[0]["OutputLocation"]["S3Location"]["OutputS3Region"] = None
    (create,) = client.plan_associations(desired).create
    # The entry as written, without its nulls.
    assert create.request == entries()[1]
    client.apply_associations(client.plan_associations(desired))
    assert stand_in.requests_for("CreateAssociation") == [create.request]
