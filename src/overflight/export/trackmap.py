"""A flown track and the shortest legal route on one map: static (PNG, SVG) or an HTML page.

The track is drawn in blue (its gaps in coverage dotted orange), the stretches in closed airspace
in red, those crossed under transit passage in cyan, the shortest legal route in green, over the
states' outlines with the closed ones shaded. Longitudes are unwrapped around the track, so a
flight across ±180° stays whole.

The HTML page is one self-contained file, as :mod:`overflight.export.html` makes for a route:
the vendored MapLibre GL JS and the basemap inlined, no request off the file. Its data sits in
the ``<script type="application/json" id="overflight-data">`` element: ``report`` (the JSON of
``overflight track -f json``), ``track``, ``optimum`` (``[lon, lat]`` lists, or null), ``gaps``,
``violations`` and ``passages`` (each with its ``line``), ``places``, ``denied``, ``figures``
and ``states`` (the basemap).
"""

from __future__ import annotations

import html
import io
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from overflight.data.display import display_states
from overflight.export.html import MAP_FURNITURE, PAGE_STYLE, single_page
from overflight.geo.ellipsoid import densify_path
from overflight.geo.sphere import unwrap_longitudes

if TYPE_CHECKING:
    from overflight.analysis.track import TrackReport

__all__ = ["track_report_to_html", "track_report_to_image"]

_TRACK, _GAP, _BAD, _OPTIMUM, _PASSAGE = "#1f5fbf", "#ff7f0e", "#d62728", "#2ca02c", "#17becf"


def _xy(points: Any, centre: float) -> np.ndarray:
    """Points as (x, y) with longitudes unwrapped and moved within 180° of the centre."""
    xy = np.asarray(unwrap_longitudes(points), dtype=np.float64).reshape(-1, 2)
    shift = 360.0 * np.round((np.mean(xy[:, 0]) - centre) / 360.0)
    out: np.ndarray = xy - np.array([shift, 0.0])
    return out


def track_report_to_image(
    report: TrackReport, *, image_format: str = "png", width_px: int = 1600, height_px: int = 1000
) -> bytes:
    """The map as PNG or SVG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    t = report.track
    track = np.asarray(unwrap_longitudes(list(t.points)), dtype=np.float64)
    centre = float(np.mean(track[:, 0]))
    lines = [track]
    optimum = None
    label = ""
    if report.optimum is not None:
        optimum = _xy(densify_path(report.optimum.route.waypoints, 20.0), centre)
        lines.append(optimum)
        label = f"shortest legal route {report.optimum.route.distance_km:,.0f} km"
    both = np.concatenate(lines)
    (west, south), (east, north) = both.min(axis=0), both.max(axis=0)
    pad = max(east - west, north - south) * 0.12 + 1.0
    west, east, south, north = west - pad, east + pad, max(south - pad, -90), min(north + pad, 90)
    # Fill the figure: widen (or heighten) the window to its shape.
    squash = max(float(np.cos(np.radians((south + north) / 2.0))), 0.2)
    wide = (east - west) * squash / (north - south)
    want = width_px / height_px
    if wide < want:
        grow = ((north - south) * want / squash - (east - west)) / 2.0
        west, east = west - grow, east + grow
    else:
        grow = ((east - west) * squash / want - (north - south)) / 2.0
        south, north = max(south - grow, -90.0), min(north + grow, 90.0)
    fig = Figure(figsize=(width_px / 100, height_px / 100), dpi=100)
    ax = fig.add_subplot()
    ax.set_facecolor("#dbe9f6")
    closed = set(report.denied)
    window = shapely.box(west - 360, south, east + 360, north)
    for feature in display_states()["features"]:
        geom = shapely.geometry.shape(feature["geometry"])
        if not geom.intersects(window):
            continue
        shaded = feature["properties"]["code"] in closed
        for poly in getattr(geom, "geoms", [geom]):
            x, y = np.asarray(poly.exterior.coords)[:, :2].T
            for offset in (-360.0, 0.0, 360.0):
                if x.max() + offset >= west and x.min() + offset <= east:
                    ax.fill(
                        x + offset,
                        y,
                        facecolor="#f2c6c6" if shaded else "#f4f1ea",
                        edgecolor="#9a9a9a",
                        linewidth=0.4,
                        zorder=1,
                    )
    if optimum is not None:
        ax.plot(
            *optimum.T,
            color=_OPTIMUM,
            linewidth=2.0,
            linestyle="--",
            zorder=3,
            label=label,
        )
    ax.plot(*track.T, color=_TRACK, linewidth=1.8, zorder=4, label=f"track {t.distance_km:,.0f} km")
    for n, gap in enumerate(t.gaps):
        ax.plot(
            *_xy(densify_path([gap.start, gap.end], 20.0), centre).T,
            color=_GAP,
            linewidth=2.2,
            linestyle=":",
            zorder=5,
            label="gap in coverage (great circle)" if n == 0 else None,
        )
    for v in report.violations:
        c = v.crossing
        ax.plot(
            *_xy(c.points(t), centre).T,
            color=_BAD,
            linewidth=3.0,
            zorder=6,
            label=f"in closed airspace: {c.transit.country}",
        )
    for n, passage in enumerate(report.transit_passages):
        ax.plot(
            *_xy(passage.crossing.points(t), centre).T,
            color=_PASSAGE,
            linewidth=3.0,
            zorder=6,
            label="transit passage (strait)" if n == 0 else None,
        )
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1.0 / squash)
    ax.legend(loc="lower left", fontsize=9)
    ax.set_title(f"{report.origin.code} → {report.destination.code}   {t.source}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format=image_format)
    return buffer.getvalue()


def _coords(points: Any, centre: float) -> list[list[float]]:
    """Densified great circles through the points, unwrapped onto the track's world copy."""
    xy = _xy(densify_path(points, 10.0), centre)
    return [[round(float(x), 5), round(float(y), 5)] for x, y in xy]


