"""The shortest legal routes that pass different ways round the large obstacles.

The shortest route goes one way round each obstacle; an airline may fly another way, north
instead of south of a closed state, when the wind makes it faster. Two routes are different
here when they pass a large obstacle on different sides (a homotopy class, not a few km).

Sides are read in a frame of the flight: its direct great circle is the frame's equator and
``N``, the pole of that circle to the left of the direction of flight, its north pole. A large
obstacle that lies between the two ends (its frame longitude between theirs) gets two *cuts*,
the arcs of its frame meridian from a point inside it to ``N`` and to ``-N``: a route crosses
the first when it passes the obstacle on the left ("N"), the second when on the right ("S"),
neither when it goes round the back of the Earth ("B"). The sides of the large obstacles that
the shortest route bends round make a route's signature.

Routes are enumerated by Lawler's partition of the signatures: after a route is taken, each of
its obstacles in turn is flipped to the other side while the ones before it keep theirs, and
the shortest route under each set of sides is searched in the planner's graph with the cuts
that the sides forbid added as barriers (``VisibilityGraph.path_around``). Barriers only take
paths away, so every route found is legal; each is verified leg by leg like any route.

>>> from overflight.data.airports import resolve_place
>>> from overflight.routing.planner import planner_for
>>> planner = planner_for(["RU", "BY", "UA"])
>>> shortest = planner.route(resolve_place("EFHK"), resolve_place("RJAA"))
>>> routes = distinct_routes(planner, shortest, k=2)
>>> [(round(r.distance_km, -2), r.sides) for r in routes]
[(10700.0, ('N',)), (11300.0, ('S',))]
"""

from __future__ import annotations

import heapq
import itertools
import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from overflight._config import DEFAULT_SPEED_KT
from overflight.errors import InputError
from overflight.geo.ellipsoid import geodesic_km, wgs84
from overflight.geo.sphere import angle, crosses, orient, to_lonlat, to_xyz
from overflight.models import LonLat, Place, Route
from overflight.routing.closure import Closure
from overflight.routing.obstacles import Obstacles, build_obstacles
from overflight.routing.planner import Planner

__all__ = [
    "DEFAULT_ALTERNATIVES",
    "LARGE_KM2",
    "STRETCH",
    "Alternative",
    "distinct_routes",
]

#: How many routes ``--optimise time`` chooses among by default.
DEFAULT_ALTERNATIVES = 4
#: An obstacle at least this large (km², its outer ring) decides a route's class; going
#: either side of a small island changes a route by a few km, not its character.
LARGE_KM2 = 100_000.0
#: Longest alternative, as a multiple of the shortest route: no airline flies half as far again.
STRETCH = 1.5
#: Most searches one request may run (each a few ms); the enumeration stops there.
MAX_SEARCHES = 12
#: Longest piece of a cut, radians: minor arcs well clear of 180°.
_CUT_STEP = math.radians(60.0)
#: A turning point this close to an obstacle's vertex (radians, about 1 m) lies on it.
_ON_VERTEX = 1.5e-7

Vectors = NDArray[np.float64]


@dataclass(frozen=True)
class _Large:
    """The large obstacles of a closure: a point inside each, and every outer-ring vertex."""

    #: A point inside each obstacle (unit vectors), shaped (obstacles, 3).
    inside: Vectors
    #: Every outer-ring vertex of every large obstacle, and the obstacle it belongs to.
    vertices: Vectors
    owner: NDArray[np.intp]

    def touched(self, turns: Vectors) -> list[int]:
        """The obstacles that turning points lie on (within about 1 m), in order of flight."""
        if not len(self.vertices) or not len(turns):
            return []
        nearest = np.argmax(turns @ self.vertices.T, axis=1)
        on = angle(turns, self.vertices[nearest]) < _ON_VERTEX
        return list(dict.fromkeys(int(o) for o in self.owner[nearest[on]]))


