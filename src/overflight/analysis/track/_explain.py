"""Which refusals explain a flown track's shape: an inference, not a finding.

A flight that goes around states is most likely refused by them (or avoiding them on its
own assessment: the data cannot tell). The search looks for sets of refusals under which
the shortest route between the track's ends *matches* the track:

A set that explains the track must block the shortest route under any smaller set that
does not (else that route stays legal, and shortest): it refuses one of the states that
route crosses. So, as the chokepoint search does for cuts, the search grows sets breadth
first by one state the current route crosses, from no refusal at all, and stops growing a
set when its route matches: it finds every smallest set up to ``max_size``, ranked by
size, then by how closely their route follows the track. When that finds none within its
number of plans, a larger set is grown greedily and then pruned to a minimal one (none of
its refusals can be lifted), which need not be the smallest. States the track enters (for
more than :data:`GRAZE_KM`) are never refused.

Plans go through the chokepoint search's re-planner (windowed to the states that can
matter, memoised by refused set, each route verified), so its graphs are shared with
``overflight chokepoints``.

*Match* is the mean distance between the two lines, both ways (each line's points every
:data:`STEP_KM` to the nearest point of the other), at most :data:`MATCH_KM`. A mean,
rather than a Fréchet-like maximum, forgives what tracks do and routes do not (airways a
few tens of km off the great circle, a holding pattern, a noisy fix) but not passing an
obstacle on its other side, which keeps the lines hundreds of km apart over a long stretch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.spatial import cKDTree

from overflight.analysis.chokepoints import Replanner
from overflight.data.airspace import denied_closure, states_at
from overflight.geo.ellipsoid import densify_path
from overflight.geo.sphere import EARTH_RADIUS_KM, to_xyz
from overflight.models import Route
from overflight.routing.closure import Closure

if TYPE_CHECKING:
    from overflight.analysis.track._report import TrackReport

__all__ = ["GRAZE_KM", "MATCH_KM", "STEP_KM", "Explanation", "Explanations", "explain_track"]

#: Largest mean distance between a track and a route that follows it, km.
MATCH_KM = 50.0
#: Spacing of the points compared.
STEP_KM = 10.0
#: A state the track is inside for no more than this may still have refused it.
GRAZE_KM = 25.0


@dataclass(frozen=True)
class Explanation:
    """A set of refusals under which the shortest route follows the track."""

    #: The states refused, sorted.
    refused: tuple[str, ...]
    #: Those of them closed to the flight by the rules applied to the report.
    in_force: tuple[str, ...]
    #: The shortest route with them refused.
    route: Route
    #: Mean distance between the track and that route, km.
    mean_km: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "refused": list(self.refused),
            "in_force": list(self.in_force),
            "not_in_force": [c for c in self.refused if c not in self.in_force],
            "mean_km": self.mean_km,
            "route_km": self.route.distance_km,
            "route_states": [t.country for t in self.route.transit],
        }


@dataclass(frozen=True)
class Explanations:
    """The minimal sets of refusals found, best first, and how the search went."""

    explanations: tuple[Explanation, ...]
    #: Mean distance between the track and the route with no refusal, km.
    free_mean_km: float
    tolerance_km: float
    #: Why nothing explains the track, when nothing does.
    unexplained: str | None
    #: False when the time budget stopped the search.
    complete: bool
    plans: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data, with the caveat that this is an inference."""
        return {
            "inference": (
                "sets of refusals under which the shortest route follows the track; the "
                "operator may also have avoided these states on its own assessment"
            ),
            "explanations": [e.to_dict() for e in self.explanations],
            "free_mean_km": self.free_mean_km,
            "tolerance_km": self.tolerance_km,
            "unexplained": self.unexplained,
            "complete": self.complete,
            "plans": self.plans,
            "seconds": self.seconds,
        }


def _points(waypoints: Any) -> np.ndarray:
    dense = np.asarray(densify_path(waypoints, STEP_KM), dtype=np.float64)
    return to_xyz(dense[:, 0], dense[:, 1])


def mean_distance_km(track: np.ndarray, route: Route) -> float:
    """Mean distance between two lines of unit vectors, both ways, km (chords: < 0.1 % off)."""
    other = _points(route.waypoints)
    there, _ = cKDTree(other).query(track)
    back, _ = cKDTree(track).query(other)
    return float((np.mean(there) + np.mean(back)) / 2.0 * EARTH_RADIUS_KM)


