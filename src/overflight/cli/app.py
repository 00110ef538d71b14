"""Commands of the ``overflight`` tool.

Exit status: 0 success, 2 bad input, 3 no route possible, 4 internal check failed.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from overflight.analysis.plan import plan_request
from overflight.errors import InputError, NoRouteError, OverflightError
from overflight.export.geojson import route_to_geojson
from overflight.routing.graph import use_compiled_queries

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_INTERNAL",
    "EXIT_NO_ROUTE",
    "app",
    "main",
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
            plan = plan_request(
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
