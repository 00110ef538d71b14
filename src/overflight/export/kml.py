"""A planned flight as a KML 2.2 document (Google Earth, QGIS, ATAK).

The document holds the route as flown (one Placemark, a MultiGeometry of LineStrings: the
legs densified along their great circles and cut at ±180°, as in the GeoJSON export), the
direct great circle for reference, and the origin, fuel stops and destination as points.
The figures are in the route's description and, machine-readable, in its ``ExtendedData``
(the names of :data:`EXTENDED_DATA`). Colours are KML's ``aabbggrr``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from overflight.analysis.plan import Plan
from overflight.export.table import Figures, as_plan, flown_legs, plan_figures
from overflight.geo.ellipsoid import densify_path, great_circle_points
from overflight.geo.sphere import split_antimeridian
from overflight.models import KM_PER_NM, LonLat, Place, Route

__all__ = ["EXTENDED_DATA", "KML_NAMESPACE", "kml_colour", "plan_to_kml"]

#: The KML 2.2 namespace (OGC 07-147r2).
KML_NAMESPACE = "http://www.opengis.net/kml/2.2"

#: Names of the route Placemark's ``ExtendedData`` values, in order.
EXTENDED_DATA = (
    "origin",
    "destination",
    "stops",
    "denied",
    "distance_km",
    "distance_nm",
    "great_circle_km",
    "extra_km",
    "extra_pct",
    "flight_time_h",
    "total_time_h",
    "speed_kt",
    "states",
)

#: Spacing of the great circle's points (the route's track is already densified).
_STEP_KM = 10.0


def kml_colour(rgb: str, opacity: float = 1.0) -> str:
    """A ``#rrggbb`` colour and an opacity as KML's ``aabbggrr``.

    >>> kml_colour("#08519c", 0.5)
    '809c5108'
    """
    red, green, blue = rgb[1:3], rgb[3:5], rgb[5:7]
    return f"{round(opacity * 255):02x}{blue}{green}{red}".lower()


# Styles: id -> (element, colour, width or scale). The palette is the static maps'.
_STYLES = {
    "route": ("LineStyle", kml_colour("#08519c"), "4"),
    "great-circle": ("LineStyle", kml_colour("#555555", 0.8), "2"),
    "endpoint": ("IconStyle", kml_colour("#08519c"), "1.2"),
    "stop": ("IconStyle", kml_colour("#f28e2b"), "1.0"),
}


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    child = ET.SubElement(parent, tag)
    if text is not None:
        child.text = text
    return child


def _coordinates(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{lon:.6f},{lat:.6f}" for lon, lat in points)


def _multi_line(parent: ET.Element, parts: Sequence[Sequence[tuple[float, float]]]) -> None:
    multi = _sub(parent, "MultiGeometry")
    for part in parts:
        line = _sub(multi, "LineString")
        _sub(line, "tessellate", "1")
        _sub(line, "coordinates", _coordinates(part))


def _route_parts(leg: Route) -> list[list[tuple[float, float]]]:
    """The leg's drawn track, cut at ±180° (computed if the route carries none)."""
    if leg.track:
        return [[(p.lon, p.lat) for p in part] for part in leg.track]
    return split_antimeridian(densify_path(leg.waypoints, _STEP_KM))


def _data_values(figures: Figures) -> dict[str, str]:
    return {
        "origin": figures.origin.code,
        "destination": figures.destination.code,
        "stops": ",".join(p.code for p in figures.stops),
        "denied": ",".join(figures.denied),
        "distance_km": f"{figures.distance_km:.3f}",
        "distance_nm": f"{figures.distance_km / KM_PER_NM:.3f}",
        "great_circle_km": f"{figures.great_circle_km:.3f}",
        "extra_km": f"{figures.extra_km:.3f}",
        "extra_pct": f"{figures.extra_pct:.3f}",
        "flight_time_h": f"{figures.flight_time_h:.4f}",
        "total_time_h": f"{figures.total_time_h:.4f}",
        "speed_kt": f"{figures.speed_kt:g}",
        "states": ",".join(figures.states),
    }


def _point(parent: ET.Element, place: Place, role: str, style: str) -> None:
    mark = _sub(parent, "Placemark")
    _sub(mark, "name", place.code)
    where = f" ({place.country})" if place.country else ""
    _sub(mark, "description", f"{role}: {place.name}{where}")
    _sub(mark, "styleUrl", f"#{style}")
    point = _sub(mark, "Point")
    _sub(point, "coordinates", _coordinates([(place.lon, place.lat)]))


def plan_to_kml(plan: Plan | Route) -> str:
    """The flight as a KML 2.2 document (UTF-8 text with an XML declaration)."""
    chosen = as_plan(plan)
    figures = plan_figures(chosen)
    summary = "\n".join(f"{label}: {value}" for label, value in figures.lines())

    root = ET.Element("kml", xmlns=KML_NAMESPACE)
    doc = _sub(root, "Document")
    _sub(doc, "name", f"{figures.title} (overflight)")
    _sub(doc, "description", summary + "\nAirspace data © OpenStreetMap contributors, ODbL 1.0.")
    for style_id, (element, colour, size) in _STYLES.items():
        style = _sub(doc, "Style")
        style.set("id", style_id)
        inner = _sub(style, element)
        _sub(inner, "color", colour)
        _sub(inner, "width" if element == "LineStyle" else "scale", size)

    route = _sub(doc, "Placemark")
    route.set("id", "route")
    _sub(route, "name", f"Route {figures.title}")
    _sub(route, "description", summary)
    _sub(route, "styleUrl", "#route")
    extended = _sub(route, "ExtendedData")
    for name, value in _data_values(figures).items():
        data = _sub(extended, "Data")
        data.set("name", name)
        _sub(data, "value", value)
    _multi_line(route, [part for leg in flown_legs(chosen) for part in _route_parts(leg)])

    direct = _sub(doc, "Placemark")
    direct.set("id", "great-circle")
    _sub(direct, "name", "Great circle")
    _sub(direct, "description", f"Direct great circle: {figures.great_circle_km:,.0f} km")
    _sub(direct, "styleUrl", "#great-circle")
    ends: tuple[LonLat, LonLat] = (figures.origin.lonlat, figures.destination.lonlat)
    _multi_line(direct, split_antimeridian(great_circle_points(*ends, _STEP_KM)))

    places = _sub(doc, "Folder")
    _sub(places, "name", "Places")
    _point(places, figures.origin, "Origin", "endpoint")
    for k, stop in enumerate(figures.stops, start=1):
        _point(places, stop, f"Fuel stop {k}", "stop")
    _point(places, figures.destination, "Destination", "endpoint")

    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
