"""Many routes of one denied set at once: the search, the check and the states crossed.

:meth:`overflight.routing.planner.Planner.route` answers one pair: most of its time goes to
Python loops around GEOS (densifying, cutting at the antimeridian, one overlay per state).
Here the same steps run over a whole chunk of pairs in vectorised calls:

1. every direct great circle is tested in one call of the compiled arc test, on the same
   edge grid the graph searches (a clear one is the route);
2. the others are searched by :meth:`VisibilityGraph.detour`, as a single route is;
3. every leg is densified every STEP_KM (5 km) along its great circle and cut at ±180 as
   :func:`overflight.routing.transit.transit_report` does (the steps are measured on
   the ellipsoid from their chords, to nanometres, rather than by the full geodesic
   solution), and
4. checked against the denied states' polygons shrunk by the verification tolerance, the
   test of :func:`overflight.routing.verify.check_route`, on the same 5 km spacing;
5. the stretches inside each state's shipped polygon come from intersecting the lines with
   the polygons cut into small pieces (one GEOS call for the chunk): pieces of one stretch
   that the cuts split are joined again, the report's filters apply (a stretch counts when
   it enters the shrunk polygon and is at least 50 m long), and
   :func:`overflight.routing.transit.attribute` turns them into the states crossed, as it
   does for the transit report, so the list is the report's.

Only sets with no margin, avoid areas or open corridors take this path; the tests compare it
with ``Planner.route`` pair by pair.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from overflight._threadlocal import per_thread
from overflight.data.airspace import states, states_at
from overflight.geo.ellipsoid import wgs84
from overflight.geo.sphere import EARTH_RADIUS_KM, split_antimeridian, to_lonlat, to_xyz
from overflight.models import KM_PER_NM, LonLat
from overflight.routing import chunk_kernels
from overflight.routing.planner import Planner
from overflight.routing.transit import MIN_KM, STEP_KM, RouteLine, attribute
from overflight.routing.verify import TOLERANCE_DEG, shrunk_area

__all__ = [
    "FastRoute",
    "Searcher",
    "endpoint_denied",
    "fast_routes",
    "plan_paths",
    "searcher",
    "state_pieces",
    "warm",
]

Float = NDArray[np.float64]

#: Radius of the sphere on which legs are densified (as pyproj's sphere in overflight.geo).
_RADIUS_M = EARTH_RADIUS_KM * 1000.0
#: Pieces of one crossing that a cut split touch: their ends differ by rounding only.
_GLUE_KM = 1e-6
#: Most vertices in one piece of a state's polygon.
_PIECE_VERTICES = 128


@per_thread(maxsize=1)
def state_pieces() -> tuple[NDArray[np.object_], NDArray[np.int64], tuple[str, ...]]:
    """Every state's polygon cut into pieces of at most a few hundred vertices, and owners."""
    codes = tuple(states())
    pieces: list[BaseGeometry] = []
    owners: list[int] = []
    for k, code in enumerate(codes):
        found = _subdivide(states()[code].geometry)
        pieces += found
        owners += [k] * len(found)
    array = np.array(pieces, dtype=object)
    shapely.prepare(array)
    return array, np.array(owners, dtype=np.int64), codes


def _subdivide(geometry: BaseGeometry) -> list[BaseGeometry]:
    if geometry.is_empty:
        return []
    if shapely.get_num_coordinates(geometry) <= _PIECE_VERTICES:
        return [geometry]
    x0, y0, x1, y1 = geometry.bounds
    if x1 - x0 >= y1 - y0:
        mid = (x0 + x1) / 2.0
        boxes = (shapely.box(x0, y0, mid, y1), shapely.box(mid, y0, x1, y1))
    else:
        mid = (y0 + y1) / 2.0
        boxes = (shapely.box(x0, y0, x1, mid), shapely.box(x0, mid, x1, y1))
    out: list[BaseGeometry] = []
    for box in boxes:
        part = shapely.intersection(geometry, box)
        polygons = [p for p in shapely.get_parts(part) if p.geom_type == "Polygon"]
        if polygons:
            out += _subdivide(shapely.multipolygons(polygons))
    return out


