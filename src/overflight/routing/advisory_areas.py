"""The areas of the advisories that bind a flight, as geometry the closure keeps out of.

An advisory's area (``registry/ADVISORIES.md``) is the union of its states' shipped airspace,
its FIRs and its polygons, grown by ``buffer_nm``, kept only over water if
``overwater_only``, then clipped by ``within``. With FIR outlines loaded (``data/firs.py``: a
user's file or traffic's European FIRs) a FIR is its outline; the states an advisory names
beside its FIRs stand for them only when some of its FIRs are not loaded (they are then kept
with the outlines that are, the larger area being the safe side), and the answer warns so.

Over water: the shipped polygons are land plus a 12 nm territorial sea, and no coastline is
shipped, so land is taken as the union of the states' airspace shrunk by 12 nm (in degrees, by 12 nm
at the area's highest latitude, hence by at least 12 nm everywhere). Water is what is left:
never less than the real water except behind straight baselines (internal waters count as
land) and around islets smaller than 24 nm, which count as water (a larger area: the safe
side).

An area is built once per advisory and kept as WKB (shared by threads). A corridor with a
line is opened through it at its own band: the area loses the line widened by its half-width
(in degrees of latitude, so never wider than it is); a corridor named only cannot be opened.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from overflight._threadlocal import thread_geometry
from overflight.data.airspace import states
from overflight.data.firs import FirSet
from overflight.geo.ellipsoid import great_circle_points
from overflight.geo.sphere import split_antimeridian
from overflight.models import KM_PER_NM
from overflight.registry._advisories import Advisory, BoundAdvisory
from overflight.routing.closure import AdvisoryArea
from overflight.routing.obstacles import _grow, _polygons
from overflight.routing.verify import shrunk_advisory

__all__ = [
    "EFFECTS",
    "TERRITORIAL_SEA_NM",
    "AdvisoryOutcome",
    "advisory_areas",
    "advisory_outcomes",
    "area_geometry",
    "fir_warnings",
]

#: Breadth of the territorial sea (UNCLOS art. 3): how far airspace reaches past the land.
TERRITORIAL_SEA_NM = 12.0
_NM_DEG = 1.0 / 60.0  # a nautical mile in degrees of latitude


def _grown(geometry: BaseGeometry, nm: float) -> BaseGeometry:
    """The geometry grown by at least ``nm`` on the ground."""
    if nm <= 0.0:
        return geometry
    return shapely.union_all([g for p in _polygons(geometry) for g in _grow(p, nm * KM_PER_NM)])


def _land(near: BaseGeometry) -> BaseGeometry:
    """Land around ``near``: the union of every state's airspace, shrunk by the territorial sea.

    The union first, so that a land border between two states does not open as water.
    """
    west, south, east, north = near.bounds
    top = min(max(abs(south), abs(north)) + 1.0, 89.0)
    erosion = TERRITORIAL_SEA_NM * _NM_DEG / math.cos(math.radians(top))
    box = shapely.box(west - 1.0, south - 1.0, east + 1.0, north + 1.0)
    pieces = [
        shapely.intersection(area.geometry, box)
        for area in states().values()
        if shapely.intersects(area.geometry, box)
    ]
    if not pieces:
        return shapely.Polygon()
    return shapely.buffer(shapely.union_all(pieces), -erosion, quad_segs=4)


def _rings(rings: Iterable[tuple[tuple[float, float], ...]]) -> list[BaseGeometry]:
    return [shapely.make_valid(shapely.Polygon(ring)) for ring in rings]


def _stand_ins(advisory: Advisory, firs: FirSet | None) -> bool:
    """Whether the advisory's states stand for FIRs whose outlines are not loaded."""
    return any(firs is None or f not in firs for f in advisory.area.firs)


