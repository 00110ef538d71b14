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
the shortest route under each set of sides is searched in the planner's graph without the
edges and end legs that cross a cut the sides forbid (``VisibilityGraph.search_restricted``).
That only takes paths away, so every route found is legal; each is verified leg by leg like
any route.

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
from overflight.geo.sphere import angle, to_lonlat, to_xyz
from overflight.models import LonLat, Place, Route
from overflight.routing.closure import Closure
from overflight.routing.obstacles import build_obstacles
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
    """The flight's frame: its pole ``n``; per large obstacle between the ends, its meridian.

    Obstacle j's meridian is the great circle through ``n`` and ``m[j]`` (on the frame's
    equator); a point of it is at angle ``t`` from ``m[j]`` towards ``n``, the point inside
    the obstacle at ``t_inside[j]``. Its cuts: to N is ``t_inside < t <= pi/2``, to -N is
    ``-pi/2 <= t < t_inside``, the back half ``|t| > pi/2``.
    """

    n: Vectors
    m: Vectors
    t_inside: NDArray[np.float64]

    def regions(self, u: Vectors, v: Vectors, j: int) -> tuple[NDArray[np.intp], Vectors]:
        """Where arcs u-v cross obstacle j's meridian: region (0 none, 1 N, 2 S, 3 back), sign.

        The sign is +1 for a crossing towards ``m x n``'s side, -1 the other way.
        """
        w = np.cross(self.m[j], self.n)
        su, sv = u @ w, v @ w
        crossing = su * sv < 0.0
        x = np.cross(np.cross(u, v), w)
        x *= np.where(np.sum(x * (u + v), axis=-1) < 0.0, -1.0, 1.0)[..., None]
        t = np.arctan2(x @ self.n, x @ self.m[j])
        region = np.where(
            np.abs(t) > math.pi / 2.0, 3, np.where(t > self.t_inside[j], 1, 2)
        ).astype(np.intp)
        return np.where(crossing, region, 0), np.sign(sv - su)

    @property
    def count(self) -> int:
        """How many obstacles have a meridian (and a side in a signature)."""
        return len(self.m)


def _frame(a: Vectors, b: Vectors, inside: Vectors) -> _Frame:
    """The frame of a flight from a to b, with the meridians of obstacles (points inside them)."""
    n = np.cross(a, b)
    n /= np.linalg.norm(n)
    e1 = (a + b) / np.linalg.norm(a + b)
    e2 = np.cross(n, e1)
    half = float(angle(a, b)) / 2.0
    ms, ts = [], []
    for p in inside:
        if abs(math.atan2(float(p @ e2), float(p @ e1))) >= half:
            continue  # not between the ends: a route need not pass it on either side
        level = p - (p @ n) * n
        norm = float(np.linalg.norm(level))
        if norm < 1e-9:
            continue  # at the frame's pole: no meridian of its own
        ms.append(level / norm)
        ts.append(math.asin(max(-1.0, min(1.0, float(p @ n)))))
    return _Frame(n, np.asarray(ms, dtype=np.float64).reshape(-1, 3), np.asarray(ts))


def _sides(path: Vectors, frame: _Frame) -> tuple[str, ...]:
    """Per obstacle, the cut the path crosses on balance: "N", "S", or "B" (back or neither)."""
    out = []
    for j in range(frame.count):
        region, sign = frame.regions(path[:-1], path[1:], j)
        north = int(np.sum(sign[region == 1]))
        south = int(np.sum(sign[region == 2]))
        out.append("N" if north and not south else "S" if south and not north else "B")
    return tuple(out)


#: The region of its meridian a route must cross an obstacle's by, for each side.
_REGION = {"N": 1, "S": 2, "B": 3}


def _search(
    planner: Planner, a: Vectors, b: Vectors, frame: _Frame, fixed: dict[int, str]
) -> list[Vectors] | None:
    """The shortest path in the graph that crosses fixed obstacles' meridians where allowed.

    Edges and end legs that cross a fixed obstacle's meridian outside the region its side
    allows are taken out of the search.
    """
    graph = planner.graph
    arrays = graph.arrays
    src = np.repeat(np.arange(len(arrays.indptr) - 1), np.diff(arrays.indptr))
    weights = arrays.weights.copy()
    points = graph.points
    start_ok = np.ones(len(points), dtype=np.bool_)
    goal_ok = np.ones(len(points), dtype=np.bool_)
    for j, side in fixed.items():
        w = np.cross(frame.m[j], frame.n)
        level = points @ w
        # Only edges whose ends lie on both sides of the meridian's plane can cross it.
        maybe = np.flatnonzero(level[src] * level[arrays.indices] < 0.0)
        region, _ = frame.regions(points[src[maybe]], points[arrays.indices[maybe]], j)
        weights[maybe[(region != 0) & (region != _REGION[side])]] = np.inf
        for ok, end in ((start_ok, a), (goal_ok, b)):
            region, _ = frame.regions(np.broadcast_to(end, points.shape), points, j)
            ok &= (region == 0) | (region == _REGION[side])
    return graph.search_restricted(a, b, weights, start_ok, goal_ok)


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
    if k == 1 or shortest.is_direct or not frame.count:
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
                found_path = _search(planner, a, b, frame, child)
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
