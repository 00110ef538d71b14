"""A planned flight as one self-contained HTML file: an interactive map that opens from disk.

Everything is inlined: the vendored MapLibre GL JS (script and stylesheet), the basemap (the
shipped state polygons simplified for drawing), the route, the direct great circle and the
figures. The map style has no glyphs, sprite or tile URLs, so the page makes no network request
at all (labels and popups are HTML, not map symbols). Lines crossing ±180° are drawn with
unwrapped longitudes, which MapLibre continues onto the next world copy.

The data sits in a ``<script type="application/json" id="overflight-data">`` element with the
fields ``route`` (the route's JSON, as ``route --format json``), ``track`` and ``great_circle``
(``[lon, lat]`` lists), ``places`` (``code``, ``name``, ``role``, ``lon``, ``lat``),
``denied``, ``figures`` (label, value pairs: those of the flight as flown, with the stops by
name, the scenario and date, and the clearances; :func:`overflight.export.staticmap.panel_lines`),
``remarks``, ``advisories`` (the advisory areas of the flight, a FeatureCollection with
``id``, ``band``, ``effect``: :func:`overflight.export.staticmap.advisory_features`) and
``states`` (the basemap FeatureCollection). The panel has a legend for every colour and mark
on the map; advisory areas are drawn in orange apart from the denied states, labelled with
their id and band.
"""

from __future__ import annotations

import html
import json
from functools import cache
from importlib.resources import files
from typing import Any

from overflight.analysis.plan import Plan
from overflight.data.display import display_states
from overflight.export.staticmap import advisory_features, panel_lines
from overflight.export.table import as_plan, flown_legs, plan_figures
from overflight.geo.ellipsoid import densify_path
from overflight.geo.sphere import unwrap_longitudes
from overflight.models import LonLat, Place, Route
from overflight.routing.transit import join_legs

__all__ = [
    "DATA_ELEMENT_ID",
    "MAP_FURNITURE",
    "PAGE_STYLE",
    "json_for_script",
    "plan_to_html",
    "single_page",
]

#: Id of the ``<script type="application/json">`` element that holds the page's data.
DATA_ELEMENT_ID = "overflight-data"

#: Spacing of the drawn lines' points.
_STEP_KM = 10.0

# Characters that could end a <script> element or an HTML comment, or that JavaScript
# before ES2019 reads as line ends: written as JSON escapes, which parse back the same.
_SCRIPT_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def json_for_script(value: Any) -> str:
    r"""JSON text that is safe inside a ``<script>`` element and parses back to the value.

    >>> print(json_for_script({"a": "</script>"}))
    {"a":"\u003c/script\u003e"}
    """
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).translate(_SCRIPT_ESCAPES)


@cache
def _vendor(name: str) -> str:
    """A file of the vendored MapLibre GL JS, read from the installed package."""
    return (files("overflight.export") / "vendor" / "maplibre-gl" / name).read_text("utf-8")


def _unwrapped(points: list[LonLat]) -> list[list[float]]:
    """Great-circle legs through the points, densified, longitudes continuous across ±180°."""
    arr = unwrap_longitudes(densify_path(points, _STEP_KM))
    return [[round(float(x), 5), round(float(y), 5)] for x, y in arr]


def _lon_near(place: Place, track: list[list[float]]) -> float:
    """The place's longitude on the world copy the (unwrapped) track passes through near it."""

    def gap(q: list[float]) -> float:
        return abs(q[1] - place.lat) + abs((q[0] - place.lon + 180.0) % 360.0 - 180.0)

    near = min(track, key=gap)
    return place.lon + 360.0 * round((near[0] - place.lon) / 360.0)


