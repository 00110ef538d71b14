"""Commands of the ``overflight`` tool (exit statuses in :mod:`overflight.cli._common`)."""

from __future__ import annotations

import json
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from overflight.analysis.plan import plan_request
from overflight.analysis.request import FlightRequest
from overflight.cli._common import exit_on_error, planning, tell_place_notes
from overflight.cli.options import OutputOption, takes_request
from overflight.export.geojson import plan_to_geojson

if TYPE_CHECKING:
    from overflight.analysis.plan import Plan

__all__ = ["app", "main"]

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


def _show_version(value: bool) -> None:
    """Print the version of overflight and of its data, then exit."""
    if not value:
        return
    from overflight.analysis.versions import data_versions

    found = data_versions()
    airspace = found["airspace"]
    typer.echo(
        f"overflight {found['overflight']}\n"
        f"airspace {airspace['sha256']} ({airspace['source']}: {airspace['content']})\n"
        f"airports airportsdata {found['airports']['airportsdata']}\n"
        f"registry as of {found['registry_as_of']}"
    )
    raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Show the version of overflight and of its data, and exit.",
            # Eager: it answers before typer asks for a command.
            is_eager=True,
            callback=_show_version,
        ),
    ] = False,
) -> None:
    """Plan flights around denied sovereign airspace."""


@app.command()
@takes_request
def route(
    request: FlightRequest,
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
    with planning(request.aircraft):
        plan = plan_request(request)

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
        return json.dumps(plan_to_geojson(plan)) + "\n"
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

    with exit_on_error():
        shown = render_scenario(load_scenario(name)) if name else render_scenario_list()
    Console().print(shown)


@app.command(name="aircraft")
def aircraft_types(
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="List the profiles of this YAML file instead (use one as --aircraft FILE:TYPE).",
        ),
    ] = None,
) -> None:
    """List the built-in aircraft profiles, or those of a profiles file."""
    from rich.table import Table

    from overflight.aircraft import list_aircraft, read_aircraft_file

    with exit_on_error():
        profiles = list_aircraft() if file is None else read_aircraft_file(file)
    table = Table("type", "name", "cruise kt", "range km", "usable km", "runway m", "payload")
    for p in profiles:
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

    with exit_on_error():
        found = search_airports(query, limit=limit)
    table = Table("code", "name", "state", "lat", "lon")
    for place in found:
        table.add_row(
            place.code, place.name, place.country or "", f"{place.lat:.4f}", f"{place.lon:.4f}"
        )
    Console().print(table, *render_place_notes(*found))


#: A place given as "lat,lon" with a negative latitude: never an option, though it starts with -.
_NEGATIVE_PLACE = re.compile(r"^-\d+(\.\d*)?\s*,\s*[-+]?\d+(\.\d*)?$")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``overflight`` command.

    A place such as ``-33.9,18.6`` (Cape Town) would read as an unknown option: it is passed
    on with a leading space, which the place parser ignores.
    """
    args = sys.argv[1:] if argv is None else argv
    app([f" {a}" if _NEGATIVE_PLACE.match(a) else a for a in args])
