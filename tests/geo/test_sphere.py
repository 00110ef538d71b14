"""Great circles on the unit sphere: conversions, angles, orientation, crossings, the ±180° cut."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from overflight.geo.sphere import (
    EARTH_RADIUS_KM,
    angle,
    arc_points,
    crosses,
    orient,
    split_antimeridian,
    to_lonlat,
    to_xyz,
)

lons = st.floats(-180.0, 180.0, allow_nan=False)
lats = st.floats(-90.0, 90.0, allow_nan=False)
points = st.tuples(lons, lats)


def _unit(v: np.ndarray) -> np.ndarray:
    return np.asarray(v / np.linalg.norm(v))


# -- to_xyz / to_lonlat -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lon", "lat", "xyz"),
    [
        (0.0, 0.0, (1.0, 0.0, 0.0)),
        (90.0, 0.0, (0.0, 1.0, 0.0)),
        (180.0, 0.0, (-1.0, 0.0, 0.0)),
        (-90.0, 0.0, (0.0, -1.0, 0.0)),
        (0.0, 90.0, (0.0, 0.0, 1.0)),
        (123.0, -90.0, (0.0, 0.0, -1.0)),
    ],
)
def test_to_xyz_axes(lon: float, lat: float, xyz: tuple[float, float, float]) -> None:
    assert to_xyz(lon, lat) == pytest.approx(xyz, abs=1e-15)


@settings(max_examples=300)
@given(lon=lons, lat=lats)
def test_to_xyz_and_to_lonlat_round_trip(lon: float, lat: float) -> None:
    v = to_xyz(lon, lat)
    assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-15)
    back_lon, back_lat = (float(x) for x in to_lonlat(v))
    assert back_lat == pytest.approx(lat, abs=1e-12)
    assert -180.0 <= back_lon <= 180.0
    if abs(lat) < 90.0 - 1e-6:  # at the poles every longitude is the same point
        turn = (back_lon - lon + 180.0) % 360.0 - 180.0  # ±180 name one meridian
        assert turn == pytest.approx(0.0, abs=1e-9 / math.cos(math.radians(lat)))
    # Whatever longitude comes back, it names the same point.
    assert to_xyz(back_lon, back_lat) == pytest.approx(v, abs=1e-14)


@given(lon=lons, lat=lats, scale=st.floats(1e-6, 1e6))
def test_to_lonlat_ignores_the_length_of_the_vector(lon: float, lat: float, scale: float) -> None:
    v = to_xyz(lon, lat)
    assert np.allclose(to_lonlat(v * scale), to_lonlat(v), rtol=0.0, atol=1e-9)


def test_conversions_work_on_arrays() -> None:
    lon = np.array([[0.0, 10.0, 20.0], [30.0, 40.0, 50.0]])
    lat = np.array([[1.0, 2.0, 3.0], [-4.0, -5.0, -6.0]])
    v = to_xyz(lon, lat)
    assert v.shape == (2, 3, 3)
    back_lon, back_lat = to_lonlat(v)
    assert np.allclose(back_lon, lon, atol=1e-12)
    assert np.allclose(back_lat, lat, atol=1e-12)


# -- angle ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("exponent", range(-15, 1))
def test_angle_is_accurate_for_tiny_and_near_antipodal_angles(exponent: int) -> None:
    """acos(a.b) loses everything below about 1e-8 rad (6 cm); atan2 of |a x b| and a.b does not."""
    delta = 10.0**exponent
    a = _unit(np.array([0.3, -0.5, 0.8]))
    u = _unit(np.cross(a, [0.0, 0.0, 1.0]))
    b = math.cos(delta) * a + math.sin(delta) * u
    assert float(angle(a, b)) == pytest.approx(delta, rel=1e-6)
    assert float(angle(b, a)) == float(angle(a, b))
    # Near-antipodal: pi - delta.
    c = -math.cos(delta) * a + math.sin(delta) * u
    assert float(angle(a, c)) == pytest.approx(math.pi - delta, rel=1e-15, abs=1e-15)


def test_angle_of_one_metre_on_the_ground() -> None:
    metre = math.degrees(1.0 / EARTH_RADIUS_KM / 1000.0)  # of latitude, in degrees
    a, b = to_xyz(10.0, 50.0), to_xyz(10.0, 50.0 + metre)
    assert float(angle(a, b)) * EARTH_RADIUS_KM * 1000.0 == pytest.approx(1.0, rel=1e-6)


@given(p=points, q=points)
def test_angle_is_a_symmetric_distance_in_range(
    p: tuple[float, float], q: tuple[float, float]
) -> None:
    a, b = to_xyz(*p), to_xyz(*q)
    theta = float(angle(a, b))
    assert 0.0 <= theta <= math.pi
    assert float(angle(b, a)) == theta
    assert float(angle(a, a)) == 0.0
    assert float(angle(a, -a)) == pytest.approx(math.pi)
    # Same as the haversine formula, computed differently.
    (lon1, lat1), (lon2, lat2) = np.radians(p), np.radians(q)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    assert theta == pytest.approx(2 * math.asin(min(1.0, math.sqrt(h))), abs=1e-7)


# -- orient ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "c", "sign"),
    [
        ((0.0, 0.0), (10.0, 0.0), (5.0, 1.0), 1.0),  # eastward, north is on the left
        ((0.0, 0.0), (10.0, 0.0), (5.0, -1.0), -1.0),
        ((10.0, 0.0), (0.0, 0.0), (5.0, 1.0), -1.0),
        ((0.0, 0.0), (10.0, 0.0), (20.0, 0.0), 0.0),  # on the great circle
        ((175.0, 10.0), (-175.0, 10.0), (180.0, 20.0), 1.0),  # across ±180, no special case
        ((0.0, 80.0), (180.0, 80.0), (90.0, 85.0), -1.0),  # over the pole: 90E is on the right
    ],
)
def test_orient_tells_left_from_right(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float], sign: float
) -> None:
    value = float(orient(to_xyz(*a), to_xyz(*b), to_xyz(*c)))
    if sign == 0.0:
        assert value == pytest.approx(0.0, abs=1e-15)
    else:
        assert math.copysign(1.0, value) == sign
        assert abs(value) > 1e-6


# -- crosses --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ab", "cd", "expected"),
    [
        # A plain X.
        (((0.0, 0.0), (10.0, 0.0)), ((5.0, -5.0), (5.0, 5.0)), True),
        # The same across the antimeridian and over the pole.
        (((175.0, 0.0), (-175.0, 0.0)), ((180.0, -5.0), (180.0, 5.0)), True),
        (((0.0, 85.0), (180.0, 85.0)), ((90.0, 85.0), (-90.0, 85.0)), True),
        # Apart.
        (((0.0, 0.0), (10.0, 0.0)), ((5.0, 1.0), (5.0, 5.0)), False),
        (((0.0, 0.0), (10.0, 0.0)), ((15.0, -5.0), (15.0, 5.0)), False),
        # The great circles meet at the antipode of a point of each arc, never on both:
        # a test on the circles alone would call this a crossing.
        (((0.0, 0.0), (10.0, 0.0)), ((-175.0, -5.0), (-175.0, 5.0)), False),
        (((-5.0, 0.0), (5.0, 0.0)), ((180.0, -5.0), (180.0, 5.0)), False),
        # Touching is not crossing: a shared end, and an end on the other arc (a T).
        (((0.0, 0.0), (10.0, 0.0)), ((10.0, 0.0), (10.0, 5.0)), False),
        (((0.0, 0.0), (10.0, 0.0)), ((5.0, 0.0), (5.0, 5.0)), False),
        # Overlapping on one great circle.
        (((0.0, 0.0), (10.0, 0.0)), ((5.0, 0.0), (15.0, 0.0)), False),
    ],
)
def test_crosses_table(
    ab: tuple[tuple[float, float], ...], cd: tuple[tuple[float, float], ...], expected: bool
) -> None:
    a, b = (to_xyz(*p) for p in ab)
    c, d = (to_xyz(*p) for p in cd)
    # Whichever way round each arc is given, and whichever arc comes first.
    for (p, q), (r, s) in itertools.product(((a, b), (b, a)), ((c, d), (d, c))):
        assert bool(crosses(p, q, r, s)) is expected
        assert bool(crosses(r, s, p, q)) is expected


def _crossing_point_on_both(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> bool:
    """Independent test: does either intersection of the two great circles lie on both arcs?"""
    x = _unit(np.cross(np.cross(a, b), np.cross(c, d)))

    def on(p: np.ndarray, q: np.ndarray, y: np.ndarray) -> bool:
        return abs(float(angle(p, y) + angle(y, q) - angle(p, q))) < 1e-9

    return any(on(a, b, y) and on(c, d, y) for y in (x, -x))


def _clearance(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> float:
    """How far (radians) the case is from a tie: an end near the other arc's great circle."""
    n1, n2 = _unit(np.cross(a, b)), _unit(np.cross(c, d))
    return min(abs(float(n1 @ c)), abs(float(n1 @ d)), abs(float(n2 @ a)), abs(float(n2 @ b)))


