"""Fuel stops: when a route is longer than the aircraft can fly, where to land on the way.

A leg is within range when the aircraft flies it within its endurance
(:meth:`AircraftProfile.endurance_h`: the usable range, the published range less a reserve,
over the cruise speed). In still air that is a leg no longer than the usable range
(:meth:`AircraftProfile.usable_range_km`); in a month's mean wind (``month``, flown through as
:func:`overflight.analysis.timing.time_along` does) it is a leg whose time in that wind is
within the endurance: a headwind shortens the distance the aircraft can fly, a tailwind
lengthens it.

:func:`plan_with_stops` returns the non-stop route when it is within range, and otherwise the
multi-leg plan that takes the least total time through airports that

- lie in a state that grants the flight landing (``Permissions.may_land``; with no scenario, any
  state that is not denied),
- lie outside denied airspace, its safety margin and any avoid area,
- have a paved runway at least :attr:`AircraftProfile.min_runway_m` long (the shipped table of
  open large and medium airports, ``overflight/data/RUNWAYS.md``),
- are airports an airline would use: scheduled service and not a military base
  (:attr:`FuelAirport.civil_scheduled`), or, when the caller gives a stop pool (an operator's
  list of approved stops, :func:`read_stop_pool`), the airports of that pool,
- lie outside disputed and occupied areas in force on the flight's date
  (``overflight/data/DISPUTED.md``) unless the caller allows them,

where every leg is a legal route within range. The total time is the flight time at cruise
speed plus a ground time per stop; the flight time is the still-air time (``optimise``
``"distance"``, the default, as for a non-stop route: the shortest legs) or the time in the
month's wind (``"time"``). Each leg is the shortest legal route between its ends, timed in the
wind. Forced stops (``via``) are made in the order given, whatever the pool (they are still
checked for runway, landing, denied airspace and disputed areas); further stops are added
between them when a leg is out of range. Each leg is planned and verified by the normal
planner and carries its own transit report.

How the search stays fast
-------------------------
Every figure is on the WGS84 ellipsoid, where the geodesic between two airports is a lower bound
of any legal route between them. Candidate airports are first pruned with these bounds (an
airport can only help if the legs to it and from it fit in the number of stops allowed), and at
most :data:`MAX_CANDIDATES` are kept, those with the smallest detour ``GC(o, a) + GC(a, d)``.
An A* search over (airport, stops made) then costs every edge by its geodesic first and routes
it around denied airspace — on the planner's visibility graph, built once for the closure — only
when the search pops it, and times it in the wind then. The heuristic (geodesic to the
destination, plus one ground time when that is beyond range) is consistent, so the first plan
to reach the destination is optimal among the candidates. In a wind, no ground speed exceeds
the true airspeed plus the field's strongest wind
(:func:`~overflight.analysis.timing.strongest_wind_m_s`): distances are scaled by the ratio of
the one to the other to bound times, and a leg can only be within range if its geodesic is
within the usable range divided by that ratio.

>>> from overflight.aircraft import load_aircraft
>>> plan = plan_with_stops("VIDP", "EGLL", aircraft=load_aircraft("B738"))
>>> len(plan.stops), all(leg.distance_km <= plan.usable_range_km for leg in plan.legs)
(1, True)

JSON shape (:func:`stop_plan_to_dict`; the names are stable)::

    {
      "aircraft": str,                 # ICAO designator
      "usable_range_km": float,        # longest leg allowed in still air
      "endurance_h": float,            # longest leg allowed in time: usable range / cruise
      "month": int | null,             # the month whose mean wind was flown through
      "optimise": "distance" | "time", # what the stops were chosen to minimise
      "nonstop_possible": bool,        # the non-stop route is within range
      "direct": <leg> | null,          # the non-stop route, whatever its length
      "legs": [<leg>, ...],            # each as `route --format json` (same field names)
                                       # and its times: "month", "still_air_h", "wind_h",
                                       # "mean_wind_kt" (+ tailwind, - headwind)
      "stops": [{"code", "name", "lat", "lon", "country", "forced"}, ...],
                                       # name: the airport's name; forced: a --via stop
      "total_distance_km": float,      # sum of the legs
      "flight_time_h": float,          # sum of the legs' still-air times at cruise speed
      "ground_time_h": float,          # per stop
      "total_time_h": float,           # flight time + ground time x stops
      "flight_wind_h": float,          # sum of the legs' times in the wind (still air: as
      "total_wind_h": float            #   flight_time_h); + ground time x stops
    }
"""

from __future__ import annotations

import calendar
import copy
import csv
import datetime as dt
import functools
import heapq
import io
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from overflight._config import GROUND_TIME_H_MAX, MAX_STOPS
from overflight._threadlocal import thread_geometry
from overflight.aircraft import AircraftProfile
from overflight.analysis.request import OPTIMISE
from overflight.analysis.timing import STEP_KM, RouteTime, TimedPath, strongest_wind_m_s, time_along
from overflight.data.airports import resolve_place
from overflight.data.airspace import states, states_at
from overflight.data.disputed import areas_of_airport, in_any_area
from overflight.data.runways import FuelAirport, FuelAirportTable, fuel_airport_table
from overflight.data.winds import monthly_wind
from overflight.data.yamlfile import read_user_file
from overflight.errors import InputError, InputFileError, NoRouteError
from overflight.geo.ellipsoid import geodesic_km, path_km, wgs84
from overflight.geo.sphere import EARTH_RADIUS_KM, angle, to_lonlat, to_xyz
from overflight.geo.wind import M_S_PER_KT, WindFunction, legs_time
from overflight.models import KM_PER_NM, LonLat, Place, Route
from overflight.routing.closure import Closure
from overflight.routing.planner import Planner, planner_of
from overflight.scenarios import Permissions

__all__ = [
    "MAX_CANDIDATES",
    "StopPlan",
    "plan_with_stops",
    "range_time",
    "read_stop_pool",
    "stop_plan_to_dict",
]

#: Most candidate airports searched. The table holds about 4,500 airports; after the range and
#: permission filters a long detour keeps several hundred, and those far off the way (largest
#: ``GC(o, a) + GC(a, d)``) cannot be on a fast plan. 600 keeps the search under a second.
MAX_CANDIDATES = 600