def _page_data(plan: Plan) -> dict[str, Any]:
    figures = plan_figures(plan)
    points = [plan.route.origin.lonlat]
    for leg in flown_legs(plan):
        points.extend(leg.waypoints[1:])
    track = _unwrapped(points)
    roles = [(figures.origin, "origin"), *((s, "stop") for s in figures.stops)]
    places = [
        {"code": p.code, "name": p.name, "role": role, "lon": _lon_near(p, track), "lat": p.lat}
        for p, role in [*roles, (figures.destination, "destination")]
    ]
    transit = [
        {"country": t.country, "name": t.name, "distance_km": t.distance_km}
        for t in join_legs([leg.transit for leg in flown_legs(plan)])
    ]
    return {
        "route": plan.to_dict(),
        "track": track,
        "great_circle": _unwrapped([figures.origin.lonlat, figures.destination.lonlat]),
        "places": places,
        "denied": list(figures.denied),
        "figures": [*panel_lines(plan), ("Avoids", ", ".join(figures.denied) or "none")],
        "remarks": list(plan.remarks),
        "advisories": {"type": "FeatureCollection", "features": advisory_features(plan)},
        "transit": transit,
        "states": display_states(),
    }


#: The page's own style: map, panel, legend, places (the track page adds to it).
PAGE_STYLE = """
html, body { margin: 0; height: 100%; font: 13px/1.4 system-ui, sans-serif; color: #1f1f1f; }
#map { position: absolute; inset: 0; background: #dbe7ef; }
#panel { position: absolute; top: 10px; left: 10px; width: 290px; max-height: calc(100% - 40px);
  overflow: auto; background: rgba(255,255,255,.94); border-radius: 6px; padding: 10px 12px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); z-index: 2; }
#panel h1 { font-size: 17px; margin: 0 0 4px; }
#panel table { border-collapse: collapse; width: 100%; margin-top: 6px; }
#panel th, #panel td { text-align: left; padding: 1px 4px; vertical-align: top; }
#panel td.num { text-align: right; white-space: nowrap; }
#panel h2 { font-size: 13px; margin: 10px 0 0; }
.legend { margin-top: 6px; display: grid; grid-template-columns: 1fr 1fr; gap: 2px 6px; }
.legend span { display: inline-block; width: 18px; height: 0; margin-right: 4px;
  vertical-align: middle; }
.legend span.mark { width: 10px; height: 10px; border-radius: 50%; background: #fff;
  border: 2px solid #1f1f1f; box-sizing: border-box; }
.legend span.mark.stop { border-radius: 1px; background: #f28e2b; }
.remark { color: #555; font-size: 12px; margin-top: 8px; }
.place { font: bold 12px system-ui, sans-serif; padding: 1px 4px; background: #fff;
  border: 1.5px solid #1f1f1f; border-radius: 3px; white-space: nowrap; }
.dot { width: 10px; height: 10px; border-radius: 50%; background: #fff;
  border: 2px solid #1f1f1f; }
.dot.stop { border-radius: 1px; background: #f28e2b; }
.advisory { font: 10px system-ui, sans-serif; color: #e66101; text-align: center;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff; white-space: nowrap; pointer-events: none; }
"""

#: What both map pages draw around the map, once ``map``, ``data`` (with ``places`` and
#: ``denied``), ``fit`` (the points to show) and ``closedLabel`` are defined: controls,
#: credits, the view, the places, a popup naming the state clicked, and ``data-ready``.
MAP_FURNITURE = """
map.addControl(new maplibregl.NavigationControl({showCompass: false}));
map.addControl(new maplibregl.ScaleControl());
map.addControl(new maplibregl.AttributionControl({compact: false,
  customAttribution: document.getElementById("credit").innerHTML}));
const bounds = fit.reduce((b, p) => b.extend(p), new maplibregl.LngLatBounds(fit[0], fit[0]));
map.fitBounds(bounds, {padding: {top: 50, bottom: 50, left: 330, right: 90}, duration: 0});
for (const p of data.places) {
  const dot = document.createElement("div");
  dot.className = "dot " + p.role;
  dot.title = p.name;
  new maplibregl.Marker({element: dot}).setLngLat([p.lon, p.lat]).addTo(map);
  const label = document.createElement("div");
  label.className = "place";
  label.textContent = p.code;
  label.title = p.name;
  new maplibregl.Marker({element: label, anchor: "bottom-left", offset: [6, -4]})
    .setLngLat([p.lon, p.lat]).addTo(map);
}
const popup = new maplibregl.Popup({closeButton: false});
map.on("click", "land", (e) => {
  const f = e.features[0].properties;
  const status = data.denied.includes(f.code) ? closedLabel : "";
  popup.setLngLat(e.lngLat).setText(f.name + " \\u2014 " + f.code + status).addTo(map);
});
map.once("idle", () => document.body.setAttribute("data-ready", "true"));
"""

