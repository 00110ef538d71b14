"""Chokepoints: which states' further refusal hurts a route most, or cuts it; why no route.

:func:`find_chokepoints` re-plans the route with each state it crosses also refused, ranks them
by the detour that causes, marks those whose refusal alone cuts the route (no route at all; or,
given a usable range, none within it; or, given an aircraft, no plan with fuel stops either, as
``overflight route --deny X --aircraft T`` would find), and finds every smallest set of states
(up to ``max_set_size``) whose joint refusal cuts it. :func:`explain_no_route` names the
smallest set of refusals that makes a route impossible.

Two facts keep the number of re-plans small and every figure exact:

* Refusing a state the route does not cross leaves that route optimal: the route stays legal,
  and more obstacles never make a path shorter. So only states the route crosses are ranked,
  and a set that cuts the route must contain a state crossed by the route re-planned without
  it, recursively (a hitting-set search over re-plans, memoised by refused set).
* A route of length at most L lies in the spherical ellipse ``d(o, p) + d(p, d) <= L``, so
  denied states wholly outside a cap around it cannot shape it. Each re-plan goes through the
  normal planner (cached in memory and on disk, verified leg by leg) with only the denied
  states near the endpoints; if the route found is longer than the window allows, the window
  grows and the plan is repeated. A route that fits its window is the exact optimum for the
  whole denied set, and no route within a window means no route at all. When a focus holds
  no route the bound grows, up to half the Earth's circumference; beyond it the window is
  planned without a focus.
* Each new graph is derived from the closest graph made before (``routing/derive.py``):
  only the vertex pairs the changed obstacles touch are tested again, and the graph is the
  one a build would give.
* With an aircraft, a fuel-stop plan is searched only for a refusal whose route is beyond
  the aircraft's range; a cut must then also block that plan, so the hitting-set search
  follows the states its legs cross and those it lands in.
* The search for cut sets needs, for a set that does not cut, some legal route, not the
  shortest: any route already planned that the verifier finds clear of the set proves it
  does not cut, and the states it crosses serve the hitting-set search as well (the
  verifier answers state by state, so what it found for one set serves every set sharing
  states). Failing that, a route searched on the graph of the set's parent plan, or of its
  largest subset planned exactly, with every leg also tested against the other refused
  states (and verified), serves the same way. Only the sets neither finds are re-planned
  with a graph of their own.

JSON shape (``overflight chokepoints --format json``; the names are stable)::

    {
      "baseline": <route>,                 # route JSON (as `route --format json`)
      "baseline_time": {"month", "still_air_h", "wind_h", "mean_wind_kt"} | null,
      "disputed": "union" | "control",     # how disputed areas were crossed
      "flight_level": int | null,          # the level advisories were read at
      "advisories": [<advisory>, ...] | null,  # as in route JSON; null: no advisory layer
      "usable_range_km": float | null,     # the aircraft's, when one is given
      "ranking": [                         # states the baseline crosses, worst first
        {
          "country": str, "name": str,
          "cuts": bool,                    # refusing it alone leaves no route (within range,
                                           # or with fuel stops for the aircraft)
          "route_km": float | null,        # the re-planned route; null when none exists
          "extra_km": float | null,        # route_km minus the baseline's
          "extra_h": float | null,         # the same in hours at the baseline's speed
          "states": [str, ...],            # states the re-planned route crosses
          "fuel_stops": [<stop>, ...]      # with an aircraft, the plan that keeps it flying
                                           # when the route is beyond range ({"code",
                                           # "name", "lat", "lon", "country"}), else []
        }, ...
      ],
      "cut_sets": [[str, ...], ...],       # every minimal refused set that cuts, by size
      "max_set_size": int,
      "complete": bool,                    # false when the time budget stopped the search
      "plans": int,                        # re-plans made (memoised ones counted once)
      "seconds": float,
      "remarks": [str, ...]                # what the answers leave out (no advisory layer)
    }

>>> from overflight.analysis import find_chokepoints
>>> report = find_chokepoints("EFHK", "RJAA", deny=["RU"], max_set_size=1)
>>> [c.country for c in report.ranking]
['NO', 'US']
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import shapely

from overflight._config import DEFAULT_MAX_STOPS, DEFAULT_SPEED_KT
from overflight.data.airports import resolve_place
from overflight.data.airspace import denied_closure, states, states_at
from overflight.errors import DeniedEndpointError, InputError, NoRouteError, VerificationError
from overflight.geo.sphere import EARTH_RADIUS_KM, to_xyz
from overflight.models import KM_PER_NM, Place, Route
from overflight.routing.closure import Closure
from overflight.routing.graph import Focus
from overflight.routing.planner import Planner, planner_of
from overflight.routing.verify import check_route

if TYPE_CHECKING:
    from overflight.aircraft import AircraftProfile
    from overflight.analysis.fuel import StopPlan
    from overflight.analysis.request import FlightRequest
    from overflight.analysis.timing import RouteTime
    from overflight.routing.advisory_areas import AdvisoryOutcome
    from overflight.scenarios import Permissions

__all__ = [
    "Chokepoint",
    "ChokepointReport",
    "Reach",
    "Replanner",
    "explain_no_route",
    "find_chokepoints",
    "request_chokepoints",
]

#: How much longer than a route on the ellipsoid its length on the sphere may be, at most.
_SPHERE_FACTOR = 1.01
#: How much a re-plan's bound grows when its focus holds no route.
_GROWTH = 1.75
#: Ratio of one rung of the ladder of bounds to the next (see :meth:`Replanner._rung`).
_RUNG = 1.25
#: Half the Earth's circumference on the sphere: a focus this wide is hardly a focus, km.
_HALF_TURN_KM = math.pi * EARTH_RADIUS_KM
#: Distance by which a state's obstacle may reach beyond its shipped polygon, on top of the
#: margin (simplification and densification), with room to spare.
_SLACK_KM = 25.0


@dataclass(frozen=True)
class Chokepoint:
    """What refusing one more state does to the route."""

    #: ISO 3166-1 alpha-2 code of the state.
    country: str
    #: The state's common English name.
    name: str
    #: The route re-planned with the state also refused; None when none exists.
    route: Route | None
    #: Whether the refusal alone cuts the route (no route, or none within range).
    cuts: bool
    #: Length added to the baseline, km; None when no route exists.
    extra_km: float | None
    #: Flight time added to the baseline, hours; None when no route exists.
    extra_h: float | None
    #: With an aircraft and a route beyond its range: the fuel-stop plan that still flies it.
    stops: StopPlan | None = None

    @property
    def route_km(self) -> float | None:
        """Length of the re-planned route, or None."""
        return None if self.route is None else self.route.distance_km


@dataclass(frozen=True)
class ChokepointReport:
    """The chokepoints of one route."""

    #: The route with no further refusal.
    baseline: Route
    #: States the baseline crosses (less the endpoints' own), cuts first, then by extra km.
    ranking: tuple[Chokepoint, ...]
    #: Every minimal set of states whose joint refusal cuts the route, by size then name.
    cut_sets: tuple[tuple[str, ...], ...]
    #: Largest set size searched.
    max_set_size: int
    #: The aircraft's usable range, if a route longer than it counts as cut.
    usable_range_km: float | None
    #: Whether every set up to ``max_set_size`` was examined (False: the budget ran out).
    complete: bool
    #: Re-plans made.
    plans: int
    #: Wall-clock time taken.
    seconds: float
    #: How disputed areas were crossed (``union`` or ``control``).
    disputed: str = "union"
    #: The cruise flight level advisories were read at, when planned from a request.
    flight_level: int | None = None
    #: The baseline's still-air and wind times (None: not planned from a request).
    time: RouteTime | None = None
    #: The advisories that bound the baseline and what each did; None: no advisory layer.
    advisories: tuple[AdvisoryOutcome, ...] | None = None

    @property
    def remarks(self) -> tuple[str, ...]:
        """What a reader must know to weigh the answer (no advisory layer applied)."""
        from overflight.analysis.plan import NO_ADVISORIES

        return (NO_ADVISORIES,) if self.advisories is None else ()

    def _repr_html_(self) -> str:
        # Drawn by the export layer when a notebook asks (pyproject's layer contract lists it).
        from overflight.export.notebook import chokepoints_html

        return chokepoints_html(self)


class Reach:
    """How far out of its way a path between two places must go to touch an area.

    A path no longer than L lies in the spherical ellipse ``d(o, p) + d(p, d) <= L``: an area
    whose lower bound on that sum exceeds :meth:`limit_km` cannot shape it.
    """

    def __init__(self, origin: Place, destination: Place) -> None:
        a, b = to_xyz(origin.lon, origin.lat), to_xyz(destination.lon, destination.lat)
        self._a, self._b = a, b
        self._ends = (origin.lonlat, destination.lonlat)
        #: The great circle on the sphere, km.
        self.great_circle_km = float(np.arccos(np.clip(np.dot(a, b), -1.0, 1.0))) * EARTH_RADIUS_KM
        self._states: dict[str, float] = {}
        self._areas: dict[bytes, float] = {}

    @staticmethod
    def limit_km(bound_km: float, margin_nm: float = 0.0) -> float:
        """Largest d(o, p) + d(p, d) on the sphere of a point near a path no longer than bound."""
        return bound_km * _SPHERE_FACTOR + 2.0 * (_SLACK_KM + margin_nm * KM_PER_NM)

    def of_state(self, code: str) -> float:
        """A lower bound on d(o, p) + d(p, d) over the state's airspace, km."""
        if code not in self._states:
            self._states[code] = self.of_geometry(states()[code].geometry)
        return self._states[code]

    def of_wkb(self, wkb: bytes) -> float:
        """A lower bound on d(o, p) + d(p, d) over an area given as WKB, km."""
        if wkb not in self._areas:
            self._areas[wkb] = self.of_geometry(shapely.from_wkb(wkb))
        return self._areas[wkb]

    def of_geometry(self, geometry: shapely.Geometry) -> float:
        """A lower bound on d(o, p) + d(p, d) over a lon/lat area, km.

        On an edge it is at least its smaller value at the two ends less the edge's length
        (the sum changes by at most twice the distance moved, and a point of the edge is
        within half its length of an end); the interior needs no test, as an area that meets
        the ellipse while none of its boundary does would hold an endpoint: an area that holds
        one (a disputed area opened, an advisory area above the endpoint) is at 0.
        """
        if any(shapely.intersects_xy(geometry, x, y) for x, y in self._ends):
            return 0.0
        best = math.inf
        for ring in shapely.get_rings(shapely.get_parts(geometry)):
            lon, lat = shapely.get_coordinates(ring).T
            xyz = to_xyz(lon, lat)
            total = (
                np.arccos(np.clip(xyz @ self._a, -1.0, 1.0))
                + np.arccos(np.clip(xyz @ self._b, -1.0, 1.0))
            ) * EARTH_RADIUS_KM
            # Edges are straight in lon/lat: bound their length by the widest parallel.
            widest = np.cos(np.radians(np.minimum(np.abs(lat[:-1]), np.abs(lat[1:]))))
            widest = np.where(lat[:-1] * lat[1:] <= 0.0, 1.0, widest)
            km_per_deg = math.radians(1.0) * EARTH_RADIUS_KM
            length = np.hypot(np.diff(lat), np.diff(lon) * widest) * km_per_deg
            edge = np.minimum(total[:-1], total[1:]) - length
            best = min(best, float(edge.min()) if len(edge) else float(total.min()))
        return best