#: Candidate airports closer than this to the origin or destination are the same field or a
#: neighbour of it: a stop there gains nothing.
_SAME_PLACE_KM = 5.0

#: Lowest ratio of a path's length on the WGS84 ellipsoid to its length on the sphere of mean
#: radius the graph is built on (0.9944, short meridian legs near the equator), rounded down:
#: routed distances on the sphere times this are lower bounds of the legs as flown.
_ELLIPSOID_FACTOR = 0.994


@dataclass(frozen=True)
class StopPlan:
    """A flight from origin to destination as one or more legs, with the stops between them."""

    #: The legs flown, in order; each a full, verified route.
    legs: tuple[Route, ...]
    #: The airports landed at between legs (one fewer than the legs).
    stops: tuple[Place, ...]
    #: ICAO designator of the aircraft planned for.
    aircraft: str
    #: Longest leg the aircraft may fly in still air (published range less the reserve).
    usable_range_km: float
    #: Time on the ground at each stop.
    ground_time_h: float
    #: The non-stop route, if a legal one exists (it may be out of range).
    direct: Route | None
    #: Whether the non-stop route is within range (its time in the wind within the endurance).
    nonstop_possible: bool
    #: Each leg's still-air and wind times at cruise speed, in order (sequences are taken).
    times: tuple[RouteTime, ...]
    #: The non-stop route's times, when there is one.
    direct_time: RouteTime | None
    #: For each stop, whether the caller forced it (``via``); empty: none was.
    forced: tuple[bool, ...] = ()
    #: What the stops were chosen to minimise: ``"distance"`` (the still-air time) or
    #: ``"time"`` (the time in the wind).
    optimise: str = "distance"

    def __post_init__(self) -> None:
        if not self.legs or len(self.stops) != len(self.legs) - 1:
            raise ValueError(f"{len(self.legs)} legs do not fit {len(self.stops)} stops")
        object.__setattr__(self, "forced", tuple(self.forced))
        if self.forced and len(self.forced) != len(self.stops):
            raise ValueError(f"{len(self.forced)} forced flags do not fit {len(self.stops)} stops")
        object.__setattr__(self, "times", tuple(RouteTime(*t) for t in self.times))
        if len(self.times) != len(self.legs):
            raise ValueError(f"{len(self.times)} leg times do not fit {len(self.legs)} legs")
        if self.direct_time is not None:
            object.__setattr__(self, "direct_time", RouteTime(*self.direct_time))
        if self.optimise not in OPTIMISE:
            raise ValueError(f"optimise {self.optimise!r}: give {' or '.join(OPTIMISE)}")

    @property
    def origin(self) -> Place:
        """Where the flight departs."""
        return self.legs[0].origin

    @property
    def destination(self) -> Place:
        """Where the flight arrives."""
        return self.legs[-1].destination

    @property
    def total_distance_km(self) -> float:
        """Length of all legs (WGS84)."""
        return sum(leg.distance_km for leg in self.legs)

    @property
    def flight_time_h(self) -> float:
        """Time in the air at cruise speed, no wind."""
        return sum(leg.duration_h for leg in self.legs)

    @property
    def total_time_h(self) -> float:
        """Time from departure to arrival: flight time plus ground time at every stop."""
        return self._with_ground(self.flight_time_h)

    @property
    def month(self) -> int | None:
        """The month whose mean wind the legs were timed in (None: still air, or a given wind)."""
        return self.times[0].month

    @property
    def endurance_h(self) -> float:
        """Longest time a leg may take at cruise speed: the usable range over that speed."""
        return self.usable_range_km / (self.times[0].speed_kt * KM_PER_NM)

    @property
    def flight_wind_h(self) -> float:
        """Time in the air in the wind (in still air, :attr:`flight_time_h`)."""
        return sum(t.wind_h for t in self.times)

    @property
    def total_wind_h(self) -> float:
        """Time from departure to arrival in the wind, ground time at every stop included."""
        return self._with_ground(self.flight_wind_h)

    def _with_ground(self, flight_h: float) -> float:
        return flight_h + self.ground_time_h * len(self.stops)