_SCRIPT = (
    """
const data = JSON.parse(document.getElementById("overflight-data").textContent);
const line = (coords) => ({type: "Feature", properties: {},
  geometry: {type: "LineString", coordinates: coords}});
const map = new maplibregl.Map({
  container: "map",
  attributionControl: false,
  renderWorldCopies: true,
  style: {
    version: 8,
    sources: {
      states: {type: "geojson", data: data.states},
      route: {type: "geojson", data: line(data.track)},
      gc: {type: "geojson", data: line(data.great_circle)},
      advisories: {type: "geojson", data: data.advisories}
    },
    layers: [
      {id: "sea", type: "background", paint: {"background-color": "#dbe7ef"}},
      {id: "land", type: "fill", source: "states",
       paint: {"fill-color": "#f3f0e8"}},
      {id: "denied", type: "fill", source: "states",
       filter: ["in", ["get", "code"], ["literal", data.denied]],
       paint: {"fill-color": "#e59a94", "fill-opacity": 0.85}},
      {id: "borders", type: "line", source: "states",
       paint: {"line-color": "#b9b2a5", "line-width": 0.6}},
      {id: "advisory-fill", type: "fill", source: "advisories",
       paint: {"fill-color": "#e66101",
               "fill-opacity": ["case", ["==", ["get", "effect"], "avoided"], 0.22, 0.06]}},
      {id: "advisory-kept-out", type: "line", source: "advisories",
       filter: ["==", ["get", "effect"], "avoided"],
       paint: {"line-color": "#e66101", "line-width": 1.6}},
      {id: "advisory-other", type: "line", source: "advisories",
       filter: ["!=", ["get", "effect"], "avoided"],
       paint: {"line-color": "#e66101", "line-width": 1.2, "line-dasharray": [3, 2]}},
      {id: "great-circle", type: "line", source: "gc",
       paint: {"line-color": "#4d4d4d", "line-width": 1.5, "line-dasharray": [4, 3]}},
      {id: "route-halo", type: "line", source: "route",
       layout: {"line-cap": "round", "line-join": "round"},
       paint: {"line-color": "#ffffff", "line-width": 6}},
      {id: "route", type: "line", source: "route",
       layout: {"line-cap": "round", "line-join": "round"},
       paint: {"line-color": "#08519c", "line-width": 3.5}}
    ]
  }
});
const fit = data.track.concat(data.great_circle);
const closedLabel = " (denied)";
"""
    + MAP_FURNITURE
    # The advisory areas' labels and popup, after the furniture that makes `popup`.
    + """
for (const a of data.advisories.features) {
  const label = document.createElement("div");
  label.className = "advisory";
  label.textContent = a.properties.id + " " + a.properties.band;
  new maplibregl.Marker({element: label}).setLngLat(a.properties.label).addTo(map);
}
const effects = {avoided: "kept out", active: "active elsewhere", crossed: "crossed (caution)",
  above: "crossed above its band"};
map.on("click", "advisory-fill", (e) => {
  const a = e.features[0].properties;
  popup.setLngLat(e.lngLat).setText(a.id + " (" + a.issuer + ", " + a.severity + ", " +
    a.band + "): " + effects[a.effect]).addTo(map);
});
"""
)


