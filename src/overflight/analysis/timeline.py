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
from dataclasses import dataclass, field
from typing import Any

from overflight._config import DEFAULT_SPEED_KT
from overflight.data.airports import resolve_place
from overflight.errors import InputError, NoRouteError
from overflight.models import KM_PER_NM, Place, Route
from overflight.registry import world
from overflight.routing.planner import plan_route

__all__ = ["Timeline", "TimelineStep", "route_timeline"]


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

    @property
    def states(self) -> tuple[str, ...]:
        """States crossed, in order (empty without a route)."""
        return tuple(t.country for t in self.route.transit) if self.route else ()

    def to_dict(self) -> dict[str, Any]:
        """One step as JSON: dates, figures, states crossed and the rules that changed."""
        r = self.route
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "denied": list(self.denied),
            "distance_km": r.distance_km if r else None,
            "distance_nm": r.distance_km / KM_PER_NM if r else None,
            "extra_km": r.extra_km if r else None,
            "extra_pct": r.extra_pct if r else None,
            "duration_h": r.duration_h if r else None,
            "states": list(self.states),
            "error": self.error,
            "rules": list(self.rules),
            "began": list(self.began),
            "ended": list(self.ended),
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

    @property
    def plans(self) -> int:
        """How many routes were planned (the other steps reused one)."""
        return sum(s.planned for s in self.steps)

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
            "great_circle_km": next((s.route.great_circle_km for s in self.steps if s.route), None),
            "steps": [s.to_dict() for s in self.steps],
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

    Raises
    ------
    InputError
        For unknown places, airline, operator or category, a start before 2014-01-01, or an
        end before the start.

    """
    w = world()
    last = end if end is not None else max(dt.date.today(), w.as_of)
    if last < start:
        raise InputError(f"the timeline ends ({last}) before it starts ({start}): swap them")
    here = origin if isinstance(origin, Place) else resolve_place(origin)
    there = destination if isinstance(destination, Place) else resolve_place(destination)
    denied_extra, allowed_extra = tuple(deny), tuple(allow)
    days = [start, *(d for d in w.change_dates() if start < d <= last)]

    raw: list[tuple[dt.date, Any]] = []
    previous: tuple[str, ...] | None = None
    for day in days:
        answer = w.resolve(
            operator=operator,
            category=category,
            date=day,
            airline=airline,
            endpoints=(here.country, there.country),
            deny=denied_extra,
            allow=allowed_extra,
        )
        ids = tuple(r.id for r in answer.rules)
        if ids != previous:
            raw.append((day, answer))
            previous = ids

    known: dict[frozenset[str], tuple[Route | None, str | None]] = {}
    steps: list[TimelineStep] = []
    for k, (day, answer) in enumerate(raw):
        p = answer.permissions
        denied = p.overflight_denied
        closed = frozenset(denied)
        planned = False
        if closed in known:
            route, error = known[closed]
        elif (reused := _reusable(known, closed, margin_nm + p.margin_nm)) is not None:
            route, error = reused, None
        else:
            planned = True
            try:
                route = plan_route(
                    here, there, margin_nm=margin_nm, speed_kt=speed_kt, permissions=p
                )
                error = None
            except NoRouteError as exc:
                route, error = None, str(exc)
        known[closed] = (route, error)
        ids = tuple(r.id for r in answer.rules)
        before = set(steps[-1].rules) if steps else set()
        stop = raw[k + 1][0] - dt.timedelta(days=1) if k + 1 < len(raw) else last
        steps.append(
            TimelineStep(
                start=day,
                end=stop,
                denied=denied,
                route=route,
                error=error,
                rules=ids,
                began=tuple(i for i in ids if i not in before) if steps else (),
                ended=tuple(i for i in steps[-1].rules if i not in ids) if steps else (),
                planned=planned,
            )
        )
    return Timeline(
        origin=here,
        destination=there,
        operator=raw[0][1].permissions.operator_state,
        airline=raw[0][1].airline.icao if raw[0][1].airline else None,
        category=raw[0][1].permissions.category,
        start=start,
        end=last,
        as_of=w.as_of,
        steps=tuple(steps),
    )


def _reusable(
    known: dict[frozenset[str], tuple[Route | None, str | None]],
    closed: frozenset[str],
    margin_nm: float,
) -> Route | None:
    """A route planned for fewer denied states that crosses none of the others, if any.

    It stays the shortest: denying more states never shortens the shortest route, and this one
    avoids them all. Not with a margin, which could reach the route from a state it does not
    cross.
    """
    if margin_nm > 0:
        return None
    for fewer, (route, _error) in known.items():
        crossed = {t.country for t in route.transit} if route is not None else set()
        if route is not None and fewer <= closed and not (closed - fewer) & crossed:
            return route
    return None