def plan_with_stops(
    origin: str | Place,
    destination: str | Place,
    *,
    aircraft: AircraftProfile,
    permissions: Permissions | None = None,
    deny: Iterable[str] = (),
    margin_nm: float = 0.0,
    ground_time_h: float = 1.0,
    max_stops: int = 3,
    via: Sequence[str] = (),
    stop_pool: Iterable[str] | None = None,
    allow_disputed_stops: bool = False,
    on: dt.date | None = None,
    closure: Closure | None = None,
    landing_allowed: frozenset[str] | None = None,
    month: int | None = None,
    wind: WindFunction | None = None,
    optimise: str = "distance",
) -> StopPlan:
    """The fastest plan from origin to destination that the aircraft can fly, with fuel stops.

    Parameters
    ----------
    origin, destination
        A :class:`Place`, or anything :func:`overflight.data.airports.resolve_place` accepts.
    aircraft
        Sets the cruise speed, the usable range of a leg and the shortest usable runway.
    permissions
        A resolved scenario: its denied states, margin, avoid areas and strait corridors shape
        every leg, and stops are only made where it allows landing.
    deny
        Further states (alpha-2 or alpha-3) whose airspace is closed; no stop is made there.
    margin_nm
        Lateral distance to keep from denied airspace (the scenario's if that is larger).
    ground_time_h
        Time spent on the ground at each stop.
    max_stops
        Most stops a plan may make, forced ones included (0 allows only the non-stop flight).
    via
        Airports (ICAO, IATA or OurAirports ident) to stop at, in this order.
    stop_pool
        The only airports further stops may be made at (codes as for ``via``); None: the
        scheduled civil airports of the shipped table.
    allow_disputed_stops
        Whether stops may be made in disputed or occupied areas (``DISPUTED.md``).
    on
        Date of the flight, for the disputed areas in force (default: the scenario's date, or
        today).
    closure, landing_allowed
        For callers that resolved them already (the batch): the airspace to keep out of, in
        place of the one ``permissions``, ``deny`` and ``margin_nm`` make, and the states that
        grant landing (None: the scenario's, or every state not denied).
    month
        The month (1 to 12) whose shipped mean wind the legs are flown through: a leg is within
        range when its time there is within :meth:`AircraftProfile.endurance_h`. None: still
        air, a leg within the usable range.
    wind
        A wind field to fly through instead of a month's (``month`` then only labels it).
    optimise
        ``"distance"``: the stops that make the least still-air time (the shortest legs, as
        for a non-stop route); ``"time"``: the least time in the wind. Ground time counts in
        both.

    Returns
    -------
    StopPlan
        The non-stop route as a single leg when it is within range and no stop is forced, else
        the fastest plan.

    Raises
    ------
    DeniedEndpointError, UnknownAirportError
        For an endpoint in denied airspace or one that is not known.
    InputError
        For a forced stop or pool airport that is not in the table, or a forced stop where the
        aircraft may not land (short runway, landing refused, denied airspace, disputed area).
    NoRouteError
        When no legal route exists at all, or no plan within ``max_stops`` stops keeps every leg
        within range; the message says which end or leg fails.

    Examples
    --------
    Perth to London with Iran refused is beyond a 787-9's range whichever way it is flown:

    >>> from overflight.aircraft import load_aircraft
    >>> for ends in (("YPPH", "EGLL"), ("EGLL", "YPPH")):
    ...     plan = plan_with_stops(*ends, aircraft=load_aircraft("B789"), deny=["IR"], month=4)
    ...     direct = plan.direct_time
    ...     print(ends[0], f"{direct.wind_h:.1f} h", f"> {plan.endurance_h:.1f} h", len(plan.stops))
    YPPH 16.7 h > 13.9 h 1
    EGLL 15.5 h > 13.9 h 1

    """
    if optimise not in OPTIMISE:
        raise InputError(f"optimise {optimise!r}: give {' or '.join(OPTIMISE)}")
    if not math.isfinite(ground_time_h) or not 0.0 <= ground_time_h <= GROUND_TIME_H_MAX:
        raise InputError(
            f"ground time {ground_time_h!r} h is out of range: "
            f"give 0 to {GROUND_TIME_H_MAX:g} hours"
        )
    if (
        isinstance(max_stops, bool)
        or not isinstance(max_stops, int)
        or not 0 <= max_stops <= MAX_STOPS
    ):
        raise InputError(
            f"max_stops {max_stops!r} is out of range: give an integer from 0 to {MAX_STOPS}"
        )
    if len(via) > max_stops:
        raise InputError(
            f"{len(via)} forced stops ({', '.join(via)}) exceed the {max_stops} stops allowed: "
            f"raise max_stops to {len(via)} or more"
        )
    start = origin if isinstance(origin, Place) else resolve_place(origin)
    end = destination if isinstance(destination, Place) else resolve_place(destination)
    if closure is None:
        closure = Closure.from_permissions(permissions, deny=deny, margin_nm=margin_nm)
    planner = planner_of(closure)
    speed_kt = aircraft.cruise_speed_kt
    range_km = aircraft.usable_range_km()
    if range_km <= 0.0:
        raise InputError(f"the {aircraft.designator} has no usable range after the reserve")
    rule = _LegRule(aircraft, month=month, wind=wind, optimise=optimise)
    # A NoRouteError here stands: every chain of legs through airports outside denied airspace
    # would also join the two ends, so stops cannot help.
    direct = planner.route(start, end, speed_kt=speed_kt)
    direct_time = rule.time(direct)

    def plan(
        legs: tuple[Route, ...], stops: tuple[Place, ...], forced: tuple[bool, ...]
    ) -> StopPlan:
        times = tuple(direct_time if leg is direct else rule.time(leg) for leg in legs)
        for leg, time in zip(legs, times, strict=True):
            # The search timed each leg on the same graph; this guards the invariant.
            if time.wind_h > rule.endurance_h * (1.0 + 1e-9):
                raise RuntimeError(f"leg {leg.origin.code}-{leg.destination.code} is out of range")
        return StopPlan(
            legs=legs,
            stops=stops,
            aircraft=aircraft.designator,
            usable_range_km=range_km,
            ground_time_h=ground_time_h,
            direct=direct,
            nonstop_possible=rule.within(direct_time),
            times=times,
            direct_time=direct_time,
            forced=forced if any(forced) else (),
            optimise=optimise,
        )

    if not via and rule.within(direct_time):
        return plan((direct,), (), ())
    if max_stops == 0:
        raise NoRouteError(
            f"the route from {_label(start)} to {_label(end)} {rule.beyond(direct, direct_time)}"
            ", and no stop is allowed",
            states=planner.denied,
        )
    when = on or (permissions.on if permissions is not None else dt.date.today())
    rules = _StopRules(
        aircraft=aircraft,
        landing=_landing_rule(
            permissions if landing_allowed is None else landing_allowed, planner.denied
        ),
        pool=None if stop_pool is None else _pool_rows(stop_pool),
        allow_disputed=allow_disputed_stops,
        on=when,
    )
    forced = tuple(rules.forced_stop(code, planner) for code in via)
    ends = (start, *(a.to_place() for a in forced), end)
    legs: list[Route] = []
    stops: list[Place] = []
    flags: list[bool] = []
    spare = max_stops - len(forced)
    for k in range(len(ends) - 1):
        a, b = ends[k], ends[k + 1]
        leg = direct if len(ends) == 2 else planner.route(a, b, speed_kt=speed_kt)
        leg_time = direct_time if leg is direct else rule.time(leg)
        if rule.within(leg_time):
            airports: list[FuelAirport] = []
        else:
            # Leave later legs the stops their geodesics need at the least.
            later = sum(
                max(0, math.ceil(geodesic_km(p.lon, p.lat, q.lon, q.lat) / rule.reach_km) - 1)
                for p, q in zip(ends[k + 1 : -1], ends[k + 2 :], strict=True)
            )
            if spare - later <= 0:
                raise NoRouteError(
                    f"the leg from {_label(a)} to {_label(b)} {rule.beyond(leg, leg_time)}, "
                    f"and no stop is left to add (max_stops {max_stops}, "
                    f"{len(forced)} forced)",
                    states=planner.denied,
                )
            usable = rules.usable()
            allowed = spare - later
            by_rule = rule.by_distance() if rule.by_time else rule
            airports = _StopSearch(
                planner=planner,
                start=a,
                end=b,
                rule=by_rule,
                usable=usable,
                ground_km=ground_time_h * speed_kt * KM_PER_NM,
                max_stops=allowed,
            ).run()
            if by_rule is not rule:
                # The bounds from the strongest wind are loose: searched with more stops than
                # the shortest plan makes, the search would time thousands of legs.
                airports = _StopSearch(
                    planner=planner,
                    start=a,
                    end=b,
                    rule=rule,
                    usable=usable,
                    ground_km=ground_time_h * speed_kt * KM_PER_NM,
                    max_stops=len(airports),
                ).run()
            spare -= len(airports)
        places = (a, *(x.to_place() for x in airports), b)
        legs += [
            planner.route(places[i], places[i + 1], speed_kt=speed_kt)
            for i in range(len(places) - 1)
        ]
        stops += places[1:-1]
        flags += [False] * len(airports)
        if k < len(ends) - 2:
            stops.append(b)
            flags.append(True)
    return plan(tuple(legs), tuple(stops), tuple(flags))