@settings(max_examples=400)
@given(p=points, q=points, r=points, s=points)
def test_crosses_agrees_with_intersection_points(
    p: tuple[float, float], q: tuple[float, float], r: tuple[float, float], s: tuple[float, float]
) -> None:
    a, b, c, d = (to_xyz(*x) for x in (p, q, r, s))
    assume(min(angle(a, b), angle(c, d)) > 1e-6)
    assume(max(angle(a, b), angle(c, d)) < math.pi - 1e-6)
    assume(np.linalg.norm(np.cross(_unit(np.cross(a, b)), _unit(np.cross(c, d)))) > 1e-6)
    assume(_clearance(a, b, c, d) > 1e-6)
    assert bool(crosses(a, b, c, d)) is _crossing_point_on_both(a, b, c, d)


def test_crosses_works_on_arrays() -> None:
    a = to_xyz([0.0, 0.0, 0.0], [0.0, 0.0, 0.0])
    b = to_xyz([10.0, 10.0, 10.0], [0.0, 0.0, 0.0])
    c = to_xyz([5.0, 15.0, -175.0], [-5.0, -5.0, -5.0])
    d = to_xyz([5.0, 15.0, -175.0], [5.0, 5.0, 5.0])
    assert crosses(a, b, c, d).tolist() == [True, False, False]


