"""One route planned from a user's request: places, scenario, aircraft and fuel stops.

The command line and the HTTP API both plan through :func:`plan_request`, so a route asked for
either way is the same route with the same JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from overflight._config import DEFAULT_SPEED_KT
from overflight.analysis.request import FlightRequest
from overflight.analysis.timing import Considered, RouteTime, fastest_route, route_time
from overflight.data.airports import resolve_place
from overflight.data.airspace import states, states_at
from overflight.errors import DeniedEndpointError, InputError
from overflight.geo.ellipsoid import densify_array
from overflight.models import Place, Route, RouteViews
from overflight.routing.closure import Closure
from overflight.routing.planner import planner_of
from overflight.routing.transit import TRACK_STEP_KM

if TYPE_CHECKING:
    from overflight.aircraft import AircraftProfile
    from overflight.analysis.fuel import StopPlan
    from overflight.data.disputed import DisputedArea
    from overflight.data.firs import FirSet
    from overflight.registry import BoundAdvisory, Resolution
    from overflight.routing.advisory_areas import AdvisoryOutcome
    from overflight.routing.closure import AdvisoryArea
    from overflight.routing.fir_crossings import FirCrossing
    from overflight.scenarios import Permissions

__all__ = [
    "NO_ADVISORIES",
    "DisputedCrossing",
    "FlightRules",
    "FlightSetup",
    "Plan",
    "clearances",
    "endpoint_states",
    "flight_rules",
    "flight_setup",
    "plan_request",
]

#: Said with every plan while no advisory layer shapes routes: the route avoids refusals only.
NO_ADVISORIES = (
    "No advisory layer applied: conflict-zone advisories and national prohibitions for "
    "operators are not taken into account, so the route may cross airspace that operators avoid."
)


def clearances(legs: Iterable[Route]) -> tuple[str, ...]:
    """States whose permission the flight needs, each once, in the order it first enters them.

    Every state the legs cross, fuel-stop states included (landing there needs permission),
    less the departure and arrival states: those are permitted by definition (DESIGN.md), as
    ``Scenario.resolve_for_flight`` makes them; a dispatcher files their departure and arrival,
    not an overflight clearance.
    """
    legs = tuple(legs)
    ends = {legs[0].origin.country, legs[-1].destination.country}
    crossed = dict.fromkeys(t.country for leg in legs for t in leg.transit)
    return tuple(c for c in crossed if c not in ends)


@dataclass(frozen=True)
class DisputedCrossing:
    """A disputed area the route departs from, arrives in or crosses, and how it was treated."""

    #: Key in ``data/disputed.yaml``.
    key: str
    #: Name shown to users.
    name: str
    #: Alpha-2 codes of the states that claim it.
    claimants: tuple[str, ...]
    #: Who held it on the flight's date, as the source names it.
    held_by: str
    #: Alpha-2 code of the state holding it, or None for an unrecognised authority.
    controller: str | None
    #: Whether it was opened to this flight although a claimant refuses it.
    opened: bool

    def describe(self) -> str:
        """One line for the text report.

        >>> DisputedCrossing("crimea", "Crimea", ("UA", "RU"), "Russia", "RU", True).describe()
        'Crimea, claimed by UA, RU, held by Russia (RU): opened to this flight'
        """
        holder = f"{self.held_by} ({self.controller})" if self.controller else self.held_by
        verdict = "opened to this flight" if self.opened else "no claimant refuses this flight"
        return f"{self.name}, claimed by {', '.join(self.claimants)}, held by {holder}: {verdict}"

    def to_dict(self) -> dict[str, Any]:
        """The crossing as JSON."""
        return {
            "key": self.key,
            "name": self.name,
            "claimants": list(self.claimants),
            "held_by": self.held_by,
            "controller": self.controller,
            "opened": self.opened,
        }


@dataclass(frozen=True)
class Plan(RouteViews):
    """A planned route with what it was planned under, for rendering."""

    route: Route
    permissions: Permissions | None
    aircraft: AircraftProfile | None
    #: The multi-leg plan, when the aircraft cannot fly the route non-stop.
    stops: StopPlan | None = None
    #: The request it answers, when planned from one.
    request: FlightRequest | None = None
    #: What the registry permitted and which of its rules said so, when it decided.
    registry: Resolution | None = None
    #: With ``optimise="time"``: the distinct routes chosen among, shortest first.
    alternatives: tuple[Considered, ...] = ()
    #: The disputed areas at the endpoints or along the non-stop route (None: not looked up,
    #: the request kept the conservative union without a registry or scenario).
    disputed: tuple[DisputedCrossing, ...] | None = None
    #: The advisories that bound the flight and what each did to the route; None when no
    #: advisory layer was applied (no operator, or ``no_advisories``).
    advisories: tuple[AdvisoryOutcome, ...] | None = None
    #: What the advisories' answer cannot know (a FIR its states stand for).
    advisory_warnings: tuple[str, ...] = ()
    #: The FIRs the non-stop route crosses, in order (None: no FIR outlines loaded).
    firs: tuple[FirCrossing, ...] | None = None

    @property
    def eet(self) -> str | None:
        """The flight plan's item 18 ``EET/`` for the non-stop route (None: no FIRs loaded)."""
        if self.firs is None:
            return None
        from overflight.routing.fir_crossings import eet

        return eet(self.firs)

    @property
    def timing(self) -> RouteTime:
        """The non-stop route's still-air and wind times, in the request's month (if any)."""
        month = self.request.wind_month if self.request is not None else None
        return route_time(self.route, month=month)

    @property
    def range_time(self) -> tuple[RouteTime, bool] | None:
        """The non-stop route's times at the aircraft's speed, and whether it is within range.

        In the request's month, as fuel stops are decided; None without an aircraft.
        """
        if self.aircraft is None:
            return None
        from overflight.analysis.fuel import range_time

        month = self.request.wind_month if self.request is not None else None
        return range_time(self.route, self.aircraft, month=month)

    @property
    def legs(self) -> tuple[Route, ...]:
        """The legs as flown: the fuel-stop legs, or the one non-stop route."""
        return self.stops.legs if self.stops is not None else (self.route,)

    @property
    def clearances(self) -> tuple[str, ...]:
        """States whose permission the flight as flown needs (see :func:`clearances`)."""
        return clearances(self.legs)

    @property
    def remarks(self) -> tuple[str, ...]:
        """What a reader must know to weigh the answer (no advisory layer applied)."""
        return (NO_ADVISORIES,) if self.advisories is None else ()

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """GeoJSON Feature of the flight as flown: every leg's track, with its stops.

        So ``geopandas.GeoDataFrame.from_features([plan])`` has one row per plan.
        """
        parts: list[Any] = []
        for leg in self.legs:
            geometry = leg.__geo_interface__["geometry"]
            coords = geometry["coordinates"]
            parts += [coords] if geometry["type"] == "LineString" else coords
        return {
            "type": "Feature",
            "geometry": {"type": "MultiLineString", "coordinates": parts},
            "properties": {
                "origin": self.route.origin.code,
                "destination": self.route.destination.code,
                "denied": list(self.route.denied),
                "stops": [place.code for place in self.stops.stops] if self.stops else [],
                "flown_km": sum(leg.distance_km for leg in self.legs),
                "nonstop_km": self.route.distance_km,
                "great_circle_km": self.route.great_circle_km,
                "flight_time_h": sum(leg.duration_h for leg in self.legs),
                "total_time_h": (
                    self.stops.total_time_h if self.stops is not None else self.route.duration_h
                ),
            },
        }

    def to_dict(self) -> dict[str, Any]:
        """The route's JSON, with the scenario and aircraft it was planned under."""
        data = self.route.to_dict()
        data["clearances"] = list(self.clearances)
        # Without an advisory layer: null, with a remark saying so, rather than silence.
        data["advisories"] = (
            None if self.advisories is None else [a.to_dict() for a in self.advisories]
        )
        if self.advisory_warnings:
            data["advisory_warnings"] = list(self.advisory_warnings)
        if self.firs is not None:
            data["firs"] = [c.to_dict() for c in self.firs]
            data["eet"] = self.eet
        data["remarks"] = list(self.remarks)
        if self.request is not None:
            data |= self.request.reported()
        data |= self.timing.to_dict()
        if self.alternatives:
            data["alternatives"] = [a.to_dict() for a in self.alternatives]
        if self.disputed is not None:
            data["disputed_areas"] = [d.to_dict() for d in self.disputed]
        if self.registry is not None:
            data |= self.registry.to_dict()
        elif self.permissions is not None:
            p = self.permissions
            data["scenario"] = {
                "name": p.scenario,
                "date": p.on.isoformat(),
                "operator_state": p.operator_state,
                "category": p.category,
            }
        if self.aircraft is not None and self.range_time is not None:
            data["aircraft"] = {
                "designator": self.aircraft.designator,
                "name": self.aircraft.name,
                "cruise_speed_kt": self.aircraft.cruise_speed_kt,
                "usable_range_km": self.aircraft.usable_range_km(),
                "endurance_h": self.aircraft.endurance_h(),
                "within_range": self.range_time[1],
            }
        if self.stops is not None:
            from overflight.analysis.fuel import stop_plan_to_dict

            # The top-level fields describe the non-stop route; `legs` the plan flown.
            plan = stop_plan_to_dict(self.stops)
            for key in (
                "legs",
                "stops",
                "total_distance_km",
                "flight_time_h",
                "ground_time_h",
                "total_time_h",
                "flight_wind_h",
                "total_wind_h",
            ):
                data[key] = plan[key]
        # Read for JSON alone: the text has no versions, and the lookup of installed
        # packages' versions loads importlib.metadata.
        from overflight.analysis.versions import data_versions

        data["versions"] = data_versions()
        return data


