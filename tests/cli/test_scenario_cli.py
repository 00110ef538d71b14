"""`route` under scenarios, with avoid areas and aircraft; `scenarios` and `aircraft` lists."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from overflight.cli import app
from overflight.cli._common import EXIT_BAD_INPUT

runner = CliRunner()


def run_json(*args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def states(data: dict) -> set[str]:  # type: ignore[type-arg]
    return {t["country"] for t in data["transit"]}


def test_syria_2015_goes_over_iran_and_iraq() -> None:
    data = run_json("route", "UUMU", "OSLK", "--scenario", "syria-2015")
    assert {"IR", "IQ"} <= states(data)
    assert not {"BG", "GR", "TR"} & states(data)
    assert data["scenario"]["name"] == "syria-2015"
    assert data["scenario"]["operator_state"] == "RU"


def test_before_and_after_differ() -> None:
    before = run_json("route", "UUMU", "OSLK", "--scenario", "syria-2015-before")
    after = run_json("route", "UUMU", "OSLK", "--scenario", "syria-2015")
    assert "BG" in states(before)
    assert "BG" not in states(after)
    assert after["distance_km"] != pytest.approx(before["distance_km"])


def test_deny_on_top_of_a_scenario_and_allow_removes() -> None:
    base = run_json("route", "UUMU", "OSLK", "--scenario", "syria-2015")
    more = run_json("route", "UUMU", "OSLK", "--scenario", "syria-2015", "--deny", "AZ")
    assert "AZ" in more["denied"]
    assert "AZ" not in states(more)
    assert more["distance_km"] >= base["distance_km"] - 1e-6
    opened = run_json("route", "UUMU", "OSLK", "--scenario", "syria-2015", "--allow", "TR")
    assert "TR" not in opened["denied"]
    assert opened["distance_km"] <= base["distance_km"] + 1e-6


def test_avoid_file_is_an_obstacle(tmp_path: Path) -> None:
    # A box over the Caucasus between the Black and Caspian seas.
    box = [[43.0, 39.0], [48.0, 39.0], [48.0, 44.0], [43.0, 44.0], [43.0, 39.0]]
    area = tmp_path / "zone.geojson"
    area.write_text(
        json.dumps(
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "Polygon", "coordinates": [box]},
            }
        )
    )
    plain = run_json("route", "UUMU", "OSLK", "--deny", "BG,GR,TR")
    avoided = run_json("route", "UUMU", "OSLK", "--deny", "BG,GR,TR", "--avoid", str(area))
    assert avoided["distance_km"] > plain["distance_km"]
    for lon, lat in avoided["waypoints"]:
        assert not (43.0 < lon < 48.0 and 39.0 < lat < 44.0)


def test_aircraft_sets_speed_and_range() -> None:
    data = run_json("route", "VIDP", "KORD", "--scenario", "pakistan-2025", "--aircraft", "B788")
    assert "PK" not in states(data)
    assert data["speed_kt"] == data["aircraft"]["cruise_speed_kt"]
    assert data["aircraft"]["within_range"] == (
        data["distance_km"] <= data["aircraft"]["usable_range_km"]
    )


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("route", "UUMU", "OSLK", "--scenario", "syria-2051"), "syria-2051"),
        (("route", "UUMU", "OSLK", "--allow", "TR"), "--scenario"),
        (("route", "UUMU", "OSLK", "--aircraft", "B7X7"), "B7X7"),
    ],
)
def test_bad_scenario_input(args: tuple[str, ...], needle: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == EXIT_BAD_INPUT
    assert needle in " ".join(result.stderr.split())


def test_lists() -> None:
    listed = runner.invoke(app, ["scenarios"])
    assert listed.exit_code == 0
    for name in ("syria-2015", "russia-2022", "pakistan-2025", "qatar-2017"):
        assert name in listed.stdout
    shown = runner.invoke(app, ["scenarios", "syria-2015"])
    assert shown.exit_code == 0
    assert "sources" in shown.stdout
    assert "assumptions" in shown.stdout
    planes = runner.invoke(app, ["aircraft"])
    assert planes.exit_code == 0
    assert "B788" in planes.stdout


def test_short_range_aircraft_gets_fuel_stops() -> None:
    data = run_json("route", "VIDP", "KORD", "--scenario", "pakistan-2025", "--aircraft", "B738")
    assert data["aircraft"]["within_range"] is False
    legs, stops = data["legs"], data["stops"]
    assert len(legs) == len(stops) + 1 >= 2
    usable = data["aircraft"]["usable_range_km"]
    assert all(leg["distance_km"] <= usable for leg in legs)
    assert legs[0]["origin"]["code"] == "VIDP"
    assert legs[-1]["destination"]["code"] == "KORD"
    for a, b in itertools.pairwise(legs):
        assert a["destination"]["code"] == b["origin"]["code"]
    assert all(s["country"] != "PK" for s in stops)
    assert data["total_time_h"] == pytest.approx(
        sum(leg["duration_h"] for leg in legs) + data["ground_time_h"] * len(stops)
    )
