"""The ``map`` command (registered on import): a route as a PNG, SVG or offline HTML map.

The format follows the output file's suffix (``.png``, ``.svg``, ``.html``/``.htm``) unless
``--format`` names one. Planning options and exit status are those of ``route``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from overflight.analysis.plan import plan_request
from overflight.analysis.request import FlightRequest
from overflight.cli._common import EXIT_BAD_INPUT, fail, planning, tell_place_notes
from overflight.cli.app import app
from overflight.cli.options import takes_request

__all__ = ["MapFormat", "map_command"]


class MapFormat(StrEnum):
    """What ``map`` draws."""

    png = "png"
    svg = "svg"
    html = "html"


_SUFFIXES = {
    ".png": MapFormat.png,
    ".svg": MapFormat.svg,
    ".html": MapFormat.html,
    ".htm": MapFormat.html,
}


def _format_for(output: Path, chosen: MapFormat | None) -> MapFormat:
    """The format named, else the one the file's suffix says; exit 2 when neither does."""
    if chosen is not None:
        return chosen
    found = _SUFFIXES.get(output.suffix.lower())
    if found is None:
        suffix = repr(output.suffix) if output.suffix else "no suffix"
        raise fail(
            f"cannot tell the map format from {suffix} in {str(output)!r}: "
            f"give a file ending in {', '.join(_SUFFIXES)}, or --format png|svg|html",
            EXIT_BAD_INPUT,
        )
    return found


@app.command(name="map")
@takes_request
def map_command(
    request: FlightRequest,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="File to write: .png, .svg or .html."),
    ],
    map_format: Annotated[
        MapFormat | None,
        typer.Option("--format", "-f", help="Override the format the suffix implies."),
    ] = None,
    width_px: Annotated[
        int, typer.Option("--width-px", min=200, max=8000, help="Image width (PNG, SVG).")
    ] = 1600,
    height_px: Annotated[
        int, typer.Option("--height-px", min=150, max=8000, help="Image height (PNG, SVG).")
    ] = 1000,
) -> None:
    """Draw the route on a map: PNG or SVG for reports, HTML to explore offline.

    The map shows the denied states, the route as flown (with fuel stops), the
    direct great circle and the figures; the HTML file opens from disk with no
    network.
    """
    chosen = _format_for(output, map_format)
    with planning(request.aircraft):
        plan = plan_request(request)
    tell_place_notes(plan)
    # The exporters (and matplotlib) load only now, after the plan succeeded.
    if chosen is MapFormat.html:
        from overflight.export.html import plan_to_html

        output.write_text(plan_to_html(plan), encoding="utf-8")
        size = ""
    elif chosen is MapFormat.svg:
        from overflight.export.staticmap import plan_to_svg

        output.write_text(plan_to_svg(plan, width_px=width_px, height_px=height_px), "utf-8")
        size = f", {width_px}x{height_px} px"
    else:
        from overflight.export.staticmap import plan_to_png

        output.write_bytes(plan_to_png(plan, width_px=width_px, height_px=height_px))
        size = f", {width_px}x{height_px} px"
    # Say what was written, so that a script or a user sees where the map went.
    typer.echo(
        f"wrote {chosen.value.upper()} map to {output} ({output.stat().st_size:,} bytes{size})"
    )