def range_time(
    path: TimedPath, aircraft: AircraftProfile, *, month: int | None = None
) -> tuple[RouteTime, bool]:
    """A route's times at the aircraft's cruise speed, and whether it is within range.

    Within range: its time in the month's wind (still air without one) is within
    :meth:`AircraftProfile.endurance_h`, the test :func:`plan_with_stops` applies to every
    leg; for callers that decide whether to plan stops at all.

    >>> from overflight.aircraft import load_aircraft
    >>> from overflight.routing.planner import plan_route
    >>> route = plan_route("YPPH", "EGLL", deny=["IR"])
    >>> [range_time(route, load_aircraft("B789"), month=m)[1] for m in (None, 4)]
    [False, False]
    """
    rule = _LegRule(aircraft, month=month, wind=None, optimise="distance")
    time = rule.time(path)
    return time, rule.within(time)


def read_stop_pool(path: str | os.PathLike[str]) -> tuple[str, ...]:
    """The airport codes of a stop-pool file: one code a line, or CSV with an ``icao`` column.

    Blank lines and lines starting with ``#`` are skipped. Codes are checked against the
    fuel-stop table when planning (:func:`plan_with_stops`).

    Raises
    ------
    InputFileError
        If the file cannot be read, holds no code, or is CSV without an ``icao`` column.

    """
    shown = os.fspath(path)
    text = read_user_file(
        path,
        error=InputFileError,
        wanted="a file of airport codes, one a line, or CSV with an icao column",
    )
    lines = [
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]
    if lines and "," in lines[0]:
        rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
        header = {name.strip().lower(): name for name in rows[0]} if rows else {}
        if "icao" not in header:
            raise InputFileError(
                f"the CSV header {lines[0]!r} has no icao column; give a column named icao, "
                f"or one code a line",
                file=shown,
                line=1,
            )
        codes = [row[header["icao"]].strip() for row in rows if row[header["icao"]].strip()]
    else:
        codes = lines
    if not codes:
        raise InputFileError("no airport code in the file; give one code a line", file=shown)
    return tuple(codes)


def stop_plan_to_dict(plan: StopPlan) -> dict[str, Any]:
    """A stop plan as plain JSON-ready data (see the module docstring for the shape).

    The routes use the field names of ``overflight.export.json.route_to_dict``; they are built
    here because the analysis layer may not import the export layer.
    """
    direct = plan.direct
    return {
        "aircraft": plan.aircraft,
        "usable_range_km": plan.usable_range_km,
        "endurance_h": plan.endurance_h,
        "month": plan.month,
        "optimise": plan.optimise,
        "nonstop_possible": plan.nonstop_possible,
        "direct": (
            None
            if direct is None or plan.direct_time is None
            else direct.to_dict() | plan.direct_time.to_dict()
        ),
        "legs": [
            leg.to_dict() | time.to_dict() for leg, time in zip(plan.legs, plan.times, strict=True)
        ],
        "stops": [
            {
                "code": s.code,
                "name": s.name,
                "lat": s.lat,
                "lon": s.lon,
                "country": s.country,
                "forced": bool(plan.forced and plan.forced[k]),
            }
            for k, s in enumerate(plan.stops)
        ],
        "total_distance_km": plan.total_distance_km,
        "flight_time_h": plan.flight_time_h,
        "ground_time_h": plan.ground_time_h,
        "total_time_h": plan.total_time_h,
        "flight_wind_h": plan.flight_wind_h,
        "total_wind_h": plan.total_wind_h,
    }


# -- search ------------------------------------------------------------------------------------


class _LegRule:
    """How a leg is judged: within range by its time in the wind, costed by distance or time.

    Costs are in km: a leg's length, or with ``optimise="time"`` in a wind its time there times
    the cruise speed (the still-air distance flown in that time).
    """

    def __init__(
        self,
        aircraft: AircraftProfile,
        *,
        month: int | None,
        wind: WindFunction | None,
        optimise: str,
    ) -> None:
        self.aircraft = aircraft
        self.month = month
        self.wind = wind if wind is not None or month is None else monthly_wind(month).at
        self.speed_kt = aircraft.cruise_speed_kt
        self.km_per_h = self.speed_kt * KM_PER_NM
        self.range_km = aircraft.usable_range_km()
        self.endurance_h = aircraft.endurance_h()
        tas = self.speed_kt * M_S_PER_KT
        strongest = 0.0
        if self.wind is not None:
            strongest = (
                strongest_wind_m_s(month=month) if wind is None else strongest_wind_m_s(wind=wind)
            )
        #: Lowest ratio of a leg's time to its still-air time (1 in still air).
        self.ratio = tas / (tas + strongest)
        #: Longest geodesic a leg within range may have (with the strongest tailwind).
        self.reach_km = self.range_km / self.ratio
        self.by_time = optimise == "time" and self.wind is not None
        #: What a leg's cost is at least, per km of its length.
        self.cost_ratio = self.ratio if self.by_time else 1.0

    def by_distance(self) -> _LegRule:
        """The same rule costing legs by their length."""
        rule = copy.copy(self)
        rule.by_time, rule.cost_ratio = False, 1.0
        return rule

    def time(self, path: TimedPath) -> RouteTime:
        """A path's still-air and wind times at cruise speed."""
        return time_along(path, speed_kt=self.speed_kt, month=self.month, wind=self.wind)

    def within(self, time: RouteTime) -> bool:
        """Whether a leg of these times is within range."""
        return time.wind_h <= self.endurance_h

    def cost_km(self, wind_h: float, km: float) -> float:
        """A leg's cost: its length, or its time in the wind as still-air km."""
        return wind_h * self.km_per_h if self.by_time else km

    def _wind_name(self) -> str:
        if self.month is None:
            return "the wind given"
        return f"the {calendar.month_name[self.month]} mean wind"

    def beyond(self, path: Route, time: RouteTime) -> str:
        """Why a leg is out of range, to follow its name ("the leg from A to B ...")."""
        name = self.aircraft.designator
        if self.wind is None:
            return (
                f"is {path.distance_km:,.0f} km, beyond the {self.range_km:,.0f} km usable range "
                f"of the {name}"
            )
        return (
            f"is {path.distance_km:,.0f} km and takes {_hours(time.wind_h)} in "
            f"{self._wind_name()} (mean wind {time.mean_wind_kt:+.0f} kt), beyond the "
            f"{_hours(self.endurance_h)} endurance of the {name} ({self.range_km:,.0f} km "
            f"usable range at {self.speed_kt:g} kt)"
        )

    def reach(self) -> str:
        """How far a leg may go, to follow "within"."""
        if self.wind is None:
            return f"{self.range_km:,.0f} km"
        return (
            f"{_hours(self.endurance_h)} of flight in {self._wind_name()} "
            f"({self.range_km:,.0f} km in still air)"
        )


