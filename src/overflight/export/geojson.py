"""Routes as RFC 7946 GeoJSON: densified great-circle legs, lines cut at ±180°.

Each FeatureCollection carries ``versions`` (overflight's and its data's,
:mod:`overflight.analysis.versions`) as a foreign member, as every JSON answer does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from overflight.analysis.versions import data_versions
from overflight.export.json import route_to_dict
from overflight.models import Route

if TYPE_CHECKING:
    from overflight.analysis.plan import Plan

__all__ = ["plan_to_geojson", "route_to_geojson"]


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
    return {"type": "FeatureCollection", "versions": data_versions(), "features": [feature, *ends]}


def plan_to_geojson(plan: Plan) -> dict[str, Any]:
    """A FeatureCollection of the flight as flown: each leg (with its figures), every place.

    Without fuel stops this is :func:`route_to_geojson` of the route; with them, one feature
    per leg (``leg``: 1, 2, ...), then the origin, the stops and the destination (``role``).
    """
    if plan.stops is None:
        return route_to_geojson(plan.route)
    legs = []
    for number, leg in enumerate(plan.stops.legs, start=1):
        feature = route_to_geojson(leg)["features"][0]
        feature["properties"]["leg"] = number
        legs.append(feature)
    places = []
    roles = ["origin", *("stop" for _ in plan.stops.stops), "destination"]
    for role, place in zip(
        roles, [plan.stops.origin, *plan.stops.stops, plan.stops.destination], strict=True
    ):
        point = place.__geo_interface__
        point["properties"]["role"] = role
        places.append(point)
    return {"type": "FeatureCollection", "versions": data_versions(), "features": [*legs, *places]}