# -- arc_points -----------------------------------------------------------------------------------


@given(p=points, q=points, step=st.floats(1e-3, 0.5))
def test_arc_points_lie_on_the_minor_arc_in_small_steps(
    p: tuple[float, float], q: tuple[float, float], step: float
) -> None:
    a, b = to_xyz(*p), to_xyz(*q)
    theta = float(angle(a, b))
    assume(theta < math.pi - 1e-6)
    pts = arc_points(a, b, step)
    assert pts[0].tolist() == a.tolist()
    assert pts[-1].tolist() == b.tolist()
    assert np.allclose(np.linalg.norm(pts, axis=1), 1.0, atol=1e-12)
    legs = angle(pts[:-1], pts[1:])
    assert np.all(legs <= step + 1e-12)
    assert float(np.sum(legs)) == pytest.approx(theta, abs=1e-12)


# -- split_antimeridian ---------------------------------------------------------------------------


def _planar_length(line: list[tuple[float, float]]) -> float:
    """Length in lon/lat degrees, each step taken the short way round in longitude."""
    total = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(line):
        dx = (x1 - x0 + 180.0) % 360.0 - 180.0
        total += math.hypot(dx, y1 - y0)
    return total


def _sphere_length(line: list[tuple[float, float]]) -> float:
    v = to_xyz([p[0] for p in line], [p[1] for p in line])
    return float(np.sum(angle(v[:-1], v[1:])))


