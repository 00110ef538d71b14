"""The transit report: which states a route crosses, in order, where and for how long.

Its twin for many routes at once is :mod:`overflight.routing.chunk`, which shares these
constants; ``tests/analysis/test_batch_fast.py`` holds the two to the same rows.

That list is the list of clearances a flight needs. Lengths are measured on
the WGS84 ellipsoid along the route densified every few kilometres; where
claims overlap (Crimea, Western Sahara, ...) both claimants are listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.strtree import STRtree

from overflight._threadlocal import per_thread
from overflight.data.airspace import states
from overflight.geo.ellipsoid import densify_path, wgs84
from overflight.geo.sphere import split_antimeridian
from overflight.models import LonLat, StateTransit
from overflight.routing.verify import shrunk_area

__all__ = ["JOIN_KM", "MIN_KM", "STEP_KM", "TransitReport", "transit_report"]

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
#: Pieces of one state's crossing closer than this are one crossing.
JOIN_KM = 2.0


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


def _union_length(intervals: list[tuple[float, float]]) -> float:
    total, end = 0.0, -np.inf
    for lo, hi in sorted(intervals):
        if hi <= end:
            continue
        total += hi - max(lo, end)
        end = hi
    return total


def transit_report(waypoints: Sequence[tuple[float, float]]) -> TransitReport:
    """Every state crossed along the great-circle legs through the waypoints."""
    dense = densify_path(waypoints, STEP_KM)
    parts = [np.asarray(p, dtype=np.float64) for p in split_antimeridian(dense) if len(p) > 1]
    tree, codes = _index()
    crossings: list[tuple[float, float, StateTransit]] = []
    covered: list[tuple[float, float]] = []
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
                along = [
                    float(np.interp(line.project(shapely.Point(p)), cum_deg, cum_km)) for p in ends
                ]
                lo, hi = min(along), max(along)
                if hi - lo < MIN_KM:
                    continue
                entry, exit_ = (ends[0], ends[1]) if along[0] <= along[1] else (ends[1], ends[0])
                covered.append((offset_km + lo, offset_km + hi))
                crossings.append(
                    (
                        offset_km + lo,
                        offset_km + hi,
                        StateTransit(
                            country=area.code,
                            name=area.name,
                            distance_km=hi - lo,
                            entry=LonLat(float(entry[0]), float(entry[1])),
                            exit=LonLat(float(exit_[0]), float(exit_[1])),
                        ),
                    )
                )
        offset_km += float(cum_km[-1])
    crossings.sort(key=lambda c: (c[0], c[2].country))
    merged = _merge_split_crossings(crossings)
    track = _track(waypoints)
    return TransitReport(
        transit=merged, high_seas_km=max(0.0, offset_km - _union_length(covered)), track=track
    )


def _merge_split_crossings(
    items: list[tuple[float, float, StateTransit]],
) -> tuple[StateTransit, ...]:
    """Join pieces of one crossing: cut by the antimeridian, or by a wiggle of a border.

    Items are (start_km, end_km, transit) in order of start.
    """
    out: list[tuple[float, float, StateTransit]] = []
    for lo, hi, t in items:
        same = [k for k in range(len(out)) if out[k][2].country == t.country]
        k = same[-1] if same else -1
        if k >= 0 and lo - out[k][1] <= JOIN_KM:
            plo, phi, prev = out[k]
            out[k] = (
                plo,
                max(phi, hi),
                StateTransit(
                    prev.country,
                    prev.name,
                    prev.distance_km + t.distance_km,
                    prev.entry,
                    t.exit if hi >= phi else prev.exit,
                ),
            )
        else:
            out.append((lo, hi, t))
    return tuple(t for _, _, t in out)


def _track(waypoints: Sequence[tuple[float, float]]) -> tuple[tuple[LonLat, ...], ...]:
    """The route for drawing: every turning point, legs densified, cut at ±180°."""
    points = densify_path(waypoints, _TRACK_STEP_KM)
    return tuple(
        tuple(LonLat(x, y) for x, y in part) for part in split_antimeridian(points) if len(part) > 1
    )
