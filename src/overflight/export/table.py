"""A planned flight as tables: its waypoints (CSV) and its headline figures.

Every exporter takes what the command line has, a :class:`~overflight.analysis.plan.Plan`
or a bare :class:`~overflight.models.Route`, and draws the flight *as flown*: with fuel stops,
the legs of the stop plan; otherwise the route. :func:`plan_figures` and :func:`waypoint_rows`
are what the other formats (KML, GPX, maps) tabulate too, so every format states the same
numbers.

CSV columns (:data:`CSV_COLUMNS`; the names and their order are stable). Coordinates are
latitude first here, as spreadsheets and flight plans expect:

``seq``
    Position of the waypoint along the flight, from 0.
``flight``
    Which flight the waypoint belongs to (1 unless the plan makes fuel stops; a stop closes
    the flight that lands there).
``role``
    ``origin``, ``turn`` (a turning point), ``stop`` (a fuel stop) or ``destination``.
``code``, ``name``
    Airport code and name of an origin, stop or destination; ``TP<n>`` and empty for turns.
``lat``, ``lon``
    Decimal degrees, longitude in [-180, 180).
``leg_km``, ``leg_nm``
    Length of the geodesic from the previous waypoint (0 at the origin), WGS84.
``cumulative_km``, ``cumulative_nm``
    Distance flown from the origin; at the destination it is the flight's total distance.
``states``
    ISO 3166-1 alpha-2 code of the state whose airspace is below the waypoint, empty over
    the high seas; ``;``-separated where claims overlap (disputed areas) or the point is on a
    border. A denied state is listed only if the point is strictly inside it (a strait crossed
    under transit passage): turning points lie on the edge of denied airspace.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import shapely

from overflight.analysis.plan import Plan
from overflight.data.airspace import states, states_at
from overflight.geo.ellipsoid import geodesic_km
from overflight.models import KM_PER_NM, LonLat, Place, Route
from overflight.routing.transit import states_in_order

__all__ = [
    "CSV_COLUMNS",
    "Figures",
    "WaypointRow",
    "as_plan",
    "flown_legs",
    "format_hours",
    "normalise_lon",
    "plan_figures",
    "plan_to_csv",
    "waypoint_rows",
]

#: Column names of :func:`plan_to_csv`, in order.
CSV_COLUMNS = (
    "seq",
    "flight",
    "role",
    "code",
    "name",
    "lat",
    "lon",
    "leg_km",
    "leg_nm",
    "cumulative_km",
    "cumulative_nm",
    "states",
)

#: A point this close to a denied state's boundary is on its edge (rounding of turning points).
_ON_EDGE_DEG = 1e-6


def as_plan(plan: Plan | Route) -> Plan:
    """A plan as given, or a bare route wrapped as a plan with no scenario or aircraft."""
    return plan if isinstance(plan, Plan) else Plan(plan, None, None)


def flown_legs(plan: Plan | Route) -> tuple[Route, ...]:
    """The routes actually flown: the stop plan's legs, or the one route."""
    chosen = as_plan(plan)
    return chosen.stops.legs if chosen.stops is not None else (chosen.route,)


def normalise_lon(lon: float) -> float:
    """A longitude in [-180, 180).

    >>> normalise_lon(180.0), normalise_lon(-190.0)
    (-180.0, 170.0)
    """
    return (lon + 180.0) % 360.0 - 180.0


def format_hours(hours: float) -> str:
    """A duration as ``"7 h 05 min"``.

    >>> format_hours(7.0833)
    '7 h 05 min'
    """
    minutes = round(hours * 60.0)
    return f"{minutes // 60} h {minutes % 60:02d} min"