@lru_cache(maxsize=16)
def _large_obstacles(closure: Closure) -> _Large:
    """The closure's obstacles whose outer ring encloses at least ``LARGE_KM2``."""
    c = closure
    obstacles = build_obstacles(c.denied, c.margin_nm, c.avoid, c.openings)
    geod = wgs84()
    inside, rings = [], []
    for polygon in obstacles.polygons:
        lon, lat = np.asarray(polygon.exterior.coords, dtype=np.float64).T
        if abs(geod.polygon_area_perimeter(lon, lat)[0]) / 1e6 >= LARGE_KM2:
            point = polygon.representative_point()
            inside.append(to_xyz(point.x, point.y))
            rings.append(to_xyz(lon, lat))
    large = _Large(
        np.asarray(inside, dtype=np.float64).reshape(-1, 3),
        np.concatenate(rings) if rings else np.zeros((0, 3)),
        np.repeat(np.arange(len(rings)), [len(r) for r in rings]).astype(np.intp),
    )
    for array in (large.inside, large.vertices, large.owner):
        array.flags.writeable = False
    return large


@dataclass(frozen=True)
class _Frame:
    """The flight's frame: its pole ``n`` and, per large obstacle between the ends, its cuts."""

    n: Vectors
    #: Per obstacle: the cut to N, the cut to -N, and the back half of its meridian, each a
    #: polyline of unit vectors.
    cuts: tuple[tuple[Vectors, Vectors, Vectors], ...]


def _meridian(m: Vectors, n: Vectors, t0: float, t1: float) -> Vectors:
    """Points ``cos t m + sin t n`` for t from t0 to t1, no step above ``_CUT_STEP``."""
    steps = max(1, math.ceil(abs(t1 - t0) / _CUT_STEP))
    t = np.linspace(t0, t1, steps + 1)[:, None]
    return np.asarray(np.cos(t) * m + np.sin(t) * n, dtype=np.float64)


def _frame(a: Vectors, b: Vectors, inside: Vectors) -> _Frame:
    """The frame of a flight from a to b, with the cuts of the obstacles (points inside them)."""
    n = np.cross(a, b)
    n /= np.linalg.norm(n)
    e1 = (a + b) / np.linalg.norm(a + b)
    e2 = np.cross(n, e1)
    half = float(angle(a, b)) / 2.0
    cuts = []
    for p in inside:
        if abs(math.atan2(float(p @ e2), float(p @ e1))) >= half:
            continue  # not between the ends: a route need not pass it on either side
        level = p - (p @ n) * n
        norm = float(np.linalg.norm(level))
        if norm < 1e-9:
            continue  # at the frame's pole: no meridian of its own
        m = level / norm
        t = math.asin(max(-1.0, min(1.0, float(p @ n))))
        cuts.append(
            (
                _meridian(m, n, t, math.pi / 2.0),
                _meridian(m, n, t, -math.pi / 2.0),
                _meridian(m, n, math.pi / 2.0, 3.0 * math.pi / 2.0),
            )
        )
    return _Frame(n, tuple(cuts))


def _net_crossings(path: Vectors, cut: Vectors, target: Vectors) -> int:
    """Signed count of the path's legs crossing a cut (sign: which side of a leg the cut ends)."""
    a, b = path[:-1, None, :], path[1:, None, :]
    c, d = cut[None, :-1, :], cut[None, 1:, :]
    hit = crosses(a, b, c, d)
    side = np.sign(orient(path[:-1], path[1:], target))
    return int(np.sum(hit.any(axis=1) * side))


def _sides(path: Vectors, frame: _Frame) -> tuple[str, ...]:
    out = []
    for to_n, to_s, _ in frame.cuts:
        north = _net_crossings(path, to_n, frame.n)
        south = _net_crossings(path, to_s, -frame.n)
        out.append("N" if north and not south else "S" if south and not north else "B")
    return tuple(out)


def _barriers(frame: _Frame, fixed: dict[int, str]) -> Obstacles:
    """The cuts that the chosen sides forbid, as degenerate rings (there and back)."""
    forbidden = {"N": (1, 2), "S": (0, 2), "B": (0, 1)}
    rings = []
    for k, side in fixed.items():
        for which in forbidden[side]:
            cut = frame.cuts[k][which]
            rings.append(np.concatenate([cut, cut[-2:0:-1]]))
    return Obstacles(denied=(), margin_nm=0.0, wkb=(), rings=tuple(rings))


