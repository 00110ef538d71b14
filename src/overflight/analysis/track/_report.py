"""What a flown track overflew, what it went around, its detour, and where it broke the rules.

The states overflown are the transit report's (:func:`overflight.routing.transit.transit_report`
on the fixes joined by great circles): the one definition of states crossed, so a track and a
planned route are reported alike. Times come from the fixes, linear in km between them.

A state the track does not enter is *approached* when the track passes within
:data:`NEAR_KM` of its airspace; it is *skirted* (being avoided, most likely) when the track
stays within :data:`SKIRT_KM` of it for :data:`SKIRT_ALONG_KM` or more: a flight that keeps a
few nm outside a line for hundreds of km is following it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from overflight.analysis.plan import Plan, plan_request
from overflight.analysis.request import FlightRequest
from overflight.data.airports import resolve_place
from overflight.data.airspace import denied_closure, states, states_at
from overflight.errors import NoRouteError
from overflight.geo.ellipsoid import great_circle_points, wgs84
from overflight.geo.sphere import EARTH_RADIUS_KM, to_xyz, unwrap_longitudes
from overflight.models import KM_PER_NM, LonLat, Place, StateTransit
from overflight.routing.transit import STEP_KM, transit_report

if TYPE_CHECKING:
    from overflight.analysis.track._model import Track

__all__ = [
    "ENDPOINT_KM",
    "NEAR_KM",
    "SKIRT_ALONG_KM",
    "SKIRT_KM",
    "Approach",
    "Overflown",
    "TrackReport",
    "Violation",
    "report_track",
]

#: A track's first or last fix this close to an airport is taken to start or end there.
ENDPOINT_KM = 8.0
#: Fixes this close to the line through their neighbours are dropped before the states are
#: found (see :func:`_line`).
THIN_KM = 0.3
#: States whose airspace the track passes this close to, without entering, are listed.
NEAR_KM = 100.0
#: Within this distance of a state's airspace (about 16 nm) the track is skirting it...
SKIRT_KM = 30.0
#: ...when it stays that close for at least this many km.
SKIRT_ALONG_KM = 150.0


@dataclass(frozen=True)
class Overflown:
    """One crossing of a state by the track, with when it entered and left."""

    transit: StateTransit
    entry_km: float
    exit_km: float
    #: UTC times of entry and exit (None: the track has no times).
    entry_time: dt.datetime | None
    exit_time: dt.datetime | None

    @property
    def duration_h(self) -> float | None:
        """Hours from entry to exit (None: no times)."""
        if self.entry_time is None or self.exit_time is None:
            return None
        return (self.exit_time - self.entry_time).total_seconds() / 3600.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        t = self.transit
        return {
            "country": t.country,
            "name": t.name,
            "distance_km": t.distance_km,
            "entry": list(t.entry),
            "exit": list(t.exit),
            "entry_km": self.entry_km,
            "exit_km": self.exit_km,
            "entry_time": _iso(self.entry_time),
            "exit_time": _iso(self.exit_time),
            "duration_h": self.duration_h,
            "shared_with": list(t.shared_with),
        }


@dataclass(frozen=True)
class Approach:
    """A state the track came near without entering its airspace."""

    country: str
    name: str
    #: Closest distance from the track to the state's airspace, and where on the track.
    closest_km: float
    at: LonLat
    at_km: float
    time: dt.datetime | None
    #: Km of track within SKIRT_KM of the state's airspace.
    skirting_km: float

    @property
    def skirted(self) -> bool:
        """Whether the track follows the state's line: most likely avoiding it."""
        return self.skirting_km >= SKIRT_ALONG_KM

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "country": self.country,
            "name": self.name,
            "closest_km": self.closest_km,
            "closest_nm": self.closest_km / KM_PER_NM,
            "at": list(self.at),
            "at_km": self.at_km,
            "time": _iso(self.time),
            "skirting_km": self.skirting_km,
            "skirted": self.skirted,
        }


@dataclass(frozen=True)
class Violation:
    """A crossing of airspace closed to the flight, with the rules that closed it."""

    crossing: Overflown
    #: Why it was closed: the registry's rule ids and notes, a scenario's reason, or --deny.
    rules: tuple[str, ...]
    #: The rules' sources (URLs or titles), in the same order.
    sources: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return self.crossing.to_dict() | {"rules": list(self.rules), "sources": list(self.sources)}


