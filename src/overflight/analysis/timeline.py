"""A route through time: its length and the states it crosses at every change of the rules.

Between two dates, the registry is resolved for the flight on the first day and on every day a
rule comes into or goes out of force (:meth:`overflight.registry.World.change_dates`); a step
begins wherever the rules that concern this flight change. Only steps whose denied states differ
are planned: a route is reused for a set already planned, and for a set that only adds, to a set
already planned, states its route does not cross (obstacles it does not touch leave it
shortest). The planner keeps one graph per denied set, so a later timeline over the same dates
plans from warm graphs.

>>> import datetime as dt
>>> line = route_timeline("OTHH", "GMMN", airline="QTR",
...                       start=dt.date(2017, 1, 1), end=dt.date(2021, 12, 31))
>>> [(s.start.isoformat(), "SA" in s.states) for s in line.steps][:2]
[('2017-01-01', True), ('2017-06-06', False)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from overflight._config import DEFAULT_SPEED_KT
from overflight._threadlocal import per_thread, thread_geometry
from overflight.analysis.chokepoints import Reach
from overflight.analysis.plan import (
    NO_ADVISORIES,
    FlightRules,
    endpoint_states,
    flight_rules,
)
from overflight.analysis.request import FlightRequest
from overflight.analysis.timing import RouteTime, route_time
from overflight.data.airports import resolve_place
from overflight.errors import InputError, NoRouteError
from overflight.models import KM_PER_NM, LonLat, Place, Route
from overflight.registry import world
from overflight.routing.closure import AdvisoryArea, Closure
from overflight.routing.graph import Focus
from overflight.routing.planner import planner_of

if TYPE_CHECKING:
    from overflight.routing.advisory_areas import AdvisoryOutcome

__all__ = ["Timeline", "TimelineStep", "request_timeline", "route_timeline"]


@dataclass(frozen=True)
class TimelineStep:
    """The route from one change of the rules that concern the flight to the next."""

    #: First day of the step.
    start: dt.date
    #: Last day of the step.
    end: dt.date
    #: States denied to the flight, alpha-2 (dependencies included).
    denied: tuple[str, ...]
    #: The route, or None when none exists (``error`` says why).
    route: Route | None
    #: Why there is no route.
    error: str | None
    #: Ids of the registry's rules that concern the flight during the step.
    rules: tuple[str, ...]
    #: Rules that came into force, and went out of force, on the first day.
    began: tuple[str, ...] = ()
    ended: tuple[str, ...] = ()
    #: Whether the route was planned for this step (False: reused from another step).
    planned: bool = field(default=False, compare=False)
    #: The route's still-air and wind times (in the timeline's month; None without a route).
    time: RouteTime | None = None
    #: The advisories that bound the flight and what each did; None: no advisory layer.
    advisories: tuple[AdvisoryOutcome, ...] | None = None

    @property
    def states(self) -> tuple[str, ...]:
        """States crossed, in order (empty without a route)."""
        return tuple(t.country for t in self.route.transit) if self.route else ()

    def to_dict(self) -> dict[str, Any]:
        """One step as JSON: dates, figures, states crossed and the rules that changed."""
        r, time = self.route, self.time
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "denied": list(self.denied),
            "distance_km": r.distance_km if r else None,
            "distance_nm": r.distance_km / KM_PER_NM if r else None,
            "extra_km": r.extra_km if r else None,
            "extra_pct": r.extra_pct if r else None,
            "duration_h": r.duration_h if r else None,
            "wind_h": time.wind_h if time else None,
            "mean_wind_kt": time.mean_wind_kt if time else None,
            "states": list(self.states),
            "error": self.error,
            "rules": list(self.rules),
            "began": list(self.began),
            "ended": list(self.ended),
            "advisories": (
                None
                if self.advisories is None
                else [{"id": a.bound.advisory.id, "effect": a.effect} for a in self.advisories]
            ),
        }


@dataclass(frozen=True)
class Timeline:
    """A route's steps between two dates, for an operator, airline and category."""

    origin: Place
    destination: Place
    operator: str | None
    airline: str | None
    category: str
    #: First and last day covered.
    start: dt.date
    end: dt.date
    #: The registry's knowledge date.
    as_of: dt.date
    steps: tuple[TimelineStep, ...]
    #: How disputed areas were crossed (``union`` or ``control``).
    disputed: str = "union"
    #: The cruise flight level the advisories were read at.
    flight_level: int | None = None
    #: The month whose mean wind every step's wind time is in (None: still air).
    month: int | None = None

    @property
    def plans(self) -> int:
        """How many routes were planned (the other steps reused one)."""
        return sum(s.planned for s in self.steps)

    @property
    def remarks(self) -> tuple[str, ...]:
        """What a reader must know: that some step had no advisory layer applied."""
        return (NO_ADVISORIES,) if any(s.advisories is None for s in self.steps) else ()

    def to_dict(self) -> dict[str, Any]:
        """The timeline as JSON (``overflight timeline --format json``)."""
        return {
            "origin": self.origin.to_dict(),
            "destination": self.destination.to_dict(),
            "operator": self.operator,
            "airline": self.airline,
            "category": self.category,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "registry_as_of": self.as_of.isoformat(),
            "disputed": self.disputed,
            "flight_level": self.flight_level,
            "month": self.month,
            "great_circle_km": next((s.route.great_circle_km for s in self.steps if s.route), None),
            "steps": [s.to_dict() for s in self.steps],
            "remarks": list(self.remarks),
        }