class _Points(NamedTuple):
    """A path the search found: turning points and length, timed as a route is."""

    waypoints: tuple[LonLat, ...]
    distance_km: float


def _hours(h: float) -> str:
    """Hours as 13h55."""
    minutes = round(h * 60.0)
    return f"{minutes // 60}h{minutes % 60:02d}"


@dataclass(frozen=True)
class _LandingRule:
    """Which states a stop may be made in: those allowed, or all but those refused."""

    allowed: frozenset[str] | None
    refused: frozenset[str]

    def mask(self, countries: NDArray[np.str_]) -> NDArray[np.bool_]:
        if self.allowed is not None:
            ok = np.isin(countries, sorted(self.allowed))
        else:
            ok = np.ones(len(countries), dtype=bool)
        return ok & ~np.isin(countries, sorted(self.refused))


def _landing_rule(
    permissions: Permissions | frozenset[str] | None, denied: tuple[str, ...]
) -> _LandingRule:
    if isinstance(permissions, frozenset):
        allowed: frozenset[str] | None = permissions
    else:
        allowed = None if permissions is None else permissions.landing_allowed
    return _LandingRule(allowed=allowed, refused=frozenset(denied))


def _pool_rows(codes: Iterable[str]) -> frozenset[int]:
    """Rows of the fuel-stop table for the codes (raises InputError naming every unknown one)."""
    table = fuel_airport_table()
    rows: set[int] = set()
    unknown: list[str] = []
    for code in codes:
        try:
            rows.add(table.index(code))
        except KeyError:
            unknown.append(code)
    if unknown:
        raise InputError(
            f"stop pool: {', '.join(repr(c) for c in unknown)} not among the fuel-stop airports "
            f"(open large and medium airports with a paved runway; ICAO, IATA or OurAirports "
            f"ident, see overflight/data/RUNWAYS.md)"
        )
    return frozenset(rows)


@functools.lru_cache(maxsize=8)
def _disputed_mask(on: dt.date) -> NDArray[np.bool_]:
    """Which airports of the fuel-stop table lie in a disputed or occupied area on the date."""
    table = fuel_airport_table()
    idents = [(a.ident, a.icao) for a in table.airports]
    mask = in_any_area(table.lon, table.lat, on=on, idents=idents)
    mask.flags.writeable = False  # shared between threads
    return mask


@dataclass(frozen=True)
class _StopRules:
    """Where this flight may stop: runway, landing, the pool, disputed areas on the date."""

    aircraft: AircraftProfile
    landing: _LandingRule
    #: Rows of the caller's pool, or None for the scheduled civil airports.
    pool: frozenset[int] | None
    allow_disputed: bool
    on: dt.date

    def usable(self) -> NDArray[np.bool_]:
        """Which airports of the table may be chosen as stops."""
        table = fuel_airport_table()
        ok = (table.runway_m >= self.aircraft.min_runway_m) & self.landing.mask(table.country)
        if self.pool is None:
            ok &= table.civil_scheduled
        else:
            in_pool = np.zeros(len(table), dtype=bool)
            in_pool[sorted(self.pool)] = True
            ok &= in_pool
        if not self.allow_disputed:
            ok &= ~_disputed_mask(self.on)
        return ok

    def forced_stop(self, code: str, planner: Planner) -> FuelAirport:
        """The airport of a forced stop, checked (raises InputError saying why it cannot be)."""
        table = fuel_airport_table()
        try:
            airport = table.airports[table.index(code)]
        except KeyError:
            raise InputError(
                f"via {code!r}: not among the fuel-stop airports (open large and medium airports "
                f"with a paved runway; ICAO, IATA or OurAirports ident)"
            ) from None
        where = f"via {code!r} ({airport.name}, {airport.country})"
        if airport.runway_m < self.aircraft.min_runway_m:
            raise InputError(
                f"{where}: its longest paved runway is {airport.runway_m:,.0f} m, shorter than "
                f"the {self.aircraft.min_runway_m:,.0f} m the {self.aircraft.designator} needs"
            )
        inside = states_at(airport.lon, airport.lat, planner.denied)
        if inside:
            raise InputError(
                f"{where}: lies in denied airspace ({', '.join(inside)}); give an airport "
                f"outside it"
            )
        for area in planner.closure.advisories:
            if shapely.intersects_xy(thread_geometry(area.wkb), airport.lon, airport.lat):
                raise InputError(
                    f"{where}: lies inside the area of advisory {area.id}, which binds this "
                    f"flight {area.reason}; give another airport, or plan without advisories "
                    "(--no-advisories)"
                )
        if not _outside_obstacles(planner, np.array([airport.lon]), np.array([airport.lat]))[0]:
            raise InputError(
                f"{where}: lies within the margin kept from denied airspace or in an avoid area; "
                f"give an airport outside them"
            )
        if not self.landing.mask(np.array([airport.country]))[0]:
            raise InputError(
                f"{where}: {airport.country} does not grant this flight landing; give an airport "
                f"in a state that does"
            )
        if not self.allow_disputed:
            areas = areas_of_airport(
                airport.ident, airport.lon, airport.lat, on=self.on, icao=airport.icao
            )
            if areas:
                raise InputError(
                    f"{where}: lies in {areas[0].name}, a disputed or occupied area on "
                    f"{self.on.isoformat()}; allow disputed stops (--allow-disputed-stops) to "
                    f"stop there"
                )
        return airport