@per_thread(maxsize=1)
def _piece_tree() -> shapely.STRtree:
    return shapely.STRtree(state_pieces()[0])


@per_thread(maxsize=1)
def _inner_areas() -> NDArray[np.object_]:
    """Each state's polygon shrunk by the verification tolerance, by state index."""
    return np.array([shrunk_area(c) for c in state_pieces()[2]], dtype=object)


@dataclass
class Searcher:
    """A planner's graph, and the denied states' polygons to check routes against."""

    planner: Planner
    denied_tree: shapely.STRtree | None = None
    denied_codes: tuple[str, ...] = ()

    def blocked(self, a: Float, b: Float) -> NDArray[np.bool_]:
        """Whether each arc a[i]-b[i] meets an obstacle edge (as VisibilityGraph.clear)."""
        return ~self.planner.graph.clear_arcs(a, b)

    def detour(self, origin: LonLat, destination: LonLat) -> list[LonLat] | None:
        """Turning points of the shortest path between ends whose great circle is blocked."""
        graph = self.planner.graph
        path = graph.detour(to_xyz(*origin), to_xyz(*destination))
        if path is None:
            return None
        lon, lat = to_lonlat(np.asarray(path[1:-1]).reshape(-1, 3))
        inner = [LonLat(float(x), float(y)) for x, y in zip(lon, lat, strict=True)]
        return [origin, *inner, destination]

    def check_tree(self) -> tuple[shapely.STRtree, tuple[str, ...]]:
        """The denied states' shrunk polygons in small pieces, which no leg may touch."""
        if self.denied_tree is None:
            pieces = [(p, c) for c in self.planner.denied for p in _subdivide(shrunk_area(c))]
            self.denied_tree = shapely.STRtree([p for p, _ in pieces])
            self.denied_codes = tuple(c for _, c in pieces)
        return self.denied_tree, self.denied_codes


@per_thread(maxsize=16)
def searcher(planner: Planner) -> Searcher:
    """The searcher of a planner's denied set, kept per thread (it holds GEOS trees)."""
    return Searcher(planner)


@dataclass(frozen=True)
class FastRoute:
    """What a results row needs of one planned route; ``failure`` when its check failed."""

    waypoints: tuple[LonLat, ...]
    distance_km: float
    great_circle_km: float
    high_seas_km: float
    states: tuple[str, ...]
    failure: str = ""

    def row_fields(self, speed_kt: float) -> dict[str, Any]:
        """The route's columns of a results row."""
        extra = self.distance_km - self.great_circle_km
        pct = 0.0 if self.great_circle_km == 0.0 else 100.0 * extra / self.great_circle_km
        return {
            "distance_km": self.distance_km,
            "distance_nm": self.distance_km / KM_PER_NM,
            "great_circle_km": self.great_circle_km,
            "extra_km": extra,
            "extra_nm": extra / KM_PER_NM,
            "extra_pct": pct,
            "duration_h": self.distance_km / (speed_kt * KM_PER_NM),
            "high_seas_km": self.high_seas_km,
            "states": " ".join(self.states),
            "straits": "",
            "turns": len(self.waypoints) - 2,
            "waypoints": json.dumps([[p.lon, p.lat] for p in self.waypoints]),
        }


def plan_paths(
    finder: Searcher, pairs: Sequence[tuple[LonLat, LonLat]]
) -> list[list[LonLat] | None]:
    """Waypoints of each pair's shortest path (None: no path), direct ones found at once."""
    if not pairs:
        return []
    a = to_xyz(np.array([p[0].lon for p in pairs]), np.array([p[0].lat for p in pairs]))
    b = to_xyz(np.array([p[1].lon for p in pairs]), np.array([p[1].lat for p in pairs]))
    blocked = finder.blocked(np.atleast_2d(a), np.atleast_2d(b))
    return [
        finder.detour(o, d) if hit else [o, d]
        for (o, d), hit in zip(pairs, blocked.tolist(), strict=True)
    ]


def warm(planner: Planner) -> None:
    """Build everything a chunk needs once, so that forked workers inherit it."""
    state_pieces()
    _piece_tree()
    _inner_areas()
    finder = searcher(planner)
    finder.check_tree()
    point = to_xyz(0.0, 0.0)
    finder.blocked(point[None, :], point[None, :])


