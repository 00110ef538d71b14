"""GeoJSON (RFC 7946): the route's track with its fields, both ends, lines cut at ±180°."""

from __future__ import annotations

import itertools

import pytest

from overflight.analysis.plan import Plan
from overflight.export.geojson import route_to_geojson
from tests.helpers.exports import CASES


@pytest.mark.parametrize("case", sorted(CASES))
def test_track_with_the_route_fields_then_both_ends(plans: dict[str, Plan], case: str) -> None:
    route = plans[case].route
    collection = route_to_geojson(route)
    assert collection["type"] == "FeatureCollection"
    track, *ends = collection["features"]
    assert track["properties"] == route.to_dict()
    parts = [track["geometry"]["coordinates"]]
    if track["geometry"]["type"] == "MultiLineString":
        parts = track["geometry"]["coordinates"]
    assert parts == [[list(p) for p in part] for part in route.track]
    for part in parts:
        assert all(-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0 for lon, lat in part)
    assert [(f["properties"]["role"], f["geometry"]["coordinates"]) for f in ends] == [
        ("origin", [route.origin.lon, route.origin.lat]),
        ("destination", [route.destination.lon, route.destination.lat]),
    ]


def test_pacific_track_is_cut_at_the_antimeridian(plans: dict[str, Plan]) -> None:
    geometry = route_to_geojson(plans["pacific"].route)["features"][0]["geometry"]
    assert geometry["type"] == "MultiLineString"
    west, east = geometry["coordinates"]
    assert west[-1][0] == 180.0
    assert east[0][0] == -180.0
    assert east[0][1] == pytest.approx(west[-1][1], abs=1e-9)
    for part in (west, east):
        assert max(abs(b[0] - a[0]) for a, b in itertools.pairwise(part)) < 1.0
