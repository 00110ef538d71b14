"""Commands of the ``overflight`` tool.

Exit status: 0 success, 2 bad input, 3 no route possible, 4 internal check failed.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from contextlib import nullcontext
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from overflight.data.airports import resolve_place
from overflight.data.airspace import normalise_codes
from overflight.errors import InputError, NoRouteError, OverflightError
from overflight.export.geojson import route_to_geojson
from overflight.export.json import route_to_dict
from overflight.models import Route
from overflight.routing.graph import use_compiled_queries
from overflight.routing.planner import plan_route

if TYPE_CHECKING:
    from overflight.aircraft import AircraftProfile
    from overflight.analysis.fuel import StopPlan
    from overflight.scenarios import Permissions

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_INTERNAL",
    "EXIT_NO_ROUTE",
    "Plan",
    "app",
    "main",
    "plan_from_options",
]

EXIT_BAD_INPUT = 2
EXIT_NO_ROUTE = 3
EXIT_INTERNAL = 4
DEFAULT_SPEED_KT = 450.0

app = typer.Typer(
    name="overflight",
    help="Plan flights around denied sovereign airspace.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(StrEnum):
    """What `route` writes."""

    text = "text"
    json = "json"
    geojson = "geojson"


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    """Plan flights around denied sovereign airspace."""
    if version:
        from overflight import __version__

        typer.echo(f"overflight {__version__}")
        raise typer.Exit()


def _codes(values: list[str]) -> list[str]:
    """Codes given as repeated options and/or comma-separated lists."""
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


def _fail(message: str, status: int) -> typer.Exit:
    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(status)


@dataclass(frozen=True)
class Plan:
    """A planned route with what it was planned under, for rendering."""

    route: Route
    permissions: Permissions | None
    aircraft: AircraftProfile | None
    #: The multi-leg plan, when the aircraft cannot fly the route non-stop.
    stops: StopPlan | None = None

    def to_dict(self) -> dict[str, Any]:
        """The route's JSON, with the scenario and aircraft it was planned under."""
        data = route_to_dict(self.route)
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


def plan_from_options(
    origin: str,
    destination: str,
    *,
    deny: list[str],
    allow: list[str],
    scenario: str | None,
    on: dt.date | None,
    operator: str | None,
    category: str | None,
    avoid: list[Path],
    margin_nm: float,
    speed_kt: float | None,
    aircraft: str | None,
    ground_time_h: float = 1.0,
    max_stops: int = 3,
) -> Plan:
    """Resolve the command-line options into a planned route (library calls only)."""
    # Scenarios, aircraft and fuel stops load pydantic and scipy: only when asked for.
    if aircraft or scenario or avoid:
        from overflight.aircraft import load_aircraft
        from overflight.analysis.fuel import plan_with_stops
        from overflight.scenarios import load_scenario, read_avoid_file

    start, end = resolve_place(origin), resolve_place(destination)
    profile = load_aircraft(aircraft) if aircraft else None
    speed = speed_kt or (profile.cruise_speed_kt if profile else DEFAULT_SPEED_KT)
    areas = tuple(read_avoid_file(path) for path in avoid)
    if scenario is None:
        if allow:
            raise InputError("--allow opens states a scenario closes: give --scenario too")
        planned = plan_route(
            start, end, deny=deny, margin_nm=margin_nm, speed_kt=speed, avoid=areas
        )
        return Plan(planned, None, profile)
    chosen = load_scenario(scenario)
    # The departure and arrival states are permitted for the flight by definition,
    # unless the user names them in --deny.
    ends = tuple(c for c in (start.country, end.country) if c)
    permissions = chosen.resolve(
        operator_state=operator,
        category=category,
        on=on,
        deny=deny,
        allow=[*allow, *(c for c in ends if c not in normalise_codes(deny))],
        endpoints=ends or None,
    )
    if areas:
        permissions = replace(permissions, avoid=(*permissions.avoid, *areas))
    planned = plan_route(start, end, margin_nm=margin_nm, speed_kt=speed, permissions=permissions)
    stops = None
    if profile is not None and planned.distance_km > profile.usable_range_km():
        stops = plan_with_stops(
            start,
            end,
            aircraft=profile,
            permissions=permissions,
            margin_nm=margin_nm,
            ground_time_h=ground_time_h,
            max_stops=max_stops,
        )
    return Plan(planned, permissions, profile, stops)


