"""Tracks flown along the planner's own routes for the issue's three cases."""

from __future__ import annotations

import datetime as dt

import pytest

from overflight.analysis.plan import plan_request
from overflight.analysis.request import FlightRequest
from overflight.analysis.track import Fix, Track, build_track
from tests.track import flown
from tests.track.flown import fly

#: States whose refusal sends Tel Aviv - New York out of the Mediterranean through Gibraltar.
GIBRALTAR_DENY = "FR,ES,IT,GR,TR,AL,HR,ME,SI,BA,CH,AT"


def _track(name: str, waypoints: object, start: dt.datetime, **options: object) -> Track:
    flown = fly(waypoints, start=start, **options)  # type: ignore[arg-type]
    return build_track(name, [Fix(x, y, t, f"line {k + 2}") for k, (x, y, t) in enumerate(flown)])


@pytest.fixture(scope="session")
def syria_2015() -> Track:
    """UUMU to OSLK on 2015-09-15 for Russian state aircraft: Caspian, Iran, Iraq."""
    fixes = [Fix(x, y, t, f"line {k + 2}") for k, (x, y, t) in enumerate(flown.syria_2015())]
    return build_track("syria.csv", fixes)


@pytest.fixture(scope="session")
def gibraltar() -> Track:
    """Tel Aviv to New York through Gibraltar, never over France or Spain, gaps over the sea."""
    plan = plan_request(FlightRequest(origin="LLBG", destination="KJFK", deny=(GIBRALTAR_DENY,)))
    start = dt.datetime(2023, 5, 2, 9, 0, tzinfo=dt.UTC)
    gaps = [(800.0, 1300.0), (4500.0, 8500.0)]
    return _track("tlv-jfk.kml", plan.route.waypoints, start, seed=5, step_km=12.0, gaps_km=gaps)


@pytest.fixture(scope="session")
def over_ukraine() -> Track:
    """Moscow to Antalya straight over Ukraine on 2022-06-01."""
    start = dt.datetime(2022, 6, 1, 6, 0, tzinfo=dt.UTC)
    waypoints = [(37.4146, 55.9726), (30.5, 50.4), (30.8, 36.9)]
    return _track("ukraine.gpx", waypoints, start, seed=7)
