"""Wind times of planned routes, against closed forms and the shipped climatology."""

from __future__ import annotations

import math

import pytest

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
