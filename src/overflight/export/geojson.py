"""Routes as RFC 7946 GeoJSON: densified great-circle legs, lines cut at ±180°."""

from __future__ import annotations

from typing import Any

from overflight.export.json import route_to_dict
from overflight.models import Route

__all__ = ["route_to_geojson"]


def route_to_geojson(route: Route) -> dict[str, Any]:
    """A FeatureCollection: the route's track (with its figures) and both end points."""
    feature = route.__geo_interface__
    properties = route_to_dict(route)
    del properties["waypoints"]
    feature["properties"] = {**properties, "waypoints": [[p.lon, p.lat] for p in route.waypoints]}
    ends = []
    for role, place in (("origin", route.origin), ("destination", route.destination)):
        point = place.__geo_interface__
        point["properties"]["role"] = role
        ends.append(point)
    return {"type": "FeatureCollection", "features": [feature, *ends]}