def _page_data(report: TrackReport) -> dict[str, Any]:
    t = report.track
    track = _coords(t.points, 0.0)
    centre = float(np.mean([x for x, _ in track]))
    optimum = report.optimum
    ends = [(report.origin, "origin"), (report.destination, "destination")]
    near = [track[0], track[-1]]
    detour = "-" if report.detour_km is None else f"{report.detour_km:+,.0f} km"
    if report.detour_min is not None:
        detour += f", {report.detour_min:+,.0f} min"
    flown = f"{t.distance_km:,.0f} km, {len(t.points):,} fixes"
    if t.duration_h is not None:
        minutes = round(t.duration_h * 60.0)
        flown += f", {minutes // 60}h{minutes % 60:02d}"
    figures = [
        ("Track", flown),
        ("Rules of", "-" if report.date is None else report.date.isoformat()),
        (
            "Shortest legal route",
            f"{optimum.route.distance_km:,.0f} km" if optimum else f"none: {report.no_route}",
        ),
        ("Detour", detour),
        ("States overflown", " ".join(o.transit.country for o in report.overflown) or "none"),
        (
            "Closed",
            ", ".join(report.denied) or "none"
            if len(report.denied) <= 12
            else f"{len(report.denied)} states (shaded)",
        ),
        (
            "Violations",
            " ".join(v.crossing.transit.country for v in report.violations) or "none",
        ),
    ]
    if report.transit_passages:
        figures.append(
            (
                "Transit passage",
                ", ".join(
                    f"{p.crossing.transit.country} ({p.strait_name})"
                    for p in report.transit_passages
                ),
            )
        )
    skirted = [a.country for a in report.approaches if a.skirted]
    if skirted:
        figures.append(("Skirted", " ".join(skirted)))
    return {
        "report": report.to_dict(),
        "track": track,
        "optimum": None if optimum is None else _coords(optimum.route.waypoints, centre),
        "gaps": [_coords([g.start, g.end], centre) for g in t.gaps],
        "violations": [
            {
                "country": v.crossing.transit.country,
                "name": v.crossing.transit.name,
                "distance_km": v.crossing.transit.distance_km,
                "rules": list(v.rules),
                "line": _coords(v.crossing.points(t), centre),
            }
            for v in report.violations
        ],
        "passages": [
            {
                "country": p.crossing.transit.country,
                "name": p.crossing.transit.name,
                "strait": p.strait_name,
                "line": _coords(p.crossing.points(t), centre),
            }
            for p in report.transit_passages
        ],
        "places": [
            {
                "code": place.code,
                "name": place.name,
                "role": role,
                "lon": place.lon + 360.0 * round((at[0] - place.lon) / 360.0),
                "lat": place.lat,
            }
            for (place, role), at in zip(ends, near, strict=True)
        ],
        "denied": list(report.denied),
        "figures": figures,
        "states": display_states(),
    }


_STYLE = (
    PAGE_STYLE
    + """
#panel { width: 300px; }
.rule { font-size: 12px; color: #7a1b1b; }
"""
)