class _Known:
    """A route planned, the states it crosses, and those the verifier found it enters or not.

    The verifier checks each state on its own (a route is legal with some refused when it is
    with each of them), so what it found for one set holds for every set that shares states.
    """

    def __init__(self, route: Route, *, verified: Iterable[str]) -> None:
        self.route = route
        self.crossed = frozenset(t.country for t in route.transit)
        #: States the verifier found it keeps out of: when planned, and since.
        self.clear = set(verified)
        #: States the verifier found it enters.
        self.enters: set[str] = set()

    def avoids(self, refused: frozenset[str], likely: Iterable[str] = ()) -> bool:
        """Whether the route is legal with these refused, checked by the verifier.

        States likely to be asked about later are checked in the same call (one
        densification of the route for all), unless the route crosses them.
        """
        if refused & self.crossed or refused & self.enters:
            return False
        unknown = refused - self.clear
        if not unknown:
            return True
        more = frozenset(likely) - self.clear - self.enters - self.crossed - unknown
        for asked in (unknown | more, unknown) if more else (unknown,):
            try:
                check_route(self.route.waypoints, sorted(asked))
            except VerificationError:
                if len(asked) == 1:
                    self.enters.update(asked)
                continue
            self.clear.update(asked)
            return True
        return False


class Replanner:
    """Plans the same flight under many denied sets, each once, each in a window.

    Shared by the chokepoint search and the explanation of a flown track.
    """

    def __init__(
        self,
        origin: Place,
        destination: Place,
        closure: Closure,
        *,
        base: Iterable[str],
        speed_kt: float,
    ) -> None:
        self.origin, self.destination = origin, destination
        #: The margin, avoid areas and openings every plan keeps (its states are replaced).
        self.closure = closure
        self.base = frozenset(base)
        self.margin_nm = closure.margin_nm
        self.speed_kt = speed_kt
        self.plans = 0
        self._memo: dict[frozenset[str], Route | None] = {}
        #: Routes planned so far, with what is known of the states each enters.
        self._known: list[_Known] = []
        #: States the search may refuse: those of every candidate list so far.
        self._asked: set[str] = set()
        #: The planner that gave each exactly planned refused set its route.
        self._planners: dict[frozenset[str], Planner] = {}
        #: Every planner made so far: the parents new graphs derive from.
        self._graphs: list[Planner] = []
        self.reach = Reach(origin, destination)
        self._gc_km = self.reach.great_circle_km
        #: The endpoints' states: permitted by definition, never refused.
        self.endpoints = frozenset(
            {
                *states_at(origin.lon, origin.lat),
                *states_at(destination.lon, destination.lat),
                *(c for c in (origin.country, destination.country) if c),
            }
        )

    def _reach_km(self, code: str) -> float:
        """A lower bound on d(o, p) + d(p, d) over the state's airspace, km."""
        return self.reach.of_state(code)

    def _limit_km(self, bound_km: float) -> float:
        """Largest d(o, p) + d(p, d) on the sphere of a point near a path no longer than bound."""
        return self.reach.limit_km(bound_km, self.margin_nm)

    def _window(self, denied: frozenset[str], bound_km: float) -> tuple[str, ...]:
        """The denied states that may touch some path no longer than the bound."""
        limit = self._limit_km(bound_km)
        return tuple(sorted(c for c in denied if self._reach_km(c) <= limit))

    def _plan(self, window: tuple[str, ...], focus: Focus | None) -> tuple[Planner, Route | None]:
        """The window's planner and its route (None: none in the graph)."""
        # The compiler loads only when graphs are made.
        from overflight.routing.derive import planner_from

        planner = planner_from(self.closure.denying(window, focus=focus), self._graphs)
        self._graphs.append(planner)
        try:
            return planner, planner.route(self.origin, self.destination, speed_kt=self.speed_kt)
        except NoRouteError:
            return planner, None

    def route_around(
        self, refused: frozenset[str], parent: frozenset[str], longest_km: float
    ) -> Route | None:
        """A legal route with these refused, searched on the graph of an exact plan of a subset.

        The parent's plan when it was exact, else the largest subset planned exactly: its
        graph already bends around those refusals; the rest are avoided
        leg by leg (see :meth:`Planner.route_around`). Such a route proves the set does not
        cut, as a known route does; when none is found the set is planned in full.
        """
        planner = self._planners.get(parent) or self._planners.get(self._planned_within(refused))
        if planner is None:
            return None
        denied = self.base | refused
        more = denied - set(planner.denied)
        focus = planner.closure.focus
        if focus is not None:
            # The path bends only at the graph's vertices, all inside its focus: states out
            # of the focus's reach are left to the verifier rather than joined as obstacles.
            reach = focus.reach_km + 2.0 * (_SLACK_KM + self.margin_nm * KM_PER_NM)
            more = frozenset(c for c in more if self._reach_km(c) <= reach)
        found = planner.route_around(
            self.origin, self.destination, sorted(more), speed_kt=self.speed_kt
        )
        if found is None or found.distance_km > longest_km:
            return None
        rest = sorted(denied - more - set(planner.denied))
        if rest:
            try:
                check_route(found.waypoints, rest)
            except VerificationError:
                return None
        found = replace(found, denied=tuple(sorted(self.base | refused)))
        self._known.append(_Known(found, verified=denied))
        return found

    def _planned_within(self, refused: frozenset[str]) -> frozenset[str]:
        """The largest refused set planned exactly that these refusals include."""
        return max((s for s in self._planners if s <= refused), key=len, default=frozenset())

    def _rung(self, bound_km: float) -> float:
        """The smallest bound of the ladder at least this one.

        Bounds, hence foci, come in a few sizes shared by every plan of the flight: a child
        plan's focus is then mostly its parent's, and its graph derives with new vertices
        only where the newly refused states lie, not all around a slightly wider ellipse.
        """
        floor = self._gc_km * 1.05
        steps = math.ceil(math.log(max(bound_km, floor) / floor) / math.log(_RUNG) - 1e-9)
        return floor * _RUNG ** max(steps, 0)

    def route(self, refused: frozenset[str], hint_km: float) -> Route | None:
        """The route with these states refused on top of the base (None: no route)."""
        if refused in self._memo:
            return self._memo[refused]
        denied = self.base | refused
        bound = self._rung(hint_km)
        while True:
            window = self._window(denied, bound)
            self.plans += 1
            focus = Focus(self.origin.lonlat, self.destination.lonlat, self._limit_km(bound))
            planner, found = self._plan(window, focus)
            if found is not None and found.distance_km <= bound:
                self._planners[refused] = planner
                break  # within the window and the focus: the optimum for the whole set
            if found is None and self._limit_km(bound * _GROWTH) < _HALF_TURN_KM:
                # The optimum is longer than the bound: look further, on a graph derived from
                # this one (a graph without focus would have to be made from scratch).
                bound = self._rung(bound * _GROWTH)
                continue
            if found is None:
                # The focus may hide a longer route: look without it before calling a cut.
                planner, found = self._plan(window, None)
                if found is None:
                    break  # fewer obstacles than the whole set: no route at all
            # The route found is in the next graph too, so its optimum fits the rung above it
            # unless the window's new states block it.
            bound = self._rung(max(bound * _RUNG, found.distance_km))
        if found is not None:
            # The route avoids every denied state, not only those of the window.
            found = replace(found, denied=tuple(sorted(denied)))
            self._known.append(_Known(found, verified=window))
        self._memo[refused] = found
        return found

    def shortest_km(self, refused: frozenset[str]) -> float:
        """A length no route with these refused can beat: the longest planned for a subset.

        Refusing more never shortens the route. A better hint than the length of a route
        that merely shows a subset does not cut, which may be far from the shortest.
        """
        return max(
            (r.distance_km for s, r in self._memo.items() if r is not None and s <= refused),
            default=self._gc_km,
        )

    def known_route(self, refused: frozenset[str], longest_km: float) -> Route | None:
        """A route already planned, no longer than the bound, that is legal with these refused.

        The set's own route when it was planned; else any: a legal route proves that a set
        does not cut, and the states it crosses are as good as the shortest route's for the
        hitting-set search (a cut must block every route).
        Reuse is limited to plans without a margin: with one, a route may cross no refused
        state and still pass too close to it. Each reuse is checked by the independent
        verifier against the refused states' airspace.
        """
        exact = self._memo.get(refused)
        if exact is not None:
            return exact if exact.distance_km <= longest_km else None
        if self.margin_nm > 0.0:
            return None
        # The shortest first: its length hints the bound of the plans that follow from it.
        for known in sorted(self._known, key=lambda k: k.route.distance_km):
            if known.route.distance_km <= longest_km and known.avoids(refused, self._asked):
                return known.route
        return None

    def candidates(
        self, route: Route, refused: frozenset[str], stops: StopPlan | None = None
    ) -> list[str]:
        """States that may still be refused whose refusal could block the flight, in order.

        Those the route crosses; with a fuel-stop plan, those its legs cross and land in.
        """
        if stops is None:
            crossed = dict.fromkeys(t.country for t in route.transit)
        else:
            crossed = dict.fromkeys(
                c
                for leg, stop in zip(stops.legs, (*stops.stops, None), strict=True)
                for c in (*(t.country for t in leg.transit), stop.country if stop else None)
                if c
            )
        found = [c for c in crossed if c not in self.endpoints and c not in refused]
        self._asked.update(found)
        return found


