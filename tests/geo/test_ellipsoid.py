"""Lengths along densified lines on the WGS84 ellipsoid, against Karney's solution (pyproj)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from pyproj import Geod
from pyproj.enums import GeodIntermediateFlag

from overflight.geo.ellipsoid import (
    cumulative_km,
    densify_array,
    great_circle_array,
    great_circle_legs,
    wgs84,
)
from overflight.geo.sphere import EARTH_RADIUS_KM

#: Lines densified every 5 km as the transit report does: the equator, a meridian through
#: both poles' neighbourhoods, a route over the Arctic, one across the antimeridian, a
#: short hop, and one along a parallel at 70°S.
LINES = {
    "equator": [(0.0, 0.0), (60.0, 0.0)],
    "meridian": [(10.0, -89.0), (10.0, 89.0)],
    "polar": [(24.96, 60.32), (-150.0, 61.17)],
    "antimeridian": [(174.8, -36.9), (-149.6, -17.6)],
    "hop": [(4.76, 52.31), (4.80, 52.33)],
    "southern": [(-60.0, -70.0), (30.0, -70.0), (120.0, -70.0)],
}


def _karney_km(points: np.ndarray) -> np.ndarray:
    _, _, metres = wgs84().inv(points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1])
    return np.concatenate([[0.0], np.cumsum(metres) / 1000.0])


@pytest.mark.parametrize("name", sorted(LINES))
def test_cumulative_km_is_the_geodesic_of_each_step(name: str) -> None:
    points = densify_array(LINES[name], 5.0)
    ours, karney = cumulative_km(points), _karney_km(points)
    # Every step to a tenth of a micrometre, the whole line to ten micrometres.
    assert np.max(np.abs(np.diff(ours) - np.diff(karney))) < 1e-10
    assert abs(ours[-1] - karney[-1]) < 1e-8
    assert ours[0] == 0.0
    assert np.all(np.diff(ours) >= 0.0)


def test_a_long_step_is_not_its_chord() -> None:
    """The sagitta term matters: a 50 km step's chord alone is short by about 0.13 m."""
    points = np.array([[0.0, 0.0], [0.45, 0.0]])
    ours, karney = cumulative_km(points)[-1], _karney_km(points)[-1]
    chord = float(np.linalg.norm(np.diff(_ecef(points), axis=0)))
    assert abs(ours - karney) < 1e-9
    assert karney - chord > 1e-4


def _ecef(points: np.ndarray) -> np.ndarray:
    a, e2 = 6378.137, 0.00669437999014
    lon, lat = np.radians(points[:, 0]), np.radians(points[:, 1])
    n = a / np.sqrt(1.0 - e2 * np.sin(lat) ** 2)
    return np.column_stack(
        [n * np.cos(lat) * np.cos(lon), n * np.cos(lat) * np.sin(lon), n * (1 - e2) * np.sin(lat)]
    )


def test_legs_are_kept_read_only_and_equal_to_each_leg_densified() -> None:
    waypoints = LINES["southern"]
    legs = great_circle_legs(waypoints, 5.0)
    assert great_circle_legs(waypoints, 5.0) is legs  # the second asker gets the first's
    for leg, (a, b) in zip(legs, itertools.pairwise(waypoints), strict=True):
        # A leg alone is pyproj's; a route's legs are turned in one pass: the same points to
        # well under a millimetre.
        assert np.allclose(leg, great_circle_array(a, b, 5.0), rtol=0.0, atol=1e-9)
        assert not leg.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            leg[0, 0] = 1.0


@pytest.mark.parametrize("name", sorted(LINES))
def test_densified_points_are_pyprojs_intermediate_points_on_the_sphere(name: str) -> None:
    """Each leg's points are where pyproj puts n evenly spaced points on the same sphere."""
    sphere = Geod(a=EARTH_RADIUS_KM * 1000.0, b=EARTH_RADIUS_KM * 1000.0)
    waypoints = LINES[name]
    legs = great_circle_legs(waypoints, 5.0)
    for leg, (a, b) in zip(legs, itertools.pairwise(waypoints), strict=True):
        _, _, metres = sphere.inv(*a, *b)
        inner = int(metres // 5000.0)
        assert len(leg) == inner + 2
        assert tuple(leg[0]) == a
        assert tuple(leg[-1]) == b
        if not inner:
            continue
        theirs = sphere.inv_intermediate(
            *a, *b, npts=inner, flags=GeodIntermediateFlag.AZIS_DISCARD, return_back_azimuth=False
        )
        lon_gap = (leg[1:-1, 0] - np.array(theirs.lons) + 180.0) % 360.0 - 180.0
        assert np.max(np.abs(lon_gap)) < 1e-9  # degrees: a tenth of a millimetre
        assert np.max(np.abs(leg[1:-1, 1] - np.array(theirs.lats))) < 1e-9
