"""Analysis over many plans: compare permission cases, find chokepoints, explain no route.

>>> from overflight.analysis import compare_routes, deny_case
>>> comparison = compare_routes("EFHK", "RJAA", [deny_case([]), deny_case(["RU"])])
>>> comparison.differences[0].delta_km > 2000
True
"""

from overflight.analysis.chokepoints import (
    Chokepoint,
    ChokepointReport,
    explain_no_route,
    find_chokepoints,
)
from overflight.analysis.compare import (
    DEFAULT_SPEED_KT,
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

__all__ = [
    "DEFAULT_SPEED_KT",
    "Case",
    "CaseResult",
    "Chokepoint",
    "ChokepointReport",
    "Comparison",
    "Difference",
    "StopPlan",
    "compare_routes",
    "deny_case",
    "explain_no_route",
    "find_chokepoints",
    "plan_with_stops",
    "scenario_case",
    "states_crossed",
    "stop_plan_to_dict",
]
