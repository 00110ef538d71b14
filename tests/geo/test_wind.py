"""Ground speed in a wind and the time along a path, against closed forms."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.typing import NDArray

from overflight.errors import InputError
from overflight.geo.ellipsoid import geodesic_km
from overflight.geo.wind import (
    M_S_PER_KT,
    ground_speed,
    path_time,
    uniform_wind,
    wind_components,
)

TAS = 250.0  # m/s, about 486 kt
WGS84_A_KM = 6378.137
#: 60 degrees of the equator: an equatorial geodesic is an arc of radius a.
EQUATOR_KM = WGS84_A_KM * math.pi / 3.0
EAST = [(0.0, 0.0), (60.0, 0.0)]
WEST = EAST[::-1]
NORTH = [(10.0, -30.0), (10.0, 40.0)]
SOUTH = NORTH[::-1]
Floats = NDArray[np.float64]


def closed_form_h(distance_km: float, ground_speed_m_s: float) -> float:
    return distance_km * 1000.0 / ground_speed_m_s / 3600.0


# -- components and ground speed ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("u", "v", "track", "tailwind", "crosswind"),
    [
        (50.0, 0.0, 90.0, 50.0, 0.0),  # westerly, flying east
        (50.0, 0.0, 270.0, -50.0, 0.0),  # westerly, flying west
        (50.0, 0.0, 0.0, 0.0, 50.0),  # westerly, flying north: from the left
        (50.0, 0.0, 180.0, 0.0, -50.0),  # westerly, flying south: from the right
        (0.0, -30.0, 180.0, 30.0, 0.0),  # northerly, flying south
        (0.0, 30.0, 90.0, 0.0, -30.0),  # southerly, flying east: from the right
        (30.0, 30.0, 45.0, 30.0 * math.sqrt(2.0), 0.0),  # south-westerly, flying north-east
    ],
)
def test_wind_components(
    u: float, v: float, track: float, tailwind: float, crosswind: float
) -> None:
    tw, xw = wind_components(u, v, track)
    assert float(tw) == pytest.approx(tailwind, abs=1e-12)
    assert float(xw) == pytest.approx(crosswind, abs=1e-12)


@given(
    st.floats(-120.0, 120.0),
    st.floats(-120.0, 120.0),
    st.floats(0.0, 360.0),
    st.floats(130.0, 300.0),
)
def test_ground_velocity_is_air_velocity_plus_wind(
    u: float, v: float, track: float, tas: float
) -> None:
    """The heading the formula implies has the true airspeed and keeps the aircraft on track."""
    assume(math.hypot(u, v) < 0.9 * tas)
    gs = float(ground_speed(tas, u, v, track))
    t = math.radians(track)
    along = np.array([math.sin(t), math.cos(t)])  # (east, north)
    air = gs * along - np.array([u, v])
    assert float(np.hypot(*air)) == pytest.approx(tas, rel=1e-12)
    assert gs > 0.0


@pytest.mark.parametrize("crosswind", [TAS, TAS + 1.0, 2.0 * TAS])
def test_a_crosswind_of_at_least_the_airspeed_is_refused(crosswind: float) -> None:
    with pytest.raises(InputError, match=r"crosswind .* is not less than the true airspeed"):
        ground_speed(TAS, crosswind, 0.0, 0.0)


@pytest.mark.parametrize("headwind", [TAS, TAS + 10.0])
def test_a_headwind_that_leaves_no_ground_speed_is_refused(headwind: float) -> None:
    with pytest.raises(InputError, match="leaves no ground speed"):
        ground_speed(TAS, -headwind, 0.0, 90.0)


@pytest.mark.parametrize("tas", [0.0, -100.0, math.nan, math.inf])
def test_a_true_airspeed_that_is_not_positive_is_refused(tas: float) -> None:
    with pytest.raises(InputError, match="true airspeed"):
        ground_speed(tas, 0.0, 0.0, 0.0)
    with pytest.raises(InputError, match="true airspeed"):
        path_time(EAST, tas_m_s=tas, wind=uniform_wind(0.0, 0.0))


# -- time along a path --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "waypoints",
    [
        EAST,
        NORTH,
        [(24.963, 60.317), (140.386, 35.765)],  # EFHK-RJAA
        [(170.0, 10.0), (-170.0, 20.0)],  # across the antimeridian
        [(0.0, 80.0), (180.0, 80.0)],  # over the North Pole
        [(-0.4614, 51.4706), (-73.7789, 40.6398), (-118.4085, 33.9416)],  # two legs
    ],
)
def test_zero_wind_gives_distance_over_speed(waypoints: list[tuple[float, float]]) -> None:
    t = path_time(waypoints, tas_m_s=TAS, wind=uniform_wind(0.0, 0.0))
    assert t.wind_h == pytest.approx(t.still_air_h, rel=1e-12)
    assert t.still_air_h == pytest.approx(closed_form_h(t.distance_km, TAS), rel=1e-12)
    assert t.mean_wind_m_s == pytest.approx(0.0, abs=1e-9)
    legs_km = sum(geodesic_km(*a, *b) for a, b in itertools.pairwise(waypoints))
    # Great circles of the sphere measured on the ellipsoid: a hair longer than its geodesics.
    assert legs_km * (1.0 - 1e-12) <= t.distance_km <= legs_km * (1.0 + 1e-4)


@pytest.mark.parametrize(
    ("waypoints", "ground_speed_m_s"), [(EAST, TAS + 50.0), (WEST, TAS - 50.0)]
)
def test_uniform_westerly_on_the_equator_gives_the_closed_form_both_ways(
    waypoints: list[tuple[float, float]], ground_speed_m_s: float
) -> None:
    t = path_time(waypoints, tas_m_s=TAS, wind=uniform_wind(50.0, 0.0))
    assert t.distance_km == pytest.approx(EQUATOR_KM, rel=1e-9)
    assert t.wind_h == pytest.approx(closed_form_h(EQUATOR_KM, ground_speed_m_s), rel=1e-3)
    assert t.wind_h == pytest.approx(closed_form_h(EQUATOR_KM, ground_speed_m_s), rel=1e-9)
    assert t.still_air_h == pytest.approx(closed_form_h(EQUATOR_KM, TAS), rel=1e-9)
    assert t.mean_wind_m_s == pytest.approx(ground_speed_m_s - TAS, abs=1e-6)


@pytest.mark.parametrize(
    ("waypoints", "u", "v"),
    [
        (NORTH, 50.0, 0.0),  # along a meridian, a westerly is all crosswind
        (SOUTH, 50.0, 0.0),
        (NORTH, -50.0, 0.0),
        (EAST, 0.0, 50.0),  # along the equator, a southerly is all crosswind
        (WEST, 0.0, -50.0),
    ],
)
def test_a_pure_crosswind_lengthens_the_time_by_exactly_tas_over_the_along_track_airspeed(
    waypoints: list[tuple[float, float]], u: float, v: float
) -> None:
    t = path_time(waypoints, tas_m_s=TAS, wind=uniform_wind(u, v))
    assert t.wind_h / t.still_air_h == pytest.approx(TAS / math.sqrt(TAS**2 - 50.0**2), rel=1e-9)
    assert t.mean_wind_m_s < 0.0


def test_legs_add_up() -> None:
    a, b, c = (-0.4614, 51.4706), (-73.7789, 40.6398), (-118.4085, 33.9416)
    wind = uniform_wind(30.0, -10.0)
    whole = path_time([a, b, c], tas_m_s=TAS, wind=wind)
    parts = [path_time(leg, tas_m_s=TAS, wind=wind) for leg in ([a, b], [b, c])]
    assert whole.distance_km == pytest.approx(sum(p.distance_km for p in parts), rel=1e-12)
    assert whole.wind_h == pytest.approx(sum(p.wind_h for p in parts), rel=1e-12)


def test_finer_steps_change_nothing_in_a_smooth_field() -> None:
    def swirl(lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
        return 40.0 * np.cos(np.radians(lat)) ** 2, 15.0 * np.sin(np.radians(2.0 * lon))

    route = [(24.963, 60.317), (140.386, 35.765)]
    coarse = path_time(route, tas_m_s=TAS, wind=swirl, step_km=25.0)
    fine = path_time(route, tas_m_s=TAS, wind=swirl, step_km=1.0)
    assert coarse.wind_h == pytest.approx(fine.wind_h, rel=1e-6)


def test_too_strong_a_crosswind_on_the_way_says_where() -> None:
    def gale_east_of_30(lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
        return np.zeros_like(lon), np.where(lon > 30.0, 300.0, 0.0)

    with pytest.raises(InputError, match=r"crosswind 300.0 m/s at lon=30\.\d+, lat=0\.000"):
        path_time(EAST, tas_m_s=TAS, wind=gale_east_of_30)


def test_a_path_of_one_point_takes_no_time() -> None:
    assert tuple(path_time([(1.0, 2.0)], tas_m_s=TAS, wind=uniform_wind(9.0, 9.0))) == (
        0.0,
        0.0,
        0.0,
        0.0,
    )


def test_bad_step_is_refused() -> None:
    with pytest.raises(InputError, match="step"):
        path_time(EAST, tas_m_s=TAS, wind=uniform_wind(0.0, 0.0), step_km=0.0)


def test_knots() -> None:
    speed_m_s = 480 * M_S_PER_KT
    assert speed_m_s == pytest.approx(246.933, abs=1e-3)


lons = st.floats(-180.0, 180.0, allow_nan=False)
lats = st.floats(-80.0, 80.0, allow_nan=False)


@given(lons, lats, lons, lats, st.floats(-100.0, 100.0), st.floats(-100.0, 100.0))
def test_a_round_trip_in_a_uniform_wind_is_never_faster_than_in_still_air(
    lon1: float, lat1: float, lon2: float, lat2: float, u: float, v: float
) -> None:
    assume(geodesic_km(lon1, lat1, lon2, lat2) > 50.0)
    assume(math.hypot(u, v) < TAS / 2.0)
    wind = uniform_wind(u, v)
    there = path_time([(lon1, lat1), (lon2, lat2)], tas_m_s=TAS, wind=wind, step_km=50.0)
    back = path_time([(lon2, lat2), (lon1, lat1)], tas_m_s=TAS, wind=wind, step_km=50.0)
    assert there.distance_km == pytest.approx(back.distance_km, rel=1e-9)
    assert there.wind_h + back.wind_h >= (there.still_air_h + back.still_air_h) * (1.0 - 1e-12)
