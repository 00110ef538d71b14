"""The visibility graph against the brute-force oracle: same obstacles, same shortest lengths.

Synthetic obstacles (stars, boxes, L-shapes, cups, a ring with a hole) are laid
out near the equator, around the North Pole and across the antimeridian;
lon/lat polygons go through the planner's own ring conversion. Real obstacles
come from the shipped data for a few small denied sets.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import cache

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from shapely.geometry import Polygon

from overflight.data.airspace import denied_closure
from overflight.geo.sphere import angle, to_xyz
from overflight.routing.graph import VisibilityGraph
from overflight.routing.obstacles import Obstacles, _rings, build_obstacles
from tests.helpers.oracle import Oracle, path_length

Vectors = NDArray[np.float64]

#: Relative agreement asked of the planner's lengths.
RTOL = 1e-9
#: ... and absolute, in radians (about 0.1 mm), for endpoints a hair apart.
ATOL = 1e-11

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)

# -- shapes in a local gnomonic chart -----------------------------------------------------------
#
# A point (x, y) of the plane tangent to the sphere at c maps to the unit vector
# of c + x * east + y * north. Straight lines of that plane are great circles,
# so a simple polygon drawn there, counter-clockwise, is a simple spherical
# polygon with the obstacle on the left; polygons kept apart in the plane stay
# apart on the sphere.


def _frame(lon: float, lat: float) -> tuple[Vectors, Vectors, Vectors]:
    centre = to_xyz(lon, lat)
    lam = math.radians(lon)
    east = np.array([-math.sin(lam), math.cos(lam), 0.0])
    return centre, east, np.cross(centre, east)


def _chart(lon: float, lat: float, xy: Vectors) -> Vectors:
    centre, east, north = _frame(lon, lat)
    xy = np.atleast_2d(xy)
    v = centre + xy[:, :1] * east + xy[:, 1:2] * north
    return np.asarray(v / np.linalg.norm(v, axis=1, keepdims=True))


def _rotate(xy: Vectors, turn: float) -> Vectors:
    c, s = math.cos(turn), math.sin(turn)
    return np.asarray(xy @ np.array([[c, s], [-s, c]]))


def _star(rng: np.random.Generator) -> Vectors:
    """A star-shaped polygon with random radii: usually not convex."""
    k = int(rng.integers(5, 14))
    turns = np.sort(rng.uniform(0.0, 2.0 * math.pi, k))
    radii = rng.uniform(0.25, 1.0, k)
    return np.column_stack([radii * np.cos(turns), radii * np.sin(turns)])


def _box(rng: np.random.Generator) -> Vectors:
    w, h = rng.uniform(0.3, 0.7, 2)
    return np.array([[-w, -h], [w, -h], [w, h], [-w, h]])


def _ell(rng: np.random.Generator) -> Vectors:
    t = rng.uniform(0.2, 0.4)
    return np.array(
        [
            [-0.7, -0.7],
            [0.7, -0.7],
            [0.7, -0.7 + t],
            [-0.7 + t, -0.7 + t],
            [-0.7 + t, 0.7],
            [-0.7, 0.7],
        ]
    )


def _cup(rng: np.random.Generator) -> Vectors:
    """A U with a deep pocket: points inside the pocket must come out the open side."""
    t = rng.uniform(0.15, 0.3)
    return np.array(
        [
            [-0.7, -0.7],
            [0.7, -0.7],
            [0.7, 0.7],
            [0.7 - t, 0.7],
            [0.7 - t, -0.7 + t],
            [-0.7 + t, -0.7 + t],
            [-0.7 + t, 0.7],
            [-0.7, 0.7],
        ]
    )


_SHAPES = (_star, _star, _box, _ell, _cup)

#: Chart centres (lon, lat): the North Pole lies inside the polar chart, ±180° inside the third.
REGIONS = {"equator": (20.0, 0.0), "pole": (40.0, 88.0), "antimeridian": (180.0, -25.0)}
#: Half-width of the square, in the chart, where obstacles are laid out and endpoints drawn.
_SPAN = 0.14


@dataclass(frozen=True)
class ObstacleCase:
    """One set of obstacles, the oracle and the planner's graph for it, and a way to draw points."""

    name: str
    rings: tuple[Vectors, ...]
    oracle: Oracle
    graph: VisibilityGraph
    centre: tuple[float, float]
    span: float
    lonlat: bool = False

    def point(self, u: float, v: float) -> Vectors:
        """A point of the region for u, v in [-1, 1]."""
        if self.lonlat:
            lon, lat = self.centre
            return np.asarray(to_xyz(lon + u * self.span, lat + v * self.span))
        point: Vectors = _chart(*self.centre, np.array([u, v]) * self.span)[0]
        return point


