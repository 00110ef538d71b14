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

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.strtree import STRtree

from overflight._threadlocal import per_thread
from overflight.data.airspace import states
from overflight.geo.ellipsoid import densify_path, wgs84
from overflight.geo.sphere import split_antimeridian
from overflight.models import LonLat, StateTransit
from overflight.routing.verify import shrunk_area

__all__ = [
    "CLAIM_DEPTH_KM",
    "JOIN_KM",
    "MIN_KM",
    "STEP_KM",
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
_TRACK_STEP_KM = 10.0
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
#: Km per degree of latitude, and of longitude at the equator (WGS84, rounded down so that
#: the disc of the deep test is never smaller than its radius).
_KM_PER_DEG_LAT = 110.5
_KM_PER_DEG_LON = 111.3


@dataclass(frozen=True)
class TransitReport:
    """States crossed in order, and what is flown over no state."""

    transit: tuple[StateTransit, ...]
    high_seas_km: float
    track: tuple[tuple[LonLat, ...], ...]


@per_thread(maxsize=1)
def _index() -> tuple[STRtree, tuple[str, ...]]:
    codes = tuple(states())
    return STRtree([states()[c].geometry for c in codes]), codes


def _cumulative_km(points: np.ndarray) -> np.ndarray:
    _, _, metres = wgs84().inv(points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1])
    return np.concatenate([[0.0], np.cumsum(metres) / 1000.0])


def transit_report(waypoints: Sequence[tuple[float, float]]) -> TransitReport:
    """Every state crossed along the great-circle legs through the waypoints."""
    dense = densify_path(waypoints, STEP_KM)
    parts = [np.asarray(p, dtype=np.float64) for p in split_antimeridian(dense) if len(p) > 1]
    tree, codes = _index()
    found: list[tuple[float, float, str]] = []
    along: list[tuple[Float, Float]] = []
    offset_km = 0.0
    for coords in parts:
        line = shapely.LineString(coords)
        cum_km = _cumulative_km(coords)
        cum_deg = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(coords, axis=0).T))])
        for i in tree.query(line, predicate="intersects"):
            area = states()[codes[int(i)]]
            # A leg that follows a boundary may run a hair inside it (the data's
            # edges are great circles, shapely's are straight): only what goes
            # deeper than the verification tolerance is a crossing.
            inner = shrunk_area(area.code)
            pieces = shapely.get_parts(shapely.intersection(line, area.geometry))
            for piece in pieces:
                if not isinstance(piece, shapely.LineString) or piece.is_empty:
                    continue
                if not shapely.intersects(inner, piece):
                    continue
                ends = shapely.get_coordinates(piece)[[0, -1]]
                km = [
                    float(np.interp(line.project(shapely.Point(p)), cum_deg, cum_km)) for p in ends
                ]
                lo, hi = min(km), max(km)
                if hi - lo >= MIN_KM:
                    found.append((offset_km + lo, offset_km + hi, area.code))
        along.append((cum_km + offset_km, coords))
        offset_km += float(cum_km[-1])
    route = RouteLine(tuple(along))
    stretches, high_seas_km = attribute(found, offset_km, route.point_at)
    transit = tuple(
        StateTransit(
            country=s.code,
            name=states()[s.code].name,
            distance_km=s.distance_km,
            entry=LonLat(*route.point_at(s.start_km)),
            exit=LonLat(*route.point_at(s.end_km)),
            shared_km=s.shared_km,
            shared_with=s.shared_with,
        )
        for s in stretches
    )
    return TransitReport(transit=transit, high_seas_km=high_seas_km, track=_track(waypoints))


@dataclass(frozen=True)
class RouteLine:
    """A route densified and cut at ±180°: per part, km along the route and (lon, lat)."""

    parts: tuple[tuple[Float, Float], ...]

    def point_at(self, km: float) -> tuple[float, float]:
        """The (lon, lat) of the route ``km`` from its start (straight between dense points)."""
        for cum_km, coords in self.parts:
            if km <= cum_km[-1] or (cum_km is self.parts[-1][0]):
                k = int(np.clip(np.searchsorted(cum_km, km) - 1, 0, len(cum_km) - 2))
                span = cum_km[k + 1] - cum_km[k]
                f = 0.0 if span <= 0.0 else float(np.clip((km - cum_km[k]) / span, 0.0, 1.0))
                lon, lat = coords[k] + f * (coords[k + 1] - coords[k])
                return float(lon), float(lat)
        raise ValueError(f"the route has no parts to find {km} km along")  # pragma: no cover


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