def find_chokepoints(
    origin: str | Place,
    destination: str | Place,
    *,
    permissions: Permissions | None = None,
    deny: Iterable[str] = (),
    margin_nm: float = 0.0,
    max_set_size: int = 3,
    usable_range_km: float | None = None,
    aircraft: AircraftProfile | None = None,
    max_stops: int = DEFAULT_MAX_STOPS,
    speed_kt: float = DEFAULT_SPEED_KT,
    budget_s: float | None = None,
    closure: Closure | None = None,
    month: int | None = None,
) -> ChokepointReport:
    """Rank the states whose further refusal hurts the route most; find the sets that cut it.

    Parameters
    ----------
    origin, destination
        ICAO or IATA code, listed airfield identifier, ``"lat,lon"``, or a :class:`Place`.
    permissions
        A resolved scenario (its denied states, margin, avoid areas and strait corridors).
    deny
        States denied on top (alpha-2 or alpha-3), with their dependencies.
    margin_nm
        Lateral margin (the scenario's if larger).
    max_set_size
        Largest set of refusals searched for cuts (0 to rank only).
    usable_range_km
        A route longer than this counts as cut (with ``aircraft``: unless fuel stops help).
        Default: the aircraft's usable range, if one is given.
    aircraft
        A route beyond its usable range counts as cut only when no plan with up to
        ``max_stops`` fuel stops exists either (:func:`~overflight.analysis.plan_with_stops`).
    max_stops
        Most fuel stops such a plan may make.
    speed_kt
        Cruise speed for the hours.
    budget_s
        Stop searching for cut sets after this many seconds (the ranking is always complete).
    closure
        What the flight may not cross, as :func:`overflight.analysis.plan.flight_setup` made
        it (advisory areas, disputed areas opened); replaces ``permissions``' closure, ``deny``
        and ``margin_nm`` (``permissions`` still says where fuel stops may land).
    month
        With ``aircraft``: range is time in this month's mean wind within the aircraft's
        endurance, as ``route --month`` decides it (None: still air).

    Returns
    -------
    ChokepointReport

    Raises
    ------
    NoRouteError
        When the baseline itself has no route; its ``states`` are the smallest set of
        refusals responsible (see :func:`explain_no_route`), also named in the message.
    InputError
        For unknown places or states, or an endpoint in denied airspace.

    """
    t0 = time.perf_counter()
    if max_set_size < 0:
        raise InputError(f"max_set_size {max_set_size!r}: give 0 or more")
    start = origin if isinstance(origin, Place) else resolve_place(origin)
    end = destination if isinstance(destination, Place) else resolve_place(destination)
    deny = tuple(deny)
    given = closure
    if closure is None:
        closure = Closure.from_permissions(permissions, deny=deny, margin_nm=margin_nm)
    base = frozenset(closure.denied)
    if usable_range_km is None and aircraft is not None:
        usable_range_km = aircraft.usable_range_km()
    planner = Replanner(start, end, closure, base=base, speed_kt=speed_kt)
    baseline = planner.route(frozenset(), 0.0)
    if baseline is None:
        # Re-plan in full for the planner's own explanation of what encloses what.
        reason = "denied airspace separates the origin from the destination"
        try:
            planner_of(closure).route(start, end, speed_kt=speed_kt)
        except NoRouteError as exc:
            reason = exc.reason
        responsible = explain_no_route(
            start, end, permissions=permissions, deny=deny, margin_nm=margin_nm, closure=given
        )
        if responsible:
            reason += f"; refusals responsible: {', '.join(responsible)}"
        raise NoRouteError(reason, states=responsible)

    # Fuel stops load scipy: only for a search with an aircraft.
    if aircraft is not None:
        from overflight.analysis.fuel import plan_with_stops, range_time
    stop_plans: dict[frozenset[str], StopPlan | None] = {}

    def stop_plan(refused: frozenset[str]) -> StopPlan | None:
        """The fuel-stop plan with these refused on top, as `route --aircraft` plans it."""
        if aircraft is None:
            return None
        if refused not in stop_plans:
            try:
                stop_plans[refused] = plan_with_stops(
                    start,
                    end,
                    aircraft=aircraft,
                    permissions=permissions,
                    deny=(*deny, *sorted(refused)),
                    margin_nm=margin_nm,
                    max_stops=max_stops,
                    closure=None if given is None else given.denying(base | refused),
                    month=month,
                )
            except NoRouteError:
                stop_plans[refused] = None
        return stop_plans[refused]

    def beyond_range(route: Route | None) -> bool:
        if route is None or usable_range_km is None:
            return False
        if aircraft is not None and month is not None:
            return not range_time(route, aircraft, month=month)[1]
        return route.distance_km > usable_range_km

    def cuts(route: Route | None, refused: frozenset[str]) -> bool:
        if route is None:
            return True
        return beyond_range(route) and stop_plan(refused) is None

    def refusal(code: str) -> frozenset[str]:
        return frozenset(denied_closure([code])) - base

    ranking = []
    hint = baseline.distance_km * 1.3
    for code in planner.candidates(baseline, frozenset()):
        try:
            r = planner.route(refusal(code), hint)
        except DeniedEndpointError:
            continue  # a dependency holding an endpoint: permitted by definition
        ranking.append(
            Chokepoint(
                country=code,
                name=states()[code].name,
                route=r,
                cuts=cuts(r, refusal(code)),
                extra_km=None if r is None else r.distance_km - baseline.distance_km,
                extra_h=None if r is None else r.duration_h - baseline.duration_h,
                stops=stop_plan(refusal(code)) if beyond_range(r) else None,
            )
        )
    ranking.sort(key=lambda c: (not c.cuts, -(c.extra_km or 0.0), c.country))

    found: list[frozenset[str]] = []
    complete = True
    # Each set that does not cut, with a route that shows it (and its fuel-stop plan, when
    # the route is beyond range): a larger cut must block them.
    Witness = tuple[Route, "StopPlan | None"]
    first = stop_plan(frozenset()) if beyond_range(baseline) else None
    frontier: dict[frozenset[str], Witness] = {frozenset(): (baseline, first)}
    seen: set[frozenset[str]] = set()
    for _size in range(max_set_size):
        following: dict[frozenset[str], Witness] = {}
        for chosen, (route, stops) in frontier.items():
            for code in planner.candidates(route, chosen, stops):
                group = chosen | {code}
                if group in seen or any(cut <= group for cut in found):
                    continue
                seen.add(group)
                if budget_s is not None and time.perf_counter() - t0 > budget_s:
                    complete = False
                    break
                refused = frozenset().union(*(refusal(c) for c in group))
                if refused & planner.endpoints:
                    continue  # a dependency holding an endpoint: permitted by definition
                # A route that already avoids the group, or one found on the graph of the
                # group's parent, shows it does not cut: no graph to build.
                longest = usable_range_km or math.inf
                parent = frozenset().union(*(refusal(c) for c in chosen))
                r = planner.known_route(refused, longest) or planner.route_around(
                    refused, parent, longest
                )
                # Within the range in distance may still be beyond it in a headwind.
                if r is not None and not beyond_range(r):
                    following[group] = (r, None)
                    continue
                try:
                    r = planner.route(refused, planner.shortest_km(refused) * 1.3)
                except DeniedEndpointError:
                    continue
                if cuts(r, refused):
                    found.append(group)
                elif r is not None:
                    following[group] = (r, stop_plan(refused) if beyond_range(r) else None)
        frontier = following
    cut_sets = tuple(sorted((tuple(sorted(s)) for s in found), key=lambda s: (len(s), s)))
    return ChokepointReport(
        baseline=baseline,
        ranking=tuple(ranking),
        cut_sets=cut_sets,
        max_set_size=max_set_size,
        usable_range_km=usable_range_km,
        complete=complete,
        plans=planner.plans,
        seconds=time.perf_counter() - t0,
    )


