"""One route planned from a user's request: places, scenario, aircraft and fuel stops.

The command line and the HTTP API both plan through :func:`plan_request`, so a route asked for
either way is the same route with the same JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from overflight._config import DEFAULT_SPEED_KT
from overflight.analysis.request import FlightRequest
from overflight.analysis.timing import Considered, RouteTime, fastest_route, route_time
from overflight.data.airports import resolve_place
from overflight.errors import InputError
from overflight.models import Route
from overflight.routing.closure import Closure
from overflight.routing.planner import planner_of

if TYPE_CHECKING:
    from overflight.aircraft import AircraftProfile
    from overflight.analysis.fuel import StopPlan
    from overflight.registry import BoundAdvisory, Resolution
    from overflight.routing.advisory_areas import AdvisoryOutcome
    from overflight.routing.closure import AdvisoryArea
    from overflight.scenarios import Permissions

__all__ = ["Plan", "plan_request"]


@dataclass(frozen=True)
class Plan:
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
    #: The advisories that bound the flight and what each did to the route; None when no
    #: advisory layer was applied (no operator, or ``no_advisories``).
    advisories: tuple[AdvisoryOutcome, ...] | None = None
    #: What the advisories' answer cannot know (a FIR its states stand for).
    advisory_warnings: tuple[str, ...] = ()

    @property
    def timing(self) -> RouteTime:
        """The non-stop route's still-air and wind times, in the request's month (if any)."""
        month = self.request.wind_month if self.request is not None else None
        return route_time(self.route, month=month)

    @property
    def legs(self) -> tuple[Route, ...]:
        """The legs as flown: the fuel-stop legs, or the one non-stop route."""
        return self.stops.legs if self.stops is not None else (self.route,)

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
        if self.request is not None:
            data |= self.request.reported()
        data |= self.timing.to_dict()
        if self.alternatives:
            data["alternatives"] = [a.to_dict() for a in self.alternatives]
        if self.registry is not None:
            data |= self.registry.to_dict()
        if self.advisories is not None:
            data["advisories"] = [a.to_dict() for a in self.advisories]
        if self.advisory_warnings:
            data["advisory_warnings"] = list(self.advisory_warnings)
        elif self.permissions is not None:
            p = self.permissions
            data["scenario"] = {
                "name": p.scenario,
                "date": p.on.isoformat(),
                "operator_state": p.operator_state,
                "category": p.category,
            }
        if self.aircraft is not None:
            usable = self.aircraft.usable_range_km()
            data["aircraft"] = {
                "designator": self.aircraft.designator,
                "name": self.aircraft.name,
                "cruise_speed_kt": self.aircraft.cruise_speed_kt,
                "usable_range_km": usable,
                "within_range": self.route.distance_km <= usable,
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
            ):
                data[key] = plan[key]
        return data


def plan_request(request: FlightRequest) -> Plan:
    """Plan a flight as a user asks for it (codes, scenario name, aircraft type, files).

    >>> from overflight.analysis import FlightRequest
    >>> plan = plan_request(FlightRequest(origin="UUMU", destination="OSLK", deny=["BG,GR,TR"]))
    >>> "TR" in [t.country for t in plan.route.transit]
    False
    """
    r = request
    # Scenarios, the registry, aircraft and fuel stops load pydantic and scipy: only when asked.
    if r.aircraft or r.scenario or r.avoid or r.uses_registry:
        from overflight.aircraft import load_aircraft
        from overflight.analysis.fuel import plan_with_stops, read_stop_pool
        from overflight.registry import world
        from overflight.scenarios import load_scenario, read_avoid_file

    start, end = resolve_place(r.origin), resolve_place(r.destination)
    profile = load_aircraft(r.aircraft) if r.aircraft else None
    speed = r.speed_kt or (profile.cruise_speed_kt if profile else DEFAULT_SPEED_KT)
    areas = tuple(read_avoid_file(path) for path in r.avoid)
    permissions: Permissions | None = None
    resolution: Resolution | None = None
    if r.optimise == "time" and r.wind_month is None and not r.no_wind:
        raise InputError(
            "--optimise time needs a month's wind: give --month or --date (or --no-wind)"
        )
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
        closure = Closure.from_permissions(None, deny=r.deny, margin_nm=r.margin_nm, avoid=areas)
        layer = _NO_LAYER
    else:
        if r.scenario is None:
            resolution = world().resolve(
                operator=r.operator,
                category=r.category,
                date=r.date,
                airline=r.airline,
                endpoints=(start.country, end.country),
                deny=r.deny,
                allow=r.allow,
            )
            permissions = resolution.permissions
        else:
            permissions = load_scenario(r.scenario).resolve_for_flight(
                (start.country, end.country),
                operator_state=_operator_state(r),
                category=r.category,
                on=r.date,
                deny=r.deny,
                allow=r.allow,
            )
        if areas:
            permissions = replace(permissions, avoid=(*permissions.avoid, *areas))
        layer = _advisory_layer(r, permissions, resolution)
        closure = Closure.from_permissions(
            permissions, margin_nm=r.margin_nm, advisories=layer.areas
        )
    planner = planner_of(closure)
    planned = planner.route(start, end, speed_kt=speed)
    considered: tuple[Considered, ...] = ()
    if r.optimise == "time":
        planned, considered = fastest_route(planner, planned, month=r.wind_month)
    if profile is None and (r.via or r.stop_pool):
        raise InputError("--via and --stop-pool choose fuel stops: give --aircraft too")
    if profile is None or (not r.via and planned.distance_km <= profile.usable_range_km()):
        return Plan(
            planned,
            permissions,
            profile,
            request=request,
            registry=resolution,
            alternatives=considered,
            advisories=layer.outcomes(r, (planned,)),
            advisory_warnings=layer.warnings,
        )
    if areas and permissions is None:
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
        # A scenario's permissions already hold the states denied on top.
        deny=r.deny if permissions is None else (),
        margin_nm=r.margin_nm,
        ground_time_h=r.ground_time_h,
        max_stops=r.max_stops,
        via=r.via,
        stop_pool=None if r.stop_pool is None else read_stop_pool(r.stop_pool),
        allow_disputed_stops=r.allow_disputed_stops,
        on=r.date,
        closure=closure if closure.advisories else None,
    )
    return Plan(
        planned,
        permissions,
        profile,
        stops,
        request,
        registry=resolution,
        alternatives=considered,
        advisories=layer.outcomes(r, stops.legs),
        advisory_warnings=layer.warnings,
    )


@dataclass(frozen=True)
class _AdvisoryLayer:
    """The advisories that bind one flight, and their areas at its level (None: no layer)."""

    bound: tuple[BoundAdvisory, ...] | None = None
    areas: tuple[AdvisoryArea, ...] = ()
    warnings: tuple[str, ...] = ()

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
        )


_NO_LAYER = _AdvisoryLayer()


def _advisory_layer(
    request: FlightRequest, permissions: Permissions, resolution: Resolution | None
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
        bound, advisory_areas(bound, r.flight_level, strict=r.strict), fir_warnings(bound)
    )


def _operator_state(request: FlightRequest) -> str | None:
    """The operator's state a scenario is resolved for: given, or the airline's."""
    if request.operator is not None or request.airline is None:
        return request.operator
    from overflight.data.airlines import airline

    return airline(request.airline).state
