"""Compare the routes between two places under several permission cases, side by side.

A :class:`Case` is one labelled way to plan: a resolved scenario (:class:`Permissions`), a
plain list of denied states, or both, with an optional aircraft. :func:`compare_routes` plans
every case and says, relative to a reference case, what each other case adds and removes.

The reference is the first case unless the caller names another: the command line and the HTTP
API take the case with no refusals of its own (``--case ''``) when one is given, because a
planner reads a penalty as the cost of a refusal, measured from the unconstrained route; more
refusals never shorten a route, so every ``delta_km`` against it is zero or more.

JSON shape (``overflight compare --format json``; the names are stable)::

    {
      "origin": <place>,                   # as in route JSON: code, name, lat, lon, ...
      "destination": <place>,
      "great_circle_km": float,
      "reference": str,                    # label of the case the differences are against
      "disputed": "union" | "control",     # how disputed areas were crossed
      "flight_level": int | null,          # the level advisories were read at (request cases)
      "month": int | null,                 # the month of the wind times (null: still air)
      "cases": [
        {
          "label": str,                    # the scenario name, or "deny BG,GR", or as given
          "scenario": str | null,          # scenario name, if the case has one
          "date": "YYYY-MM-DD" | null,     # the date the scenario was resolved for
          "denied": [str, ...],            # every state denied in the case (alpha-2)
          "route": <route> | null,         # route JSON (as `route --format json`); null if none
          "error": str | null,             # why there is no route
          "distance_km": float | null,
          "duration_h": float | null,      # at speed_kt, no wind
          "speed_kt": float,
          "extra_km": float | null,        # detour over the great circle
          "extra_pct": float | null,
          "states": [str, ...],            # states crossed, in order of first entry
          "clearances": [str, ...],        # states the flight as flown needs permission
                                           # from: all crossed (stops too) but its two ends
          "aircraft": str | null,          # ICAO designator
          "usable_range_km": float | null,
          "within_range": bool | null,     # null without an aircraft or a route
          "fuel_stops": [code, ...],       # when the aircraft cannot fly it non-stop
          "fuel_stop_error": str | null,   # why no fuel-stop plan exists, if none does
          "total_time_h": float | null,    # flight plus ground time at the fuel stops
          "month": int | null,             # the route's times (nulls without a route):
          "still_air_h": float | null,     #   at speed_kt in still air,
          "wind_h": float | null,          #   in the month's mean wind,
          "mean_wind_kt": float | null,    #   and the mean wind component (+: tailwind)
          "advisories": [<advisory>, ...] | null  # as in route JSON; null: no advisory layer
        }, ...
      ],
      "remarks": [str, ...],               # what the answers leave out (a case without an
                                           # advisory layer)
      "differences": [                     # each other case, against the reference
        {
          "from": str, "to": str,          # labels
          "delta_km": float | null,        # to minus from; null when either has no route
          "delta_h": float | null,         # still air
          "delta_wind_h": float | null,    # in the month's wind
          "states_added": [str, ...],      # crossed in "to" but not in "from", in order
          "states_removed": [str, ...]     # crossed in "from" but not in "to", in order
        }, ...
      ]
    }

For instance, before and after Bulgaria and Greece said no:

>>> from overflight.analysis import compare_routes, scenario_case
>>> cases = [scenario_case(name, "UUMU", "OSLK") for name in ("syria-2015-before", "syria-2015")]
>>> comparison = compare_routes("UUMU", "OSLK", cases)
>>> diff = comparison.differences[0]
>>> "IR" in diff.states_added, "GR" in diff.states_removed
(True, True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from overflight._config import DEFAULT_SPEED_KT
from overflight.aircraft import AircraftProfile, load_aircraft
from overflight.analysis.fuel import StopPlan, plan_with_stops, range_time
from overflight.analysis.plan import NO_ADVISORIES, clearances, flight_setup
from overflight.analysis.request import FlightRequest
from overflight.analysis.timing import RouteTime, route_time
from overflight.data.airports import resolve_place
from overflight.data.airspace import denied_closure, normalise_codes
from overflight.errors import InputError, NoRouteError
from overflight.geo.ellipsoid import geodesic_km
from overflight.models import Place, Route
from overflight.routing.planner import plan_route, planner_of
from overflight.scenarios import Permissions, load_scenario

if TYPE_CHECKING:
    from overflight.routing.advisory_areas import AdvisoryOutcome

__all__ = [
    "Case",
    "CaseResult",
    "Comparison",
    "Difference",
    "compare_routes",
    "deny_case",
    "reference_case",
    "request_case",
    "scenario_case",
    "states_crossed",
]


def states_crossed(route: Route) -> tuple[str, ...]:
    """The states a route crosses, each once, in the order it first enters them.

    >>> from overflight.routing.planner import plan_route
    >>> states_crossed(plan_route("UUMU", "OSLK", deny=["BG", "GR", "TR", "UA", "GE"]))[0]
    'RU'
    """
    return tuple(dict.fromkeys(t.country for t in route.transit))


@dataclass(frozen=True)
class Case:
    """One labelled way to plan a route: a resolved scenario and/or denied states."""

    #: How the case is shown ("syria-2015", "deny BG,GR,TR").
    label: str
    #: A resolved scenario, or None to plan with ``deny`` alone.
    permissions: Permissions | None = None
    #: States denied on top of the scenario (alpha-2 or alpha-3), with their dependencies.
    deny: tuple[str, ...] = ()
    #: The aircraft flown: its cruise speed and usable range.
    aircraft: AircraftProfile | None = None
    #: A case stated as a request: planned as ``route`` plans it (registry, advisories at its
    #: flight level, disputed policy, wind month), the fields above left empty.
    request: FlightRequest | None = None

    def __post_init__(self) -> None:
        if not self.label.strip():
            raise InputError("a case needs a non-empty label")


def scenario_case(
    scenario: str,
    origin: str | Place,
    destination: str | Place,
    *,
    label: str | None = None,
    operator_state: str | None = None,
    category: str | None = None,
    on: dt.date | None = None,
    deny: Iterable[str] = (),
    aircraft: AircraftProfile | None = None,
) -> Case:
    """A case for a scenario (built-in name or YAML file) resolved for this flight.

    The departure and arrival states are permitted by definition, so they are allowed on
    top of the scenario unless named in ``deny``, as ``overflight route`` does.
    """
    start = origin if isinstance(origin, Place) else resolve_place(origin)
    end = destination if isinstance(destination, Place) else resolve_place(destination)
    permissions = load_scenario(scenario).resolve_for_flight(
        (start.country, end.country),
        operator_state=operator_state,
        category=category,
        on=on,
        deny=deny,
    )
    return Case(label or permissions.scenario, permissions, (), aircraft)


def deny_case(
    deny: Iterable[str], *, label: str | None = None, aircraft: AircraftProfile | None = None
) -> Case:
    """A case that denies the given states (and their dependencies), with no scenario."""
    codes = normalise_codes(deny)
    default = "deny " + ",".join(codes) if codes else "no refusals"
    return Case(label or default, None, codes, aircraft)


def request_case(request: FlightRequest, *, label: str | None = None) -> Case:
    """A case planned from a request, as ``overflight route`` would plan it.

    Its label: the scenario's name, else the states it denies, after "registry" when the
    registry decides.

    >>> request_case(FlightRequest(origin="EFHK", destination="RJAA", deny=["RU"])).label
    'deny RU'
    """
    if label is None:
        if request.scenario is not None:
            label = load_scenario(request.scenario).name
        else:
            codes = normalise_codes(request.deny)
            named = ["registry"] if request.uses_registry else []
            named += ["deny " + ",".join(codes)] if codes else []
            label = " + ".join(named) or "no refusals"
    profile = load_aircraft(request.aircraft) if request.aircraft else None
    return Case(label, aircraft=profile, request=request)


@dataclass(frozen=True)
class CaseResult:
    """What one case gives: its route, or why there is none."""

    #: The case planned.
    case: Case
    #: The route, or None when no route is possible.
    route: Route | None
    #: Why there is no route (the planner's message), else None.
    error: str | None
    #: States denied in the case, dependencies included, sorted.
    denied: tuple[str, ...]
    #: Cruise speed used for the flight time.
    speed_kt: float
    #: With an aircraft that cannot fly the route non-stop: the fuel-stop plan.
    stop_plan: StopPlan | None = None
    #: Why no fuel-stop plan exists, when the aircraft needs one and none does.
    stop_error: str | None = None
    #: The route's still-air and wind times (in the request's month; still air without one).
    time: RouteTime | None = None
    #: The advisories that bound the flight and what each did; None: no advisory layer.
    advisories: tuple[AdvisoryOutcome, ...] | None = None
    #: The scenario or registry rules resolved for a case stated as a request.
    resolved: Permissions | None = None

    @property
    def permissions(self) -> Permissions | None:
        """The resolved scenario or registry rules the case was planned under, if any."""
        return self.case.permissions or self.resolved

    @property
    def fuel_stops(self) -> tuple[str, ...]:
        """Codes of the fuel stops of the plan (none when non-stop or without aircraft)."""
        return () if self.stop_plan is None else tuple(p.code for p in self.stop_plan.stops)

    @property
    def total_time_h(self) -> float | None:
        """Time from departure to arrival: flight, plus ground time at any fuel stops."""
        if self.stop_plan is not None:
            return self.stop_plan.total_time_h
        return self.duration_h

    @property
    def label(self) -> str:
        """The case's label."""
        return self.case.label

    @property
    def distance_km(self) -> float | None:
        """Route length on the WGS84 ellipsoid, or None without a route."""
        return None if self.route is None else self.route.distance_km

    @property
    def duration_h(self) -> float | None:
        """Flight time at :attr:`speed_kt`, no wind, or None without a route."""
        return None if self.route is None else self.route.duration_h

    @property
    def extra_km(self) -> float | None:
        """Detour over the direct great circle, or None without a route."""
        return None if self.route is None else self.route.extra_km

    @property
    def extra_pct(self) -> float | None:
        """Detour as a percentage of the great circle, or None without a route."""
        return None if self.route is None else self.route.extra_pct

    @property
    def states(self) -> tuple[str, ...]:
        """States crossed, each once, in order of first entry (empty without a route)."""
        return () if self.route is None else states_crossed(self.route)

    @property
    def clearances(self) -> tuple[str, ...]:
        """States whose permission the flight as flown needs (:func:`plan.clearances`)."""
        if self.route is None:
            return ()
        return clearances(self.stop_plan.legs if self.stop_plan else (self.route,))

    @property
    def usable_range_km(self) -> float | None:
        """The aircraft's usable range (range less reserve), or None without one."""
        return None if self.case.aircraft is None else self.case.aircraft.usable_range_km()

    @property
    def within_range(self) -> bool | None:
        """Whether the aircraft flies the route non-stop; None without aircraft or route."""
        usable = self.usable_range_km
        if usable is None or self.route is None:
            return None
        return self.route.distance_km <= usable


