"""Reading and writing the files ssmkit takes, strictly, in process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ssmkit._files import MAX_DEPTH, dump_document, read_document
from ssmkit.errors import ValidationError


def refused(tmp_path: Path, name: str, text: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_document(path)
    assert caught.value.rule == "file"
    message = str(caught.value)
    assert message.startswith(f"{path}")
    return message[len(str(path)) :]


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("a.yaml", "a: 1\nb: 2\na: 3\n", ":3:1: duplicate key 'a' (first at line 1)"),
        ("a.yaml", "x:\n  y: 1\n  y: 2\n", ":3:3: duplicate key 'y' (first at line 2)"),
        ("a.yaml", "{k: 1, 'k': 2}\n", ":1:8: duplicate key 'k' (first at line 1)"),
        (
            "a.yaml",
            "- {a: 1}\n- {a: 1, a: 2}\n",
            ":2:10: duplicate key 'a' (first at line 2)",
        ),
        ("a.json", '{"a": 1, "a": 2}', ':1:10: duplicate key "a"'),
        ("a.json", '{"a": {"b": 1,\n  "b": 2}}', ':2:3: duplicate key "b"'),
        (
            "a.json",
            '[{"a": 1}, {"a": 1,\n "c": [1, "a"], "a": 3}]',
            ':2:17: duplicate key "a"',
        ),
        ("a.json", '{"N\\u0061me": 1, "Name": 2}', ':1:18: duplicate key "Name"'),
    ],
)
def test_a_key_given_twice_is_refused_where_it_is(
    tmp_path: Path, name: str, text: str, where: str
) -> None:
    assert refused(tmp_path, name, text) == where


def test_the_same_key_in_different_mappings_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('[{"a": 1}, {"a": 2, "b": {"a": 3}}, "a", ["a", "a"]]')
    assert read_document(path) == [{"a": 1}, {"a": 2, "b": {"a": 3}}, "a", ["a", "a"]]
    path = tmp_path / "a.yaml"
    path.write_text("- a: 1\n- a: 2\n  b: {a: 3}\n")
    assert read_document(path) == [{"a": 1}, {"a": 2, "b": {"a": 3}}]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: &x 1\nb: *x\n", ":1:4: anchor &x: anchors and aliases are not accepted"),
        ("a: *x\n", ":1:4: alias *x: anchors and aliases are not accepted"),
        ("a:\n  <<: {b: 1}\n", ":2:3: merge keys (<<) are not accepted"),
        (
            "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
            f":1:{MAX_DEPTH + 1}: nested deeper than {MAX_DEPTH} levels",
        ),
        ("a: b: c\n", ":1:5: malformed YAML: mapping values are not allowed here"),
        ("a: x\x01y\n", ":1:5: malformed YAML: character U+0001 is not allowed"),
        ("? [a, b]\n: c\n", ":1:3: a key must be text, got list"),
        ("a: 1\n1: x\n", ":2:1: a key must be text, got int"),
        ("a: 1\nnull: x\n", ":2:1: a key must be text, got NoneType"),
    ],
)
def test_yaml_that_could_mean_something_else_is_refused(
    tmp_path: Path, text: str, where: str
) -> None:
    assert refused(tmp_path, "a.yaml", text) == where


def test_yaml_within_the_limits_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.yml"
    path.write_text("\ufeff" + "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))
    found: Any = read_document(path)["a"]
    depth = 1
    while found:
        found = found[0]
        depth += 1
    assert depth == MAX_DEPTH - 1


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
            f": nested deeper than {MAX_DEPTH} levels",
        ),
        ("[" * 100_000 + "]" * 100_000, f": nested deeper than {MAX_DEPTH} levels"),
        ('{"a": }', ":1:7: malformed JSON: Expecting value"),
        ('{"a": ' + "9" * 5000 + "}", ": holds a number too long to read"),
    ],
)
def test_json_that_cannot_be_read_is_refused(
    tmp_path: Path, text: str, where: str
) -> None:
    assert refused(tmp_path, "a.json", text) == where


def test_json_at_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert read_document(path) == json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)


def test_what_is_not_a_file_of_text_is_refused(tmp_path: Path) -> None:
    assert refused(tmp_path, "a.yaml", b"a: 1\nb: caf\xe9\n") == ":2: not UTF-8 text"
    assert (
        refused(tmp_path, "a.txt", "a: 1") == ": expected a .yaml, .yml or .json file"
    )
    (tmp_path / "d.json").mkdir()
    with pytest.raises(ValidationError, match=r"d.json: is a directory, not a file$"):
        read_document(tmp_path / "d.json")
    with pytest.raises(ValidationError, match=r"gone.json: No such file or directory$"):
        read_document(tmp_path / "gone.json")


def test_a_file_over_the_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ssmkit._files

    monkeypatch.setattr(ssmkit._files, "MAX_BYTES", 10)
    assert refused(tmp_path, "a.json", "[" + "1," * 10 + "1]") == ": larger than 0 MB"
    path = tmp_path / "b.json"
    path.write_text("[1, 2, 3]")  # ten bytes or fewer: read
    assert read_document(path) == [1, 2, 3]


def test_what_is_written_reads_back_and_holds_no_alias(tmp_path: Path) -> None:
    shared = [{"Key": "tag:Patch", "Values": ["yes"]}]
    document = {
        "Associations": [
            {"AssociationName": "a", "Targets": shared},
            {"AssociationName": "b\u202e\u00e9", "Targets": shared},
        ]
    }
    for name in ("out.yaml", "out.yml", "out.json"):
        path = tmp_path / name
        text = dump_document(document, path)
        assert "&" not in text
        assert "*id" not in text
        path.write_text(text, encoding="utf-8")
        assert read_document(path) == document
    terminal = dump_document(document, "stdout.yaml", ascii_only=True)
    assert terminal.isascii()
    assert "\u00e9" in dump_document(document, "f.yaml")
    assert dump_document(document, "f.json").endswith("}\n")
    assert "\\u202e" in dump_document(document, "f.json", ascii_only=True)
    assert dump_document(document, "f.json").startswith('{\n  "Associations"')
    with pytest.raises(
        ValidationError, match=r"f.txt: expected a .yaml, .yml or .json"
    ):
        dump_document(document, "f.txt")
    yaml_text = dump_document(document, "f.yaml")
    assert yaml_text.startswith("Associations:\n- AssociationName: a\n")