@dataclass(frozen=True)
class FlightRules:
    """What a request's rules make of a flight between two states: permissions, advisories.

    They depend on the places only through the states a departure and an arrival permit
    (``ends``), so a batch resolves them once for many pairs.
    """

    #: The resolved scenario or registry (None: a plain deny list).
    permissions: Permissions | None
    #: What the registry permitted and which of its rules said so, when it decided.
    resolution: Resolution | None
    #: The advisories that bind the flight and their areas at its level.
    layer: _AdvisoryLayer
    #: The day the rules and the disputed areas' control are read for.
    day: dt.date
    #: The disputed areas' policy applied (None: the plain conservative union, no lookup).
    disputed: str | None
    #: Avoid areas read from the request's files (None unless it names some).
    areas: tuple[Any, ...] = ()
    #: The FIR outlines of the request (``--fir-file`` or traffic's), if any.
    firs: FirSet | None = None

    def closure(self, request: FlightRequest, start: Place, end: Place) -> Closure:
        """What the flight between these places may not cross."""
        return Closure.from_permissions(
            self.permissions,
            deny=request.deny if self.permissions is None else (),
            margin_nm=request.margin_nm,
            avoid=self.areas if self.permissions is None else (),
            disputed=self.disputed,
            on=self.day,
            endpoints=(start.lonlat, end.lonlat),
            advisories=self.layer.areas,
        )

    def advisories(
        self, request: FlightRequest, legs: Iterable[Route]
    ) -> tuple[AdvisoryOutcome, ...] | None:
        """The advisories that bound the flight and what each did to the legs; None: no layer."""
        return self.layer.outcomes(request, tuple(legs))

    @property
    def remarks(self) -> tuple[str, ...]:
        """What a reader must know to weigh the answer (no advisory layer applied)."""
        return (NO_ADVISORIES,) if self.layer.bound is None else ()


