"""A graph focused on one pair of places: exact up to its reach, never wrong beyond it."""

from __future__ import annotations

import pytest

from overflight.data.airports import resolve_place
from overflight.errors import NoRouteError
from overflight.routing.graph import Focus
from overflight.routing.planner import planner_for

DENY = ["BG", "GR", "TR"]


def test_focus_keeps_the_route_and_drops_far_vertices() -> None:
    origin, destination = resolve_place("UUMU"), resolve_place("OSLK")
    full = planner_for(DENY)
    route = full.route(origin, destination)
    focus = Focus(origin.lonlat, destination.lonlat, route.distance_km * 1.1)
    focused = planner_for(DENY, focus=focus)
    assert focused.graph.size < full.graph.size
    assert focus.keeps(focused.graph.points).all()
    again = focused.route(origin, destination)
    assert again.distance_km == pytest.approx(route.distance_km, rel=1e-12)
    assert again.waypoints == route.waypoints


def test_a_reach_too_short_never_gives_a_shorter_route() -> None:
    origin, destination = resolve_place("UUMU"), resolve_place("OSLK")
    best = planner_for(DENY).route(origin, destination).distance_km
    for factor in (0.5, 0.8, 0.95):
        focus = Focus(origin.lonlat, destination.lonlat, best * factor)
        try:
            found = planner_for(DENY, focus=focus).route(origin, destination)
        except NoRouteError:
            continue
        assert found.distance_km >= best * (1 - 1e-12)


def test_route_around_more_states_is_legal_and_never_shorter() -> None:
    origin, destination = resolve_place("UUMU"), resolve_place("OSLK")
    planner = planner_for(DENY)
    best = planner_for([*DENY, "IR"]).route(origin, destination)
    around = planner.route_around(origin, destination, ["IR"])
    assert around is not None
    assert "IR" in around.denied
    assert "IR" not in {t.country for t in around.transit}
    assert around.distance_km >= best.distance_km * (1 - 1e-12)
    # Ends inside the further states: no route that way.
    assert planner.route_around(origin, destination, ["SY"]) is None
