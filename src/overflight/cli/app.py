"""Commands of the ``overflight`` tool.

Exit status: 0 success, 2 bad input, 3 no route possible, 4 internal check failed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from overflight.analysis.plan import plan_request
from overflight.cli.options import (
    AircraftOption,
    AllowOption,
    AvoidOption,
    CategoryOption,
    DateOption,
    DenyOption,
    DestinationArgument,
    GroundTimeOption,
    MarginOption,
    MaxStopsOption,
    OperatorOption,
    OriginArgument,
    OutputOption,
    ScenarioOption,
    SpeedOption,
    codes,
)
from overflight.errors import InputError, NoRouteError, OverflightError
from overflight.export.geojson import route_to_geojson
from overflight.routing.graph import use_compiled_queries

if TYPE_CHECKING:
    from overflight.analysis.plan import Plan

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_INTERNAL",
    "EXIT_NO_ROUTE",
    "app",
    "main",
    "planning",
    "tell_place_notes",
]

EXIT_BAD_INPUT = 2
EXIT_NO_ROUTE = 3
EXIT_INTERNAL = 4

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
    kml = "kml"
    gpx = "gpx"
    csv = "csv"


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    """Plan flights around denied sovereign airspace."""
    if version:
        from overflight import __version__

        typer.echo(f"overflight {__version__}")
        raise typer.Exit()


def _fail(message: str, status: int) -> typer.Exit:
    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(status)


@contextmanager
def planning(aircraft: str | None) -> Iterator[None]:
    """Around a call to :func:`plan_request`: a spinner on a terminal, and the exit status.

    Bad input exits with 2, no route with 3, a failed internal check with 4.
    """
    # One route: loading the compiler would cost more than it saves; fuel stops ask many.
    use_compiled_queries(aircraft is not None)
    status = Console(stderr=True)
    try:
        with status.status("planning…", spinner="dots") if status.is_terminal else nullcontext():
            yield
    except InputError as exc:
        raise _fail(str(exc), EXIT_BAD_INPUT) from None
    except NoRouteError as exc:
        raise _fail(str(exc), EXIT_NO_ROUTE) from None
    except OverflightError as exc:
        raise _fail(str(exc), EXIT_INTERNAL) from None


def tell_place_notes(plan: Plan) -> None:
    """Print the notes of the plan's places on stderr, for outputs that have no room for them."""
    from overflight.cli.render import render_place_notes

    notes = render_place_notes(plan.route.origin, plan.route.destination)
    if notes:
        Console(stderr=True).print(*notes)


@app.command()
def route(
    origin: OriginArgument,
    destination: DestinationArgument,
    deny: DenyOption = [],  # noqa: B006 - typer reads the default, never mutates it
    scenario: ScenarioOption = None,
    allow: AllowOption = [],  # noqa: B006
    on: DateOption = None,
    operator: OperatorOption = None,
    category: CategoryOption = None,
    avoid: AvoidOption = [],  # noqa: B006
    margin_nm: MarginOption = 0.0,
    speed_kt: SpeedOption = None,
    aircraft: AircraftOption = None,
    ground_time_h: GroundTimeOption = 1.0,
    max_stops: MaxStopsOption = 3,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.text,
    output: OutputOption = None,
) -> None:
    """Shortest route between two places that avoids the denied states' airspace.

    With --aircraft, a route beyond the aircraft's usable range is planned
    with fuel stops in states that grant landing. KML, GPX and CSV describe
    the flight as flown (every leg, with the stops).
    """
    with planning(aircraft):
        plan = plan_request(
            origin,
            destination,
            deny=codes(deny),
            allow=codes(allow),
            scenario=scenario,
            on=on.date() if on else None,
            operator=operator,
            category=category,
            avoid=avoid,
            margin_nm=margin_nm,
            speed_kt=speed_kt,
            aircraft=aircraft,
            ground_time_h=ground_time_h,
            max_stops=max_stops,
        )

    if output_format is OutputFormat.text:
        from overflight.cli.render import render_plan, render_to_text

        if output is None:
            Console().print(render_plan(plan))  # the places' notes head the text
            return
        text = render_to_text(plan)
    else:
        tell_place_notes(plan)  # the data formats have no room for them (JSON holds them)
        text = _export_text(plan, output_format)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def _export_text(plan: Plan, output_format: OutputFormat) -> str:
    """JSON, GeoJSON, KML, GPX or CSV; each exporter loads only when asked for."""
    if output_format is OutputFormat.json:
        return json.dumps(plan.to_dict(), indent=2) + "\n"
    if output_format is OutputFormat.geojson:
        return json.dumps(route_to_geojson(plan.route)) + "\n"
    if output_format is OutputFormat.kml:
        from overflight.export.kml import plan_to_kml

        return plan_to_kml(plan)
    if output_format is OutputFormat.gpx:
        from overflight.export.gpx import plan_to_gpx

        return plan_to_gpx(plan)
    from overflight.export.table import plan_to_csv

    return plan_to_csv(plan)


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

    from overflight.cli.render import render_place_notes
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
    Console().print(table, *render_place_notes(*found))


def main() -> None:
    """Entry point of the ``overflight`` command."""
    app()