@dataclass(frozen=True)
class FlightSetup:
    """A request made ready to plan: its places, speed, aircraft, rules and closure."""

    request: FlightRequest
    start: Place
    end: Place
    #: The aircraft flown, if any.
    profile: AircraftProfile | None
    #: Cruise speed: the request's, else the aircraft's, else the default.
    speed_kt: float
    rules: FlightRules
    #: What the flight may not cross.
    closure: Closure

    def advisories(self, legs: Iterable[Route]) -> tuple[AdvisoryOutcome, ...] | None:
        """The advisories that bound the flight and what each did to the legs; None: no layer."""
        return self.rules.advisories(self.request, legs)


def flight_rules(request: FlightRequest, ends: tuple[str | None, ...]) -> FlightRules:
    """The permissions, advisories and disputed policy of a request between two states.

    ``ends`` are the states the departure and arrival permit (:func:`endpoint_states`).

    Raises
    ------
    InputError
        For options that need a scenario or the registry given without one, or an unknown
        scenario, operator, airline or category.

    """
    r = request
    # Scenarios, the registry and avoid areas load pydantic: only when asked.
    if r.scenario or r.avoid or r.uses_registry:
        from overflight.registry import world
        from overflight.scenarios import avoid_area, load_scenario
    found = (avoid_area(area, flight_level=r.flight_level) for area in r.avoid)
    areas = tuple(area for area in found if area is not None)
    permissions: Permissions | None = None
    resolution: Resolution | None = None
    if r.scenario is None and not r.uses_registry:
        if r.allow:
            raise InputError(
                "--allow opens states a scenario or the registry closes: give --scenario, "
                "or --operator, --airline or --date"
            )
        if r.advisories_file is not None:
            raise InputError(
                f"--advisories {r.advisories_file}: advisories bind operators; give "
                "--operator or --airline (and --date)"
            )
    else:
        if r.scenario is None:
            resolution = world().resolve(
                operator=r.operator,
                category=r.category,
                date=r.date,
                airline=r.airline,
                endpoints=ends,
                deny=r.deny,
                allow=r.allow,
            )
            permissions = resolution.permissions
        else:
            permissions = load_scenario(r.scenario).resolve_for_flight(
                ends,
                operator_state=_operator_state(r),
                category=r.category,
                on=r.date,
                deny=r.deny,
                allow=r.allow,
            )
        if areas:
            permissions = replace(permissions, avoid=(*permissions.avoid, *areas))
    firs = _fir_set(r)
    layer = _NO_LAYER if permissions is None else _advisory_layer(r, permissions, resolution, firs)
    day = permissions.on if permissions is not None else r.date or dt.date.today()
    disputed = r.disputed if _consulted(r) else None
    return FlightRules(permissions, resolution, layer, day, disputed, areas, firs)


