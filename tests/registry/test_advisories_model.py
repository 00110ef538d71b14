"""The advisory model and loader: a user's file, its errors by file:line:field, corridors, CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import shapely
import shapely.geometry
import yaml
from typer.testing import CliRunner

from overflight.analysis import FlightRequest
from overflight.analysis.plan import Plan, plan_request
from overflight.cli import app
from overflight.cli._common import EXIT_BAD_INPUT
from overflight.errors import ScenarioError
from overflight.geo.ellipsoid import great_circle_points
from overflight.registry import advisories_for, read_advisories, read_advisory_file
from overflight.registry._advisory_schema import ADVISORY_SCHEMA_FILE, advisory_schema_text

runner = CliRunner()
SOURCE = {
    "title": "A test source",
    "publisher": "tests",
    "url": "https://example.org",
    "date": dt.date(2016, 1, 1),
}
FRANKFURT, KYIV = (8.54313, 50.0264), (30.8947, 50.345)
#: A box over central Europe, between Frankfurt and Kyiv.
BOX = [[12.0, 47.0], [24.0, 47.0], [24.0, 53.0], [12.0, 53.0], [12.0, 47.0]]
#: New Zealand operators in mid-2016: the registry refuses them nothing.
WHO: dict[str, Any] = {"operator": "NZ", "date": dt.date(2016, 6, 1)}


def advisory_file(path: Path, **changes: Any) -> Path:
    """A user's file of one advisory on the box, with an airway along the great circle."""
    line = [list(p) for p in great_circle_points(FRANKFURT, KYIV, 50.0)]
    advisory = {
        "id": "test-box",
        "area": {"polygons": [BOX]},
        "band": {"lower": 0, "upper": 600},
        "binds": {"operators": ["NZ"], "categories": ["civil"]},
        "severity": "prohibited",
        "valid": {"from": dt.date(2016, 1, 1), "to": None},
        "corridors": [
            {
                "name": "T1",
                "points": line,
                "half_width_nm": 10,
                "band": {"lower": 300, "upper": 600},
            }
        ],
        "note": "A box closed but for one airway at FL300 and above",
        "source": SOURCE,
    } | changes
    data = {
        "id": "test-advisories",
        "title": "Test advisories",
        "issuer": "Tests",
        "description": "A box over central Europe.",
        "sources": [SOURCE],
        "assumptions": [],
        "advisories": [advisory],
    }
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def fly(file: Path, level: int) -> Plan:
    return plan_request(
        FlightRequest(
            origin="EDDF", destination="UKBB", flight_level=level, advisories_file=file, **WHO
        )
    )


def test_the_catalogue_loads_whole() -> None:
    found = read_advisories()
    assert len(found) == 26
    assert sum(len(f.advisories) for f in found) == 63


def test_the_shipped_schema_is_the_generated_one() -> None:
    shipped = Path(__file__).parents[2] / "src" / "overflight" / "registry" / ADVISORY_SCHEMA_FILE
    assert shipped.read_text(encoding="utf-8") == advisory_schema_text(), (
        "regenerate it: python -m overflight.registry._advisory_schema"
    )


def test_a_user_file_binds_its_operators_only(tmp_path: Path) -> None:
    parsed = read_advisory_file(advisory_file(tmp_path / "a.yaml"))
    assert [a.id for a in parsed.advisories] == ["test-box"]
    found = advisories_for(operator="NZ", on=dt.date(2016, 6, 1), extra=[parsed], shipped=False)
    assert [b.advisory.id for b in found] == ["test-box"]
    assert not advisories_for(operator="AU", on=dt.date(2016, 6, 1), extra=[parsed])
    assert not advisories_for(operator="NZ", on=dt.date(2015, 6, 1), extra=[parsed])


def test_a_corridor_opens_the_area_at_its_band_only(tmp_path: Path) -> None:
    file = advisory_file(tmp_path / "a.yaml")
    high, low = fly(file, 350), fly(file, 250)
    # At FL350 the airway is open: the great circle, within a hair.
    assert high.route.distance_km < high.route.great_circle_km * 1.0001
    # An obstacle at the level, but the route flies straight through its airway: active only.
    assert [a["effect"] for a in high.to_dict()["advisories"]] == ["active"]
    # At FL250 the whole box is closed: the route goes round it, kept out.
    assert low.route.distance_km > low.route.great_circle_km * 1.01
    assert [a["effect"] for a in low.to_dict()["advisories"]] == ["avoided"]


def test_a_named_only_corridor_opens_nothing(tmp_path: Path) -> None:
    file = advisory_file(
        tmp_path / "a.yaml", corridors=[{"name": "T1", "band": {"lower": 300, "upper": 600}}]
    )
    with pytest.raises(ScenarioError, match="T1 has no points"):
        read_advisory_file(file)


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        ({"band": {"lower": 300, "upper": 200}}, "advisories[0].band", "upside down"),
        ({"severity": "maybe"}, "advisories[0].severity", "prohibited"),
        ({"area": {"firs": ["LOVV"]}}, "advisories[0].area", "need the states"),
        ({"binds": {"operators": ["XX"]}}, "advisories[0].binds.operators[0]", "XX"),
        ({"colour": "red"}, "advisories[0].colour", "colour"),
    ],
)
def test_a_bad_value_is_named_by_file_line_and_field(
    tmp_path: Path, change: dict[str, Any], field: str, problem: str
) -> None:
    file = advisory_file(tmp_path / "bad.yaml", **change)
    with pytest.raises(ScenarioError) as error:
        read_advisory_file(file)
    message = str(error.value)
    assert message.startswith(f"{file}:"), message
    assert error.value.line is not None
    assert field in message
    assert problem in message