def route_timeline(
    origin: str | Place,
    destination: str | Place,
    *,
    operator: str | None = None,
    airline: str | None = None,
    category: str | None = None,
    start: dt.date,
    end: dt.date | None = None,
    deny: Iterable[str] = (),
    allow: Iterable[str] = (),
    margin_nm: float = 0.0,
    speed_kt: float = DEFAULT_SPEED_KT,
) -> Timeline:
    """The route at every change of the registry's rules that concern it, between two dates.

    As :func:`request_timeline` with the request's other options at their defaults.

    Parameters
    ----------
    origin, destination
        Places as :func:`overflight.plan_route` takes them.
    operator, airline, category
        Who flies, as :meth:`overflight.registry.World.resolve` takes them.
    start, end
        First and last day (``end`` default: today, or the registry's ``as_of`` if later).
    deny, allow, margin_nm, speed_kt
        As for a route: on top of the registry at every date.

    """
    request = FlightRequest(
        origin=origin.code if isinstance(origin, Place) else origin,
        destination=destination.code if isinstance(destination, Place) else destination,
        operator=operator,
        airline=airline,
        category=category,
        deny=tuple(deny),
        allow=tuple(allow),
        margin_nm=margin_nm,
        speed_kt=speed_kt,
    )
    return request_timeline(request, start=start, end=end)


def _advisory_days(request: FlightRequest) -> set[dt.date]:
    """Every day an advisory that may bind the flight comes into or goes out of force."""
    if request.no_advisories:
        return set()
    from overflight.registry import read_advisory_file
    from overflight.registry._advisories import read_advisories

    files = (
        *read_advisories(),
        *((read_advisory_file(request.advisories_file),) if request.advisories_file else ()),
    )
    days: set[dt.date] = set()
    for f in files:
        for a in f.advisories:
            if a.valid.from_ is not None:
                days.add(a.valid.from_)
            if a.valid.to is not None and a.valid.to < dt.date.max:
                days.add(a.valid.to + dt.timedelta(days=1))
    return days


