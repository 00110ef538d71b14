"""The airspace build's conservative simplification, on small synthetic polygons."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, Polygon, box

from scripts.build_airspace.geometry import GEOD, area_km2, geodesic_buffer
from scripts.build_airspace.simplify import (
    MAX_EDGE_KM,
    densify_ring,
    simplify_state,
    snap,
    wrap_antimeridian,
)


def test_geodesic_buffer_grows_by_metres_on_the_ellipsoid() -> None:
    # 10 km around a point at 60N: as wide east-west as north-south on the ground.
    disc = geodesic_buffer(Point(25.0, 60.0).buffer(1e-9), 10_000.0, 32)
    _, _, x1, y1 = disc.bounds
    _, _, east = GEOD.inv(25.0, 60.0, x1, 60.0)
    _, _, north = GEOD.inv(25.0, 60.0, 25.0, y1)
    assert east == pytest.approx(10_000.0, rel=1e-3)
    assert north == pytest.approx(10_000.0, rel=1e-3)


def test_snap_rounds_to_the_written_decimals() -> None:
    snapped = snap(Point(1.23456789, -0.1234567))
    assert isinstance(snapped, Point)
    assert (snapped.x, snapped.y) == (1.234568, -0.123457)


def test_wrap_antimeridian_moves_the_part_beyond_180_to_the_other_side() -> None:
    wrapped = wrap_antimeridian(box(179.0, 0.0, 181.0, 1.0))
    assert wrapped.geom_type == "MultiPolygon"
    assert sorted(p.bounds for p in shapely.get_parts(wrapped)) == [
        (-180.0, 0.0, -179.0, 1.0),
        (179.0, 0.0, 180.0, 1.0),
    ]
    inside = box(10.0, 0.0, 11.0, 1.0)
    assert wrap_antimeridian(inside) is inside


def test_densify_ring_keeps_the_shape_and_shortens_every_edge() -> None:
    ring = np.asarray(box(0.0, 0.0, 2.0, 1.0).exterior.coords)
    dense = densify_ring(ring, 25_000.0)
    _, _, lengths = GEOD.inv(dense[:-1, 0], dense[:-1, 1], dense[1:, 0], dense[1:, 1])
    assert float(np.max(lengths)) <= 25_000.0
    assert Polygon(dense).equals(Polygon(ring))
    assert densify_ring(dense, 25_000.0) is dense


def test_simplified_state_covers_its_reference_with_fewer_vertices() -> None:
    # A wiggly coast: 2,000 vertices within 220 m of a circle one degree in radius.
    t = np.linspace(0.0, 2.0 * np.pi, 2000, endpoint=False)
    wiggle = 1.0 + 0.002 * np.sin(300.0 * t)
    reference = Polygon(np.column_stack([10.0 + np.cos(t) * wiggle, 5.0 + np.sin(t) * wiggle]))
    code3, wkb, vertices, rounds = simplify_state(("AAA", shapely.to_wkb(reference)))
    result = shapely.from_wkb(wkb)
    assert code3 == "AAA"
    assert rounds == 0
    assert result.is_valid
    assert result.covers(reference)
    assert vertices < 2000
    # Outside the reference, the result lies within the wiggles' 0.22 km plus tau (1 km) of the
    # circle, whose circumference is about 2 pi 111 km.
    band_km2 = 2 * np.pi * 111.3 * (0.22 + 1.0)
    assert area_km2(reference) < area_km2(result) < area_km2(reference) + band_km2
    xy = shapely.get_coordinates(result)
    np.testing.assert_array_equal(xy, np.round(xy * 1e6) / 1e6)
    _, _, lengths = GEOD.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
    assert float(np.max(lengths)) <= MAX_EDGE_KM * 1000.0
    assert isinstance(result, Polygon)
    assert result.exterior.is_ccw