def _case(
    name: str,
    rings: list[Vectors],
    centre: tuple[float, float],
    span: float,
    *,
    lonlat: bool = False,
) -> ObstacleCase:
    ring_tuple = tuple(np.ascontiguousarray(r) for r in rings)
    obstacles = Obstacles(denied=(), margin_nm=0.0, wkb=(), rings=ring_tuple)
    return ObstacleCase(
        name, ring_tuple, Oracle(ring_tuple), VisibilityGraph.build(obstacles), centre, span, lonlat
    )


@cache
def chart_case(region: str, seed: int) -> ObstacleCase:
    """Four to six random shapes, each inside its own disc, the discs kept apart."""
    rng = np.random.default_rng(seed)
    centre = REGIONS[region]
    placed: list[tuple[float, float, float]] = []
    rings = []
    target = int(rng.integers(4, 7))
    while len(placed) < target:
        x, y = rng.uniform(-0.8 * _SPAN, 0.8 * _SPAN, 2)
        size = float(rng.uniform(0.015, 0.045))
        if any(math.hypot(x - px, y - py) < (size + ps) * 1.05 + 0.002 for px, py, ps in placed):
            continue
        placed.append((x, y, size))
        shape = _SHAPES[int(rng.integers(len(_SHAPES)))](rng)
        # Fit in the disc: the box and cup corners reach 0.7 * sqrt(2) < 1.
        xy = _rotate(shape, float(rng.uniform(0.0, 2.0 * math.pi))) * size + [x, y]
        rings.append(_chart(*centre, xy))
    return _case(f"{region}-{seed}", rings, centre, _SPAN)


@cache
def holed_case() -> ObstacleCase:
    """A square obstacle with a square hole, and a star outside it."""
    centre = (-30.0, 40.0)
    outer = np.array([[-1.0, -1.0], [1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]]) * 0.05
    hole = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, 1.0], [1.0, -1.0]]) * 0.03  # clockwise
    star = _star(np.random.default_rng(7)) * 0.03 + [0.1, 0.02]
    rings = [_chart(*centre, outer), _chart(*centre, hole), _chart(*centre, star)]
    return _case("holed", rings, centre, _SPAN)


#: Polygons in lon/lat with corners on whole degrees, so that edges line up on meridians
#: and on the equator, and endpoints drawn on round numbers fall on those circles.
LONLAT_POLYGONS = {
    "lonlat-equator": (
        (6.0, 0.0),
        [
            Polygon([(2, -1), (4, -1), (4, 1), (2, 1)]),
            Polygon([(6, -3), (9, -3), (9, -2), (7, -2), (7, 1), (6, 1)]),
            # Straight runs of three edges along the equator and along a meridian.
            Polygon([(10, 0), (11, 0), (11.5, 0), (12, 0), (12, 1), (12, 1.5), (12, 2), (10, 2)]),
            Polygon([(13, 0), (14, 0), (14, 1), (13, 1)]),
            Polygon([(0, 2), (3, 2), (3, 4), (0, 4)]),
        ],
    ),
    "lonlat-antimeridian": (
        (181.0, 0.0),
        [
            Polygon([(178, -2), (181, -2), (181, 1), (178, 1)]),
            Polygon([(182, -3), (186, -3), (186, -2), (183, -2), (183, 2), (182, 2)]),
            Polygon([(176, 3), (179, 3), (179, 5), (176, 5)]),
            # Given clockwise: the conversion must orient it.
            Polygon([(184, 3), (184, 5), (186, 4)]),
        ],
    ),
}


@cache
def lonlat_case(name: str) -> ObstacleCase:
    centre, polygons = LONLAT_POLYGONS[name]
    return _case(name, list(_rings(polygons)), centre, 9.0, lonlat=True)


CASES = [
    *[("chart", (region, seed)) for region in REGIONS for seed in range(3)],
    ("holed", ()),
    *[("lonlat", (name,)) for name in LONLAT_POLYGONS],
]