@dataclass(frozen=True)
class Difference:
    """How one case differs from another (``to`` minus ``from``)."""

    #: Label of the case compared against (the reference).
    from_label: str
    #: Label of the case compared.
    to_label: str
    #: Change in distance, km; None when either case has no route.
    delta_km: float | None
    #: Change in still-air flight time, hours; None when either case has no route.
    delta_h: float | None
    #: States crossed in ``to`` but not in ``from``, in ``to``'s order.
    states_added: tuple[str, ...]
    #: States crossed in ``from`` but not in ``to``, in ``from``'s order.
    states_removed: tuple[str, ...]
    #: Change in flight time in the month's wind, hours; None when either has no route.
    delta_wind_h: float | None = None


@dataclass(frozen=True)
class Comparison:
    """Routes between the same two places under several cases."""

    #: Where the flight departs.
    origin: Place
    #: Where the flight arrives.
    destination: Place
    #: Length of the direct great circle (geodesic), km.
    great_circle_km: float
    #: One result per case, in the order given.
    results: tuple[CaseResult, ...]
    #: Each case other than the reference, against it.
    differences: tuple[Difference, ...]
    #: Label of the case the differences are measured from.
    reference: str = ""
    #: How disputed areas were crossed (``union`` or ``control``, FlightRequest.disputed).
    disputed: str = "union"
    #: The cruise flight level advisories were read at, when the cases are requests.
    flight_level: int | None = None
    #: The month whose mean wind the times are in (None: still air).
    month: int | None = None

    @property
    def remarks(self) -> tuple[str, ...]:
        """What a reader must know: that some case had no advisory layer applied."""
        return (NO_ADVISORIES,) if any(r.advisories is None for r in self.results) else ()

    def _repr_html_(self) -> str:
        # Drawn by the export layer when a notebook asks (pyproject's layer contract lists it).
        from overflight.export.notebook import comparison_html

        return comparison_html(self)


