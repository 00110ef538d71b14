"""Analysis over many plans: compare permission cases, find chokepoints, explain no route.

>>> from overflight.analysis import compare_routes, deny_case
>>> comparison = compare_routes("EFHK", "RJAA", [deny_case([]), deny_case(["RU"])])
>>> comparison.differences[0].delta_km > 2000
True
"""

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "DEFAULT_SPEED_KT",
    "BatchOptions",
    "BatchSummary",
    "Case",
    "CaseResult",
    "Chokepoint",
    "ChokepointReport",
    "Comparison",
    "Difference",
    "FlightRequest",
    "Plan",
    "StopPlan",
    "compare_routes",
    "deny_case",
    "explain_no_route",
    "find_chokepoints",
    "plan_request",
    "plan_with_stops",
    "run_batch",
    "scenario_case",
    "states_crossed",
    "stop_plan_to_dict",
]

# Compare, chokepoints and fuel stops load scipy and pydantic; a plain route planned
# through `plan_request` must not pay for them, so every name is imported on first use.
_HOME = {
    "BatchOptions": "batch",
    "BatchSummary": "batch",
    "run_batch": "batch",
    "Chokepoint": "chokepoints",
    "ChokepointReport": "chokepoints",
    "explain_no_route": "chokepoints",
    "find_chokepoints": "chokepoints",
    "Case": "compare",
    "CaseResult": "compare",
    "Comparison": "compare",
    "Difference": "compare",
    "compare_routes": "compare",
    "deny_case": "compare",
    "scenario_case": "compare",
    "states_crossed": "compare",
    "StopPlan": "fuel",
    "plan_with_stops": "fuel",
    "stop_plan_to_dict": "fuel",
    "DEFAULT_SPEED_KT": "plan",
    "FlightRequest": "request",
    "Plan": "plan",
    "plan_request": "plan",
}


def __getattr__(name: str) -> Any:
    """Load the exported names on first use."""
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'overflight.analysis' has no attribute {name!r}")
    return getattr(importlib.import_module(f"overflight.analysis.{module}"), name)


def __dir__() -> list[str]:
    """The module's names with the lazy ones, for ``dir()`` and tab completion."""
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:
    from overflight._config import DEFAULT_SPEED_KT
    from overflight.analysis.batch import BatchOptions, BatchSummary, run_batch
    from overflight.analysis.chokepoints import (
        Chokepoint,
        ChokepointReport,
        explain_no_route,
        find_chokepoints,
    )
    from overflight.analysis.compare import (
        Case,
        CaseResult,
        Comparison,
        Difference,
        compare_routes,
        deny_case,
        scenario_case,
        states_crossed,
    )
    from overflight.analysis.fuel import StopPlan, plan_with_stops, stop_plan_to_dict
    from overflight.analysis.plan import Plan, plan_request
    from overflight.analysis.request import FlightRequest