@app.command()
def route(
    origin: Annotated[str, typer.Argument(help="ICAO/IATA code, airfield id, or 'lat,lon'.")],
    destination: Annotated[str, typer.Argument(help="ICAO/IATA code, airfield id, or 'lat,lon'.")],
    deny: Annotated[
        list[str],
        typer.Option("--deny", "-d", help="States to avoid: ISO alpha-2/3 codes, comma-separated."),
    ] = [],  # noqa: B006 - typer reads the default, never mutates it
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", "-s", help="Built-in scenario name or scenario YAML file."),
    ] = None,
    allow: Annotated[
        list[str], typer.Option("--allow", help="States to open on top of the scenario.")
    ] = [],  # noqa: B006
    on: Annotated[
        dt.datetime | None,
        typer.Option("--date", formats=["%Y-%m-%d"], help="Date of the flight (scenario rules)."),
    ] = None,
    operator: Annotated[
        str | None, typer.Option("--operator", help="State of the operator (scenario rules).")
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", help="Flight category, e.g. civil or state.")
    ] = None,
    avoid: Annotated[
        list[Path], typer.Option("--avoid", help="GeoJSON polygons to keep out of.")
    ] = [],  # noqa: B006
    margin_nm: Annotated[
        float, typer.Option("--margin-nm", help="Distance to keep from denied airspace.")
    ] = 0.0,
    speed_kt: Annotated[
        float | None,
        typer.Option("--speed-kt", help="Cruise speed (default 450, or the aircraft's)."),
    ] = None,
    aircraft: Annotated[
        str | None, typer.Option("--aircraft", help="Aircraft type (e.g. B788) or profile YAML.")
    ] = None,
    ground_time_h: Annotated[
        float, typer.Option("--ground-time-h", help="Time on the ground at each fuel stop.")
    ] = 1.0,
    max_stops: Annotated[int, typer.Option("--max-stops", help="Most fuel stops to plan.")] = 3,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Shortest route between two places that avoids the denied states' airspace.

    With --aircraft, a route beyond the aircraft's usable range is planned
    with fuel stops in states that grant landing.
    """
    # One route: loading the compiler would cost more than it saves; fuel stops ask many.
    use_compiled_queries(aircraft is not None)
    status = Console(stderr=True)
    try:
        with status.status("planning…", spinner="dots") if status.is_terminal else nullcontext():
            plan = plan_from_options(
                origin,
                destination,
                deny=_codes(deny),
                allow=_codes(allow),
                scenario=scenario,
                on=on.date() if on else None,
                operator=operator,
                category=category,
                avoid=avoid,
                margin_nm=margin_nm,
                speed_kt=speed_kt,
                aircraft=aircraft,
            )
    except InputError as exc:
        raise _fail(str(exc), EXIT_BAD_INPUT) from None
    except NoRouteError as exc:
        raise _fail(str(exc), EXIT_NO_ROUTE) from None
    except OverflightError as exc:
        raise _fail(str(exc), EXIT_INTERNAL) from None

    if output_format is OutputFormat.text:
        from overflight.cli.render import render_plan, render_to_text

        if output is None:
            Console().print(render_plan(plan))
            return
        text = render_to_text(plan)
    elif output_format is OutputFormat.json:
        text = json.dumps(plan.to_dict(), indent=2) + "\n"
    else:
        text = json.dumps(route_to_geojson(plan.route)) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@app.command()
def scenarios(
    name: Annotated[
        str | None, typer.Argument(help="Show this scenario in full (name or file).")
    ] = None,
) -> None:
    """List the built-in scenarios, or show what one says."""
    from overflight.cli.render import render_scenario, render_scenario_list
    from overflight.scenarios import load_scenario

    try:
        shown = render_scenario(load_scenario(name)) if name else render_scenario_list()
    except InputError as exc:
        raise _fail(str(exc), EXIT_BAD_INPUT) from None
    Console().print(shown)


@app.command(name="aircraft")
def aircraft_types() -> None:
    """List the built-in aircraft profiles."""
    from rich.table import Table

    from overflight.aircraft import list_aircraft

    table = Table("type", "name", "cruise kt", "range km", "usable km", "runway m", "payload")
    for p in list_aircraft():
        table.add_row(
            p.designator,
            p.name,
            f"{p.cruise_speed_kt:g}",
            f"{p.range_km:,.0f}",
            f"{p.usable_range_km():,.0f}",
            f"{p.min_runway_m:,.0f}",
            p.payload,
        )
    Console().print(table)


@app.command()
def states() -> None:
    """List the states and territories in the shipped data, with their codes."""
    from rich.table import Table

    from overflight.data.airspace import states as all_states

    table = Table("code", "alpha-3", "name", "sovereign")
    for code, area in sorted(all_states().items()):
        table.add_row(code, area.code3, area.name, area.sovereign or "")
    Console().print(table)


@app.command()
def airports(
    query: Annotated[str, typer.Argument(help="Code, name or city.")],
    limit: Annotated[int, typer.Option(help="How many to show.")] = 10,
) -> None:
    """Find airports by code, name or city."""
    from rich.table import Table

    from overflight.data.airports import search_airports

    try:
        found = search_airports(query, limit=limit)
    except InputError as exc:
        raise _fail(str(exc), EXIT_BAD_INPUT) from None
    table = Table("code", "name", "state", "lat", "lon")
    for place in found:
        table.add_row(
            place.code, place.name, place.country or "", f"{place.lat:.4f}", f"{place.lon:.4f}"
        )
    Console().print(table)


def main() -> None:
    """Entry point of the ``overflight`` command."""
    app()
