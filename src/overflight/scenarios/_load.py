"""Finding, reading and validating scenario files, built-in or the user's."""

from __future__ import annotations

import datetime as dt
import difflib
import os
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from overflight.data.yamlfile import Path as DocPath
from overflight.data.yamlfile import fail_validation, read_yaml
from overflight.errors import ScenarioError, UnknownScenarioError
from overflight.scenarios._scenario import Scenario

__all__ = ["ScenarioInfo", "list_scenarios", "load_scenario", "parse_scenario"]

#: Fields whose lists a scenario that ``extends`` another appends to the base's.
_APPENDED = ("sources", "assumptions", "rules", "avoid")


class ScenarioInfo(NamedTuple):
    """A built-in scenario as listed, without loading it."""

    #: The name to give :func:`load_scenario`.
    name: str
    #: Its one-line title.
    title: str
    #: The date it describes.
    date: dt.date | None


def _builtin_dir() -> Path:
    return Path(str(files("overflight.scenarios").joinpath("builtin")))


@cache
def _builtin_files() -> Mapping[str, Path]:
    return {path.stem: path for path in sorted(_builtin_dir().glob("*.yaml"), key=lambda p: p.stem)}


@cache
def list_scenarios() -> tuple[ScenarioInfo, ...]:
    """The built-in scenarios: name, title and date, sorted by name.

    Examples
    --------
    >>> [s.name for s in list_scenarios()][:2]
    ['pakistan-2025', 'qatar-2017']

    """
    out = []
    for name, path in _builtin_files().items():
        data = read_yaml(path.read_text(encoding="utf-8"), file=str(path), error=ScenarioError)
        fields = data.data if isinstance(data.data, dict) else {}
        day = fields.get("date")
        out.append(
            ScenarioInfo(
                name, str(fields.get("title", "")), day if isinstance(day, dt.date) else None
            )
        )
    return tuple(out)


def load_scenario(name_or_path: str | os.PathLike[str]) -> Scenario:
    """A built-in scenario by name, or a scenario file by path.

    A string ending in ``.yaml``/``.yml`` or holding a path separator is a path; anything else
    is first looked up among the built-in scenarios.

    Raises
    ------
    UnknownScenarioError
        For a name that is neither built in nor a file, with the closest built-in names.
    ScenarioError
        For a file that does not validate: names the file, the line and the field.

    Examples
    --------
    >>> load_scenario("syria-2015").title
    'Russian state aircraft to Syria, September 2015'
    >>> load_scenario("syria-2051")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    overflight.errors.UnknownScenarioError: unknown scenario 'syria-2051': ...syria-2015...

    """
    if isinstance(name_or_path, os.PathLike) or _looks_like_path(name_or_path):
        return _load_path(Path(name_or_path), shown=os.fspath(name_or_path), chain=())
    key = name_or_path.strip().lower()
    if key in _builtin_files():
        return _load_builtin(key)
    if Path(name_or_path).is_file():
        return _load_path(Path(name_or_path), shown=name_or_path, chain=())
    close = difflib.get_close_matches(key, list(_builtin_files()), n=3, cutoff=0.5)
    raise UnknownScenarioError(name_or_path, tuple(close))


def parse_scenario(
    text: str, *, file: str = "<string>", base_dir: str | os.PathLike[str] | None = None
) -> Scenario:
    """A scenario from YAML text; ``base_dir`` anchors relative paths (default: the cwd).

    >>> parse_scenario('''
    ... name: what-if
    ... title: Turkey closes
    ... rules:
    ...   - {states: [TUR], overflight: deny}
    ... ''').resolve().overflight_denied
    ('TR',)

    """
    return _parse(text, file=file, base_dir=Path(base_dir) if base_dir else Path.cwd(), chain=())


def _looks_like_path(value: str) -> bool:
    return value.lower().endswith((".yaml", ".yml")) or "/" in value or os.sep in value


@cache
def _load_builtin(name: str) -> Scenario:
    path = _builtin_files()[name]
    return _load_path(path, shown=str(path), chain=())


def _load_path(path: Path, *, shown: str, chain: tuple[Path, ...]) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(
            f"no such file (looked for {path.resolve()}); give the path of a scenario YAML file "
            f"or the name of a built-in scenario",
            file=shown,
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read the file: {exc}", file=shown) from None
    return _parse(text, file=shown, base_dir=path.parent, chain=(*chain, path.resolve()))


def _parse(text: str, *, file: str, base_dir: Path, chain: tuple[Path, ...]) -> Scenario:
    doc = read_yaml(text, file=file, error=ScenarioError)
    if not isinstance(doc.data, dict):
        raise ScenarioError(
            f"a scenario is a YAML mapping of fields (name, title, rules, ...), "
            f"not {type(doc.data).__name__}",
            file=file,
            line=1,
        )
    data: dict[str, Any] = doc.data
    context: dict[str, Any] = {"base_dir": base_dir}
    counts: dict[str, int] = {}
    if data.get("extends") is not None:
        base = _load_base(
            data["extends"],
            doc_file=file,
            doc_pos=doc.position(("extends",)),
            base_dir=base_dir,
            chain=chain,
        )
        data, counts = _merge(base, data)
        context["inherited_rules"] = counts["rules"]
        context["extends_merged"] = True

    def remap(loc: DocPath) -> DocPath:
        if loc and loc[0] in counts and len(loc) > 1 and isinstance(loc[1], int):
            own = loc[1] - counts[str(loc[0])]
            return (loc[0], own, *loc[2:]) if own >= 0 else ("extends",)
        if counts and loc and loc[0] not in doc.data:
            return ("extends",)
        return loc

    try:
        return Scenario.model_validate(data, context=context)
    except ValidationError as exc:
        fail_validation(exc, doc, file=file, model=Scenario, error=ScenarioError, remap=remap)


def _load_base(
    extends: Any,
    *,
    doc_file: str,
    doc_pos: tuple[int, int] | None,
    base_dir: Path,
    chain: tuple[Path, ...],
) -> Scenario:
    line, column = doc_pos if doc_pos else (None, None)
    if not isinstance(extends, str) or not extends.strip():
        raise ScenarioError(
            "give the name of a built-in scenario or the path of a scenario file",
            file=doc_file,
            line=line,
            column=column,
            field="extends",
        )
    if not _looks_like_path(extends):
        try:
            return load_scenario(extends)
        except UnknownScenarioError as exc:
            raise ScenarioError(
                str(exc), file=doc_file, line=line, column=column, field="extends"
            ) from None
    path = (base_dir / extends).resolve()
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise ScenarioError(
            f"scenarios extend each other in a cycle: {cycle}",
            file=doc_file,
            line=line,
            column=column,
            field="extends",
        )
    return _load_path(path, shown=extends, chain=chain)


def _merge(base: Scenario, child: dict[str, Any]) -> tuple[dict[str, Any], dict[str, int]]:
    """The child's fields over the base's; lists in ``_APPENDED`` are appended to the base's."""
    merged: dict[str, Any] = base.model_dump(by_alias=True, exclude={"avoid"})
    merged["avoid"] = list(base.avoid)
    counts = {key: len(merged[key]) for key in _APPENDED}
    for key, value in child.items():
        if key in _APPENDED and isinstance(value, list):
            merged[key] = [*merged[key], *value]
        else:
            merged[key] = value
    return merged, counts
