"""Commands of the ``overflight`` tool.

Exit status: 0 success, 2 bad input, 3 no route possible, 4 internal check failed.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from overflight.errors import InputError, NoRouteError, OverflightError, VerificationError
from overflight.export.geojson import route_to_geojson
from overflight.export.json import route_to_dict
from overflight.routing.planner import plan_route

__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERNAL", "EXIT_NO_ROUTE", "app", "main"]

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
    margin_nm: Annotated[
        float, typer.Option("--margin-nm", help="Distance to keep from denied airspace.")
    ] = 0.0,
    speed_kt: Annotated[float, typer.Option("--speed-kt", help="Cruise speed.")] = 450.0,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Shortest route between two places that avoids the denied states' airspace."""
    status = Console(stderr=True)
    try:
        with status.status("planning…", spinner="dots") if status.is_terminal else _nothing():
            planned = plan_route(
                origin, destination, deny=_codes(deny), margin_nm=margin_nm, speed_kt=speed_kt
            )
    except InputError as exc:
        raise _fail(str(exc), EXIT_BAD_INPUT) from None
    except NoRouteError as exc:
        raise _fail(str(exc), EXIT_NO_ROUTE) from None
    except VerificationError as exc:
        raise _fail(str(exc), EXIT_INTERNAL) from None
    except OverflightError as exc:
        raise _fail(str(exc), EXIT_INTERNAL) from None

    if output_format is OutputFormat.text:
        from overflight.cli.render import render_route, render_to_text

        if output is None:
            Console().print(render_route(planned))
            return
        text = render_to_text(planned)
    elif output_format is OutputFormat.json:
        text = json.dumps(route_to_dict(planned), indent=2) + "\n"
    else:
        text = json.dumps(route_to_geojson(planned)) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


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


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def main() -> None:
    """Entry point of the ``overflight`` command."""
    app()
