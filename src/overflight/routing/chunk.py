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
   solution);
4. the lines are followed through a grid of every edge of every state's polygon and of its
   polygon shrunk by the verification tolerance (compiled, :mod:`.chunk_kernels`): where a
   line starts inside each (a ray cast) and where it crosses an edge give the stretches
   inside each polygon, as shapely's intersection of the line with it finds them;
5. a route that touches a denied state's shrunk polygon fails the check, the test of
   :func:`overflight.routing.verify.check_route`, on the same 5 km spacing;
6. the report's filters apply (a stretch counts when it enters the shrunk polygon and is at
   least 50 m long), and :func:`overflight.routing.transit.attribute_many` turns the
   stretches into the states crossed, as ``attribute`` does for the transit report (the same
   answers, the chunk's look-ups asked together), so the list is the report's.

The edges and their grid are kept as arrays in the cache directory (``data/packed.py``), so
a batch starts without building them.

Only sets with no margin, avoid areas or open corridors take this path; the tests compare it
with ``Planner.route`` pair by pair.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

import numpy as np
import shapely
from numpy.typing import NDArray

from overflight._threadlocal import per_thread
from overflight.data.airspace import data_fingerprint, states
from overflight.data.packed import pack_strings, packed, unpack_strings
from overflight.geo.ellipsoid import wgs84
from overflight.geo.sphere import EARTH_RADIUS_KM, split_antimeridian, to_lonlat, to_xyz
from overflight.models import KM_PER_NM, LonLat
from overflight.routing import chunk_kernels
from overflight.routing.graph import EndLegs
from overflight.routing.planner import Planner
from overflight.routing.transit import MIN_KM, STEP_KM, RouteLine, attribute_many
from overflight.routing.verify import TOLERANCE_DEG, shrunk_area

__all__ = [
    "Borders",
    "FastRoute",
    "Searcher",
    "borders",
    "fast_routes",
    "plan_paths",
    "searcher",
    "warm",
]

Float = NDArray[np.float64]

#: Radius of the sphere on which legs are densified (as pyproj's sphere in overflight.geo).
_RADIUS_M = EARTH_RADIUS_KM * 1000.0


@dataclass
class Searcher:
    """A planner's graph, and the denied states' polygons that no endpoint may be in."""

    planner: Planner
    denied_tree: shapely.STRtree | None = None
    #: The legs from origins and to destinations already tested, kept across chunks.
    ends: tuple[EndLegs, EndLegs] | None = None

    def blocked(self, a: Float, b: Float) -> NDArray[np.bool_]:
        """Whether each arc a[i]-b[i] meets an obstacle edge (as VisibilityGraph.clear)."""
        return ~self.planner.graph.clear_arcs(a, b)

    def detour(self, origin: LonLat, destination: LonLat) -> list[LonLat] | None:
        """Turning points of the shortest path between ends whose great circle is blocked."""
        graph = self.planner.graph
        if self.ends is None:
            self.ends = (EndLegs(graph.size), EndLegs(graph.size))
        path = graph.detour(to_xyz(*origin), to_xyz(*destination), self.ends)
        if path is None:
            return None
        lon, lat = to_lonlat(np.asarray(path[1:-1]).reshape(-1, 3))
        inner = [LonLat(float(x), float(y)) for x, y in zip(lon, lat, strict=True)]
        return [origin, *inner, destination]

    def endpoints_denied(self, places: Sequence[LonLat]) -> list[bool]:
        """Whether each place lies in the denied airspace (as ``states_at`` tests one)."""
        if not places or not self.planner.denied:
            return [False] * len(places)
        if self.denied_tree is None:
            self.denied_tree = shapely.STRtree([states()[c].geometry for c in self.planner.denied])
        lon = np.array([p.lon for p in places])
        lat = np.array([p.lat for p in places])
        lon = np.where(lon == 180.0, lon, np.mod(lon + 180.0, 360.0) - 180.0)
        hit, _ = self.denied_tree.query(shapely.points(lon, lat), predicate="intersects")
        inside = np.zeros(len(places), dtype=bool)
        inside[hit] = True
        return inside.tolist()


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
    borders()
    finder = searcher(planner)
    paris, berlin, baltic = LonLat(2.35, 48.86), LonLat(13.40, 52.52), LonLat(19.0, 55.5)
    finder.endpoints_denied([paris])
    point = to_xyz(0.0, 0.0)
    finder.blocked(point[None, :], point[None, :])
    if planner.graph.size:
        finder.detour(paris, berlin)  # the search's compiled loops, whatever it finds
    # Borders, slivers and a coast: every table the report and its attribution build.
    fast_routes(finder, [[paris, berlin, baltic]])


# ----------------------------------------------------------------------------- densifying


def _legs(routes: Sequence[Sequence[LonLat]]) -> tuple[Float, Float, NDArray[np.int64]]:
    """Start and end (lon, lat) of every leg, and the route each belongs to."""
    starts = np.array([p for r in routes for p in r[:-1]], dtype=np.float64).reshape(-1, 2)
    ends = np.array([p for r in routes for p in r[1:]], dtype=np.float64).reshape(-1, 2)
    owner = np.repeat(np.arange(len(routes)), [len(r) - 1 for r in routes])
    return starts, ends, owner


def _dense(starts: Float, ends: Float, owner: NDArray[np.int64]) -> tuple[Float, NDArray[np.int64]]:
    """Each route's points every STEP_KM or less along its legs' great circles; leg of each.

    The legs' ends exact, as great_circle_points keeps them, and each route's points once:
    a leg after the first of its route starts where the last one ended.
    """
    sphere = _sphere()
    _, _, metres = sphere.inv(starts[:, 0], starts[:, 1], ends[:, 0], ends[:, 1])
    inner = (np.asarray(metres) // (STEP_KM * 1000.0)).astype(np.int64)
    a = np.ascontiguousarray(to_xyz(starts[:, 0], starts[:, 1]))
    b = np.ascontiguousarray(to_xyz(ends[:, 0], ends[:, 1]))
    joined = np.zeros(len(owner), dtype=bool)
    joined[1:] = owner[1:] == owner[:-1]
    both = np.ascontiguousarray(np.column_stack([starts, ends]))
    points, leg = chunk_kernels.dense_legs(a, b, inner, both, joined)
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


class Borders(NamedTuple):
    """Every edge of every state's shipped polygon and shrunk polygon, on a grid of cells.

    Layer k < n (n states) is state k's shipped polygon, layer n + k its polygon shrunk by
    the verification tolerance; numpy arrays only, so shared by every thread.
    """

    #: (x0, y0, x1, y1) of each edge, and its layer.
    edges: Float
    layer: NDArray[np.int64]
    #: The edges of each cell of the grid (chunk_kernels.edge_grid).
    cell_start: NDArray[np.int64]
    cell_edges: NDArray[np.int32]
    #: The states in layer order.
    codes: tuple[str, ...]


@cache
def borders() -> Borders:
    """The edges of the polygons the routes are reported and checked against (disk cached)."""
    key = f"{data_fingerprint()}|{TOLERANCE_DEG!r}|{shapely.geos_version_string}"
    columns = packed(
        "batch-borders-1", hashlib.sha256(key.encode()).hexdigest()[:16], _parse_borders
    )
    return Borders(
        columns["edges"],
        columns["layer"],
        columns["cell_start"],
        columns["cell_edges"],
        tuple(unpack_strings(columns["codes"])),
    )


def _parse_borders() -> dict[str, np.ndarray]:
    codes = tuple(states())
    layers = [states()[c].geometry for c in codes] + [shrunk_area(c) for c in codes]
    rings, owner = shapely.get_rings(shapely.get_parts(layers), return_index=True)
    _, part_layer = shapely.get_parts(layers, return_index=True)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    # Consecutive points of one ring make an edge.
    same = ring[1:] == ring[:-1]
    edges = np.concatenate([xy[:-1], xy[1:]], axis=1)[same]
    layer = part_layer[owner][ring[:-1][same]]
    cell_start, cell_edges = chunk_kernels.edge_grid(np.ascontiguousarray(edges))
    return {
        "edges": edges,
        "layer": layer.astype(np.int64),
        "cell_start": cell_start,
        "cell_edges": cell_edges,
        "codes": pack_strings(list(codes)),
    }


def fast_routes(finder: Searcher, paths: Sequence[Sequence[LonLat]]) -> list[FastRoute]:
    """Check every path and report its lengths and the states it crosses, in order."""
    if not paths:
        return []
    starts, ends, owner = _legs(paths)
    _, _, metres = wgs84().inv(starts[:, 0], starts[:, 1], ends[:, 0], ends[:, 1])
    leg_km = (np.asarray(metres, dtype=np.float64) / 1000.0).tolist()
    ends_xy = np.array([[*p[0], *p[-1]] for p in paths], dtype=np.float64)
    _, _, direct = wgs84().inv(ends_xy[:, 0], ends_xy[:, 1], ends_xy[:, 2], ends_xy[:, 3])
    points, leg = _dense(starts, ends, owner)
    route_of = owner[leg]
    bounds = np.searchsorted(route_of, np.arange(len(paths) + 1))
    # Only the routes that reach or cross ±180 are cut (a call each): found for all at once.
    lon = points[:, 0]
    jumps = np.abs(np.diff(lon)) > 180.0
    jumps[bounds[1:-1] - 1] = False  # from one route's last point to the next one's first
    cut = np.zeros(len(paths), dtype=bool)
    cut[route_of[:-1][jumps]] = True
    cut[route_of[np.abs(lon) == 180.0]] = True
    line_route: list[int] = []
    coords: list[Float] = []
    for r, crosses in enumerate(cut.tolist()):
        run = points[bounds[r] : bounds[r + 1]]
        for part in _cut(run) if crosses else (run,):
            if len(part) > 1:
                coords.append(part)
                line_route.append(r)
    flat = np.ascontiguousarray(np.concatenate(coords))
    part_start = np.concatenate([[0], np.cumsum([len(c) for c in coords])]).astype(np.int64)
    route_of_part = np.array(line_route, dtype=np.int64)
    cum_deg, cum_km = chunk_kernels.part_lengths(flat, part_start)
    # Km along the route where each part starts: the parts before it, summed in order.
    part_km = cum_km[part_start[1:] - 1].tolist()
    offset_km, total_km = [0.0] * len(coords), [0.0] * len(paths)
    for j, r in enumerate(line_route):
        offset_km[j] = total_km[r]
        total_km[r] += part_km[j]
    # Km along its route of every point, and the parts of each route (views of both).
    route_km = cum_km + np.repeat(offset_km, np.diff(part_start))
    first_part = np.searchsorted(route_of_part, np.arange(len(paths) + 1)).tolist()
    starts_at = part_start.tolist()
    lines = []
    for r in range(len(paths)):
        j0, j1 = first_part[r], first_part[r + 1]
        a, b = starts_at[j0], starts_at[j1]
        parts = tuple(
            (route_km[p:q], flat[p:q]) for p, q in itertools.pairwise(starts_at[j0 : j1 + 1])
        )
        lines.append(_Line(parts, route_km[a:b], flat[a:b], part_start[j0 : j1 + 1] - a))
    inside, failed = _inside(finder, flat, part_start, cum_deg, cum_km, route_of_part, len(paths))

    # Each route's legs summed in order (one pass: a route's legs are consecutive).
    distance = [0.0] * len(paths)
    for k, r in enumerate(owner.tolist()):
        distance[r] += leg_km[k]
    kept = [
        [(offset_km[j] + a, offset_km[j] + z, code) for j, a, z, code in found if z - a >= MIN_KM]
        for found in inside
    ]
    attributed = attribute_many(list(zip(kept, total_km, lines, strict=True)))
    out = []
    for r, (path, (stretches, high_seas_km)) in enumerate(zip(paths, attributed, strict=True)):
        out.append(
            FastRoute(
                waypoints=tuple(path),
                distance_km=distance[r],
                great_circle_km=float(direct[r]) / 1000.0,
                high_seas_km=high_seas_km,
                states=tuple(s.code for s in stretches),
                failure=failed.get(r, ""),
            )
        )
    return out


@dataclass(frozen=True)
class _Line(RouteLine):
    """A route line whose points are found by a compiled loop (the same numbers, to the bit).

    The attribution asks a route for a few points at a time, several times: numpy's calls
    on arrays that small cost more than the work.
    """

    #: The parts end to end: km along the route, points, and where each part starts.
    cum_km: Float
    coords: Float
    part_start: NDArray[np.int64]

    def points_at(self, kms: Sequence[float] | Float) -> Float:
        km = np.asarray(kms, dtype=np.float64).reshape(-1)
        return chunk_kernels.points_at(km, self.cum_km, self.coords, self.part_start)


Stretches = list[list[tuple[int, float, float, str]]]


def _inside(
    finder: Searcher,
    flat: Float,
    part_start: NDArray[np.int64],
    cum_deg: Float,
    cum_km: Float,
    route_of_part: NDArray[np.int64],
    count: int,
) -> tuple[Stretches, dict[int, str]]:
    """Per route, its stretches in the states' polygons; the routes that fail the check.

    The stretches are (part, km from, km to along the part, state); the routes that fail
    touch a denied state's shrunk polygon, and say which.

    A stretch counts in the report when it enters the polygon shrunk by the verification
    tolerance: a leg that follows a boundary may run a hair inside it (the data's edges are
    great circles, the lines' straight), as the transit report has it.
    """
    b = borders()
    n = len(b.codes)
    touch = np.zeros(2 * n, dtype=np.bool_)
    index = {c: k for k, c in enumerate(b.codes)}
    for code in finder.planner.denied:
        touch[n + index[code]] = True
    ev_part, ev_layer, ev_deg, in_part, in_layer, hit_part, hit_layer = chunk_kernels.crossings(
        flat, part_start, cum_deg, b.edges, b.layer, b.cell_start, b.cell_edges, 2 * n, touch
    )
    failed: dict[int, str] = {}
    starts_in = touch[in_layer]
    for j, k in zip(
        [*hit_part.tolist(), *in_part[starts_in].tolist()],
        [*hit_layer.tolist(), *in_layer[starts_in].tolist()],
        strict=True,
    ):
        failed.setdefault(
            int(route_of_part[j]),
            f"the route enters the airspace of {b.codes[k - n]} by more than "
            f"{TOLERANCE_DEG:g} degree; this is a bug in overflight, please report it",
        )
    part = np.concatenate([in_part, ev_part])
    layer = np.concatenate([in_layer, ev_layer])
    deg = np.concatenate([np.full(len(in_part), -1.0), ev_deg])
    order = np.lexsort((deg, layer, part))
    part_deg = cum_deg[part_start[1:] - 1]
    i_part, i_layer, lo_deg, hi_deg = chunk_kernels.intervals(
        part[order], layer[order], deg[order], (deg < 0.0)[order], part_deg
    )
    lo = chunk_kernels.locate(i_part, lo_deg, part_start, cum_deg, cum_km)
    hi = chunk_kernels.locate(i_part, hi_deg, part_start, cum_deg, cum_km)
    # A stretch in a state's polygon counts if one in its shrunk polygon meets it.
    kept = np.flatnonzero(chunk_kernels.meets_deeper(i_part, i_layer, lo, hi, n))
    found: Stretches = [[] for _ in range(count)]
    for r, j, k, a, z in zip(
        route_of_part[i_part[kept]].tolist(),
        i_part[kept].tolist(),
        i_layer[kept].tolist(),
        lo[kept].tolist(),
        hi[kept].tolist(),
        strict=True,
    ):
        found[r].append((j, a, z, b.codes[k]))
    return found, failed
