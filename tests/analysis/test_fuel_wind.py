"""Range and fuel stops by time in the wind: a leg is within range when its time is."""

from __future__ import annotations

import json
from functools import cache

import pytest

from overflight.aircraft import load_aircraft
from overflight.analysis import FlightRequest, plan_request
from overflight.analysis.fuel import StopPlan, plan_with_stops, stop_plan_to_dict
from overflight.analysis.timing import route_time, strongest_wind_m_s
from overflight.errors import InputError, NoRouteError
from overflight.geo.wind import uniform_wind
from overflight.models import KM_PER_NM

#: A uniform westerly, m/s: a tailwind flying east, a headwind flying west.
WESTERLY = 30.0


def check_legs(plan: StopPlan, *, month: int | None) -> None:
    """Every leg joins the next, is timed as route_time times it, and is within endurance."""
    aircraft = load_aircraft(plan.aircraft)
    assert plan.endurance_h == pytest.approx(aircraft.endurance_h(), rel=1e-12)
    for before, after in zip(plan.legs, plan.legs[1:], strict=False):
        assert before.destination == after.origin
    for leg, time in zip(plan.legs, plan.times, strict=True):
        again = route_time(leg, month=month)
        assert time.wind_h == pytest.approx(again.wind_h, rel=1e-9)
        assert time.wind_h <= aircraft.endurance_h() * (1.0 + 1e-9)


@cache
def perth_london(origin: str, destination: str, month: int | None, optimise: str) -> StopPlan:
    return plan_with_stops(
        origin,
        destination,
        aircraft=load_aircraft("B789"),
        deny=["IR"],
        month=month,
        optimise=optimise,
    )


# -- analytic -------------------------------------------------------------------------------------


@pytest.mark.parametrize("optimise", ["distance", "time"])
def test_zero_wind_makes_the_still_air_stops(optimise: str) -> None:
    # Delhi-London for a 737 needs one stop in still air; a calm wind changes nothing.
    b738 = load_aircraft("B738")
    still = plan_with_stops("VIDP", "EGLL", aircraft=b738)
    calm = plan_with_stops(
        "VIDP", "EGLL", aircraft=b738, wind=uniform_wind(0.0, 0.0), optimise=optimise
    )
    assert len(still.stops) == 1
    assert [s.code for s in calm.stops] == [s.code for s in still.stops]
    assert [leg.waypoints for leg in calm.legs] == [leg.waypoints for leg in still.legs]
    for time in calm.times:
        assert time.wind_h == pytest.approx(time.still_air_h, rel=1e-12)
        assert time.mean_wind_kt == pytest.approx(0.0, abs=1e-6)
    assert calm.total_wind_h == pytest.approx(still.total_time_h, rel=1e-12)


def test_a_headwind_forces_a_stop_on_a_leg_just_within_range() -> None:
    # Cairo-Delhi, 4,411 km: within the 737's 4,539 km in still air and with a tailwind
    # (eastbound in a westerly); against it (westbound) the flight outlasts the endurance.
    b738 = load_aircraft("B738")
    westerly = uniform_wind(WESTERLY, 0.0)
    still = plan_with_stops("HECA", "VIDP", aircraft=b738)
    assert still.stops == ()
    assert still.direct is not None
    assert 0.95 * b738.usable_range_km() < still.direct.distance_km < b738.usable_range_km()
    east = plan_with_stops("HECA", "VIDP", aircraft=b738, wind=westerly)
    assert east.stops == ()
    assert east.nonstop_possible
    assert east.times[0].mean_wind_kt > 0.0
    west = plan_with_stops("VIDP", "HECA", aircraft=b738, wind=westerly)
    assert west.direct_time is not None
    assert west.direct_time.mean_wind_kt < 0.0
    assert west.direct_time.wind_h > b738.endurance_h()
    assert not west.nonstop_possible
    assert len(west.stops) >= 1
    for leg, time in zip(west.legs, west.times, strict=True):
        assert time.wind_h <= b738.endurance_h()
        assert leg.distance_km < still.direct.distance_km
    # Still air flies it non-stop the other way too: the wind alone made the stop.
    assert plan_with_stops("VIDP", "HECA", aircraft=b738).stops == ()


def test_a_tailwind_carries_a_leg_just_beyond_range_non_stop() -> None:
    # Casablanca-Jeddah, 4,754 km: beyond the 737's usable range in still air, within its
    # endurance eastbound in the westerly.
    b738 = load_aircraft("B738")
    still = plan_with_stops("GMMN", "OEJN", aircraft=b738)
    assert still.stops
    assert still.direct is not None
    assert still.direct.distance_km > b738.usable_range_km()
    east = plan_with_stops("GMMN", "OEJN", aircraft=b738, wind=uniform_wind(WESTERLY, 0.0))
    assert east.stops == ()
    assert east.times[0].wind_h <= b738.endurance_h() < east.times[0].still_air_h


def test_the_strongest_wind_bounds_every_ground_speed() -> None:
    assert strongest_wind_m_s() == 0.0
    assert strongest_wind_m_s(wind=uniform_wind(30.0, 40.0)) == pytest.approx(50.0)
    assert 30.0 < strongest_wind_m_s(month=4) < 120.0