@dataclass(frozen=True, eq=False)
class Alternative:
    """A legal route found by :func:`distinct_routes`: verified leg by leg, not yet reported.

    The transit report (states crossed, entries and exits) costs more than the search; only
    the route chosen needs it (:meth:`route`).
    """

    #: Turning points including both ends.
    waypoints: tuple[LonLat, ...]
    #: Length on the WGS84 ellipsoid, km.
    distance_km: float
    #: Which side of each large obstacle between the ends it passes (``distinct_routes``).
    sides: tuple[str, ...]
    #: The turning points as unit vectors, as the search found them.
    path: tuple[Vectors, ...] = field(repr=False)

    def route(
        self,
        planner: Planner,
        origin: Place,
        destination: Place,
        *,
        speed_kt: float = DEFAULT_SPEED_KT,
    ) -> Route:
        """The full route (verified again, with its transit report)."""
        return planner.verified(origin, destination, self.path, speed_kt=speed_kt)


def distinct_routes(
    planner: Planner,
    shortest: Route,
    *,
    k: int = DEFAULT_ALTERNATIVES,
    stretch: float = STRETCH,
) -> tuple[Alternative, ...]:
    """Up to ``k`` verified routes, shortest first, each passing the large obstacles its own way.

    The first is ``shortest``, the planner's shortest route (:meth:`Planner.route`). The
    others are the shortest found for other sides of the large obstacles between the ends, no
    longer than ``stretch`` times the first; fewer come back when no more exist within that
    length (or within ``MAX_SEARCHES``).

    Raises
    ------
    InputError
        For ``k`` below 1 or a ``stretch`` below 1.

    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InputError(f"k {k!r}: give a whole number of routes, at least 1")
    if not (math.isfinite(stretch) and stretch >= 1.0):
        raise InputError(f"stretch {stretch!r}: give a number of at least 1")
    a, b = to_xyz(*shortest.origin.lonlat), to_xyz(*shortest.destination.lonlat)
    longest_km = stretch * shortest.distance_km
    path = to_xyz(*np.asarray(shortest.waypoints, dtype=np.float64).T)
    large = _large_obstacles(planner.closure)
    # The obstacles the shortest route bends round are those it could pass the other way;
    # flipping one it does not touch costs a search that finds nothing, or something long.
    frame = _frame(a, b, large.inside[large.touched(path[1:-1])])
    ends = (shortest.origin.lonlat, shortest.destination.lonlat)
    first = Alternative(shortest.waypoints, shortest.distance_km, _sides(path, frame), tuple(path))
    if k == 1 or shortest.is_direct or not frame.cuts:
        return (first,)
    order = itertools.count()
    heap: list[tuple[float, int, dict[int, str], Alternative]] = [
        (first.distance_km, next(order), {}, first)
    ]
    taken: list[Alternative] = []
    seen: set[tuple[str, ...]] = set()
    searches = 0
    while heap and len(taken) < k:
        _, _, fixed, found = heapq.heappop(heap)
        if found.sides in seen:
            continue
        seen.add(found.sides)
        taken.append(found)
        prefix = dict(fixed)
        for j, side in enumerate(found.sides):
            if j not in fixed and side in "NS" and searches < MAX_SEARCHES and len(taken) < k:
                searches += 1
                child = {**prefix, j: "S" if side == "N" else "N"}
                found_path = planner.graph.path_around(a, b, _barriers(frame, child))
                if found_path is not None:
                    other = _alternative(planner, np.asarray(found_path), ends, frame)
                    if other.distance_km <= longest_km:
                        heapq.heappush(heap, (other.distance_km, next(order), child, other))
            prefix[j] = side
    return tuple(taken)


def _alternative(
    planner: Planner,
    path: Vectors,
    ends: tuple[LonLat, LonLat],
    frame: _Frame,
) -> Alternative:
    """An alternative along a path found in the graph, with the ends as given, verified."""
    lon, lat = to_lonlat(path)
    waypoints = [LonLat(float(x), float(y)) for x, y in zip(lon, lat, strict=True)]
    waypoints[0], waypoints[-1] = ends
    planner.check(waypoints)
    distance = sum(geodesic_km(*p, *q) for p, q in itertools.pairwise(waypoints))
    return Alternative(tuple(waypoints), distance, _sides(path, frame), tuple(path))
