"""``advisories``: the conflict-zone advisories and prohibitions that bind an operator on a date."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from overflight._config import FLIGHT_LEVEL_RANGE
from overflight.cli._common import EXIT_BAD_INPUT, exit_on_error, fail
from overflight.cli.app import app
from overflight.cli.options import (
    AdvisoriesFileOption,
    AirlineOption,
    CategoryOption,
    DateOption,
    OperatorOption,
    OutputOption,
)

if TYPE_CHECKING:
    from overflight.registry import BoundAdvisory

__all__ = ["advisories"]


class AdvisoryFormat(StrEnum):
    """What `advisories` writes."""

    text = "text"
    json = "json"
    geojson = "geojson"


@app.command()
def advisories(
    operator: OperatorOption = None,
    airline: AirlineOption = None,
    category: CategoryOption = None,
    date: DateOption = None,
    flight_level: Annotated[
        int | None,
        typer.Option("--fl", help="Only the advisories whose band holds this flight level."),
    ] = None,
    advisories_file: AdvisoriesFileOption = None,
    output_format: Annotated[
        AdvisoryFormat, typer.Option("--format", "-f", help="Output format.")
    ] = AdvisoryFormat.text,
    output: OutputOption = None,
) -> None:
    """Conflict-zone advisories and national prohibitions that bind an operator on a date.

    Give --operator or --airline (its state operates), and --date (default today); --fl
    keeps those whose band holds the level. --format geojson draws each area (simplified).
    """
    from overflight.export.advisories import binding_advisories
    from overflight.registry import read_advisory_file

    if operator is None and airline is None:
        raise fail("give --operator or --airline: advisories bind operators", EXIT_BAD_INPUT)
    low, high = FLIGHT_LEVEL_RANGE
    if flight_level is not None and not low <= flight_level <= high:
        raise fail(f"--fl {flight_level}: out of range, give {low} to {high}", EXIT_BAD_INPUT)
    with exit_on_error():
        extra = (read_advisory_file(advisories_file),) if advisories_file is not None else ()
        found, heading = binding_advisories(
            operator=operator,
            airline=airline,
            category=category,
            date=date.date() if date is not None else None,
            flight_level=flight_level,
            extra=extra,
        )
    if output_format is not AdvisoryFormat.text:
        if output_format is AdvisoryFormat.json:
            from overflight.analysis.versions import data_versions

            data = {
                **heading,
                "advisories": [b.to_dict() for b in found],
                "versions": data_versions(),
            }
        else:
            from overflight.export.advisories import advisories_to_geojson

            data = advisories_to_geojson(found, heading)
        text = json.dumps(data, indent=2)
        if output is None:
            sys.stdout.write(text + "\n")
        else:
            output.write_text(text + "\n", encoding="utf-8")
        return
    console = Console(file=output.open("w", encoding="utf-8")) if output else Console()
    console.print(_table(found, heading))


def _table(found: tuple[BoundAdvisory, ...], heading: dict[str, Any]) -> Table:
    who = ", ".join(f"{k} {v}" for k, v in heading.items() if v is not None)
    table = Table(title=f"{len(found)} advisory(ies) bind: {who}", title_justify="left")
    table.add_column("area", max_width=14)
    table.add_column("band", max_width=13)
    table.add_column("severity", max_width=10)
    table.add_column("in force", max_width=12)
    table.add_column("advisory, issuer, note and source", ratio=1, overflow="fold")
    for b in found:
        a = b.advisory
        area = " ".join((*a.area.states, *a.area.firs)) or "polygons"
        if a.area.overwater_only:
            area += " (over water)"
        start = a.valid.from_.isoformat() if a.valid.from_ else "…"
        end = a.valid.to.isoformat() if a.valid.to else "…"
        corridors = f"; open: {', '.join(c.name for c in a.corridors)}" if a.corridors else ""
        table.add_row(
            area,
            str(a.band),
            a.severity,
            f"{start} to {end}",
            f"{a.id} ({b.issuer}): {a.note}{corridors}\n{a.source.title} {a.source.url or ''}",
        )
    return table