def _outside_obstacles(
    planner: Planner, lon: NDArray[np.float64], lat: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """Which points lie outside the denied states, the margin around them and avoid areas."""
    inside = np.zeros(len(lon), dtype=bool)
    areas = states()
    for code in planner.denied:
        inside |= shapely.intersects_xy(areas[code].geometry, lon, lat)
    closure = planner.closure
    for area in closure.advisories:  # the band reaches the ground, or the cruise level
        inside |= shapely.intersects_xy(thread_geometry(area.wkb), lon, lat)
    if closure.margin_nm > 0.0 or closure.avoid:
        # Obstacle polygons may run past ±180° where they were joined across it.
        for polygon in planner.obstacles.polygons:
            for shift in (-360.0, 0.0, 360.0):
                inside |= shapely.intersects_xy(polygon, lon + shift, lat)
    return ~inside


@dataclass
class _Label:
    """A settled (airport, stops) state of the search and how it was reached."""

    node: int
    parent: int
    cost_km: float
    stops: int


class _StopSearch:
    """A* over (node, stops made); node 0 is the origin, 1..n the candidates, n+1 the end.

    Costs are in km (:class:`_LegRule`), a stop counting as the distance flown in its ground
    time. Each node's heuristic starts as its geodesic to the end and is raised to the exact
    routed distance (on the visibility graph, times :data:`_ELLIPSOID_FACTOR`) the first time
    the search pops it; in a wind whose time is the cost, both are scaled by the rule's
    ``cost_ratio``. Refined values stay consistent with each other, so the first settled state
    of a node is its cheapest. Routed distances from the origin and to the end also bound every
    edge through the triangle inequality, which keeps edges across an obstacle from ever being
    routed.
    """

    def __init__(
        self,
        *,
        planner: Planner,
        start: Place,
        end: Place,
        rule: _LegRule,
        usable: NDArray[np.bool_],
        ground_km: float,
        max_stops: int,
    ) -> None:
        self.planner = planner
        self.graph = planner.graph
        self.start = start
        self.end = end
        self.rule = rule
        self.aircraft = rule.aircraft
        #: Longest geodesic a leg within range may have.
        self.reach_km = rule.reach_km
        self.ground_km = ground_km
        self.max_stops = max_stops
        self.table: FuelAirportTable = fuel_airport_table()
        self.rows = self._candidates(usable)
        n = len(self.rows)
        self.goal = n + 1
        self.lon = np.concatenate(([start.lon], self.table.lon[self.rows], [end.lon]))
        self.lat = np.concatenate(([start.lat], self.table.lat[self.rows], [end.lat]))
        self.xyz = to_xyz(self.lon, self.lat)
        self.to_goal = self._geodesic_km(self.goal)
        self.h = self._heuristic(self.to_goal)
        self.h[self.goal] = 0.0
        arrays = self.graph.arrays
        size = self.graph.size
        # Explicit zeros would be read as missing edges: a bitangent is never that short.
        self._matrix = (
            np.maximum(arrays.weights, 1e-15),
            arrays.indices,
            arrays.indptr,
            size,
        )
        #: Vertices each node sees, with the central angles to them (filled on demand).
        self._seen: dict[int, tuple[NDArray[np.int64], NDArray[np.float64]]] = {}
        #: Graph distances (radians) and predecessors from each expanded node.
        self._from: dict[int, tuple[NDArray[np.float64], NDArray[np.int32]]] = {}
        #: Routed distances (radians) from the origin and to the end; NaN until refined.
        self.from_origin = np.full(self.goal + 1, np.nan)
        self.to_end = np.full(self.goal + 1, np.nan)
        #: Legs routed: length and turning points, per pair of nodes in either direction.
        self._paths: dict[tuple[int, int], _Points | None] = {}
        #: Legs costed, per ordered pair (the wind makes the two directions differ); inf: out
        #: of range. The leg between the ends is out of range, or there would be no search.
        self._cost: dict[tuple[int, int], float] = {(0, self.goal): math.inf}
        #: When time is the cost: the times (h) of the geodesics from the origin to every node
        #: and from every node to the end, in one pass each (most such legs are geodesics).
        self._geodesic_h: dict[tuple[int, int], float] = {}
        if rule.by_time and rule.wind is not None:
            self._time_geodesics()
        #: Whether some leg from the origin, or into the destination, was found within range.
        self.left_origin = False
        self.reached_goal = False
        self._refine(0)
        self._refine(self.goal)

    # -- candidates ----------------------------------------------------------------------------

    def _candidates(self, usable: NDArray[np.bool_]) -> NDArray[np.int64]:
        """Rows of the airports that could be a stop on some plan, at most MAX_CANDIDATES."""
        table, r = self.table, self.reach_km
        rows = np.flatnonzero(usable)
        from_start = _geodesic_many(self.start, table.lon[rows], table.lat[rows])
        to_end = _geodesic_many(self.end, table.lon[rows], table.lat[rows])
        legs_before = np.ceil(from_start / r)
        legs_after = np.ceil(to_end / r)
        keep = (
            (legs_before + legs_after <= self.max_stops + 1)
            & (from_start > _SAME_PLACE_KM)
            & (to_end > _SAME_PLACE_KM)
        )
        outside = np.zeros(len(rows), dtype=bool)
        outside[keep] = _outside_obstacles(
            self.planner, table.lon[rows[keep]], table.lat[rows[keep]]
        )
        for place, reach in ((self.start, from_start), (self.end, to_end)):
            if not np.any(outside & (reach <= r)):
                raise NoRouteError(self._no_airport_near(place, legal=False), states=self.denied)
        detour = (from_start + to_end)[outside]
        return rows[outside][np.argsort(detour, kind="stable")[:MAX_CANDIDATES]]

    # -- bounds --------------------------------------------------------------------------------

    def _heuristic(self, to_goal_km: NDArray[np.float64]) -> NDArray[np.float64]:
        # A node beyond range of the end needs at least one more stop.
        scaled = self.rule.cost_ratio * to_goal_km
        return scaled + np.where(to_goal_km > self.reach_km, self.ground_km, 0.0)

    def _seen_from(self, node: int) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        if node not in self._seen:
            self._seen[node] = self.graph.visible_from(self.xyz[node])
        return self._seen[node]

    def _graph_distances(self, node: int) -> tuple[NDArray[np.float64], NDArray[np.int32]]:
        """Shortest graph distances (radians) from a node to every vertex, with predecessors."""
        if node not in self._from:
            weights, indices, indptr, size = self._matrix
            seen, angles = self._seen_from(node)
            # The node joins the graph as one more vertex, linked to the vertices it sees.
            matrix = csr_matrix(
                (
                    np.concatenate((weights, np.maximum(angles, 1e-15))),
                    np.concatenate((indices, seen)),
                    np.concatenate((indptr, [indptr[-1] + len(seen)])),
                ),
                shape=(size + 1, size + 1),
            )
            dist, pred = dijkstra(matrix, directed=True, indices=size, return_predecessors=True)
            self._from[node] = (dist[:size], pred[:size])
        return self._from[node]

    def _routed(self, source: int, node: int) -> float:
        """Shortest legal distance (radians) between two nodes, given the source's distances."""
        if self.graph.clear(self.xyz[source], self.xyz[node]):
            return float(angle(self.xyz[source], self.xyz[node]))
        dist, _ = self._graph_distances(source)
        seen, angles = self._seen_from(node)
        return float(np.min(angles + dist[seen], initial=math.inf))

    def _refine(self, node: int) -> bool:
        """Raise the node's heuristic to its routed distance; True if it was not done before."""
        if not math.isnan(self.to_end[node]):
            return False
        self.to_end[node] = 0.0 if node == self.goal else self._routed(self.goal, node)
        self.from_origin[node] = 0.0 if node == 0 else self._routed(0, node)
        if node != self.goal:
            routed_km = _ELLIPSOID_FACTOR * EARTH_RADIUS_KM * self.to_end[node]
            best = max(float(self.to_goal[node]), routed_km)
            # The rest of the plan is the leg to the end, or a stop and legs no shorter.
            self.h[node] = min(
                self._direct_cost(node, best), self.rule.cost_ratio * best + self.ground_km
            )
        return True

    def _direct_cost(self, node: int, routed_km: float) -> float:
        """The cost of the leg from a node to the end, or a lower bound of it; inf if too long.

        Exact when time is the cost, where the bound from the strongest wind is loose: the
        legs to the end are then mostly timed already (:meth:`_time_geodesics`).
        """
        if routed_km > self.reach_km:
            return math.inf
        if not self.rule.by_time:
            return self.rule.cost_ratio * routed_km
        self._path(self.goal, node)  # routed from the end's distances, computed already
        return self._leg_cost(node, self.goal)

    def _time_geodesics(self) -> None:
        assert self.rule.wind is not None
        every = np.column_stack((self.lon, self.lat))
        legs = (
            (np.repeat(every[:1], len(every), axis=0), every),
            (every, np.repeat(every[-1:], len(every), axis=0)),
        )
        for k, (starts, ends) in enumerate(legs):
            hours = legs_time(
                starts,
                ends,
                tas_m_s=self.rule.speed_kt * M_S_PER_KT,
                wind=self.rule.wind,
                step_km=STEP_KM,
            )
            for node, h in enumerate(hours.tolist()):
                self._geodesic_h[(0, node) if k == 0 else (node, self.goal)] = h

    def _edge_bound(self, a: int, b: int) -> float:
        """A lower bound of the routed length between two refined nodes (triangle inequality)."""
        gaps = (
            abs(float(self.to_end[a] - self.to_end[b])),
            abs(float(self.from_origin[a] - self.from_origin[b])),
        )
        radians = max((g for g in gaps if not math.isnan(g)), default=0.0)
        return _ELLIPSOID_FACTOR * EARTH_RADIUS_KM * radians

    # -- search --------------------------------------------------------------------------------

    @property
    def denied(self) -> tuple[str, ...]:
        return self.planner.denied

    def run(self) -> list[FuelAirport]:
        """The airports of the fastest plan, in order (raises NoRouteError if there is none)."""
        labels: list[_Label] = []
        fewest_stops = np.full(self.goal + 1, self.max_stops + 1)
        tie = 0
        # (f, tie, cost so far or its lower bound, stops, node, parent label, exact?)
        heap: list[tuple[float, int, float, int, int, int, bool]] = [
            (float(self.h[0]), tie, 0.0, 0, 0, -1, True)
        ]
        while heap:
            f, _, cost, stops, node, parent, exact = heapq.heappop(heap)
            if not exact:
                if fewest_stops[node] <= stops:
                    continue
                before = labels[parent]
                stop_km = 0.0 if node == self.goal else self.ground_km
                if self._refine(node):
                    edge = self.rule.cost_ratio * self._edge_bound(before.node, node)
                    bound = before.cost_km + edge + stop_km
                    cost = max(cost, bound)
                    if cost + self.h[node] > f * (1.0 + 1e-12):
                        tie += 1
                        item = (cost + float(self.h[node]), tie, cost, stops, node, parent, False)
                        heapq.heappush(heap, item)
                        continue
                leg = self._leg_cost(before.node, node)
                if leg == math.inf:
                    continue
                cost = before.cost_km + leg + stop_km
                tie += 1
                heapq.heappush(
                    heap, (cost + float(self.h[node]), tie, cost, stops, node, parent, True)
                )
                continue
            if node == self.goal:
                return self._airports(labels, parent)
            if fewest_stops[node] <= stops:
                continue  # reached before at no more cost with no more stops
            fewest_stops[node] = stops
            labels.append(_Label(node=node, parent=parent, cost_km=cost, stops=stops))
            here = len(labels) - 1
            for nxt, bound in self._next_nodes(node, stops, fewest_stops):
                tie += 1
                f = cost + bound + float(self.h[nxt])
                heapq.heappush(
                    heap, (f, tie, cost + bound, stops + (nxt != self.goal), nxt, here, False)
                )
        raise NoRouteError(self._why_not(), states=self.denied)

    def _next_nodes(
        self, node: int, stops: int, fewest_stops: NDArray[np.int64]
    ) -> list[tuple[int, float]]:
        """Nodes one leg on, with lower bounds of the leg plus the ground time at a stop."""
        gc = self._geodesic_km(node)
        # Unrefined nodes are NaN (no bound); a node cut off from one end gives inf - inf.
        with np.errstate(invalid="ignore"):
            radians = np.fmax(
                np.abs(self.to_end - self.to_end[node]),
                np.abs(self.from_origin - self.from_origin[node]),
            )
        bound = _ELLIPSOID_FACTOR * EARTH_RADIUS_KM * np.nan_to_num(radians, nan=0.0, posinf=np.inf)
        gc = np.maximum(gc, bound)
        within = gc <= self.reach_km
        within[[0, node]] = False
        if node == 0:
            within[self.goal] = False  # the direct route is known to be out of range
        if stops + 1 > self.max_stops:
            within[1 : self.goal] = False
        else:
            # A stop must leave enough stops to cover what remains on the geodesic.
            legs_left = np.ceil(self.to_goal / self.reach_km)
            within[1 : self.goal] &= (legs_left[1 : self.goal] - 1) <= self.max_stops - stops - 1
            within[1 : self.goal] &= fewest_stops[1 : self.goal] > stops + 1
        idx = np.flatnonzero(within)
        ground = np.where(idx == self.goal, 0.0, self.ground_km)
        cost = self.rule.cost_ratio * gc[idx] + ground
        return list(zip(idx.tolist(), cost.tolist(), strict=True))

    def _leg_cost(self, a: int, b: int) -> float:
        """Cost of the shortest legal route from an expanded node to another (inf: too long)."""
        known = self._cost.get((a, b))
        if known is None:
            path = self._path(a, b)
            known = math.inf
            if path is not None:
                hours = self._geodesic_h.get((a, b)) if len(path.waypoints) == 2 else None
                if hours is None:
                    hours = self.rule.time(path).wind_h
                if hours <= self.rule.endurance_h:
                    known = self.rule.cost_km(hours, path.distance_km)
            self._cost[(a, b)] = known
        if known < math.inf:
            self.left_origin |= a == 0
            self.reached_goal |= b == self.goal
        return known

    def _path(self, a: int, b: int) -> _Points | None:
        """The shortest legal route from a to b; None if it is beyond reach or there is none."""
        if (b, a) in self._paths:
            back = self._paths[(b, a)]
            return None if back is None else _Points(back.waypoints[::-1], back.distance_km)
        if (a, b) not in self._paths:
            self._paths[(a, b)] = self._route(a, b)
        return self._paths[(a, b)]

    def _route(self, a: int, b: int) -> _Points | None:
        ends = (
            LonLat(float(self.lon[a]), float(self.lat[a])),
            LonLat(float(self.lon[b]), float(self.lat[b])),
        )
        if self.graph.clear(self.xyz[a], self.xyz[b]):
            km = float(geodesic_km(self.lon[a], self.lat[a], self.lon[b], self.lat[b]))
            return _Points(ends, km)
        dist, pred = self._graph_distances(a)
        seen, angles = self._seen_from(b)
        total = angles + dist[seen]
        if not len(seen) or not np.isfinite(np.min(total)):
            return None
        # No leg through vertices beyond reach can be within range: skip walking it.
        if _ELLIPSOID_FACTOR * EARTH_RADIUS_KM * float(np.min(total)) > self.reach_km:
            return None
        vertex = int(seen[int(np.argmin(total))])
        chain: list[int] = []
        while 0 <= vertex < self.graph.size:
            chain.append(vertex)
            vertex = int(pred[vertex])
        lon, lat = to_lonlat(self.graph.points[chain[::-1]])
        turns = [LonLat(x, y) for x, y in zip(lon.tolist(), lat.tolist(), strict=True)]
        points = (ends[0], *turns, ends[1])
        return _Points(points, path_km(points))

    def _geodesic_km(self, node: int) -> NDArray[np.float64]:
        return _geodesic_many(
            Place(code="", name="", lon=float(self.lon[node]), lat=float(self.lat[node])),
            self.lon,
            self.lat,
        )

    def _airports(self, labels: list[_Label], last: int) -> list[FuelAirport]:
        chain: list[FuelAirport] = []
        while last > 0:  # label 0 is the origin
            chain.append(self.table.airports[int(self.rows[labels[last].node - 1])])
            last = labels[last].parent
        return chain[::-1]

    # -- reasons -------------------------------------------------------------------------------

    def _no_airport_near(self, place: Place, *, legal: bool) -> str:
        how = " on a legal route" if legal else ""
        return (
            f"no airport where the {self.aircraft.designator} may land (in the stop pool or "
            f"scheduled civil, paved runway of {self.aircraft.min_runway_m:,.0f} m or more, in a "
            f"state that grants landing, outside denied airspace and disputed areas) within "
            f"{self.rule.reach()} of {_label(place)}{how}"
        )

    def _why_not(self) -> str:
        if not self.left_origin:
            return self._no_airport_near(self.start, legal=True)
        if not self.reached_goal:
            return self._no_airport_near(self.end, legal=True)
        return (
            f"no chain of at most {self.max_stops} stops from {_label(self.start)} to "
            f"{_label(self.end)} keeps every leg within {self.rule.reach()}, the range "
            f"of the {self.aircraft.designator}; allow more stops or fewer refusals"
        )


def _geodesic_many(
    place: Place, lon: NDArray[np.float64], lat: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Geodesic distances in km from one place to many points (WGS84)."""
    n = len(lon)
    _, _, metres = wgs84().inv(np.full(n, place.lon), np.full(n, place.lat), lon, lat)
    return np.asarray(metres, dtype=np.float64) / 1000.0


def _label(place: Place) -> str:
    return place.code
