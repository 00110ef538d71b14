"""Routes as plain JSON-ready dictionaries, with field names other tools rely on.

The names are stable: ``origin``, ``destination``, ``denied``, ``waypoints``,
``distance_km``, ``great_circle_km``, ``extra_km``, ``extra_pct``,
``duration_h``, ``transit`` (``country``, ``name``, ``distance_km``,
``entry``, ``exit``) and ``high_seas_km``. Coordinates are ``[lon, lat]``.
"""

from __future__ import annotations

from typing import Any

from overflight.models import Place, Route

__all__ = ["place_to_dict", "route_to_dict"]


def place_to_dict(place: Place) -> dict[str, Any]:
    """A place as ``code``, ``name``, ``lat``, ``lon`` (and its state and kind)."""
    return place.to_dict()


def route_to_dict(route: Route) -> dict[str, Any]:
    """Everything a route says, in the documented JSON shape."""
    return route.to_dict()
