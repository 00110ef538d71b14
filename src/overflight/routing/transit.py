"""The transit report: which states a route crosses, in order, where and for how long.

That list is the list of clearances a flight needs, so it is the one definition of "states
crossed": the text, JSON, batch, web and map outputs all read it. Its twin for many routes at
once is :mod:`overflight.routing.chunk`, which finds the stretches inside each shipped polygon
its own way and hands them to :func:`attribute` here; ``tests/analysis/test_batch_fast.py``
holds the two to the same rows.

Lengths are measured on the WGS84 ellipsoid along the route densified every few kilometres.
The shipped polygons are grown over the source territory (for a conservative avoidance), so
neighbours overlap along their borders: the report attributes each stretch to the state whose
territory it is over, and lists both claimants where claims truly overlap (Crimea, Western
Sahara, a dependency inside its sovereign), counting those km once.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from overflight._config import compiled_queries
from overflight.data.airspace import data_fingerprint, states
from overflight.geo.ellipsoid import cumulative_km, densify_array
from overflight.models import LonLat, StateTransit, Track
from overflight.routing.edges import PackedEdges, line_parts
from overflight.routing.verify import shrunk_area

__all__ = [
    "CLAIM_DEPTH_KM",
    "JOIN_KM",
    "MIN_KM",
    "STEP_KM",
    "TRACK_STEP_KM",
    "RouteLine",
    "Stretch",
    "TransitReport",
    "attribute",
    "join_legs",
    "states_in_order",
    "transit_report",
]

Float = NDArray[np.float64]

#: Spacing of the points the route is densified to for the report: a straight line (in
#: lon/lat) between points 5 km apart strays from the great circle by centimetres, far
#: below the shipped polygons' own precision, so crossings are placed as exactly as the
#: data allows (and as the verifier's 5 km spacing).
STEP_KM = 5.0
#: Spacing of the drawn track's points: short enough that a straight line
#: between them strays from the great circle by metres even near the poles.
TRACK_STEP_KM = 10.0
#: Crossings shorter than this are contacts with a boundary, not transits.
MIN_KM = 0.05
#: A border crossed back and forth within this distance is crossed once: where the route
#: really is on either side of a border is known to the simplification tolerance (0.75 km)
#: on each side of it, so shorter excursions are within what the data can tell apart.
JOIN_KM = 2.0
#: How far the shipped polygons reach beyond the source territory at most: grown by tau
#: (1 km), then simplified within 0.75 km (data/AIRSPACE.md). Two neighbours' polygons
#: overlap in a strip at most twice this wide along their border.
GROWTH_KM = 1.75
#: A point whose disc of this radius lies inside a shipped polygon is inside its source
#: territory, and not in a border sliver (at most GROWTH_KM deep in either polygon); a
#: quarter km more than GROWTH_KM for the bends of a border.
CLAIM_DEPTH_KM = 2.0
#: The build grows each state by tau = 1 km before simplifying it within 0.75 km: where the
#: route is this deep inside a shipped polygon it is on the source territory's border, to
#: the simplification tolerance. Entries from the high seas are placed there.
TAU_KM = 1.0
#: Km per degree of latitude, and of longitude at the equator (WGS84, rounded down so that
#: the disc of the deep test is never smaller than its radius).
_KM_PER_DEG_LAT = 110.5
_KM_PER_DEG_LON = 111.3
#: Points of the circle of the depth test (cos, sin), a little outside the unit circle so
#: that the polygon through them holds the circle.
_UNIT_CIRCLE = np.array(
    [np.cos(np.arange(16) * math.pi / 8.0), np.sin(np.arange(16) * math.pi / 8.0)]
) / math.cos(math.pi / 16.0)
#: Lengths along a route closer than this are one point (rounding of the cuts).
_SAME_KM = 1e-6
#: A point of the route this close to a polygon's edge (degrees) is where it crosses it.
_ON_EDGE_DEG = 1e-7


@dataclass(frozen=True)
class TransitReport:
    """States crossed in order, and what is flown over no state."""

    transit: tuple[StateTransit, ...]
    high_seas_km: float
    #: The route for drawing (a :class:`~overflight.models.Track`, made when read).
    track: Sequence[tuple[LonLat, ...]]


@cache
def _shipped_edges() -> tuple[PackedEdges, tuple[str, ...]]:
    """The edges of every state's shipped polygon in a grid, owned by their index in the codes.

    Numpy arrays, kept on disk and shared by threads.
    """
    codes = tuple(states())
    edges = PackedEdges.kept(
        "edges-shipped-1", data_fingerprint(), lambda: [states()[c].geometry for c in codes]
    )
    return edges, codes


def transit_report(
    waypoints: Sequence[tuple[float, float]], *, clear: Collection[str] = ()
) -> TransitReport:
    """Every state crossed along the great-circle legs through the waypoints.

    ``clear`` names states the route is known to stay out of by more than the verification
    tolerance (checked by :func:`overflight.routing.verify.check_route`): they cannot be
    crossed, so their polygons are not cut.
    """
    parts = line_parts(densify_array(waypoints, STEP_KM))
    found: list[tuple[float, float, str]] = []
    along: list[tuple[Float, Float]] = []
    offset_km = 0.0
    for coords in parts:
        cum_km = cumulative_km(coords)
        pieces = _pieces(coords, frozenset(clear))
        if pieces:
            # Located along the line only when it is in some state (not over the high seas).
            line = shapely.LineString(coords)
            # Summed as GEOS sums a line's length (and the batch's part_lengths), not hypot.
            dx, dy = np.diff(coords, axis=0).T
            cum_deg = np.concatenate([[0.0], np.cumsum(np.sqrt(dx * dx + dy * dy))])
            ends = np.array([(e[0], e[-1]) for _, e, _ in pieces]).reshape(-1, 2)
            on = np.array([k for _, _, k in pieces], dtype=np.int64).reshape(-1)
            deg = _located(coords, line, ends, on)
            km = np.interp(deg, cum_deg, cum_km).reshape(-1, 2).tolist()
            for (code, _, _), (k0, k1) in zip(pieces, km, strict=True):
                lo, hi = min(k0, k1), max(k0, k1)
                if hi - lo >= MIN_KM:
                    found.append((offset_km + lo, offset_km + hi, code))
        along.append((cum_km + offset_km, coords))
        offset_km += float(cum_km[-1])
    route = RouteLine(tuple(along))
    stretches, high_seas_km = attribute(found, offset_km, route)
    ends = route.points_at([km for s in stretches for km in (s.start_km, s.end_km)]).tolist()
    transit = tuple(
        StateTransit(
            country=s.code,
            name=states()[s.code].name,
            distance_km=s.distance_km,
            entry=LonLat(*ends[2 * k]),
            exit=LonLat(*ends[2 * k + 1]),
            shared_km=s.shared_km,
            shared_with=s.shared_with,
        )
        for k, s in enumerate(stretches)
    )
    return TransitReport(transit=transit, high_seas_km=high_seas_km, track=_track(waypoints))


def _pieces(coords: Float, clear: frozenset[str]) -> list[tuple[str, Float, tuple[int, int]]]:
    """(state, both ends, their segments) of each piece of the line inside a polygon, deep in it.

    A leg that follows a boundary may run a hair inside it (the data's edges are great
    circles, the line's are straight in lon/lat): only a piece that enters the polygon shrunk
    by the verification tolerance is a crossing. The pieces are those of GEOS's overlay of the
    line with each polygon crossed, found without overlaying whole polygons: the segments
    that cross an edge come from the packed edges, and the points where they cross from GEOS
    on the two segments alone, as the overlay computes them. A polygon that the line touches
    or nearly touches, where floating point cannot tell, is overlaid whole.

    An end's segment is the index of the segment it lies on, :data:`_FIRST` or :data:`_LAST`
    for the line's own ends, :data:`_UNKNOWN` for an end of an overlay's piece.
    """
    packed, asked, codes = _open_edges(clear)
    if not asked.any():
        return []
    pairs = packed.pairs(coords, np.arange(len(coords) - 1, dtype=np.int64))
    owner = packed.owner[pairs.edge]
    x, y = coords[0]
    b = packed.bounds
    boxed = np.flatnonzero(
        asked & (b[:, 0] <= x) & (x <= b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 3])
    )
    start = set(boxed[_inside(codes, boxed, x, y)].tolist())
    whole = set(owner[pairs.unsure].tolist())
    take = np.flatnonzero(pairs.crosses)
    if whole:
        take = take[np.array([o not in whole for o in owner[take].tolist()], dtype=bool)]
    segment, edge, own = pairs.segment[take], pairs.edge[take], owner[take]
    p1, p2 = coords[segment], coords[segment + 1]
    q1, q2 = packed.starts[edge], packed.ends[edge]
    met: NDArray[np.object_] = np.asarray(
        shapely.intersection(
            shapely.linestrings(np.stack([p1, p2], axis=1)),
            shapely.linestrings(np.stack([q1, q2], axis=1)),
        )
    )
    # A crossing must be one point, strictly inside both segments, as the overlay nodes it.
    point = (shapely.get_type_id(met) == 0) & ~shapely.is_empty(met)
    at = np.full((len(met), 2), np.nan)
    at[point] = shapely.get_coordinates(met[point])
    clean = point & np.all(
        (at >= np.minimum(p1, p2))
        & (at <= np.maximum(p1, p2))
        & (at >= np.minimum(q1, q2))
        & (at <= np.maximum(q1, q2)),
        axis=1,
    )
    for end in (p1, p2, q1, q2):
        clean &= ~np.all(at == end, axis=1)
    gone = np.sum((at - p1) ** 2, axis=1)
    order = np.lexsort((gone, segment, own))
    own, segment, at, gone, clean = own[order], segment[order], at[order], gone[order], clean[order]
    tie = (np.diff(own) == 0) & (np.diff(segment) == 0) & (np.diff(gone) == 0)
    whole |= set(own[~clean].tolist()) | set(own[1:][tie].tolist())
    bounds = np.searchsorted(own, np.arange(len(codes) + 1))
    asked_here = np.array(sorted((set(own.tolist()) | start) - whole), dtype=np.int64)
    x, y = coords[-1]
    at_end = _inside(codes, asked_here, x, y).tolist()
    found: list[tuple[int, Span]] = []
    for k, end_inside in zip(asked_here.tolist(), at_end, strict=True):
        spans = _spans(
            coords,
            segment[bounds[k] : bounds[k + 1]],
            at[bounds[k] : bounds[k + 1]],
            k in start,
            end_inside,
        )
        if spans is None:
            whole.add(k)
        else:
            found += [(k, span) for span in spans]
    deep = _deep(coords, found, codes)
    out = [
        (codes[k], np.array([head, tail]), on)
        for (k, (head, _, _, tail, on)), d in zip(found, deep, strict=True)
        if d
    ]
    if whole:
        line = shapely.LineString(coords)
        for k in sorted(whole):
            out += [(codes[k], e, (_UNKNOWN, _UNKNOWN)) for e in _overlay(line, codes[k])]
    return sorted(out, key=lambda piece: piece[0])


def _inside(
    codes: Sequence[str], which: NDArray[np.int64], x: float, y: float
) -> NDArray[np.bool_]:
    """Whether the point is in each of these states' shipped polygons (one GEOS call)."""
    if not len(which):
        return np.zeros(0, dtype=bool)
    polygons = np.array([states()[codes[k]].geometry for k in which.tolist()], dtype=object)
    inside: NDArray[np.bool_] = np.asarray(shapely.intersects_xy(polygons, x, y), dtype=bool)
    return inside


@lru_cache(maxsize=8)
def _open_edges(clear: frozenset[str]) -> tuple[PackedEdges, NDArray[np.bool_], tuple[str, ...]]:
    """The shipped edges of every state but these, which states those are (by index), codes."""
    packed, codes = _shipped_edges()
    asked = np.array([c not in clear for c in codes], dtype=np.bool_)
    asked.flags.writeable = False  # shared by threads
    return packed.subset(asked), asked, codes


#: A piece of the line inside a polygon: its first point, the line's points between
#: (``coords[first:stop]``), its last point, and the segments of its two ends.
Span = tuple[Float, int, int, Float, tuple[int, int]]


def _spans(
    coords: Float, segment: NDArray[np.int64], at: Float, inside: bool, inside_at_end: bool
) -> list[Span] | None:
    """The pieces of the line inside a state's polygon, from the points where it crosses it.

    ``segment`` and ``at`` are the segments of the line that cross the polygon's edges and
    where, in order along the line (nowhere else do they meet); ``inside`` and
    ``inside_at_end`` say whether the line's first and last points are in the polygon.
    None when the crossings do not bring the line back to where its last point is: the
    overlay decides.
    """
    last = len(coords) - 1
    # Each crossing goes in or out; a piece runs from a way in to the next way out. Bounds are
    # (head, first index, tail, last index + 1), 0 and last + 1 marking the line's own ends.
    bounds: list[tuple[Float, int, Float, int]] = []
    begin: tuple[Float, int] | None = (coords[0], 0) if inside else None
    for n, s in enumerate(segment.tolist()):
        if begin is None:
            begin = (at[n], s + 1)
        else:
            bounds.append((begin[0], begin[1], at[n], s + 1))
            begin = None
    if begin is not None:
        bounds.append((begin[0], begin[1], coords[last], last + 1))
    if (begin is not None) != inside_at_end:
        return None
    return [
        (
            head,
            max(i, 1),
            min(j, last),
            tail,
            (_FIRST if i == 0 else i - 1, _LAST if j == last + 1 else j - 1),
        )
        for head, i, tail, j in bounds
    ]


def _deep(coords: Float, found: Sequence[tuple[int, Span]], codes: Sequence[str]) -> list[bool]:
    """Whether each (state, piece) enters the state's polygon shrunk by the tolerance."""
    if not found:
        return []
    heads = np.array([span[0] for _, span in found])
    first = np.array([span[1] for _, span in found], dtype=np.int64)
    stop = np.array([span[2] for _, span in found], dtype=np.int64)
    tails = np.array([span[3] for _, span in found])
    # Every piece's points in one array: its head, the line's points between, its tail.
    count = np.maximum(stop - first, 0) + 2
    offset = np.cumsum(count) - count
    total = int(count.sum())
    source = np.repeat(first - offset - 1, count) + np.arange(total)
    points = np.empty((total, 2))
    inner = np.ones(total, dtype=bool)
    inner[offset] = inner[offset + count - 1] = False
    points[inner] = coords[source[inner]]
    points[offset], points[offset + count - 1] = heads, tails
    lines = shapely.linestrings(points, indices=np.repeat(np.arange(len(found)), count))
    inner_areas = np.array([shrunk_area(codes[k]) for k, _ in found], dtype=object)
    deep: NDArray[np.bool_] = np.asarray(shapely.intersects(inner_areas, lines))
    return [bool(d) for d in deep.tolist()]


#: An end that is the line's first point, its last, or one whose segment is not known.
_FIRST, _LAST, _UNKNOWN = -1, -2, -3
#: A crossing this close to one of the line's points (degrees) is located by GEOS itself.
_NEAR_POINT_DEG = 1e-9


def _located(
    coords: Float, line: shapely.LineString, points: Float, on: NDArray[np.int64]
) -> Float:
    """Distance along the line (in degrees, planar) of each point, as GEOS's project gives it.

    GEOS sums the lengths of the segments before the nearest one, then adds the point's
    projection on it; for a point known to lie on segment ``on`` (or at an end of the line),
    the same arithmetic gives the same number without searching every segment. Points of no
    known segment, or next to one of the line's points, are left to GEOS.
    """
    d = np.diff(coords, axis=0)
    length = np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1])
    start = np.concatenate([[0.0], np.cumsum(length)])
    out = np.where(on == _LAST, start[-1], 0.0)
    mid = np.flatnonzero(on >= 0)
    k = on[mid]
    p0, dk, x = coords[k], d[k], points[mid]
    r = ((x[:, 0] - p0[:, 0]) * dk[:, 0] + (x[:, 1] - p0[:, 1]) * dk[:, 1]) / (
        dk[:, 0] * dk[:, 0] + dk[:, 1] * dk[:, 1]
    )
    along = np.where(
        r <= 0.0, start[k], np.where(r <= 1.0, start[k] + r * length[k], start[k] + length[k])
    )
    out[mid] = np.minimum(np.maximum(along, 0.0), start[-1])
    gap = np.minimum(np.hypot(*(x - coords[k]).T), np.hypot(*(x - coords[k + 1]).T))
    ask = np.concatenate([np.flatnonzero(on == _UNKNOWN), mid[gap <= _NEAR_POINT_DEG]])
    if len(ask):
        out[ask] = shapely.line_locate_point(line, shapely.points(points[ask]))
    return out