def _consulted(request: FlightRequest) -> bool:
    """Whether the disputed areas' table is read for the request.

    It loads pydantic: read when a registry, a scenario or the control policy is asked for
    (a plain --deny keeps the conservative union).
    """
    r = request
    return r.scenario is not None or r.uses_registry or r.disputed == "control"


def endpoint_states(request: FlightRequest, start: Place, end: Place) -> tuple[str | None, ...]:
    """The states a departure and an arrival permit (none for a place in a held disputed area)."""
    if not _consulted(request):
        return (start.country, end.country)
    # A place in a disputed area grants no state by itself: its area opens only where a
    # permitted state holds it (routing/closure.py).
    day = request.date or dt.date.today()
    return tuple(_endpoint_state(p, day) for p in (start, end))


def flight_setup(
    request: FlightRequest, *, places: tuple[Place, Place] | None = None
) -> FlightSetup:
    """The one way a request becomes a closure: places, aircraft, rules, advisories, disputes.

    Every command that plans takes its closure from here, so that an option means the same
    to each. ``places`` are the request's origin and destination already resolved (the
    server resolves them first, to name the parameter at fault).

    >>> setup = flight_setup(FlightRequest(origin="EDDF", destination="OMDB", airline="DLH",
    ...                                    date=dt.date(2020, 2, 1), flight_level=230))
    >>> setup.rules.disputed, any(a.obstacle for a in setup.closure.advisories)
    ('union', True)
    """
    r = request
    if r.aircraft:
        from overflight.aircraft import load_aircraft
    start, end = places or (resolve_place(r.origin), resolve_place(r.destination))
    profile = load_aircraft(r.aircraft) if r.aircraft else None
    speed = r.speed_kt or (profile.cruise_speed_kt if profile else DEFAULT_SPEED_KT)
    if r.optimise == "time" and r.wind_month is None and not r.no_wind:
        raise InputError(
            "--optimise time needs a month's wind: give --month or --date (or --no-wind)"
        )
    rules = flight_rules(r, endpoint_states(r, start, end))
    closure = rules.closure(r, start, end)
    if rules.disputed is not None:
        for role, place in (("origin", start), ("destination", end)):
            _check_disputed_endpoint(role, place, closure, rules.day, rules.permissions)
    return FlightSetup(r, start, end, profile, speed, rules, closure)