@dataclass(frozen=True)
class TrackReport:
    """What a flown track overflew, went around and broke, against the shortest legal route."""

    track: Track
    origin: Place
    destination: Place
    #: The day whose rules were applied (None: only --deny or a scenario's undated rules).
    date: dt.date | None
    overflown: tuple[Overflown, ...]
    high_seas_km: float
    #: Strait corridors the track passes through, in order (ids).
    straits: tuple[str, ...]
    approaches: tuple[Approach, ...]
    #: States closed to the flight (sorted).
    denied: tuple[str, ...]
    violations: tuple[Violation, ...]
    #: The shortest legal route between the same ends (None: none exists, see no_route).
    optimum: Plan | None
    no_route: str | None

    @property
    def detour_km(self) -> float | None:
        """How much longer the track is than the shortest legal route."""
        if self.optimum is None:
            return None
        return self.track.distance_km - self.optimum.route.distance_km

    @property
    def ground_speed_kt(self) -> float | None:
        """The track's mean ground speed (None: no times)."""
        hours = self.track.duration_h
        if not hours:
            return None
        return self.track.distance_km / hours / KM_PER_NM

    @property
    def detour_min(self) -> float | None:
        """The detour in minutes at the track's mean ground speed (else the optimum's speed)."""
        if self.detour_km is None or self.optimum is None:
            return None
        speed = self.ground_speed_kt or self.optimum.route.speed_kt
        return self.detour_km / (speed * KM_PER_NM) * 60.0

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (stable field names)."""
        t = self.track
        return {
            "track": {
                "source": t.source,
                "points": len(t.points),
                "distance_km": t.distance_km,
                "start_time": _iso(t.times[0]) if t.times else None,
                "end_time": _iso(t.times[-1]) if t.times else None,
                "duration_h": t.duration_h,
                "ground_speed_kt": self.ground_speed_kt,
                "gaps": [g.to_dict() for g in t.gaps],
            },
            "origin": self.origin.to_dict(),
            "destination": self.destination.to_dict(),
            "date": self.date.isoformat() if self.date else None,
            "overflown": [o.to_dict() for o in self.overflown],
            "high_seas_km": self.high_seas_km,
            "straits": list(self.straits),
            "approaches": [a.to_dict() for a in self.approaches],
            "denied": list(self.denied),
            "violations": [v.to_dict() for v in self.violations],
            "optimum": None if self.optimum is None else self.optimum.to_dict(),
            "no_route": self.no_route,
            "detour_km": self.detour_km,
            "detour_min": self.detour_min,
        }


def _iso(when: dt.datetime | None) -> str | None:
    return None if when is None else when.isoformat().replace("+00:00", "Z")


def nearest_place(point: LonLat) -> Place:
    """The airport within ENDPOINT_KM of the point, else the point itself."""
    from overflight.data.runways import fuel_airport_table

    table = fuel_airport_table()
    here = to_xyz(point.lon, point.lat)
    km = np.arccos(np.clip(to_xyz(table.lon, table.lat) @ here, -1.0, 1.0)) * EARTH_RADIUS_KM
    k = int(np.argmin(km))
    if km[k] <= ENDPOINT_KM:
        return resolve_place(table.airports[k].icao or table.airports[k].ident)
    return resolve_place(f"{point.lat:.5f},{point.lon:.5f}")


def report_track(
    track: Track,
    *,
    operator: str | None = None,
    category: str | None = None,
    airline: str | None = None,
    date: dt.date | None = None,
    deny: tuple[str, ...] = (),
    scenario: str | None = None,
    origin: str | None = None,
    destination: str | None = None,
) -> TrackReport:
    """Report a flown track against the rules in force for its operator on its date.

    Parameters
    ----------
    track
        The track (see :func:`overflight.analysis.track.read_track`).
    operator, category, airline
        Who flew it: the registry's rules for them apply (see ``overflight route``).
    date
        The day whose rules apply (default: the track's first fix's, when who is given).
    deny, scenario
        States refused on top, or a scenario instead of the registry.
    origin, destination
        Where it flew from and to (default: the airport within ENDPOINT_KM of the first and
        last fix, else those fixes).

    """
    start = resolve_place(origin) if origin else nearest_place(track.points[0])
    end = resolve_place(destination) if destination else nearest_place(track.points[-1])
    who = operator is not None or airline is not None or category is not None
    day = date if date is not None else (track.date if who or scenario else None)
    speed = _speed_kt(track)
    request = FlightRequest(
        origin=start.code,
        destination=end.code,
        deny=deny,
        scenario=scenario,
        date=day,
        operator=operator,
        airline=airline,
        category=category,
        speed_kt=speed,
        no_wind=True,
    )
    optimum: Plan | None = None
    no_route = None
    try:
        optimum = plan_request(request)
    except NoRouteError as exc:
        no_route = exc.reason
    denied, why = _closed(request, optimum, start, end)
    line = _line(track)
    crossings, high_seas_km = _overflown(track, line)
    violations = tuple(
        Violation(c, *why(c.transit.country)) for c in crossings if c.transit.country in denied
    )
    from overflight.scenarios import straits_used

    return TrackReport(
        track=track,
        origin=start,
        destination=end,
        date=day,
        overflown=crossings,
        high_seas_km=high_seas_km,
        straits=tuple(s.id for s in straits_used(line.points)),
        approaches=_approaches(track, line, {c.transit.country for c in crossings}),
        denied=tuple(sorted(denied)),
        violations=violations,
        optimum=optimum,
        no_route=no_route,
    )


#: Why a state is closed: the rules (id and note), and their sources.
_Why = tuple[tuple[str, ...], tuple[str, ...]]


def _speed_kt(track: Track) -> float | None:
    """The track's mean ground speed within what a request accepts (None: no times)."""
    from overflight._config import SPEED_KT_RANGE

    hours = track.duration_h
    if not hours:
        return None
    low, high = SPEED_KT_RANGE
    return min(max(track.distance_km / hours / KM_PER_NM, low), high)


