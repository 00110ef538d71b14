"""The FIRs a route crosses, in order, with entry, exit and elapsed time; the ICAO ``EET/``.

A flight plan's item 18 lists, after ``EET/``, each FIR boundary the flight crosses with the
accumulated estimated elapsed time from take-off to it, as HHMM (ICAO Doc 4444, appendix 2):
``EET/LOVV0030 LHCC0052``. The departure FIR is not listed: the flight is in it at take-off.

The route is densified along its great circles (as the transit report does) and cut by each
FIR's outline; times are the still-air times at the route's cruise speed, so the elapsed time
of every FIR crossed adds up to the flight time where the FIRs cover the route. Where the
outlines of a file overlap, a point belongs to the FIR entered last (so a FIR drawn inside
another is left back into its surrounding one), and stretches shorter than :data:`MIN_KM`
are joined to their neighbours: they are slivers between two drawn boundaries, not FIRs flown.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from overflight.data.firs import FirSet
from overflight.geo.ellipsoid import cumulative_km, densify_path
from overflight.geo.sphere import split_antimeridian
from overflight.models import LonLat, Route
from overflight.routing.transit import STEP_KM, RouteLine

__all__ = ["MIN_KM", "FirCrossing", "eet", "fir_crossings"]

#: FIR stretches shorter than this are slivers between boundaries drawn apart, not crossings.
MIN_KM = 1.0


@dataclass(frozen=True)
class FirCrossing:
    """One FIR flown through: where and when the route enters and leaves it."""

    #: The FIR's identifier, as the outlines name it.
    id: str
    #: Where the route enters it (the departure point for the departure FIR).
    entry: LonLat
    #: Where the route leaves it.
    exit: LonLat
    #: Minutes from take-off to the entry (still air, at the cruise speed).
    entry_min: float
    #: Minutes from take-off to the exit.
    exit_min: float
    #: Length flown in it, km.
    km: float

    def to_dict(self) -> dict[str, Any]:
        """The JSON of one entry of a plan's ``firs``."""
        return {
            "id": self.id,
            "entry": [round(v, 5) for v in self.entry],
            "exit": [round(v, 5) for v in self.exit],
            "entry_min": round(self.entry_min, 2),
            "exit_min": round(self.exit_min, 2),
            "km": round(self.km, 3),
        }


def _intervals(
    waypoints: Sequence[tuple[float, float]], firs: FirSet
) -> tuple[list[tuple[float, float, str]], RouteLine, float]:
    """Every (start km, end km, FIR) where the route is inside a FIR's outline."""
    dense = densify_path(waypoints, STEP_KM)
    parts = [np.asarray(p, dtype=np.float64) for p in split_antimeridian(dense) if len(p) > 1]
    tree = shapely.STRtree([firs.geometry(f) for f in firs.ids])
    found: list[tuple[float, float, str]] = []
    along = []
    offset = 0.0
    for coords in parts:
        line = shapely.LineString(coords)
        cum_km = cumulative_km(coords)
        cum_deg = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(coords, axis=0).T))])
        for i in tree.query(line, predicate="intersects"):
            fir = firs.ids[int(i)]
            inside = shapely.intersection(line, firs.geometry(fir))
            for piece in shapely.get_parts(shapely.line_merge(inside)):
                if not isinstance(piece, shapely.LineString) or piece.is_empty:
                    continue
                ends = shapely.get_coordinates(piece)[[0, -1]]
                km = [np.interp(line.project(shapely.Point(p)), cum_deg, cum_km) for p in ends]
                found.append((offset + float(min(km)), offset + float(max(km)), fir))
        along.append((cum_km + offset, coords))
        offset += float(cum_km[-1])
    return found, RouteLine(tuple(along)), offset


def _in_order(found: list[tuple[float, float, str]]) -> list[list[Any]]:
    """[start, end, FIR] runs along the route: at each point the FIR entered last."""
    cuts = sorted({k for lo, hi, _ in found for k in (lo, hi)})
    runs: list[list[Any]] = []
    for lo, hi in itertools.pairwise(cuts):
        mid = (lo + hi) / 2.0
        holding = [(start, fir) for start, end, fir in found if start <= mid <= end]
        if not holding:
            continue
        runs.append([lo, hi, max(holding)[1]])
    # A sliver joins the run before it (at the start, the run after it); equal FIRs join.
    kept: list[list[Any]] = []
    for run in runs:
        touching = bool(kept) and abs(kept[-1][1] - run[0]) < 1e-9
        if touching and (run[1] - run[0] < MIN_KM or kept[-1][2] == run[2]):
            kept[-1][1] = run[1]
        else:
            kept.append(run)
    if len(kept) > 1 and kept[0][1] - kept[0][0] < MIN_KM and abs(kept[0][1] - kept[1][0]) < 1e-9:
        kept[1][0] = kept.pop(0)[0]
    return kept


def fir_crossings(route: Route, firs: FirSet) -> tuple[FirCrossing, ...]:
    """The FIRs the route crosses, in order, with entry, exit and minutes from take-off.

    Lengths are measured along the densified route (as the transit report's) and scaled to
    the route's length, so that the last exit is the flight time.
    """
    found, line, total_km = _intervals(route.waypoints, firs)
    if not found or total_km <= 0.0:
        return ()
    # Minutes per km of the densified line, so that its end is the route's flight time.
    per_km = route.duration_h * 60.0 / total_km
    scale = route.distance_km / total_km
    return tuple(
        FirCrossing(
            id=fir,
            entry=LonLat(*line.point_at(lo)),
            exit=LonLat(*line.point_at(hi)),
            entry_min=lo * per_km,
            exit_min=hi * per_km,
            km=(hi - lo) * scale,
        )
        for lo, hi, fir in _in_order(found)
    )


def eet(crossings: Sequence[FirCrossing]) -> str:
    """The flight plan's ``EET/`` item: each FIR entered after take-off, with HHMM from it.

    The FIR the flight departs in is left out (entered at take-off).

    >>> at = LonLat(0.0, 0.0)
    >>> legs = [FirCrossing("XAAA", at, at, 0.0, 30.2, 1.0), FirCrossing("XBBB", at, at, 30.2,
    ...         92.0, 1.0), FirCrossing("XCCC", at, at, 92.0, 100.0, 1.0)]
    >>> eet(legs)
    'EET/XBBB0030 XCCC0132'
    """
    departing = bool(crossings) and crossings[0].entry_min < 0.5
    listed = crossings[1:] if departing else crossings
    if not listed:
        return ""
    items = []
    for c in listed:
        minutes = round(c.entry_min)
        items.append(f"{c.id}{minutes // 60:02d}{minutes % 60:02d}")
    return "EET/" + " ".join(items)