def _overlay(line: shapely.LineString, code: str) -> list[Float]:
    """Ends of the pieces of the line in a state's polygon that enter it shrunk (GEOS overlay)."""
    inner = shrunk_area(code)
    out = []
    for piece in shapely.get_parts(shapely.intersection(line, states()[code].geometry)):
        if not isinstance(piece, shapely.LineString) or piece.is_empty:
            continue
        if shapely.intersects(inner, piece):
            out.append(shapely.get_coordinates(piece)[[0, -1]])
    return out


@dataclass(frozen=True)
class RouteLine:
    """A route densified and cut at ±180°: per part, km along the route and (lon, lat)."""

    parts: tuple[tuple[Float, Float], ...]

    def point_at(self, km: float) -> tuple[float, float]:
        """The (lon, lat) of the route ``km`` from its start (straight between dense points)."""
        x, y = self.points_at([km])[0].tolist()
        return x, y

    def points_at(self, kms: Sequence[float] | Float) -> Float:
        """:meth:`point_at` of each length, as (lon, lat) rows."""
        km = np.asarray(kms, dtype=np.float64).reshape(-1)
        if len(self.parts) == 1:
            return _interpolate(*self.parts[0], km)
        out = np.empty((len(km), 2))
        todo = np.ones(len(km), dtype=bool)
        last = len(self.parts) - 1
        for n, (cum_km, coords) in enumerate(self.parts):
            # A length goes to the first part that reaches it (the last takes what is left).
            mine = np.flatnonzero(todo if n == last else todo & (km <= cum_km[-1]))
            if len(mine):
                todo[mine] = False
                out[mine] = _interpolate(cum_km, coords, km[mine])
        return out