def _difference(first: CaseResult, other: CaseResult) -> Difference:
    both = first.route is not None and other.route is not None
    before, after = first.states, other.states
    return Difference(
        from_label=first.label,
        to_label=other.label,
        delta_km=(other.distance_km or 0.0) - (first.distance_km or 0.0) if both else None,
        delta_h=(other.duration_h or 0.0) - (first.duration_h or 0.0) if both else None,
        states_added=tuple(c for c in after if c not in before),
        states_removed=tuple(c for c in before if c not in after),
        delta_wind_h=(
            other.time.wind_h - first.time.wind_h
            if both and other.time is not None and first.time is not None
            else None
        ),
    )


def _plan_case(start: Place, end: Place, case: Case, speed_kt: float | None) -> CaseResult:
    if case.request is not None:
        return _plan_request_case(case, case.request, speed_kt)
    speed = speed_kt or (case.aircraft.cruise_speed_kt if case.aircraft else DEFAULT_SPEED_KT)
    try:
        route = plan_route(start, end, deny=case.deny, speed_kt=speed, permissions=case.permissions)
    except NoRouteError as exc:
        scenario_denied = case.permissions.overflight_denied if case.permissions else ()
        denied = tuple(sorted({*scenario_denied, *denied_closure(case.deny)}))
        return CaseResult(case, None, exc.reason, denied, speed)
    time = route_time(route)
    if case.aircraft is None or route.distance_km <= case.aircraft.usable_range_km():
        return CaseResult(case, route, None, route.denied, speed, time=time)
    try:
        stops = plan_with_stops(
            start, end, aircraft=case.aircraft, permissions=case.permissions, deny=case.deny
        )
    except NoRouteError as exc:
        return CaseResult(case, route, None, route.denied, speed, stop_error=exc.reason, time=time)
    return CaseResult(case, route, None, route.denied, speed, stop_plan=stops, time=time)