def _closed(
    request: FlightRequest, optimum: Plan | None, start: Place, end: Place
) -> tuple[frozenset[str], Callable[[str], _Why]]:
    """The states closed to the flight, and a function giving (rules, sources) for each."""
    resolution = optimum.registry if optimum is not None else None
    permissions = optimum.permissions if optimum is not None else None
    if optimum is None and request.uses_registry:
        from overflight.registry import world

        resolution = world().resolve(
            operator=request.operator,
            category=request.category,
            date=request.date,
            airline=request.airline,
            endpoints=(start.country, end.country),
            deny=request.deny,
        )
        permissions = resolution.permissions
    if permissions is None:
        denied = frozenset(denied_closure(request.deny))
        return denied, lambda _code: (("--deny",), ("",))
    reasons = permissions.reasons

    def why(code: str) -> _Why:
        if resolution is not None:
            rules = [r for r in resolution.rules if code in r.refused]
            if rules:
                return (
                    tuple(f"{r.id}: {r.note}" for r in rules),
                    tuple(r.source.url or r.source.title for r in rules),
                )
        return (reasons.get(code, "denied"),), ("",)

    return frozenset(permissions.overflight_denied), why


@dataclass(frozen=True)
class _Line:
    """The track thinned to THIN_KM, and densified every STEP_KM along its great circles."""

    #: The fixes kept, (lon, lat).
    points: tuple[tuple[float, float], ...]
    dense: np.ndarray
    #: Km along the track (as flown through every fix) of each dense point.
    along: np.ndarray


def _line(track: Track) -> _Line:
    """Fixes within THIN_KM of the line through their neighbours dropped, the rest densified.

    A noisy track zigzags across a border it follows; the shipped borders are known to a km
    or two (routing/transit.py), so fixes closer than that to their neighbours' line say
    nothing more about which states were crossed, and only cost time.
    """
    xy = unwrap_longitudes(track.points)
    kept = shapely.get_coordinates(shapely.simplify(shapely.LineString(xy), THIN_KM / 111.0))
    index = []
    k = 0
    for x, y in kept.tolist():
        while xy[k, 0] != x or xy[k, 1] != y:
            k += 1
        index.append(k)
    lon = (kept[:, 0] + 180.0) % 360.0 - 180.0
    points = tuple(zip(lon.tolist(), kept[:, 1].tolist(), strict=True))
    dense: list[tuple[float, float]] = [points[0]]
    along = [0.0]
    for n, (a, b) in enumerate(itertools.pairwise(points)):
        leg = great_circle_points(a, b, STEP_KM)[1:]
        km0, km1 = track.along_km[index[n]], track.along_km[index[n + 1]]
        dense += leg
        along += np.linspace(km0, km1, len(leg) + 1)[1:].tolist()
    return _Line(points, np.asarray(dense, dtype=np.float64), np.asarray(along))