def _interpolate(cum_km: Float, coords: Float, km: Float) -> Float:
    """The points ``km`` along one part (straight between its points, held to its ends)."""
    k = np.minimum(np.maximum(cum_km.searchsorted(km) - 1, 0), len(cum_km) - 2)
    k0 = cum_km[k]
    span = cum_km[k + 1] - k0
    f = np.divide(km - k0, span, out=np.zeros(len(k)), where=span > 0.0)
    f = np.minimum(np.maximum(f, 0.0), 1.0)
    start = coords[k]
    result: Float = start + f[:, None] * (coords[k + 1] - start)
    return result


@dataclass(frozen=True)
class Stretch:
    """One crossing of a state as the report lists it (km along the route)."""

    code: str
    start_km: float
    end_km: float
    #: This state's share: a stretch claimed by k states counts 1/k to each.
    distance_km: float
    #: Length of the crossing over territory other listed states claim too.
    shared_km: float
    #: Those other claimants.
    shared_with: tuple[str, ...]


def _deep_many(probes: Sequence[tuple[float, float, frozenset[str]]], km: float) -> list[bool]:
    """For each (lon, lat, states): whether one state's polygon holds the circle of ``km``.

    The circle is tested at 16 points and its centre, enough for the border of a polygon
    simplified at 0.75 km; one GEOS call per state for all the probes.
    """
    if not probes:
        return []
    lon = np.array([p[0] for p in probes])
    lat = np.array([p[1] for p in probes])
    cos_lat = np.maximum(np.cos(np.radians(lat)), 0.01)
    xs = np.column_stack(
        [lon[:, None] + km / (_KM_PER_DEG_LON * cos_lat)[:, None] * _UNIT_CIRCLE[0], lon]
    )
    ys = np.column_stack([lat[:, None] + km / _KM_PER_DEG_LAT * _UNIT_CIRCLE[1], lat])
    found = [False] * len(probes)
    asking: dict[str, list[int]] = {}
    for k, p in enumerate(probes):
        for c in p[2]:
            asking.setdefault(c, []).append(k)
    for code in sorted(asking):
        mine = [k for k in asking[code] if not found[k]]
        if mine:
            inside: NDArray[np.bool_] = np.asarray(
                shapely.contains_xy(states()[code].geometry, xs[mine], ys[mine]), dtype=bool
            )
            every: NDArray[np.bool_] = np.all(inside, axis=1)
            for n, k in enumerate(mine):
                found[k] = found[k] or bool(every[n])
    return found