def _plan_request_case(case: Case, request: FlightRequest, speed_kt: float | None) -> CaseResult:
    """A case stated as a request, through the closure ``route`` plans it with."""
    setup = flight_setup(request if speed_kt is None else replace(request, speed_kt=speed_kt))
    speed, rules = setup.speed_kt, setup.rules
    try:
        route = planner_of(setup.closure).route(setup.start, setup.end, speed_kt=speed)
    except NoRouteError as exc:
        return CaseResult(
            case, None, exc.reason, setup.closure.denied, speed, resolved=rules.permissions
        )
    time = route_time(route, month=request.wind_month)
    result = CaseResult(
        case,
        route,
        None,
        route.denied,
        speed,
        time=time,
        advisories=setup.advisories((route,)),
        resolved=rules.permissions,
    )
    profile = setup.profile
    # Range as `route` decides it: time in the month's wind within the aircraft's endurance.
    if profile is None or range_time(route, profile, month=request.wind_month)[1]:
        return result
    try:
        stops = plan_with_stops(
            setup.start,
            setup.end,
            aircraft=profile,
            permissions=rules.permissions,
            closure=setup.closure,
            ground_time_h=request.ground_time_h,
            max_stops=request.max_stops,
            allow_disputed_stops=request.allow_disputed_stops,
            on=request.date,
            month=request.wind_month,
            optimise=request.optimise,
        )
    except NoRouteError as exc:
        return replace(result, stop_error=exc.reason)
    return replace(result, stop_plan=stops, advisories=setup.advisories(stops.legs))


def reference_case(scenarios: Sequence[str], deny_lists: Sequence[str]) -> int:
    """Index of the reference among the cases the CLI and HTTP API build from what is given.

    Those cases are the scenarios, then the deny lists, in that order; the reference is the
    first deny list that names no state (no refusals of its own), else the first case.

    >>> reference_case(["syria-2015"], ["BG,GR", ""])
    2
    >>> reference_case(["syria-2015-before", "syria-2015"], ["TR"])
    0
    """
    for k, text in enumerate(deny_lists):
        if not any(code.strip() for code in text.split(",")):
            return len(scenarios) + k
    return 0


def compare_routes(
    origin: str | Place,
    destination: str | Place,
    cases: Sequence[Case],
    *,
    speed_kt: float | None = None,
    reference: int = 0,
) -> Comparison:
    """Plan the route under each case and compare each other case with the reference.

    Parameters
    ----------
    origin, destination
        ICAO or IATA code, listed airfield identifier, ``"lat,lon"``, or a :class:`Place`.
    cases
        At least one case.
    speed_kt
        Cruise speed for every case (default: each case's aircraft's, else 450 kt).
    reference
        Index of the case the others are compared with (:attr:`Comparison.differences`);
        the first by default.

    Returns
    -------
    Comparison
        A case with no possible route has ``route`` None and the reason in ``error``;
        its differences have no deltas.

    Raises
    ------
    InputError
        For no cases, a reference index out of range, an unknown place, or an endpoint
        inside a case's denied airspace.

    """
    if not cases:
        raise InputError("nothing to compare: give at least one case (scenario or denied states)")
    labels = [c.label for c in cases]
    repeated = sorted({x for x in labels if labels.count(x) > 1})
    if repeated:
        raise InputError(f"case labels must differ: {', '.join(repeated)} given more than once")
    if not 0 <= reference < len(cases):
        raise InputError(f"reference case {reference!r}: give an index from 0 to {len(cases) - 1}")
    start = origin if isinstance(origin, Place) else resolve_place(origin)
    end = destination if isinstance(destination, Place) else resolve_place(destination)
    results = tuple(_plan_case(start, end, case, speed_kt) for case in cases)
    base = results[reference]
    asked = [c.request for c in cases if c.request is not None]
    return Comparison(
        disputed=asked[0].disputed if asked else "union",
        flight_level=asked[0].flight_level if asked else None,
        month=asked[0].wind_month if asked else None,
        origin=start,
        destination=end,
        great_circle_km=geodesic_km(*start.lonlat, *end.lonlat),
        results=results,
        differences=tuple(_difference(base, r) for r in results if r is not base),
        reference=base.label,
    )
