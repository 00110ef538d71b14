"""Routes as plain JSON-ready dictionaries, with field names other tools rely on.

The names are stable: ``origin``, ``destination``, ``denied``, ``waypoints``,
``distance_km``, ``great_circle_km``, ``extra_km``, ``extra_pct``,
``duration_h``, ``transit`` (``country``, ``name``, ``distance_km``,
``entry``, ``exit``) and ``high_seas_km``. Coordinates are ``[lon, lat]``.
"""

from __future__ import annotations

from typing import Any

from overflight.models import KM_PER_NM, Place, Route

__all__ = ["place_to_dict", "route_to_dict"]


def place_to_dict(place: Place) -> dict[str, Any]:
    """A place as ``code``, ``name``, ``lat``, ``lon`` (and its state and kind)."""
    return {
        "code": place.code,
        "name": place.name,
        "lat": place.lat,
        "lon": place.lon,
        "country": place.country,
        "kind": place.kind,
    }


def route_to_dict(route: Route) -> dict[str, Any]:
    """Everything a route says, in the documented JSON shape."""
    return {
        "origin": place_to_dict(route.origin),
        "destination": place_to_dict(route.destination),
        "denied": list(route.denied),
        "margin_nm": route.margin_nm,
        "speed_kt": route.speed_kt,
        "waypoints": [[p.lon, p.lat] for p in route.waypoints],
        "distance_km": route.distance_km,
        "distance_nm": route.distance_km / KM_PER_NM,
        "great_circle_km": route.great_circle_km,
        "extra_km": route.extra_km,
        "extra_nm": route.extra_km / KM_PER_NM,
        "extra_pct": route.extra_pct,
        "duration_h": route.duration_h,
        "transit": [
            {
                "country": t.country,
                "name": t.name,
                "distance_km": t.distance_km,
                "entry": [t.entry.lon, t.entry.lat],
                "exit": [t.exit.lon, t.exit.lat],
            }
            for t in route.transit
        ],
        "high_seas_km": route.high_seas_km,
        "straits": list(route.straits),
    }