def attribute(
    crossings: Sequence[tuple[float, float, str]],
    total_km: float,
    route: RouteLine,
) -> tuple[tuple[Stretch, ...], float]:
    """The states crossed, from where the route is inside each state's shipped polygon.

    ``crossings`` are (start km, end km, code) of every stretch inside a shipped polygon.
    The shipped polygons are grown over the source territory by up to GROWTH_KM, so
    neighbours overlap along their borders. Where several polygons hold the route:

    - the states whose polygon holds a disc of CLAIM_DEPTH_KM around the stretch's middle
      claim it together (a disputed area, a dependency inside its sovereign): it is listed
      for each and its km are shared among them, so that it is counted once. A stretch
      shorter than a sliver is wide (2 GROWTH_KM) is taken for a sliver without the test;
    - otherwise it is a border sliver: it goes to the state the route was in first up to
      the border, then to the state the route stays in longest (both may be the same);
      the border is placed from where the route crosses the polygons' edges (see
      :func:`_place_splits`), within the simplification tolerance, and a single state
      deep around the middle owns the middle (an enclave crossed inside the sliver).

    Where the route meets the high seas, the border is moved inward to where the route is
    TAU_KM inside the polygon (see :func:`_to_source_border`). Then a stretch shorter than
    JOIN_KM between two stretches of the same states (a border grazed, a gap between two
    pieces of one territorial sea) is joined to them, and crossings of one state with only
    high seas between them are one crossing.

    Returns the crossings in order of entry, and the km over no state; the states' km
    plus the high seas equal ``total_km``.
    """
    return attribute_many([(crossings, total_km, route)])[0]


