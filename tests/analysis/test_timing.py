"""Wind times of planned routes, against closed forms and the shipped climatology."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from overflight.analysis.plan import plan_request
from overflight.analysis.request import FlightRequest
from overflight.analysis.timing import fastest, route_time
from overflight.errors import InputError
from overflight.geo.wind import M_S_PER_KT, uniform_wind
from overflight.models import KM_PER_NM, Route
from overflight.routing.planner import plan_route

SPEED_KT = 480.0
TAS = SPEED_KT * M_S_PER_KT


@pytest.fixture(scope="module")
def equator() -> Route:
    """60 degrees along the equator, eastbound: nothing denied, so the direct geodesic."""
    return plan_route("0,0", "0,60", speed_kt=SPEED_KT)


@pytest.fixture(scope="module")
def meridian() -> Route:
    """70 degrees along the meridian of 10°E, northbound."""
    return plan_route("-30,10", "40,10", speed_kt=SPEED_KT)


def closed_form_h(distance_km: float, ground_speed_m_s: float) -> float:
    return distance_km * 1000.0 / ground_speed_m_s / 3600.0


@pytest.mark.parametrize("u", [50.0, -50.0])
def test_uniform_westerly_on_the_equator_matches_the_closed_form(equator: Route, u: float) -> None:
    assert equator.is_direct
    timed = route_time(equator, wind=uniform_wind(u, 0.0))
    expected = closed_form_h(equator.distance_km, TAS + u)
    assert timed.wind_h == pytest.approx(expected, rel=1e-3)
    assert timed.wind_h == pytest.approx(expected, rel=1e-9)  # the midpoint rule is exact here
    assert timed.mean_wind_kt == pytest.approx(u / M_S_PER_KT, rel=1e-9)


@pytest.mark.parametrize("c", [30.0, -60.0, 120.0])
def test_pure_crosswind_lengthens_by_the_exact_factor(meridian: Route, c: float) -> None:
    timed = route_time(meridian, wind=uniform_wind(c, 0.0))
    factor = math.sqrt(1.0 - (c / TAS) ** 2)
    assert timed.wind_h * factor == pytest.approx(timed.still_air_h, rel=1e-9)
    assert timed.wind_h > timed.still_air_h


def test_zero_wind_gives_distance_over_speed(equator: Route) -> None:
    still = route_time(equator)
    calm = route_time(equator, wind=uniform_wind(0.0, 0.0))
    expected = equator.distance_km / (SPEED_KT * KM_PER_NM)
    assert still.month is None
    assert still.still_air_h == still.wind_h == expected
    assert calm.wind_h == pytest.approx(expected, rel=1e-12)
    assert calm.mean_wind_kt == pytest.approx(0.0, abs=1e-6)


def test_a_month_of_real_wind_differs_by_direction() -> None:
    east = plan_route("EFHK", "RJAA", deny=["RU", "BY", "UA"], speed_kt=SPEED_KT)
    west = plan_route("RJAA", "EFHK", deny=["RU", "BY", "UA"], speed_kt=SPEED_KT)
    t_east, t_west = route_time(east, month=1), route_time(west, month=1)
    assert t_east.still_air_h == pytest.approx(t_west.still_air_h, rel=1e-9)
    # The same track flown the other way meets the opposite along-track wind.
    assert t_east.wind_h != pytest.approx(t_west.wind_h, rel=1e-3)
    assert t_east.mean_wind_kt * t_west.mean_wind_kt < 0.0
    assert t_east.month == 1


def test_a_month_outside_the_year_is_refused(equator: Route) -> None:
    with pytest.raises(InputError, match="month 13"):
        route_time(equator, month=13)


def test_a_headwind_stronger_than_the_aircraft_is_refused(equator: Route) -> None:
    with pytest.raises(InputError, match="headwind"):
        route_time(equator, wind=uniform_wind(-TAS - 1.0, 0.0))


def test_fastest_in_still_air_is_the_first_of_equal_times(equator: Route) -> None:
    best, times = fastest([equator, equator], speed_kt=SPEED_KT)
    assert best == 0
    assert times[0] == times[1]
    with pytest.raises(InputError, match="no routes"):
        fastest([], speed_kt=SPEED_KT)


# -- a request planned for time --------------------------------------------------------------


def helsinki_tokyo(**options: object) -> FlightRequest:
    return FlightRequest(origin="EFHK", destination="RJAA", deny=RU_BY_UA, **options)  # type: ignore[arg-type]


RU_BY_UA = ("RU", "BY", "UA")


def test_time_optimal_plan_reports_the_routes_it_chose_among() -> None:
    plan = plan_request(helsinki_tokyo(month=1, optimise="time"))
    data = plan.to_dict()
    assert data["optimise"] == "time"
    assert data["month"] == 1
    considered = data["alternatives"]
    assert len(considered) >= 2
    assert sum(a["chosen"] for a in considered) == 1
    chosen = next(a for a in considered if a["chosen"])
    assert chosen["wind_h"] == min(a["wind_h"] for a in considered)
    assert data["distance_km"] == pytest.approx(chosen["distance_km"], rel=1e-9)
    assert data["wind_h"] == pytest.approx(chosen["wind_h"], rel=1e-9)
    assert not set(RU_BY_UA) & {t["country"] for t in data["transit"]}


def test_still_air_time_optimal_is_the_shortest() -> None:
    by_time = plan_request(helsinki_tokyo(month=1, no_wind=True, optimise="time"))
    by_distance = plan_request(helsinki_tokyo())
    assert by_time.route.waypoints == by_distance.route.waypoints
    assert by_time.alternatives[0].chosen
    assert by_time.timing.wind_h == by_time.timing.still_air_h == by_time.route.duration_h


def test_the_month_comes_from_the_date_and_none_means_still_air() -> None:
    dated = plan_request(helsinki_tokyo(date=dt.date(2023, 1, 15)))
    assert dated.timing == plan_request(helsinki_tokyo(month=1)).timing
    undated = plan_request(helsinki_tokyo()).to_dict()
    assert undated["month"] is None
    assert undated["wind_h"] == undated["still_air_h"] == undated["duration_h"]
    assert "alternatives" not in undated


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"optimise": "time"}, "needs a month"),
        ({"optimise": "fast"}, "optimise 'fast': give distance or time"),
        ({"month": 0}, "month 0: out of range, give 1 to 12"),
        ({"month": 1.5}, "month 1.5: give a whole number"),
    ],
)
def test_bad_wind_options_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        plan_request(helsinki_tokyo(**options))
