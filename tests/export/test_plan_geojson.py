"""A plan with fuel stops as GeoJSON: every leg flown and every stop, as GPX, KML and CSV have."""

from __future__ import annotations

import json

import shapely
from shapely.geometry import shape
from typer.testing import CliRunner

from overflight.analysis.plan import plan_request
from overflight.analysis.request import FlightRequest
from overflight.cli import app
from overflight.geo.ellipsoid import path_km

REQUEST = FlightRequest(origin="VIDP", destination="KORD", deny=("PK",), aircraft="B738")


def test_the_geojson_of_a_plan_with_stops_holds_each_leg_and_stop() -> None:
    """It once held the non-stop line and two points only."""
    result = CliRunner().invoke(
        app, ["route", "VIDP", "KORD", "--deny", "PK", "--aircraft", "B738", "-f", "geojson"]
    )
    assert result.exit_code == 0, result.stderr
    features = json.loads(result.stdout)["features"]
    plan = plan_request(REQUEST)
    assert plan.stops is not None
    legs = [f for f in features if "leg" in f["properties"]]
    assert [f["properties"]["leg"] for f in legs] == list(range(1, len(plan.stops.legs) + 1))
    for feature, leg in zip(legs, plan.stops.legs, strict=True):
        assert feature["properties"]["distance_km"] == leg.distance_km
    roles = [(f["properties"]["role"], f["properties"]["code"]) for f in features[len(legs) :]]
    assert roles == [
        ("origin", "VIDP"),
        *(("stop", s.code) for s in plan.stops.stops),
        ("destination", "KORD"),
    ]


def test_a_plan_is_a_geo_interface_feature_of_the_legs_flown() -> None:
    plan = plan_request(REQUEST)
    assert plan.stops is not None
    feature = plan.__geo_interface__
    assert feature["properties"]["stops"] == [s.code for s in plan.stops.stops]
    lines = shape(feature["geometry"])
    assert isinstance(lines, shapely.MultiLineString)
    # Each part is a densified great-circle stretch: their geodesic lengths add up to the legs'.
    flown = sum(path_km([(x, y) for x, y in part.coords]) for part in lines.geoms)
    assert abs(flown - feature["properties"]["flown_km"]) < 1e-3 * flown
    assert feature["properties"]["flown_km"] > feature["properties"]["nonstop_km"]
