"""A bad scenario file is refused with its file, line and field, and what would be accepted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from overflight.errors import InputError, ScenarioError, UnknownScenarioError
from overflight.scenarios import load_scenario, read_avoid_file

HEAD = "name: bad\ntitle: A bad scenario\n"

# (case, file body after HEAD, line, field or None, words the message must hold)
BAD_FILES = [
    (
        "unknown state",
        "rules:\n  - states: [TR, XZ]\n    overflight: deny\n",
        4,
        "rules[0].states[1]",
        ["unknown state code 'XZ'", "alpha-2", "did you mean"],
    ),
    (
        "unknown operator state",
        "rules:\n  - states: [TR]\n    operators: [RUSS]\n    overflight: deny\n",
        5,
        "rules[0].operators[0]",
        ["unknown state code 'RUSS'", "Russia"],
    ),
    (
        "unknown group",
        "rules:\n  - states: ['@NATTO']\n    overflight: deny\n",
        4,
        "rules[0].states[0]",
        ["unknown group '@NATTO'", "@EU", "did you mean @NATO"],
    ),
    (
        "unknown category",
        "rules:\n  - states: [TR]\n    categories: [civil, military]\n    overflight: deny\n",
        5,
        "rules[0].categories[1]",
        ["'state_military'", "got 'military'"],
    ),
    (
        "overlapping contradictory windows",
        "rules:\n"
        "  - states: [TR]\n    operators: [RU]\n    overflight: deny\n"
        "    valid: {from: 2012-10-10}\n"
        "  - states: [TR]\n    operators: [RU]\n    overflight: allow\n"
        "    valid: {from: 2015-01-01, to: 2016-01-01}\n",
        8,
        "rules[1]",
        [
            "contradicts rules[0]",
            "state TR",
            "operator RU",
            "both in force from 2015-01-01 to 2016-01-01",
        ],
    ),
    (
        "contradictory landing",
        "rules:\n  - {states: [TR], overflight: deny}\n  - {states: [TR], landing: allow}\n",
        5,
        "rules[1]",
        ["contradicts rules[0]", "landing allow here, deny there"],
    ),
    (
        "malformed yaml",
        "rules:\n  - states: [TR\n    overflight: deny\n",
        5,
        None,
        ["not valid YAML", "expected ',' or ']'"],
    ),
    (
        "extra field",
        "marginnm: 5\n",
        3,
        "marginnm",
        ["unknown field 'marginnm'", "accepted fields are", "did you mean 'margin_nm'"],
    ),
    (
        "extra field in a rule",
        "rules:\n  - states: [TR]\n    overflight: deny\n    until: 2020-01-01\n",
        6,
        "rules[0].until",
        ["unknown field 'until'", "valid"],
    ),
    (
        "rule deciding nothing",
        "rules:\n  - states: [TR]\n    note: forgot the stance\n",
        4,
        "rules[0]",
        ["decides nothing", "overflight: allow|deny"],
    ),
    (
        "bad stance",
        "rules:\n  - states: [TR]\n    overflight: refuse\n",
        5,
        "rules[0].overflight",
        ["'allow' or 'deny'", "got 'refuse'"],
    ),
    (
        "window ends before it starts",
        "rules:\n  - states: [TR]\n    overflight: deny\n"
        "    valid: {from: 2020-01-01, to: 2019-01-01}\n",
        6,
        "rules[0].valid",
        ["ends (2019-01-01) before it starts (2020-01-01)"],
    ),
    (
        "margin out of range",
        "margin_nm: 500\n",
        3,
        "margin_nm",
        ["less than or equal to 200"],
    ),
    (
        "duplicate key",
        "date: 2015-09-01\ndate: 2015-09-15\n",
        4,
        "date",
        ["duplicate key 'date'"],
    ),
    (
        "missing avoid file",
        "avoid: [zones/none.geojson]\n",
        3,
        "avoid[0]",
        ["avoid file 'zones/none.geojson' not found", "GeoJSON"],
    ),
    (
        "avoid file that is not polygons",
        "avoid: [line.geojson]\n",
        3,
        "avoid[0]",
        ["feature 0 is a LineString", "only Polygon and MultiPolygon"],
    ),
    (
        "unknown scenario extended",
        "extends: syria-2051\n",
        3,
        "extends",
        ["unknown scenario 'syria-2051'", "did you mean syria-2015"],
    ),
]


@pytest.mark.parametrize(
    ("body", "line", "field", "words"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_file_names_file_line_and_field(
    tmp_path: Path, body: str, line: int, field: str | None, words: list[str]
) -> None:
    (tmp_path / "line.geojson").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
                    }
                ],
            }
        )
    )
    path = tmp_path / "bad.yaml"
    path.write_text(HEAD + body)
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    error = raised.value
    assert error.file == str(path)
    assert error.line == line
    assert error.field == field
    message = str(error)
    assert message.startswith(f"{path}:{line}:")
    for word in words:
        assert word in message
    assert isinstance(error, InputError)
    assert isinstance(error, ValueError)


def test_every_problem_of_a_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(HEAD + "margin_nm: -1\nrules:\n  - {states: [XZ], overflight: deny}\n")
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    assert raised.value.field == "margin_nm"
    assert len(raised.value.others) == 1
    assert raised.value.others[0].startswith(f"{path}:5:")


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- name: x\n")
    with pytest.raises(ScenarioError, match="a scenario is a YAML mapping"):
        load_scenario(path)


def test_a_missing_file_is_refused_with_where_it_was_looked_for(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "nowhere.yaml")


def test_an_unknown_name_suggests_close_built_in_names() -> None:
    with pytest.raises(UnknownScenarioError) as raised:
        load_scenario("pakistan-2019")
    assert raised.value.suggestions[0] == "pakistan-2025"
    assert isinstance(raised.value, LookupError)


def test_scenarios_extending_each_other_in_a_cycle_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("name: a\ntitle: A\nextends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("name: b\ntitle: B\nextends: a.yaml\n")
    with pytest.raises(ScenarioError, match=r"cycle: a\.yaml -> b\.yaml -> a\.yaml"):
        load_scenario(tmp_path / "a.yaml")


def test_a_rule_inherited_and_overridden_is_no_contradiction(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        "name: c\ntitle: C\nextends: syria-2015\n"
        "rules:\n  - {states: [BG], categories: [state], operators: [RU], overflight: allow}\n"
    )
    assert "BG" not in load_scenario(tmp_path / "c.yaml").resolve().overflight_denied


@pytest.mark.parametrize(
    ("geojson", "words"),
    [
        ({"type": "Point", "coordinates": [0, 0]}, "type 'Point'"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]},
            "not a valid polygon (Self-intersection",
        ),
        (
            {"type": "Polygon", "coordinates": [[[170, 0], [-170, 0], [-170, 5], [170, 0]]]},
            "antimeridian",
        ),
        ({"type": "Polygon", "coordinates": [[[0, 0], [0, 95], [5, 5], [0, 0]]]}, "outside lon"),
        ({"type": "FeatureCollection", "features": []}, "holds no polygon"),
    ],
)
def test_bad_avoid_files_say_why(tmp_path: Path, geojson: object, words: str) -> None:
    path = tmp_path / "zone.geojson"
    path.write_text(json.dumps(geojson))
    with pytest.raises(InputError) as raised:
        read_avoid_file(path)
    assert words in str(raised.value)


def test_an_avoid_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "zone.geojson"
    path.write_text("{not json")
    with pytest.raises(InputError, match="not readable JSON"):
        read_avoid_file(path)