def plan_request(request: FlightRequest, *, places: tuple[Place, Place] | None = None) -> Plan:
    """Plan a flight as a user asks for it (codes, scenario name, aircraft type, files).

    ``places``: the origin and destination already resolved (see :func:`flight_setup`).

    >>> from overflight.analysis import FlightRequest
    >>> plan = plan_request(FlightRequest(origin="UUMU", destination="OSLK", deny=["BG,GR,TR"]))
    >>> "TR" in [t.country for t in plan.route.transit]
    False
    """
    r = request
    setup = flight_setup(r, places=places)
    start, end, profile, rules, closure = (
        setup.start,
        setup.end,
        setup.profile,
        setup.rules,
        setup.closure,
    )
    permissions, resolution, layer = rules.permissions, rules.resolution, rules.layer
    planner = planner_of(closure)
    planned = planner.route(start, end, speed_kt=setup.speed_kt)
    considered: tuple[Considered, ...] = ()
    if r.optimise == "time":
        planned, considered = fastest_route(planner, planned, month=r.wind_month)
    disputed = (
        _disputed_crossings(planned, closure, rules.day) if rules.disputed is not None else None
    )
    if profile is None and (r.via or r.stop_pool):
        raise InputError("--via and --stop-pool choose fuel stops: give --aircraft too")
    if profile is not None:  # fuel stops load scipy: only with an aircraft
        from overflight.analysis.fuel import plan_with_stops, range_time, read_stop_pool
    if profile is None or (not r.via and range_time(planned, profile, month=r.wind_month)[1]):
        return Plan(
            planned,
            permissions,
            profile,
            request=request,
            registry=resolution,
            alternatives=considered,
            disputed=disputed,
            advisories=layer.outcomes(r, (planned,)),
            advisory_warnings=layer.warnings,
            firs=_crossings(planned, rules.firs),
        )
    if rules.areas and permissions is None:
        raise InputError(
            f"the route ({planned.distance_km:,.0f} km) is beyond the {profile.designator}'s "
            f"usable range ({profile.usable_range_km():,.0f} km) and fuel stops around "
            "avoid areas are planned under a scenario: give --scenario too"
        )
    stops = plan_with_stops(
        start,
        end,
        aircraft=profile,
        permissions=permissions,
        # The non-stop route's closure: the states denied on top, the disputed areas opened.
        closure=closure,
        ground_time_h=r.ground_time_h,
        max_stops=r.max_stops,
        via=r.via,
        stop_pool=None if r.stop_pool is None else read_stop_pool(r.stop_pool),
        allow_disputed_stops=r.allow_disputed_stops,
        on=r.date,
        month=r.wind_month,
        optimise=r.optimise,
    )
    return Plan(
        planned,
        permissions,
        profile,
        stops,
        request,
        registry=resolution,
        alternatives=considered,
        disputed=disputed,
        advisories=layer.outcomes(r, stops.legs),
        advisory_warnings=layer.warnings,
        firs=_crossings(planned, rules.firs),
    )


@dataclass(frozen=True)
class _AdvisoryLayer:
    """The advisories that bind one flight, and their areas at its level (None: no layer)."""

    bound: tuple[BoundAdvisory, ...] | None = None
    areas: tuple[AdvisoryArea, ...] = ()
    warnings: tuple[str, ...] = ()
    firs: FirSet | None = None

    def outcomes(
        self, request: FlightRequest, legs: tuple[Route, ...]
    ) -> tuple[AdvisoryOutcome, ...] | None:
        if self.bound is None:
            return None
        from overflight.routing.advisory_areas import advisory_outcomes

        return advisory_outcomes(
            self.bound,
            request.flight_level,
            [leg.waypoints for leg in legs],
            strict=request.strict,
            firs=self.firs,
            margin_nm=request.margin_nm,
        )


_NO_LAYER = _AdvisoryLayer()


def _fir_set(request: FlightRequest) -> FirSet | None:
    """The FIR outlines of the request's file, else of an installed traffic, else None."""
    from overflight.data.firs import fir_set_of

    return fir_set_of(request.fir_file, id_property=request.fir_id_property)


def _crossings(route: Route, firs: FirSet | None) -> tuple[FirCrossing, ...] | None:
    if firs is None:
        return None
    from overflight.routing.fir_crossings import fir_crossings

    return fir_crossings(route, firs)


