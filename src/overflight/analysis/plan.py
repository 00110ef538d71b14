"""One route planned from a user's request: places, scenario, aircraft and fuel stops.

The command line and the HTTP API both plan through :func:`plan_request`, so a route asked for
either way is the same route with the same JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from overflight._config import DEFAULT_SPEED_KT
from overflight.analysis.request import FlightRequest
from overflight.data.airports import resolve_place
from overflight.errors import InputError
from overflight.models import Route
from overflight.routing.planner import plan_route

if TYPE_CHECKING:
    from overflight.aircraft import AircraftProfile
    from overflight.analysis.fuel import StopPlan
    from overflight.scenarios import Permissions

__all__ = ["NO_ADVISORIES", "Plan", "clearances", "plan_request"]

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
class Plan:
    """A planned route with what it was planned under, for rendering."""

    route: Route
    permissions: Permissions | None
    aircraft: AircraftProfile | None
    #: The multi-leg plan, when the aircraft cannot fly the route non-stop.
    stops: StopPlan | None = None
    #: The request it answers, when planned from one.
    request: FlightRequest | None = None

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
        return (NO_ADVISORIES,)

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
        # No advisory layer exists yet: null, with a remark saying so, rather than silence.
        data["advisories"] = None
        data["remarks"] = list(self.remarks)
        if self.request is not None:
            data |= self.request.reported()
        if self.permissions is not None:
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
    # Scenarios, aircraft and fuel stops load pydantic and scipy: only when asked for.
    if r.aircraft or r.scenario or r.avoid:
        from overflight.aircraft import load_aircraft
        from overflight.analysis.fuel import plan_with_stops
        from overflight.scenarios import load_scenario, read_avoid_file

    start, end = resolve_place(r.origin), resolve_place(r.destination)
    profile = load_aircraft(r.aircraft) if r.aircraft else None
    speed = r.speed_kt or (profile.cruise_speed_kt if profile else DEFAULT_SPEED_KT)
    areas = tuple(read_avoid_file(path) for path in r.avoid)
    permissions: Permissions | None = None
    if r.scenario is None:
        if r.allow:
            raise InputError("--allow opens states a scenario closes: give --scenario too")
        planned = plan_route(
            start, end, deny=r.deny, margin_nm=r.margin_nm, speed_kt=speed, avoid=areas
        )
    else:
        permissions = load_scenario(r.scenario).resolve_for_flight(
            (start.country, end.country),
            operator_state=r.operator,
            category=r.category,
            on=r.date,
            deny=r.deny,
            allow=r.allow,
        )
        if areas:
            permissions = replace(permissions, avoid=(*permissions.avoid, *areas))
        planned = plan_route(
            start, end, margin_nm=r.margin_nm, speed_kt=speed, permissions=permissions
        )
    if profile is None or planned.distance_km <= profile.usable_range_km():
        return Plan(planned, permissions, profile, request=request)
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
    )
    return Plan(planned, permissions, profile, stops, request)
