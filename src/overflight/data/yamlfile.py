"""YAML read with the position of every value, so that errors can name the line.

PyYAML's composer keeps a start mark on every node; we build the Python data from the same
node tree and record, for each path of keys and indices (``("rules", 2, "states", 0)``), where
its value starts. A pydantic error's ``loc`` is such a path, so its line is one lookup away.

The loader reads booleans as YAML 1.2 does (only ``true``/``false``): under YAML 1.1 rules
``NO``, Norway's country code, would silently become ``False``.
"""

from __future__ import annotations

import difflib
import os
import pathlib
import re
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, NoReturn, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from overflight.errors import InputFileError

__all__ = ["Located", "Path", "fail_validation", "field_path", "read_user_file", "read_yaml"]

#: A path into a document: mapping keys and sequence indices.
Path = tuple[str | int, ...]

_BOOL_TAG = "tag:yaml.org,2002:bool"


# libyaml's parser when PyYAML has it: the same nodes and marks, ten times faster (the
# registry's files are read on every cold start).
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader with YAML 1.2 booleans (``yes``, ``no``, ``on``, ``off`` stay strings)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class Located:
    """A YAML document as Python data, with where each value starts."""

    #: The document as plain Python objects.
    data: Any
    #: 1-based (line, column) of the value (or mapping key) at each path.
    marks: Mapping[Path, tuple[int, int]]

    def position(self, path: Sequence[str | int]) -> tuple[int, int] | None:
        """Where the longest prefix of ``path`` that exists in the document starts."""
        for end in range(len(path), -1, -1):
            found = self.marks.get(tuple(path[:end]))
            if found is not None:
                return found
        return None


def read_user_file(
    path: str | os.PathLike[str], *, error: type[InputFileError], wanted: str
) -> str:
    """The text of a file a user named; a missing or unreadable file raises ``error``.

    ``wanted`` says what the file should be ("a YAML file of aircraft profiles"), for the
    message of a missing file.
    """
    shown = os.fspath(path)
    try:
        return pathlib.Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(
            f"no such file (looked for {pathlib.Path(path).resolve()}); give the path of {wanted}",
            file=shown,
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read the file: {exc}", file=shown) from None


def read_yaml(text: str, *, file: str, error: type[InputFileError]) -> Located:
    r"""Parse one YAML document, keeping positions; raise ``error`` on bad YAML.

    >>> doc = read_yaml("a: 1\nb:\n  - NO\n", file="<doc>", error=InputFileError)
    >>> doc.data, doc.marks[("b", 0)]
    ({'a': 1, 'b': ['NO']}, (3, 5))
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise error(
            f"not valid YAML: {problem}",
            file=file,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise error(f"not valid YAML: {exc}", file=file) from None
    finally:
        loader.dispose()
    marks: dict[Path, tuple[int, int]] = {}
    if node is not None:
        _walk(node, (), marks, file, error, set())
    return Located(data, marks)


def _walk(
    node: yaml.Node,
    path: Path,
    marks: dict[Path, tuple[int, int]],
    file: str,
    error: type[InputFileError],
    active: set[int],
) -> None:
    marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if id(node) in active:  # a recursive alias: positions below are already recorded
        return
    active.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                # PyYAML keeps the last value silently; a scenario must not half-override itself.
                raise error(
                    f"duplicate key {key!r}: each field may appear once",
                    file=file,
                    line=key_node.start_mark.line + 1,
                    column=key_node.start_mark.column + 1,
                    field=field_path((*path, key)),
                )
            seen.add(key)
            marks.setdefault(
                (*path, key), (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            )
            _walk(value_node, (*path, key), marks, file, error, active)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), marks, file, error, active)
    active.discard(id(node))


def field_path(path: Sequence[str | int]) -> str:
    """A path as a user reads it.

    >>> field_path(("rules", 2, "valid", "from"))
    'rules[2].valid.from'
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def fail_validation(
    exc: ValidationError,
    doc: Located,
    *,
    file: str,
    model: type[BaseModel],
    error: type[InputFileError],
    remap: Callable[[Path], Path] = lambda loc: loc,
) -> NoReturn:
    """Raise ``error`` for a pydantic error, with file, line, field and what is accepted.

    ``remap`` turns a path of the validated data into a path of ``doc`` (they differ when the
    data merged several files); fields are named as ``doc`` has them.
    """
    problems: list[tuple[bool, Path, str, tuple[int, int] | None]] = []
    items = exc.errors(include_url=False)
    failed = [tuple(item["loc"]) for item in items]
    for item in items:
        loc: Path = tuple(p for p in item["loc"] if isinstance(p, int | str))
        if item["type"] == "too_short" and any(
            len(other) > len(item["loc"]) and other[: len(item["loc"])] == item["loc"]
            for other in failed
        ):
            continue  # a list emptied by its own failing items: those errors say it better
        ctx = item.get("ctx") or {}
        at = ctx.get("at")
        if isinstance(at, tuple):
            loc = (*loc, *at)
        problem = _describe(item, loc, model)
        doc_loc = remap(loc)
        problems.append(
            (item["type"] != "extra_forbidden", doc_loc, problem, doc.position(doc_loc))
        )
    # Unknown fields first (a misspelt required field is also reported missing), then in
    # file order, as a compiler reports them.
    problems.sort(key=lambda p: (p[0], p[3] if p[3] is not None else (1 << 30, 0)))
    formatted = [
        _format(file, pos, field_path(loc) if loc else None, problem)
        for _, loc, problem, pos in problems
    ]
    _, loc, problem, pos = problems[0]
    raise error(
        problem,
        file=file,
        line=pos[0] if pos else None,
        column=pos[1] if pos else None,
        field=field_path(loc) if loc else None,
        others=tuple(formatted[1:]),
    ) from None


def _format(file: str, pos: tuple[int, int] | None, field: str | None, problem: str) -> str:
    where = f"{file}:{pos[0]}:{pos[1]}" if pos else file
    return f"{where}: {field}: {problem}" if field else f"{where}: {problem}"


def _describe(item: Any, loc: Path, model: type[BaseModel]) -> str:
    kind = item["type"]
    msg = str(item["msg"])
    if kind == "extra_forbidden":
        name = str(loc[-1])
        accepted = _fields_at(model, loc[:-1]) or []
        close = difflib.get_close_matches(name, accepted, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown field {name!r}: accepted fields are {', '.join(accepted)}{hint}"
    if kind == "missing":
        return f"missing required field {str(loc[-1])!r}"
    if kind.startswith("value_error") and msg.startswith("Value error, "):
        return msg.removeprefix("Value error, ")
    value = item.get("input")
    if isinstance(value, str | int | float | bool) or value is None:
        return f"{msg}; got {value!r}"
    return msg


def _fields_at(model: type[BaseModel], loc: Path) -> list[str] | None:
    """The field names (aliases) accepted by the model found at ``loc``, if one is."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        by_alias = {f.alias or n: f for n, f in current.model_fields.items()}
        if part not in by_alias:
            return None
        current = by_alias[part].annotation
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return None


def _unwrap(tp: Any) -> Any:
    """The model type inside ``Annotated``, ``list``, ``tuple`` and optional annotations."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (list, tuple, Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None) and a is not Ellipsis]
            if not args:
                return tp
            tp = args[0]
        else:
            return tp
