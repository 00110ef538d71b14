"""A planned flight as a static map (PNG or SVG) for reports, drawn offline with matplotlib.

The basemap is the shipped state polygons simplified for drawing
(:func:`overflight.data.display.display_states`), with the denied states shaded; over it the
route as flown, the direct great circle, avoid areas, the origin, stops and destination, the
codes of the states crossed, and a side panel with the title (places, scenario and date), the
figures, the states avoided, a legend and the data credit, laid out so that nothing spills onto
the map. The projection is equirectangular, scaled at the map's middle
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

__all__ = ["CREDIT", "advisory_features", "panel_lines", "plan_to_png", "plan_to_svg"]

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
_AVOID = "#7b3294"
#: Advisory areas: orange, apart from the refusals' red; hatched where they kept the route out.
_ADVISORY = "#e66101"
_CROSSED = "#3a5f7d"

#: Spacing of the drawn lines' points.
_STEP_KM = 20.0
#: Tolerance the advisory areas are simplified to for drawing, degrees (about 2 km).
_ADVISORY_DRAWN_DEG = 0.02
#: How each effect of an advisory is drawn: hatch, line style, and the legend's words.
_ADVISORY_STYLE: dict[str, tuple[str, Any, str]] = {
    "avoided": ("\\\\", "solid", "Advisory area kept out of"),
    "active": ("", (0, (4, 2)), "Advisory area active elsewhere"),
    "crossed": ("", (0, (1, 1.5)), "Advisory area crossed"),
    "above": ("", (0, (1, 1.5)), "Advisory area crossed"),
}
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


def panel_lines(plan: Plan | Route) -> list[tuple[str, str]]:
    """The figures both maps show beside the route, as (label, value) pairs.

    Those of the flight as flown (with fuel stops: every leg, the stops by name, the time on
    the ground), the scenario and date it was planned under, and the clearances it needs.
    The states avoided are left to each map, which shows them its own way.
    """
    chosen = as_plan(plan)
    figures = plan_figures(chosen)
    rows: list[tuple[str, str]] = []
    if chosen.permissions is not None:
        p = chosen.permissions
        who = " ".join(x for x in (p.operator_state, p.category) if x)
        rows.append(
            ("Scenario", f"{p.scenario} on {p.on.isoformat()}" + (f" ({who})" if who else ""))
        )
    for label, value in figures.lines():
        if label == "Fuel stops" and chosen.stops is not None:
            value = "; ".join(f"{s.name} ({s.code}, {s.country})" for s in chosen.stops.stops)
        elif label == "Total time" and chosen.stops is not None:
            ground = chosen.stops.ground_time_h * len(chosen.stops.stops)
            value += f", {ground:g} h of it on the ground"
        if label in ("Avoids", "States crossed"):
            continue
        rows.append((label, value))
    rows.append(("Clearances", ", ".join(chosen.clearances) or "none"))
    return rows


def _draw_avoid_areas(ax: Any, view: _View, plan: Plan) -> bool:
    """Hatch the avoid areas the plan kept out of; whether there were any."""
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path

    paths: list[Path] = []
    for area in _avoid_areas(plan):
        for poly in getattr(area, "geoms", [area]):
            if not hasattr(poly, "exterior"):
                continue
            for offset in _copies(poly.bounds, view):
                ring = np.asarray(orient(poly, 1.0).exterior.coords)[:, :2]
                paths.append(Path(ring + np.array([offset, 0.0]), closed=True))
    if not paths:
        return False
    artist = PathCollection(
        paths, facecolor="none", edgecolor=_AVOID, hatch="////", linewidth=0.9, zorder=3
    )
    artist.set_gid("avoid")
    ax.add_collection(artist)
    return True


def advisory_features(plan: Plan) -> list[dict[str, Any]]:
    """The plan's advisory areas to draw, as GeoJSON features, both maps' one source.

    Each has the advisory's ``id``, ``band`` (``FL000-FL249``), ``effect`` (kept out,
    active, crossed: ``routing/advisory_areas.py``), ``severity``, ``issuer`` and a ``label``
    point inside it; the outline is simplified for drawing.
    """
    out = []
    for outcome in plan.advisories or ():
        drawn = shapely.simplify(outcome.geometry, _ADVISORY_DRAWN_DEG)
        if drawn.is_empty:
            continue
        a = outcome.bound.advisory
        label = shapely.point_on_surface(drawn)
        out.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(drawn),
                "properties": {
                    "id": a.id,
                    "band": str(a.band),
                    "effect": outcome.effect,
                    "severity": a.severity,
                    "issuer": outcome.bound.issuer,
                    "label": [round(label.x, 4), round(label.y, 4)],
                },
            }
        )
    return out


def _draw_advisories(ax: Any, view: _View, plan: Plan) -> frozenset[str]:
    """Outline the advisory areas (hatched where kept out), labelled with id and band.

    Returns the effects drawn, for the legend.
    """
    import matplotlib.patheffects as pe
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path

    drawn: set[str] = set()
    window = shapely.box(view.west, view.south, view.east, view.north)
    for feature in advisory_features(plan):
        props = feature["properties"]
        area = shapely.geometry.shape(feature["geometry"])
        paths: list[Path] = []
        for poly in getattr(area, "geoms", [area]):
            if not hasattr(poly, "exterior"):
                continue
            oriented = orient(poly, 1.0)
            for offset in _copies(poly.bounds, view):
                rings = [
                    Path(np.asarray(r.coords)[:, :2] + np.array([offset, 0.0]), closed=True)
                    for r in (oriented.exterior, *oriented.interiors)
                ]
                paths.append(Path.make_compound_path(*rings))
        if not paths:
            continue
        hatch, style, _ = _ADVISORY_STYLE[props["effect"]]
        artist = PathCollection(
            paths,
            facecolor="none",
            edgecolor=_ADVISORY,
            hatch=hatch or None,
            linewidth=1.0,
            linestyle=style,
            zorder=3,
        )
        artist.set_gid(f"advisory-{props['id']}")
        ax.add_collection(artist)
        drawn.add(props["effect"])
        seen = shapely.intersection(area, window)
        if not seen.is_empty:
            at = shapely.point_on_surface(seen)
            label = ax.text(
                at.x,
                at.y,
                f"{props['id']}\n{props['band']}",
                ha="center",
                va="center",
                fontsize=5.5,
                color=_ADVISORY,
                zorder=6,
                clip_on=True,
                path_effects=[pe.withStroke(linewidth=2, foreground="white", alpha=0.8)],
            )
            label.set_gid(f"advisory-label-{props['id']}")
    return frozenset(drawn)


def _avoid_areas(plan: Plan) -> list[Any]:
    """The polygons the plan avoided: the scenario's (with --avoid), else the request's files."""
    if plan.permissions is not None:
        return list(plan.permissions.avoid)
    if plan.request is not None and plan.request.avoid:
        from overflight.scenarios import avoid_area

        found = (avoid_area(a, flight_level=plan.request.flight_level) for a in plan.request.avoid)
        return [area for area in found if area is not None]
    return []


def _label_crossed(ax: Any, plan: Plan, line: NDArray[np.float64], view: _View) -> None:
    """The code of each state the flight crosses (and does not avoid), beside its stretch."""
    import matplotlib.patheffects as pe

    halo = [pe.withStroke(linewidth=2, foreground="white", alpha=0.8)]
    done: set[str] = set()
    for leg in flown_legs(plan):
        for t in leg.transit:
            if t.country in done or t.country in plan.route.denied:
                continue
            done.add(t.country)
            mid = ((t.entry.lon + t.exit.lon) / 2.0, (t.entry.lat + t.exit.lat) / 2.0)
            if abs(t.entry.lon - t.exit.lon) > 180.0:
                mid = (mid[0] + 180.0, mid[1])
            near = line[
                int(
                    np.argmin(
                        np.abs((line[:, 0] - mid[0] + 180.0) % 360.0 - 180.0)
                        + np.abs(line[:, 1] - mid[1])
                    )
                )
            ]
            if not (view.west <= near[0] <= view.east and view.south <= near[1] <= view.north):
                continue
            text = ax.annotate(
                t.country,
                (float(near[0]), float(near[1])),
                xytext=(-5, -9),
                textcoords="offset points",
                ha="right",
                fontsize=7,
                fontstyle="italic",
                color=_CROSSED,
                zorder=6.5,
                path_effects=halo,
            )
            text.set_gid(f"crossed-{t.country}")


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


def _draw_panel(
    panel: Any, plan: Plan, figures: Figures, has_avoid: bool, advisories: frozenset[str]
) -> None:
    """Title, figures, legend and credit in the side panel, where they hide nothing.

    The text blocks are stacked by their measured heights; when they would reach the legend,
    the text is set smaller and long lists are cut short (with how many are left out), so a
    long denied list or a small image never spills over the legend or onto the map.
    """
    renderer = panel.figure.canvas.get_renderer()
    # Fonts sized for the panel of a 1600 px image, smaller in a narrower one.
    fit = min(1.0, panel.get_window_extent(renderer).width / (_PANEL * 1600.0))
    legend = _draw_legend(panel, bool(figures.stops), has_avoid, advisories, 7.5 * fit)
    panel.text(
        0.08,
        0.02,
        CREDIT,
        ha="left",
        va="bottom",
        fontsize=5.5 * fit,
        color="#555",
        linespacing=1.3,
    )
    floor = panel.transAxes.inverted().transform(legend.get_window_extent(renderer).corners()[1])[1]
    box = panel.get_window_extent(renderer)
    # Smaller and shorter until it fits; a tiny image keeps the headline figures, or the title.
    tries = [(1.0, 12, 99), (0.9, 8, 99), (0.8, 6, 99), (0.7, 4, 99), (0.6, 3, 99), (0.6, 2, 3)]
    for scale, most, keep in tries:
        texts = _panel_texts(panel, plan, figures, box.width, scale, most, keep)
        bottom = min(
            panel.transAxes.inverted().transform(t.get_window_extent(renderer).corners()[0])[1]
            for t in texts
        )
        if bottom >= floor + 0.01:
            return
        for t in texts:
            t.remove()
    _panel_texts(panel, plan, figures, box.width, 0.6, 2, 0)


def _panel_texts(
    panel: Any, plan: Plan, figures: Figures, width_px: float, scale: float, most: int, keep: int
) -> list[Any]:
    """The title and figure blocks at a font scale, each item cut to ``most`` lines.

    Only the first ``keep`` items of the figures are drawn (0: the title alone).
    """
    renderer = panel.figure.canvas.get_renderer()

    def chars(size_pt: float, em: float = 0.56) -> int:
        # An average glyph is about 0.56 em wide (bold: more).
        return max(8, int(width_px * 0.84 / (size_pt * _DPI / 72.0 * em)))

    # Fonts sized for the panel of a 1600 px image, smaller in a narrower one.
    scale *= min(1.0, width_px / (_PANEL * 1600.0))
    title_pt = (14.0 if len(figures.title) <= 14 else 11.0) * scale
    body_pt = 7.5 * scale
    subtitle = ""
    if plan.permissions is not None:
        p = plan.permissions
        who = " ".join(x for x in (p.operator_state, p.category) if x)
        subtitle = f"{p.scenario}, {p.on.isoformat()}" + (f" ({who})" if who else "")
    denied = ", ".join(figures.denied)
    blocks: list[tuple[str, float, str]] = [
        (_wrap(figures.title, chars(title_pt, 0.68), indent=""), title_pt, "bold"),
    ]
    if subtitle:
        blocks.append(
            (_wrap(subtitle, chars(body_pt * 1.2, 0.68), indent=""), body_pt * 1.2, "bold")
        )
    avoided = f"Avoiding the airspace of {len(figures.denied)} states: {denied}"
    if len(figures.denied) <= 1:
        avoided = f"Avoiding the airspace of {denied or 'no state'}"
    body = [_clip(avoided, chars(body_pt), most), ""]
    body += [
        _clip(f"{label}: {value}", chars(body_pt), most)
        for label, value in panel_lines(plan)
        if label != "Scenario"  # the subtitle says it
    ]
    if figures.states:
        body += ["", _clip("States crossed: " + ", ".join(figures.states), chars(body_pt), most)]
    body += ["", _clip(" ".join(plan.remarks), chars(body_pt), most, items=False)]
    body = [line for line in body if line][:keep] if keep < len(body) else body
    if body:
        blocks.append(("\n".join(body), body_pt, "normal"))
    texts = []
    top = 0.97
    for text, size, weight in blocks:
        artist = panel.text(
            0.08,
            top,
            text,
            ha="left",
            va="top",
            fontsize=size,
            fontweight=weight,
            color=_INK,
            linespacing=1.4,
        )
        texts.append(artist)
        low = artist.get_window_extent(renderer).corners()[0]
        top = panel.transAxes.inverted().transform(low)[1] - 0.015
    return texts


def _clip(text: str, width: int, most: int, *, items: bool = True) -> str:
    """The text wrapped to the width and cut to ``most`` lines.

    A list of items says how many were left out; a sentence ends with an ellipsis.
    """
    import textwrap

    lines = textwrap.wrap(text, width, subsequent_indent="  ")
    if len(lines) <= most:
        return "\n".join(lines)
    if not items:
        return "\n".join([*lines[: most - 1], lines[most - 1] + " …"])
    left = len(" ".join(lines[most - 1 :]).split(", "))
    return "\n".join([*lines[: most - 1], f"  … and {left} more"])


def _draw_legend(
    panel: Any, has_stops: bool, has_avoid: bool, advisories: frozenset[str], size_pt: float
) -> Any:
    """The legend at the foot of the panel."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

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
        Line2D(
            [],
            [],
            marker="o",
            color=_INK,
            markerfacecolor="white",
            linestyle="none",
            label="Origin, destination",
        ),
    ]
    if has_avoid:
        handles.append(Patch(facecolor="none", edgecolor=_AVOID, hatch="////", label="Avoid area"))
    # The legend's words, once each, in the order of the effects.
    styles = {_ADVISORY_STYLE[e][2]: _ADVISORY_STYLE[e] for e in _ADVISORY_STYLE if e in advisories}
    for hatch, style, words in styles.values():
        handles.append(
            Patch(
                facecolor="none",
                edgecolor=_ADVISORY,
                hatch=hatch or None,
                linestyle=style,
                label=words,
            )
        )
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
    handles.append(
        Line2D(
            [],
            [],
            marker="$AB$",
            markersize=9,
            color=_CROSSED,
            linestyle="none",
            label="State crossed",
        )
    )
    return panel.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.04, 0.08),
        fontsize=size_pt,
        frameon=False,
    )


def _wrap(text: str, width: int, indent: str = "    ") -> str:
    import textwrap

    return ("\n" + indent).join(textwrap.wrap(text, width))


def _figure(plan: Plan | Route, width_px: int, height_px: int) -> Figure:
    """Draw the map on a new figure (not attached to pyplot, so nothing is shown or leaked)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
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
    FigureCanvasAgg(fig)  # a renderer to measure the panel's text with
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
    has_avoid = _draw_avoid_areas(ax, view, chosen)
    advisories = _draw_advisories(ax, view, chosen)
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
    _label_crossed(ax, chosen, route, view)
    _draw_places(ax, figures, route)
    _draw_panel(panel, chosen, figures, has_avoid, advisories)
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