def request_timeline(
    request: FlightRequest, *, start: dt.date, end: dt.date | None = None
) -> Timeline:
    """The route a request gives at every change of the rules that concern it, between two dates.

    On every day the registry's rules or the advisories change, the request is resolved with
    that date, as :func:`overflight.analysis.plan.plan_request` resolves it (the registry, the
    advisories at its flight level, its disputed policy); a step begins wherever the rules or
    the advisories that bind the flight change. The wind times are in ``request.month`` (the
    steps' dates are changes of rules, not flights: no month is taken from them).

    Raises
    ------
    InputError
        For unknown places, airline, operator or category, a start before 2014-01-01, an
        end before the start, or a scenario (it has no dates of change).

    """
    if request.scenario is not None:
        raise InputError(
            f"--scenario {request.scenario}: a timeline follows the registry through its dates "
            "of change; give --operator or --airline instead"
        )
    w = world()
    last = end if end is not None else max(dt.date.today(), w.as_of)
    if last < start:
        raise InputError(f"the timeline ends ({last}) before it starts ({start}): swap them")
    here, there = resolve_place(request.origin), resolve_place(request.destination)
    changes = {*w.change_dates(), *_advisory_days(request)}
    days = [start, *sorted(d for d in changes if start < d <= last)]
    month = None if request.no_wind else request.month

    raw: list[tuple[dt.date, FlightRequest, FlightRules]] = []
    previous: tuple[Any, ...] | None = None
    for day in days:
        asked = replace(request, date=day)
        ends = endpoint_states(asked, here, there)
        rules = flight_rules(asked, ends)
        assert rules.resolution is not None  # a date and no scenario: the registry decides
        bound = rules.layer.bound
        key = (
            tuple(r.id for r in rules.resolution.rules),
            None if bound is None else tuple(b.advisory.id for b in bound),
            ends,
        )
        if key != previous:
            raw.append((day, asked, rules))
            previous = key

    planner = _StepPlanner(here, there, request.speed_kt or DEFAULT_SPEED_KT)
    steps: list[TimelineStep] = []
    for k, (day, asked, rules) in enumerate(raw):
        closure = rules.closure(asked, here, there)
        route, error, planned = planner.route(closure)
        if route is not None:
            route = replace(route, denied=closure.denied)
        assert rules.resolution is not None
        assert rules.permissions is not None
        ids = tuple(r.id for r in rules.resolution.rules)
        before = set(steps[-1].rules) if steps else set()
        stop = raw[k + 1][0] - dt.timedelta(days=1) if k + 1 < len(raw) else last
        steps.append(
            TimelineStep(
                start=day,
                end=stop,
                denied=rules.permissions.overflight_denied,
                route=route,
                error=error,
                rules=ids,
                began=tuple(i for i in ids if i not in before) if steps else (),
                ended=tuple(i for i in steps[-1].rules if i not in ids) if steps else (),
                planned=planned,
                time=None if route is None else route_time(route, month=month),
            )
        )
    done = _with_advisories(steps, [rules for _, _, rules in raw], request)
    first = raw[0][2]
    assert first.resolution is not None
    assert first.permissions is not None
    return Timeline(
        origin=here,
        destination=there,
        operator=first.permissions.operator_state,
        airline=first.resolution.airline.icao if first.resolution.airline else None,
        category=first.permissions.category,
        start=start,
        end=last,
        as_of=w.as_of,
        steps=done,
        disputed=request.disputed,
        flight_level=request.flight_level,
        month=month,
    )


#: The first bound on a route's length, in great circles: 1.5 covers most detours.
_FIRST_BOUND = 1.5
#: The longest bound a graph is focused for, in great circles; beyond it, the whole Earth.
_LAST_FOCUS = 2.5


class _StepPlanner:
    """Plans the steps' closures, each in a window: only the obstacles that can shape it.

    A path no longer than L meets only the obstacles within reach of L
    (:class:`~overflight.analysis.chokepoints.Reach`); a graph of those, focused on the
    ellipse, answers exactly for routes up to L. L is the shortest route already found that
    is legal under the step's closure (its optimum is no longer), else a multiple of the
    great circle. Steps that differ only far from the route share one small graph.
    """

    def __init__(self, here: Place, there: Place, speed_kt: float) -> None:
        self.here, self.there, self.speed_kt = here, there, speed_kt
        self.reach = Reach(here, there)
        #: Each windowed closure planned, with its optimum (None: no route) and why not.
        self.known: dict[Closure, tuple[Route | None, str | None]] = {}

    def _direct(self, closure: Closure) -> Route | None:
        """A known route along the great circle that the closure leaves open: its optimum."""
        if closure.margin_nm > 0 or closure.avoid:
            return None
        for route, _ in self.known.values():
            if route is not None and len(route.waypoints) == 2 and _legal(route, closure):
                return route
        return None

    def _upper_km(self, closure: Closure) -> float | None:
        """The length of the shortest known route legal under the closure, if any."""
        if closure.margin_nm > 0 or closure.avoid:
            return None
        lengths = [
            r.distance_km for r, _ in self.known.values() if r is not None and _legal(r, closure)
        ]
        return min(lengths, default=None)

    def route(self, closure: Closure) -> tuple[Route | None, str | None, bool]:
        """The optimum under the closure, or None and why; and whether it was planned now."""
        direct = self._direct(closure)
        if direct is not None:
            return direct, None, False
        upper = self._upper_km(closure)
        great = self.reach.great_circle_km
        bound = upper if upper is not None else _FIRST_BOUND * great
        focused, planned = True, False
        while True:
            near = _window(closure, self.reach, bound)
            if focused:
                limit = self.reach.limit_km(bound, closure.margin_nm)
                near = replace(near, focus=Focus(self.here.lonlat, self.there.lonlat, limit))
            if near in self.known:
                route, error = self.known[near]
            elif (reused := _reusable(self.known, near)) is not None:
                route, error = reused, None
            else:
                planned = True
                try:
                    found = planner_of(near).route(self.here, self.there, speed_kt=self.speed_kt)
                    route, error = found, None
                except NoRouteError as exc:
                    route, error = None, str(exc)
                except InputError as exc:
                    # An endpoint the step's rules close (a denied state, an advisory area
                    # holding it): the step says so, and no window opens it.
                    self.known[near] = (None, str(exc))
                    return None, str(exc), planned
            if route is not None and route.distance_km <= bound * (1.0 + 1e-9):
                self.known[near] = (route, error)
                return route, error, planned
            if not focused and route is None:  # none with fewer obstacles is none at all
                self.known[near] = (route, error)
                return route, error, planned
            # Longer than the bound, or none in the ellipse: a wider one, at last no focus.
            bound = max(bound, route.distance_km if route is not None else 0.0) * 1.25
            focused = bound <= _LAST_FOCUS * great