def explain_no_route(
    origin: str | Place,
    destination: str | Place,
    *,
    permissions: Permissions | None = None,
    deny: Iterable[str] = (),
    margin_nm: float = 0.0,
    closure: Closure | None = None,
) -> tuple[str, ...]:
    """The smallest set of refusals that alone leaves no route (empty if a route exists).

    The search follows the states each re-planned route crosses among the denied ones,
    breadth first up to three states, which gives a smallest set; beyond that it adds them
    one route at a time and then lifts every refusal the cut does not need, which gives a set
    none of whose refusals can be lifted. Avoid areas and the margin apply throughout, so
    when they alone leave no route the set is empty.

    >>> explain_no_route("UDYZ", "UUMU", deny=["GE", "AZ", "TR", "IR", "FR"])
    ('AZ', 'GE', 'IR', 'TR')
    """
    start = origin if isinstance(origin, Place) else resolve_place(origin)
    end = destination if isinstance(destination, Place) else resolve_place(destination)
    if closure is None:
        closure = Closure.from_permissions(permissions, deny=deny, margin_nm=margin_nm)
    denied = frozenset(closure.denied)
    planner = Replanner(start, end, closure, base=(), speed_kt=DEFAULT_SPEED_KT)
    if planner.route(denied, 0.0) is not None:
        return ()
    free = planner.route(frozenset(), 0.0)
    if free is None:
        return ()
    frontier: dict[frozenset[str], Route] = {frozenset(): free}
    for _size in range(3):
        following: dict[frozenset[str], Route] = {}
        for chosen, route in frontier.items():
            for code in planner.candidates(route, chosen):
                if code not in denied:
                    continue
                group = chosen | {code}
                if group in following:
                    continue
                r = planner.route(group, route.distance_km * 1.3)
                if r is None:
                    return tuple(sorted(group))
                following[group] = r
        frontier = following
    # Larger than three: add a crossed refusal per re-plan, then lift what is not needed.
    chosen = frozenset[str]()
    current: Route | None = free
    while current is not None:
        step = [c for c in planner.candidates(current, chosen) if c in denied]
        if not step:
            chosen = denied  # no denied state left to hit: keep them all
            break
        chosen = chosen | {step[0]}
        current = planner.route(chosen, current.distance_km * 1.3)
    for code in sorted(chosen):
        if planner.route(chosen - {code}, 0.0) is None:
            chosen = chosen - {code}
    return tuple(sorted(chosen))