#: A route as :func:`attribute` takes it: its crossings, its length and its line.
Crossings = tuple[Sequence[tuple[float, float, str]], float, RouteLine]


def attribute_many(
    routes: Sequence[Crossings],
) -> list[tuple[tuple[Stretch, ...], float]]:
    """:func:`attribute` of each route, the same answers, with the look-ups of all asked at once.

    The depth tests of the stretches' middles and the look-ups of the edges crossed are
    each asked once for the routes together (per state for the depth tests): a batch of
    routes pays their calls' cost once rather than once a route.
    """
    if not any(crossings for crossings, _, _ in routes):
        # Over no state's polygon at all: all high seas, as the steps below would find.
        return [((), float(total_km)) for _, total_km, _ in routes]
    segments = [_segments(crossings, total_km) for crossings, total_km, _ in routes]
    probed = [
        [k for k, (a, b, over) in enumerate(segs) if len(over) > 1 and b - a > 2 * GROWTH_KM]
        for segs in segments
    ]
    probes: list[tuple[float, float, frozenset[str]]] = []
    for (_, _, route), segs, ks in zip(routes, segments, probed, strict=True):
        if ks:
            middles = route.points_at([(segs[k][0] + segs[k][1]) / 2.0 for k in ks]).tolist()
            probes += [
                (lon, lat, frozenset([c[2]]))
                for k, (lon, lat) in zip(ks, middles, strict=True)
                for c in segs[k][2]
            ]
    # Every probe names one state: _deep_many asks GEOS once per state for all the routes.
    verdicts = iter(_deep_many(probes, CLAIM_DEPTH_KM))
    labelled = []
    for segs, ks in zip(segments, probed, strict=True):
        claims = {k: frozenset(c[2] for c in segs[k][2] if next(verdicts)) for k in ks}
        labelled.append(_runs(segs, claims))
    # Both moves ask how far along the route it is TAU_KM inside a polygon: asked at once. A
    # split moves only where two states' runs meet, never an end next to the high seas, so
    # those ends are where they will be when the second move reads them.
    asked = []
    for runs, splits in labelled:
        enter_leave = _split_ends(splits)
        shore = _shore_ends(runs)
        ends = enter_leave + [(runs[k][side], 1.0 - 2.0 * side, runs[k][2]) for k, side in shore]
        asked.append((len(enter_leave), shore, ends))
    reaches = _tau_along([(a[2], r[2]) for a, r in zip(asked, routes, strict=True)])
    out = []
    for (runs, splits), (moved, shore, _), reach in zip(labelled, asked, reaches, strict=True):
        _place_splits(runs, splits, reach[:moved])
        runs = _join_short(_to_source_border(runs, shore, reach[moved:]))
        out.append((_stretches(runs), float(sum(b - a for a, b, label in runs if not label))))
    return out


Segment = tuple[float, float, list[tuple[float, float, str]]]


def _segments(crossings: Sequence[tuple[float, float, str]], total_km: float) -> list[Segment]:
    """The route cut where a crossing starts or ends: (start, end, the crossings over it)."""
    cuts = sorted({0.0, total_km, *(c[0] for c in crossings), *(c[1] for c in crossings)})
    # (start, end, end before a rounding of the cuts extended it) of each stretch between cuts
    spans: list[list[float]] = []
    for a, b in itertools.pairwise(cuts):
        if b - a <= _SAME_KM and spans:
            spans[-1][1] = b
        elif b > a:
            spans.append([a, b, b])
    # The crossings over each stretch (those that start before it and end after), in order:
    # the stretches' starts and unextended ends both increase, so each crossing is over a run
    # of stretches.
    begins = [a for a, _, _ in spans]
    stops = [b for _, _, b in spans]
    over: list[list[tuple[float, float, str]]] = [[] for _ in spans]
    for c in crossings:
        for k in range(bisect.bisect_left(begins, c[0]), bisect.bisect_right(stops, c[1])):
            over[k].append(c)
    return [(a, b, over[k]) for k, (a, b, _) in enumerate(spans)]