def _km_of(point: LonLat, xyz: np.ndarray, along: np.ndarray, from_km: float) -> float:
    """Km along the track of a point on it, at or after ``from_km`` (its first pass there)."""
    first = max(int(np.searchsorted(along, from_km)) - 1, 0)
    here = to_xyz(point.lon, point.lat)
    chord = np.linalg.norm(xyz[first:] - here, axis=1) * EARTH_RADIUS_KM
    # The first pass within a km of the closest (a track may come back over a spot).
    k = first + int(np.argmax(chord <= chord.min() + 1.0))
    best_km, best = float(along[k]), float(chord[k - first])
    for j in (k - 1, k):
        if first <= j < len(along) - 1:
            a, b = xyz[j], xyz[j + 1]
            span = float(np.dot(b - a, b - a))
            f = 0.0 if span == 0.0 else min(max(float(np.dot(here - a, b - a)) / span, 0.0), 1.0)
            d = float(np.linalg.norm(a + f * (b - a) - here)) * EARTH_RADIUS_KM
            if d < best:
                best, best_km = d, float(along[j] + f * (along[j + 1] - along[j]))
    return best_km


def _overflown(track: Track, line: _Line) -> tuple[tuple[Overflown, ...], float]:
    """The states crossed (the transit report of the track), with km and times of each."""
    report = transit_report(line.points)
    along = line.along
    xyz = to_xyz(line.dense[:, 0], line.dense[:, 1])
    out = []
    last = 0.0
    for t in report.transit:
        entry = _km_of(t.entry, xyz, along, last)
        leave = _km_of(t.exit, xyz, along, entry)
        last = entry
        out.append(Overflown(t, entry, leave, track.time_at(entry), track.time_at(leave)))
    return tuple(out), report.high_seas_km


def _approaches(track: Track, line: _Line, entered: set[str]) -> tuple[Approach, ...]:
    """The states the track came within NEAR_KM of without entering, closest first."""
    dense, along = line.dense, line.along
    # Each dense point stands for half of each segment it ends.
    steps = np.diff(along)
    weight = np.concatenate([[0.0], steps / 2.0]) + np.concatenate([steps / 2.0, [0.0]])
    cos_lat = max(float(np.cos(np.radians(np.abs(dense[:, 1]).max()))), 0.05)
    reach_deg = NEAR_KM / 111.0 / cos_lat
    west, south = dense.min(axis=0) - reach_deg
    east, north = dense.max(axis=0) + reach_deg
    ends = {*states_at(*track.points[0]), *states_at(*track.points[-1])}
    points = np.asarray(shapely.points(dense), dtype=object)
    found = []
    for code, area in states().items():
        if code in entered or code in ends:
            continue
        x0, y0, x1, y1 = shapely.bounds(area.geometry).tolist()
        if x0 > east or x1 < west or y0 > north or y1 < south:
            continue
        near = np.flatnonzero(shapely.dwithin(area.geometry, points, reach_deg))
        if not len(near):
            continue
        lines = shapely.shortest_line(points[near], area.geometry)
        coords = shapely.get_coordinates(lines).reshape(-1, 2, 2)
        _, _, metres = wgs84().inv(
            coords[:, 0, 0], coords[:, 0, 1], coords[:, 1, 0], coords[:, 1, 1]
        )
        km = np.asarray(metres, dtype=np.float64) / 1000.0
        k = int(np.argmin(km))
        if km[k] > NEAR_KM:
            continue
        at = LonLat(float(dense[near[k], 0]), float(dense[near[k], 1]))
        at_km = float(along[near[k]])
        found.append(
            Approach(
                country=code,
                name=area.name,
                closest_km=float(km[k]),
                at=at,
                at_km=at_km,
                time=track.time_at(at_km),
                skirting_km=float(weight[near][km <= SKIRT_KM].sum()),
            )
        )
    return tuple(sorted(found, key=lambda a: (a.closest_km, a.country)))
