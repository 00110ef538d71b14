"""Reading the registry's event files and its knowledge date, with the project's YAML reader."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from overflight._config import cache_dir
from overflight.data.yamlfile import fail_validation, read_yaml
from overflight.errors import ScenarioError
from overflight.scenarios import Source
from overflight.scenarios._rules import RegistryRule

__all__ = ["Event", "read_as_of", "read_events", "read_folder", "read_model", "read_views"]


class Event(BaseModel):
    """One event or relationship of the registry: its sources and its rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Kebab-case id, the file's name.
    id: str = Field(pattern="^[a-z0-9]+(-[a-z0-9]+)*$")
    #: One-line title.
    title: str = Field(min_length=1)
    #: What happened.
    description: str = ""
    #: Every source the file uses.
    sources: tuple[Source, ...] = Field(min_length=1)
    #: What the file assumes where its sources are silent.
    assumptions: tuple[str, ...] = ()
    #: The rules, in order: within an event the last that applies wins.
    rules: tuple[RegistryRule, ...] = Field(min_length=1)

    @property
    def first_day(self) -> dt.date:
        """The earliest day one of its rules is in force (``date.min`` for an open start)."""
        return min(r.valid.from_ or dt.date.min for r in self.rules)


class _RegistryFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: dt.date
    #: Built-in scenarios that are views of the registry: their events' ids.
    views: dict[str, tuple[str, ...]] = Field(default_factory=dict)


def _directory() -> Path:
    return Path(str(files("overflight.registry")))


def read_model(path: Path, model: type[BaseModel]) -> Any:
    """A file of the registry validated against ``model``; errors as file:line:column: field."""
    shown = f"registry/{path.relative_to(_directory()).as_posix()}"
    text = path.read_text(encoding="utf-8")
    data = _parsed(text)
    if data is not None:
        try:
            return model.model_validate(data)
        except ValidationError:
            pass  # read it again below, with the lines to name in the error
    doc = read_yaml(text, file=shown, error=ScenarioError)
    try:
        parsed = model.model_validate(doc.data)
    except ValidationError as exc:
        fail_validation(exc, doc, file=shown, model=model, error=ScenarioError)
    _keep(text, doc.data)
    return parsed


# Parsing YAML with the line of every value is slow (pure Python): a file already read is kept
# as JSON in the cache directory, under the hash of its text, and read from there next time.
_PARSED_FORMAT = "registry-parsed-1"


def _parsed_path(text: str) -> Path:
    key = hashlib.sha256(f"{_PARSED_FORMAT}\n{text}".encode()).hexdigest()[:32]
    return cache_dir().parent / "registry" / f"{key}.json"


def _parsed(text: str) -> Any:
    try:
        return json.loads(_parsed_path(text).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _keep(text: str, data: Any) -> None:
    path = _parsed_path(text)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        partial.write_text(json.dumps(data, default=dt.date.isoformat), encoding="utf-8")
        os.replace(partial, path)  # whole or absent, whoever writes at the same time
    except OSError:
        pass  # a read-only cache: parse again next time


def read_folder(folder: str, model: type[BaseModel]) -> list[Any]:
    """Every file of a folder of the registry, validated; each file's ``id`` is its name."""
    found = []
    for path in sorted((_directory() / folder).glob("*.yaml")):
        parsed = read_model(path, model)
        if parsed.id != path.stem:
            raise ScenarioError(
                f"the id {parsed.id!r} is not the file's name: name the file {parsed.id}.yaml",
                file=f"registry/{folder}/{path.name}",
                field="id",
            )
        found.append(parsed)
    return found


@cache
def read_events() -> tuple[Event, ...]:
    """Every event file, validated, in the order of their first day in force (then id)."""
    events: list[Event] = read_folder("events", Event)
    return tuple(sorted(events, key=lambda e: (e.first_day, e.id)))


@cache
def read_as_of() -> dt.date:
    """The registry's knowledge date, declared once in ``registry.yaml``."""
    return _registry_file().as_of


def read_views() -> dict[str, tuple[str, ...]]:
    """The built-in scenarios that are views of the registry, with their events' ids."""
    return dict(_registry_file().views)


@cache
def _registry_file() -> _RegistryFile:
    parsed: _RegistryFile = read_model(_directory() / "registry.yaml", _RegistryFile)
    return parsed
