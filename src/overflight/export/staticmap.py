"""A planned flight as a static map (PNG or SVG) for reports, drawn offline with matplotlib.

The basemap is the shipped state polygons simplified for drawing
(:func:`overflight.data.display.display_states`), with the denied states shaded; over it the
route as flown, the direct great circle, the origin, stops and destination, a legend, the
figures and the data credit. The projection is equirectangular, scaled at the map's middle
latitude so that shapes look right at regional scale, with longitudes unwrapped along the
route: a flight across ±180° is drawn as one line over the Pacific rather than across the
whole map. Nothing is downloaded; matplotlib is imported only when a map is drawn.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.polygon import orient

from overflight.analysis.plan import Plan
from overflight.data.display import display_states
from overflight.export.table import Figures, as_plan, flown_legs, plan_figures
from overflight.geo.ellipsoid import densify_path
from overflight.geo.sphere import unwrap_longitudes
from overflight.models import LonLat, Place, Route

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.path import Path

__all__ = ["CREDIT", "plan_to_png", "plan_to_svg"]

#: The credit every map carries: the airspace polygons are derived from OpenStreetMap.
CREDIT = "Airspace: © OpenStreetMap contributors,\nODbL 1.0 · map drawn with overflight"

# Palette (the KML and HTML exports use the same colours).
_SEA = "#dbe7ef"
_LAND = "#f3f0e8"
_BORDER = "#b9b2a5"
_DENIED = "#e59a94"
_DENIED_EDGE = "#b04a43"
_ROUTE = "#08519c"
_GREAT_CIRCLE = "#4d4d4d"
_STOP = "#f28e2b"
_INK = "#1f1f1f"

#: Spacing of the drawn lines' points.
_STEP_KM = 20.0
#: Width of the side panel (title, figures, legend, credit), as a fraction of the image.
_PANEL = 0.24
#: Resolution the pixel sizes are drawn at (font sizes in points scale with it).
_DPI = 160


class _View(NamedTuple):
    """The map window in unwrapped degrees."""

    west: float
    east: float
    south: float
    north: float


def _line(points: list[LonLat]) -> NDArray[np.float64]:
    """Great-circle legs through the points, densified, longitudes unwrapped (continuous)."""
    return unwrap_longitudes(densify_path(points, _STEP_KM))


def _view(lines: list[NDArray[np.float64]], aspect: float) -> tuple[_View, float]:
    """A window around the lines with some margin, shaped to the map's width/height ratio.

    Returns the window and the cosine of its middle latitude (the x scale of the projection).
    """
    xy = np.concatenate(lines)
    west, east = float(xy[:, 0].min()), float(xy[:, 0].max())
    south, north = float(xy[:, 1].min()), float(xy[:, 1].max())
    pad = max(2.0, 0.12 * max(east - west, north - south))
    west, east = west - pad, east + pad
    south, north = max(-89.0, south - pad), min(89.0, north + pad)
    scale = max(math.cos(math.radians((south + north) / 2.0)), 0.2)
    width, height = (east - west) * scale, north - south
    if width / height < aspect:
        grow = (height * aspect / scale - (east - west)) / 2.0
        west, east = west - grow, east + grow
    else:
        grow = (width / aspect - height) / 2.0
        south, north = south - grow, north + grow
        # Keep inside the poles by sliding the window rather than squashing it.
        if south < -90.0:
            south, north = -90.0, north - 90.0 - south
        elif north > 90.0:
            south, north = south + 90.0 - north, 90.0
    return _View(west, east, south, north), scale


@cache
def _state_paths() -> tuple[tuple[str, str, Path, tuple[float, float, float, float]], ...]:
    """Every display polygon as (code, name, matplotlib path, bounds), holes included."""
    from matplotlib.path import Path

    out = []
    for feature in display_states()["features"]:
        geom = shapely.geometry.shape(feature["geometry"])
        polys = getattr(geom, "geoms", [geom])
        rings = []
        for poly in polys:
            # Exterior anticlockwise, holes clockwise: the non-zero fill rule keeps holes open.
            oriented = orient(poly, 1.0)
            for ring in (oriented.exterior, *oriented.interiors):
                rings.append(Path(np.asarray(ring.coords)[:, :2], closed=True))
        if rings:
            props = feature["properties"]
            out.append((props["code"], props["name"], Path.make_compound_path(*rings), geom.bounds))
    return tuple(out)


def _copies(bounds: tuple[float, float, float, float], view: _View) -> Iterator[float]:
    """Longitude offsets (-360, 0, 360) at which a shape falls in the window."""
    west, south, east, north = bounds
    if north < view.south or south > view.north:
        return
    for offset in (-360.0, 0.0, 360.0):
        if west + offset <= view.east and east + offset >= view.west:
            yield offset


def _draw_basemap(ax: Any, view: _View, denied: frozenset[str]) -> None:
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path

    land: list[Path] = []
    shaded: list[Path] = []
    for code, _, path, bounds in _state_paths():
        for offset in _copies(bounds, view):
            moved = Path(path.vertices + np.array([offset, 0.0]), path.codes)
            (shaded if code in denied else land).append(moved)
    ax.add_collection(
        PathCollection(land, facecolor=_LAND, edgecolor=_BORDER, linewidth=0.4, zorder=1)
    )
    denied_artist = PathCollection(
        shaded, facecolor=_DENIED, edgecolor=_DENIED_EDGE, linewidth=0.5, zorder=2, alpha=0.85
    )
    denied_artist.set_gid("denied")
    ax.add_collection(denied_artist)
    _label_denied(ax, view, denied)


def _label_denied(ax: Any, view: _View, denied: frozenset[str]) -> None:
    """The code of each denied state at a point inside its largest visible part."""
    import matplotlib.patheffects as pe

    window = shapely.box(view.west, view.south, view.east, view.north)
    for feature in display_states()["features"]:
        code = feature["properties"]["code"]
        if code not in denied:
            continue
        geom = shapely.geometry.shape(feature["geometry"])
        for offset in _copies(geom.bounds, view):
            visible = shapely.intersection(shapely.affinity.translate(geom, offset), window)
            if visible.is_empty or visible.area < 0.002 * window.area:
                continue
            parts = getattr(visible, "geoms", [visible])
            spot = max(parts, key=lambda g: g.area).representative_point()
            ax.text(
                spot.x,
                spot.y,
                code,
                ha="center",
                va="center",
                fontsize=7.5,
                fontweight="bold",
                color=_DENIED_EDGE,
                zorder=3,
                path_effects=[pe.withStroke(linewidth=2, foreground="white", alpha=0.7)],
            )


def _graticule(ax: Any, view: _View) -> None:
    span = max(view.east - view.west, view.north - view.south)
    step = next(s for s in (2.0, 5.0, 10.0, 15.0, 30.0, 60.0) if span / s <= 12) if span else 10.0
    for x in np.arange(math.ceil(view.west / step) * step, view.east, step):
        ax.axvline(x, color="#7f98a8", linewidth=0.3, alpha=0.25, zorder=1.5)
    for y in np.arange(math.ceil(view.south / step) * step, view.north, step):
        ax.axhline(y, color="#7f98a8", linewidth=0.3, alpha=0.25, zorder=1.5)


def _draw_places(ax: Any, figures: Figures, line: NDArray[np.float64]) -> None:
    import matplotlib.patheffects as pe

    halo = [pe.withStroke(linewidth=3, foreground="white")]
    for place, is_stop in (
        (figures.origin, False),
        *((stop, True) for stop in figures.stops),
        (figures.destination, False),
    ):
        x = _nearest_x(place, line)
        ax.plot(
            x,
            place.lat,
            marker="s" if is_stop else "o",
            markersize=7 if is_stop else 8,
            markerfacecolor=_STOP if is_stop else "white",
            markeredgecolor=_INK,
            markeredgewidth=1.4,
            linestyle="none",
            zorder=6,
        )
        ax.annotate(
            place.code,
            (x, place.lat),
            xytext=(6, 6),
            textcoords="offset points",
            fontsize=9,
            fontweight="bold",
            color=_INK,
            zorder=7,
            path_effects=halo,
        )


def _nearest_x(place: Place, line: NDArray[np.float64]) -> float:
    """The place's longitude shifted by whole turns to lie by the line's nearest point."""
    lat_gap = np.abs(line[:, 1] - place.lat)
    lon_gap = np.abs((line[:, 0] - place.lon + 180.0) % 360.0 - 180.0)
    near = line[int(np.argmin(lat_gap + lon_gap)), 0]
    return float(place.lon + 360.0 * round((near - place.lon) / 360.0))


def _draw_panel(panel: Any, figures: Figures, has_stops: bool) -> None:
    """Title, figures, legend and credit in the side panel, where they hide nothing."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    denied = ", ".join(figures.denied[:12]) + (" …" if len(figures.denied) > 12 else "")
    # Codes are four letters: three fit the panel at 11 pt, two at 14 pt.
    short = len(figures.title) <= 14
    title = _wrap(figures.title, 14 if short else 20, indent="")
    panel.text(
        0.08,
        0.97,
        title,
        ha="left",
        va="top",
        fontsize=14 if short else 11,
        fontweight="bold",
        color=_INK,
        linespacing=1.3,
    )
    lines = [f"Avoiding the airspace of {_wrap(denied or 'no state', 20)}", ""]
    lines += [f"{label}: {value}" for label, value in figures.lines()[:-2]]
    if figures.states:
        lines += ["", "States crossed:", _wrap(", ".join(figures.states), 30, indent="")]
    panel.text(
        0.08,
        0.97 - 0.055 * (title.count("\n") + 1),
        "\n".join(lines),
        ha="left",
        va="top",
        fontsize=7.5,
        color=_INK,
        linespacing=1.45,
    )

    handles: list[Any] = [
        Line2D([], [], color=_ROUTE, linewidth=2.6, label="Route"),
        Line2D(
            [],
            [],
            color=_GREAT_CIRCLE,
            linewidth=1.2,
            linestyle=(0, (5, 3)),
            label="Direct great circle",
        ),
        Patch(facecolor=_DENIED, edgecolor=_DENIED_EDGE, label="Denied airspace"),
    ]
    if has_stops:
        handles.append(
            Line2D(
                [],
                [],
                marker="s",
                color=_INK,
                markerfacecolor=_STOP,
                linestyle="none",
                label="Fuel stop",
            )
        )
    panel.legend(
        handles=handles, loc="lower left", bbox_to_anchor=(0.04, 0.08), fontsize=7.5, frameon=False
    )
    panel.text(
        0.08, 0.02, CREDIT, ha="left", va="bottom", fontsize=5.5, color="#555", linespacing=1.3
    )