@lru_cache(maxsize=256)
def _area_wkb(advisory: Advisory, firs: FirSet | None = None) -> bytes:
    area = advisory.area
    # Named beside FIRs, the states are their stand-ins: needed only for a FIR not loaded.
    named = area.states if not area.firs or _stand_ins(advisory, firs) else ()
    pieces = [states()[c].geometry for c in named] + _rings(area.polygons)
    if firs is not None and area.firs:
        pieces.append(firs.outline(area.firs))
    geometry = _grown(shapely.union_all(pieces), area.buffer_nm)
    if area.overwater_only:
        geometry = shapely.difference(geometry, _land(geometry))
    if area.within is not None:
        inside = [states()[c].geometry for c in area.within.states] + _rings(area.within.polygons)
        geometry = shapely.intersection(geometry, _grown(shapely.union_all(inside), area.within.nm))
    return shapely.to_wkb(shapely.make_valid(geometry))


def area_geometry(advisory: Advisory, firs: FirSet | None = None) -> BaseGeometry:
    """The advisory's whole area in lon/lat (before any corridor is opened).

    ``firs``: the FIR outlines loaded, if any (without them a FIR is its states' airspace).

    >>> from overflight.registry._advisories import advisory_by_id
    >>> area_geometry(advisory_by_id("faa-iran-sfar-117")).equals(states()["IR"].geometry)
    True
    """
    return shapely.from_wkb(_area_wkb(advisory, firs))


@lru_cache(maxsize=256)
def _opened_wkb(advisory: Advisory, flight_level: int, firs: FirSet | None = None) -> bytes:
    corridors = [
        c for c in advisory.corridors if c.points is not None and c.band.contains(flight_level)
    ]
    if not corridors:
        return _area_wkb(advisory, firs)
    lines = [
        shapely.buffer(shapely.LineString(c.points), (c.half_width_nm or 0.0) * _NM_DEG)
        for c in corridors
        if c.points is not None
    ]
    return shapely.to_wkb(
        shapely.difference(area_geometry(advisory, firs), shapely.union_all(lines))
    )


def advisory_areas(
    bound: Iterable[BoundAdvisory],
    flight_level: int,
    *,
    strict: bool = False,
    firs: FirSet | None = None,
) -> tuple[AdvisoryArea, ...]:
    """The areas a flight at ``flight_level`` keeps out of, or may not land in.

    Cautions count only when ``strict``. An area whose band contains the level is an obstacle
    (its corridors open at the level cut out); one whose band reaches the ground refuses
    endpoints and fuel stops inside it.
    """
    out = []
    for b in bound:
        a = b.advisory
        if a.severity == "caution" and not strict:
            continue
        obstacle = a.band.contains(flight_level)
        ground = a.band.reaches_ground
        if not (obstacle or ground):
            continue
        wkb = _opened_wkb(a, flight_level, firs) if obstacle else _area_wkb(a, firs)
        if not shapely.from_wkb(wkb).is_empty:
            out.append(AdvisoryArea(a.id, wkb, obstacle=obstacle, to_ground=ground))
    return tuple(out)


def fir_warnings(bound: Iterable[BoundAdvisory], firs: FirSet | None = None) -> tuple[str, ...]:
    """A warning naming the FIRs not loaded whose advisories fell back to their states."""
    pairs = {
        f"{fir} ({'/'.join(b.advisory.area.states)})"
        for b in bound
        for fir in b.advisory.area.firs
        if firs is None or fir not in firs
    }
    if not pairs:
        return ()
    loaded = "no FIR outlines are loaded" if firs is None else f"not in the FIRs of {firs.source}"
    return (
        f"{loaded}: advisories keyed by FIR stand as the airspace of the states they name, "
        f"{', '.join(sorted(pairs))}",
    )


#: What an advisory did to a route: kept it out (the area shaped the route), was active at its
#: level without shaping it (an obstacle far from the route), was crossed as a caution, or
#: crossed above its band (an area whose band reaches the ground still refuses endpoints).
EFFECTS = ("avoided", "active", "crossed", "above")

#: How near a turn of the route an area's outline must be, beyond the margin, for the route to
#: have turned at it: the planner's corners lie on the areas grown by the simplification
#: tolerance (under 2 km), so 5 km is generous.
BEND_KM = 5.0
_KM_PER_DEG = 111.32