def obstacle_case(kind: str, args: tuple[object, ...]) -> ObstacleCase:
    if kind == "chart":
        return chart_case(*args)
    if kind == "holed":
        return holed_case()
    return lonlat_case(*args)


def _ids(params: tuple[str, tuple[object, ...]]) -> str:
    kind, args = params
    return "-".join([kind, *map(str, args)])


unit = st.floats(-1.0, 1.0, allow_nan=False)


def _free(case: ObstacleCase, *points: Vectors) -> bool:
    """Outside every obstacle and not within about 6 mm of one: an endpoint on the boundary
    is not something the planner is asked about (the endpoint check refuses it). Two ends
    must be one point or further apart than float rounding: see the test of that below."""
    p = np.array(points)
    if len(p) == 2 and 0.0 < float(angle(p[0], p[1])) < 1e-12:
        return False
    return not bool(np.any(case.oracle.inside(p)) or np.any(case.oracle.on_boundary(p, 1e-9)))


# -- the oracle itself -----------------------------------------------------------------------


def test_oracle_detours_round_a_square_by_its_corners() -> None:
    """A case worked by hand: the taut string round a square goes corner to corner."""
    centre = (10.0, 20.0)
    square = _chart(*centre, np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * 0.02)
    oracle = Oracle([square])
    a, b = _chart(*centre, np.array([[-0.1, 0.001], [0.1, 0.001]]))
    expected = path_length([a, square[3], square[2], b])
    length, path = oracle.shortest(a, b)
    assert length == pytest.approx(expected, rel=1e-12)
    assert [p.tolist() for p in path] == [p.tolist() for p in (a, square[3], square[2], b)]
    assert not oracle.clear(a, b)
    assert not oracle.clear(square[0], square[2])  # the diagonal crosses the inside
    assert oracle.clear(square[0], square[1])  # an edge may be followed


def test_oracle_inside_and_boundary() -> None:
    square = _chart(0.0, 0.0, np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * 0.02)
    oracle = Oracle([square])
    points = np.vstack(
        [
            to_xyz(0.0, 0.0),
            to_xyz(5.0, 0.0),
            to_xyz(180.0, 0.0),
            (square[0] + square[1]) / np.linalg.norm(square[0] + square[1]),
            square[2],
        ]
    )
    assert oracle.inside(points).tolist() == [True, False, False, False, False]
    assert oracle.on_boundary(points).tolist() == [False, False, False, True, True]
    # The same ring clockwise bounds the complement, which holds antipodal pairs: the
    # winding number is [q inside] - [-q inside], as the oracle's docstring says.
    assert Oracle([square[::-1]]).winding(points[:3]).round(9).tolist() == [-1.0, 0.0, 1.0]


@pytest.mark.parametrize("name", sorted(LONLAT_POLYGONS))
def test_ring_conversion_puts_the_obstacle_on_the_left(name: str) -> None:
    """_rings must orient every ring so that the polygon's inside is inside on the sphere."""
    _, polygons = LONLAT_POLYGONS[name]
    for polygon in polygons:
        oracle = Oracle(list(_rings([polygon])))
        inner = polygon.representative_point()
        outer = shapely.affinity.translate(polygon, 0.0, 30.0).representative_point()
        assert oracle.inside(to_xyz(inner.x, inner.y)).tolist() == [True]
        assert oracle.inside(to_xyz(outer.x, outer.y)).tolist() == [False]


@pytest.mark.parametrize(("kind", "args"), CASES, ids=[_ids(s) for s in CASES])
def test_cases_are_not_trivial(kind: str, args: tuple[object, ...]) -> None:
    """Each layout has obstacles, and straight lines through it are mostly blocked."""
    case = obstacle_case(kind, args)
    assert len(case.rings) >= 3
    rng = np.random.default_rng(0)
    blocked = 0
    tried = 0
    while tried < 60:
        u = rng.uniform(-1.0, 1.0, 4)
        a, b = case.point(u[0], u[1]), case.point(-u[0], -u[1])
        if not _free(case, a, b):
            continue
        tried += 1
        blocked += not case.oracle.clear(a, b)
    assert blocked >= 15


# -- the planner against the oracle -------------------------------------------------------------