def request_chokepoints(
    request: FlightRequest, *, max_set_size: int = 3, budget_s: float | None = None
) -> ChokepointReport:
    """The chokepoints of the route ``overflight route`` plans for the request.

    The same closure (registry, advisories at the flight level, disputed policy), aircraft
    and speed; the report also gives the baseline's wind time in the request's month and the
    advisories that bound it.

    >>> from overflight.analysis import FlightRequest
    >>> report = request_chokepoints(FlightRequest(origin="EFHK", destination="RJAA",
    ...                              deny=["RU"], month=1), max_set_size=0)
    >>> report.time.month, report.time.wind_h != report.time.still_air_h
    (1, True)
    """
    from overflight.analysis.plan import flight_setup
    from overflight.analysis.timing import route_time

    setup = flight_setup(request)
    report = find_chokepoints(
        setup.start,
        setup.end,
        permissions=setup.rules.permissions,
        max_set_size=max_set_size,
        aircraft=setup.profile,
        max_stops=request.max_stops,
        speed_kt=setup.speed_kt,
        budget_s=budget_s,
        closure=setup.closure,
        month=request.wind_month,
    )
    return replace(
        report,
        disputed=request.disputed,
        flight_level=request.flight_level,
        time=route_time(report.baseline, month=request.wind_month),
        advisories=setup.advisories((report.baseline,)),
    )
