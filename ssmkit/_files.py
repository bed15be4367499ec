"""Reading and writing the files ssmkit takes: YAML and JSON, strictly.

Every file a user gives (a file of associations, a request to create one) is
read here, and read strictly, because a file that means something other than
what it looks like can delete or overwrite: a key given twice, of which the
parsers keep the last without a word; YAML anchors and aliases, which make one
small file expand to gigabytes; a merge key, which overlays one mapping on
another. Each is refused with the file, line and column, before anything is
called. What ssmkit writes (an export) uses none of them, so it reads back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ValidationError

if TYPE_CHECKING:
    import os

__all__ = ["MAX_DEPTH", "deeper_than", "dump_document", "read_document"]

#: The largest file read, in bytes: a file of thousands of associations is a
#: few megabytes; a file much larger is not one a person wrote.
MAX_BYTES = 64 * 1024 * 1024

#: How deep a document may nest. The deepest SSM request is a dozen levels;
#: a hostile file nested 100,000 deep must be refused, not crash the parser.
MAX_DEPTH = 64


def _refused(
    path: Path, message: str, line: int | None = None, column: int | None = None
) -> ValidationError:
    where = str(path)
    if line is not None:
        where += f":{line}"
        if column is not None:
            where += f":{column}"
    return ValidationError(f"{where}: {message}", rule="file")


def read_document(path: Path) -> Any:
    """The data of a ``.yaml``, ``.yml`` or ``.json`` file, read strictly.

    Raises:
        ssmkit.errors.ValidationError: The file cannot be read, is not UTF-8,
            is malformed (``FILE:LINE:COLUMN: what is wrong``), holds a key
            twice in one mapping, a YAML anchor, alias or merge key, or nests
            deeper than ssmkit's requests can.
    """
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise _refused(path, "expected a .yaml, .yml or .json file")
    try:
        if path.is_dir():
            raise _refused(path, "is a directory, not a file")
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _refused(path, exc.strerror or str(exc)) from None
    if len(data) > MAX_BYTES:
        raise _refused(path, f"larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _refused(path, "not UTF-8 text", line) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if suffix == ".json":
        return _read_json(path, text)
    return _read_yaml(path, text)


# -- JSON ---------------------------------------------------------------------------


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _Duplicate(key)
        found[key] = value
    return found


def _read_json(path: Path, text: str) -> Any:
    try:
        data = json.loads(text, object_pairs_hook=_pairs)
    except _Duplicate as exc:
        line, column = _json_duplicate(text, exc.key)
        raise _refused(
            path, f"duplicate key {json.dumps(exc.key)}", line, column
        ) from None
    except json.JSONDecodeError as exc:
        raise _refused(
            path, f"malformed JSON: {exc.msg}", exc.lineno, exc.colno
        ) from None
    except ValueError:  # a number longer than Python reads (4,300 digits)
        raise _refused(path, "holds a number too long to read") from None
    except RecursionError:
        raise _refused(path, f"nested deeper than {MAX_DEPTH} levels") from None
    _check_depth(path, data)
    return data


def _json_duplicate(text: str, key: str) -> tuple[int | None, int | None]:
    """Where the second ``key`` of one object stands in ``text``.

    Found by walking the text once more, keeping the keys of each open object;
    only a file refused for it pays for the walk.
    """
    # Each open object or array: its keys (None for an array), and whether a
    # key comes next.
    stack: list[list[Any]] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == '"':
            try:
                value, end = json.decoder.scanstring(text, index + 1)  # type: ignore[attr-defined]
            except json.JSONDecodeError:
                return None, None
            if stack and stack[-1][0] is not None and stack[-1][1]:
                keys = stack[-1][0]
                if value == key and value in keys:
                    line = text.count("\n", 0, index) + 1
                    return line, index - text.rfind("\n", 0, index)
                keys.add(value)
                stack[-1][1] = False
            index = end
            continue
        if char == "{":
            stack.append([set(), True])
        elif char == "[":
            stack.append([None, False])
        elif char in "}]":
            if stack:
                stack.pop()
        elif char == "," and stack and stack[-1][0] is not None:
            stack[-1][1] = True
        index += 1
    return None, None


def _check_depth(path: Path, data: Any) -> None:
    if deeper_than(data, MAX_DEPTH):
        raise _refused(path, f"nested deeper than {MAX_DEPTH} levels")


def deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and maps nest deeper than ``limit`` in ``value``.

    Walked without recursion, so no depth breaks the walk itself.
    """
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            pending += [(v, depth + 1) for v in item.values()]
        elif isinstance(item, list):
            pending += [(v, depth + 1) for v in item]
    return False


