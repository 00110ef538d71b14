"""The public surface, the shipped JSON Schema, the format documentation and package data."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

import overflight.scenarios
from overflight.scenarios import CATEGORIES, json_schema, load_scenario, write_json_schema
from overflight.scenarios._schema import SCHEMA_FILE, schema_text


def test_public_names_are_pinned() -> None:
    # Sorted as ruff sorts __all__: constants, classes, functions.
    assert overflight.scenarios.__all__ == [
        "CATEGORIES",
        "AvoidArea",
        "BandedAirspace",
        "Defaults",
        "Group",
        "Operator",
        "Permissions",
        "Rule",
        "Scenario",
        "ScenarioInfo",
        "Source",
        "Strait",
        "Window",
        "airspace_area",
        "avoid_area",
        "group_members",
        "groups",
        "json_schema",
        "list_scenarios",
        "load_scenario",
        "parse_scenario",
        "read_avoid_file",
        "straits",
        "straits_used",
        "transit_corridors",
        "write_json_schema",
    ]


def test_the_shipped_schema_is_the_generated_one() -> None:
    shipped = files("overflight.scenarios").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    assert shipped == schema_text(), "run: python -m overflight.scenarios._schema"


def test_write_json_schema_writes_the_schema(tmp_path: Path) -> None:
    path = write_json_schema(tmp_path / "s.json")
    assert json.loads(path.read_text()) == json_schema()


def test_the_schema_describes_the_format() -> None:
    schema = json_schema()
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["name", "title"]
    rule = schema["$defs"]["Rule"]
    assert rule["additionalProperties"] is False
    assert rule["properties"]["categories"]["items"]["enum"] == list(CATEGORIES)
    assert set(rule["properties"]) == {
        "states",
        "categories",
        "operators",
        "to_from",
        "overflight",
        "landing",
        "valid",
        "note",
    }
    assert set(schema["$defs"]["Window"]["properties"]) == {"from", "to"}
    pattern = re.compile(rule["properties"]["states"]["items"]["pattern"])
    assert pattern.match("TR")
    assert pattern.match("tur")
    assert pattern.match("@EU")
    assert not pattern.match("@")
    assert not pattern.match("TURK")


def test_every_built_in_file_uses_only_fields_of_the_schema() -> None:
    schema = json_schema()
    folder = files("overflight.scenarios").joinpath("builtin")
    for entry in folder.iterdir():
        if entry.name.endswith(".yaml"):
            text = entry.read_text(encoding="utf-8")
            keys = set(re.findall(r"^([a-z_]+):", text, flags=re.MULTILINE))
            assert keys <= set(schema["properties"]), entry.name


def test_the_example_in_the_format_documentation_validates(tmp_path: Path) -> None:
    doc = files("overflight.scenarios").joinpath("SCENARIOS.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "conflict-zones.geojson").write_text(
        '{"type": "Polygon", "coordinates": [[[44, 36], [46, 36], [46, 38], [44, 36]]]}'
    )
    (tmp_path / "what-if.yaml").write_text(example)
    scenario = load_scenario(tmp_path / "what-if.yaml")
    permissions = scenario.resolve()
    assert permissions.category == "state_military"
    assert {"BG", "GR", "IR", "TR", "UA"} <= set(permissions.overflight_denied)
    assert permissions.may_overfly("IQ")
    assert not permissions.may_land("DE")
    assert permissions.margin_nm == 10
    assert permissions.transit_passage
    assert len(permissions.avoid) == 1


def test_package_data_is_read_from_the_package_not_the_working_directory(
    tmp_path: Path, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.chdir(tmp_path)
    assert load_scenario("qatar-2017").resolve().overflight_denied == ("AE", "BH", "EG", "SA")
