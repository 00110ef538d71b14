"""The ``route`` command: one flight planned and written as text or a data format."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from overflight.analysis.request import FlightRequest
from overflight.cli._common import planning, tell_place_notes
from overflight.cli.app import app
from overflight.cli.options import OutputOption, takes_request

if TYPE_CHECKING:
    from overflight.analysis.plan import Plan

__all__ = ["OutputFormat", "route"]


class OutputFormat(StrEnum):
    """What `route` writes."""

    text = "text"
    json = "json"
    geojson = "geojson"
    kml = "kml"
    gpx = "gpx"
    csv = "csv"


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
    from overflight.analysis.plan import plan_request

    with planning(request.aircraft):
        plan = plan_request(request)

    if output_format is OutputFormat.text:
        from rich.console import Console

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
        from overflight.export.geojson import plan_to_geojson

        return json.dumps(plan_to_geojson(plan)) + "\n"
    if output_format is OutputFormat.kml:
        from overflight.export.kml import plan_to_kml

        return plan_to_kml(plan)
    if output_format is OutputFormat.gpx:
        from overflight.export.gpx import plan_to_gpx

        return plan_to_gpx(plan)
    from overflight.export.table import plan_to_csv

    return plan_to_csv(plan)