def _with_advisories(
    steps: list[TimelineStep], rules: list[FlightRules], request: FlightRequest
) -> tuple[TimelineStep, ...]:
    """The steps with what each advisory binding them did to their routes.

    An advisory's effect depends on it and the route alone: each route is checked once
    against every advisory binding any of its steps.
    """
    from overflight.routing.advisory_areas import advisory_outcomes

    def path(route: Route) -> tuple[LonLat, ...]:
        return tuple(route.waypoints)

    by_route: dict[tuple[LonLat, ...], dict[str, Any]] = {}
    for step, rule in zip(steps, rules, strict=True):
        if step.route is not None and rule.layer.bound is not None:
            found = by_route.setdefault(path(step.route), {})
            found.update({b.advisory.id: b for b in rule.layer.bound})
    effects: dict[tuple[LonLat, ...], dict[str, AdvisoryOutcome]] = {}
    for points, bound_by_id in by_route.items():
        outcomes = advisory_outcomes(
            list(bound_by_id.values()), request.flight_level, [points], strict=request.strict
        )
        effects[points] = {o.bound.advisory.id: o for o in outcomes}
    out = []
    for step, rule in zip(steps, rules, strict=True):
        bound = rule.layer.bound
        if step.route is None or bound is None:
            out.append(step)
            continue
        found = effects[path(step.route)]
        chosen = tuple(found[b.advisory.id] for b in bound if b.advisory.id in found)
        out.append(replace(step, advisories=chosen))
    return tuple(out)


def _window(closure: Closure, reach: Reach, bound_km: float) -> Closure:
    """The closure less the denied states and advisory obstacles no path up to a length meets."""
    limit = reach.limit_km(bound_km, closure.margin_nm)
    states = [c for c in closure.denied if reach.of_state(c) <= limit]
    near = closure.denying(states)
    areas = tuple(a for a in closure.advisories if not a.obstacle or reach.of_wkb(a.wkb) <= limit)
    return replace(near, advisories=areas)


def _legal(route: Route, closure: Closure) -> bool:
    """Whether a route keeps out of the closure's denied states and advisory areas."""
    crossed = {t.country for t in route.transit}
    return not crossed & set(closure.denied) and not _enters(route, closure.advisories)


def _reusable(
    known: dict[Closure, tuple[Route | None, str | None]], closure: Closure
) -> Route | None:
    """A route planned with fewer obstacles that keeps clear of the others, if any.

    It stays the shortest: more obstacles (denied states, advisory areas) never shorten the
    shortest route, and this one avoids them all. Only between closures that differ in their
    denied states and advisory areas alone (and the ellipse their graph was focused on, which
    held the route), and not with a margin, which could reach the route from a state it does
    not cross.
    """
    if closure.margin_nm > 0:
        return None
    closed, areas = set(closure.denied), set(closure.advisories)
    rest = replace(closure, denied=(), advisories=(), focus=None)
    for other, (route, _error) in known.items():
        if route is None or replace(other, denied=(), advisories=(), focus=None) != rest:
            continue
        fewer, before = set(other.denied), set(other.advisories)
        if not (fewer <= closed and before <= areas):
            continue
        crossed = {t.country for t in route.transit}
        if (closed - fewer) & crossed or _enters(route, areas - before):
            continue
        return route
    return None


def _enters(route: Route, areas: Iterable[AdvisoryArea]) -> bool:
    """Whether the route's track meets any of the advisory areas (touching counts)."""
    lines = _lines(tuple(route.track) or (tuple(route.waypoints),))
    return any(thread_geometry(area.wkb).intersects(line) for area in areas for line in lines)


@per_thread(maxsize=64)
def _lines(track: tuple[tuple[LonLat, ...], ...]) -> tuple[shapely.LineString, ...]:
    """A route's track as lines (GEOS objects: one copy per thread)."""
    return tuple(shapely.LineString(np.asarray(part)) for part in track if len(part) > 1)
