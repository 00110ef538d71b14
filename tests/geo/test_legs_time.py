"""Many legs timed at once: each as the path of its two ends is timed on its own."""

from __future__ import annotations

import numpy as np
import pytest

from overflight.data.winds import monthly_wind
from overflight.errors import InputError
from overflight.geo.wind import legs_time, path_time, uniform_wind

TAS = 250.0
STARTS = [(-0.46, 51.47), (115.97, -31.94), (24.96, 60.32), (10.0, 10.0), (170.0, 50.0)]
ENDS = [(115.97, -31.94), (-0.46, 51.47), (140.39, 35.77), (10.0, 10.0), (-170.0, 52.0)]


@pytest.mark.parametrize("month", [1, 4, 7])
def test_each_leg_takes_the_time_of_its_own_path(month: int) -> None:
    wind = monthly_wind(month).at
    hours = legs_time(STARTS, ENDS, tas_m_s=TAS, wind=wind, step_km=25.0)
    for start, end, h in zip(STARTS, ENDS, hours.tolist(), strict=True):
        alone = path_time([start, end], tas_m_s=TAS, wind=wind, step_km=25.0)
        assert h == pytest.approx(alone.wind_h, rel=1e-12, abs=0.0)
    assert hours[3] == 0.0  # a leg of no length takes no time


def test_a_uniform_westerly_helps_east_and_hinders_west_on_the_equator() -> None:
    hours = legs_time(
        [(0.0, 0.0), (20.0, 0.0)], [(20.0, 0.0), (0.0, 0.0)], tas_m_s=TAS,
        wind=uniform_wind(50.0, 0.0),
    )  # fmt: skip
    km = path_time([(0.0, 0.0), (20.0, 0.0)], tas_m_s=TAS, wind=uniform_wind(0, 0)).distance_km
    expected = np.array([km / (TAS + 50.0), km / (TAS - 50.0)]) * 1000.0 / 3600.0
    assert hours == pytest.approx(expected, rel=1e-9)


def test_mismatched_ends_are_refused() -> None:
    with pytest.raises(InputError, match="2 starts and 1 ends"):
        legs_time([(0, 0), (1, 1)], [(2, 2)], tas_m_s=TAS, wind=uniform_wind(0.0, 0.0))