_SCRIPT = (
    """
const data = JSON.parse(document.getElementById("overflight-data").textContent);
const lines = (items) => ({type: "FeatureCollection", features: items.map((coords) => (
  {type: "Feature", properties: {}, geometry: {type: "LineString", coordinates: coords}}))});
const line = (width, color, extra) => Object.assign(
  {type: "line", layout: {"line-cap": "round", "line-join": "round"},
   paint: Object.assign({"line-color": color, "line-width": width}, extra || {})});
const map = new maplibregl.Map({
  container: "map",
  attributionControl: false,
  renderWorldCopies: true,
  style: {
    version: 8,
    sources: {
      states: {type: "geojson", data: data.states},
      track: {type: "geojson", data: lines([data.track])},
      optimum: {type: "geojson", data: lines(data.optimum ? [data.optimum] : [])},
      gaps: {type: "geojson", data: lines(data.gaps)},
      violations: {type: "geojson", data: lines(data.violations.map((v) => v.line))},
      passages: {type: "geojson", data: lines(data.passages.map((p) => p.line))}
    },
    layers: [
      {id: "sea", type: "background", paint: {"background-color": "#dbe9f6"}},
      {id: "land", type: "fill", source: "states", paint: {"fill-color": "#f4f1ea"}},
      {id: "closed", type: "fill", source: "states",
       filter: ["in", ["get", "code"], ["literal", data.denied]],
       paint: {"fill-color": "#f2c6c6", "fill-opacity": 0.9}},
      {id: "borders", type: "line", source: "states",
       paint: {"line-color": "#9a9a9a", "line-width": 0.5}},
      Object.assign(line(3, "#2ca02c", {"line-dasharray": [3, 2]}),
                    {id: "optimum", source: "optimum"}),
      Object.assign(line(6, "#ffffff"), {id: "track-halo", source: "track"}),
      Object.assign(line(3, "#1f5fbf"), {id: "track", source: "track"}),
      Object.assign(line(3.5, "#ff7f0e", {"line-dasharray": [1, 2]}),
                    {id: "gaps", source: "gaps"}),
      Object.assign(line(6, "#d62728"), {id: "violations", source: "violations"}),
      Object.assign(line(6, "#17becf"), {id: "passages", source: "passages"})
    ]
  }
});
const fit = data.track.concat(data.optimum || []);
const closedLabel = " (closed to the flight)";
"""
    + MAP_FURNITURE
)


def _panel(data: dict[str, Any]) -> str:
    """The figures, the legend and the violations with their rules, as HTML (escaped)."""
    esc = html.escape
    title = " → ".join(p["code"] for p in data["places"])
    rows = "".join(
        f"<tr><th>{esc(label)}</th><td>{esc(value)}</td></tr>" for label, value in data["figures"]
    )
    drawn = {
        "gaps": ("border-top:3px dotted #ff7f0e", "gap in coverage (great circle)"),
        "violations": ("border-top:5px solid #d62728", "in closed airspace: violation"),
        "passages": ("border-top:5px solid #17becf", "transit passage through a strait"),
    }
    legend = [
        ("border-top:3px solid #1f5fbf", "track flown"),
        ("border-top:3px dashed #2ca02c", "shortest legal route"),
        *(item for key, item in drawn.items() if data[key]),
        ("height:10px;background:#f2c6c6", "airspace closed to the flight"),
    ]
    items = "".join(f'<div><span style="{css}"></span>{esc(text)}</div>' for css, text in legend)
    broken = "".join(
        f"<tr><td>{esc(v['country'])}</td><td>{esc(v['name'])}, {v['distance_km']:,.0f} km"
        + "".join(f'<div class="rule">{esc(r)}</div>' for r in v["rules"])
        + "</td></tr>"
        for v in data["violations"]
    )
    violations = f"<h2>Violations</h2><table>{broken}</table>" if broken else ""
    return (
        f'<div id="panel"><h1>{esc(title)}</h1><div>{esc(data["report"]["track"]["source"])}'
        f'</div><table>{rows}</table><div class="legend">{items}</div>{violations}</div>'
    )


def track_report_to_html(report: TrackReport) -> str:
    """The track, the optimum and the violations on one HTML page that needs no network."""
    data = _page_data(report)
    title = " → ".join(p["code"] for p in data["places"]) + " track"
    return single_page(title, _panel(data), data, style=_STYLE, script=_SCRIPT)