@pytest.mark.parametrize(("kind", "args"), CASES, ids=[_ids(s) for s in CASES])
@SETTINGS
@given(u0=unit, v0=unit, u1=unit, v1=unit)
def test_shortest_path_matches_oracle(
    kind: str, args: tuple[object, ...], u0: float, v0: float, u1: float, v1: float
) -> None:
    case = obstacle_case(kind, args)
    a, b = case.point(u0, v0), case.point(u1, v1)
    assume(_free(case, a, b))
    expected, oracle_path = case.oracle.shortest(a, b)
    path = case.graph.shortest_path(a, b)
    if path is None:
        assert expected == math.inf, f"planner found no path; oracle: {len(oracle_path)} points"
        return
    assert path[0].tolist() == a.tolist()
    assert path[-1].tolist() == b.tolist()
    assert not case.oracle.path_enters(path), "the planner's path enters an obstacle"
    assert expected < math.inf
    assert path_length(path) == pytest.approx(expected, rel=RTOL, abs=ATOL)


@pytest.mark.parametrize(("kind", "args"), CASES, ids=[_ids(s) for s in CASES])
@SETTINGS
@given(u0=unit, v0=unit, u1=unit, v1=unit)
def test_direct_visibility_matches_oracle(
    kind: str, args: tuple[object, ...], u0: float, v0: float, u1: float, v1: float
) -> None:
    """The planner's clear() agrees with the oracle but where the arc only touches an obstacle.

    Touching (through a vertex, along an edge, within a hair of one) blocks an arc in
    both, but the planner decides it in a projected chart, where rounding may tip such
    a contact either way; either answer is right there, and the paths have equal length.
    """
    case = obstacle_case(kind, args)
    a, b = case.point(u0, v0), case.point(u1, v1)
    assume(_free(case, a, b))
    clear = case.oracle.clear(a, b)
    if clear or case.oracle.enters(a, b):
        assert case.graph.clear(a, b) == clear


def test_oracle_tells_touching_from_entering() -> None:
    square = _chart(0.0, 0.0, np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * 0.02)
    oracle = Oracle([square])
    west, east = _chart(0.0, 0.0, np.array([[-0.1, -0.02], [0.1, -0.02]]))
    assert not oracle.clear(west, east)  # along the bottom edge
    assert not oracle.enters(west, east)
    through_corner = _chart(0.0, 0.0, np.array([[-0.02, -0.06], [0.06, 0.02]]))
    assert not oracle.clear(*through_corner)  # meets the square at its corner (0.02, -0.02)
    assert not oracle.enters(*through_corner)
    across = _chart(0.0, 0.0, np.array([[-0.04, -0.05], [0.04, 0.03]]))
    assert oracle.enters(*across)
    assert oracle.enters(square[0], square[2])  # the diagonal
    assert not oracle.enters(square[0], square[1])  # an edge


def test_pocket_and_hole_are_handled() -> None:
    """From inside a ring's hole nothing is reachable; from a cup's pocket, the way is out."""
    case = holed_case()
    inside_hole = _chart(*case.centre, np.array([0.0, 0.0]))[0]
    outside = _chart(*case.centre, np.array([-0.12, 0.1]))[0]
    assert _free(case, inside_hole, outside)
    assert case.oracle.shortest(inside_hole, outside)[0] == math.inf
    assert case.graph.shortest_path(inside_hole, outside) is None
    near_hole = _chart(*case.centre, np.array([0.02, -0.01]))[0]
    length, _ = case.oracle.shortest(inside_hole, near_hole)
    path = case.graph.shortest_path(inside_hole, near_hole)
    assert path is not None
    assert path_length(path) == pytest.approx(length, rel=RTOL)

    centre = (60.0, -10.0)
    cup = _chart(*centre, _cup(np.random.default_rng(3)) * 0.05)
    graph = VisibilityGraph.build(Obstacles((), 0.0, (), (cup,)))
    oracle = Oracle([cup])
    pocket = _chart(*centre, np.array([0.0, -0.01]))[0]
    below = _chart(*centre, np.array([0.0, -0.1]))[0]
    assert _free(ObstacleCase("cup", (cup,), oracle, graph, centre, 0.1), pocket, below)
    length, _ = oracle.shortest(pocket, below)
    path = graph.shortest_path(pocket, below)
    assert path is not None
    assert len(path) >= 4  # out of the pocket's mouth, round a corner, down the side
    assert path_length(path) == pytest.approx(length, rel=RTOL)
    assert length > 1.5 * path_length([pocket, below])