def _runs(
    segments: list[Segment], claims: dict[int, frozenset[str]]
) -> tuple[list[list[Any]], list[Split]]:
    """Runs of the route labelled with the states it is attributed to, and the slivers' splits."""
    runs: list[list[Any]] = []
    splits: list[Split] = []
    for k, (a, b, over) in enumerate(segments):
        label = frozenset(c[2] for c in over)
        if len(over) > 1:
            label = claims.get(k, frozenset())
            if len(label) < 2:
                _split_sliver(over, a, b, label, runs, splits)
                continue
        if runs and runs[-1][2] == label and runs[-1][1] >= a:
            runs[-1][1] = b
        else:
            runs.append([a, b, label])
    return runs, splits


#: Where a sliver's runs meet, and the estimates of where the border is there: (lowest,
#: highest, where the runs meet now, (km, state) entered, (km, state) left).
Split = tuple[float, float, float, "tuple[float, str] | None", "tuple[float, str] | None"]


def _split_sliver(
    over: list[tuple[float, float, str]],
    a: float,
    b: float,
    deep: frozenset[str],
    runs: list[list[Any]],
    splits: list[Split],
) -> None:
    """Append the runs of a border sliver to ``runs`` (see :func:`attribute`).

    It goes from the state the route was in first to the one it stays in longest. A state
    whose polygon holds CLAIM_DEPTH_KM around the middle owns the middle: the split is on
    the other side of it, or, for a state that is neither first nor last (an enclave
    crossed), it has the middle of the sliver. The splits are placed by
    :func:`_place_splits`.
    """
    first = min(over, key=lambda c: (c[0], -c[1], c[2]))[2]
    last = max(over, key=lambda c: (c[1], -c[0], c[2]))[2]
    middle = (a + b) / 2.0
    owner = next(iter(deep)) if len(deep) == 1 else None
    if first == last and owner in (None, first):
        pieces = [(a, b, first)]
    elif owner is None or owner in (first, last):
        low, high = (middle, b) if owner == first else (a, middle) if owner == last else (a, b)
        pieces = [(a, middle, first), (middle, b, last)]
        splits.append((low, high, middle, (a, last), (b, first)))
    else:
        quarter, three = a + (b - a) / 4.0, b - (b - a) / 4.0
        pieces = [(a, quarter, first), (quarter, three, owner), (three, b, last)]
        splits.append((a, middle, quarter, (a, owner), None))
        splits.append((middle, b, three, None, (b, owner)))
    for lo, hi, code in pieces:
        label = frozenset([code])
        if runs and runs[-1][2] == label and runs[-1][1] >= lo:
            runs[-1][1] = hi
        else:
            runs.append([lo, hi, label])


def _split_ends(splits: list[Split]) -> list[tuple[float, float, frozenset[str]]]:
    """The estimates of each split, as :func:`_tau_along` asks: entered, then left."""
    ends: list[tuple[float, float, frozenset[str]]] = []
    for _, _, _, enter, leave in splits:
        for end, way in ((enter, 1.0), (leave, -1.0)):
            if end is not None:
                ends.append((end[0], way, frozenset([end[1]])))
    return ends


def _place_splits(runs: list[list[Any]], splits: list[Split], reach: list[float | None]) -> None:
    """Move each sliver's split to where the border is, in place.

    The route enters a state's polygon TAU_KM / sin(angle) before its border, and leaves
    the other's that far after it: the split is the mean of the estimates (the middle when
    both polygons' edges are parallel, as they are along most borders). ``reach`` is
    :func:`_tau_along` of :func:`_split_ends`.
    """
    along = iter(reach)
    starts = {r[0]: k for k, r in enumerate(runs)}
    for low, high, at, enter, leave in splits:
        guesses = []
        if enter is not None and (tau := next(along)) is not None:
            guesses.append(enter[0] + tau)
        if leave is not None and (tau := next(along)) is not None:
            guesses.append(leave[0] - tau)
        k = starts.get(at)
        if not guesses or k is None or k == 0:
            continue
        border = min(max(sum(guesses) / len(guesses), low, runs[k - 1][0]), high, runs[k][1])
        runs[k - 1][1] = runs[k][0] = border


def _shore_ends(runs: list[list[Any]]) -> list[tuple[int, int]]:
    """(run, 0 for its start or 1 for its end) of every end of a state's run by the high seas."""
    return [
        (k, side)
        for k in range(len(runs))
        if runs[k][2]
        for side in (0, 1)
        if 0 <= k + (2 * side - 1) < len(runs) and not runs[k + 2 * side - 1][2]
    ]


