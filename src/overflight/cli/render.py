"""Text rendering of routes for the terminal (rich)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from overflight.models import KM_PER_NM, LonLat, Place, Route

__all__ = ["render_route"]


def _place(place: Place) -> str:
    return place.code if place.kind == "point" else f"{place.code} {place.name}"


def _point(p: LonLat) -> str:
    ns = "N" if p.lat >= 0 else "S"
    ew = "E" if p.lon >= 0 else "W"
    return f"{abs(p.lat):.4f}{ns} {abs(p.lon):.4f}{ew}"


def _hours(h: float) -> str:
    minutes = round(h * 60.0)
    return f"{minutes // 60}h{minutes % 60:02d}"


def render_route(route: Route) -> Group:
    """The route as a heading, a table of figures, its waypoints and its transit table."""
    title = Text(f"{_place(route.origin)}  →  {_place(route.destination)}", style="bold")
    denied = ", ".join(route.denied) if route.denied else "none"
    setting = Text(
        f"denied: {denied}   margin: {route.margin_nm:g} nm   cruise: {route.speed_kt:g} kt"
    )

    figures = Table(show_header=True, box=None, pad_edge=False)
    for column in ("", "km", "nm", "time"):
        figures.add_column(column, justify="right" if column else "left")
    direct_h = route.great_circle_km / (route.speed_kt * KM_PER_NM)
    figures.add_row(
        "route",
        f"{route.distance_km:,.0f}",
        f"{route.distance_km / KM_PER_NM:,.0f}",
        _hours(route.duration_h),
    )
    figures.add_row(
        "direct great circle",
        f"{route.great_circle_km:,.0f}",
        f"{route.great_circle_km / KM_PER_NM:,.0f}",
        _hours(direct_h),
    )
    figures.add_row(
        "penalty",
        f"+{route.extra_km:,.0f}",
        f"+{route.extra_km / KM_PER_NM:,.0f}",
        f"+{_hours(route.duration_h - direct_h)}  (+{route.extra_pct:.1f} %)",
    )

    waypoints = Table(title="turning points", title_justify="left", box=None)
    waypoints.add_column("#", justify="right")
    waypoints.add_column("position")
    for k, p in enumerate(route.waypoints):
        waypoints.add_row(str(k), _point(p))

    transit = Table(title="states crossed, in order (clearances needed)", title_justify="left")
    for column in ("#", "state", "name", "entry", "exit", "km"):
        transit.add_column(
            column,
            justify="right" if column in ("#", "km") else "left",
            no_wrap=column != "name",
        )
    for k, t in enumerate(route.transit, start=1):
        transit.add_row(
            str(k), t.country, t.name, _point(t.entry), _point(t.exit), f"{t.distance_km:,.0f}"
        )
    transit.add_row("", "", "high seas", "", "", f"{route.high_seas_km:,.0f}")
    return Group(title, setting, Text(), figures, Text(), waypoints, Text(), transit)


def render_to_text(route: Route, width: int = 110) -> str:
    """The rendering as plain text (no colour), for a file."""
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(render_route(route))
    return console.export_text()