def test_clear_between_points_a_hair_apart() -> None:
    case = chart_case("equator", 0)
    a = case.point(0.0, 0.0)
    b = a + np.array([0.0, 0.0, 5e-41])
    assert float(angle(a, b)) > 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert case.graph.clear(a, b)
        path = case.graph.shortest_path(a, b)
    assert path is not None
    assert len(path) == 2


#: Endpoints on the very circles that obstacle edges follow, with the length the oracle must
#: find: legs that run along edges and through straight runs may touch but not pass through.
DEGENERATE = [
    # Along the equator, over the bottom edge of the box with a straight run: exactly 4.5°.
    ("lonlat-equator", (8.0, 0.0), (12.5, 0.0), 4.5),
    ("lonlat-equator", (12.5, 0.0), (8.0, 0.0), 4.5),
    # Along meridian 12°E, up the box's east edge and its straight run.
    ("lonlat-equator", (12.0, -1.0), (12.0, 2.5), 3.5),
    # Along meridian 181°E over the east edge of a box that straddles the antimeridian.
    ("lonlat-antimeridian", (181.0, -2.5), (181.0, 2.5), 5.0),
    # Along the equator, which runs through the middle of a box: round it by its corners.
    ("lonlat-equator", (1.0, 0.0), (5.0, 0.0), None),
]


@pytest.mark.parametrize(("name", "start", "end", "degrees"), DEGENERATE)
def test_degenerate_endpoints_match_oracle(
    name: str, start: tuple[float, float], end: tuple[float, float], degrees: float | None
) -> None:
    case = lonlat_case(name)
    a, b = np.asarray(to_xyz(*start)), np.asarray(to_xyz(*end))
    assert _free(case, a, b)
    expected, _ = case.oracle.shortest(a, b)
    if degrees is not None:
        assert expected == pytest.approx(math.radians(degrees), rel=1e-12)
    path = case.graph.shortest_path(a, b)
    assert path is not None
    assert not case.oracle.path_enters(path)
    assert path_length(path) == pytest.approx(expected, rel=RTOL, abs=ATOL)


# -- real obstacles from the shipped data ---------------------------------------------------------

#: Small denied sets whose obstacles stay within a few hundred vertices (the oracle is cubic);
#: Cyprus and Iceland come as several rings.
REAL_SETS = [("CY",), ("MT",), ("LB", "SY"), ("IS",)]


@cache
def real_case(codes: tuple[str, ...]) -> ObstacleCase:
    obstacles = build_obstacles(denied_closure(codes))
    rings = obstacles.rings
    allxyz = np.concatenate(rings)
    centre_xyz = allxyz.mean(axis=0)
    centre_xyz /= np.linalg.norm(centre_xyz)
    lon = math.degrees(math.atan2(centre_xyz[1], centre_xyz[0]))
    lat = math.degrees(math.asin(centre_xyz[2]))
    # Gnomonic chart coordinates of the farthest vertex set the region's size.
    centre, east, north = _frame(lon, lat)
    h = allxyz @ centre
    reach = float(np.max(np.hypot(allxyz @ east / h, allxyz @ north / h)))
    return ObstacleCase(
        "-".join(codes),
        rings,
        Oracle(rings),
        VisibilityGraph.build(obstacles),
        (lon, lat),
        1.3 * reach,
    )


@pytest.mark.parametrize("codes", REAL_SETS, ids="-".join)
def test_real_obstacles_match_oracle(codes: tuple[str, ...]) -> None:
    """Endpoints on opposite sides of the denied area, so that most pairs must detour."""
    case = real_case(codes)
    rng = np.random.default_rng(sum(map(ord, "".join(codes))))
    compared = detoured = 0
    for _ in range(40):
        turn = rng.uniform(0.0, 2.0 * math.pi)
        r0, r1 = rng.uniform(0.6, 1.0, 2)
        a = case.point(r0 * math.cos(turn), r0 * math.sin(turn))
        b = case.point(-r1 * math.cos(turn + 0.3), -r1 * math.sin(turn + 0.3))
        if not _free(case, a, b):
            continue
        expected, _ = case.oracle.shortest(a, b)
        path = case.graph.shortest_path(a, b)
        assert (path is None) == (expected == math.inf)
        if path is None:
            continue
        assert not case.oracle.path_enters(path)
        assert path_length(path) == pytest.approx(expected, rel=RTOL, abs=ATOL)
        compared += 1
        detoured += len(path) > 2
        if compared == 12:
            break
    assert compared >= 8
    assert detoured >= compared // 2