def _to_source_border(
    runs: list[list[Any]], ends: list[tuple[int, int]], along: list[float | None]
) -> list[list[Any]]:
    """Move each border with the high seas inward to where the territory begins.

    The route enters a shipped polygon up to GROWTH_KM before the territory: the border is
    where the route is TAU_KM deep in it, TAU_KM / sin(angle) along the route from the
    polygon's edge that it crosses (the angle between the route and that edge). A
    stretch that is never that deep is high seas. ``ends`` are :func:`_shore_ends`,
    ``along`` :func:`_tau_along` of them.
    """
    if not ends:
        return runs
    out = [list(r) for r in runs]
    for (k, side), reach in zip(ends, along, strict=True):
        shift = TAU_KM if reach is None else reach
        # The shift may pass the whole run, into the next state's (a dependency's polygon
        # that starts just inside its sovereign's): it goes on into those.
        if side == 0:
            target, j = runs[k][0] + shift, k
            while j < len(out) and out[j][2] and out[j][1] <= target:
                out[j][0] = out[j][1]
                j += 1
            if j < len(out) and out[j][2]:
                out[j][0] = max(out[j][0], target)
        else:
            target, j = runs[k][1] - shift, k
            while j >= 0 and out[j][2] and out[j][0] >= target:
                out[j][1] = out[j][0]
                j -= 1
            if j >= 0 and out[j][2]:
                out[j][1] = min(out[j][1], target)
    # The high seas take up what the moved ends left; runs moved to nothing are dropped.
    kept = [r for r in out if r[1] - r[0] > _SAME_KM or not r[2]]
    kept[0][0], kept[-1][1] = out[0][0], out[-1][1]
    for p, q in itertools.pairwise(kept):
        if p[2]:
            q[0] = p[1]
        else:
            p[1] = q[0]
    merged: list[list[Any]] = []
    for a, b, label in kept:
        if merged and (b - a <= _SAME_KM or label == merged[-1][2]):
            merged[-1][1] = b
        else:
            merged.append([a, b, label])
    return merged


def _tau_along(
    asked: Sequence[tuple[Sequence[tuple[float, float, frozenset[str]]], RouteLine]],
) -> list[list[float | None]]:
    """How far along each route it is TAU_KM inside a polygon whose edge it crosses.

    For each route, its ends: (km along the route, +1 or -1 for the way into the polygon,
    the states whose polygon it may be); the answer is TAU_KM / sin(angle between the route
    and that edge), or None when no edge of those states is there. The edges of every
    route's ends are looked up at once.
    """
    packed, _ = _shipped_edges()
    at: list[list[float]] = []
    ahead_of: list[list[float]] = []
    owners: list[frozenset[str]] = []
    for ends, route in asked:
        if ends:
            kms = [km for km, _, _ in ends]
            both = route.points_at(kms + [km + way * 0.1 for km, way, _ in ends]).tolist()
            at += both[: len(ends)]
            ahead_of += both[len(ends) :]
            owners += [codes for _, _, codes in ends]
    xy = np.array(at, dtype=np.float64).reshape(-1, 2)
    crossed = _crossed_edges(xy, owners)
    edges = np.array(crossed, dtype=np.int64)
    # Every point's sine at once (those on no edge get None below), in a plane scaled to
    # the point's latitude: the heading of the route and the edge.
    first, last = packed.starts[edges], packed.ends[edges]
    ahead = np.array(ahead_of, dtype=np.float64).reshape(-1, 2)
    cos_lat = np.cos(np.radians(xy[:, 1]))
    hx, hy = (ahead[:, 0] - xy[:, 0]) * cos_lat, ahead[:, 1] - xy[:, 1]
    ex, ey = (last[:, 0] - first[:, 0]) * cos_lat, last[:, 1] - first[:, 1]
    norm = np.hypot(hx, hy) * np.hypot(ex, ey)
    sine = np.abs(hx * ey - hy * ex) / np.where(norm > 0.0, norm, 1.0)
    sine[norm <= 0.0] = 1.0
    tau = (TAU_KM / np.maximum(sine, 1e-6)).tolist()
    reach: list[float | None] = [r if k >= 0 else None for r, k in zip(tau, crossed, strict=True)]
    out = []
    start = 0
    for ends, _ in asked:
        out.append(reach[start : start + len(ends)])
        start += len(ends)
    return out


def _crossed_edges(xy: Float, states: Sequence[frozenset[str]]) -> list[int]:
    """Per point, the edge of its states' shipped polygons that it is on (-1: none).

    The nearest edge within _ON_EDGE_DEG of the point (the lowest of equals): in a compiled
    loop where the thread's queries are compiled, else from the grid's cells in numpy and
    GEOS's distances, the same numbers (``edge_kernels.segment_distance`` is GEOS's).
    """
    packed, codes = _shipped_edges()
    if not states:
        return []
    if compiled_queries():
        from overflight.routing import edge_kernels

        index = _code_index()
        allowed = [[index[c] for c in s if c in index] for s in states]
        found: list[int] = edge_kernels.crossed_edges(
            np.ascontiguousarray(xy),
            np.array([k for a in allowed for k in a], dtype=np.int64),
            np.array([0, *itertools.accumulate(map(len, allowed))], dtype=np.int64),
            packed.keys,
            packed.entries,
            packed.starts,
            packed.ends,
            packed.owner,
            _ON_EDGE_DEG,
        ).tolist()
        return found
    box, seg = packed.near(xy - _ON_EDGE_DEG, xy + _ON_EDGE_DEG)
    # The grid gives every edge of the cells (hundreds): only an edge whose box reaches the
    # point can be within _ON_EDGE_DEG of it, and only those of the states asked count.
    reach = 2.0 * _ON_EDGE_DEG
    p, q = packed.starts[seg], packed.ends[seg]
    at_box = xy[box]
    close = np.flatnonzero(
        np.all((np.minimum(p, q) <= at_box + reach) & (np.maximum(p, q) >= at_box - reach), axis=1)
    )
    box, seg = box[close], seg[close]
    mine = np.array(
        [
            codes[o] in states[e]
            for e, o in zip(box.tolist(), packed.owner[seg].tolist(), strict=True)
        ],
        dtype=bool,
    )
    box, seg = box[mine], seg[mine]
    gap = shapely.distance(
        shapely.linestrings(np.stack([packed.starts[seg], packed.ends[seg]], axis=1)),
        shapely.points(xy[box]),
    )
    # The edge crossed: the nearest within reach of the point (first of equals).
    order = np.lexsort((gap, box))
    order = order[gap[order] <= _ON_EDGE_DEG]
    first = order[np.concatenate([[True], box[order][1:] != box[order][:-1]])[: len(order)]]
    crossed = [-1] * len(xy)
    for e, edge in zip(box[first].tolist(), seg[first].tolist(), strict=True):
        crossed[e] = edge
    return crossed