def _advisory_layer(
    request: FlightRequest,
    permissions: Permissions,
    resolution: Resolution | None,
    firs: FirSet | None,
) -> _AdvisoryLayer:
    """The advisories that bind the flight, none with ``no_advisories``.

    The catalogue's when the registry decides; the user's file whenever an operator is known.
    """
    r = request
    if r.no_advisories or (resolution is None and r.advisories_file is None):
        return _NO_LAYER
    from overflight.registry import advisories_for, read_advisory_file
    from overflight.routing.advisory_areas import advisory_areas, fir_warnings

    if permissions.operator_state is None:
        if r.advisories_file is not None:
            raise InputError(
                f"--advisories {r.advisories_file}: advisories bind operators; give "
                "--operator or --airline"
            )
        return _NO_LAYER
    extra = (read_advisory_file(r.advisories_file),) if r.advisories_file else ()
    airline = resolution.airline if resolution is not None else None
    bound = advisories_for(
        operator=permissions.operator_state,
        category=permissions.category,
        on=permissions.on,
        airline=airline.icao if airline is not None else None,
        extra=extra,
        shipped=resolution is not None,
    )
    return _AdvisoryLayer(
        bound,
        advisory_areas(bound, r.flight_level, strict=r.strict, firs=firs),
        fir_warnings(bound, firs),
        firs,
    )


def _operator_state(request: FlightRequest) -> str | None:
    """The operator's state a scenario is resolved for: given, or the airline's."""
    if request.operator is not None or request.airline is None:
        return request.operator
    from overflight.data.airlines import airline

    return airline(request.airline).state


def _polygon_areas(place: Place, day: dt.date) -> tuple[DisputedArea, ...]:
    """The disputed areas placed by polygon that hold the place on the date, if any."""
    from overflight.data.disputed import areas_at

    return tuple(a for a in areas_at(place.lon, place.lat, on=day) if a.within_states)


def _endpoint_state(place: Place, day: dt.date) -> str | None:
    """The state a departure or arrival place permits: its own, none in a held disputed area.

    Crimea is in the airspace of both UA and RU: departing from it must open neither state.
    """
    held = [a for a in _polygon_areas(place, day) if (c := a.controller(day)) and c.state]
    return None if held else place.country


def _check_disputed_endpoint(
    role: str, place: Place, closure: Closure, day: dt.date, permissions: Permissions | None
) -> None:
    """Refuse an endpoint in a disputed area its holder closes, naming the area and holder.

    Departing from or arriving in the area is landing in the holder's territory; otherwise
    the area must be open to the flight (held by a permitted state).
    """
    inside = states_at(place.lon, place.lat, closure.denied)
    label = place.code if place.name == place.code else f"{place.code} ({place.name})"
    for found in _polygon_areas(place, day):
        control = found.controller(day)
        if control is None or control.state is None:
            continue
        where = (
            f"{label}, in {found.name} held by {control.by} ({control.state}) since {control.start}"
        )
        if permissions is not None and not permissions.may_land(control.state):
            raise InputError(
                f"the {role} {where}, may not be used: {control.state} does not let this "
                f"flight land or depart there (claimed by {', '.join(found.claimants)})"
            )
        if inside and not closure.holds(place.lon, place.lat):
            names = tuple(f"{states()[c].name} ({c})" for c in inside)
            raise DeniedEndpointError(role, where, names)


def _disputed_crossings(
    route: Route, closure: Closure, day: dt.date
) -> tuple[DisputedCrossing, ...]:
    """The disputed areas at the route's endpoints or along it, and whether they were opened."""
    from overflight.data.disputed import areas_at, areas_on_path

    # The drawn track's points, without drawing it (most plans are never drawn).
    points = densify_array(route.waypoints, TRACK_STEP_KM)
    found = {a.key: a for a in areas_on_path(points[:, 0], points[:, 1], on=day)}
    for place in (route.origin, route.destination):
        found |= {a.key: a for a in areas_at(place.lon, place.lat, on=day, idents=[place.code])}
    opened = {a.key for a in closure.held}
    out = []
    for key, found_area in found.items():
        control = found_area.controller(day)
        assert control is not None  # the lookups only return areas in force on the day
        out.append(
            DisputedCrossing(
                key,
                found_area.name,
                found_area.claimants,
                control.by,
                control.state,
                key in opened,
            )
        )
    return tuple(out)