@dataclass(frozen=True)
class Figures:
    """The headline numbers of a flight as flown."""

    #: Where the flight departs and arrives.
    origin: Place
    destination: Place
    #: Fuel stops, in order (empty for a non-stop flight).
    stops: tuple[Place, ...]
    #: Alpha-2 codes of the states whose airspace the flight avoids.
    denied: tuple[str, ...]
    #: Distance flown, all legs (WGS84).
    distance_km: float
    #: The direct geodesic from origin to destination (WGS84).
    great_circle_km: float
    #: Time in the air at cruise speed, no wind.
    flight_time_h: float
    #: Flight time plus ground time at the stops.
    total_time_h: float
    #: Cruise speed the times are computed at.
    speed_kt: float
    #: States crossed in order of flight (:func:`overflight.routing.transit.states_in_order`).
    states: tuple[str, ...]

    @property
    def extra_km(self) -> float:
        """How much longer the flight is than the direct great circle."""
        return self.distance_km - self.great_circle_km

    @property
    def extra_pct(self) -> float:
        """The detour as a percentage of the great circle."""
        return 100.0 * self.extra_km / self.great_circle_km if self.great_circle_km else 0.0

    @property
    def title(self) -> str:
        """``"UUMU → OSLK"``, with the stops between."""
        return " → ".join(p.code for p in (self.origin, *self.stops, self.destination))

    def lines(self) -> list[tuple[str, str]]:
        """The figures as (label, value) pairs for a legend, a panel or a description."""
        nm = self.distance_km / KM_PER_NM
        rows = [
            ("Distance", f"{self.distance_km:,.0f} km ({nm:,.0f} nm)"),
            ("Great circle", f"{self.great_circle_km:,.0f} km"),
            ("Extra", f"{self.extra_km:+,.0f} km ({self.extra_pct:+.1f} %)"),
            ("Flight time", f"{format_hours(self.flight_time_h)} at {self.speed_kt:g} kt"),
        ]
        if self.stops:
            rows.append(("Fuel stops", ", ".join(p.code for p in self.stops)))
            rows.append(("Total time", format_hours(self.total_time_h)))
        rows.append(("Avoids", ", ".join(self.denied) or "none"))
        rows.append(("States crossed", ", ".join(self.states) or "none"))
        return rows


def plan_figures(plan: Plan | Route) -> Figures:
    """The headline figures of a plan (or route) as flown."""
    chosen = as_plan(plan)
    legs = flown_legs(chosen)
    stop_plan = chosen.stops
    flight_h = sum(leg.duration_h for leg in legs)
    return Figures(
        origin=chosen.route.origin,
        destination=chosen.route.destination,
        stops=stop_plan.stops if stop_plan else (),
        denied=chosen.route.denied,
        distance_km=sum(leg.distance_km for leg in legs),
        great_circle_km=chosen.route.great_circle_km,
        flight_time_h=flight_h,
        total_time_h=stop_plan.total_time_h if stop_plan else flight_h,
        speed_kt=chosen.route.speed_kt,
        states=states_in_order([leg.transit for leg in legs]),
    )


@dataclass(frozen=True)
class WaypointRow:
    """One waypoint of a flight as flown (see the module docstring for the fields)."""

    seq: int
    flight: int
    role: str
    code: str
    name: str
    lon: float
    lat: float
    leg_km: float
    cumulative_km: float
    states: tuple[str, ...]


def waypoint_rows(plan: Plan | Route) -> list[WaypointRow]:
    """Every waypoint of the flight in order, with distances and the state below it."""
    legs = flown_legs(plan)
    rows: list[WaypointRow] = []
    total = 0.0
    turns = 0
    for flight, leg in enumerate(legs, start=1):
        last = len(leg.waypoints) - 1
        for k, point in enumerate(leg.waypoints):
            if k == 0 and rows:
                continue  # a stop ends one leg and starts the next: listed once
            step = geodesic_km(*leg.waypoints[k - 1], *point) if k else 0.0
            total += step
            place: Place | None = None
            if k == 0:
                role, place = "origin", leg.origin
            elif k == last:
                place = leg.destination
                role = "destination" if flight == len(legs) else "stop"
            else:
                role = "turn"
                turns += 1
            rows.append(
                WaypointRow(
                    seq=len(rows),
                    flight=flight,
                    role=role,
                    code=place.code if place else f"TP{turns}",
                    name=place.name if place else "",
                    lon=point.lon,
                    lat=point.lat,
                    leg_km=step,
                    cumulative_km=total,
                    states=_states_below(point, leg.denied),
                )
            )
    return rows


def _states_below(point: LonLat, denied: tuple[str, ...]) -> tuple[str, ...]:
    """States whose airspace covers the point, less denied ones it only touches.

    Turning points lie on the edge of denied airspace, which the route touches but never
    enters; a point strictly inside a denied state (a strait under transit passage) keeps it.
    """
    found = states_at(point.lon, point.lat)
    here = shapely.Point(point.lon, point.lat)
    return tuple(
        c
        for c in found
        if c not in denied or states()[c].geometry.boundary.distance(here) > _ON_EDGE_DEG
    )


def plan_to_csv(plan: Plan | Route) -> str:
    """The flight's waypoints as CSV text, one per row, with the columns of :data:`CSV_COLUMNS`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in waypoint_rows(plan):
        writer.writerow(
            [
                r.seq,
                r.flight,
                r.role,
                r.code,
                r.name,
                f"{r.lat:.6f}",
                f"{normalise_lon(r.lon):.6f}",
                f"{r.leg_km:.3f}",
                f"{r.leg_km / KM_PER_NM:.3f}",
                f"{r.cumulative_km:.3f}",
                f"{r.cumulative_km / KM_PER_NM:.3f}",
                ";".join(r.states),
            ]
        )
    return out.getvalue()
