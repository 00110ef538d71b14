"""overflight: plan flights around denied sovereign airspace.

>>> from overflight import plan_route
>>> route = plan_route("UUMU", "OSLK", deny=["BG", "GR", "TR"])
>>> route.distance_km > route.great_circle_km
True
"""

import importlib
from typing import TYPE_CHECKING, Any

from overflight.errors import (
    AircraftFileError,
    CoordinateError,
    DeniedEndpointError,
    InputError,
    InputFileError,
    NoRouteError,
    OverflightError,
    ScenarioError,
    UnknownAircraftError,
    UnknownAirlineError,
    UnknownAirportError,
    UnknownScenarioError,
    UnknownStateError,
    VerificationError,
)

__all__ = [
    "AircraftFileError",
    "AircraftProfile",
    "CoordinateError",
    "DeniedEndpointError",
    "InputError",
    "InputFileError",
    "LonLat",
    "NoRouteError",
    "OverflightError",
    "Permissions",
    "Place",
    "Planner",
    "Route",
    "Scenario",
    "ScenarioError",
    "StateArea",
    "StateTransit",
    "UnknownAircraftError",
    "UnknownAirlineError",
    "UnknownAirportError",
    "UnknownScenarioError",
    "UnknownStateError",
    "VerificationError",
    "compare_routes",
    "find_chokepoints",
    "list_scenarios",
    "load_aircraft",
    "load_scenario",
    "plan_route",
    "plan_with_stops",
    "planner_for",
    "resolve_place",
    "search_airports",
    "states",
]

# The errors are plain Python; everything else is imported on first use (most of it loads
# numpy, shapely, pyproj, pydantic or scipy; the values are dataclasses that help never needs),
# so that `overflight --help` and a plain route load only what they use.
_LAZY = {
    "LonLat": "overflight.models",
    "Place": "overflight.models",
    "Route": "overflight.models",
    "StateTransit": "overflight.models",
    "AircraftProfile": "overflight.aircraft",
    "load_aircraft": "overflight.aircraft",
    "compare_routes": "overflight.analysis",
    "find_chokepoints": "overflight.analysis",
    "plan_with_stops": "overflight.analysis",
    "resolve_place": "overflight.data.airports",
    "search_airports": "overflight.data.airports",
    "StateArea": "overflight.data.airspace",
    "states": "overflight.data.airspace",
    "Planner": "overflight.routing.planner",
    "plan_route": "overflight.routing.planner",
    "planner_for": "overflight.routing.planner",
    "Permissions": "overflight.scenarios",
    "Scenario": "overflight.scenarios",
    "list_scenarios": "overflight.scenarios",
    "load_scenario": "overflight.scenarios",
}


def __getattr__(name: str) -> Any:
    """Load the lazily exported names on first use."""
    if name == "__version__":
        # pyproject.toml is the one source of the version, read when asked for.
        from overflight.analysis.versions import package_version

        return package_version()
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'overflight' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    """The module's names with the lazy ones, for ``dir()`` and tab completion."""
    return sorted({*globals(), *__all__, "__version__"})


if TYPE_CHECKING:
    from overflight.aircraft import AircraftProfile, load_aircraft
    from overflight.analysis import compare_routes, find_chokepoints, plan_with_stops
    from overflight.data.airports import resolve_place, search_airports
    from overflight.data.airspace import StateArea, states
    from overflight.models import LonLat, Place, Route, StateTransit
    from overflight.routing.planner import Planner, plan_route, planner_for
    from overflight.scenarios import Permissions, Scenario, list_scenarios, load_scenario

    __version__: str