def endpoint_denied(planner: Planner, place: LonLat) -> bool:
    """Whether a place lies in the planner's denied airspace (the route says why)."""
    return bool(states_at(place.lon, place.lat, planner.denied))


# ----------------------------------------------------------------------------- densifying


def _legs(routes: Sequence[Sequence[LonLat]]) -> tuple[Float, Float, NDArray[np.int64]]:
    """Start and end (lon, lat) of every leg, and the route each belongs to."""
    starts = np.array([p for r in routes for p in r[:-1]], dtype=np.float64).reshape(-1, 2)
    ends = np.array([p for r in routes for p in r[1:]], dtype=np.float64).reshape(-1, 2)
    owner = np.repeat(np.arange(len(routes)), [len(r) - 1 for r in routes])
    return starts, ends, owner


def _dense(starts: Float, ends: Float) -> tuple[Float, NDArray[np.int64]]:
    """Each leg's points every STEP_KM or less along its great circle, ends exact; leg of each."""
    sphere = _sphere()
    _, _, metres = sphere.inv(starts[:, 0], starts[:, 1], ends[:, 0], ends[:, 1])
    inner = (np.asarray(metres) // (STEP_KM * 1000.0)).astype(np.int64)
    count = inner + 2
    a = np.ascontiguousarray(to_xyz(starts[:, 0], starts[:, 1]))
    b = np.ascontiguousarray(to_xyz(ends[:, 0], ends[:, 1]))
    points, leg = chunk_kernels.dense_legs(a, b, inner)
    k = np.arange(len(leg)) - np.repeat(np.cumsum(count) - count, count)
    # The ends exactly as given, as great_circle_points keeps them.
    head = k == 0
    tail = k == count[leg] - 1
    points[head] = starts[leg[head]]
    points[tail] = ends[leg[tail]]
    return points, leg


@per_thread(maxsize=1)
def _sphere() -> Any:
    from pyproj import Geod

    return Geod(a=_RADIUS_M, b=_RADIUS_M)


def _cut(points: Float) -> list[Float]:
    """A route's points cut where it crosses ±180, as split_antimeridian cuts them."""
    lon = points[:, 0]
    if np.any(np.abs(lon) == 180.0):
        # Points on the antimeridian itself have special rules: take them as written there.
        return [np.asarray(p, dtype=np.float64) for p in split_antimeridian(points.tolist())]
    jumps = np.flatnonzero(np.abs(np.diff(lon)) > 180.0)
    if not len(jumps):
        return [points]
    parts: list[Float] = []
    begin = 0
    carry: Float | None = None
    for i in jumps.tolist():
        lon0, lat0 = points[i]
        lon1, lat1 = points[i + 1]
        east = lon1 - lon0 < 0
        lon1u = lon1 + 360.0 if east else lon1 - 360.0
        edge = 180.0 if east else -180.0
        lat_cut = lat0 + (edge - lon0) / (lon1u - lon0) * (lat1 - lat0)
        cut = np.array([[edge, lat_cut]])
        body = points[begin : i + 1]
        parts.append(np.concatenate([body, cut] if carry is None else [carry, body, cut]))
        carry = np.array([[-edge, lat_cut]])
        begin = i + 1
    parts.append(np.concatenate([carry, points[begin:]]) if carry is not None else points[begin:])
    return parts


# ----------------------------------------------------------------------------- transit


def fast_routes(finder: Searcher, paths: Sequence[Sequence[LonLat]]) -> list[FastRoute]:
    """Check every path and report its lengths and the states it crosses, in order."""
    if not paths:
        return []
    starts, ends, owner = _legs(paths)
    _, _, metres = wgs84().inv(starts[:, 0], starts[:, 1], ends[:, 0], ends[:, 1])
    leg_km = (np.asarray(metres, dtype=np.float64) / 1000.0).tolist()
    ends_xy = np.array([[*p[0], *p[-1]] for p in paths], dtype=np.float64)
    _, _, direct = wgs84().inv(ends_xy[:, 0], ends_xy[:, 1], ends_xy[:, 2], ends_xy[:, 3])
    points, leg = _dense(starts, ends)
    # One run of points per route: each leg after the first starts where the last ended.
    keep = np.ones(len(points), dtype=bool)
    first_of_leg = np.flatnonzero(np.diff(leg, prepend=-1) != 0)
    later = first_of_leg[np.diff(owner, prepend=-1)[leg[first_of_leg]] == 0]
    keep[later] = False
    points, route_of = points[keep], owner[leg[keep]]
    bounds = np.searchsorted(route_of, np.arange(len(paths) + 1))
    line_route: list[int] = []
    coords: list[Float] = []
    for r in range(len(paths)):
        for part in _cut(points[bounds[r] : bounds[r + 1]]):
            if len(part) > 1:
                coords.append(part)
                line_route.append(r)
    routes_of_part = np.array(line_route, dtype=np.int64)
    flat = np.concatenate(coords)
    sizes = np.array([len(c) for c in coords], dtype=np.int64)
    position, total_km = _along(flat, sizes, routes_of_part, len(paths))
    lines, chunk_part, chunk_first = _chunk_lines(flat, sizes)
    chunk_route = routes_of_part[chunk_part]
    failed = _check(finder, lines, chunk_route)
    crossings = _crossings(lines, chunk_part, chunk_first, routes_of_part, position, len(paths))
    along: list[list[tuple[Float, Float]]] = [[] for _ in paths]
    for (_, km), part_coords, r in zip(position, coords, line_route, strict=True):
        along[r].append((km, part_coords))

    out = []
    for r, path in enumerate(paths):
        distance = sum(leg_km[k] for k in np.flatnonzero(owner == r).tolist())
        kept = [(lo, hi, code) for lo, hi, code, deep in crossings[r] if deep and hi - lo >= MIN_KM]
        stretches, high_seas_km = attribute(kept, total_km[r], RouteLine(tuple(along[r])).point_at)
        out.append(
            FastRoute(
                waypoints=tuple(path),
                distance_km=distance,
                great_circle_km=float(direct[r]) / 1000.0,
                high_seas_km=high_seas_km,
                states=tuple(s.code for s in stretches),
                failure=failed.get(r, ""),
            )
        )
    return out


def _check(
    finder: Searcher, lines: NDArray[np.object_], route_of: NDArray[np.int64]
) -> dict[int, str]:
    """Routes that touch denied airspace deeper than the tolerance, with what they touch."""
    if not finder.planner.denied:
        return {}
    tree, codes = finder.check_tree()
    hit_line, hit_piece = tree.query(lines, predicate="intersects")
    failed: dict[int, str] = {}
    for line, piece in zip(hit_line.tolist(), hit_piece.tolist(), strict=True):
        failed.setdefault(
            int(route_of[line]),
            f"the route enters the airspace of {codes[piece]} by more than "
            f"{TOLERANCE_DEG:g} degree; this is a bug in overflight, please report it",
        )
    return failed


def _along(
    flat: Float, sizes: NDArray[np.int64], route_of: NDArray[np.int64], count: int
) -> tuple[list[tuple[Float, Float]], list[float]]:
    """Per part: degrees along it at each point, and km along its route; each route's km.

    Degrees are what shapely measures along a line (planar), km what the transit report
    measures (on the ellipsoid, point to point). Each part is summed on its own, so that a
    route's figures never depend on the other routes of its chunk.
    """
    step_km = chunk_kernels.step_km(np.ascontiguousarray(flat))
    step_deg = np.hypot(*np.diff(flat, axis=0).T)
    total = [0.0] * count
    out: list[tuple[Float, Float]] = []
    begin = 0
    for size, r in zip(sizes.tolist(), route_of.tolist(), strict=True):
        end = begin + size - 1
        km = np.concatenate([[0.0], np.cumsum(step_km[begin:end])])
        deg = np.concatenate([[0.0], np.cumsum(step_deg[begin:end])])
        out.append((deg, km + total[r]))
        total[r] += float(km[-1])
        begin = end + 1
    return out, total


#: Segments per line handed to GEOS: short lines keep each overlay and lookup small.
_CHUNK = 32


def _chunk_lines(
    flat: Float, sizes: NDArray[np.int64]
) -> tuple[NDArray[np.object_], NDArray[np.int64], NDArray[np.int64]]:
    """The parts cut into lines of at most _CHUNK segments: lines, parts, first points.

    A line's first point is given by its index in its part.
    """
    nchunks = (sizes - 2) // _CHUNK + 1
    part = np.repeat(np.arange(len(sizes)), nchunks)
    local = (np.arange(len(part)) - np.repeat(np.cumsum(nchunks) - nchunks, nchunks)) * _CHUNK
    last = np.minimum(local + _CHUNK, sizes[part] - 1)
    length = last - local + 1
    first_point = (np.cumsum(sizes) - sizes)[part] + local
    vertex = np.repeat(first_point, length) + (
        np.arange(int(length.sum())) - np.repeat(np.cumsum(length) - length, length)
    )
    lines = shapely.linestrings(flat[vertex], indices=np.repeat(np.arange(len(part)), length))
    return np.asarray(lines, dtype=object), part, local


Crossing = tuple[float, float, str, bool]


def _crossings(
    lines: NDArray[np.object_],
    chunk_part: NDArray[np.int64],
    chunk_first: NDArray[np.int64],
    route_of_part: NDArray[np.int64],
    position: Sequence[tuple[Float, Float]],
    count: int,
) -> list[list[Crossing]]:
    """Per route: (start km, end km, state, enters the shrunk polygon) of each crossing."""
    pieces, owners, codes = state_pieces()
    chunk_idx, piece_idx = _piece_tree().query(lines, predicate="intersects")
    found: list[list[Crossing]] = [[] for _ in range(count)]
    if not len(chunk_idx):
        return found
    # A line inside a piece is its own overlap: only lines across a boundary need GEOS overlay.
    full = shapely.contains(pieces[piece_idx], lines[chunk_idx])
    cut_chunk, cut_piece = chunk_idx[~full], piece_idx[~full]
    overlap = shapely.intersection(lines[cut_chunk], pieces[cut_piece])
    cut, which = shapely.get_parts(overlap, return_index=True)
    is_line = shapely.get_type_id(cut) == 1
    cut, which = cut[is_line], which[is_line]
    whole = lines[chunk_idx[full]]
    parts = np.concatenate([whole, cut])
    if not len(parts):
        return found
    chunk_of = np.concatenate([chunk_idx[full], cut_chunk[which]])
    state_of = owners[np.concatenate([piece_idx[full], cut_piece[which]])]
    inner = shapely.intersects(_inner_areas()[state_of], parts)
    part_of = chunk_part[chunk_of]
    heads = np.concatenate(
        [
            np.zeros(len(whole)),
            shapely.line_locate_point(lines[cut_chunk[which]], shapely.get_point(cut, 0)),
        ]
    )
    tails = np.concatenate(
        [
            shapely.length(whole),
            shapely.line_locate_point(lines[cut_chunk[which]], shapely.get_point(cut, -1)),
        ]
    )
    lo, hi = np.empty(len(parts)), np.empty(len(parts))
    order = np.argsort(part_of, kind="stable")
    bounds = np.flatnonzero(np.diff(part_of[order], prepend=-1, append=-1) != 0)
    for begin, end in itertools.pairwise(bounds.tolist()):
        mine = order[begin:end]
        deg, km = position[int(part_of[mine[0]])]
        base = deg[chunk_first[chunk_of[mine]]]
        lo[mine] = np.interp(base + heads[mine], deg, km)
        hi[mine] = np.interp(base + tails[mine], deg, km)
    # Sub-pieces of one part and state, in order along it, are joined where a cut split them.
    order = np.lexsort((np.minimum(lo, hi), state_of, part_of))
    glued: list[list[Any]] = []
    last_key = (-1, -1)
    for n in order.tolist():
        key = (int(part_of[n]), int(state_of[n]))
        a, b = sorted((float(lo[n]), float(hi[n])))
        if key == last_key and a <= glued[-1][1] + _GLUE_KM:
            glued[-1][1] = max(glued[-1][1], b)
            glued[-1][3] = glued[-1][3] or bool(inner[n])
        else:
            glued.append([a, b, key, bool(inner[n])])
        last_key = key
    for a, b, (part, state), deep in glued:
        found[int(route_of_part[part])].append((a, b, codes[state], deep))
    return found