def test_bad_optimise_and_month_are_input_errors() -> None:
    b738 = load_aircraft("B738")
    with pytest.raises(InputError, match=r"optimise 'fastest'.*distance or time"):
        plan_with_stops("VIDP", "EGLL", aircraft=b738, optimise="fastest")
    with pytest.raises(InputError, match="month 13"):
        plan_with_stops("VIDP", "EGLL", aircraft=b738, month=13)


def test_no_stop_allowed_gives_the_time_and_the_endurance() -> None:
    with pytest.raises(NoRouteError, match=r"takes \d+h\d\d in the April mean wind.*endurance"):
        plan_with_stops(
            "YPPH", "EGLL", aircraft=load_aircraft("B789"), deny=["IR"], month=4, max_stops=0
        )


# -- the case: Perth-London avoiding Iran in April, a 787-9 -------------------------------


@pytest.mark.parametrize(("origin", "destination"), [("YPPH", "EGLL"), ("EGLL", "YPPH")])
def test_perth_london_stops_follow_the_time_in_the_wind(origin: str, destination: str) -> None:
    plan = perth_london(origin, destination, 4, "distance")
    b789 = load_aircraft("B789")
    assert plan.direct_time is not None
    assert plan.nonstop_possible == (plan.direct_time.wind_h <= b789.endurance_h())
    assert bool(plan.stops) != plan.nonstop_possible
    check_legs(plan, month=4)


def test_perth_london_differs_by_direction() -> None:
    # What the April climatology gives (figures in the report): 14,536 km, 16.0 h in still air
    # both ways; 16.7 h westbound against a mean 20 kt headwind, 15.5 h eastbound with a 17 kt
    # tailwind. A 787-9's endurance (range 14,010 km less the reserve, at 490 kt) is 13.9 h:
    # a stop both ways, the westbound flight 1.2 h further beyond.
    west = perth_london("YPPH", "EGLL", 4, "distance")
    east = perth_london("EGLL", "YPPH", 4, "distance")
    assert west.direct_time is not None
    assert east.direct_time is not None
    assert west.direct_time.still_air_h == pytest.approx(east.direct_time.still_air_h, rel=1e-6)
    assert west.direct_time.mean_wind_kt < 0.0 < east.direct_time.mean_wind_kt
    assert west.direct_time.wind_h > east.direct_time.wind_h + 1.0
    # Westbound no 787-9 endurance the profile could hold (under 16 h) reaches non-stop.
    assert west.stops
    assert west.total_wind_h > east.total_wind_h


def test_optimising_time_is_no_slower_in_the_wind_and_no_shorter() -> None:
    for ends in (("YPPH", "EGLL"), ("EGLL", "YPPH")):
        by_distance = perth_london(*ends, 4, "distance")
        by_time = perth_london(*ends, 4, "time")
        check_legs(by_time, month=4)
        assert len(by_time.stops) == len(by_distance.stops)
        assert by_time.total_wind_h <= by_distance.total_wind_h + 1e-9
        assert by_time.total_distance_km >= by_distance.total_distance_km - 1e-6


def test_still_air_keeps_the_distance_rule() -> None:
    plan = perth_london("YPPH", "EGLL", None, "distance")
    b789 = load_aircraft("B789")
    assert plan.month is None
    for leg, time in zip(plan.legs, plan.times, strict=True):
        assert time.wind_h == time.still_air_h
        assert leg.distance_km <= b789.usable_range_km()


def test_route_request_plans_stops_in_the_month_and_reports_the_times() -> None:
    # `overflight route YPPH EGLL --deny IR --month 4 --aircraft B789 --format json`
    plan = plan_request(
        FlightRequest(origin="YPPH", destination="EGLL", deny=("IR",), month=4, aircraft="B789")
    )
    assert plan.stops is not None
    expected = perth_london("YPPH", "EGLL", 4, "distance")
    assert [s.code for s in plan.stops.stops] == [s.code for s in expected.stops]
    data = json.loads(json.dumps(plan.to_dict()))
    assert data["aircraft"]["within_range"] is False
    assert data["aircraft"]["endurance_h"] == pytest.approx(load_aircraft("B789").endurance_h())
    assert data["total_wind_h"] == pytest.approx(expected.total_wind_h)
    for leg, time in zip(data["legs"], expected.times, strict=True):
        assert leg["month"] == 4
        assert leg["wind_h"] == pytest.approx(time.wind_h)
        assert leg["still_air_h"] == pytest.approx(time.still_air_h)
        assert leg["mean_wind_kt"] == pytest.approx(time.mean_wind_kt)
    shape = stop_plan_to_dict(expected)
    assert shape["month"] == 4
    assert shape["optimise"] == "distance"
    assert expected.direct_time is not None
    assert shape["direct"]["wind_h"] == pytest.approx(expected.direct_time.wind_h)


@pytest.mark.parametrize("designator", ["B738", "B789", "IL76"])
def test_endurance_is_the_usable_range_at_cruise_speed(designator: str) -> None:
    aircraft = load_aircraft(designator)
    flown_km = aircraft.endurance_h() * aircraft.cruise_speed_kt * KM_PER_NM
    assert flown_km == pytest.approx(aircraft.usable_range_km(), rel=1e-12)