def _advisory_legend(features: list[dict[str, Any]]) -> list[str]:
    """Legend lines for the advisory areas drawn: kept out (filled), others (dashed)."""
    effects = {f["properties"]["effect"] for f in features}
    out = []
    if "avoided" in effects:
        out.append(
            '<span style="height:10px;background:rgba(230,97,1,.22);border:1.5px solid #e66101">'
            "</span>advisory area kept out of (id, band)"
        )
    if effects - {"avoided"}:
        out.append(
            '<span style="border-top:2px dashed #e66101"></span>advisory area active elsewhere '
            "or crossed"
        )
    return out


def _panel(data: dict[str, Any]) -> str:
    """The figures and the transit table as HTML (escaped)."""
    esc = html.escape
    title = " → ".join(p["code"] for p in data["places"])
    rows = "".join(
        f"<tr><th>{esc(label)}</th><td>{esc(value)}</td></tr>"
        for label, value in data["figures"]
        if label != "States crossed"  # the table below lists them
    )
    transit = "".join(
        f"<tr><td>{esc(t['country'])}</td><td>{esc(t['name'])}</td>"
        f'<td class="num">{t["distance_km"]:,.0f} km</td></tr>'
        for t in data["transit"]
    )
    names = " → ".join(p["name"] for p in data["places"])
    stops = any(p["role"] == "stop" for p in data["places"])
    legend = [
        '<span style="border-top:3px solid #08519c"></span>route flown',
        '<span style="border-top:2px dashed #4d4d4d"></span>direct great circle',
        '<span style="height:10px;background:#e59a94"></span>denied airspace',
        '<span class="mark"></span>origin, destination',
        *(['<span class="mark stop"></span>fuel stop'] if stops else []),
        *_advisory_legend(data["advisories"]["features"]),
    ]
    remarks = "".join(f'<p class="remark">{esc(text)}</p>' for text in data["remarks"])
    return (
        f'<div id="panel"><h1>{esc(title)}</h1><div>{esc(names)}</div>'
        f"<table>{rows}</table>"
        f'<div class="legend">{"".join(f"<div>{item}</div>" for item in legend)}</div>'
        f"<h2>States crossed</h2><table>{transit}</table>{remarks}</div>"
    )


def single_page(title: str, panel: str, data: dict[str, Any], *, style: str, script: str) -> str:
    """A self-contained map page: MapLibre and ``data`` inlined, ``script`` drawing the map.

    ``panel`` is HTML already escaped; ``data`` goes in the :data:`DATA_ELEMENT_ID` element.
    """
    credit = (
        'Airspace data © <a href="https://www.openstreetmap.org/copyright">'
        "OpenStreetMap contributors</a>, ODbL 1.0 · "
        '<a href="https://maplibre.org/">MapLibre GL JS</a> (BSD-3-Clause) · overflight'
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(title)} — overflight</title>",
            f'<style id="maplibre-css">\n{_vendor("maplibre-gl.css")}\n</style>',
            f"<style>{style}</style>",
            "</head>",
            "<body>",
            '<div id="map"></div>',
            panel,
            f'<div id="credit" hidden>{credit}</div>',
            f'<script type="application/json" id="{DATA_ELEMENT_ID}">'
            f"{json_for_script(data)}</script>",
            f'<script id="maplibre-js">\n{_vendor("maplibre-gl.js")}\n</script>',
            f"<script>{script}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )


def plan_to_html(plan: Plan | Route) -> str:
    """The flight as a single HTML page that works from ``file://`` with no network."""
    data = _page_data(as_plan(plan))
    title = " → ".join(p["code"] for p in data["places"])
    return single_page(title, _panel(data), data, style=PAGE_STYLE, script=_SCRIPT)