def _deep(code: str, lon: float, lat: float) -> bool:
    """Whether the state's polygon holds the disc of CLAIM_DEPTH_KM around the point."""
    cos_lat = max(math.cos(math.radians(lat)), 0.01)
    angles = np.linspace(0.0, 2.0 * math.pi, 13)[:-1]
    disc = shapely.Polygon(
        np.column_stack(
            [
                lon + CLAIM_DEPTH_KM / (_KM_PER_DEG_LON * cos_lat) * np.cos(angles),
                lat + CLAIM_DEPTH_KM / _KM_PER_DEG_LAT * np.sin(angles),
            ]
        )
    )
    return bool(shapely.contains(states()[code].geometry, disc))


def attribute(
    crossings: Sequence[tuple[float, float, str]],
    total_km: float,
    point_at: Callable[[float], tuple[float, float]],
) -> tuple[tuple[Stretch, ...], float]:
    """The states crossed, from where the route is inside each state's shipped polygon.

    ``crossings`` are (start km, end km, code) of every stretch inside a shipped polygon.
    The shipped polygons are grown over the source territory by up to GROWTH_KM, so
    neighbours overlap along their borders. Where several polygons hold the route:

    - the states whose polygon holds a disc of CLAIM_DEPTH_KM around the stretch's middle
      claim it together (a disputed area, a dependency inside its sovereign): it is listed
      for each and its km are shared among them, so that it is counted once;
    - otherwise it is a border sliver: its first half goes to the state the route was in
      first, its second half to the state the route stays in longest (the border lies
      within the simplification tolerance of the middle); both may be the same state.

    Then a stretch shorter than JOIN_KM between two stretches of the same states (a border
    grazed, a gap between two pieces of one territorial sea) is joined to them, and
    crossings of one state with only high seas between them are one crossing.

    Returns the crossings in order of entry, and the km over no state; the states' km
    plus the high seas equal ``total_km``.
    """
    cuts = sorted({0.0, total_km, *(c[0] for c in crossings), *(c[1] for c in crossings)})
    runs: list[list[Any]] = []
    for a, b in itertools.pairwise(cuts):
        if b <= a:
            continue
        over = [c for c in crossings if c[0] <= a and c[1] >= b]
        label: frozenset[str] | None = frozenset(c[2] for c in over)
        if len(over) > 1:
            label = _resolve(over, a, b, point_at, runs)
        if label is None:
            continue
        if runs and runs[-1][2] == label and runs[-1][1] >= a:
            runs[-1][1] = b
        else:
            runs.append([a, b, label])
    runs = _join_short(runs)
    return _stretches(runs), float(sum(b - a for a, b, label in runs if not label))


def _resolve(
    over: list[tuple[float, float, str]],
    a: float,
    b: float,
    point_at: Callable[[float], tuple[float, float]],
    runs: list[list[Any]],
) -> frozenset[str] | None:
    """The label of a stretch that several shipped polygons hold (see :func:`attribute`).

    A border sliver is split here: its first half is appended to ``runs`` and the label of
    the second half returned (None when the whole has been appended).
    """
    lon, lat = point_at((a + b) / 2.0)
    deep = frozenset(c[2] for c in over if _deep(c[2], lon, lat))
    if deep:
        return deep
    first = min(over, key=lambda c: (c[0], -c[1], c[2]))[2]
    last = max(over, key=lambda c: (c[1], -c[0], c[2]))[2]
    if first == last:
        return frozenset([first])
    middle = (a + b) / 2.0
    label = frozenset([first])
    if runs and runs[-1][2] == label and runs[-1][1] >= a:
        runs[-1][1] = middle
    else:
        runs.append([a, middle, label])
    runs.append([middle, b, frozenset([last])])
    return None


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


def _track(waypoints: Sequence[tuple[float, float]]) -> tuple[tuple[LonLat, ...], ...]:
    """The route for drawing: every turning point, legs densified, cut at ±180°."""
    points = densify_path(waypoints, _TRACK_STEP_KM)
    return tuple(
        tuple(LonLat(x, y) for x, y in part) for part in split_antimeridian(points) if len(part) > 1
    )


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
