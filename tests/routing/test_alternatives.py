"""Topologically distinct legal routes: which side of each large obstacle a route passes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from overflight.analysis.timing import fastest
from overflight.data.airports import resolve_place
from overflight.errors import InputError
from overflight.geo.ellipsoid import densify_path
from overflight.geo.wind import uniform_wind
from overflight.models import Route
from overflight.routing.alternatives import Alternative, distinct_routes
from overflight.routing.planner import Planner, planner_for
from overflight.routing.verify import check_route

RU_BY_UA = ["RU", "BY", "UA"]
CONFLICT_26 = "RU,BY,UA,IR,IQ,SY,YE,LY,AF,KP,SD,SS,SO,ML,BF,NE,VE,ER,LB,CF,CD,MM,CU,NI,TD,HT"


@pytest.fixture(scope="module")
def closed() -> Planner:
    return planner_for(RU_BY_UA)


def alternatives(
    planner: Planner, origin: str, destination: str, k: int
) -> tuple[Alternative, ...]:
    shortest = planner.route(resolve_place(origin), resolve_place(destination))
    return distinct_routes(planner, shortest, k=k)


def max_lat(alternative: Alternative) -> float:
    return max(lat for _, lat in densify_path(alternative.waypoints, 50.0))


@pytest.mark.parametrize(("origin", "destination"), [("EFHK", "RJAA"), ("RJAA", "EFHK")])
def test_helsinki_tokyo_has_a_polar_and_a_southern_route(
    closed: Planner, origin: str, destination: str
) -> None:
    routes = alternatives(closed, origin, destination, k=4)
    assert len(routes) == 2
    polar, southern = sorted(routes, key=max_lat, reverse=True)
    assert max_lat(polar) > 64.0  # through the Bering Strait, round the Russian Arctic
    assert max_lat(southern) < 61.0  # never north of Helsinki: south of Russia
    assert polar.sides != southern.sides
    assert routes[0].distance_km <= routes[1].distance_km


@pytest.mark.parametrize(
    ("origin", "destination"), [("EGLL", "VTBS"), ("EDDF", "VTBS"), ("KJFK", "VIDP")]
)
def test_alternatives_are_distinct_legal_and_ordered(origin: str, destination: str) -> None:
    planner = planner_for(CONFLICT_26.split(","))
    routes = alternatives(planner, origin, destination, k=4)
    assert len(routes) >= 3
    shortest = planner.route(resolve_place(origin), resolve_place(destination))
    assert routes[0].waypoints == shortest.waypoints
    for a, b in itertools.combinations(routes, 2):
        assert a.sides != b.sides
    lengths = [r.distance_km for r in routes]
    assert lengths == sorted(lengths)
    assert lengths[-1] <= 1.5 * lengths[0]
    for r in routes:
        check_route(r.waypoints, planner.denied)  # the verifier, on its own


def test_an_alternative_becomes_a_verified_route(closed: Planner) -> None:
    _, southern = alternatives(closed, "EFHK", "RJAA", k=2)
    origin, destination = resolve_place("EFHK"), resolve_place("RJAA")
    route = southern.route(closed, origin, destination, speed_kt=480.0)
    assert isinstance(route, Route)
    assert route.distance_km == pytest.approx(southern.distance_km, rel=1e-12)
    assert not {"RU", "BY", "UA"} & {t.country for t in route.transit}
    assert route.waypoints == southern.waypoints


def test_one_route_asked_or_a_direct_route_gives_one(closed: Planner) -> None:
    assert len(alternatives(closed, "EFHK", "RJAA", k=1)) == 1
    assert len(alternatives(closed, "EGLL", "KJFK", k=4)) == 1


@pytest.mark.parametrize(("k", "stretch"), [(0, 1.5), (True, 1.5), (2, 0.9), (2, float("nan"))])
def test_bad_counts_are_refused(closed: Planner, k: int, stretch: float) -> None:
    shortest = closed.route(resolve_place("EFHK"), resolve_place("RJAA"))
    with pytest.raises(InputError, match="give"):
        distinct_routes(closed, shortest, k=k, stretch=stretch)


def test_in_still_air_the_shortest_is_the_fastest(closed: Planner) -> None:
    for origin, destination in [("EFHK", "RJAA"), ("RJAA", "EFHK")]:
        routes = alternatives(closed, origin, destination, k=4)
        best, times = fastest(routes, speed_kt=480.0, wind=uniform_wind(0.0, 0.0))
        assert best == 0
        assert times[0].wind_h < times[1].wind_h


def test_the_fastest_in_a_month_is_the_least_time(closed: Planner) -> None:
    routes = alternatives(closed, "EFHK", "RJAA", k=4)
    best, times = fastest(routes, speed_kt=480.0, month=1)
    assert times[best].wind_h == min(t.wind_h for t in times)
    assert np.isfinite([t.mean_wind_kt for t in times]).all()
