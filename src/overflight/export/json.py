"""Routes as plain JSON-ready dictionaries, with field names other tools rely on.

Route fields are stable: ``origin``, ``destination``, ``denied``, ``waypoints``,
``distance_km``, ``great_circle_km``, ``extra_km``, ``extra_pct``,
``duration_h``, ``transit`` (``country``, ``name``, ``distance_km``,
``entry``, ``exit``, ``shared_km``, ``shared_with``) and ``high_seas_km``. Coordinates
are ``[lon, lat]``. Every whole answer (a plan, a comparison, a chokepoint report) also
carries ``versions``: overflight's and its data's (:mod:`overflight.analysis.versions`).
The shapes of ``compare`` and ``chokepoints`` are documented in
:mod:`overflight.analysis.compare` and :mod:`overflight.analysis.chokepoints`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from overflight.analysis.versions import data_versions
from overflight.models import Place, Route

if TYPE_CHECKING:
    from overflight.analysis import ChokepointReport, Comparison
    from overflight.analysis.timing import RouteTime
    from overflight.routing.advisory_areas import AdvisoryOutcome

__all__ = ["chokepoints_to_dict", "comparison_to_dict", "place_to_dict", "route_to_dict"]


def place_to_dict(place: Place) -> dict[str, Any]:
    """A place as ``code``, ``name``, ``lat``, ``lon`` (and its state and kind)."""
    return place.to_dict()


def route_to_dict(route: Route) -> dict[str, Any]:
    """Everything a route says, in the documented JSON shape."""
    return route.to_dict()


def _times(time: RouteTime | None) -> dict[str, Any]:
    """``month``, ``still_air_h``, ``wind_h``, ``mean_wind_kt``: nulls without a route."""
    if time is None:
        return {"month": None, "still_air_h": None, "wind_h": None, "mean_wind_kt": None}
    return dict(time.to_dict())


def _advisories(outcomes: tuple[AdvisoryOutcome, ...] | None) -> list[dict[str, Any]] | None:
    """The advisories that bound a flight (null: no advisory layer applied)."""
    return None if outcomes is None else [a.to_dict() for a in outcomes]


def comparison_to_dict(comparison: Comparison) -> dict[str, Any]:
    """A comparison in the JSON shape documented in :mod:`overflight.analysis.compare`."""
    cases = []
    for r in comparison.results:
        p = r.permissions
        cases.append(
            {
                "label": r.label,
                "scenario": p.scenario if p else None,
                "date": p.on.isoformat() if p else None,
                "denied": list(r.denied),
                "route": route_to_dict(r.route) if r.route else None,
                "error": r.error,
                "distance_km": r.distance_km,
                "duration_h": r.duration_h,
                "speed_kt": r.speed_kt,
                "extra_km": r.extra_km,
                "extra_pct": r.extra_pct,
                "states": list(r.states),
                "clearances": list(r.clearances),
                "aircraft": r.case.aircraft.designator if r.case.aircraft else None,
                "usable_range_km": r.usable_range_km,
                "within_range": r.within_range,
                "fuel_stops": list(r.fuel_stops),
                "fuel_stop_error": r.stop_error,
                "total_time_h": r.total_time_h,
                **_times(r.time),
                "advisories": _advisories(r.advisories),
            }
        )
    return {
        "origin": place_to_dict(comparison.origin),
        "destination": place_to_dict(comparison.destination),
        "great_circle_km": comparison.great_circle_km,
        "reference": comparison.reference,
        "disputed": comparison.disputed,
        "flight_level": comparison.flight_level,
        "month": comparison.month,
        "cases": cases,
        "remarks": list(comparison.remarks),
        "differences": [
            {
                "from": d.from_label,
                "to": d.to_label,
                "delta_km": d.delta_km,
                "delta_h": d.delta_h,
                "delta_wind_h": d.delta_wind_h,
                "states_added": list(d.states_added),
                "states_removed": list(d.states_removed),
            }
            for d in comparison.differences
        ],
        "versions": data_versions(),
    }


def chokepoints_to_dict(report: ChokepointReport) -> dict[str, Any]:
    """A report in the JSON shape documented in :mod:`overflight.analysis.chokepoints`."""
    from overflight.analysis import states_crossed, stop_plan_to_dict

    return {
        "baseline": route_to_dict(report.baseline),
        "baseline_time": None if report.time is None else report.time.to_dict(),
        "disputed": report.disputed,
        "flight_level": report.flight_level,
        "advisories": _advisories(report.advisories),
        "usable_range_km": report.usable_range_km,
        "ranking": [
            {
                "country": p.country,
                "name": p.name,
                "cuts": p.cuts,
                "route_km": p.route_km,
                "extra_km": p.extra_km,
                "extra_h": p.extra_h,
                "states": [] if p.route is None else list(states_crossed(p.route)),
                "fuel_stops": [] if p.stops is None else stop_plan_to_dict(p.stops)["stops"],
            }
            for p in report.ranking
        ],
        "cut_sets": [list(s) for s in report.cut_sets],
        "max_set_size": report.max_set_size,
        "complete": report.complete,
        "plans": report.plans,
        "seconds": report.seconds,
        "remarks": list(report.remarks),
        "versions": data_versions(),
    }
