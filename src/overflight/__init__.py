"""overflight: plan flights around denied sovereign airspace.

>>> from overflight import plan_route
>>> route = plan_route("UUMU", "OSLK", deny=["BG", "GR", "TR"])
>>> route.distance_km > route.great_circle_km
True
"""

from overflight.data.airports import resolve_place, search_airports
from overflight.data.airspace import StateArea, states
from overflight.errors import (
    CoordinateError,
    DeniedEndpointError,
    InputError,
    NoRouteError,
    OverflightError,
    UnknownAirportError,
    UnknownStateError,
    VerificationError,
)
from overflight.models import LonLat, Place, Route, StateTransit
from overflight.routing.planner import Planner, plan_route, planner_for

__all__ = [
    "CoordinateError",
    "DeniedEndpointError",
    "InputError",
    "LonLat",
    "NoRouteError",
    "OverflightError",
    "Place",
    "Planner",
    "Route",
    "StateArea",
    "StateTransit",
    "UnknownAirportError",
    "UnknownStateError",
    "VerificationError",
    "plan_route",
    "planner_for",
    "resolve_place",
    "search_airports",
    "states",
]

__version__ = "0.1.0"
