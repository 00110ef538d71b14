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
from overflight.analysis.versions import data_versions
from overflight.data.airports import resolve_place
from overflight.data.airspace import denied_closure, states, states_at
from overflight.errors import NoRouteError
from overflight.geo.ellipsoid import great_circle_points, path_km, wgs84
from overflight.geo.sphere import EARTH_RADIUS_KM, to_xyz, unwrap_longitudes
from overflight.models import KM_PER_NM, LonLat, Place, StateTransit
from overflight.routing.transit import JOIN_KM, STEP_KM, transit_report
from overflight.scenarios import Strait, transit_corridors

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
    "TransitPassage",
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

    def points(self, track: Track) -> list[LonLat]:
        """The stretch of the track inside the state: entry, the fixes between, exit."""
        within = zip(track.points, track.along_km, strict=True)
        inside = [p for p, km in within if self.entry_km < km < self.exit_km]
        return [self.transit.entry, *inside, self.transit.exit]

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
class TransitPassage:
    """A crossing of airspace closed to the flight, made inside a strait open to transit passage.

    Aircraft enjoy transit passage through straits used for international navigation (UNCLOS
    arts. 37-38): crossing a coastal state's territorial sea there is no violation.
    """

    crossing: Overflown
    #: The strait corridor (its id in ``scenarios/straits.geojson``), its name and regime.
    strait: str
    strait_name: str
    regime: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return self.crossing.to_dict() | {
            "strait": self.strait,
            "strait_name": self.strait_name,
            "regime": self.regime,
        }


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
    #: Crossings of closed airspace inside straits open to transit passage (no violation).
    transit_passages: tuple[TransitPassage, ...]
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
            "transit_passages": [p.to_dict() for p in self.transit_passages],
            "optimum": None if self.optimum is None else self.optimum.to_dict(),
            "no_route": self.no_route,
            "detour_km": self.detour_km,
            "detour_min": self.detour_min,
            "versions": data_versions(),
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
    allow: tuple[str, ...] = (),
    scenario: str | None = None,
    margin_nm: float = 0.0,
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
    deny, allow, scenario
        States refused on top, opened on top, or a scenario instead of the registry.
    margin_nm
        Distance the shortest legal route keeps from closed airspace (the track is
        checked against the airspace itself).
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
        allow=allow,
        scenario=scenario,
        margin_nm=margin_nm,
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
    closed = [c for c in crossings if c.transit.country in denied]
    passages = [(c, _strait_of(c, line)) for c in closed]
    violations = tuple(Violation(c, *why(c.transit.country)) for c, s in passages if s is None)
    transit = tuple(TransitPassage(c, s.id, s.name, s.regime) for c, s in passages if s is not None)
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
        transit_passages=transit,
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
            allow=request.allow,
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