def explain_track(
    report: TrackReport,
    *,
    tolerance_km: float = MATCH_KM,
    max_size: int = 4,
    max_plans: int = 60,
) -> Explanations:
    """The minimal sets of refusals that make the shortest route follow the track.

    Parameters
    ----------
    report
        The track's report (its ends, the states it enters, the refusals in force).
    tolerance_km
        Largest mean distance between track and route that counts as following it.
    max_plans
        Stop the breadth-first search after this many plans; a larger set is then looked
        for greedily (see :func:`_greedy`), and ``complete`` is False.
    max_size
        Largest set of refusals searched.

    """
    t0 = time.perf_counter()
    track = _points(report.track.points)
    start, end = report.origin, report.destination
    speed = report.optimum.route.speed_kt if report.optimum is not None else 450.0
    planner = Replanner(start, end, Closure.of(()), base=(), speed_kt=speed)
    # A graze of a few km (a noisy fix, a border known to a km or two) is no sign that the
    # state let the flight in.
    entered = {o.transit.country for o in report.overflown if o.transit.distance_km > GRAZE_KM}
    ends = {*states_at(start.lon, start.lat), *states_at(end.lon, end.lat)}
    keep = entered | ends | {c for c in (start.country, end.country) if c}
    in_force = set(report.denied)
    means: dict[frozenset[str], float] = {}

    def route(refused: frozenset[str]) -> Route | None:
        denied = frozenset(denied_closure(refused)) - keep
        return planner.route(denied, report.track.distance_km * 1.2)

    def mean(refused: frozenset[str]) -> float:
        if refused not in means:
            r = route(refused)
            means[refused] = np.inf if r is None else mean_distance_km(track, r)
        return means[refused]

    free = mean(frozenset())
    found: dict[frozenset[str], float] = {}
    complete = True
    frontier = [frozenset[str]()]
    seen: set[frozenset[str]] = set()
    for _size in range(max_size + 1):
        following: list[frozenset[str]] = []
        for chosen in frontier:
            if planner.plans > max_plans:
                complete = False
                break
            if mean(chosen) <= tolerance_km:
                found[chosen] = mean(chosen)
                continue
            # Any set that explains the track blocks this route: it refuses a state the
            # route crosses (else this route stays legal, and shortest).
            r = route(chosen)
            crossed = [] if r is None else [t.country for t in r.transit]
            for code in dict.fromkeys(crossed):
                group = chosen | {code}
                if code in keep or group in seen or any(f <= group for f in found):
                    continue
                seen.add(group)
                following.append(group)
        frontier = following
    unexplained = None
    if not found:
        larger = _greedy(mean, route, keep, tolerance_km)
        if larger is not None:
            found[larger] = mean(larger)
        else:
            unexplained = (
                "no set of refusals of states the track does not enter makes the shortest "
                "route follow it: airways, weather or a stop may explain it"
            )
    explanations = []
    for refused, distance in sorted(found.items(), key=lambda f: (len(f[0]), f[1], sorted(f[0]))):
        r = route(refused)
        assert r is not None  # a set matched, so it has a route
        explanations.append(
            Explanation(
                refused=tuple(sorted(refused)),
                in_force=tuple(sorted(refused & in_force)),
                route=r,
                mean_km=distance,
            )
        )
    return Explanations(
        explanations=tuple(explanations),
        free_mean_km=free,
        tolerance_km=tolerance_km,
        unexplained=unexplained,
        complete=complete,
        plans=planner.plans,
        seconds=time.perf_counter() - t0,
    )


def _greedy(
    mean: Callable[[frozenset[str]], float],
    route: Callable[[frozenset[str]], Route | None],
    keep: set[str],
    tolerance_km: float,
) -> frozenset[str] | None:
    """One minimal set, however large: refuse what each route crosses, then lift what can be.

    While the route does not follow the track, every state it crosses that the track does
    not enter is refused; then each refusal is lifted in turn, and stays lifted if the
    route still follows the track. None when refusing stops helping before a match.
    """
    chosen: frozenset[str] = frozenset()
    while mean(chosen) > tolerance_km:
        r = route(chosen)
        more = {t.country for t in r.transit} - keep - chosen if r is not None else set()
        if not more:
            return None
        chosen |= more
    for code in sorted(chosen):
        if mean(chosen - {code}) <= tolerance_km:
            chosen -= {code}
    return chosen