def test_an_id_of_the_catalogue_is_refused_in_a_user_file(tmp_path: Path) -> None:
    file = advisory_file(tmp_path / "a.yaml", id="faa-iran-sfar-117")
    with pytest.raises(ScenarioError, match="faa-iran-sfar-117"):
        read_advisory_file(file)


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_advisories_command_lists_what_binds_at_a_level() -> None:
    status, out, _ = run(
        "advisories", "--operator", "DE", "--date", "2020-02-01", "--fl", "350", "-f", "json"
    )
    assert status == 0
    data = json.loads(out)
    ids = {a["id"] for a in data["advisories"]}
    assert "easa-iraq-czib-2017-04r5" in ids
    assert "easa-iran-czib-2020-01" not in ids  # its band ends at FL249
    status, out, _ = run("advisories", "--operator", "DE", "--date", "2020-02-01", "-f", "json")
    iran = next(a for a in json.loads(out)["advisories"] if a["id"] == "easa-iran-czib-2020-01")
    assert iran["band"] == {"lower": 0, "upper": 249}
    assert (iran["issuer"], iran["severity"]) == ("EASA", "avoid")
    assert iran["source_url"].startswith("https://")


def test_the_advisories_command_as_text() -> None:
    status, out, _ = run("advisories", "--airline", "DLH", "--date", "2020-02-01")
    assert status == 0
    assert "easa-iran-czib-2020-01" in out
    assert "FL000-FL249" in out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("advisories", "--date", "2020-02-01"), "--operator or --airline"),
        (("advisories", "--operator", "DE", "--fl", "700"), "--fl 700"),
        (("advisories", "--operator", "XX"), "XX"),
        (("route", "EDDF", "UKBB", "--deny", "IR", "--advisories", "a.yaml"), "--operator"),
    ],
)
def test_bad_input_is_refused_with_what_is_accepted(args: tuple[str, ...], said: str) -> None:
    status, out, err = run(*args)
    assert status == EXIT_BAD_INPUT
    assert said in " ".join((out + err).split())


def test_route_names_the_bad_line_of_an_advisories_file(tmp_path: Path) -> None:
    file = advisory_file(tmp_path / "bad.yaml", severity="maybe")
    status, out, err = run(
        "route",
        "EDDF",
        "UKBB",
        "--operator",
        "NZ",
        "--date",
        "2016-06-01",
        "--advisories",
        str(file),
    )
    assert status == EXIT_BAD_INPUT
    assert f"{file}:" in out + err
    assert "severity" in out + err


def test_route_text_lists_the_advisories_with_band_and_source() -> None:
    status, out, _ = run(
        "route", "EDDF", "OMDB", "--airline", "DLH", "--date", "2020-02-01", "--fl", "230"
    )
    assert status == 0
    flat = " ".join(out.split())
    assert "advisories at FL230" in flat
    assert "easa-iran-czib-2020-01 (EASA, avoid, FL000-FL249): kept out" in flat
    # Libya is an obstacle at FL230 too, but nowhere near the route: active, not kept out.
    assert "easa-libya-czib-2017-02 (EASA, avoid, FL000-FL600): active" in flat
    status, out, _ = run(
        "route", "EDDF", "OMDB", "--airline", "DLH", "--date", "2020-02-01", "--no-advisories"
    )
    assert status == 0
    assert "advisories at" not in out


def test_the_advisories_command_draws_the_areas_as_geojson() -> None:
    status, out, _ = run(
        "advisories", "--operator", "US", "--date", "2020-01-10", "--fl", "350", "-f", "geojson"
    )
    assert status == 0
    data = json.loads(out)
    assert data["type"] == "FeatureCollection"
    gulf = next(
        f for f in data["features"] if f["properties"]["id"] == "faa-gulf-waters-notam-a0003-2020"
    )
    area = shapely.geometry.shape(gulf["geometry"])
    assert area.intersects(shapely.Point(52.0, 27.0))  # the middle of the Persian Gulf
    assert not area.intersects(shapely.Point(47.0, 24.0))  # Riyadh: land


def test_a_fir_keyed_advisory_keeps_out_of_the_fir_outline_when_one_is_given(
    tmp_path: Path,
) -> None:
    """The box is the FIR XBOX; without its outline the rule falls back to Poland's airspace."""
    file = advisory_file(tmp_path / "a.yaml", area={"firs": ["XBOX"], "states": ["PL"]})
    fir_file = tmp_path / "firs.geojson"
    outline = {"type": "Polygon", "coordinates": [BOX]}
    feature = {"type": "Feature", "properties": {"id": "XBOX"}, "geometry": outline}
    fir_file.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), "utf-8")
    box = shapely.Polygon(BOX)

    def route(**firs: Any) -> Plan:
        return plan_request(
            FlightRequest(
                origin="EDDF",
                destination="UKBB",
                flight_level=250,
                advisories_file=file,
                **firs,
                **WHO,
            )
        )

    outlined, fallback = route(fir_file=fir_file), route()
    inner = box.buffer(-0.01)
    assert not any(
        inner.intersects(shapely.LineString(great_circle_points(a, b, 5.0)))
        for a, b in zip(outlined.route.waypoints, outlined.route.waypoints[1:], strict=False)
    )
    assert not any("XBOX" in w for w in outlined.advisory_warnings)
    # Round the box, over Poland north of it: the FIR, not Poland, is kept out of.
    assert "PL" in {t.country for t in outlined.route.transit}
    # Without the outline: Poland's airspace stands for the FIR, and the answer says so.
    assert any("XBOX (PL)" in w and "no FIR outlines" in w for w in fallback.advisory_warnings)
    assert "PL" not in {t.country for t in fallback.route.transit}