def _strait_of(crossing: Overflown, line: _Line) -> Strait | None:
    """The strait open to transit passage that holds the whole crossing (to JOIN_KM), if one does.

    Every corridor whose regime opens it (``transit_corridors``) counts, whatever a scenario
    lets the planner use: the track was flown, and transit passage is a right in these
    straits, not a permission.
    """
    t = crossing.transit
    inside = (line.along > crossing.entry_km) & (line.along < crossing.exit_km)
    stretch = [tuple(t.entry), *map(tuple, line.dense[inside].tolist()), tuple(t.exit)]
    path = shapely.LineString(unwrap_longitudes(stretch))
    for strait in transit_corridors():
        if t.country not in strait.states or not strait.geometry.intersects(path):
            continue
        outside = path.difference(strait.geometry)
        km = sum(
            path_km(shapely.get_coordinates(part).tolist())
            for part in getattr(outside, "geoms", [outside])
            if not part.is_empty
        )
        if km <= JOIN_KM:
            return strait
    return None


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
    """The states the track came within NEAR_KM of without entering, closest first.

    Distances are found in lon/lat degrees and measured on the ellipsoid; near ±180° the
    track is also tried moved by ±360°, so that a state just across the antimeridian is as
    near as it truly is.
    """
    dense, along = line.dense, line.along
    # Each dense point stands for half of each segment it ends.
    steps = np.diff(along)
    weight = np.concatenate([[0.0], steps / 2.0]) + np.concatenate([steps / 2.0, [0.0]])
    cos_lat = max(float(np.cos(np.radians(np.abs(dense[:, 1]).max()))), 0.05)
    reach_deg = NEAR_KM / 111.0 / cos_lat
    copies = []
    for offset in (0.0, 360.0, -360.0):
        moved = dense + np.array([offset, 0.0])
        (west, south), (east, north) = moved.min(axis=0) - reach_deg, moved.max(axis=0) + reach_deg
        if offset == 0.0 or (west < 180.0 and east > -180.0):
            points = np.asarray(shapely.points(moved), dtype=object)
            copies.append((points, (west, south, east, north)))
    ends = {*states_at(*track.points[0]), *states_at(*track.points[-1])}
    found = []
    for code, area in states().items():
        if code in entered or code in ends:
            continue
        x0, y0, x1, y1 = shapely.bounds(area.geometry).tolist()
        km = np.full(len(dense), np.inf)
        for points, (west, south, east, north) in copies:
            if x0 > east or x1 < west or y0 > north or y1 < south:
                continue
            near = np.flatnonzero(shapely.dwithin(area.geometry, points, reach_deg))
            if not len(near):
                continue
            lines = shapely.shortest_line(points[near], area.geometry)
            ends_xy = shapely.get_coordinates(lines).reshape(-1, 2, 2)
            _, _, metres = wgs84().inv(
                ends_xy[:, 0, 0], ends_xy[:, 0, 1], ends_xy[:, 1, 0], ends_xy[:, 1, 1]
            )
            km[near] = np.minimum(km[near], np.asarray(metres, dtype=np.float64) / 1000.0)
        if not km.min() <= NEAR_KM * 1.5:
            continue
        k, closest = _closest(area.geometry, dense, km)
        if closest > NEAR_KM:
            continue
        at = LonLat(float(dense[k, 0]), float(dense[k, 1]))
        at_km = float(along[k])
        found.append(
            Approach(
                country=code,
                name=area.name,
                closest_km=closest,
                at=at,
                at_km=at_km,
                time=track.time_at(at_km),
                skirting_km=float(weight[km <= SKIRT_KM].sum()),
            )
        )
    return tuple(sorted(found, key=lambda a: (a.closest_km, a.country)))


def _closest(area: Any, dense: np.ndarray, km: np.ndarray) -> tuple[int, float]:
    """The track point closest to the area, and how far it is, km (WGS84).

    Nearest points found in lon/lat degrees are off where a degree of longitude is short
    (by a fifth at 60°): the points that may be closest are measured again in a chart
    around each, its longitudes scaled by the cosine of its latitude.
    """
    order = np.argsort(km)[:40]
    order = order[km[order] <= km[order[0]] * 1.6 + 1.0]
    x, y = dense[order, 0], dense[order, 1]
    scale = np.maximum(np.cos(np.radians(y)), 0.05)
    half = km[order] / 110.0 + 0.05
    best_km, best = np.inf, int(order[0])
    for offset in (0.0, 360.0, -360.0):
        cx = x + offset
        region = shapely.clip_by_rect(
            area,
            float((cx - half / scale).min()),
            float((y - half).min()),
            float((cx + half / scale).max()),
            float((y + half).max()),
        )
        if region.is_empty:
            continue
        coords = shapely.get_coordinates(region)
        for n in range(len(order)):
            charted = shapely.set_coordinates(
                region, np.column_stack([(coords[:, 0] - cx[n]) * scale[n], coords[:, 1]])
            )
            part = shapely.shortest_line(shapely.Point(0.0, y[n]), charted)
            (_, ya), (xb, yb) = shapely.get_coordinates(part).tolist()
            _, _, metres = wgs84().inv(x[n], ya, x[n] + xb / scale[n], yb)
            if metres / 1000.0 < best_km:
                best_km, best = metres / 1000.0, int(order[n])
    return best, float(best_km)
