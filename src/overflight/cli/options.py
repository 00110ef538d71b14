"""Option declarations shared by the commands that plan a route (``route``, ``map``).

Each alias is an ``Annotated`` type that carries its typer declaration, so a command states
``deny: DenyOption = []`` and every command spells, documents and parses the option alike.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

__all__ = [
    "AircraftOption",
    "AllowOption",
    "AvoidOption",
    "CategoryOption",
    "DateOption",
    "DenyOption",
    "DestinationArgument",
    "GroundTimeOption",
    "MarginOption",
    "MaxStopsOption",
    "OperatorOption",
    "OriginArgument",
    "OutputOption",
    "ScenarioOption",
    "SpeedOption",
    "codes",
]

_PLACE_HELP = "ICAO/IATA code, airfield id, or 'lat,lon'."

OriginArgument = Annotated[str, typer.Argument(help=_PLACE_HELP)]
DestinationArgument = Annotated[str, typer.Argument(help=_PLACE_HELP)]
DenyOption = Annotated[
    list[str],
    typer.Option("--deny", "-d", help="States to avoid: ISO alpha-2/3 codes, comma-separated."),
]
ScenarioOption = Annotated[
    str | None,
    typer.Option("--scenario", "-s", help="Built-in scenario name or scenario YAML file."),
]
AllowOption = Annotated[
    list[str], typer.Option("--allow", help="States to open on top of the scenario.")
]
DateOption = Annotated[
    dt.datetime | None,
    typer.Option("--date", formats=["%Y-%m-%d"], help="Date of the flight (scenario rules)."),
]
OperatorOption = Annotated[
    str | None, typer.Option("--operator", help="State of the operator (scenario rules).")
]
CategoryOption = Annotated[
    str | None, typer.Option("--category", help="Flight category, e.g. civil or state.")
]
AvoidOption = Annotated[
    list[Path], typer.Option("--avoid", help="GeoJSON polygons to keep out of.")
]
MarginOption = Annotated[
    float, typer.Option("--margin-nm", help="Distance to keep from denied airspace.")
]
SpeedOption = Annotated[
    float | None,
    typer.Option("--speed-kt", help="Cruise speed (default 450, or the aircraft's)."),
]
AircraftOption = Annotated[
    str | None, typer.Option("--aircraft", help="Aircraft type (e.g. B788) or profile YAML.")
]
GroundTimeOption = Annotated[
    float, typer.Option("--ground-time-h", help="Time on the ground at each fuel stop.")
]
MaxStopsOption = Annotated[int, typer.Option("--max-stops", help="Most fuel stops to plan.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
]


def codes(values: list[str]) -> list[str]:
    """Codes given as repeated options and/or comma-separated lists.

    >>> codes(["BG,GR", " TR "])
    ['BG', 'GR', 'TR']
    """
    return [c.strip() for v in values for c in v.split(",") if c.strip()]
