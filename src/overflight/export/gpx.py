"""A planned flight as GPX 1.1 routes, for flight-planning apps and GPS units.

One ``rtept`` per turning point (not the densified track: a GPX route is the list of points
a navigator flies between), latitude and longitude as attributes with longitudes in
[-180, 180). The origin, stops and destination are named by their codes, turning points
``TP1``, ``TP2``, … in order of flight (the names of the CSV export).

With fuel stops the file holds one ``rte`` per leg: each leg is a separate flight with its
own departure and arrival, which is how flight-planning tools and GPS units load routes, and
a stop then begins and ends a route rather than looking like one more turning point.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from overflight import __version__
from overflight.analysis.plan import Plan
from overflight.export.table import as_plan, normalise_lon, plan_figures, waypoint_rows
from overflight.models import Route

__all__ = ["GPX_NAMESPACE", "plan_to_gpx"]

#: The GPX 1.1 namespace.
GPX_NAMESPACE = "http://www.topografix.com/GPX/1/1"


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    child = ET.SubElement(parent, tag)
    if text is not None:
        child.text = text
    return child


def plan_to_gpx(plan: Plan | Route) -> str:
    """The flight as a GPX 1.1 document: metadata and one route per leg flown."""
    chosen = as_plan(plan)
    figures = plan_figures(chosen)
    root = ET.Element(
        "gpx", xmlns=GPX_NAMESPACE, version="1.1", creator=f"overflight {__version__}"
    )
    metadata = _sub(root, "metadata")
    _sub(metadata, "name", figures.title)
    _sub(metadata, "desc", "; ".join(f"{label}: {value}" for label, value in figures.lines()))
    copyright_ = _sub(metadata, "copyright")
    copyright_.set("author", "OpenStreetMap contributors (airspace data)")
    _sub(copyright_, "license", "https://opendatacommons.org/licenses/odbl/1-0/")

    rows = waypoint_rows(chosen)
    legs = chosen.stops.legs if chosen.stops else (chosen.route,)
    for flight, leg in enumerate(legs, start=1):
        rte = _sub(root, "rte")
        _sub(rte, "name", f"{leg.origin.code}-{leg.destination.code}")
        _sub(rte, "desc", f"{leg.distance_km:,.0f} km, avoiding {', '.join(leg.denied) or 'none'}")
        _sub(rte, "number", str(flight))
        # A stop closes the flight that lands there and opens the next one.
        points = [r for r in rows if r.flight == flight]
        if flight > 1:
            points.insert(0, next(r for r in rows if r.flight == flight - 1 and r.role == "stop"))
        for row in points:
            rtept = _sub(rte, "rtept")
            rtept.set("lat", f"{row.lat:.6f}")
            rtept.set("lon", f"{normalise_lon(row.lon):.6f}")
            _sub(rtept, "name", row.code)
            if row.name:
                _sub(rtept, "desc", row.name)
            _sub(rtept, "type", row.role)
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
