"""Transit passage opens strait corridors through denied territorial seas, and says so."""

from __future__ import annotations

from overflight import plan_route
from overflight.routing.verify import check_route
from overflight.scenarios import parse_scenario

SCENARIO = """
name: straits-test
title: Spain, Morocco and Gibraltar closed, transit passage {passage}
date: 2024-01-01
transit_passage: {passage}
rules:
  - {{states: [ES, MA, GI], overflight: deny}}
"""

ATLANTIC, ALBORAN = "36.0,-7.5", "36.5,-1.0"


def _route(passage: bool):  # type: ignore[no-untyped-def]
    text = SCENARIO.format(passage="true" if passage else "false")
    permissions = parse_scenario(text, file="straits-test.yaml").resolve()
    return plan_route(ATLANTIC, ALBORAN, permissions=permissions)


def test_transit_passage_opens_gibraltar() -> None:
    closed = _route(passage=False)
    opened = _route(passage=True)
    assert closed.straits == ()
    assert opened.straits == ("Strait of Gibraltar",)
    assert opened.distance_km < closed.distance_km / 3
    # The opened route crosses the coastal states' waters only inside the corridor.
    assert {"ES", "MA"} & {t.country for t in opened.transit}
    check_route(opened.waypoints, ("PT", "DZ"))