@st.composite
def lines(draw: st.DrawFn) -> list[tuple[float, float]]:
    """A line of short steps that may wander across ±180° several times, in [-180, 180]."""
    lon = draw(lons)
    lat = draw(st.floats(-80.0, 80.0))
    out = [(lon, lat)]
    for _ in range(draw(st.integers(1, 40))):
        lon += draw(st.floats(-2.0, 2.0))
        lat = min(80.0, max(-80.0, lat + draw(st.floats(-2.0, 2.0))))
        out.append(((lon + 180.0) % 360.0 - 180.0, lat))
    # A point on ±180 itself (one meridian, two names: the part it joins names it) is the case
    # tested on its own below.
    assume(all(abs(x) != 180.0 for x, _ in out))
    return out


@settings(max_examples=300)
@given(line=lines())
def test_split_antimeridian_preserves_the_line(line: list[tuple[float, float]]) -> None:
    parts = split_antimeridian(line)
    flat = [p for part in parts for p in part]
    # Every input point, in order; every part a line of its own within [-180, 180].
    rest = iter(flat)
    assert all(any(p == q for q in rest) for p in line), "input points lost or reordered"
    assert flat[0] == line[0]
    assert flat[-1] == line[-1]
    for part in parts:
        assert len(part) >= 2
        xs = [x for x, _ in part]
        assert all(-180.0 <= x <= 180.0 for x in xs)
        assert all(abs(x1 - x0) <= 180.0 for x0, x1 in itertools.pairwise(xs))
    # A cut for every step the short way across ±180°, and nowhere else.
    jumps = sum(abs(x1 - x0) > 180.0 for (x0, _), (x1, _) in itertools.pairwise(line))
    assert len(parts) == jumps + 1
    for before, after in itertools.pairwise(parts):
        assert abs(before[-1][0]) == 180.0
        assert after[0] == (-before[-1][0], before[-1][1])
    # Lengths: exact in lon/lat (the cut is interpolated there), and on the sphere up to
    # what moving a cut point off the great circle onto the lon/lat line can change.
    pieces = sum(_planar_length(part) for part in parts)
    assert pieces == pytest.approx(_planar_length(line), rel=1e-9, abs=1e-9)
    on_sphere = sum(_sphere_length(part) for part in parts)
    assert on_sphere == pytest.approx(_sphere_length(line), rel=1e-3, abs=1e-9)


@pytest.mark.parametrize(
    "line",
    [
        [(180.0, 10.0), (-180.0, 20.0)],
        [(-180.0, 10.0), (180.0, 20.0)],
        [(179.0, 0.0), (180.0, 5.0), (-180.0, 10.0), (-179.0, 15.0)],
    ],
)
def test_split_antimeridian_along_the_antimeridian(line: list[tuple[float, float]]) -> None:
    """A run along ±180 stays on one side of the cut: the same meridian, one name per part."""
    parts = split_antimeridian(line)

    def same_point(p: tuple[float, float], q: tuple[float, float]) -> bool:
        return p[1] == q[1] and (p[0] == q[0] or abs(p[0]) == abs(q[0]) == 180.0)

    assert same_point(parts[0][0], line[0])
    assert same_point(parts[-1][-1], line[-1])
    for part in parts:
        lons = [p[0] for p in part]
        assert max(lons) - min(lons) < 180.0
    assert sum(_planar_length(part) for part in parts) == pytest.approx(_planar_length(line))


def test_split_antimeridian_leaves_a_line_that_does_not_cross_alone() -> None:
    line = [(170.0, 0.0), (179.0, 1.0), (10.0, 50.0)]  # a long step, but not across ±180
    assert split_antimeridian(line) == [line]