# -- YAML ---------------------------------------------------------------------------


def _read_yaml(path: Path, text: str) -> Any:
    try:
        import yaml
    except ImportError:  # pragma: no cover - the cli extra installs it
        msg = "reading YAML needs PyYAML, which ssmkit's 'cli' extra installs"
        raise _refused(path, msg) from None
    loader = None
    try:
        loader = _strict_loader()(text)
        return loader.get_single_data()
    except yaml.reader.ReaderError as exc:
        # A character YAML does not take, a control character say.
        before = text[: exc.position]
        row, at = before.count("\n") + 1, len(before.rsplit("\n", 1)[-1]) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        what = f"malformed YAML: character U+{code:04X} is not allowed"
        raise _refused(path, what, row, at) from None
    except _Refusal as exc:
        raise _refused(path, exc.message, exc.line, exc.column) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(p for p in (exc.context, exc.problem) if p) or "malformed"
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise _refused(path, f"malformed YAML: {what}", line, column) from None
    except yaml.YAMLError as exc:
        raise _refused(path, f"malformed YAML: {exc}") from None
    except ValueError:  # a number longer than Python reads (4,300 digits)
        raise _refused(path, "holds a number too long to read") from None
    except RecursionError:
        raise _refused(path, f"nested deeper than {MAX_DEPTH} levels") from None
    finally:
        if loader is not None:
            loader.dispose()


class _Refusal(Exception):
    def __init__(self, message: str, mark: Any) -> None:
        self.message = message
        self.line = mark.line + 1 if mark is not None else None
        self.column = mark.column + 1 if mark is not None else None


def _strict_loader() -> Any:
    """PyYAML's safe loader, refusing what can make a file mean something else.

    Made for each file read: files are read seldom, and a class kept from one
    read to the next would be state for nothing.
    """
    import yaml

    class StrictLoader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()  # type: ignore[no-untyped-call]
            if isinstance(event, yaml.AliasEvent):
                raise _Refusal(
                    f"alias *{event.anchor}: anchors and aliases are not accepted",
                    event.start_mark,
                )
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                raise _Refusal(
                    f"anchor &{anchor}: anchors and aliases are not accepted",
                    event.start_mark,
                )
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _Refusal(
                    f"nested deeper than {MAX_DEPTH} levels", event.start_mark
                )
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise _Refusal(
                        "merge keys (<<) are not accepted", key_node.start_mark
                    )
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, str):
                    # Every member name in a request is text.
                    raise _Refusal(
                        f"a key must be text, got {type(key).__name__}",
                        key_node.start_mark,
                    )
                try:
                    if key in seen:
                        first = seen[key].start_mark.line + 1
                        raise _Refusal(
                            f"duplicate key {key!r} (first at line {first})",
                            key_node.start_mark,
                        )
                    seen[key] = key_node
                except TypeError:
                    raise _Refusal(
                        f"a key cannot be {type(key).__name__}", key_node.start_mark
                    ) from None
            return super().construct_mapping(node, deep=deep)

    return StrictLoader


def dump_document(
    document: dict[str, Any],
    path: str | os.PathLike[str],
    *,
    ascii_only: bool = False,
) -> str:
    """A document as the text of a file named ``path``: YAML or JSON by extension.

    YAML is written without anchors or aliases, which ``read_document``
    refuses: a value that appears twice is written twice. ``ascii_only``
    writes every other character as its escape, for a terminal: the text
    reads back the same, and no character in it acts on the terminal.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        return json.dumps(document, indent=2, ensure_ascii=ascii_only) + "\n"
    if suffix in (".yaml", ".yml"):
        import yaml

        class Plain(yaml.SafeDumper):
            def ignore_aliases(self, data: Any) -> bool:
                return True

        return str(
            yaml.dump(
                document,
                Dumper=Plain,
                sort_keys=False,
                allow_unicode=not ascii_only,
                default_flow_style=False,
            )
        )
    msg = f"{path}: expected a .yaml, .yml or .json file"
    raise ValidationError(msg, rule="file")