@cache
def _code_index() -> dict[str, int]:
    """Each state's index among the shipped edges' owners."""
    return {c: k for k, c in enumerate(_shipped_edges()[1])}


def _join_short(runs: list[list[Any]]) -> list[list[Any]]:
    """Join each run shorter than JOIN_KM to its neighbours when they are the same states."""
    runs = [r for r in runs if r[1] > r[0]]
    while True:
        short = [
            k
            for k in range(1, len(runs) - 1)
            if runs[k][1] - runs[k][0] < JOIN_KM
            and runs[k - 1][2]
            and runs[k - 1][2] == runs[k + 1][2]
        ]
        if not short:
            return runs
        k = min(short, key=lambda k: (runs[k][1] - runs[k][0], k))
        runs[k - 1 : k + 2] = [[runs[k - 1][0], runs[k + 1][1], runs[k - 1][2]]]


def _stretches(runs: list[list[Any]]) -> tuple[Stretch, ...]:
    """Each state's crossings from the labelled runs, in order of entry."""
    open_: dict[str, list[Any]] = {}
    done: list[list[Any]] = []
    for a, b, label in runs:
        for code in sorted(label):
            share = (b - a) / len(label)
            shared = (b - a) if len(label) > 1 else 0.0
            others = set(label) - {code}
            current = open_.get(code)
            if current is not None and current[2] >= a:
                current[2] = b
                current[3] += share
                current[4] += shared
                current[5] |= others
            else:
                current = [code, a, b, share, shared, others]
                open_[code] = current
                done.append(current)
    done.sort(key=lambda s: (s[1], s[0]))
    merged: list[list[Any]] = []
    for s in done:
        if merged and merged[-1][0] == s[0]:
            # Only high seas lie between: one crossing (its km count only what is inside).
            prev = merged[-1]
            prev[2] = max(prev[2], s[2])
            prev[3] += s[3]
            prev[4] += s[4]
            prev[5] |= s[5]
        else:
            merged.append(s)
    return tuple(
        Stretch(code, a, b, share, shared, tuple(sorted(others)))
        for code, a, b, share, shared, others in merged
    )


def _track(waypoints: Sequence[tuple[float, float]]) -> Track:
    """The route for drawing: every turning point, legs densified, cut at ±180° (made when read)."""
    return Track(functools.partial(_track_lines, tuple(waypoints)))


def _track_lines(waypoints: Sequence[tuple[float, float]]) -> tuple[tuple[LonLat, ...], ...]:
    parts = line_parts(densify_array(waypoints, TRACK_STEP_KM))
    # A LonLat is a tuple of two floats: made by tuple's own constructor, a thousand points
    # cost no Python call each.
    lonlat = functools.partial(tuple.__new__, LonLat)
    return tuple(tuple(map(lonlat, part.tolist())) for part in parts)


def join_legs(legs: Sequence[Sequence[StateTransit]]) -> tuple[StateTransit, ...]:
    """The crossings of legs flown in turn, as one list.

    A leg that starts in the state where the last ended (a fuel stop) continues that
    crossing rather than listing the state again.
    """
    out: list[StateTransit] = []
    for leg in legs:
        for k, t in enumerate(leg):
            prev = out[-1] if out else None
            if k == 0 and prev is not None and prev.country == t.country:
                out[-1] = StateTransit(
                    country=t.country,
                    name=t.name,
                    distance_km=prev.distance_km + t.distance_km,
                    entry=prev.entry,
                    exit=t.exit,
                    shared_km=prev.shared_km + t.shared_km,
                    shared_with=tuple(sorted({*prev.shared_with, *t.shared_with})),
                )
            else:
                out.append(t)
    return tuple(out)


def states_in_order(legs: Sequence[Sequence[StateTransit]]) -> tuple[str, ...]:
    """The codes of the states crossed, in order, by legs flown in turn (one for a route).

    >>> from overflight.routing.planner import plan_route
    >>> states_in_order([plan_route("EHAM", "EDDB").transit])
    ('NL', 'DE')
    """
    return tuple(t.country for t in join_legs(legs))
