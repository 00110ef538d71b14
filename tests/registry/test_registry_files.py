"""The registry's event files: every rule sourced and dated, ids unique, rules consistent.

What a file must hold is checked here, with the project's YAML reader and the scenario
validator (codes, groups, categories and contradictions between the rules of one file); the
loader and the world they make are tested in ``test_world.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from overflight.data.yamlfile import read_yaml
from overflight.errors import ScenarioError
from overflight.scenarios import Scenario

EVENTS = Path(str(files("overflight").joinpath("registry", "events")))
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: Keys a registry rule adds to the scenario rule format.
REGISTRY_KEYS = ("id", "source", "airlines")


@cache
def event(path: Path) -> dict[str, Any]:
    doc = read_yaml(path.read_text(encoding="utf-8"), file=path.name, error=ScenarioError)
    data: dict[str, Any] = doc.data
    return data


FILES = sorted(EVENTS.glob("*.yaml"))


def test_the_registry_holds_at_least_forty_events() -> None:
    assert len(FILES) >= 40


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_rule_has_a_dated_source_with_an_address(path: Path) -> None:
    data = event(path)
    assert data["id"] == path.stem
    assert data["rules"]
    listed = data["sources"]
    for rule in data["rules"]:
        source = rule["source"]
        assert source["url"].startswith(("https://", "http://")), rule["id"]
        assert isinstance(source["date"], dt.date), rule["id"]
        assert source["title"]
        assert source["publisher"]
        assert source in listed, f"{rule['id']}: its source is not among the file's sources"
        assert rule["note"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_windows_are_ordered_and_within_the_registry_span(path: Path) -> None:
    for rule in event(path)["rules"]:
        valid = rule.get("valid", {})
        start, end = valid.get("from"), valid.get("to")
        if start and end:
            assert start <= end, rule["id"]
        assert end is None or end >= dt.date(2014, 1, 1), rule["id"]


def test_ids_are_unique_and_kebab_case() -> None:
    ids = [rule["id"] for path in FILES for rule in event(path)["rules"]]
    assert all(KEBAB.match(i) for i in ids)
    assert len(ids) == len(set(ids))
    assert len({event(p)["id"] for p in FILES}) == len(FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_event_is_a_valid_scenario(path: Path) -> None:
    """Codes, groups, categories and stances are known; no two rules of a file contradict."""
    data = event(path)
    rules = [{k: v for k, v in r.items() if k not in REGISTRY_KEYS} for r in data["rules"]]
    scenario = Scenario.model_validate({"name": data["id"], "title": data["title"], "rules": rules})
    assert len(scenario.rules) == len(rules)