@dataclass(frozen=True)
class AdvisoryOutcome:
    """An advisory that bound a flight, and what it did to the route."""

    #: The advisory and its file's id and issuer.
    bound: BoundAdvisory
    #: One of :data:`EFFECTS`.
    effect: str
    #: The area as WKB (lon/lat): with its corridors opened when it is an obstacle, for maps.
    wkb: bytes = field(default=b"", compare=False, repr=False)

    @property
    def geometry(self) -> BaseGeometry:
        """The area (this thread's copy); empty when not known."""
        return thread_geometry(self.wkb) if self.wkb else shapely.Polygon()

    def to_dict(self) -> dict[str, Any]:
        """The JSON of one entry of a plan's ``advisories``."""
        return {**self.bound.to_dict(), "effect": self.effect}


def _track(legs: Sequence[Sequence[tuple[float, float]]]) -> list[BaseGeometry]:
    """The legs flown as lon/lat lines along their great circles, split at ±180°."""
    lines: list[BaseGeometry] = []
    for waypoints in legs:
        for k in range(len(waypoints) - 1):
            points = great_circle_points(waypoints[k], waypoints[k + 1], 10.0)
            lines += [
                shapely.LineString(np.asarray(part))
                for part in split_antimeridian(points)
                if len(part) > 1
            ]
    return lines


def _shaped(
    opened: bytes,
    legs: Sequence[Sequence[tuple[float, float]]],
    direct: Sequence[BaseGeometry],
    margin_nm: float,
) -> bool:
    """Whether an active area shaped the route: the route turns at it, or goes round it.

    The shortest route is a taut string: it turns only at the corners of the obstacles that
    stop it, and it leaves the great circle only for an obstacle on it. So an area shaped the
    route when a turn of the route lies on its outline (grown by the margin), or when a leg's
    direct great circle crosses it. Planning again without each area would be exact but costs
    a graph build per area (seconds); this costs a distance per turn. What it misses: an area
    that closed the shorter way round another obstacle, far from both the route and the great
    circle, is reported as active.
    """
    area = thread_geometry(opened)
    near_km = margin_nm * KM_PER_NM + BEND_KM
    for waypoints in legs:
        for lon, lat in waypoints[1:-1]:
            # A degree of longitude is shorter than one of latitude: the nearer bound is taken.
            degrees = shapely.distance(area, shapely.Point(lon, lat))
            if degrees * _KM_PER_DEG * math.cos(math.radians(lat)) <= near_km:
                return True
    inside = shrunk_advisory(opened)
    return any(shapely.intersects(inside, line) for line in direct)


def advisory_outcomes(
    bound: Iterable[BoundAdvisory],
    flight_level: int,
    legs: Sequence[Sequence[tuple[float, float]]],
    *,
    strict: bool = False,
    firs: FirSet | None = None,
    margin_nm: float = 0.0,
) -> tuple[AdvisoryOutcome, ...]:
    """Every advisory the route was kept out of, was active, or crosses (a caution, or above).

    ``legs`` are the waypoints of each leg flown. An advisory not active at the level whose
    area the route does not cross is left out.
    """
    out = []
    track: list[BaseGeometry] | None = None
    direct: list[BaseGeometry] | None = None
    for b in bound:
        a = b.advisory
        if a.band.contains(flight_level) and (a.severity != "caution" or strict):
            if direct is None:
                direct = _track([(w[0], w[-1]) for w in legs if len(w) > 1])
            opened = _opened_wkb(a, flight_level, firs)
            shaped = _shaped(opened, legs, direct, margin_nm)
            out.append(AdvisoryOutcome(b, "avoided" if shaped else "active", opened))
            continue
        track = _track(legs) if track is None else track
        # Shrunk as the verifier shrinks it: a route along an area's edge does not cross it.
        wkb = _area_wkb(a, firs)
        inside = shrunk_advisory(wkb)
        if any(shapely.intersects(inside, line) for line in track):
            effect = "crossed" if a.band.contains(flight_level) else "above"
            out.append(AdvisoryOutcome(b, effect, wkb))
    return tuple(out)