def _wrap(text: str, width: int, indent: str = "    ") -> str:
    import textwrap

    return ("\n" + indent).join(textwrap.wrap(text, width))


def _figure(plan: Plan | Route, width_px: int, height_px: int) -> Figure:
    """Draw the map on a new figure (not attached to pyplot, so nothing is shown or leaked)."""
    from matplotlib.figure import Figure

    if width_px < 200 or height_px < 150:
        raise ValueError(f"a map of {width_px}x{height_px} px is too small: give at least 200x150")
    chosen = as_plan(plan)
    figures = plan_figures(chosen)
    points = [chosen.route.origin.lonlat]
    for leg in flown_legs(chosen):
        points.extend(leg.waypoints[1:])
    route = _line(points)
    direct = _line([figures.origin.lonlat, figures.destination.lonlat])
    view, scale = _view([route, direct], (1.0 - _PANEL) * width_px / height_px)

    fig = Figure(figsize=(width_px / _DPI, height_px / _DPI), dpi=_DPI, facecolor="white")
    panel = fig.add_axes((0.0, 0.0, _PANEL, 1.0))
    panel.set_axis_off()
    ax = fig.add_axes((_PANEL, 0.0, 1.0 - _PANEL, 1.0))
    ax.set_facecolor(_SEA)
    ax.set_xlim(view.west, view.east)
    ax.set_ylim(view.south, view.north)
    ax.set_aspect(1.0 / scale, adjustable="box")
    ax.set_axis_off()
    ax.add_artist(ax.patch)  # keep the sea colour with the axis off
    ax.patch.set_zorder(0)

    _draw_basemap(ax, view, frozenset(chosen.route.denied))
    _graticule(ax, view)
    import matplotlib.patheffects as pe

    (gc_line,) = ax.plot(
        direct[:, 0],
        direct[:, 1],
        color=_GREAT_CIRCLE,
        linewidth=1.2,
        linestyle=(0, (5, 3)),
        zorder=4,
    )
    gc_line.set_gid("great-circle")
    (route_line,) = ax.plot(
        route[:, 0],
        route[:, 1],
        color=_ROUTE,
        linewidth=2.6,
        zorder=5,
        solid_capstyle="round",
        path_effects=[pe.Stroke(linewidth=4.6, foreground="white"), pe.Normal()],
    )
    route_line.set_gid("route")
    _draw_places(ax, figures, route)
    _draw_panel(panel, figures, bool(figures.stops))
    return fig


def plan_to_png(plan: Plan | Route, *, width_px: int = 1600, height_px: int = 1000) -> bytes:
    """The map as PNG bytes of exactly ``width_px`` x ``height_px`` pixels."""
    fig = _figure(plan, width_px, height_px)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=_DPI, metadata={"Software": "overflight"})
    return out.getvalue()


def plan_to_svg(plan: Plan | Route, *, width_px: int = 1600, height_px: int = 1000) -> str:
    """The map as SVG text; text stays text and the route is the ``<g id="route">`` group."""
    from matplotlib import rc_context

    fig = _figure(plan, width_px, height_px)
    out = io.StringIO()
    # A fixed hash salt and no date keep the file the same from run to run.
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "overflight"}):
        fig.savefig(out, format="svg", dpi=_DPI, metadata={"Date": None})
    return out.getvalue()
