"""GPX re-read by gpxpy: longitudes in [-180, 180), route points are the turning points."""

from __future__ import annotations

import gpxpy
import numpy as np
import pytest

from overflight.analysis.plan import Plan
from overflight.export.gpx import plan_to_gpx


def test_route_points_are_the_waypoints_in_order(plans: dict[str, Plan]) -> None:
    route = plans["pacific"].route
    gpx = gpxpy.parse(plan_to_gpx(plans["pacific"]))
    assert gpx.version == "1.1"
    (rte,) = gpx.routes
    got = [(p.longitude, p.latitude) for p in rte.points]
    want = [((lon + 180.0) % 360.0 - 180.0, lat) for lon, lat in route.waypoints]
    np.testing.assert_allclose(got, want, atol=1e-6)
    assert rte.points[0].name == "RJAA"
    assert rte.points[-1].name == "PANC"
    assert [p.name for p in rte.points[1:-1]] == [f"TP{k}" for k in range(1, len(got) - 1)]


@pytest.mark.parametrize("case", ["syria", "pacific", "stops"])
def test_longitudes_in_range(plans: dict[str, Plan], case: str) -> None:
    gpx = gpxpy.parse(plan_to_gpx(plans[case]))
    for rte in gpx.routes:
        for p in rte.points:
            assert -180.0 <= p.longitude < 180.0
            assert -90.0 <= p.latitude <= 90.0


def test_one_route_per_leg_with_fuel_stops(plans: dict[str, Plan]) -> None:
    stop_plan = plans["stops"].stops
    assert stop_plan is not None
    gpx = gpxpy.parse(plan_to_gpx(plans["stops"]))
    assert len(gpx.routes) == len(stop_plan.legs)
    for rte, leg in zip(gpx.routes, stop_plan.legs, strict=True):
        assert rte.name == f"{leg.origin.code}-{leg.destination.code}"
        got = [(p.longitude, p.latitude) for p in rte.points]
        np.testing.assert_allclose(got, [tuple(w) for w in leg.waypoints], atol=1e-6)
    # The stop ends the first route and starts the second.
    assert gpx.routes[0].points[-1].name == gpx.routes[1].points[0].name == stop_plan.stops[0].code
    assert gpx.name == "VIDP → " + stop_plan.stops[0].code + " → EGLL"
